//! Cashfree links and their orders: the state, and `POST /links`, `GET /links/{link_id}`,
//! `POST /links/{link_id}/cancel`, `GET /links/{link_id}/orders`. Requests decode into the
//! generated `CreateLinkRequest`; answers are the generated `LinkEntity` and
//! `PaymentLinkOrderEntity`. Amounts are exact minor units of the link's currency inside
//! (ISO 4217 exponent: INR 2, JPY 0, KWD 3) and major units on the wire.
//!
//! Webhooks: when a link is paid (in full or in part), cancelled or expires (by the control
//! API, or by itself, noticed the next time it is read), the store queues Cashfree's
//! `PAYMENT_LINK_EVENT` ([`Link::event`]; an expiry through the shared store,
//! `StoredLink::expired_event`), delivered after the request (`ProviderStore::take_events`).
//! A failed payment attempt queues nothing: Cashfree documents no link event for one.

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
    KnownOrderStatus, KnownTransactionStatus, LinkCustomerDetails, LinkEntity, LinkMeta, LinkNotify,
    LinkOrdersStatusFilter, PaymentLinkCustomerDetails, PaymentLinkEvent, PaymentLinkEventData, PaymentLinkEventOrder,
    PaymentLinkOrderEntity, TransactionId, VendorSplit, WebhookVersion,
};
use paylinks_core::{AmountError, DecimalAmount, Timestamp};
use serde_json::{Map, Value};

use super::errors::{
    Failure, RATE_LIMIT, bad_body, bad_request, error, fail, invalid, link_not_found, missing, to_response, undecodable,
};
use crate::body::{self, QueryMap, header_text};
use crate::ids::{alnum, lower_alnum};
use crate::links::{Links, StoredLink};
use crate::page::PageLink;
use crate::payment::{ControlError, Paid, Redirect, Refusals, Terms, settle_payment};
use crate::state::{AppState, ProviderStore};
use crate::webhooks::WebhookEvent;

/// The control API's name of Cashfree links, also the provider's name.
pub(super) const LINK_API: &str = "cashfree";
/// The product the payment page names.
const PRODUCT: &str = "Cashfree Payments";
/// Cashfree's words for a payment a link will not take, after its API reference's
/// descriptions of `link_partial_payments` ("If \"true\", customer can make partial payments
/// for the link.") and `link_minimum_partial_amount` ("Minimum amount in first installment
/// that needs to be paid by the customer if partial payments are enabled.")
/// (<https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/create>).
/// Cashfree documents no words for more than is due: the sandbox's.
const REFUSALS: Refusals = Refusals {
    more_than_due: |amount, due| format!("The amount {amount} is more than the {due} due on this link."),
    no_part_payments: |due| {
        format!(
            "Customer can make partial payments for the link only if link_partial_payments is \"true\"; it is not: pay the full {due}."
        )
    },
    below_minimum: |amount, minimum| {
        format!(
            "{amount} is less than the minimum amount in first installment that needs to be paid by the customer ({minimum}, link_minimum_partial_amount)."
        )
    },
};
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

