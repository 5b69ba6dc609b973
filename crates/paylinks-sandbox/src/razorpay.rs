//! Razorpay Payment Links v2: `/v1/payment_links` create, fetch all, fetch, update, cancel and
//! notify (REFERENCE.md section 2).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::body::{self, BodyError, QueryMap, present};
use crate::clock;
use crate::control::{ControlError, settle_payment};
use crate::links::{Links, StoredLink};
use crate::state::AppState;

/// Currencies the sandbox accepts (a subset of Razorpay's list).
pub(crate) const CURRENCIES: &[&str] = &[
    "INR", "USD", "EUR", "GBP", "SGD", "AED", "AUD", "CAD", "CHF", "CNY", "HKD", "JPY", "MYR", "NZD", "SAR", "SEK",
    "THB", "ZAR", "KWD", "BHD", "OMR", "QAR",
];

// ------------------------------------------------------------------------------ errors

/// A Razorpay error: `{"error": {"code", "description", "field"?, "source", "step", "reason",
/// "metadata"}}`.
#[derive(Debug, Clone)]
pub(crate) struct RazorpayError {
    status: StatusCode,
    code: &'static str,
    description: String,
    field: Option<String>,
    source: &'static str,
    step: &'static str,
    reason: &'static str,
}

impl RazorpayError {
    /// 400 `BAD_REQUEST_ERROR` with `source`/`step`/`reason` `NA` (API validation errors).
    pub(crate) fn bad_request(description: impl Into<String>) -> RazorpayError {
        RazorpayError {
            status: StatusCode::BAD_REQUEST,
            code: "BAD_REQUEST_ERROR",
            description: description.into(),
            field: None,
            source: "NA",
            step: "NA",
            reason: "NA",
        }
    }

    /// Names the offending request field.
    pub(crate) fn field(mut self, field: &str) -> RazorpayError {
        self.field = Some(field.to_owned());
        self
    }

    /// A business-rule error (`source: business`, `step: payment_initiation`,
    /// `reason: input_validation_failed`), as in the documented invoice cancel failure.
    pub(crate) fn business(description: impl Into<String>) -> RazorpayError {
        RazorpayError {
            source: "business",
            step: "payment_initiation",
            reason: "input_validation_failed",
            ..Self::bad_request(description)
        }
    }

    /// Another status and code.
    pub(crate) fn with_status(mut self, status: StatusCode, code: &'static str) -> RazorpayError {
        self.status = status;
        self.code = code;
        self
    }

    /// The error body.
    pub(crate) fn body(&self) -> Value {
        let mut error = json!({
            "code": self.code,
            "description": self.description,
            "source": self.source,
            "step": self.step,
            "reason": self.reason,
            "metadata": {},
        });
        if let (Some(field), Some(map)) = (&self.field, error.as_object_mut()) {
            map.insert("field".into(), json!(field));
        }
        json!({ "error": error })
    }

    /// The error response.
    pub(crate) fn response(&self) -> Response {
        body::json(self.status, &self.body())
    }
}

impl From<RazorpayError> for Response {
    fn from(error: RazorpayError) -> Response {
        error.response()
    }
}

/// The error for an unknown id.
pub(crate) fn unknown_id() -> RazorpayError {
    RazorpayError::bad_request("The id provided does not exist").field("id")
}

/// The error for a request body that is not a JSON object.
pub(crate) fn bad_body(error: &BodyError) -> RazorpayError {
    match error {
        BodyError::Empty => RazorpayError::bad_request("The request body is missing."),
        BodyError::Malformed(_) | BodyError::NotAnObject => {
            RazorpayError::bad_request("incorrect JSON object received.")
        }
    }
}

/// The query string, or the error for one that cannot be read.
pub(crate) fn query_map(query: QueryMap) -> Result<HashMap<String, String>, RazorpayError> {
    query.map(|Query(query)| query).map_err(|_| RazorpayError::bad_request("incorrect query string received."))
}

