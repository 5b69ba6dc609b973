//! Cashfree PG payment links: `POST /links`, `GET /links/{link_id}`,
//! `POST /links/{link_id}/cancel`, `GET /links/{link_id}/orders`
//! (<https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/create>), under
//! `/cashfree/pg`, authenticated with `x-client-id` / `x-client-secret` and a required
//! `x-api-version`.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::body::{self, BodyError, QueryMap, header_text, present};
use crate::clock::{self, Zone};
use crate::config::{SettingDefault, SettingSpec};
use crate::ids::{alnum, lower_alnum};
use crate::links::{Links, StoredLink};
use crate::money::{self, AmountError};
use crate::payment::{ControlError, PayRequest, settle_payment};
use crate::provider::{Guarded, Provider, guard};
use crate::state::{AppState, Stores};

/// The provider's name.
const NAME: &str = "cashfree";
/// The Cashfree API version the sandbox follows and reports in connection info
/// (`info.version` of `specs/cashfree.yaml`).
const API_VERSION: &str = "2025-01-01";

/// Cashfree PG payment links.
pub(crate) struct Cashfree;

impl Provider for Cashfree {
    fn name(&self) -> &'static str {
        NAME
    }

    fn prefix(&self) -> &'static str {
        "/cashfree/pg"
    }

    fn link_apis(&self) -> &'static [&'static str] {
        &[NAME]
    }

    /// Default credentials `cf_sandbox_app_id` / `cf_sandbox_secret`.
    fn settings(&self) -> &'static [SettingSpec] {
        &[
            SettingSpec {
                provider: NAME,
                key: "client_id",
                flag: "cashfree-client-id",
                help: "Cashfree x-client-id the sandbox accepts.",
                default: SettingDefault::Text("cf_sandbox_app_id"),
            },
            SettingSpec {
                provider: NAME,
                key: "client_secret",
                flag: "cashfree-client-secret",
                help: "Cashfree x-client-secret the sandbox accepts.",
                default: SettingDefault::Text("cf_sandbox_secret"),
            },
        ]
    }

    fn facts(&self) -> Vec<(&'static str, Value)> {
        vec![("api_version", Value::from(API_VERSION))]
    }

    /// `x-client-id` / `x-client-secret` (401 `authentication Failed`), then the required
    /// `x-api-version` in `YYYY-MM-DD` form (400 `version is missing in header`).
    fn authenticate(&self, app: &AppState, _path: &str, headers: &HeaderMap) -> Option<Response> {
        let matches = |header: &str, key: &str| {
            app.config.text(NAME, key).is_some_and(|expected| header_text(headers, header) == Some(expected))
        };
        if !(matches("x-client-id", "client_id") && matches("x-client-secret", "client_secret")) {
            return Some(error(
                StatusCode::UNAUTHORIZED,
                "authentication Failed",
                "request_failed",
                "authentication_error",
            ));
        }
        match header_text(headers, "x-api-version").map(str::trim) {
            None | Some("") => Some(bad_request("request_failed", "version is missing in header")),
            Some(version) if chrono::NaiveDate::parse_from_str(version, "%Y-%m-%d").is_err() => Some(bad_request(
                "request_failed",
                format!("x-api-version : {version} is not a valid API version (YYYY-MM-DD)"),
            )),
            Some(_) => None,
        }
    }

    fn routes(self: Arc<Self>, app: &Arc<AppState>) -> Router {
        Router::new()
            .route("/links", post(create))
            .route("/links/{link_id}", get(fetch))
            .route("/links/{link_id}/cancel", post(cancel))
            .route("/links/{link_id}/orders", get(orders))
            .fallback(bad_url)
            .method_not_allowed_fallback(bad_url)
            .layer(from_fn_with_state(Guarded { app: app.clone(), provider: self }, guard))
            .with_state(app.clone())
    }

    /// Every response, injected faults included, carries the rate-limit and request-id headers.
    fn outer_layers(self: Arc<Self>, routes: Router, app: &Arc<AppState>) -> Router {
        routes.layer(from_fn_with_state(app.clone(), response_headers))
    }

    fn fault_status(&self, status: StatusCode) -> Response {
        fault_status(status)
    }

    fn rate_limited(&self, retry_after_secs: u64) -> Response {
        rate_limited(retry_after_secs)
    }

    fn pay(&self, stores: &mut Stores, _api: &str, id: &str, request: &PayRequest) -> Result<Value, ControlError> {
        let store = stores.of::<Store>();
        if request.failed { store.fail_payment(id) } else { store.pay(id, request.amount) }
    }

    fn expire(&self, stores: &mut Stores, _api: &str, id: &str) -> Result<Value, ControlError> {
        stores.of::<Store>().links.expire(id)
    }

    fn links(&self, stores: &mut Stores, _api: &str) -> Vec<Value> {
        stores.of::<Store>().links.all_json()
    }
}

