//! Pine Labs Online (Plural v2) payment links: `POST /api/auth/v1/token` and
//! `/api/pay/v1/paymentlink` create, get, get by reference, cancel (PUT) and resend (PATCH)
//! (<https://developer.pinelabsonline.com/reference/payment-link-create>), under `/pinelabs`,
//! authenticated with a bearer access token from the token endpoint.
//!
//! Webhooks: Pine Labs sends order events, not link events
//! (<https://www.pinelabs.com/docs/online-payments/developer-tools/webhooks/available-events>),
//! and the order behind a link is the link's `order_id`. So when a link changes the sandbox
//! queues the event of that order, built from the generated `WebhookEvent`, with a fresh
//! `webhook-id` (`msg_` and 27 letters and digits): a payment `ORDER_PROCESSED` (order
//! `PROCESSED`, the payment `PROCESSED` among `payments`; a part payment too, its payments then
//! short of `order_amount`: Pine Labs documents no part-payment event), a cancel
//! `ORDER_CANCELLED`, an expiry `ORDER_FAILED` (order `FAILED`: Pine Labs documents no expiry
//! event), whether through the control API or by itself, found when the link is read. Each delivery
//! attempt is signed at its own time with the `pinelabs-webhook-secret` setting (default
//! `pl_sandbox_webhook_secret`) by [`paylinks_pinelabs::webhook::sign`]: `webhook-id`,
//! `webhook-timestamp` (seconds), `webhook-signature` (`v1,<base64>`).
//!
//! A failed payment attempt (`"failed": true`) adds a `FAILED` payment to the order (the
//! documented "Card OTP Failure": `USER_AUTHENTICATION_FAILED`, "Consumer Authentication
//! failed") and queues `PAYMENT_FAILED` with the order still `ATTEMPTED`, as the docs'
//! samples show; the link stays open.
//!
//! Redirects: after a payment the customer's browser POSTs the callback form to the link's
//! `callback_url`, after a failed attempt to its `failure_callback_url` (else
//! `callback_url`): `order_id`, `status` (`PROCESSED` / `FAILED`), on a failure
//! `error_code` and `error_message`, and `signature`, signed with the `callback_secret`
//! setting (flag `--pinelabs-callback-secret`, hex, default [`DEFAULT_CALLBACK_SECRET`]) by
//! [`paylinks_pinelabs::redirect::sign_callback`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, patch, post, put};
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use paylinks_core::{Secret, Timestamp};
use paylinks_pinelabs::types::{
    Address, AddressRequest, Amount, AmountRequest, BoolOrString, CreatePaymentLinkRequest, Customer, CustomerRequest,
    KnownEventType, KnownLinkStatus, KnownOrderStatus, KnownPaymentMethod, KnownPaymentStatus, Order, OrderPayment,
    PaymentErrorDetail, PaymentLink, PinelabsError, ProductDetail, SplitDetail, SplitInfo, StringBool, TokenRequest,
    TokenResponse, WebhookEvent as EventBody,
};
use serde_json::{Map, Value, json};

use crate::body::{self, BodyError, DecodeError, Problem, header_text};
use crate::config::{SandboxConfig, SettingSpec};
use crate::ids::alnum;
use crate::links::{Links, StoredLink};
use crate::page::PageLink;
use crate::payment::{ControlError, Paid, PayRequest, Redirect, Refusals, Terms, settle_payment};
use crate::provider::{Guarded, Provider, guard};
use crate::state::{AppState, ProviderStore, Stores};
use crate::webhooks::WebhookEvent;

/// The provider's name.
const NAME: &str = "pinelabs";
/// The token endpoint, the one path that takes no access token.
const TOKEN_PATH: &str = "/api/auth/v1/token";

/// The webhook secret deliveries are signed with unless set otherwise.
pub(crate) const DEFAULT_WEBHOOK_SECRET: &str = "pl_sandbox_webhook_secret";
/// The secret key (hex, as Pine Labs gives it) the callback form is signed with unless set
/// otherwise: `pl_sandbox_callback_secret_key` in hex.
pub(crate) const DEFAULT_CALLBACK_SECRET: &str = "706c5f73616e64626f785f63616c6c6261636b5f7365637265745f6b6579";