/// 404 for a URL (or method) the API does not have.
pub(crate) async fn not_found() -> Response {
    RazorpayError::bad_request("The requested URL was not found on the server.")
        .with_status(StatusCode::NOT_FOUND, "BAD_REQUEST_ERROR")
        .response()
}

/// The error body of an injected fault status.
pub(crate) fn fault_status(status: StatusCode) -> Response {
    let error = match status.as_u16() {
        502 | 504 => RazorpayError::bad_request("The gateway did not respond in time. Please retry.")
            .with_status(status, "GATEWAY_ERROR"),
        s if s >= 500 => {
            RazorpayError::bad_request("The server encountered an error. The incident has been reported to admins.")
                .with_status(status, "SERVER_ERROR")
        }
        401 => RazorpayError::bad_request("The api key provided is invalid").with_status(status, "BAD_REQUEST_ERROR"),
        _ => RazorpayError::bad_request("The request could not be processed.").with_status(status, "BAD_REQUEST_ERROR"),
    };
    error.response()
}

/// 429 with Razorpay's error envelope.
pub(crate) fn rate_limited() -> Response {
    RazorpayError::bad_request("Too many requests. Please retry after some time.")
        .with_status(StatusCode::TOO_MANY_REQUESTS, "BAD_REQUEST_ERROR")
        .response()
}

// ------------------------------------------------------------------------------ state

/// State of a v2 payment link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Created,
    PartiallyPaid,
    Paid,
    Expired,
    Cancelled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::PartiallyPaid => "partially_paid",
            Status::Paid => "paid",
            Status::Expired => "expired",
            Status::Cancelled => "cancelled",
        }
    }

    fn is_open(self) -> bool {
        matches!(self, Status::Created | Status::PartiallyPaid)
    }
}

/// A captured payment on a link.
#[derive(Debug, Clone)]
struct Payment {
    id: String,
    amount: i64,
    method: String,
    at: i64,
}

/// A payment link (v2); amounts in minor units, times in Unix seconds (0 = not set).
#[derive(Debug, Clone)]
struct Link {
    id: String,
    accept_partial: bool,
    amount: i64,
    amount_paid: i64,
    currency: String,
    description: String,
    customer: Option<Map<String, Value>>,
    expire_by: i64,
    expired_at: i64,
    cancelled_at: i64,
    created_at: i64,
    updated_at: i64,
    first_min_partial_amount: i64,
    notes: Option<Map<String, Value>>,
    notify: Map<String, Value>,
    payments: Vec<Payment>,
    reference_id: String,
    reminder_enable: bool,
    short_url: String,
    status: Status,
    callback_url: Option<String>,
    callback_method: Option<String>,
    upi_link: bool,
    order_id: Option<String>,
}

impl StoredLink for Link {
    const FAMILY: &'static str = "razorpay";