/// A Cashfree link URL: `https://payments-test.cashfree.com/links/<random>`.
fn link_url() -> String {
    format!("https://payments-test.cashfree.com/links/{}", lower_alnum(12))
}

/// A merchant link id generated when a create request has none.
fn new_link_id() -> String {
    format!("link_{}", alnum(16))
}

/// A link order id, as in the webhook examples (`CFPay_U1mgll3c0e9g_ehdcjjbtckf`).
fn new_order_id() -> String {
    format!("CFPay_{}_{}", alnum(12), lower_alnum(11))
}

/// A payment session id.
fn new_session_id() -> String {
    format!("session_{}", alnum(64))
}

/// Requests per minute announced in `x-ratelimit-limit`.
const RATE_LIMIT: usize = 300;
/// Default lifetime of a link (30 days, as documented).
const DEFAULT_EXPIRY_DAYS: i64 = 30;

// ------------------------------------------------------------------------------ errors

/// An error status and body, as the idempotency store keeps them.
type Failure = (StatusCode, Value);

/// A Cashfree error: body `{"message", "code", "type"}` with `status`.
fn fail(status: StatusCode, message: impl Into<String>, code: &str, kind: &str) -> Failure {
    (status, json!({"message": message.into(), "code": code, "type": kind}))
}

/// A status and body as a response.
fn to_response((status, body): (StatusCode, Value)) -> Response {
    body::json(status, &body)
}

/// A Cashfree error response: body `{"message", "code", "type"}` with `status`.
fn error(status: StatusCode, message: impl Into<String>, code: &str, kind: &str) -> Response {
    to_response(fail(status, message, code, kind))
}

/// A 400 `invalid_request_error`.
fn invalid_request(code: &str, message: impl Into<String>) -> Failure {
    fail(StatusCode::BAD_REQUEST, message, code, "invalid_request_error")
}

/// A 400 `invalid_request_error` response.
fn bad_request(code: &str, message: impl Into<String>) -> Response {
    to_response(invalid_request(code, message))
}

/// 400 for a missing field: `<field> : is missing in the request`, code `<field>_missing`.
fn missing(field: &str) -> Failure {
    invalid_request(&format!("{field}_missing"), format!("{field} : is missing in the request"))
}

/// 400 for an invalid field: `<field> : <reason>`, code `<field>_invalid`.
fn invalid(field: &str, reason: &str) -> Failure {
    invalid_request(&format!("{field}_invalid"), format!("{field} : {reason}"))
}

/// 400 for a request body that is not a JSON object.
fn bad_body(error: &BodyError) -> Failure {
    match error {
        BodyError::Empty => invalid_request("request_failed", "request body is missing"),
        BodyError::Malformed(why) => {
            invalid_request("request_failed", format!("request body is not valid JSON: {why}"))
        }
        BodyError::NotAnObject => invalid_request("request_failed", "request body must be a JSON object"),
    }
}

/// 404 for an unknown link id.
fn link_not_found(link_id: &str) -> Failure {
    fail(
        StatusCode::NOT_FOUND,
        format!("link_id : link {link_id} does not exist"),
        "link_not_found",
        "invalid_request_error",
    )
}

/// 400 for a URL or method the API does not have (the documented 400 example).
async fn bad_url() -> Response {
    bad_request("request_failed", "bad URL, please check API documentation")
}

/// The error body of an injected fault status.
fn fault_status(status: StatusCode) -> Response {
    match status.as_u16() {
        500 => error(status, "internal Server Error", "internal_error", "api_error"),
        502 => error(status, "bank processing failure, please retry", "bank_processing_failure", "api_error"),
        503 => error(status, "service temporarily unavailable, please retry", "internal_error", "api_error"),
        s if s >= 500 => error(status, "internal Server Error", "internal_error", "api_error"),
        401 => error(status, "authentication Failed", "request_failed", "authentication_error"),
        429 => rate_limited(1),
        _ => error(status, "request failed", "request_failed", "invalid_request_error"),
    }
}

