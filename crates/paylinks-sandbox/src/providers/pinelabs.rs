//! Pine Labs Online (Plural v2) payment links: `POST /api/auth/v1/token` and
//! `/api/pay/v1/paymentlink` create, get, get by reference, cancel (PUT) and resend (PATCH)
//! (<https://developer.pinelabsonline.com/reference/payment-link-create>), under `/pinelabs`,
//! authenticated with a bearer access token from the token endpoint.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, patch, post, put};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::body::{self, BodyError, header_text, present};
use crate::clock::{self, Zone};
use crate::config::{SettingDefault, SettingSpec};
use crate::ids::{alnum, lower_alnum};
use crate::links::{Links, StoredLink};
use crate::payment::{ControlError, PayRequest, settle_payment};
use crate::provider::{Guarded, Provider, guard};
use crate::state::{AppState, Stores};

/// The provider's name.
const NAME: &str = "pinelabs";
/// The token endpoint, the one path that takes no access token.
const TOKEN_PATH: &str = "/api/auth/v1/token";

/// Credentials `pl_sandbox_client` / `pl_sandbox_secret`; access tokens live an hour.
const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        provider: NAME,
        key: "client_id",
        flag: "pinelabs-client-id",
        help: "Pine Labs client id the sandbox accepts.",
        default: SettingDefault::Text("pl_sandbox_client"),
    },
    SettingSpec {
        provider: NAME,
        key: "client_secret",
        flag: "pinelabs-client-secret",
        help: "Pine Labs client secret the sandbox accepts.",
        default: SettingDefault::Text("pl_sandbox_secret"),
    },
    SettingSpec {
        provider: NAME,
        key: "token_ttl",
        flag: "token-ttl-secs",
        help: "Lifetime of Pine Labs access tokens, in seconds (default 3600).",
        default: SettingDefault::Duration(std::time::Duration::from_secs(3600)),
    },
];

/// Pine Labs Online payment links.
pub(crate) struct Pinelabs;

impl Provider for Pinelabs {
    fn name(&self) -> &'static str {
        NAME
    }

    fn prefix(&self) -> &'static str {
        "/pinelabs"
    }

    fn link_apis(&self) -> &'static [&'static str] {
        &[NAME]
    }

    /// Default credentials `pl_sandbox_client` / `pl_sandbox_secret`; access tokens live an
    /// hour.
    fn settings(&self) -> &'static [SettingSpec] {
        SETTINGS
    }

    /// `Authorization: Bearer <access_token>` of a token issued by the token endpoint and not
    /// yet expired; else 401 `{"code": "UNAUTHORIZED", "message": ...}`.
    fn authenticate(&self, app: &AppState, path: &str, headers: &HeaderMap) -> Option<Response> {
        let unauthorized = |message: &str| error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message);
        if path == TOKEN_PATH {
            return None;
        }
        let Some(token) = header_text(headers, "authorization")
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
        else {
            return Some(unauthorized("Authorization header with a Bearer access token is required"));
        };
        let expiry = app.lock().of::<Store>().tokens.get(token).copied();
        match expiry {
            None => Some(unauthorized("Invalid access token")),
            Some(expiry) if Instant::now() >= expiry => Some(unauthorized("Access token has expired")),
            Some(_) => None,
        }
    }

    fn routes(self: Arc<Self>, app: &Arc<AppState>) -> Router {
        let links = Router::new()
            .route("/api/pay/v1/paymentlink", post(create))
            .route("/api/pay/v1/paymentlink/{payment_link_id}", get(fetch))
            .route("/api/pay/v1/paymentlink/ref/{reference}", get(fetch_by_reference))
            .route("/api/pay/v1/paymentlink/{payment_link_id}/cancel", put(cancel))
            .route("/api/pay/v1/paymentlink/{payment_link_id}/notify", patch(notify))
            .method_not_allowed_fallback(method_not_allowed)
            .route_layer(from_fn_with_state(Guarded { app: app.clone(), provider: self }, guard));
        Router::new()
            .route(TOKEN_PATH, post(token))
            .merge(links)
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed)
            .with_state(app.clone())
    }

    fn fault_status(&self, status: StatusCode) -> Response {
        match status.as_u16() {
            s if s >= 500 => error(status, "INTERNAL_ERROR", "Internal server error, please retry"),
            401 => error(status, "UNAUTHORIZED", "Invalid access token"),
            _ => error(status, "INVALID_REQUEST", "The request could not be processed"),
        }
    }

    fn rate_limited(&self, _retry_after_secs: u64) -> Response {
        error(StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS", "Too many requests, please retry later")
    }

    fn pay(&self, stores: &mut Stores, _api: &str, id: &str, request: &PayRequest) -> Result<Value, ControlError> {
        stores.of::<Store>().pay(id, request.amount)
    }

    fn expire(&self, stores: &mut Stores, _api: &str, id: &str) -> Result<Value, ControlError> {
        stores.of::<Store>().links.expire(id)
    }

    fn links(&self, stores: &mut Stores, _api: &str) -> Vec<Value> {
        stores.of::<Store>().links.all_json()
    }
}