    fn status_name(&self) -> &'static str {
        self.status.as_str()
    }

    fn is_open(&self) -> bool {
        self.status.is_open()
    }

    /// `expire_by`, unless 0 (not set).
    fn expires_at(&self) -> Option<DateTime<Utc>> {
        clock::from_unix(self.expire_by).filter(|_| self.expire_by > 0)
    }

    fn mark_expired(&mut self, at: DateTime<Utc>) {
        self.status = Status::Expired;
        self.expired_at = clock::unix(at);
        self.updated_at = self.expired_at;
    }

    /// The link entity.
    fn to_json(&self) -> Value {
        let payments = if self.payments.is_empty() {
            Value::Null
        } else {
            self.payments
                .iter()
                .map(|p| {
                    json!({
                        "amount": p.amount,
                        "created_at": p.at,
                        "method": p.method,
                        "payment_id": p.id,
                        "plink_id": self.id,
                        "status": "captured",
                        "updated_at": p.at,
                    })
                })
                .collect()
        };
        let reminders =
            if self.reminder_enable && self.status.is_open() { json!({"status": "pending"}) } else { json!([]) };
        let mut body = json!({
            "accept_partial": self.accept_partial,
            "amount": self.amount,
            "amount_paid": self.amount_paid,
            "cancelled_at": self.cancelled_at,
            "created_at": self.created_at,
            "currency": self.currency,
            "customer": self.customer.as_ref().map_or_else(|| json!([]), |c| Value::Object(c.clone())),
            "description": self.description,
            "expire_by": self.expire_by,
            "expired_at": self.expired_at,
            "first_min_partial_amount": self.first_min_partial_amount,
            "id": self.id,
            "notes": self.notes.as_ref().map_or(Value::Null, |n| Value::Object(n.clone())),
            "notify": self.notify,
            "payments": payments,
            "reference_id": self.reference_id,
            "reminder_enable": self.reminder_enable,
            "reminders": reminders,
            "short_url": self.short_url,
            "status": self.status.as_str(),
            "updated_at": self.updated_at,
            "upi_link": self.upi_link,
            "user_id": "",
            "whatsapp_link": false,
        });
        if let Some(map) = body.as_object_mut() {
            if let Some(url) = &self.callback_url {
                map.insert("callback_url".into(), json!(url));
            }
            if let Some(method) = &self.callback_method {
                map.insert("callback_method".into(), json!(method));
            }
            if let Some(order_id) = &self.order_id {
                map.insert("order_id".into(), json!(order_id));
            }
        }
        body
    }
}

/// Razorpay v2's part of the sandbox state.
#[derive(Debug, Default)]
pub(crate) struct Store {
    links: Links<Link>,
}

impl Store {
    /// Every link, oldest first, as entities.
    pub(crate) fn all_links(&mut self) -> Vec<Value> {
        self.links.all_json()
    }

    fn reference_taken(&self, reference_id: &str, except: &str) -> bool {
        !reference_id.is_empty() && self.links.any(|l| l.reference_id == reference_id && l.id != except)
    }

    /// Control API: a customer pays `amount` (default: everything still due).
    pub(crate) fn pay(&mut self, id: &str, amount: Option<i64>, method: Option<&str>) -> Result<Value, ControlError> {
        let link = self.links.open(id, "be paid")?;
        let minimum_first = if link.amount_paid == 0 { link.first_min_partial_amount } else { 0 };
        let amount = settle_payment(link.amount - link.amount_paid, amount, link.accept_partial, minimum_first)?;
        let now = clock::unix(clock::now());
        link.payments.push(Payment {
            id: crate::ids::razorpay("pay"),
            amount,
            method: method.unwrap_or(if link.upi_link { "upi" } else { "card" }).to_owned(),
            at: now,
        });
        link.order_id.get_or_insert_with(|| crate::ids::razorpay("order"));
        link.amount_paid += amount;
        link.status = if link.amount_paid >= link.amount { Status::Paid } else { Status::PartiallyPaid };
        link.updated_at = now;
        Ok(link.to_json())
    }

    /// Control API: the link expires now.
    pub(crate) fn expire(&mut self, id: &str) -> Result<Value, ControlError> {
        self.links.expire(id)
    }
}

// ------------------------------------------------------------------------------ validation

/// `incorrect JSON object received - faulty key: <key>.`: the documented type-mismatch error.
pub(crate) fn faulty_key(key: &str) -> RazorpayError {
    RazorpayError::bad_request(format!("incorrect JSON object received - faulty key: {key}.")).field(key)
}

/// A string field.
pub(crate) fn string_field(request: &Map<String, Value>, key: &str) -> Result<Option<String>, RazorpayError> {
    match present(request, key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(faulty_key(key)),
    }
}

fn bool_field(request: &Map<String, Value>, key: &str) -> Result<Option<bool>, RazorpayError> {
    match present(request, key) {
        None => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(flag)),
        Some(_) => Err(faulty_key(key)),
    }
}