/// A time as Cashfree's link webhook writes the link's and the order's times: without an
/// offset, in India time (`2021-08-18T07:13:41`).
fn webhook_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&IST).format("%Y-%m-%dT%H:%M:%S").to_string()
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
    /// The id of its (one) transaction, an integer as in the webhook example (`1021206`).
    transaction_id: i64,
    /// The `order_hash` of the webhook (`Gb2gC7z0tILhGbZUIeds`).
    hash: String,
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
    /// What it takes now: what is due, in parts if `link_partial_payments`, the first at
    /// least `link_minimum_partial_amount`.
    fn terms(&self) -> Terms<'_> {
        Terms {
            due: self.amount - self.amount_paid,
            currency: self.currency.code(),
            partial_allowed: self.partial,
            minimum_first: if self.amount_paid == 0 { self.minimum_partial } else { 0 },
        }
    }

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
            transaction_id: fastrand::i64(1_000_000..10_000_000_000),
            hash: alnum(20),
        });
        *next_cf_order_id += 1;
    }

    /// Cashfree's `PAYMENT_LINK_EVENT` for the link as it is now, about `order` (the payment
    /// of a PAID / PARTIALLY_PAID event; none for CANCELLED and EXPIRED), happened `at`.
    ///
    /// Built from the generated `PaymentLinkEvent`, then written as Cashfree writes the event
    /// (<https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/webhooks>):
    /// the amounts as strings with the currency's decimals (`"200.12"`, `"55.00"`), the link's
    /// and the order's times without an offset in India time (`"2021-08-18T07:13:41"`),
    /// `event_time` with its offset. The id is `paylinks_cashfree::webhook::event_id`'s.
    fn event(&self, order: Option<&Order>, at: DateTime<Utc>) -> WebhookEvent {
        let entity = self.entity();
        let notify_url = self.request.link_meta.as_ref().and_then(|meta| meta.notify_url.clone());
        let event = PaymentLinkEvent {
            type_: paylinks_cashfree::webhook::PAYMENT_LINK_EVENT.to_owned(),
            version: Some(WebhookVersion::Integer(1)),
            event_time: wire_time(at),
            data: PaymentLinkEventData {
                cf_link_id: Some(CfLinkId::Integer(i64::try_from(self.cf_link_id).unwrap_or(i64::MAX))),
                link_id: entity.link_id,
                link_status: entity.link_status,
                link_currency: entity.link_currency,
                link_amount: entity.link_amount,
                link_amount_paid: entity.link_amount_paid,
                link_partial_payments: entity.link_partial_payments,
                link_minimum_partial_amount: entity.link_minimum_partial_amount,
                link_purpose: entity.link_purpose,
                link_created_at: entity.link_created_at,
                customer_details: entity.customer_details.map(|customer| LinkCustomerDetails {
                    customer_phone: customer.customer_phone,
                    customer_email: customer.customer_email,
                    customer_name: customer.customer_name,
                    ..LinkCustomerDetails::default()
                }),
                link_meta: Some(LinkMeta { notify_url, ..LinkMeta::default() }),
                link_url: entity.link_url,
                link_expiry_time: entity.link_expiry_time,
                link_notes: Some(self.request.link_notes.clone()),
                link_auto_reminders: entity.link_auto_reminders,
                link_notify: entity.link_notify,
                order: order.map(|order| PaymentLinkEventOrder {
                    order_amount: self.major(order.amount),
                    order_id: Some(order.order_id.clone()),
                    order_expiry_time: Some(wire_time(order.expiry)),
                    order_hash: Some(order.hash.clone()),
                    transaction_id: Some(TransactionId::Integer(order.transaction_id)),
                    transaction_status: Some(KnownTransactionStatus::Success.into()),
                }),
            },
        };
        let id = paylinks_cashfree::webhook::event_id(&event);
        let mut body = serde_json::to_value(&event).unwrap_or_default();
        if let Some(data) = body.get_mut("data") {
            let amounts = [
                ("link_amount", self.amount),
                ("link_amount_paid", self.amount_paid),
                ("link_minimum_partial_amount", self.minimum_partial),
            ];
            for (field, minor) in amounts {
                data[field] = Value::String(self.major_text(minor));
            }
            data["link_created_at"] = Value::String(webhook_time(self.created_at));
            data["link_expiry_time"] = Value::String(webhook_time(self.expiry));
            if let (Some(order), Some(wire)) = (order, data.get_mut("order")) {
                wire["order_amount"] = Value::String(self.major_text(order.amount));
                wire["order_expiry_time"] = Value::String(webhook_time(order.expiry));
            }
        }
        let name = paylinks_cashfree::webhook::PAYMENT_LINK_EVENT.to_owned();
        WebhookEvent::new(LINK_API, id, name, serde_json::to_vec(&body).unwrap_or_default())
    }

    /// Minor units as Cashfree's webhook writes an amount: a string with the currency's
    /// decimals (`5500` INR is `"55.00"`).
    fn major_text(&self, minor: i64) -> String {
        self.major(minor).map(|amount| amount.to_string()).unwrap_or_default()
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
                customer_bank_code: customer.customer_bank_code.as_ref().map(|code| i64::from(**code)),
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

    /// The `EXPIRED` event, at `link_expiry_time`.
    fn expired_event(&self) -> Option<WebhookEvent> {
        (self.status == KnownLinkStatus::Expired).then(|| self.event(None, self.expiry))
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
    /// Webhook events of the changes made since they were last taken, oldest first.
    events: Vec<WebhookEvent>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            links: Links::default(),
            next_cf_link_id: 2_000_000 + fastrand::u64(..1_000_000),
            next_cf_order_id: 3_000_000_000 + fastrand::u64(..1_000_000_000),
            idempotency: HashMap::new(),
            recent_requests: VecDeque::new(),
            events: Vec::new(),
        }
    }
}

