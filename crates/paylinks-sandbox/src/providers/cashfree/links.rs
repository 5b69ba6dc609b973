//! Cashfree links and their orders: the state, and `POST /links`, `GET /links/{link_id}`,
//! `POST /links/{link_id}/cancel`, `GET /links/{link_id}/orders`. Requests decode into the
//! generated `CreateLinkRequest`; answers are the generated `LinkEntity` and
//! `PaymentLinkOrderEntity`. Amounts are exact minor units of the link's currency inside
//! (ISO 4217 exponent: INR 2, JPY 0, KWD 3) and major units on the wire.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{DateTime, FixedOffset, SubsecRound, Utc};
use iso_currency::Currency;
use paylinks_cashfree::types::{
    BankAccountNumber, CfLinkId, CfOrderId, CreateLinkRequest, KnownCashfreeErrorType, KnownLinkStatus,
    KnownOrderStatus, LinkCustomerDetails, LinkEntity, LinkMeta, LinkNotify, LinkOrdersStatusFilter,
    PaymentLinkCustomerDetails, PaymentLinkOrderEntity, VendorSplit,
};
use paylinks_core::{AmountError, DecimalAmount, Timestamp};
use serde_json::{Map, Value};

use super::errors::{
    Failure, RATE_LIMIT, bad_body, bad_request, error, fail, invalid, link_not_found, missing, to_response, undecodable,
};
use crate::body::{self, QueryMap, header_text};
use crate::ids::{alnum, lower_alnum};
use crate::links::{Links, StoredLink};
use crate::payment::{ControlError, settle_payment};
use crate::state::AppState;

/// The control API's name of Cashfree links, also the provider's name.
pub(super) const LINK_API: &str = "cashfree";
/// Default lifetime of a link (30 days, as documented).
const DEFAULT_EXPIRY_DAYS: i64 = 30;
/// At most this many `link_notes`, as documented.
const MAX_NOTES: usize = 5;
/// Amounts beyond 15 significant digits cannot be written as JSON numbers exactly
/// (`DecimalAmount` refuses them), so the sandbox refuses them on create.
const MAX_MINOR: i64 = 999_999_999_999_999;
/// India Standard Time, the offset Cashfree writes its timestamps in (`+05:30`).
const IST: FixedOffset = match FixedOffset::east_opt(5 * 3600 + 30 * 60) {
    Some(offset) => offset,
    None => panic!("+05:30 is a valid offset"),
};