/// A whole-number field.
pub(crate) fn int_field(request: &Map<String, Value>, key: &str) -> Result<Option<i64>, RazorpayError> {
    match present(request, key) {
        None => Ok(None),
        Some(value) => value.as_i64().map(Some).ok_or_else(|| faulty_key(key)),
    }
}

/// Notes: an object of at most 15 string values of at most 255 characters.
pub(crate) fn notes_field(
    request: &Map<String, Value>,
    key: &str,
) -> Result<Option<Map<String, Value>>, RazorpayError> {
    match present(request, key) {
        None => Ok(None),
        Some(Value::Array(items)) if items.is_empty() => Ok(Some(Map::new())),
        Some(Value::Object(notes)) => {
            if notes.len() > 15 {
                return Err(
                    RazorpayError::bad_request("notes: the number of keys must not be greater than 15.").field(key)
                );
            }
            for value in notes.values() {
                match value {
                    Value::String(text) if text.chars().count() > 255 => {
                        return Err(
                            RazorpayError::bad_request("value: the length must not be greater than 255.").field(key)
                        );
                    }
                    Value::String(_) | Value::Number(_) | Value::Bool(_) => {}
                    _ => return Err(faulty_key(key)),
                }
            }
            Ok(Some(
                notes
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v.as_str().map_or_else(|| v.to_string(), str::to_owned))))
                    .collect(),
            ))
        }
        Some(_) => Err(faulty_key(key)),
    }
}

/// `expire_by`: Unix seconds at least 15 minutes ahead; `too_soon` words the error for an
/// earlier time.
pub(crate) fn expire_by_field(request: &Map<String, Value>, too_soon: &str) -> Result<Option<i64>, RazorpayError> {
    let Some(expire_by) = int_field(request, "expire_by")? else {
        return Ok(None);
    };
    if expire_by < clock::unix(clock::now()) + 15 * 60 {
        return Err(RazorpayError::bad_request(too_soon).field("expire_by"));
    }
    Ok(Some(expire_by))
}

/// The v2 API's error for an `expire_by` less than 15 minutes ahead.
const EXPIRE_BY_TOO_SOON: &str = "timestamp must be atleast 15 minutes in future";

/// `currency`: one of [`CURRENCIES`], `INR` when absent or empty; `unsupported` words the
/// error for another.
pub(crate) fn currency_field(request: &Map<String, Value>, unsupported: &str) -> Result<String, RazorpayError> {
    let currency = string_field(request, "currency")?.filter(|c| !c.is_empty()).unwrap_or_else(|| "INR".to_owned());
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(RazorpayError::bad_request(unsupported).field("currency"));
    }
    Ok(currency)
}

fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(' ')
        }
        None => false,
    }
}

fn is_url(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && text.len() > "https://".len()
        && !text.contains(' ')
}

/// The fields the create request may carry (anything else: `extra fields sent.`).
const CREATE_FIELDS: &[&str] = &[
    "amount",
    "currency",
    "accept_partial",
    "first_min_partial_amount",
    "upi_link",
    "description",
    "reference_id",
    "customer",
    "expire_by",
    "notify",
    "reminder_enable",
    "notes",
    "callback_url",
    "callback_method",
    "options",
];

/// `amount` in minor units of `currency`: a whole number, at least 100.
fn amount_of(request: &Map<String, Value>, currency: &str) -> Result<i64, RazorpayError> {
    let amount = match present(request, "amount") {
        None => return Err(RazorpayError::bad_request("amount: cannot be blank.").field("amount")),
        Some(value) => value.as_i64().ok_or_else(|| {
            RazorpayError::bad_request(format!(
                "amount, should be a whole number for e.g. 2234 to create a payment link for {currency} 22.34."
            ))
            .field("amount")
        })?,
    };
    if amount < 100 {
        return Err(
            RazorpayError::bad_request(format!("amount: amount should be minimum 100 for {currency}.")).field("amount")
        );
    }
    Ok(amount)
}

// ------------------------------------------------------------------------------ handlers