/// A Pine Labs id: `<prefix>-<yymmddHHMMSS>-aa-<6 random>`, e.g. `pl-v1-250306082755-aa-uT0noy`.
fn new_id(prefix: &str, at: DateTime<Utc>) -> String {
    format!("{prefix}-{}-aa-{}", at.format("%y%m%d%H%M%S"), alnum(6))
}

/// A Pine Labs short link: `https://shortener.v2.pinepg.in/PLUTUS/<random>`.
fn short_url() -> String {
    format!("https://shortener.v2.pinepg.in/PLUTUS/{}", lower_alnum(7))
}

/// Payment methods a link may offer.
const PAYMENT_METHODS: &[&str] = &["CARD", "UPI", "POINTS", "NETBANKING", "WALLET", "CREDIT_EMI", "DEBIT_EMI"];
/// Default lifetime of a link without `expire_by` (the documented maximum, 180 days).
const DEFAULT_EXPIRY_DAYS: i64 = 180;

// ------------------------------------------------------------------------------ errors

/// A Pine Labs error body `{"code", "message"}` with `status`.
fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    body::json(status, &json!({"code": code, "message": message.into()}))
}

/// An error not yet turned into a response (small, so that `Result`s stay small).
#[derive(Debug, Clone)]
struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl From<Failure> for Response {
    fn from(failure: Failure) -> Response {
        error(failure.status, failure.code, failure.message)
    }
}

/// 400 `INVALID_REQUEST`.
fn invalid(message: impl Into<String>) -> Failure {
    Failure { status: StatusCode::BAD_REQUEST, code: "INVALID_REQUEST", message: message.into() }
}

fn bad_body(error: &BodyError) -> Failure {
    match error {
        BodyError::Empty => invalid("Request body is missing"),
        BodyError::Malformed(why) => invalid(format!("Malformed JSON request body: {why}")),
        BodyError::NotAnObject => invalid("Request body must be a JSON object"),
    }
}

/// 404 `NOT_FOUND` for an unknown link.
fn link_not_found(what: &str) -> Failure {
    Failure { status: StatusCode::NOT_FOUND, code: "NOT_FOUND", message: format!("Payment link not found for {what}") }
}

/// 404 for a URL the API does not have.
async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NOT_FOUND", "The requested resource was not found")
}

/// 405 for a method the URL does not take.
async fn method_not_allowed() -> Response {
    error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "The request method is not supported for this resource")
}

// ------------------------------------------------------------------------------ state

/// Status of a payment link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Created,
    PartialProcessed,
    Processed,
    Expired,
    Cancelled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Created => "CREATED",
            Status::PartialProcessed => "PARTIAL_PROCESSED",
            Status::Processed => "PROCESSED",
            Status::Expired => "EXPIRED",
            Status::Cancelled => "CANCELLED",
        }
    }

    fn is_payable(self) -> bool {
        matches!(self, Status::Created | Status::PartialProcessed)
    }
}

