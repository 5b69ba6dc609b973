//! Razorpay Payment Links v2: `/v1/payment_links` create, fetch all, fetch, update, cancel and
//! notify (<https://razorpay.com/docs/api/payments/payment-links/>).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::{
    RazorpayError, bad_body, bool_field, currency_field, expire_by_field, faulty_key, int_field, notes_field,
    query_map, string_field, unknown_id,
};
use crate::body::{self, QueryMap, present};
use crate::clock;
use crate::ids::alnum;
use crate::links::{Links, StoredLink};
use crate::payment::{ControlError, settle_payment};
use crate::state::AppState;

/// The v2 API's error for an `expire_by` less than 15 minutes ahead.
const EXPIRE_BY_TOO_SOON: &str = "timestamp must be atleast 15 minutes in future";

/// A Razorpay id: `prefix_` and 14 alphanumerics (`plink_ExjpAUN3gVHrPJ`).
pub(super) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", alnum(14))
}

/// A v2 short URL: `https://rzp.io/rzp/<random>`.
fn short_url() -> String {
    format!("https://rzp.io/rzp/{}", alnum(8))
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

    fn status_name(&self) -> String {
        self.status.as_str().to_owned()
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
pub(super) struct Store {
    links: Links<Link>,
}

impl Store {
    /// Every link, oldest first, as entities.
    pub(super) fn all_links(&mut self) -> Vec<Value> {
        self.links.all_json()
    }

    fn reference_taken(&self, reference_id: &str, except: &str) -> bool {
        !reference_id.is_empty() && self.links.any(|l| l.reference_id == reference_id && l.id != except)
    }

    /// Control API: a customer pays `amount` (default: everything still due).
    pub(super) fn pay(&mut self, id: &str, amount: Option<i64>, method: Option<&str>) -> Result<Value, ControlError> {
        let link = self.links.open(id, "be paid")?;
        let minimum_first = if link.amount_paid == 0 { link.first_min_partial_amount } else { 0 };
        let amount = settle_payment(link.amount - link.amount_paid, amount, link.accept_partial, minimum_first)?;
        let now = clock::unix(clock::now());
        link.payments.push(Payment {
            id: new_id("pay"),
            amount,
            method: method.unwrap_or(if link.upi_link { "upi" } else { "card" }).to_owned(),
            at: now,
        });
        link.order_id.get_or_insert_with(|| new_id("order"));
        link.amount_paid += amount;
        link.status = if link.amount_paid >= link.amount { Status::Paid } else { Status::PartiallyPaid };
        link.updated_at = now;
        Ok(link.to_json())
    }

    /// Control API: the link expires now.
    pub(super) fn expire(&mut self, id: &str) -> Result<Value, ControlError> {
        self.links.expire(id)
    }
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
pub(super) async fn create(State(app): State<Arc<AppState>>, bytes: Bytes) -> Response {
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
        if app.config.text(super::NAME, "key_id").is_some_and(|key| key.starts_with("rzp_test_")) {
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
    let store = stores.of::<Store>();
    if store.reference_taken(&reference_id, "") {
        return Err(RazorpayError::bad_request("payment link creation with reference ID already attempted")
            .field("reference_id"));
    }
    let link = Link {
        id: new_id("plink"),
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
        short_url: short_url(),
        status: Status::Created,
        callback_url,
        callback_method,
        upi_link,
        order_id: None,
    };
    Ok(store.links.insert(link.id.clone(), link))
}

/// `GET /v1/payment_links?payment_id=&reference_id=` → `{"payment_links": [...]}`, newest first.
pub(super) async fn list(State(app): State<Arc<AppState>>, query: QueryMap) -> Response {
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
        .of::<Store>()
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
pub(super) async fn fetch(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    body::respond(stores.of::<Store>().links.get(&id).map(|link| link.to_json()).ok_or_else(unknown_id))
}

/// `PATCH /v1/payment_links/{id}`: `accept_partial`, `reference_id`, `expire_by`, `notes`,
/// `reminder_enable`, only in `created` or `partially_paid`.
pub(super) async fn update(State(app): State<Arc<AppState>>, Path(id): Path<String>, bytes: Bytes) -> Response {
    body::with_object(&bytes, bad_body, |request| update_link(&app, &id, request))
}

fn update_link(app: &AppState, id: &str, request: &Map<String, Value>) -> Result<Value, RazorpayError> {
    let mut stores = app.lock();
    let store = stores.of::<Store>();
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
pub(super) async fn cancel(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    let Some(link) = stores.of::<Store>().links.get(&id) else {
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
pub(super) async fn notify(State(app): State<Arc<AppState>>, Path((id, medium)): Path<(String, String)>) -> Response {
    if !matches!(medium.as_str(), "sms" | "email") {
        return RazorpayError::bad_request("not a valid notification medium").field("medium").response();
    }
    let mut stores = app.lock();
    body::respond(stores.of::<Store>().links.get(&id).map(|_| json!({"success": true})).ok_or_else(unknown_id))
}