/// 429 with the documented rate-limit body and `x-ratelimit-*` headers.
fn rate_limited(retry_after_secs: u64) -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many requests from IP. Check headers",
        "request_failed",
        "rate_limit_error",
    );
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", RATE_LIMIT.into());
    headers.insert("x-ratelimit-remaining", 0.into());
    headers.insert("x-ratelimit-retry", retry_after_secs.into());
    headers.insert("x-ratelimit-type", HeaderValue::from_static("app_id"));
    response
}

// ------------------------------------------------------------------------------ state

/// Status of a Cashfree link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Active,
    PartiallyPaid,
    Paid,
    Expired,
    Cancelled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Active => "ACTIVE",
            Status::PartiallyPaid => "PARTIALLY_PAID",
            Status::Paid => "PAID",
            Status::Expired => "EXPIRED",
            Status::Cancelled => "CANCELLED",
        }
    }

    fn is_open(self) -> bool {
        matches!(self, Status::Active | Status::PartiallyPaid)
    }
}

/// An order made through a link (one per payment attempt).
#[derive(Debug, Clone)]
struct Order {
    cf_order_id: String,
    order_id: String,
    amount: i64,
    paid: bool,
    session_id: String,
    created_at: DateTime<Utc>,
    expiry: DateTime<Utc>,
}

/// What a create request sets on a link, validated. Amounts in minor units (paise).
#[derive(Debug, Clone)]
struct Terms {
    currency: String,
    amount: i64,
    partial: bool,
    minimum_partial: i64,
    purpose: String,
    customer: Map<String, Value>,
    meta: Map<String, Value>,
    expiry: DateTime<Utc>,
    notes: Map<String, Value>,
    auto_reminders: bool,
    notify: Map<String, Value>,
    order_splits: Value,
    enable_invoice: bool,
    subscription: Option<Value>,
}

/// A Cashfree payment link. Amounts in minor units (paise).
#[derive(Debug, Clone)]
struct Link {
    cf_link_id: String,
    link_id: String,
    status: Status,
    amount_paid: i64,
    created_at: DateTime<Utc>,
    url: String,
    qrcode: String,
    terms: Terms,
    orders: Vec<Order>,
}

impl Link {
    /// Adds an order of `amount` (paid, or a failed attempt), numbered `next_cf_order_id`,
    /// which moves on.
    fn add_order(&mut self, next_cf_order_id: &mut u64, amount: i64, paid: bool) {
        self.orders.push(Order {
            cf_order_id: next_cf_order_id.to_string(),
            order_id: new_order_id(),
            amount,
            paid,
            session_id: new_session_id(),
            created_at: clock::now(),
            expiry: self.terms.expiry,
        });
        *next_cf_order_id += 1;
    }

    /// A PaymentLinkOrderEntity body.
    fn order_json(&self, order: &Order) -> Value {
        let mut customer = Map::new();
        for key in ["customer_email", "customer_phone", "customer_name"] {
            if let Some(value) = self.terms.customer.get(key) {
                customer.insert(key.into(), value.clone());
            }
        }
        customer.insert("customer_id".into(), json!(format!("link_{}", self.cf_link_id)));
        let mut meta = Map::new();
        for key in ["return_url", "notify_url", "payment_methods"] {
            if let Some(value) = self.terms.meta.get(key) {
                meta.insert(key.into(), value.clone());
            }
        }
        json!({
            "cf_order_id": order.cf_order_id,
            "link_id": self.link_id,
            "order_id": order.order_id,
            "entity": "order",
            "order_currency": self.terms.currency,
            "order_amount": money::major_units(order.amount),
            "order_status": if order.paid { "PAID" } else { "ACTIVE" },
            "payment_session_id": order.session_id,
            "order_expiry_time": clock::cashfree(order.expiry),
            "order_note": format!("payment_link_{}", self.cf_link_id),
            "created_at": clock::cashfree(order.created_at),
            "order_splits": self.terms.order_splits,
            "customer_details": customer,
            "order_meta": meta,
            "order_tags": {},
        })
    }
}

impl StoredLink for Link {
    const FAMILY: &'static str = "cashfree";