impl ProviderStore for Store {
    /// The expiries its links noticed, then the events of its changes.
    fn take_events(&mut self) -> Vec<WebhookEvent> {
        let mut events = self.links.take_events();
        events.append(&mut self.events);
        events
    }
}

impl Store {
    /// Control API: every link, oldest first (the `EXPIRED` events of those that expired by
    /// themselves queued).
    pub(super) fn all_links(&mut self) -> Vec<Value> {
        self.links.all_json()
    }

    /// Control API: a customer pays `amount` minor units (default: everything still due); the
    /// link becomes PAID or PARTIALLY_PAID and its event, with the new order, is queued. A link
    /// with `link_meta.return_url` sends the browser there (`GET`), `{order_id}` replaced with
    /// the new order's id ([`paylinks_cashfree::redirect::return_url`]); Cashfree adds no
    /// parameters and signs nothing.
    pub(super) fn pay(&mut self, link_id: &str, amount: Option<i64>) -> Result<Paid, ControlError> {
        let link = self.links.open(link_id, "be paid")?;
        let amount = settle_payment(&link.terms(), amount, &REFUSALS)?;
        link.amount_paid += amount;
        link.status =
            if link.amount_paid >= link.amount { KnownLinkStatus::Paid } else { KnownLinkStatus::PartiallyPaid };
        link.add_order(&mut self.next_cf_order_id, amount, true);
        let event = link.event(link.orders.last(), Utc::now());
        let return_url = link.request.link_meta.as_ref().and_then(|meta| meta.return_url.as_deref());
        // A return URL that is not an absolute web URL (Cashfree's create checks only its
        // length) sends the browser nowhere rather than somewhere broken.
        let redirect = return_url
            .zip(link.orders.last())
            .map(|(url, order)| paylinks_cashfree::redirect::return_url(url, &order.order_id))
            .filter(|url| url::Url::parse(url).is_ok_and(|url| matches!(url.scheme(), "http" | "https")))
            .map(Redirect::Get);
        let paid = Paid { link: link.to_json(), redirect };
        self.events.push(event);
        Ok(paid)
    }

    /// Control API: a payment attempt fails; the link keeps its state and gains an `ACTIVE`
    /// (unpaid) order, listed by `GET /links/{link_id}/orders?status=ALL` only. No event:
    /// Cashfree documents no link event for a failed attempt; no redirect: it documents
    /// `return_url` as where the customer goes after the payment, and the sandbox keeps the
    /// customer on the link's page to try again (unconfirmed).
    /// The attempt is of `amount` (default: everything still due), refused as a payment of it
    /// would be.
    pub(super) fn fail_payment(&mut self, link_id: &str, amount: Option<i64>) -> Result<Value, ControlError> {
        let link = self.links.open(link_id, "be paid")?;
        let amount = settle_payment(&link.terms(), amount, &REFUSALS)?;
        link.add_order(&mut self.next_cf_order_id, amount, false);
        Ok(link.to_json())
    }

    /// Payment page: link `link_id` as the page shows it (expired first if its time has
    /// passed, queuing its `EXPIRED` event then); `None` for an unknown link. Part payments
    /// as the link's `link_partial_payments` / `link_minimum_partial_amount` say.
    pub(super) fn page(&mut self, link_id: &str) -> Option<PageLink> {
        let link = self.links.get(link_id)?;
        Some(PageLink {
            provider: PRODUCT,
            id: link.link_id.clone(),
            description: link.request.link_purpose.as_ref().map(|p| p.to_string()).filter(|p| !p.is_empty()),
            currency: link.currency.code().to_owned(),
            amount: link.amount,
            paid: link.amount_paid,
            status: link.status.to_string(),
            open: link.is_open(),
            expires_at: Some(link.expiry),
            partial_minimum: link.partial.then_some(link.minimum_partial),
        })
    }