/// `POST /v1/payment_links`.
pub(crate) async fn create(State(app): State<Arc<AppState>>, bytes: Bytes) -> Response {
    body::with_object(&bytes, bad_body, |request| create_link(&app, request))
}

fn create_link(app: &AppState, request: &Map<String, Value>) -> Result<Value, RazorpayError> {
    if let Some(extra) = request.keys().find(|k| !CREATE_FIELDS.contains(&k.as_str())) {
        return Err(RazorpayError::bad_request("extra fields sent.").field(extra));
    }
    let currency = currency_field(
        request,
        "amount: currency: wrong input field, please find the list of supported currencies on the documentation.",
    )?;
    let amount = amount_of(request, &currency)?;
    let upi_link = match present(request, "upi_link") {
        None => false,
        Some(Value::Bool(flag)) => flag,
        Some(Value::String(text)) if text == "true" || text == "false" => text == "true",
        Some(_) => return Err(faulty_key("upi_link")),
    };
    let accept_partial = bool_field(request, "accept_partial")?.unwrap_or(false);
    let first_min = int_field(request, "first_min_partial_amount")?;
    if upi_link {
        if app.config.razorpay.key_id.starts_with("rzp_test_") {
            return Err(RazorpayError::bad_request(
                "UPI Payment Links is not supported in Test Mode. Please experience the product in Live Mode.",
            ));
        }
        if currency != "INR" {
            return Err(
                RazorpayError::bad_request("upi is currently supported only in indian currency").field("currency")
            );
        }
        if accept_partial {
            return Err(RazorpayError::bad_request("partial payment not supported in upi link").field("accept_partial"));
        }
    }
    let first_min_partial_amount = match (accept_partial, first_min) {
        (_, None) => 0,
        (false, Some(_)) => {
            return Err(RazorpayError::bad_request("first_min_partial_amount: accept_partial must be true to set it.")
                .field("first_min_partial_amount"));
        }
        (true, Some(min)) if min > amount => {
            return Err(RazorpayError::bad_request("first_min_partial_amount must be less than or equal to amount.")
                .field("first_min_partial_amount"));
        }
        (true, Some(min)) if min < 100 => {
            return Err(RazorpayError::bad_request(format!(
                "first_min_partial_amount: amount should be minimum 100 for {currency}."
            ))
            .field("first_min_partial_amount"));
        }
        (true, Some(min)) => min,
    };
    let description = string_field(request, "description")?.unwrap_or_default();
    if description.chars().count() > 2048 {
        return Err(
            RazorpayError::bad_request("description: the length must be no more than 2048.").field("description")
        );
    }
    let reference_id = string_field(request, "reference_id")?.unwrap_or_default();
    if reference_id.chars().count() > 40 {
        return Err(
            RazorpayError::bad_request("reference_id: the length must be no more than 40.").field("reference_id")
        );
    }
    let customer = match present(request, "customer") {
        None => None,
        Some(Value::Array(items)) if items.is_empty() => None,
        Some(Value::Object(customer)) => {
            let mut kept = Map::new();
            for (key, value) in customer {
                match (key.as_str(), value) {
                    (_, Value::Null) => {}
                    ("name" | "email" | "contact", Value::String(text)) => {
                        if key == "email" && !is_email(&text) {
                            return Err(RazorpayError::bad_request(
                                "email: must be in a valid format for e.g. abcxyz@domain.com.",
                            )
                            .field("email"));
                        }
                        if key == "contact" && !(8..=14).contains(&text.chars().count()) {
                            return Err(RazorpayError::bad_request("contact: the length must be between 8 and 14.")
                                .field("contact"));
                        }
                        kept.insert(key, Value::String(text));
                    }
                    ("name" | "email" | "contact", _) => return Err(faulty_key(&key)),
                    _ => return Err(RazorpayError::bad_request("extra fields sent.").field(&key)),
                }
            }
            Some(kept)
        }
        Some(_) => return Err(faulty_key("customer")),
    };
    let expire_by = expire_by_field(request, EXPIRE_BY_TOO_SOON)?.unwrap_or(0);
    let mut notify = Map::new();
    match present(request, "notify") {
        None => {}
        Some(Value::Object(given)) => {
            for (key, value) in given {
                match (key.as_str(), value) {
                    (_, Value::Null) => {}
                    ("sms" | "email" | "whatsapp", Value::Bool(flag)) => {
                        notify.insert(key, Value::Bool(flag));
                    }
                    _ => return Err(faulty_key("notify")),
                }
            }
        }
        Some(_) => return Err(faulty_key("notify")),
    }
    for key in ["sms", "email"] {
        notify.entry(key).or_insert(Value::Bool(false));
    }
    let reminder_enable = bool_field(request, "reminder_enable")?.unwrap_or(false);
    let notes = notes_field(request, "notes")?;
    let callback_url = string_field(request, "callback_url")?;
    if callback_url.as_deref().is_some_and(|url| !is_url(url)) {
        return Err(
            RazorpayError::bad_request("callback_url: URL should be sent in callback_url field.").field("callback_url")
        );
    }
    let callback_method = string_field(request, "callback_method")?;
    if callback_method.as_deref().is_some_and(|method| method != "get") {
        return Err(RazorpayError::bad_request("callback_method: must be a valid value.").field("callback_method"));
    }
    if present(request, "options").is_some_and(|options| !options.is_object()) {
        return Err(faulty_key("options"));
    }
    let now = clock::unix(clock::now());
    let mut stores = app.lock();
    let store = &mut stores.razorpay;
    if store.reference_taken(&reference_id, "") {
        return Err(RazorpayError::bad_request("payment link creation with reference ID already attempted")
            .field("reference_id"));
    }
    let link = Link {
        id: crate::ids::razorpay("plink"),
        accept_partial,
        amount,
        amount_paid: 0,
        currency,
        description,
        customer,
        expire_by,
        expired_at: 0,
        cancelled_at: 0,
        created_at: now,
        updated_at: now,
        first_min_partial_amount,
        notes,
        notify,
        payments: Vec::new(),
        reference_id,
        reminder_enable,
        short_url: crate::ids::razorpay_short_url(),
        status: Status::Created,
        callback_url,
        callback_method,
        upi_link,
        order_id: None,
    };
    Ok(store.links.insert(link.id.clone(), link))
}