    fn status_name(&self) -> &'static str {
        self.status.as_str()
    }

    fn is_open(&self) -> bool {
        self.status.is_open()
    }

    fn expires_at(&self) -> Option<DateTime<Utc>> {
        Some(self.terms.expiry)
    }

    /// `EXPIRED` as of `at`, which becomes `link_expiry_time` (already is, when the link
    /// expires by itself).
    fn mark_expired(&mut self, at: DateTime<Utc>) {
        self.status = Status::Expired;
        self.terms.expiry = at;
    }

    /// The LinkEntity body.
    fn to_json(&self) -> Value {
        let terms = &self.terms;
        let mut body = json!({
            "cf_link_id": self.cf_link_id,
            "link_id": self.link_id,
            "link_status": self.status.as_str(),
            "link_currency": terms.currency,
            "link_amount": money::major_units(terms.amount),
            "link_amount_paid": money::major_units(self.amount_paid),
            "link_partial_payments": terms.partial,
            "link_minimum_partial_amount": money::major_units(terms.minimum_partial),
            "link_purpose": terms.purpose,
            "link_created_at": clock::cashfree(self.created_at),
            "customer_details": terms.customer,
            "link_meta": terms.meta,
            "link_url": self.url,
            "link_expiry_time": clock::cashfree(terms.expiry),
            "link_notes": terms.notes,
            "link_auto_reminders": terms.auto_reminders,
            "link_notify": terms.notify,
            "link_qrcode": self.qrcode,
            "order_splits": terms.order_splits,
            "enable_invoice": terms.enable_invoice,
            "thank_you_msg": "",
            "terms_and_conditions": "",
        });
        if let (Some(subscription), Some(map)) = (&terms.subscription, body.as_object_mut()) {
            map.insert("subscription".into(), subscription.clone());
        }
        body
    }
}

/// A stored response for `x-idempotency-key` replays.
#[derive(Debug, Clone)]
struct Replay {
    fingerprint: String,
    status: StatusCode,
    body: Value,
}

/// Cashfree's part of the sandbox state.
#[derive(Debug)]
struct Store {
    links: Links<Link>,
    next_cf_link_id: u64,
    next_cf_order_id: u64,
    idempotency: HashMap<String, Replay>,
    recent_requests: VecDeque<Instant>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            links: Links::default(),
            next_cf_link_id: 2_000_000 + fastrand::u64(..1_000_000),
            next_cf_order_id: 3_000_000_000 + fastrand::u64(..1_000_000_000),
            idempotency: HashMap::new(),
            recent_requests: VecDeque::new(),
        }
    }
}

impl Store {
    /// Control API: a customer pays `amount` paise (default: everything still due).
    fn pay(&mut self, link_id: &str, amount: Option<i64>) -> Result<Value, ControlError> {
        let link = self.links.open(link_id, "be paid")?;
        let terms = &link.terms;
        let minimum_first = if link.amount_paid == 0 { terms.minimum_partial } else { 0 };
        let amount = settle_payment(terms.amount - link.amount_paid, amount, terms.partial, minimum_first)?;
        link.amount_paid += amount;
        link.status = if link.amount_paid >= link.terms.amount { Status::Paid } else { Status::PartiallyPaid };
        link.add_order(&mut self.next_cf_order_id, amount, true);
        Ok(link.to_json())
    }

    /// Control API: a payment attempt fails; the link keeps its state and gains an `ACTIVE`
    /// (unpaid) order, listed by `GET /links/{link_id}/orders?status=ALL` only.
    fn fail_payment(&mut self, link_id: &str) -> Result<Value, ControlError> {
        let link = self.links.open(link_id, "be paid")?;
        link.add_order(&mut self.next_cf_order_id, link.terms.amount - link.amount_paid, false);
        Ok(link.to_json())
    }

    /// Counts a request in the one-minute window; returns the requests left in it.
    fn count_request(&mut self) -> usize {
        let now = Instant::now();
        while self.recent_requests.front().is_some_and(|t| now.duration_since(*t) > Duration::from_secs(60)) {
            self.recent_requests.pop_front();
        }
        self.recent_requests.push_back(now);
        RATE_LIMIT.saturating_sub(self.recent_requests.len())
    }
}

// ------------------------------------------------------------------------------ middleware