    /// Control API: the link expires now; its `EXPIRED` event is queued.
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
///
/// Its `link_url` (and the QR code of it) is the sandbox's payment page of the link,
/// [`AppState::page_url`] (`{public_url}/pay/cashfree/{link_id}`), where Cashfree's is
/// `https://payments.cashfree.com/links/<code>`.
fn new_link(app: &AppState, request: CreateLinkRequest, cf_link_id: u64) -> Result<Link, Failure> {
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
    // A split amount is written back in every answer: one that cannot be written exactly
    // (more than 15 significant digits) or that the currency cannot carry is refused here, as
    // the link's own amount is (found by the sandbox's fuzz test).
    for split in &request.order_splits {
        if let Some(amount) = split.amount {
            minor_units("order_splits.amount", amount, exponent)?;
        }
    }
    let link_id = request.link_id.as_ref().map_or_else(new_link_id, |id| id.to_string());
    let url = app.page_url(LINK_API, &link_id);
    Ok(Link {
        cf_link_id,
        link_id,
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
    let page_of = app.clone();
    idempotent(&app, &headers, fingerprint, move |store| {
        let mut request = request.map_err(|e| bad_body(&e))?;
        read_naive_expiry_in_ist(&mut request);
        let request: CreateLinkRequest = body::decode(&request).map_err(|e| undecodable(&e))?;
        let link = new_link(&page_of, request, store.next_cf_link_id)?;
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
        let event = link.event(None, Utc::now());
        let json = link.to_json();
        store.events.push(event);
        Ok(json)
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
    match stores.of::<Store>().links.get(&link_id) {
        None => to_response(link_not_found(&link_id)),
        Some(link) => {
            let orders: Vec<PaymentLinkOrderEntity> = link
                .orders
                .iter()
                .filter(|order| filter == LinkOrdersStatusFilter::All || order.paid)
                .map(|order| link.order_entity(order))
                .collect();
            body::json(StatusCode::OK, &serde_json::to_value(orders).unwrap_or_default())
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::extract::{Path, State};
    use paylinks_cashfree::types::LinkMetaRequest;
    use paylinks_cashfree::webhook::{Verifier, event_id};
    use serde_json::json;

    use super::*;
    use crate::config::SandboxConfig;
    use crate::payment::PayRequest;
    use crate::provider::Provider;

    /// The sandbox's default Cashfree client secret, which signs its webhooks.
    const SECRET: &str = "cf_sandbox_secret";
    const ID: &str = "order-1042";

    /// A sandbox with one ACTIVE link `order-1042` of ₹499.50 (partial payments from ₹100 when
    /// `partial`).
    fn app_with_link(partial: bool) -> Arc<AppState> {
        let app = Arc::new(AppState::new(SandboxConfig::default()));
        let request: CreateLinkRequest = serde_json::from_value(json!({
            "link_id": ID, "link_amount": 499.5, "link_currency": "INR", "link_purpose": "Order #1042",
            "link_partial_payments": partial, "link_minimum_partial_amount": if partial { 100 } else { 0 },
            "customer_details": {"customer_phone": "9999999999", "customer_name": "Asha Rao"},
            "link_meta": {"notify_url": "https://shop.example/cashfree/webhook", "return_url": "https://shop.example/thanks"},
            "link_notes": {"order": "1042"}
        }))
        .unwrap();
        let link = new_link(&app, request, 2_000_001).unwrap();
        app.lock().of::<Store>().links.insert(ID.to_owned(), link);
        app
    }

    /// Takes the events waiting for delivery.
    fn outbox(app: &AppState) -> Vec<WebhookEvent> {
        app.lock().take_outbox()
    }

    /// A control-API payment of `amount` paise (everything due when `None`).
    fn pay(app: &AppState, amount: Option<i64>, body: Value) -> Result<crate::payment::Paid, ControlError> {
        let body = body.as_object().cloned().unwrap_or_default();
        let failed = body.get("failed").and_then(Value::as_bool).unwrap_or(false);
        let request = PayRequest { amount, failed, body };
        super::super::Cashfree.pay(&mut app.lock(), LINK_API, ID, &request)
    }

    /// The event's body, once the crate's verifier accepted the headers the sandbox signs it
    /// with, and the verifier's id equal to the sandbox's.
    fn verified(app: &AppState, event: &WebhookEvent) -> Value {
        assert_eq!((event.provider, event.name.as_str()), ("cashfree", "PAYMENT_LINK_EVENT"));
        let now = Utc::now();
        let headers = super::super::Cashfree.sign_webhook(&app.config, event, now);
        assert_eq!(headers["x-webhook-timestamp"], now.timestamp_millis().to_string().as_str());
        assert_eq!(headers["content-type"], "application/json");
        let verified = Verifier::new(SECRET).verify_at(&headers, &event.body, now).unwrap();
        assert_eq!(verified.id, event.id);
        assert_eq!(event_id(&verified.event), event.id);
        assert!(Verifier::new("another secret").verify_at(&headers, &event.body, now).is_err());
        serde_json::from_slice(&event.body).unwrap()
    }

    /// `2021-08-18T07:13:41`: no offset, whole seconds.
    fn is_offset_less(value: &Value) -> bool {
        let text = value.as_str().unwrap_or_default();
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").is_ok()
    }

    #[test]
    fn a_full_payment_queues_a_paid_event_in_cashfrees_wire_form() {
        let app = app_with_link(false);
        assert!(outbox(&app).is_empty(), "creating a link sends nothing");
        pay(&app, None, json!({})).unwrap();
        let events = outbox(&app);
        assert_eq!(events.len(), 1);
        let body = verified(&app, &events[0]);
        let data = &body["data"];
        assert_eq!(body["type"], "PAYMENT_LINK_EVENT");
        assert_eq!(body["version"], 1);
        assert!(body["event_time"].as_str().unwrap().ends_with("+05:30"), "{body}");
        assert_eq!(data["link_id"], ID);
        assert_eq!(data["cf_link_id"], 2_000_001);
        assert_eq!(data["link_status"], "PAID");
        assert_eq!((&data["link_amount"], &data["link_amount_paid"]), (&json!("499.50"), &json!("499.50")));
        assert_eq!(data["link_minimum_partial_amount"], "0.00");
        assert!(is_offset_less(&data["link_created_at"]) && is_offset_less(&data["link_expiry_time"]), "{data}");
        assert_eq!(data["link_meta"], json!({"notify_url": "https://shop.example/cashfree/webhook"}));
        assert_eq!(data["customer_details"]["customer_name"], "Asha Rao");
        let order = &data["order"];
        assert_eq!((&order["order_amount"], &order["transaction_status"]), (&json!("499.50"), &json!("SUCCESS")));
        assert!(is_offset_less(&order["order_expiry_time"]), "{order}");
        assert!(order["transaction_id"].is_i64() && order["order_hash"].is_string(), "{order}");
        // The order is the one the orders endpoint lists.
        let mut stores = app.lock();
        let link = stores.of::<Store>().links.get(ID).unwrap();
        assert_eq!(order["order_id"], link.orders[0].order_id.as_str());
        let expected_id =
            format!("PAYMENT_LINK_EVENT:{ID}:PAID:{}:{}", link.orders[0].order_id, link.orders[0].transaction_id);
        assert_eq!(events[0].id, expected_id);
    }

    #[test]
    fn each_partial_payment_queues_its_own_event() {
        let app = app_with_link(true);
        pay(&app, Some(20000), json!({})).unwrap();
        pay(&app, None, json!({})).unwrap();
        let events = outbox(&app);
        assert_eq!(events.len(), 2);
        let first = verified(&app, &events[0]);
        let second = verified(&app, &events[1]);
        assert_eq!(first["data"]["link_status"], "PARTIALLY_PAID");
        assert_eq!(
            (&first["data"]["link_amount_paid"], &first["data"]["order"]["order_amount"]),
            (&json!("200.00"), &json!("200.00"))
        );
        assert_eq!(second["data"]["link_status"], "PAID");
        assert_eq!(
            (&second["data"]["link_amount_paid"], &second["data"]["order"]["order_amount"]),
            (&json!("499.50"), &json!("299.50"))
        );
        assert_ne!(events[0].id, events[1].id);
        assert_ne!(first["data"]["order"]["order_id"], second["data"]["order"]["order_id"]);
    }

    #[test]
    fn a_split_amount_that_cannot_be_written_back_is_refused() {
        let request = |amount: Value| -> CreateLinkRequest {
            serde_json::from_value(json!({
                "link_id": ID, "link_amount": 100, "link_currency": "INR",
                "customer_details": {"customer_phone": "9999999999"},
                "order_splits": [{"vendor_id": "Jane", "amount": amount}]
            }))
            .unwrap()
        };
        let app = AppState::new(SandboxConfig::default());
        assert!(new_link(&app, request(json!(1.45)), 1).is_ok());
        for amount in [json!(1_000_000_000_000_000_i64), json!(1.455)] {
            let (status, body) = new_link(&app, request(amount.clone()), 1).unwrap_err();
            assert_eq!(status, StatusCode::BAD_REQUEST, "{amount}");
            assert!(body["message"].as_str().unwrap().contains("order_splits.amount"), "{body}");
        }
    }

    #[test]
    fn the_page_shows_the_link_and_expires_it_when_its_time_has_passed() {
        let app = app_with_link(true);
        pay(&app, Some(20000), json!({})).unwrap();
        outbox(&app);
        let page = super::super::Cashfree.page(&mut app.lock(), LINK_API, ID).unwrap();
        assert_eq!((page.provider, page.id.as_str(), page.description.as_deref()), (PRODUCT, ID, Some("Order #1042")));
        assert_eq!((page.currency.as_str(), page.amount, page.paid), ("INR", 49950, 20000));
        assert_eq!((page.status.as_str(), page.open), ("PARTIALLY_PAID", true));
        assert_eq!(page.partial_minimum, Some(10000), "link_minimum_partial_amount, in paise");
        let full = app_with_link(false);
        assert_eq!(super::super::Cashfree.page(&mut full.lock(), LINK_API, ID).unwrap().partial_minimum, None);
        let missing = super::super::Cashfree.page(&mut app.lock(), LINK_API, "nope").unwrap_err();
        assert_eq!(Response::from(missing).status(), StatusCode::NOT_FOUND);

        let past = Utc::now() - chrono::Duration::minutes(1);
        app.lock().of::<Store>().links.get(ID).unwrap().expiry = past;
        let page = super::super::Cashfree.page(&mut app.lock(), LINK_API, ID).unwrap();
        assert_eq!((page.status.as_str(), page.open, page.expires_at), ("EXPIRED", false, Some(past)));
        assert_eq!(outbox(&app).len(), 1, "the expiry the page noticed is announced");
    }

    #[test]
    fn refusals_are_worded_after_cashfrees_field_descriptions() {
        let refused = |partial: bool, amount: i64| {
            let error = pay(&app_with_link(partial), Some(amount), json!({})).unwrap_err();
            assert_eq!(error.status(), StatusCode::BAD_REQUEST);
            error.message().to_owned()
        };
        let below = refused(true, 5000);
        assert!(below.contains("₹50.00 is less than the minimum amount in first installment"), "{below}");
        assert!(below.contains("(₹100.00, link_minimum_partial_amount)"), "{below}");
        let whole = refused(false, 5000);
        assert!(whole.contains("link_partial_payments") && whole.ends_with("pay the full ₹499.50."), "{whole}");
        let more = refused(true, 50_000);
        assert_eq!(more, "The amount ₹500.00 is more than the ₹499.50 due on this link.");
    }

    #[test]
    fn a_payment_returns_the_browser_to_return_url_with_the_order_id_put_in() {
        let app = app_with_link(true);
        let paid = pay(&app, Some(20000), json!({})).unwrap();
        assert_eq!(paid.redirect, Some(Redirect::Get("https://shop.example/thanks".into())), "as given: no parameters");
        assert_eq!(pay(&app, None, json!({"failed": true})).unwrap().redirect, None, "a failed attempt stays");

        let app = app_with_link(false);
        app.lock().of::<Store>().links.get(ID).unwrap().request.link_meta = Some(LinkMetaRequest {
            return_url: Some("https://shop.example/return?order_id={order_id}&link=1042".parse().unwrap()),
            ..LinkMetaRequest::default()
        });
        let paid = pay(&app, None, json!({})).unwrap();
        let order_id = app.lock().of::<Store>().links.get(ID).unwrap().orders[0].order_id.clone();
        assert_eq!(
            paid.redirect,
            Some(Redirect::Get(format!("https://shop.example/return?order_id={order_id}&link=1042")))
        );

        // No return_url (or none a browser can go to): no redirect.
        for meta in
            [None, Some(LinkMetaRequest { return_url: Some("not a url".parse().unwrap()), ..Default::default() })]
        {
            let app = app_with_link(false);
            app.lock().of::<Store>().links.get(ID).unwrap().request.link_meta = meta;
            assert_eq!(pay(&app, None, json!({})).unwrap().redirect, None);
        }
    }

    #[test]
    fn a_failed_attempt_queues_nothing() {
        let app = app_with_link(false);
        pay(&app, None, json!({"failed": true})).unwrap();
        assert!(outbox(&app).is_empty());
        assert_eq!(app.lock().of::<Store>().links.get(ID).unwrap().orders.len(), 1);
        // An attempt of part of the amount: an unpaid order of that amount; refused like a
        // payment where the link would refuse it.
        let app = app_with_link(true);
        let failed = pay(&app, Some(20000), json!({"failed": true})).unwrap();
        assert_eq!((&failed.link["link_status"], &failed.link["link_amount_paid"]), (&json!("ACTIVE"), &json!(0)));
        let mut stores = app.lock();
        let order = &stores.of::<Store>().links.get(ID).unwrap().orders[0];
        assert_eq!((order.amount, order.paid), (20000, false));
        drop(stores);
        assert!(
            pay(&app, Some(5000), json!({"failed": true}))
                .unwrap_err()
                .message()
                .contains("link_minimum_partial_amount")
        );
    }

    #[tokio::test]
    async fn a_cancel_queues_a_cancelled_event_without_an_order() {
        let app = app_with_link(false);
        let response = cancel(State(app.clone()), HeaderMap::new(), Path(ID.to_owned())).await;
        assert_eq!(response.status(), StatusCode::OK);
        let events = outbox(&app);
        assert_eq!(events.len(), 1);
        let body = verified(&app, &events[0]);
        assert_eq!(body["data"]["link_status"], "CANCELLED");
        assert!(body["data"].get("order").is_none(), "{body}");
        assert_eq!(events[0].id, format!("PAYMENT_LINK_EVENT:{ID}:CANCELLED:-:-"));
        // A refused second cancel changes nothing and sends nothing.
        let response = cancel(State(app.clone()), HeaderMap::new(), Path(ID.to_owned())).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(outbox(&app).is_empty());
    }

    #[tokio::test]
    async fn an_expiry_queues_one_expired_event_by_control_or_by_itself() {
        let app = app_with_link(true);
        pay(&app, Some(20000), json!({})).unwrap();
        outbox(&app);
        super::super::Cashfree.expire(&mut app.lock(), LINK_API, ID).unwrap();
        let events = outbox(&app);
        assert_eq!(events.len(), 1);
        let body = verified(&app, &events[0]);
        assert_eq!(
            (&body["data"]["link_status"], &body["data"]["link_amount_paid"]),
            (&json!("EXPIRED"), &json!("200.00"))
        );
        assert_eq!(events[0].id, format!("PAYMENT_LINK_EVENT:{ID}:EXPIRED:-:-"));
        fetch(State(app.clone()), Path(ID.to_owned())).await;
        assert!(outbox(&app).is_empty(), "announced once");

        // A link whose expiry time passes is expired, and announced, when next read.
        let app = app_with_link(false);
        let past = Utc::now() - chrono::Duration::minutes(1);
        app.lock().of::<Store>().links.get(ID).unwrap().expiry = past;
        assert!(outbox(&app).is_empty());
        let response = fetch(State(app.clone()), Path(ID.to_owned())).await;
        assert_eq!(response.status(), StatusCode::OK);
        let events = outbox(&app);
        assert_eq!(events.len(), 1);
        let body = verified(&app, &events[0]);
        assert_eq!(body["data"]["link_status"], "EXPIRED");
        let event_time: paylinks_cashfree::Timestamp = serde_json::from_value(body["event_time"].clone()).unwrap();
        assert_eq!(event_time.to_utc(), past.trunc_subsecs(0), "the event happened when the link expired");
        assert!(super::super::Cashfree.links(&mut app.lock(), LINK_API).len() == 1 && outbox(&app).is_empty());
    }
}