/// A payment link; amounts in minor units.
#[derive(Debug, Clone)]
struct Link {
    id: String,
    url: String,
    status: Status,
    amount: i64,
    currency: String,
    amount_paid: i64,
    order_id: String,
    reference: String,
    description: Option<String>,
    expire_by: DateTime<Utc>,
    /// `expire_by` as sent (kept verbatim, e.g. `2025-03-21T08:29Z`).
    expire_by_text: String,
    allowed_payment_methods: Option<Value>,
    pre_auth: bool,
    failure_callback_url: Option<String>,
    is_mcc_transaction: bool,
    customer: Option<Value>,
    product_details: Option<Value>,
    split_info: Option<Value>,
    cart_coupon_discount_amount: Option<Value>,
    merchant_metadata: Option<Value>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl StoredLink for Link {
    const FAMILY: &'static str = "pinelabs";

    fn status_name(&self) -> String {
        self.status.as_str().to_owned()
    }

    fn is_open(&self) -> bool {
        self.status.is_payable()
    }

    fn expires_at(&self) -> Option<DateTime<Utc>> {
        Some(self.expire_by)
    }

    fn mark_expired(&mut self, at: DateTime<Utc>) {
        self.status = Status::Expired;
        self.updated_at = at;
    }

    fn to_json(&self) -> Value {
        let mut body = json!({
            "payment_link": self.url,
            "payment_link_id": self.id,
            "status": self.status.as_str(),
            "amount": {"value": self.amount, "currency": self.currency},
            "amount_due": {"value": self.amount - self.amount_paid, "currency": self.currency},
            "order_id": self.order_id,
            "merchant_payment_link_reference": self.reference,
            "expire_by": self.expire_by_text,
            "pre_auth": self.pre_auth,
            "failure_callback_url": self.failure_callback_url,
            "is_mcc_transaction": self.is_mcc_transaction,
            "created_at": clock::pinelabs(self.created_at),
            "updated_at": clock::pinelabs(self.updated_at),
        });
        if let Some(map) = body.as_object_mut() {
            let optional = [
                ("description", self.description.clone().map(Value::String)),
                ("allowed_payment_methods", self.allowed_payment_methods.clone()),
                ("customer", self.customer.clone()),
                ("product_details", self.product_details.clone()),
                ("split_info", self.split_info.clone()),
                ("cart_coupon_discount_amount", self.cart_coupon_discount_amount.clone()),
                ("merchant_metadata", self.merchant_metadata.clone()),
            ];
            for (key, value) in optional {
                if let Some(value) = value {
                    map.insert(key.into(), value);
                }
            }
        }
        body
    }
}

/// Pine Labs' part of the sandbox state: links and issued access tokens.
#[derive(Debug, Default)]
struct Store {
    links: Links<Link>,
    tokens: HashMap<String, Instant>,
}

impl Store {
    fn by_reference(&mut self, reference: &str) -> Option<&mut Link> {
        self.links.find(|link| link.reference == reference)
    }

    /// The link `id`, if it is still `CREATED`; `refusal` words the error for a link in
    /// another status.
    fn created_link(&mut self, id: &str, refusal: impl FnOnce(&str) -> String) -> Result<&mut Link, Failure> {
        let link = self.links.get(id).ok_or_else(|| link_not_found(&format!("payment_link_id {id}")))?;
        if link.status != Status::Created {
            return Err(invalid(refusal(link.status.as_str())));
        }
        Ok(link)
    }