/// Credentials `pl_sandbox_client` / `pl_sandbox_secret`; access tokens live an hour; webhook
/// deliveries signed with `pl_sandbox_webhook_secret`.
const SETTINGS: &[SettingSpec] = &[
    SettingSpec::text(
        NAME,
        "client_id",
        "pinelabs-client-id",
        "Pine Labs client id the sandbox accepts.",
        "pl_sandbox_client",
    ),
    SettingSpec::text(
        NAME,
        "client_secret",
        "pinelabs-client-secret",
        "Pine Labs client secret the sandbox accepts.",
        "pl_sandbox_secret",
    ),
    SettingSpec::duration(
        NAME,
        "token_ttl",
        "token-ttl-secs",
        "Lifetime of Pine Labs access tokens, in seconds (default 3600).",
        std::time::Duration::from_secs(3600),
    ),
    SettingSpec::text(
        NAME,
        "webhook_secret",
        "pinelabs-webhook-secret",
        "Pine Labs webhook secret the sandbox signs its deliveries with (PINELABS_WEBHOOK_SECRET of the receiver).",
        DEFAULT_WEBHOOK_SECRET,
    ),
    SettingSpec::text(
        NAME,
        "callback_secret",
        "pinelabs-callback-secret",
        "Pine Labs secret key, in hex, the sandbox signs the callback form with (signature) that a customer's browser posts to callback_url after a payment.",
        DEFAULT_CALLBACK_SECRET,
    ),
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

    /// `{"code": "INVALID_REQUEST", "message": ...}` with `status`.
    fn refuse(&self, status: StatusCode, message: &str) -> Response {
        error(status, "INVALID_REQUEST", message)
    }

    /// A payment of `amount` (default: what is due) by UPI queues `ORDER_PROCESSED`; a failed
    /// attempt (`"failed": true`) queues `PAYMENT_FAILED`. Either answers the callback form
    /// the customer's browser posts (see the module docs), when the link has the URL.
    fn pay(&self, stores: &mut Stores, _api: &str, id: &str, request: &PayRequest) -> Result<Paid, ControlError> {
        let store = stores.of::<Store>();
        let (paid, event) =
            if request.failed { store.fail(id, request.amount)? } else { store.pay(id, request.amount)? };
        stores.outbox.push(event);
        Ok(paid)
    }

    /// Expires the link; queues `ORDER_FAILED` ([`StoredLink::expired_event`]).
    fn expire(&self, stores: &mut Stores, _api: &str, id: &str) -> Result<Value, ControlError> {
        stores.of::<Store>().links.expire(id)
    }

    /// The link as the payment page shows it; 404 for an unknown link. Pine Labs links take
    /// part payments of any amount (the sandbox's rule: Pine Labs documents no switch or
    /// minimum for them), so `partial_minimum` is always `Some(0)`.
    fn page(&self, stores: &mut Stores, _api: &str, id: &str) -> Result<PageLink, ControlError> {
        let link = stores.of::<Store>().links.get(id).ok_or_else(|| ControlError::not_found(NAME, id))?;
        Ok(PageLink {
            provider: "Pine Labs Online",
            id: link.id.clone(),
            description: link.request.description.clone().filter(|d| !d.is_empty()),
            currency: link.currency.clone(),
            amount: link.amount,
            paid: link.amount_paid,
            status: link.status.to_string(),
            open: link.is_open(),
            expires_at: Some(link.expire_by),
            partial_minimum: Some(0),
        })
    }

    /// `webhook-id`, `webhook-timestamp` (`now`, seconds) and `webhook-signature`, signed with
    /// the `webhook_secret` setting, and `content-type: application/json`.
    fn sign_webhook(&self, config: &SandboxConfig, event: &WebhookEvent, now: DateTime<Utc>) -> HeaderMap {
        let secret = config.text(NAME, "webhook_secret").unwrap_or(DEFAULT_WEBHOOK_SECRET);
        // The ids are `msg_` and letters and digits, always a valid header value.
        let mut headers =
            paylinks_pinelabs::webhook::sign(secret, &event.id, now.timestamp(), &event.body).unwrap_or_default();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers
    }

    fn links(&self, stores: &mut Stores, _api: &str) -> Vec<Value> {
        stores.of::<Store>().links.all_json()
    }
}

/// A Pine Labs id: `<prefix>-<yymmddHHMMSS>-aa-<6 random>`, e.g. `pl-v1-250306082755-aa-uT0noy`.
fn new_id(prefix: &str, at: DateTime<Utc>) -> String {
    format!("{prefix}-{}-aa-{}", at.format("%y%m%d%H%M%S"), alnum(6))
}