/// A time as Cashfree writes it: `2021-09-30T17:05:01+05:30` (whole seconds, IST).
fn wire_time(at: DateTime<Utc>) -> paylinks_cashfree::Timestamp {
    Timestamp::from(at.trunc_subsecs(0).with_timezone(&IST))
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

// ------------------------------------------------------------------------------ state

/// An order made through a link (one per payment attempt); amount in minor units.
#[derive(Debug, Clone)]
struct Order {
    cf_order_id: u64,
    order_id: String,
    amount: i64,
    paid: bool,
    session_id: String,
    created_at: DateTime<Utc>,
    expiry: DateTime<Utc>,
}

/// A Cashfree payment link: the create request as decoded, and what happened since.
/// Amounts in minor units of `currency`.
#[derive(Debug, Clone)]
struct Link {
    cf_link_id: u64,
    link_id: String,
    status: KnownLinkStatus,
    currency: Currency,
    exponent: u32,
    amount: i64,
    amount_paid: i64,
    partial: bool,
    minimum_partial: i64,
    created_at: DateTime<Utc>,
    expiry: DateTime<Utc>,
    url: String,
    qrcode: String,
    request: CreateLinkRequest,
    orders: Vec<Order>,
}

impl Link {
    /// Minor units as a major-unit amount of the link's currency (`10050` INR is `100.5`).
    fn major(&self, minor: i64) -> Option<DecimalAmount> {
        DecimalAmount::from_minor(minor, self.exponent).ok()
    }

    /// Adds an order of `amount` (paid, or a failed attempt), numbered `next_cf_order_id`,
    /// which moves on.
    fn add_order(&mut self, next_cf_order_id: &mut u64, amount: i64, paid: bool) {
        self.orders.push(Order {
            cf_order_id: *next_cf_order_id,
            order_id: new_order_id(),
            amount,
            paid,
            session_id: new_session_id(),
            created_at: Utc::now(),
            expiry: self.expiry,
        });
        *next_cf_order_id += 1;
    }

    /// The link as the API shows it.
    fn entity(&self) -> LinkEntity {
        let request = &self.request;
        let customer = &request.customer_details;
        let meta = request.link_meta.clone().unwrap_or_default();
        let notify = request.link_notify.clone().unwrap_or_default();
        LinkEntity {
            entity: Some("link".to_owned()),
            cf_link_id: Some(CfLinkId::String(self.cf_link_id.to_string())),
            customer_details: Some(LinkCustomerDetails {
                country_code: None,
                customer_bank_account_number: customer
                    .customer_bank_account_number
                    .clone()
                    .map(BankAccountNumber::String),
                customer_bank_acoount_holder_name: customer.customer_bank_acoount_holder_name.clone(),
                customer_bank_code: customer.customer_bank_code.as_ref().map(|code| f64::from(**code)),
                customer_bank_ifsc: customer.customer_bank_ifsc.clone(),
                customer_email: customer.customer_email.clone(),
                customer_name: customer.customer_name.clone(),
                customer_phone: Some(customer.customer_phone.clone()),
            }),
            enable_invoice: Some(request.enable_invoice.unwrap_or(false)),
            link_amount: self.major(self.amount),
            link_amount_paid: self.major(self.amount_paid),
            link_auto_reminders: Some(request.link_auto_reminders.unwrap_or(false)),
            link_created_at: Some(wire_time(self.created_at)),
            link_currency: Some(self.currency.code().to_owned()),
            link_expiry_time: Some(wire_time(self.expiry)),
            link_id: Some(self.link_id.clone()),
            link_meta: Some(LinkMeta {
                notify_url: meta.notify_url,
                payment_methods: meta.payment_methods,
                return_url: meta.return_url.map(String::from),
                upi_intent: Some(super::version::upi_intent(meta.upi_intent.as_ref())),
            }),
            link_minimum_partial_amount: self.major(self.minimum_partial),
            link_notes: Some(request.link_notes.clone()).filter(|notes| !notes.is_empty()),
            link_notify: Some(LinkNotify {
                send_email: Some(notify.send_email.unwrap_or(false)),
                send_sms: Some(notify.send_sms.unwrap_or(false)),
            }),
            link_partial_payments: Some(self.partial),
            link_purpose: Some(request.link_purpose.as_ref().map(|p| p.to_string()).unwrap_or_default()),
            link_qrcode: Some(self.qrcode.clone()),
            link_status: Some(self.status.into()),
            link_url: Some(self.url.clone()),
            order_splits: Some(
                request
                    .order_splits
                    .iter()
                    .map(|split| VendorSplit {
                        amount: split.amount,
                        percentage: split.percentage,
                        tags: Some(split.tags.clone()).filter(|tags| !tags.is_empty()),
                        vendor_id: Some(split.vendor_id.clone()),
                    })
                    .collect::<Vec<_>>(),
            )
            .filter(|splits| !splits.is_empty()),
            subscription: request.subscription.as_ref().map(super::version::subscription),
            terms_and_conditions: Some(String::new()),
            thank_you_msg: Some(String::new()),
        }
    }

    /// An order as `GET /links/{link_id}/orders` shows it.
    fn order_entity(&self, order: &Order) -> PaymentLinkOrderEntity {
        let customer = &self.request.customer_details;
        let meta = self.request.link_meta.clone().unwrap_or_default();
        let mut order_meta = Map::new();
        let meta_members = [
            ("return_url", meta.return_url.map(String::from)),
            ("notify_url", meta.notify_url),
            ("payment_methods", meta.payment_methods),
        ];
        for (key, value) in meta_members {
            if let Some(value) = value {
                order_meta.insert(key.into(), Value::String(value));
            }
        }
        let entity = self.entity();
        PaymentLinkOrderEntity {
            cf_order_id: Some(CfOrderId::String(order.cf_order_id.to_string())),
            created_at: Some(wire_time(order.created_at)),
            customer_details: Some(PaymentLinkCustomerDetails {
                customer_email: customer.customer_email.clone(),
                customer_id: Some(format!("link_{}", self.cf_link_id)),
                customer_name: customer.customer_name.clone(),
                customer_phone: Some(customer.customer_phone.clone()),
                ..PaymentLinkCustomerDetails::default()
            }),
            entity: Some("order".into()),
            link_id: Some(self.link_id.clone()),
            order_amount: self.major(order.amount),
            order_currency: Some(self.currency.code().to_owned()),
            order_expiry_time: Some(wire_time(order.expiry)),
            order_id: Some(order.order_id.clone()),
            order_meta: Some(order_meta).filter(|meta| !meta.is_empty()),
            order_note: Some(format!("payment_link_{}", self.cf_link_id)),
            order_splits: entity.order_splits,
            order_status: Some(if order.paid { KnownOrderStatus::Paid } else { KnownOrderStatus::Active }.into()),
            payment_session_id: Some(order.session_id.clone()),
            ..PaymentLinkOrderEntity::default()
        }
    }
}

impl StoredLink for Link {
    const FAMILY: &'static str = LINK_API;

    fn status_name(&self) -> String {
        self.status.to_string()
    }

    fn is_open(&self) -> bool {
        matches!(self.status, KnownLinkStatus::Active | KnownLinkStatus::PartiallyPaid)
    }

    fn expires_at(&self) -> Option<DateTime<Utc>> {
        Some(self.expiry)
    }

    /// `EXPIRED` as of `at`, which becomes `link_expiry_time` (already is, when the link
    /// expires by itself).
    fn mark_expired(&mut self, at: DateTime<Utc>) {
        self.status = KnownLinkStatus::Expired;
        self.expiry = at;
    }

    fn to_json(&self) -> Value {
        serde_json::to_value(self.entity()).unwrap_or_default()
    }
}

/// A stored response for `x-idempotency-key` replays.
#[derive(Debug, Clone)]
pub(super) struct Replay {
    pub(super) fingerprint: String,
    pub(super) status: StatusCode,
    pub(super) body: Value,
}

/// Cashfree's part of the sandbox state.
#[derive(Debug)]
pub(super) struct Store {
    links: Links<Link>,
    next_cf_link_id: u64,
    next_cf_order_id: u64,
    pub(super) idempotency: HashMap<String, Replay>,
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
    /// Control API: every link, oldest first.
    pub(super) fn all_links(&mut self) -> Vec<Value> {
        self.links.all_json()
    }

    /// Control API: a customer pays `amount` minor units (default: everything still due).
    pub(super) fn pay(&mut self, link_id: &str, amount: Option<i64>) -> Result<Value, ControlError> {
        let link = self.links.open(link_id, "be paid")?;
        let minimum_first = if link.amount_paid == 0 { link.minimum_partial } else { 0 };
        let amount = settle_payment(link.amount - link.amount_paid, amount, link.partial, minimum_first)?;
        link.amount_paid += amount;
        link.status =
            if link.amount_paid >= link.amount { KnownLinkStatus::Paid } else { KnownLinkStatus::PartiallyPaid };
        link.add_order(&mut self.next_cf_order_id, amount, true);
        Ok(link.to_json())
    }

    /// Control API: a payment attempt fails; the link keeps its state and gains an `ACTIVE`
    /// (unpaid) order, listed by `GET /links/{link_id}/orders?status=ALL` only.
    pub(super) fn fail_payment(&mut self, link_id: &str) -> Result<Value, ControlError> {
        let link = self.links.open(link_id, "be paid")?;
        link.add_order(&mut self.next_cf_order_id, link.amount - link.amount_paid, false);
        Ok(link.to_json())
    }

    /// Control API: the link expires now.
    pub(super) fn expire(&mut self, link_id: &str) -> Result<Value, ControlError> {
        self.links.expire(link_id)
    }

    /// Counts a request in the one-minute window; returns the requests left in it.
    pub(super) fn count_request(&mut self) -> usize {
        let now = Instant::now();
        while self.recent_requests.front().is_some_and(|t| now.duration_since(*t) > Duration::from_secs(60)) {
            self.recent_requests.pop_front();
        }
        self.recent_requests.push_back(now);
        RATE_LIMIT.saturating_sub(self.recent_requests.len())
    }
}

// ------------------------------------------------------------------------------ idempotency

/// Runs `handle` once per `x-idempotency-key`: a retry with the same key and the same request
/// replays the first status and body with `x-idempotency-replayed: true`; the same key with
/// another request is a 422 `idempotency_error`; a key that is not visible ASCII text is a
/// 400 `x-idempotency-key_invalid`.
fn idempotent(
    app: &AppState,
    headers: &HeaderMap,
    fingerprint: String,
    handle: impl FnOnce(&mut Store) -> Result<Value, Failure>,
) -> Response {
    // A key that is not text cannot be matched or echoed: refused, not treated as absent
    // (which would create a second link on a retry).
    if headers.get("x-idempotency-key").is_some_and(|key| key.to_str().is_err()) {
        return to_response(invalid("x-idempotency-key", "must be visible ASCII text"));
    }
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
                KnownCashfreeErrorType::IdempotencyError,
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

// ------------------------------------------------------------------------------ create

/// An amount field in exact minor units of a currency with `exponent` decimals.
fn minor_units(field: &str, amount: DecimalAmount, exponent: u32) -> Result<i64, Failure> {
    match amount.to_minor(exponent) {
        Ok(minor) if (0..=MAX_MINOR).contains(&minor) => Ok(minor),
        Ok(_) | Err(AmountError::Overflow(_)) => Err(invalid(field, "amount is out of range")),
        Err(_) => Err(invalid(field, &format!("amount can have at most {exponent} decimal places"))),
    }
}

/// Checks what the spec cannot say about a decoded create request (currency, exact amounts
/// in the currency's minor unit, the minimum partial payment, the expiry time, at most five
/// notes, a non-blank phone) and builds the link.
fn new_link(request: CreateLinkRequest, cf_link_id: u64) -> Result<Link, Failure> {
    let (currency, exponent) = Currency::from_code(&request.link_currency)
        .and_then(|currency| currency.exponent().map(|exponent| (currency, u32::from(exponent))))
        .ok_or_else(|| invalid("link_currency", "should be a 3-letter ISO 4217 currency code such as INR"))?;
    let amount = minor_units("link_amount", request.link_amount, exponent)?;
    let one = 10_i64.pow(exponent);
    if amount < one {
        let one = DecimalAmount::from_minor(one, exponent).map(|a| a.to_string()).unwrap_or_default();
        return Err(invalid("link_amount", &format!("link_amount should be at least {one}")));
    }
    if request.customer_details.customer_phone.trim().is_empty() {
        return Err(missing("customer_details.customer_phone"));
    }
    let partial = request.link_partial_payments.unwrap_or(false);
    let minimum_partial = match request.link_minimum_partial_amount {
        Some(minimum) => minor_units("link_minimum_partial_amount", minimum, exponent)?,
        None => 0,
    };
    if partial && minimum_partial >= amount {
        return Err(invalid(
            "link_minimum_partial_amount",
            "link_minimum_partial_amount should be less than link_amount",
        ));
    }
    let now = Utc::now();
    let expiry = match &request.link_expiry_time {
        None => now + chrono::Duration::days(DEFAULT_EXPIRY_DAYS),
        Some(at) if at.to_utc() > now => at.to_utc(),
        Some(_) => return Err(invalid("link_expiry_time", "link_expiry_time should be in the future")),
    };
    if request.link_notes.len() > MAX_NOTES {
        return Err(invalid("link_notes", "at most 5 key-value pairs are allowed"));
    }
    let url = link_url();
    Ok(Link {
        cf_link_id,
        link_id: request.link_id.as_ref().map_or_else(new_link_id, |id| id.to_string()),
        status: KnownLinkStatus::Active,
        currency,
        exponent,
        amount,
        amount_paid: 0,
        partial,
        minimum_partial: if partial { minimum_partial } else { 0 },
        created_at: now,
        expiry,
        qrcode: crate::qr::data_url(&url).unwrap_or_default(),
        url,
        request,
        orders: Vec::new(),
    })
}

/// A `link_expiry_time` without an offset (`2021-10-14T15:04:05`) is read in IST, as the
/// sandbox always has (the generated type, like `paylinks_core::Timestamp`, wants an offset).
fn read_naive_expiry_in_ist(request: &mut Map<String, Value>) {
    if let Some(Value::String(text)) = request.get_mut("link_expiry_time")
        && text.parse::<Timestamp>().is_err()
        && let Ok(at) = paylinks_core::parse_naive_in(text, IST)
    {
        *text = at.to_string();
    }
}

/// `POST /links`.
pub(super) async fn create(State(app): State<Arc<AppState>>, headers: HeaderMap, bytes: Bytes) -> Response {
    let request = body::object(&bytes);
    let fingerprint = match &request {
        Ok(map) => format!("POST /links {}", Value::Object(map.clone())),
        Err(_) => format!("POST /links {}", String::from_utf8_lossy(&bytes)),
    };
    idempotent(&app, &headers, fingerprint, move |store| {
        let mut request = request.map_err(|e| bad_body(&e))?;
        read_naive_expiry_in_ist(&mut request);
        let request: CreateLinkRequest = body::decode(&request).map_err(|e| undecodable(&e))?;
        let link = new_link(request, store.next_cf_link_id)?;
        if store.links.contains(&link.link_id) {
            return Err(fail(
                StatusCode::CONFLICT,
                format!("link_id : a link with id {} already exists", link.link_id),
                "link_post_failed",
                KnownCashfreeErrorType::InvalidRequestError,
            ));
        }
        store.next_cf_link_id += 1;
        Ok(store.links.insert(link.link_id.clone(), link))
    })
}

// ------------------------------------------------------------------------------ other handlers

/// `GET /links/{link_id}`.
pub(super) async fn fetch(State(app): State<Arc<AppState>>, Path(link_id): Path<String>) -> Response {
    let mut stores = app.lock();
    match stores.of::<Store>().links.get(&link_id) {
        Some(link) => body::json(StatusCode::OK, &link.to_json()),
        None => to_response(link_not_found(&link_id)),
    }
}

/// `POST /links/{link_id}/cancel`: only an `ACTIVE` link can be cancelled.
pub(super) async fn cancel(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(link_id): Path<String>,
) -> Response {
    let fingerprint = format!("POST /links/{link_id}/cancel");
    idempotent(&app, &headers, fingerprint, |store| {
        let link = store.links.get(&link_id).ok_or_else(|| link_not_found(&link_id))?;
        if link.status != KnownLinkStatus::Active {
            return Err(fail(
                StatusCode::BAD_REQUEST,
                format!("link_id : only a link in ACTIVE status can be cancelled, link {link_id} is {}", link.status),
                "link_cancel_failed",
                KnownCashfreeErrorType::InvalidRequestError,
            ));
        }
        link.status = KnownLinkStatus::Cancelled;
        Ok(link.to_json())
    })
}

/// `GET /links/{link_id}/orders?status=PAID|ALL` (default `PAID`).
pub(super) async fn orders(State(app): State<Arc<AppState>>, Path(link_id): Path<String>, query: QueryMap) -> Response {
    let Ok(Query(query)) = query else {
        return bad_request("request_failed", "query string is malformed");
    };
    let filter = match query.get("status").map(|status| status.parse::<LinkOrdersStatusFilter>()) {
        None => LinkOrdersStatusFilter::Paid,
        Some(Ok(filter)) => filter,
        Some(Err(_)) => return bad_request("status_invalid", "status : should be PAID or ALL"),
    };
    let mut stores = app.lock();
    let Some(link) = stores.of::<Store>().links.get(&link_id) else {
        return to_response(link_not_found(&link_id));
    };
    let orders: Vec<PaymentLinkOrderEntity> = link
        .orders
        .iter()
        .filter(|order| filter == LinkOrdersStatusFilter::All || order.paid)
        .map(|order| link.order_entity(order))
        .collect();
    body::json(StatusCode::OK, &serde_json::to_value(orders).unwrap_or_default())
}