    /// Control API: the customer pays `amount` (default: `amount_due`); a part payment
    /// leaves the link `PARTIAL_PROCESSED`.
    fn pay(&mut self, id: &str, amount: Option<i64>) -> Result<Value, ControlError> {
        let link = self.links.open(id, "be paid")?;
        let amount = settle_payment(link.amount - link.amount_paid, amount, true, 0)?;
        link.amount_paid += amount;
        link.status = if link.amount_paid >= link.amount { Status::Processed } else { Status::PartialProcessed };
        link.updated_at = clock::now();
        Ok(link.to_json())
    }
}

// ------------------------------------------------------------------------------ token

/// `POST /api/auth/v1/token` with `{"client_id", "client_secret", "grant_type":
/// "client_credentials"}` → `{"access_token", "expires_at"}`.
async fn token(State(app): State<Arc<AppState>>, bytes: Bytes) -> Response {
    let unprocessable = |code: &str, message: &str| error(StatusCode::UNPROCESSABLE_ENTITY, code, message);
    let request = match body::object(&bytes) {
        Ok(request) => request,
        Err(_) => return unprocessable("INVALID_REQUEST", "Request body must be a JSON object"),
    };
    let field = |key: &str| request.get(key).and_then(Value::as_str).filter(|v| !v.is_empty());
    for key in ["client_id", "client_secret", "grant_type"] {
        if field(key).is_none() {
            return unprocessable("INVALID_REQUEST", &format!("{key} is required"));
        }
    }
    if field("grant_type") != Some("client_credentials") {
        return unprocessable("INVALID_REQUEST", "grant_type must be client_credentials");
    }
    let config = &app.config;
    let client_id = config.text(NAME, "client_id");
    if client_id.is_none()
        || field("client_id") != client_id
        || field("client_secret") != config.text(NAME, "client_secret")
    {
        return unprocessable("USER_AUTHENTICATION_FAILED", "Invalid client credentials");
    }
    let ttl = config.duration(NAME, "token_ttl").unwrap_or(std::time::Duration::from_secs(3600));
    let now = clock::now();
    let expires_at = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1));
    let access_token = jwt(client_id.unwrap_or_default(), now, expires_at);
    let mut stores = app.lock();
    let tokens = &mut stores.of::<Store>().tokens;
    let instant_now = Instant::now();
    tokens.retain(|_, expiry| *expiry > instant_now);
    tokens.insert(access_token.clone(), instant_now + ttl);
    body::json(StatusCode::OK, &json!({"access_token": access_token, "expires_at": clock::pinelabs(expires_at)}))
}

/// A JWT-shaped token (HS256 header, claims, random signature); only the sandbox reads it.
fn jwt(client_id: &str, issued: DateTime<Utc>, expires: DateTime<Utc>) -> String {
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let header = encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = json!({
        "sub": client_id,
        "iat": issued.timestamp(),
        "exp": expires.timestamp(),
        "jti": alnum(16),
    });
    let signature: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
    format!("{header}.{}.{}", encode(claims.to_string().as_bytes()), encode(&signature))
}

// ------------------------------------------------------------------------------ create

/// `{"value": int, "currency": "ABC"}` with `value` in `minimum..`.
fn amount_object(value: &Value, field: &str, minimum: i64) -> Result<(i64, String), Failure> {
    let Value::Object(map) = value else {
        return Err(invalid(format!("{field} must be an object with value and currency")));
    };
    let amount =
        map.get("value").and_then(Value::as_i64).ok_or_else(|| invalid(format!("{field}.value must be an integer")))?;
    let currency = map
        .get("currency")
        .and_then(Value::as_str)
        .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        .ok_or_else(|| invalid(format!("{field}.currency must be a 3-letter ISO 4217 code")))?;
    if amount < minimum {
        return Err(invalid(format!("{field}.value must be at least {minimum}")));
    }
    Ok((amount, currency.to_owned()))
}

/// `"true"`/`"false"` (booleans accepted too).
fn string_bool(request: &Map<String, Value>, key: &str) -> Result<bool, Failure> {
    match present(request, key) {
        None => Ok(false),
        Some(Value::Bool(flag)) => Ok(flag),
        Some(Value::String(text)) if text == "true" || text == "false" => Ok(text == "true"),
        Some(_) => Err(invalid(format!("{key} must be \"true\" or \"false\""))),
    }
}