/// Middleware: every Cashfree response carries `x-api-version`, `x-ratelimit-*` and the
/// `x-request-id` of the request (a fresh one when none was sent).
async fn response_headers(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let version = request.headers().get("x-api-version").cloned();
    let request_id = request
        .headers()
        .get("x-request-id")
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_str(&crate::ids::hex(32)).unwrap_or(HeaderValue::from_static("")));
    let remaining = app.lock().of::<Store>().count_request();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let defaults = [
        ("x-ratelimit-limit", HeaderValue::from(RATE_LIMIT)),
        ("x-ratelimit-remaining", HeaderValue::from(remaining)),
        ("x-ratelimit-retry", HeaderValue::from(0)),
        ("x-ratelimit-type", HeaderValue::from_static("app_id")),
        ("x-request-id", request_id),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(name) {
            headers.insert(name, value);
        }
    }
    if let Some(version) = version {
        headers.insert("x-api-version", version);
    }
    response
}

// ------------------------------------------------------------------------------ idempotency

/// Runs `handle` once per `x-idempotency-key`: a retry with the same key and the same request
/// replays the first status and body with `x-idempotency-replayed: true`; the same key with
/// another request is a 422 `idempotency_error`.
fn idempotent(
    app: &AppState,
    headers: &HeaderMap,
    fingerprint: String,
    handle: impl FnOnce(&mut Store) -> Result<Value, Failure>,
) -> Response {
    let mut stores = app.lock();
    let store = stores.of::<Store>();
    let Some(key) = header_text(headers, "x-idempotency-key").filter(|k| !k.is_empty()).map(str::to_owned) else {
        return to_response(parts(handle(store)));
    };
    let (status, body, replayed) = match store.idempotency.get(&key) {
        Some(replay) if replay.fingerprint == fingerprint => (replay.status, replay.body.clone(), true),
        Some(_) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "x-idempotency-key : this key was already used with a different request",
                "request_invalid",
                "idempotency_error",
            );
        }
        None => {
            let (status, body) = parts(handle(store));
            store.idempotency.insert(key.clone(), Replay { fingerprint, status, body: body.clone() });
            (status, body, false)
        }
    };
    let mut response = body::json(status, &body);
    if let Ok(value) = HeaderValue::from_str(&key) {
        response.headers_mut().insert("x-idempotency-key", value);
    }
    response
        .headers_mut()
        .insert("x-idempotency-replayed", HeaderValue::from_static(if replayed { "true" } else { "false" }));
    response
}

/// Turns a handler's response into the (status, body) pair the idempotency store keeps.
fn parts(response: Result<Value, Failure>) -> (StatusCode, Value) {
    match response {
        Ok(body) => (StatusCode::OK, body),
        Err(failure) => failure,
    }
}

// ------------------------------------------------------------------------------ handlers

/// `POST /links`.
async fn create(State(app): State<Arc<AppState>>, headers: HeaderMap, bytes: Bytes) -> Response {
    let request = body::object(&bytes);
    let fingerprint = match &request {
        Ok(map) => format!("POST /links {}", Value::Object(map.clone())),
        Err(_) => format!("POST /links {}", String::from_utf8_lossy(&bytes)),
    };
    idempotent(&app, &headers, fingerprint, move |store| {
        let request = request.map_err(|e| bad_body(&e))?;
        let (link_id, terms) = validate_create(&request)?;
        insert(store, link_id, terms)
    })
}

fn amount_field(request: &Map<String, Value>, field: &str) -> Result<Option<i64>, Failure> {
    match present(request, field) {
        None => Ok(None),
        Some(value) => match money::minor_units(&value) {
            Ok(minor) => Ok(Some(minor)),
            Err(AmountError::TooPrecise) => Err(invalid(field, "amount can have at most 2 decimal places")),
            Err(AmountError::NotANumber) => Err(invalid(field, "should be a number")),
            Err(AmountError::OutOfRange) => Err(invalid(field, "amount is out of range")),
        },
    }
}

fn bool_field(request: &Map<String, Value>, field: &str) -> Result<bool, Failure> {
    match present(request, field) {
        None => Ok(false),
        Some(Value::Bool(flag)) => Ok(flag),
        Some(_) => Err(invalid(field, "should be a boolean")),
    }
}

fn object_field(request: &Map<String, Value>, field: &str) -> Result<Map<String, Value>, Failure> {
    match present(request, field) {
        None => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(invalid(field, "should be an object")),
    }
}