/// `GET /v1/payment_links?payment_id=&reference_id=` → `{"payment_links": [...]}`, newest first.
pub(crate) async fn list(State(app): State<Arc<AppState>>, query: QueryMap) -> Response {
    body::respond(query_map(query).and_then(|query| list_links(&app, &query)))
}

fn list_links(app: &AppState, query: &HashMap<String, String>) -> Result<Value, RazorpayError> {
    if let Some(extra) = query.keys().find(|k| !matches!(k.as_str(), "payment_id" | "reference_id" | "upi_link")) {
        return Err(RazorpayError::bad_request("extra fields sent.").field(extra));
    }
    let payment_id = query.get("payment_id").filter(|p| !p.is_empty());
    let reference_id = query.get("reference_id").filter(|r| !r.is_empty());
    let upi_link = query.get("upi_link").map(|flag| flag == "1" || flag == "true");
    let mut stores = app.lock();
    let links: Vec<Value> = stores
        .razorpay
        .links
        .newest_first()
        .into_iter()
        .filter(|link| payment_id.is_none_or(|p| link.payments.iter().any(|pay| &pay.id == p)))
        .filter(|link| reference_id.is_none_or(|r| &link.reference_id == r))
        .filter(|link| upi_link.is_none_or(|u| link.upi_link == u))
        .map(|link| link.to_json())
        .collect();
    Ok(json!({ "payment_links": links }))
}

/// `GET /v1/payment_links/{id}`.
pub(crate) async fn fetch(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    body::respond(stores.razorpay.links.get(&id).map(|link| link.to_json()).ok_or_else(unknown_id))
}