fn validate_customer(customer: &Value) -> Result<(), Failure> {
    let Value::Object(map) = customer else {
        return Err(invalid("customer must be an object"));
    };
    let text = |key: &str| map.get(key).and_then(Value::as_str).filter(|v| !v.is_empty());
    if text("email_id").is_none() && text("mobile_number").is_none() {
        return Err(invalid("customer: at least one of email_id and mobile_number is required"));
    }
    if let Some(mobile) = text("mobile_number")
        && (!(10..=20).contains(&mobile.len()) || !mobile.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid("customer.mobile_number must be 10 to 20 digits"));
    }
    for (key, max) in
        [("email_id", 50), ("first_name", 50), ("last_name", 50), ("customer_id", 19), ("country_code", 5)]
    {
        match map.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(v)) if v.chars().count() <= max => {}
            Some(_) => return Err(invalid(format!("customer.{key} must be a string of at most {max} characters"))),
        }
    }
    Ok(())
}

fn is_reference(text: &str) -> bool {
    !text.is_empty() && text.len() <= 50 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `POST /api/pay/v1/paymentlink`; a reference already used returns the existing link (200).
async fn create(State(app): State<Arc<AppState>>, bytes: Bytes) -> Response {
    body::with_object(&bytes, bad_body, |request| create_link(&app, request))
}

fn create_link(app: &AppState, request: &Map<String, Value>) -> Result<Value, Failure> {
    let amount = present(request, "amount").ok_or_else(|| invalid("amount is required"))?;
    let (amount, currency) = amount_object(&amount, "amount", 100)?;
    if amount > 100_000_000 {
        return Err(Failure {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "AMOUNT_LIMIT_EXCEEDED",
            message: "The transaction was declined because the specified amount exceeds allowed limits".into(),
        });
    }
    let reference = match present(request, "merchant_payment_link_reference") {
        None => return Err(invalid("merchant_payment_link_reference is required")),
        Some(Value::String(reference)) if is_reference(&reference) => reference,
        Some(_) => {
            return Err(invalid(
                "merchant_payment_link_reference must be 1 to 50 characters: letters, digits, - and _",
            ));
        }
    };
    let customer = present(request, "customer");
    if let Some(customer) = &customer {
        validate_customer(customer)?;
    }
    let description = match present(request, "description") {
        None => None,
        Some(Value::String(text)) => Some(text),
        Some(_) => return Err(invalid("description must be a string")),
    };
    let now = clock::now();
    let (expire_by, expire_by_text) = match present(request, "expire_by") {
        None => {
            let at = now + chrono::Duration::days(DEFAULT_EXPIRY_DAYS);
            (at, clock::pinelabs(at))
        }
        Some(Value::String(text)) => match clock::parse_iso(&text, Zone::Utc) {
            Some(at) if at <= now => return Err(invalid("expire_by must be in the future")),
            Some(at) if at > now + chrono::Duration::days(DEFAULT_EXPIRY_DAYS) => {
                return Err(invalid("expire_by must be at most 180 days from now"));
            }
            Some(at) => (at, text),
            None => return Err(invalid("expire_by must be an ISO 8601 UTC timestamp")),
        },
        Some(_) => return Err(invalid("expire_by must be a string")),
    };
    let allowed_payment_methods = match present(request, "allowed_payment_methods") {
        None => None,
        Some(Value::Array(methods)) => {
            if methods.iter().any(|m| m.as_str().is_none_or(|m| !PAYMENT_METHODS.contains(&m))) {
                return Err(invalid(format!("allowed_payment_methods must be among {}", PAYMENT_METHODS.join(", "))));
            }
            Some(Value::Array(methods))
        }
        Some(_) => return Err(invalid("allowed_payment_methods must be an array")),
    };
    let pre_auth = string_bool(request, "pre_auth")?;
    let is_mcc_transaction = string_bool(request, "is_mcc_transaction")?;
    let failure_callback_url = match present(request, "failure_callback_url") {
        None => None,
        Some(Value::String(url)) => Some(url),
        Some(_) => return Err(invalid("failure_callback_url must be a string")),
    };
    if present(request, "callback_url").is_some_and(|url| !url.is_string()) {
        return Err(invalid("callback_url must be a string"));
    }
    if let Some(discount) = present(request, "cart_coupon_discount_amount") {
        amount_object(&discount, "cart_coupon_discount_amount", 0)?;
    }
    let product_details = match present(request, "product_details") {
        None => None,
        Some(Value::Array(products)) => {
            for product in &products {
                if product.get("product_code").and_then(Value::as_str).is_none() {
                    return Err(invalid("product_details.product_code is required"));
                }
                for key in ["product_amount", "product_coupon_discount_amount"] {
                    if let Some(value) = product.get(key).filter(|v| !v.is_null()) {
                        amount_object(value, &format!("product_details.{key}"), 0)?;
                    }
                }
            }
            Some(Value::Array(products))
        }
        Some(_) => return Err(invalid("product_details must be an array")),
    };
    let split_info = present(request, "split_info");
    if split_info.as_ref().is_some_and(|s| !s.is_object()) {
        return Err(invalid("split_info must be an object"));
    }
    let merchant_metadata = match present(request, "merchant_metadata") {
        None => None,
        Some(Value::Object(map)) => {
            if map.len() > 10 || map.values().any(|v| v.as_str().is_none_or(|s| s.chars().count() > 256)) {
                return Err(invalid("merchant_metadata must hold at most 10 string values of at most 256 characters"));
            }
            Some(Value::Object(map))
        }
        Some(_) => return Err(invalid("merchant_metadata must be an object")),
    };
    let mut stores = app.lock();
    let store = stores.of::<Store>();
    if let Some(existing) = store.by_reference(&reference) {
        return Ok(existing.to_json());
    }
    let link = Link {
        id: new_id("pl-v1", now),
        url: short_url(),
        status: Status::Created,
        amount,
        currency,
        amount_paid: 0,
        order_id: new_id("v1", now),
        reference,
        description,
        expire_by,
        expire_by_text,
        allowed_payment_methods,
        pre_auth,
        failure_callback_url,
        is_mcc_transaction,
        customer,
        product_details,
        split_info,
        cart_coupon_discount_amount: present(request, "cart_coupon_discount_amount"),
        merchant_metadata,
        created_at: now,
        updated_at: now,
    };
    Ok(store.links.insert(link.id.clone(), link))
}

// ------------------------------------------------------------------------------ handlers

/// `GET /api/pay/v1/paymentlink/{payment_link_id}`.
async fn fetch(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    let link = stores.of::<Store>().links.get(&id).ok_or_else(|| link_not_found(&format!("payment_link_id {id}")));
    body::respond(link.map(|link| link.to_json()))
}

/// `GET /api/pay/v1/paymentlink/ref/{merchant_payment_link_reference}`.
async fn fetch_by_reference(State(app): State<Arc<AppState>>, Path(reference): Path<String>) -> Response {
    let mut stores = app.lock();
    let link = stores
        .of::<Store>()
        .by_reference(&reference)
        .ok_or_else(|| link_not_found(&format!("merchant_payment_link_reference {reference}")));
    body::respond(link.map(|link| link.to_json()))
}

/// `PUT /api/pay/v1/paymentlink/{payment_link_id}/cancel`: only a `CREATED` link.
async fn cancel(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    let link = stores.of::<Store>().created_link(&id, |status| {
        format!("Payment link in {status} status cannot be cancelled; only a CREATED link can")
    });
    body::respond(link.map(|link| {
        link.status = Status::Cancelled;
        link.updated_at = clock::now();
        link.to_json()
    }))
}

/// `PATCH /api/pay/v1/paymentlink/{payment_link_id}/notify`: only a `CREATED` link.
async fn notify(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    let link = stores.of::<Store>().created_link(&id, |status| {
        format!("Notification cannot be resent for a payment link in {status} status; only a CREATED link")
    });
    body::respond(link.map(|link| link.to_json()))
}