/// The link id a create request asks for (if any) and the terms it sets.
fn validate_create(request: &Map<String, Value>) -> Result<(Option<String>, Terms), Failure> {
    let link_id = match present(request, "link_id") {
        None => None,
        Some(Value::String(id)) => {
            if id.is_empty()
                || id.len() > 50
                || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(invalid("link_id", "should be 1 to 50 characters: letters, digits, - and _"));
            }
            Some(id)
        }
        Some(_) => return Err(invalid("link_id", "should be a string")),
    };
    let amount = amount_field(request, "link_amount")?.ok_or_else(|| missing("link_amount"))?;
    if amount < 100 {
        return Err(invalid("link_amount", "link_amount should be at least 1.00"));
    }
    let currency = match present(request, "link_currency") {
        None => return Err(missing("link_currency")),
        Some(Value::String(c)) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) => c,
        Some(_) => return Err(invalid("link_currency", "should be a 3-letter ISO 4217 currency code such as INR")),
    };
    let purpose = match present(request, "link_purpose") {
        None => String::new(),
        Some(Value::String(p)) if p.chars().count() <= 500 => p,
        Some(_) => return Err(invalid("link_purpose", "should be a string of at most 500 characters")),
    };
    let customer = match present(request, "customer_details") {
        None => return Err(missing("customer_details")),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(invalid("customer_details", "should be an object")),
    };
    match customer.get("customer_phone") {
        None | Some(Value::Null) => return Err(missing("customer_details.customer_phone")),
        Some(Value::String(phone)) if phone.trim().is_empty() => {
            return Err(missing("customer_details.customer_phone"));
        }
        Some(Value::String(_)) => {}
        Some(_) => return Err(invalid("customer_details.customer_phone", "should be a string")),
    }
    for key in ["customer_email", "customer_name", "customer_bank_account_number", "customer_bank_ifsc"] {
        if customer.get(key).is_some_and(|v| !v.is_string() && !v.is_null()) {
            return Err(invalid(&format!("customer_details.{key}"), "should be a string"));
        }
    }
    if customer.get("customer_bank_code").is_some_and(|v| !v.is_i64() && !v.is_null()) {
        return Err(invalid("customer_details.customer_bank_code", "should be an integer bank code"));
    }
    let customer: Map<String, Value> = customer.into_iter().filter(|(_, v)| !v.is_null()).collect();
    let partial = bool_field(request, "link_partial_payments")?;
    let minimum_partial = amount_field(request, "link_minimum_partial_amount")?.unwrap_or(0);
    if partial && minimum_partial >= amount {
        return Err(invalid(
            "link_minimum_partial_amount",
            "link_minimum_partial_amount should be less than link_amount",
        ));
    }
    let minimum_partial = if partial { minimum_partial } else { 0 };
    let now = clock::now();
    let expiry = match present(request, "link_expiry_time") {
        None => now + chrono::Duration::days(DEFAULT_EXPIRY_DAYS),
        Some(Value::String(text)) => match clock::parse_iso(&text, Zone::Ist) {
            Some(at) if at > now => at,
            Some(_) => return Err(invalid("link_expiry_time", "link_expiry_time should be in the future")),
            None => {
                return Err(invalid(
                    "link_expiry_time",
                    "should be an ISO 8601 timestamp, e.g. 2021-10-14T15:04:05+05:30",
                ));
            }
        },
        Some(_) => return Err(invalid("link_expiry_time", "should be a string")),
    };
    let notes = object_field(request, "link_notes")?;
    if notes.len() > 5 {
        return Err(invalid("link_notes", "at most 5 key-value pairs are allowed"));
    }
    if notes.values().any(|v| !v.is_string()) {
        return Err(invalid("link_notes", "values should be strings"));
    }
    let mut notify = object_field(request, "link_notify")?;
    for key in ["send_sms", "send_email"] {
        match notify.get(key) {
            None | Some(Value::Null) => {
                notify.insert(key.into(), Value::Bool(false));
            }
            Some(Value::Bool(_)) => {}
            Some(_) => return Err(invalid(&format!("link_notify.{key}"), "should be a boolean")),
        }
    }
    let mut meta = object_field(request, "link_meta")?;
    meta.retain(|_, v| !v.is_null());
    match meta.get("upi_intent") {
        None => {
            meta.insert("upi_intent".into(), Value::Bool(false));
        }
        Some(Value::Bool(_)) => {}
        Some(Value::String(s)) if s == "true" || s == "false" => {}
        Some(_) => return Err(invalid("link_meta.upi_intent", "should be a boolean")),
    }
    for key in ["notify_url", "return_url", "payment_methods"] {
        if meta.get(key).is_some_and(|v| !v.is_string()) {
            return Err(invalid(&format!("link_meta.{key}"), "should be a string"));
        }
    }
    if meta.get("return_url").and_then(Value::as_str).is_some_and(|url| url.chars().count() > 250) {
        return Err(invalid("link_meta.return_url", "should be at most 250 characters"));
    }
    let order_splits = match present(request, "order_splits") {
        None => json!([]),
        Some(Value::Array(splits)) => {
            if splits.iter().any(|s| s.get("vendor_id").and_then(Value::as_str).is_none()) {
                return Err(missing("order_splits.vendor_id"));
            }
            Value::Array(splits)
        }
        Some(_) => return Err(invalid("order_splits", "should be an array")),
    };
    let subscription = match present(request, "subscription") {
        None => None,
        Some(value @ Value::Object(_)) => Some(value),
        Some(_) => return Err(invalid("subscription", "should be an object")),
    };
    let terms = Terms {
        currency,
        amount,
        partial,
        minimum_partial,
        purpose,
        customer,
        meta,
        expiry,
        notes,
        auto_reminders: bool_field(request, "link_auto_reminders")?,
        notify,
        order_splits,
        enable_invoice: bool_field(request, "enable_invoice")?,
        subscription,
    };
    Ok((link_id, terms))
}