/// `PATCH /v1/payment_links/{id}`: `accept_partial`, `reference_id`, `expire_by`, `notes`,
/// `reminder_enable`, only in `created` or `partially_paid`.
pub(crate) async fn update(State(app): State<Arc<AppState>>, Path(id): Path<String>, bytes: Bytes) -> Response {
    body::with_object(&bytes, bad_body, |request| update_link(&app, &id, request))
}

fn update_link(app: &AppState, id: &str, request: &Map<String, Value>) -> Result<Value, RazorpayError> {
    let mut stores = app.lock();
    let store = &mut stores.razorpay;
    let status = store.links.get(id).ok_or_else(unknown_id)?.status;
    if !status.is_open() {
        return Err(RazorpayError::bad_request("update can only be made in created or partially paid state"));
    }
    if let Some(wrong) = request
        .keys()
        .find(|k| !matches!(k.as_str(), "accept_partial" | "reference_id" | "expire_by" | "notes" | "reminder_enable"))
    {
        return Err(RazorpayError::bad_request("wrong input fields sent.").field(wrong));
    }
    let accept_partial = bool_field(request, "accept_partial")?;
    let reference_id = string_field(request, "reference_id")?;
    if let Some(reference_id) = &reference_id {
        if reference_id.chars().count() > 40 {
            return Err(
                RazorpayError::bad_request("reference_id: the length must be no more than 40.").field("reference_id")
            );
        }
        if store.reference_taken(reference_id, id) {
            return Err(RazorpayError::bad_request("payment link creation with reference ID already attempted")
                .field("reference_id"));
        }
    }
    let expire_by = expire_by_field(request, EXPIRE_BY_TOO_SOON)?;
    let notes = notes_field(request, "notes")?;
    let reminder_enable = bool_field(request, "reminder_enable")?;
    let link = store.links.get(id).ok_or_else(unknown_id)?;
    if let Some(flag) = accept_partial {
        if link.upi_link && flag {
            return Err(RazorpayError::bad_request("partial payment not supported in upi link").field("accept_partial"));
        }
        link.accept_partial = flag;
        if !flag {
            link.first_min_partial_amount = 0;
        }
    }
    if let Some(reference_id) = reference_id {
        link.reference_id = reference_id;
    }
    if let Some(expire_by) = expire_by {
        link.expire_by = expire_by;
    }
    if let Some(notes) = notes {
        link.notes = Some(notes);
    }
    if let Some(flag) = reminder_enable {
        link.reminder_enable = flag;
    }
    link.updated_at = clock::unix(clock::now());
    Ok(link.to_json())
}

/// `POST /v1/payment_links/{id}/cancel`: only a `created` link can be cancelled.
pub(crate) async fn cancel(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    let Some(link) = stores.razorpay.links.get(&id) else {
        return unknown_id().response();
    };
    match link.status {
        Status::Created => {
            let now = clock::unix(clock::now());
            link.status = Status::Cancelled;
            link.cancelled_at = now;
            link.updated_at = now;
            body::json(StatusCode::OK, &link.to_json())
        }
        Status::Paid | Status::PartiallyPaid => {
            RazorpayError::bad_request("cannot cancel or expire an already paid/partially paid link").response()
        }
        Status::Expired | Status::Cancelled => {
            RazorpayError::bad_request("cannot cancel or expire an expired link").response()
        }
    }
}

/// `POST /v1/payment_links/{id}/notify_by/{medium}` with `medium` `sms` or `email`.
pub(crate) async fn notify(State(app): State<Arc<AppState>>, Path((id, medium)): Path<(String, String)>) -> Response {
    if !matches!(medium.as_str(), "sms" | "email") {
        return RazorpayError::bad_request("not a valid notification medium").field("medium").response();
    }
    let mut stores = app.lock();
    body::respond(stores.razorpay.links.get(&id).map(|_| json!({"success": true})).ok_or_else(unknown_id))
}