/// A time as Pine Labs writes it: ISO 8601 UTC with milliseconds, `2025-03-06T08:27:55.881Z`.
/// (`Timestamp` writes the shortest form, dropping `.000`; Pine Labs always writes three
/// digits, so the sandbox sets these members after serialising the generated type.)
fn wire_time(at: DateTime<Utc>) -> Value {
    Value::String(at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// Pine Labs' words for a payment a link will not take. Its links take part payments of any
/// amount here (Pine Labs documents no switch or minimum for them), so only more than is due
/// is refused, worded after the message of Pine Labs' documented `AMOUNT_LIMIT_EXCEEDED`
/// error ("The transaction was declined because the specified amount exceeds allowed
/// limits"; the error catalogue of `specs/pinelabs.yaml`'s `Error` response); the other two
/// are the sandbox's words, never shown.
const REFUSALS: Refusals = Refusals {
    more_than_due: |amount, due| {
        format!(
            "The transaction was declined because the specified amount {amount} exceeds the {due} due on this payment link."
        )
    },
    no_part_payments: |due| format!("This payment link takes the full {due} due."),
    below_minimum: |amount, minimum| format!("The amount {amount} is less than the minimum {minimum}."),
};

/// Default lifetime of a link without `expire_by` (the documented maximum, 180 days).
const DEFAULT_EXPIRY_DAYS: i64 = 180;
/// The smallest link amount, in paise (₹1).
const MINIMUM_AMOUNT: i64 = 100;
/// The largest link amount, in paise (₹10,00,000).
const MAXIMUM_AMOUNT: i64 = 100_000_000;
/// At most this many `merchant_metadata` entries.
const MAX_METADATA: usize = 10;

// ------------------------------------------------------------------------------ errors

/// A Pine Labs error body (the generated `PinelabsError`, `{"code", "message"}`) with
/// `status`.
fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = PinelabsError { code: Some(code.to_owned()), message: Some(message.into()), ..PinelabsError::default() };
    body::json(status, &serde_json::to_value(body).unwrap_or_default())
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

/// The wording for a create body that does not decode into the generated
/// `CreatePaymentLinkRequest`: `<field> is required`, or `<field> must be ...`.
fn undecodable(error: &DecodeError) -> Failure {
    let field = error.field.as_str();
    let reason = match (&error.problem, field) {
        (Problem::Missing, _) => return invalid(format!("{field} is required")),
        (_, "amount" | "cart_coupon_discount_amount") => "must be an object with value and currency",
        (_, "merchant_payment_link_reference") => "must be 1 to 50 characters: letters, digits, - and _",
        (_, "expire_by") => "must be an ISO 8601 UTC timestamp",
        (_, "customer.mobile_number") => "must be 10 to 20 digits",
        (_, "pre_auth" | "is_mcc_transaction") => "must be \"true\" or \"false\"",
        (_, "allowed_payment_methods") => "must be among CARD, UPI, POINTS, NETBANKING, WALLET, CREDIT_EMI, DEBIT_EMI",
        (_, field) if field.starts_with("merchant_metadata") => {
            return invalid("merchant_metadata must hold at most 10 string values of at most 256 characters");
        }
        (_, field) if field.ends_with("currency") => "must be a 3-letter ISO 4217 code",
        (_, field) if field.ends_with("value") => "must be an integer",
        (Problem::Invalid(reason), _) => {
            return invalid(match reason.strip_prefix("should be ") {
                Some(expected) => format!("{field} must be {expected}"),
                None => format!("{field}: {reason}"),
            });
        }
    };
    invalid(format!("{field} {reason}"))
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

/// A payment link: the create request as decoded, and what happened since. Amounts in minor
/// units.
#[derive(Debug, Clone)]
struct Link {
    id: String,
    url: String,
    status: KnownLinkStatus,
    amount: i64,
    currency: String,
    amount_paid: i64,
    order_id: String,
    /// The payments of the link's order, oldest first, as its webhook events list them.
    payments: Vec<OrderPayment>,
    expire_by: DateTime<Utc>,
    /// `expire_by` as sent (Pine Labs echoes it verbatim, e.g. `2025-03-21T08:29Z`).
    expire_by_text: String,
    request: CreatePaymentLinkRequest,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn amount(amount: &AmountRequest) -> Amount {
    Amount { currency: amount.currency.to_string(), value: amount.value }
}

fn address(address: &AddressRequest) -> Address {
    let text = |value: Option<&str>| value.map(str::to_owned);
    Address {
        address1: text(address.address1.as_deref().map(String::as_str)),
        address2: text(address.address2.as_deref().map(String::as_str)),
        address3: text(address.address3.as_deref().map(String::as_str)),
        address_category: text(address.address_category.as_deref().map(String::as_str)),
        address_type: address.address_type.map(Into::into),
        city: text(address.city.as_deref().map(String::as_str)),
        country: text(address.country.as_deref().map(String::as_str)),
        full_name: text(address.full_name.as_deref().map(String::as_str)),
        pincode: text(address.pincode.as_deref().map(String::as_str)),
        state: text(address.state.as_deref().map(String::as_str)),
    }
}

fn customer(customer: &CustomerRequest) -> Customer {
    let text = |value: Option<&String>| value.cloned();
    Customer {
        billing_address: customer.billing_address.as_ref().map(address),
        country_code: text(customer.country_code.as_deref()),
        customer_id: text(customer.customer_id.as_deref()),
        email_id: text(customer.email_id.as_deref()),
        first_name: text(customer.first_name.as_deref()),
        last_name: text(customer.last_name.as_deref()),
        mobile_number: text(customer.mobile_number.as_deref()),
        shipping_address: customer.shipping_address.as_ref().map(address),
        ..Customer::default()
    }
}

impl Link {
    fn entity(&self) -> PaymentLink {
        let request = &self.request;
        let flag = |flag: Option<StringBool>| Some(BoolOrString::Bool(flag == Some(StringBool::True)));
        PaymentLink {
            allowed_payment_methods: Some(
                request.allowed_payment_methods.iter().map(|&m| m.into()).collect::<Vec<_>>(),
            )
            .filter(|methods| !methods.is_empty()),
            amount: Some(Amount { currency: self.currency.clone(), value: self.amount }),
            amount_due: Some(Amount { currency: self.currency.clone(), value: self.amount - self.amount_paid }),
            cart_coupon_discount_amount: request.cart_coupon_discount_amount.as_ref().map(amount),
            customer: request.customer.as_ref().map(customer),
            description: request.description.clone(),
            failure_callback_url: request.failure_callback_url.clone(),
            is_mcc_transaction: flag(request.is_mcc_transaction),
            merchant_metadata: Some(
                request
                    .merchant_metadata
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect::<std::collections::BTreeMap<_, _>>(),
            )
            .filter(|metadata| !metadata.is_empty()),
            merchant_payment_link_reference: Some(request.merchant_payment_link_reference.to_string()),
            order_id: Some(self.order_id.clone()),
            payment_link: Some(self.url.clone()),
            payment_link_id: Some(self.id.clone()),
            pre_auth: flag(request.pre_auth),
            product_details: Some(
                request
                    .product_details
                    .iter()
                    .map(|product| ProductDetail {
                        product_amount: product.product_amount.as_ref().map(amount),
                        product_code: Some(product.product_code.clone()),
                        product_coupon_discount_amount: product.product_coupon_discount_amount.as_ref().map(amount),
                    })
                    .collect::<Vec<_>>(),
            )
            .filter(|products| !products.is_empty()),
            split_info: request.split_info.as_ref().map(|split| SplitInfo {
                split_details: Some(
                    split
                        .split_details
                        .iter()
                        .map(|detail| SplitDetail {
                            amount: detail.amount.as_ref().map(amount),
                            on_hold: detail.on_hold,
                            split_merchant_id: detail.split_merchant_id.clone(),
                            ..SplitDetail::default()
                        })
                        .collect::<Vec<_>>(),
                )
                .filter(|details| !details.is_empty()),
                split_type: split.split_type.map(Into::into),
            }),
            status: Some(self.status.into()),
            expire_by: Some(Timestamp::from(self.expire_by)),
            created_at: Some(Timestamp::from(self.created_at)),
            updated_at: Some(Timestamp::from(self.updated_at)),
            ..PaymentLink::default()
        }
    }
}

impl Link {
    /// The webhook event `event_type` of the link's order, now in `status`: the generated
    /// `WebhookEvent` with the order's amount, references, callback URLs and payments, times
    /// in Pine Labs' millisecond form.
    fn event(&self, event_type: KnownEventType, status: KnownOrderStatus) -> WebhookEvent {
        let request = &self.request;
        let order = Order {
            order_id: Some(self.order_id.clone()),
            // Unconfirmed: that the order of a link carries the link's reference.
            merchant_order_reference: Some(request.merchant_payment_link_reference.to_string()),
            type_: Some("CHARGE".into()),
            status: Some(status.into()),
            callback_url: request.callback_url.clone(),
            failure_callback_url: request.failure_callback_url.clone(),
            order_amount: Some(Amount { currency: self.currency.clone(), value: self.amount }),
            pre_auth: Some(BoolOrString::Bool(request.pre_auth == Some(StringBool::True))),
            payments: Some(self.payments.clone()),
            created_at: Some(Timestamp::from(self.created_at)),
            updated_at: Some(Timestamp::from(self.updated_at)),
            ..Order::default()
        };
        let mut body =
            serde_json::to_value(EventBody { event_type: event_type.into(), data: order }).unwrap_or_default();
        if let Some(data) = body.get_mut("data").and_then(Value::as_object_mut) {
            data.insert("created_at".into(), wire_time(self.created_at));
            data.insert("updated_at".into(), wire_time(self.updated_at));
            let payments = data.get_mut("payments").and_then(Value::as_array_mut).into_iter().flatten();
            for (payment, stored) in payments.zip(&self.payments) {
                let times = [("created_at", stored.created_at), ("updated_at", stored.updated_at)];
                for (key, at) in times {
                    if let (Some(map), Some(at)) = (payment.as_object_mut(), at) {
                        map.insert(key.into(), wire_time(at.to_utc()));
                    }
                }
            }
        }
        let id = format!("msg_{}", alnum(27));
        WebhookEvent::new(NAME, id, event_type.to_string(), serde_json::to_vec(&body).unwrap_or_default())
    }
}

impl Link {
    /// What it takes now: what is due, in parts of any size (the sandbox's choice: Pine Labs
    /// documents `PARTIAL_PROCESSED` and no minimum).
    fn terms(&self) -> Terms<'_> {
        Terms { due: self.amount - self.amount_paid, currency: &self.currency, partial_allowed: true, minimum_first: 0 }
    }
}

impl StoredLink for Link {
    const FAMILY: &'static str = NAME;

    fn reference(&self) -> Option<&str> {
        Some(&self.request.merchant_payment_link_reference)
    }

    fn status_name(&self) -> String {
        self.status.to_string()
    }

    fn is_open(&self) -> bool {
        matches!(self.status, KnownLinkStatus::Created | KnownLinkStatus::PartialProcessed)
    }

    fn expires_at(&self) -> Option<DateTime<Utc>> {
        Some(self.expire_by)
    }

    fn mark_expired(&mut self, at: DateTime<Utc>) {
        self.status = KnownLinkStatus::Expired;
        self.updated_at = at;
    }

    /// `ORDER_FAILED` with the order `FAILED`: Pine Labs documents no expiry event, and an
    /// order whose link expired fails (whether through the control API or by itself).
    fn expired_event(&self) -> Option<WebhookEvent> {
        (self.status == KnownLinkStatus::Expired)
            .then(|| self.event(KnownEventType::OrderFailed, KnownOrderStatus::Failed))
    }

    /// The generated `PaymentLink`, with `expire_by` as sent and the times in Pine Labs'
    /// millisecond form.
    fn to_json(&self) -> Value {
        let mut body = serde_json::to_value(self.entity()).unwrap_or_default();
        if let Some(map) = body.as_object_mut() {
            map.insert("expire_by".into(), Value::String(self.expire_by_text.clone()));
            map.insert("created_at".into(), wire_time(self.created_at));
            map.insert("updated_at".into(), wire_time(self.updated_at));
        }
        body
    }
}

/// Pine Labs' part of the sandbox state: links and issued access tokens.
#[derive(Debug, Default)]
struct Store {
    links: Links<Link>,
    tokens: HashMap<String, Instant>,
    /// The `callback_secret` setting the links were created under (the sandbox has one),
    /// which signs the callback forms; set by every create.
    callback_secret: Option<String>,
}

impl ProviderStore for Store {
    /// The `ORDER_FAILED` events of links that expired.
    fn take_events(&mut self) -> Vec<WebhookEvent> {
        self.links.take_events()
    }
}

/// The documented failure a failed attempt stands for (the docs' "Card OTP Failure").
const FAILURE: (&str, &str) = ("USER_AUTHENTICATION_FAILED", "Consumer Authentication failed");

impl Link {
    /// The callback form after a payment (`error`: `None`) or a failed attempt, posted to
    /// `callback_url` (a failure: `failure_callback_url`, else `callback_url`), signed with
    /// `secret` (hex); `None` when the link has no such URL. Built before the state changes,
    /// so that a secret that is not hex refuses the payment instead of losing the redirect.
    fn callback(&self, secret: Option<&str>, error: Option<(&str, &str)>) -> Result<Option<Redirect>, ControlError> {
        let request = &self.request;
        let url = match error {
            None => request.callback_url.as_deref(),
            Some(_) => request.failure_callback_url.as_deref().or(request.callback_url.as_deref()),
        };
        // A URL a browser cannot post to (Pine Labs' create checks none) sends it nowhere.
        let web_url = |url: &&str| url::Url::parse(url).is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
        let Some(url) = url.filter(web_url) else {
            return Ok(None);
        };
        let callback = paylinks_pinelabs::redirect::Callback {
            order_id: self.order_id.clone(),
            status: if error.is_some() { KnownPaymentStatus::Failed } else { KnownPaymentStatus::Processed }
                .to_string(),
            error: error.map(|(code, message)| paylinks_pinelabs::redirect::CallbackError {
                code: code.to_owned(),
                message: message.to_owned(),
            }),
        };
        let fields = paylinks_pinelabs::redirect::sign_callback(secret.unwrap_or(DEFAULT_CALLBACK_SECRET), &callback)
            .map_err(|_| {
                ControlError::invalid(
                    "the sandbox's pinelabs callback_secret setting (--pinelabs-callback-secret) is not a hexadecimal key, so it cannot sign the callback form",
                )
            })?;
        Ok(Some(Redirect::PostForm {
            url: url.to_owned(),
            fields: fields.into_iter().map(|(name, value)| (name.to_owned(), value)).collect(),
        }))
    }

    /// A payment id as Pine Labs writes them: the order id, a method code (`up`: UPI, `cc`:
    /// card) and one character.
    fn payment_id(&self, method: &str) -> String {
        let suffix = char::from(b'a' + u8::try_from(self.payments.len() % 26).unwrap_or(0));
        format!("{}-{method}-{suffix}", self.order_id)
    }
}

impl Store {
    fn by_reference(&mut self, reference: &str) -> Option<&mut Link> {
        self.links.by_reference(reference)
    }

    /// The link `id`, if it is still `CREATED`; `refusal` words the error for a link in
    /// another status.
    fn created_link(&mut self, id: &str, refusal: impl FnOnce(&str) -> String) -> Result<&mut Link, Failure> {
        let link = self.links.get(id).ok_or_else(|| link_not_found(&format!("payment_link_id {id}")))?;
        if link.status != KnownLinkStatus::Created {
            return Err(invalid(refusal(&link.status.to_string())));
        }
        Ok(link)
    }

    /// Control API: the customer pays `amount` (default: `amount_due`) by UPI; a part
    /// payment leaves the link `PARTIAL_PROCESSED`. Answers the link with the callback form,
    /// and its order's `ORDER_PROCESSED` event.
    fn pay(&mut self, id: &str, amount: Option<i64>) -> Result<(Paid, WebhookEvent), ControlError> {
        let link = self.links.open(id, "be paid")?;
        let redirect = link.callback(self.callback_secret.as_deref(), None)?;
        let amount = settle_payment(&link.terms(), amount, &REFUSALS)?;
        let now = Utc::now();
        link.amount_paid += amount;
        link.status = if link.amount_paid >= link.amount {
            KnownLinkStatus::Processed
        } else {
            KnownLinkStatus::PartialProcessed
        };
        link.updated_at = now;
        link.payments.push(OrderPayment {
            id: Some(link.payment_id("up")),
            status: Some(KnownPaymentStatus::Processed.into()),
            payment_amount: Some(Amount { currency: link.currency.clone(), value: amount }),
            payment_method: Some(KnownPaymentMethod::Upi.into()),
            created_at: Some(Timestamp::from(now)),
            updated_at: Some(Timestamp::from(now)),
            ..OrderPayment::default()
        });
        let paid = Paid { link: link.to_json(), redirect };
        Ok((paid, link.event(KnownEventType::OrderProcessed, KnownOrderStatus::Processed)))
    }

    /// Control API: a card payment of `amount` (default: `amount_due`) fails its OTP check:
    /// the order gains a `FAILED` payment with the documented error and stays `ATTEMPTED`,
    /// the link stays as it was. Answers the link with the failure callback form, and the
    /// `PAYMENT_FAILED` event (as the docs' "Card OTP Failure" sample, `specs/pinelabs.yaml`).
    fn fail(&mut self, id: &str, amount: Option<i64>) -> Result<(Paid, WebhookEvent), ControlError> {
        let link = self.links.open(id, "be paid")?;
        let amount = settle_payment(&link.terms(), amount, &REFUSALS)?;
        let redirect = link.callback(self.callback_secret.as_deref(), Some(FAILURE))?;
        let now = Utc::now();
        link.updated_at = now;
        link.payments.push(OrderPayment {
            id: Some(link.payment_id("cc")),
            status: Some(KnownPaymentStatus::Failed.into()),
            payment_amount: Some(Amount { currency: link.currency.clone(), value: amount }),
            payment_method: Some(KnownPaymentMethod::Card.into()),
            error_detail: Some(PaymentErrorDetail {
                code: Some(FAILURE.0.to_owned()),
                message: Some(FAILURE.1.to_owned()),
            }),
            created_at: Some(Timestamp::from(now)),
            updated_at: Some(Timestamp::from(now)),
            ..OrderPayment::default()
        });
        let paid = Paid { link: link.to_json(), redirect };
        Ok((paid, link.event(KnownEventType::PaymentFailed, KnownOrderStatus::Attempted)))
    }
}

// ------------------------------------------------------------------------------ token

/// `POST /api/auth/v1/token` with `{"client_id", "client_secret", "grant_type":
/// "client_credentials"}` (the generated `TokenRequest`) → `{"access_token", "expires_at"}`
/// (the generated `TokenResponse`).
async fn token(State(app): State<Arc<AppState>>, bytes: Bytes) -> Response {
    let unprocessable = |code: &str, message: &str| error(StatusCode::UNPROCESSABLE_ENTITY, code, message);
    let Ok(request) = body::object(&bytes) else {
        return unprocessable("INVALID_REQUEST", "Request body must be a JSON object");
    };
    let request: TokenRequest = match body::decode(&request) {
        Ok(request) => request,
        Err(e) if e.field == "grant_type" && e.problem != Problem::Missing => {
            return unprocessable("INVALID_REQUEST", "grant_type must be client_credentials");
        }
        Err(e) => return unprocessable("INVALID_REQUEST", &format!("{} is required", e.field)),
    };
    if request.client_secret.expose().is_empty() {
        return unprocessable("INVALID_REQUEST", "client_secret is required");
    }
    let config = &app.config;
    let client_id = config.text(NAME, "client_id");
    if client_id != Some(request.client_id.as_str())
        || config.text(NAME, "client_secret") != Some(request.client_secret.expose())
    {
        return unprocessable("USER_AUTHENTICATION_FAILED", "Invalid client credentials");
    }
    let ttl = config.duration(NAME, "token_ttl").unwrap_or(std::time::Duration::from_secs(3600));
    let now = Utc::now();
    let expires_at = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1));
    let access_token = jwt(&request.client_id, now, expires_at);
    let mut stores = app.lock();
    let tokens = &mut stores.of::<Store>().tokens;
    let instant_now = Instant::now();
    tokens.retain(|_, expiry| *expiry > instant_now);
    tokens.insert(access_token.clone(), instant_now + ttl);
    let response = TokenResponse { access_token: Secret::new(access_token), expires_at: Timestamp::from(expires_at) };
    let mut body = serde_json::to_value(response).unwrap_or_default();
    if let Some(map) = body.as_object_mut() {
        map.insert("expires_at".into(), wire_time(expires_at));
    }
    body::json(StatusCode::OK, &body)
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

/// The link a decoded create request describes, after the rules the spec cannot say: the
/// amount's currency and limits, a customer reachable by e-mail or phone, an expiry within
/// 180 days, at most 10 metadata entries.
///
/// Its `payment_link` is the sandbox's payment page of the link ([`AppState::page_url`],
/// `{public_url}/pay/pinelabs/{payment_link_id}`), where Pine Labs' is a short link
/// (`https://shortener.v2.pinepg.in/PLUTUS/<code>`).
fn new_link(
    app: &AppState,
    request: CreatePaymentLinkRequest,
    expire_by_text: Option<String>,
) -> Result<Link, Failure> {
    let currency = request.amount.currency.to_string();
    if iso_currency::Currency::from_code(&currency).is_none() {
        return Err(invalid("amount.currency must be a 3-letter ISO 4217 code"));
    }
    let amount = request.amount.value;
    if amount < MINIMUM_AMOUNT {
        return Err(invalid(format!("amount.value must be at least {MINIMUM_AMOUNT}")));
    }
    if amount > MAXIMUM_AMOUNT {
        return Err(Failure {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "AMOUNT_LIMIT_EXCEEDED",
            message: "The transaction was declined because the specified amount exceeds allowed limits".into(),
        });
    }
    let amounts = request.cart_coupon_discount_amount.iter().map(|a| ("cart_coupon_discount_amount", a)).chain(
        request.product_details.iter().flat_map(|product| {
            let product_amounts = [
                ("product_details.product_amount", &product.product_amount),
                ("product_details.product_coupon_discount_amount", &product.product_coupon_discount_amount),
            ];
            product_amounts.into_iter().filter_map(|(field, a)| a.as_ref().map(|a| (field, a)))
        }),
    );
    for (field, amount) in amounts {
        if amount.value < 0 {
            return Err(invalid(format!("{field}.value must be at least 0")));
        }
    }
    if let Some(customer) = &request.customer
        && customer.email_id.as_ref().is_none_or(|e| e.is_empty())
        && customer.mobile_number.is_none()
    {
        return Err(invalid("customer: at least one of email_id and mobile_number is required"));
    }
    if request.merchant_metadata.len() > MAX_METADATA {
        return Err(invalid("merchant_metadata must hold at most 10 string values of at most 256 characters"));
    }
    let now = Utc::now();
    let latest = now + chrono::Duration::days(DEFAULT_EXPIRY_DAYS);
    let (expire_by, expire_by_text) = match (&request.expire_by, expire_by_text) {
        (Some(at), _) if at.to_utc() <= now => return Err(invalid("expire_by must be in the future")),
        (Some(at), _) if at.to_utc() > latest => return Err(invalid("expire_by must be at most 180 days from now")),
        (Some(at), Some(text)) => (at.to_utc(), text),
        (Some(at), None) => (at.to_utc(), wire_text(at.to_utc())),
        (None, _) => (latest, wire_text(latest)),
    };
    let id = new_id("pl-v1", now);
    Ok(Link {
        url: app.page_url(NAME, &id),
        id,
        status: KnownLinkStatus::Created,
        amount,
        currency,
        amount_paid: 0,
        order_id: new_id("v1", now),
        payments: Vec::new(),
        expire_by,
        expire_by_text,
        request,
        created_at: now,
        updated_at: now,
    })
}

/// [`wire_time`] as text.
fn wire_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `POST /api/pay/v1/paymentlink`; a reference already used returns the existing link (200).
async fn create(State(app): State<Arc<AppState>>, bytes: Bytes) -> Response {
    body::with_object(&bytes, bad_body, |request| create_link(&app, request))
}

fn create_link(app: &AppState, request: &Map<String, Value>) -> Result<Value, Failure> {
    let expire_by_text = request.get("expire_by").and_then(Value::as_str).map(str::to_owned);
    let decoded: CreatePaymentLinkRequest = body::decode(request).map_err(|e| undecodable(&e))?;
    let link = new_link(app, decoded, expire_by_text)?;
    let mut stores = app.lock();
    let store = stores.of::<Store>();
    store.callback_secret = app.config.text(NAME, "callback_secret").map(str::to_owned);
    if let Some(existing) = store.by_reference(&link.request.merchant_payment_link_reference) {
        return Ok(existing.to_json());
    }
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

/// `PUT /api/pay/v1/paymentlink/{payment_link_id}/cancel`: only a `CREATED` link; queues
/// `ORDER_CANCELLED`.
async fn cancel(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    let cancelled = stores
        .of::<Store>()
        .created_link(&id, |status| {
            format!("Payment link in {status} status cannot be cancelled; only a CREATED link can")
        })
        .map(|link| {
            link.status = KnownLinkStatus::Cancelled;
            link.updated_at = Utc::now();
            (link.to_json(), link.event(KnownEventType::OrderCancelled, KnownOrderStatus::Cancelled))
        });
    body::respond(cancelled.map(|(link, event)| {
        stores.outbox.push(event);
        link
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

#[cfg(test)]
mod webhook_tests {
    use std::time::Duration;

    use paylinks_pinelabs::types::{EventType, OrderStatus};
    use paylinks_pinelabs::webhook::{self, Verifier};

    use super::*;

    /// A sandbox with one fresh link of ₹100 (reference `order-1042`); answers it and its id.
    fn sandbox() -> (Arc<AppState>, String) {
        let app = Arc::new(AppState::new(SandboxConfig::default()));
        let request = json!({
            "amount": {"value": 10000, "currency": "INR"},
            "merchant_payment_link_reference": "order-1042",
            "callback_url": "https://shop.example/thanks",
        });
        let link = create_link(&app, request.as_object().unwrap()).unwrap_or_else(|f| panic!("{}", f.message));
        let id = link["payment_link_id"].as_str().unwrap().to_owned();
        (app, id)
    }

    fn pay(app: &AppState, id: &str, amount: Option<i64>) -> Value {
        Pinelabs.pay(&mut app.lock(), NAME, id, &PayRequest { amount, ..PayRequest::default() }).unwrap().link
    }

    /// The outbox, emptied.
    fn drain(app: &AppState) -> Vec<WebhookEvent> {
        app.lock().take_outbox()
    }

    /// An event as a receiver reads it: signed by the sandbox now, verified by the crate's
    /// verifier with the default secret.
    fn received(app: &AppState, event: &WebhookEvent) -> webhook::Event {
        let now = Utc::now();
        let headers = Pinelabs.sign_webhook(&app.config, event, now);
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(headers[webhook::ID_HEADER].to_str().unwrap(), event.id);
        assert_eq!(headers[webhook::TIMESTAMP_HEADER].to_str().unwrap(), now.timestamp().to_string());
        Verifier::new(DEFAULT_WEBHOOK_SECRET).verify_at(&headers, &event.body, now).unwrap()
    }

    #[test]
    fn a_payment_queues_the_order_event_of_the_link() {
        let (app, id) = sandbox();
        assert!(drain(&app).is_empty(), "creating a link sends nothing");
        let part = pay(&app, &id, Some(4000));
        assert_eq!(part["status"], "PARTIAL_PROCESSED");
        let full = pay(&app, &id, None);
        assert_eq!(full["status"], "PROCESSED");
        let events = drain(&app);
        assert_eq!(
            events.iter().map(|e| (e.provider, e.name.as_str())).collect::<Vec<_>>(),
            [(NAME, "ORDER_PROCESSED"), (NAME, "ORDER_PROCESSED")]
        );
        assert_ne!(events[0].id, events[1].id, "one webhook-id per event");
        assert!(events.iter().all(|e| e.id.len() == 31 && e.id.starts_with("msg_")));

        let first = received(&app, &events[0]);
        let order = &first.event.data;
        assert_eq!(order.order_id.as_deref(), full["order_id"].as_str(), "the link names its order");
        assert_eq!(order.merchant_order_reference.as_deref(), Some("order-1042"));
        assert_eq!(order.order_amount.as_ref().map(|a| (a.value, a.currency.as_str())), Some((10000, "INR")));
        assert_eq!(order.status, Some(OrderStatus::KnownOrderStatus(KnownOrderStatus::Processed)));
        assert_eq!(order.callback_url.as_deref(), Some("https://shop.example/thanks"));
        let payments = order.payments.as_deref().unwrap();
        assert_eq!(payments.len(), 1);
        assert_eq!(payments[0].payment_amount.as_ref().map(|a| a.value), Some(4000));
        assert_eq!(payments[0].id, Some(format!("{}-up-a", full["order_id"].as_str().unwrap())));

        let second = received(&app, &events[1]);
        let payments = second.event.data.payments.unwrap();
        assert_eq!(payments.iter().map(|p| p.payment_amount.as_ref().unwrap().value).collect::<Vec<_>>(), [4000, 6000]);
        // Times as Pine Labs writes them, to the millisecond.
        let body: Value = serde_json::from_slice(&events[1].body).unwrap();
        let updated = body["data"]["updated_at"].as_str().unwrap();
        assert!(updated.ends_with('Z') && updated.len() == 24, "{updated}");
        assert!(body["data"]["payments"][1]["created_at"].as_str().unwrap().len() == 24);
    }

    #[test]
    fn the_page_shows_the_link_which_always_takes_part_payments() {
        let (app, id) = sandbox();
        pay(&app, &id, Some(4000));
        let page = Pinelabs.page(&mut app.lock(), NAME, &id).unwrap();
        assert_eq!((page.provider, page.id.as_str()), ("Pine Labs Online", id.as_str()));
        assert_eq!((page.currency.as_str(), page.amount, page.paid), ("INR", 10000, 4000));
        assert_eq!((page.status.as_str(), page.open, page.partial_minimum), ("PARTIAL_PROCESSED", true, Some(0)));
        assert!(Pinelabs.page(&mut app.lock(), NAME, "pl-v1-nope").is_err());
        let past = Utc::now() - chrono::Duration::seconds(1);
        app.lock().of::<Store>().links.get(&id).unwrap().expire_by = past;
        let page = Pinelabs.page(&mut app.lock(), NAME, &id).unwrap();
        assert_eq!((page.status.as_str(), page.open, page.expires_at), ("EXPIRED", false, Some(past)));
    }

    #[test]
    fn a_failed_attempt_queues_payment_failed_with_the_order_attempted_and_the_link_open() {
        let (app, id) = sandbox();
        pay(&app, &id, Some(4000));
        drain(&app);
        let failed =
            Pinelabs.pay(&mut app.lock(), NAME, &id, &PayRequest { failed: true, ..PayRequest::default() }).unwrap();
        assert_eq!(
            (&failed.link["status"], &failed.link["amount_due"]["value"]),
            (&json!("PARTIAL_PROCESSED"), &json!(6000))
        );
        let events = drain(&app);
        assert_eq!(events.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["PAYMENT_FAILED"]);
        let event = received(&app, &events[0]).event;
        assert_eq!(event.event_type, EventType::KnownEventType(KnownEventType::PaymentFailed));
        assert_eq!(event.data.status, Some(OrderStatus::KnownOrderStatus(KnownOrderStatus::Attempted)));
        let payments = event.data.payments.unwrap();
        let last = payments.last().unwrap();
        assert_eq!(last.status.as_ref().map(ToString::to_string).as_deref(), Some("FAILED"));
        assert_eq!(last.payment_amount.as_ref().map(|a| a.value), Some(6000), "an attempt of what is due");
        let error = last.error_detail.as_ref().unwrap();
        assert_eq!((error.code.as_deref(), error.message.as_deref()), (Some(FAILURE.0), Some(FAILURE.1)));
        assert!(last.id.as_deref().unwrap().ends_with("-cc-b"), "{:?}", last.id);
        // The link is still open: the rest can be paid, and the paid event lists every payment.
        let full = pay(&app, &id, None);
        assert_eq!(full["status"], "PROCESSED");
        let paid = received(&app, &drain(&app)[0]).event;
        assert_eq!(paid.data.payments.map(|p| p.len()), Some(3));
        let refused = Pinelabs.pay(&mut app.lock(), NAME, &id, &PayRequest { failed: true, ..PayRequest::default() });
        assert!(refused.is_err(), "a paid link takes no attempt");
    }

    #[test]
    fn the_callback_form_goes_to_callback_url_or_the_failure_url_signed_as_documented() {
        use paylinks_pinelabs::redirect::{Callback, CallbackError, verify_callback};
        let (app, id) = sandbox();
        let form = |paid: &Paid| match paid.redirect.clone() {
            Some(Redirect::PostForm { url, fields }) => (url, fields),
            other => panic!("a POSTed form, not {other:?}"),
        };
        let order_id = pay(&app, &id, Some(4000))["order_id"].as_str().unwrap().to_owned();
        let failed =
            Pinelabs.pay(&mut app.lock(), NAME, &id, &PayRequest { failed: true, ..PayRequest::default() }).unwrap();
        let (url, fields) = form(&failed);
        assert_eq!(url, "https://shop.example/thanks", "no failure_callback_url: callback_url");
        let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["order_id", "status", "error_code", "error_message", "signature"]);
        let error = Some(CallbackError { code: FAILURE.0.into(), message: FAILURE.1.into() });
        assert_eq!(
            verify_callback(DEFAULT_CALLBACK_SECRET, fields.clone()),
            Ok(Callback { order_id: order_id.clone(), status: "FAILED".into(), error })
        );
        assert!(verify_callback("00ff", fields).is_err(), "another key refuses it");
        let paid = Pinelabs.pay(&mut app.lock(), NAME, &id, &PayRequest::default()).unwrap();
        let (url, fields) = form(&paid);
        assert_eq!(url, "https://shop.example/thanks");
        assert_eq!(verify_callback(DEFAULT_CALLBACK_SECRET, fields).unwrap().status, "PROCESSED");

        // A failure URL takes the failures; no URL, no redirect; the configured secret signs.
        let mut config = SandboxConfig::default();
        config.set(NAME, "callback_secret", "00112233445566778899aabbccddeeff").unwrap();
        let app = Arc::new(AppState::new(config));
        let request = json!({"amount": {"value": 10000, "currency": "INR"}, "merchant_payment_link_reference": "r-2",
            "callback_url": "https://shop.example/ok", "failure_callback_url": "https://shop.example/failed"});
        let link = create_link(&app, request.as_object().unwrap()).unwrap_or_else(|f| panic!("{}", f.message));
        let id = link["payment_link_id"].as_str().unwrap();
        let failed =
            Pinelabs.pay(&mut app.lock(), NAME, id, &PayRequest { failed: true, ..PayRequest::default() }).unwrap();
        let (url, fields) = form(&failed);
        assert_eq!(url, "https://shop.example/failed");
        assert!(verify_callback("00112233445566778899aabbccddeeff", fields).is_ok());
        for (reference, callback) in [("r-3", None), ("r-4", Some("not a url"))] {
            let mut request =
                json!({"amount": {"value": 10000, "currency": "INR"}, "merchant_payment_link_reference": reference});
            if let Some(url) = callback {
                request["callback_url"] = json!(url);
            }
            let link = create_link(&app, request.as_object().unwrap()).unwrap_or_else(|f| panic!("{}", f.message));
            assert_eq!(pay_answer(&app, link["payment_link_id"].as_str().unwrap()).redirect, None, "{callback:?}");
        }
    }

    #[test]
    fn more_than_due_is_refused_in_pine_labs_words_and_a_bad_callback_secret_refuses_before_paying() {
        let (app, id) = sandbox();
        let refused =
            Pinelabs.pay(&mut app.lock(), NAME, &id, &PayRequest { amount: Some(10001), ..PayRequest::default() });
        assert_eq!(
            refused.unwrap_err().message(),
            "The transaction was declined because the specified amount ₹100.01 exceeds the ₹100.00 due on this payment link."
        );
        app.lock().of::<Store>().callback_secret = Some("zz-secret-zz".into());
        let refused = Pinelabs.pay(&mut app.lock(), NAME, &id, &PayRequest::default()).unwrap_err();
        let message = refused.message();
        assert!(message.contains("callback_secret") && !message.contains("zz-secret-zz"), "{message}");
        assert_eq!(app.lock().of::<Store>().links.get(&id).unwrap().amount_paid, 0, "nothing was paid");
        assert!(drain(&app).is_empty());
    }

    fn pay_answer(app: &AppState, id: &str) -> Paid {
        Pinelabs.pay(&mut app.lock(), NAME, id, &PayRequest::default()).unwrap()
    }

    #[test]
    fn cancel_and_expiry_queue_their_order_events() {
        let (app, id) = sandbox();
        let response = tokio::runtime::Runtime::new().unwrap().block_on(cancel(State(app.clone()), Path(id.clone())));
        assert_eq!(response.status(), StatusCode::OK);
        let events = drain(&app);
        assert_eq!(events.len(), 1);
        let cancelled = received(&app, &events[0]);
        assert_eq!(cancelled.event.event_type, EventType::KnownEventType(KnownEventType::OrderCancelled));
        assert_eq!(cancelled.event.data.status, Some(OrderStatus::KnownOrderStatus(KnownOrderStatus::Cancelled)));
        assert_eq!(cancelled.event.data.payments.as_deref(), Some(&[][..]));
        // A refused cancel sends nothing.
        let again = tokio::runtime::Runtime::new().unwrap().block_on(cancel(State(app.clone()), Path(id)));
        assert_eq!(again.status(), StatusCode::BAD_REQUEST);
        assert!(drain(&app).is_empty());

        let (app, id) = sandbox();
        let expired = Pinelabs.expire(&mut app.lock(), NAME, &id).unwrap();
        assert_eq!(expired["status"], "EXPIRED");
        let events = drain(&app);
        assert_eq!(events.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["ORDER_FAILED"]);
        let failed = received(&app, &events[0]);
        assert_eq!(failed.event.data.status, Some(OrderStatus::KnownOrderStatus(KnownOrderStatus::Failed)));
        assert!(Pinelabs.expire(&mut app.lock(), NAME, &id).is_err());
        assert!(drain(&app).is_empty(), "an expired link expires once");
    }

    #[test]
    fn deliveries_are_signed_with_the_configured_secret_at_each_attempt() {
        let (app, id) = sandbox();
        pay(&app, &id, None);
        let event = drain(&app).remove(0);
        let mut config = SandboxConfig::default();
        config.set(NAME, "webhook_secret", "whsec_paylinks_test_sandbox").unwrap();
        let now = Utc::now();
        let headers = Pinelabs.sign_webhook(&config, &event, now);
        assert!(Verifier::new("whsec_paylinks_test_sandbox").verify_at(&headers, &event.body, now).is_ok());
        assert!(matches!(
            Verifier::new(DEFAULT_WEBHOOK_SECRET).verify_at(&headers, &event.body, now),
            Err(webhook::WebhookError::SignatureMismatch { .. })
        ));
        // A later attempt carries its own time and signature, same id and body.
        let later = now + chrono::Duration::seconds(90);
        let retried = Pinelabs.sign_webhook(&config, &event, later);
        assert_eq!(retried[webhook::ID_HEADER], headers[webhook::ID_HEADER]);
        assert_ne!(retried[webhook::SIGNATURE_HEADER], headers[webhook::SIGNATURE_HEADER]);
        let verifier = Verifier::new("whsec_paylinks_test_sandbox").with_tolerance(Duration::from_secs(60));
        assert!(verifier.verify_at(&retried, &event.body, later).is_ok());
        assert!(verifier.verify_at(&headers, &event.body, later).is_err(), "the first attempt is stale by then");
    }
}