/// Stores a validated link; 409 when its `link_id` is taken.
fn insert(store: &mut Store, link_id: Option<String>, terms: Terms) -> Result<Value, Failure> {
    let link_id = link_id.unwrap_or_else(new_link_id);
    if store.links.contains(&link_id) {
        return Err(fail(
            StatusCode::CONFLICT,
            format!("link_id : a link with id {link_id} already exists"),
            "link_post_failed",
            "invalid_request_error",
        ));
    }
    let url = link_url();
    let link = Link {
        cf_link_id: store.next_cf_link_id.to_string(),
        link_id: link_id.clone(),
        status: Status::Active,
        amount_paid: 0,
        created_at: clock::now(),
        qrcode: crate::qr::data_url(&url).unwrap_or_default(),
        url,
        terms,
        orders: Vec::new(),
    };
    store.next_cf_link_id += 1;
    Ok(store.links.insert(link_id, link))
}

/// `GET /links/{link_id}`.
async fn fetch(State(app): State<Arc<AppState>>, Path(link_id): Path<String>) -> Response {
    let mut stores = app.lock();
    match stores.of::<Store>().links.get(&link_id) {
        Some(link) => body::json(StatusCode::OK, &link.to_json()),
        None => to_response(link_not_found(&link_id)),
    }
}

/// `POST /links/{link_id}/cancel`: only an `ACTIVE` link can be cancelled.
async fn cancel(State(app): State<Arc<AppState>>, headers: HeaderMap, Path(link_id): Path<String>) -> Response {
    let fingerprint = format!("POST /links/{link_id}/cancel");
    idempotent(&app, &headers, fingerprint, |store| {
        let link = store.links.get(&link_id).ok_or_else(|| link_not_found(&link_id))?;
        if link.status != Status::Active {
            return Err(fail(
                StatusCode::BAD_REQUEST,
                format!(
                    "link_id : only a link in ACTIVE status can be cancelled, link {link_id} is {}",
                    link.status.as_str()
                ),
                "link_cancel_failed",
                "invalid_request_error",
            ));
        }
        link.status = Status::Cancelled;
        Ok(link.to_json())
    })
}

/// `GET /links/{link_id}/orders?status=PAID|ALL` (default `PAID`).
async fn orders(State(app): State<Arc<AppState>>, Path(link_id): Path<String>, query: QueryMap) -> Response {
    let Ok(Query(query)) = query else {
        return bad_request("request_failed", "query string is malformed");
    };
    let all = match query.get("status").map(String::as_str) {
        None | Some("PAID") => false,
        Some("ALL") => true,
        Some(_) => return bad_request("status_invalid", "status : should be PAID or ALL"),
    };
    let mut stores = app.lock();
    let Some(link) = stores.of::<Store>().links.get(&link_id) else {
        return to_response(link_not_found(&link_id));
    };
    let orders: Vec<Value> = link.orders.iter().filter(|o| all || o.paid).map(|o| link.order_json(o)).collect();
    body::json(StatusCode::OK, &Value::Array(orders))
}
