//! Razorpay Payment Links v2: `/v1/payment_links` create, fetch all, fetch, update, cancel and
//! notify (<https://razorpay.com/docs/api/payments/payment-links/>). Requests decode into the
//! generated `CreatePaymentLinkRequest` / `UpdatePaymentLinkRequest`; answers are the
//! generated `PaymentLink`, `PaymentLinkList` and `NotifyResult`. Amounts are integer minor
//! units on the wire and inside; times are Unix seconds (`0` = not set).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use paylinks_razorpay::redirect::{Callback, sign_callback};
use paylinks_razorpay::types::{
    BoolOrString, CreatePaymentLinkRequest, EmptyArray, KnownPaymentLinkStatus, KnownPaymentMethod, KnownPaymentStatus,
    KnownReminderStatus, KnownWebhookEventName, NoteValue, Notes, NotifyResult, PaymentLink, PaymentLinkCustomer,
    PaymentLinkCustomerOrEmptyArray, PaymentLinkList, PaymentLinkNotify, PaymentLinkPayment, PaymentLinkReminders,
    PaymentMethod, UpdatePaymentLinkRequest, UpiLinkFlag, UpiLinkFlagString, WebhookPayload, WebhookPaymentLink,
};
use serde_json::{Map, Value};

use super::common::{
    NAME, RazorpayError, bad_body, currency_of, expire_by, is_email, is_web_url, new_id, notes, page_query, query_map,
    undecodable, unknown_id,
};
use super::events::{self, Captured, OrderOf};
use crate::body::{self, Problem, QueryMap};
use crate::links::{Links, StoredLink};
use crate::page::PageLink;
use crate::payment::{ControlError, Paid, Redirect, Refusals, Terms, settle_payment};
use crate::state::{AppState, ProviderStore};
use crate::webhooks::WebhookEvent;

/// The v2 API's error for an `expire_by` less than 15 minutes ahead.
const EXPIRE_BY_TOO_SOON: &str = "timestamp must be atleast 15 minutes in future";
/// Razorpay's words for a payment a Payment Link will not take, after its API reference's
/// descriptions of `accept_partial` ("false (default): Customer cannot make partial
/// payments.") and `first_min_partial_amount` ("Minimum amount, in currency subunits, that
/// must be paid by the customer as the first partial payment.")
/// (<https://razorpay.com/docs/api/payments/payment-links/create-standard>). Razorpay
/// documents no words for more than is due: the sandbox's.
const REFUSALS: Refusals = Refusals {
    more_than_due: |amount, due| format!("The amount {amount} is more than the {due} due on this Payment Link."),
    no_part_payments: |due| {
        format!(
            "Customer cannot make partial payments on this Payment Link (accept_partial is false): pay the full {due}."
        )
    },
    below_minimum: |amount, minimum| {
        format!(
            "{amount} is less than {minimum}, the minimum amount that must be paid by the customer as the first partial payment (first_min_partial_amount)."
        )
    },
};
/// The smallest amount of a link, in minor units (₹1).
const MINIMUM_AMOUNT: u64 = 100;
/// The members a create request may carry (anything else: `extra fields sent.`); the spec
/// lists them, the generated type ignores unknown ones.
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
/// The members of a create request's `customer`.
const CUSTOMER_FIELDS: &[&str] = &["name", "email", "contact"];
/// The members an update request may carry (anything else: `wrong input fields sent.`).
const UPDATE_FIELDS: &[&str] = &["accept_partial", "reference_id", "expire_by", "notes", "reminder_enable"];

/// Now, in Unix seconds.
fn now() -> i64 {
    Utc::now().timestamp()
}

// ------------------------------------------------------------------------------ state

/// A captured payment on a link.
#[derive(Debug, Clone)]
struct Payment {
    id: String,
    amount: i64,
    method: PaymentMethod,
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
    customer: Option<PaymentLinkCustomer>,
    expire_by: i64,
    expired_at: i64,
    cancelled_at: i64,
    created_at: i64,
    updated_at: i64,
    first_min_partial_amount: i64,
    notes: Option<BTreeMap<String, String>>,
    notify: PaymentLinkNotify,
    payments: Vec<Payment>,
    /// Payment attempts that failed (each one of the order's `attempts`; Razorpay lists only
    /// captured payments in the link's `payments`).
    failed_attempts: usize,
    reference_id: String,
    reminder_enable: bool,
    short_url: String,
    status: KnownPaymentLinkStatus,
    callback_url: Option<String>,
    callback_method: Option<String>,
    upi_link: bool,
    order_id: Option<String>,
    /// When the order was created (the first payment), Unix seconds.
    order_created_at: i64,
}

impl Link {
    fn is_open(&self) -> bool {
        matches!(self.status, KnownPaymentLinkStatus::Created | KnownPaymentLinkStatus::PartiallyPaid)
    }

    /// The link entity.
    fn entity(&self) -> PaymentLink {
        let payments = self
            .payments
            .iter()
            .map(|p| PaymentLinkPayment {
                amount: Some(p.amount),
                created_at: Some(p.at),
                method: Some(p.method.clone()),
                payment_id: Some(p.id.clone()),
                plink_id: Some(self.id.clone()),
                status: Some(KnownPaymentStatus::Captured.into()),
                updated_at: Some(p.at),
            })
            .collect::<Vec<_>>();
        let reminders = if self.reminder_enable && self.is_open() {
            PaymentLinkReminders { status: Some(KnownReminderStatus::Pending.into()) }.into()
        } else {
            EmptyArray(Vec::new()).into()
        };
        PaymentLink {
            accept_partial: Some(self.accept_partial),
            amount: Some(self.amount),
            amount_paid: Some(self.amount_paid),
            callback_method: self.callback_method.clone(),
            callback_url: self.callback_url.clone(),
            cancelled_at: Some(self.cancelled_at),
            created_at: Some(self.created_at),
            currency: Some(self.currency.clone()),
            customer: Some(match &self.customer {
                Some(customer) => PaymentLinkCustomerOrEmptyArray::PaymentLinkCustomer(customer.clone()),
                None => PaymentLinkCustomerOrEmptyArray::EmptyArray(EmptyArray(Vec::new())),
            }),
            description: Some(self.description.clone()),
            expire_by: Some(self.expire_by),
            expired_at: Some(self.expired_at),
            first_min_partial_amount: Some(self.first_min_partial_amount),
            id: Some(self.id.clone()),
            notes: self
                .notes
                .clone()
                .map(|notes| Notes(notes.into_iter().map(|(k, v)| (k, NoteValue::Text(v))).collect()).into()),
            notify: Some(self.notify.clone()),
            order_id: self.order_id.clone(),
            payments: (!payments.is_empty()).then_some(payments),
            reference_id: Some(self.reference_id.clone()),
            reminder_enable: Some(self.reminder_enable),
            reminders: Some(reminders),
            short_url: Some(self.short_url.clone()),
            status: Some(self.status.into()),
            updated_at: Some(self.updated_at),
            upi_link: Some(BoolOrString::Bool(self.upi_link)),
            user_id: Some(String::new()),
            whatsapp_link: Some(false),
            ..PaymentLink::default()
        }
    }
}

impl Link {
    /// What it takes now: what is due, in parts if `accept_partial`, the first at least
    /// `first_min_partial_amount`.
    fn terms(&self) -> Terms<'_> {
        Terms {
            due: self.amount - self.amount_paid,
            currency: &self.currency,
            partial_allowed: self.accept_partial,
            minimum_first: if self.amount_paid == 0 { self.first_min_partial_amount } else { 0 },
        }
    }

    /// The event `name` about this link; with the order and the last payment when
    /// `with_payment` (paid and partly paid events).
    fn event(&self, name: KnownWebhookEventName, with_payment: bool) -> WebhookEvent {
        // The webhook's link entity carries no `payments` (docs samples).
        let entity = PaymentLink { payments: None, ..self.entity() };
        let mut payload =
            WebhookPayload { payment_link: Some(WebhookPaymentLink { entity }), ..WebhookPayload::default() };
        if let (true, Some(paid), Some(order_id)) = (with_payment, self.payments.last(), self.order_id.as_deref()) {
            let customer = self.customer.as_ref();
            payload.payment = Some(events::payment(Captured {
                id: &paid.id,
                amount: paid.amount,
                currency: &self.currency,
                method: paid.method.clone(),
                order_id: Some(order_id),
                invoice_id: None,
                description: format!("#{}", self.id.trim_start_matches("plink_")),
                email: customer.and_then(|c| c.email.clone()),
                contact: customer.and_then(|c| c.contact.clone()),
                notes: events::notes(self.notes.as_ref()),
                at: paid.at,
            }));
            payload.order = Some(events::order(OrderOf {
                id: order_id,
                amount: self.amount,
                amount_paid: self.amount_paid,
                currency: &self.currency,
                receipt: Some(&self.reference_id),
                attempts: self.payments.len() + self.failed_attempts,
                product: Some(("payment_link_v2", self.id.trim_start_matches("plink_"))),
                created_at: self.order_created_at,
            }));
        }
        events::event(name, payload)
    }

    /// Where the customer's browser goes after the last (successful) payment, when the link
    /// has a `callback_url`: signed with the key secret (`events::callback_redirect`).
    fn redirect(&self, key_secret: Option<&str>) -> Option<Redirect> {
        let (url, key_secret, paid) = (self.callback_url.as_deref()?, key_secret?, self.payments.last()?);
        let callback = Callback {
            payment_id: paid.id.clone(),
            payment_link_id: self.id.clone(),
            reference_id: self.reference_id.clone(),
            status: self.status.to_string(),
        };
        events::callback_redirect(url, sign_callback(key_secret, &callback))
    }
}

impl StoredLink for Link {
    const FAMILY: &'static str = NAME;

    fn status_name(&self) -> String {
        self.status.to_string()
    }

    fn is_open(&self) -> bool {
        Link::is_open(self)
    }

    /// `expire_by`, unless 0 (not set).
    fn expires_at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.expire_by, 0).filter(|_| self.expire_by > 0)
    }

    fn mark_expired(&mut self, at: DateTime<Utc>) {
        self.status = KnownPaymentLinkStatus::Expired;
        self.expired_at = at.timestamp();
        self.updated_at = self.expired_at;
    }

    /// `payment_link.expired`.
    fn expired_event(&self) -> Option<WebhookEvent> {
        (self.status == KnownPaymentLinkStatus::Expired)
            .then(|| self.event(KnownWebhookEventName::PaymentLinkExpired, false))
    }

    fn to_json(&self) -> Value {
        serde_json::to_value(self.entity()).unwrap_or_default()
    }

    fn reference(&self) -> Option<&str> {
        Some(&self.reference_id)
    }

    fn payment_ids(&self) -> Vec<&str> {
        self.payments.iter().map(|payment| payment.id.as_str()).collect()
    }
}

/// Razorpay v2's part of the sandbox state.
#[derive(Debug, Default)]
pub(super) struct Store {
    links: Links<Link>,
    /// The key secret the links were created with (the sandbox has one key), which signs
    /// callback redirects; set by every create.
    key_secret: Option<String>,
}

impl Store {
    /// Every link, oldest first, as entities.
    pub(super) fn all_links(&mut self) -> Vec<Value> {
        self.links.all_json()
    }

    fn reference_taken(&self, reference_id: &str, except: &str) -> bool {
        self.links.reference_taken(reference_id, except)
    }

    /// Control API: a customer pays `amount` (default: everything still due) by `method`
    /// (default `card`, `upi` on a UPI link). Answers the link, the callback redirect (when the
    /// link has a `callback_url`) and the `payment_link.paid` or `.partially_paid` event.
    pub(super) fn pay(
        &mut self,
        id: &str,
        amount: Option<i64>,
        method: Option<&str>,
    ) -> Result<(Paid, WebhookEvent), ControlError> {
        let link = self.links.open(id, "be paid")?;
        let amount = settle_payment(&link.terms(), amount, &REFUSALS)?;
        let method = match method {
            Some(method) => method
                .parse::<KnownPaymentMethod>()
                .map_or_else(|_| PaymentMethod::Unknown(method.to_owned()), Into::into),
            None if link.upi_link => KnownPaymentMethod::Upi.into(),
            None => KnownPaymentMethod::Card.into(),
        };
        let at = now();
        link.payments.push(Payment { id: new_id("pay"), amount, method, at });
        if link.order_id.is_none() {
            link.order_id = Some(new_id("order"));
            link.order_created_at = at;
        }
        link.amount_paid += amount;
        let (status, name) = if link.amount_paid >= link.amount {
            (KnownPaymentLinkStatus::Paid, KnownWebhookEventName::PaymentLinkPaid)
        } else {
            (KnownPaymentLinkStatus::PartiallyPaid, KnownWebhookEventName::PaymentLinkPartiallyPaid)
        };
        link.status = status;
        link.updated_at = at;
        let paid = Paid { link: link.to_json(), redirect: link.redirect(self.key_secret.as_deref()) };
        let event = link.event(name, true);
        self.links.reindex(id);
        Ok((paid, event))
    }

    /// Payment page: link `id` as the page shows it (expired first if its time has passed); `None`
    /// for an unknown link. Part payments as `accept_partial` / `first_min_partial_amount` say.
    pub(super) fn page(&mut self, id: &str) -> Option<PageLink> {
        let link = self.links.get(id)?;
        Some(PageLink {
            provider: "Razorpay Payment Links",
            id: link.id.clone(),
            description: Some(link.description.clone()).filter(|d| !d.is_empty()),
            currency: link.currency.clone(),
            amount: link.amount,
            paid: link.amount_paid,
            status: link.status.to_string(),
            open: link.is_open(),
            expires_at: StoredLink::expires_at(link),
            partial_minimum: link.accept_partial.then_some(link.first_min_partial_amount),
        })
    }

    /// Sets link `id`'s `expire_by` (Unix seconds), as a link created long ago would have.
    #[cfg(test)]
    pub(super) fn set_expire_by(&mut self, id: &str, at: i64) {
        if let Some(link) = self.links.get(id) {
            link.expire_by = at;
        }
    }

    /// Control API: a payment attempt of `amount` (default: everything still due) fails. The
    /// link stays as it was (open, nothing paid) but for its order, created by the first
    /// attempt, which counts one more attempt. No event: Razorpay sends none about a link for
    /// a failed payment (`payment.failed` is an account-wide payments event,
    /// <https://razorpay.com/docs/webhooks/payment-links/>), and no redirect: the
    /// `callback_url` is for a successful payment only.
    pub(super) fn fail(&mut self, id: &str, amount: Option<i64>) -> Result<Paid, ControlError> {
        let link = self.links.open(id, "be paid")?;
        settle_payment(&link.terms(), amount, &REFUSALS)?;
        let at = now();
        if link.order_id.is_none() {
            link.order_id = Some(new_id("order"));
            link.order_created_at = at;
        }
        link.failed_attempts += 1;
        Ok(Paid::from(link.to_json()))
    }

    /// Control API: the link expires now (its `payment_link.expired` event queued).
    pub(super) fn expire(&mut self, id: &str) -> Result<Value, ControlError> {
        self.links.expire(id)
    }
}

impl ProviderStore for Store {
    /// The `payment_link.expired` events of links that expired (by the control API, or by
    /// themselves, noticed on a read).
    fn take_events(&mut self) -> Vec<WebhookEvent> {
        self.links.take_events()
    }
}

// ------------------------------------------------------------------------------ validation

/// The documented wording for a create or update body that does not decode.
fn create_error(request: &Map<String, Value>, error: &body::DecodeError) -> RazorpayError {
    let currency = request.get("currency").and_then(Value::as_str).filter(|c| !c.is_empty()).unwrap_or("INR");
    let integer = |key: &str| request.get(key).is_some_and(Value::is_i64);
    undecodable(error, |field, problem| {
        let refusal = match (field, problem) {
            ("amount", Problem::Missing) => RazorpayError::bad_request("amount: cannot be blank."),
            ("amount", _) if integer("amount") => {
                RazorpayError::bad_request(format!("amount: amount should be minimum 100 for {currency}."))
            }
            ("amount", _) => RazorpayError::bad_request(format!(
                "amount, should be a whole number for e.g. 2234 to create a payment link for {currency} 22.34."
            )),
            ("first_min_partial_amount", _) if integer(field) => RazorpayError::bad_request(format!(
                "first_min_partial_amount: amount should be minimum 100 for {currency}."
            )),
            ("description", Problem::Invalid(_)) => {
                RazorpayError::bad_request("description: the length must be no more than 2048.")
            }
            ("reference_id", Problem::Invalid(_)) => {
                RazorpayError::bad_request("reference_id: the length must be no more than 40.")
            }
            ("customer.contact", Problem::Invalid(_)) => {
                return Some(
                    RazorpayError::bad_request("contact: the length must be between 8 and 14.").field("contact"),
                );
            }
            ("callback_method", Problem::Invalid(_)) => {
                RazorpayError::bad_request("callback_method: must be a valid value.")
            }
            _ => return None,
        };
        Some(refusal.field(field))
    })
}

/// The link a decoded create request describes, after the rules the spec cannot say.
fn new_link(app: &AppState, request: CreatePaymentLinkRequest) -> Result<Link, RazorpayError> {
    let currency = currency_of(
        request.currency.as_deref(),
        "amount: currency: wrong input field, please find the list of supported currencies on the documentation.",
    )?;
    let amount = request.amount.get();
    if amount < MINIMUM_AMOUNT {
        return Err(
            RazorpayError::bad_request(format!("amount: amount should be minimum 100 for {currency}.")).field("amount")
        );
    }
    let amount =
        i64::try_from(amount).map_err(|_| RazorpayError::bad_request("amount is too large.").field("amount"))?;
    let upi_link = matches!(
        request.upi_link,
        Some(UpiLinkFlag::Bool(true) | UpiLinkFlag::UpiLinkFlagString(UpiLinkFlagString::True))
    );
    let accept_partial = request.accept_partial.unwrap_or(false);
    if upi_link {
        if app.config.text(NAME, "key_id").is_some_and(|key| key.starts_with("rzp_test_")) {
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
    let first_min_partial_amount = match (accept_partial, request.first_min_partial_amount.map(|min| min.get())) {
        (_, None) => 0,
        (false, Some(_)) => {
            return Err(RazorpayError::bad_request("first_min_partial_amount: accept_partial must be true to set it.")
                .field("first_min_partial_amount"));
        }
        (true, Some(min)) if i64::try_from(min).map_or(true, |min| min > amount) => {
            return Err(RazorpayError::bad_request("first_min_partial_amount must be less than or equal to amount.")
                .field("first_min_partial_amount"));
        }
        (true, Some(min)) if min < MINIMUM_AMOUNT => {
            return Err(RazorpayError::bad_request(format!(
                "first_min_partial_amount: amount should be minimum 100 for {currency}."
            ))
            .field("first_min_partial_amount"));
        }
        (true, Some(min)) => i64::try_from(min).unwrap_or(amount),
    };
    let customer = request.customer.map(|customer| PaymentLinkCustomer {
        contact: customer.contact.map(String::from),
        email: customer.email,
        name: customer.name,
    });
    if customer.as_ref().and_then(|c| c.email.as_deref()).is_some_and(|email| !is_email(email)) {
        return Err(
            RazorpayError::bad_request("email: must be in a valid format for e.g. abcxyz@domain.com.").field("email")
        );
    }
    if request.callback_url.as_deref().is_some_and(|url| !is_web_url(url)) {
        return Err(
            RazorpayError::bad_request("callback_url: URL should be sent in callback_url field.").field("callback_url")
        );
    }
    let notify = request.notify.unwrap_or_default();
    let at = now();
    let id = new_id("plink");
    Ok(Link {
        // The sandbox's payment page of the link, where Razorpay's is `https://rzp.io/rzp/<code>`.
        short_url: app.page_url(NAME, &id),
        id,
        accept_partial,
        amount,
        amount_paid: 0,
        currency,
        description: request.description.map(String::from).unwrap_or_default(),
        customer,
        expire_by: expire_by(request.expire_by, EXPIRE_BY_TOO_SOON)?.unwrap_or(0),
        expired_at: 0,
        cancelled_at: 0,
        created_at: at,
        updated_at: at,
        first_min_partial_amount,
        notes: notes(request.notes)?,
        notify: PaymentLinkNotify {
            email: Some(notify.email.unwrap_or(false)),
            sms: Some(notify.sms.unwrap_or(false)),
            whatsapp: notify.whatsapp,
        },
        payments: Vec::new(),
        failed_attempts: 0,
        reference_id: request.reference_id.map(String::from).unwrap_or_default(),
        reminder_enable: request.reminder_enable.unwrap_or(false),
        status: KnownPaymentLinkStatus::Created,
        callback_url: request.callback_url,
        callback_method: request.callback_method.map(|method| method.to_string()),
        upi_link,
        order_id: None,
        order_created_at: 0,
    })
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
    if let Some(Value::Object(customer)) = request.get("customer")
        && let Some(extra) = customer.keys().find(|k| !CUSTOMER_FIELDS.contains(&k.as_str()))
    {
        return Err(RazorpayError::bad_request("extra fields sent.").field(extra));
    }
    let decoded: CreatePaymentLinkRequest = body::decode(request).map_err(|e| create_error(request, &e))?;
    let link = new_link(app, decoded)?;
    let mut stores = app.lock();
    let store = stores.of::<Store>();
    store.key_secret = app.config.text(NAME, "key_secret").map(str::to_owned);
    if store.reference_taken(&link.reference_id, "") {
        return Err(RazorpayError::bad_request("payment link creation with reference ID already attempted")
            .field("reference_id"));
    }
    Ok(store.links.insert(link.id.clone(), link))
}

/// `GET /v1/payment_links?payment_id=&reference_id=&upi_link=&count=&skip=&from=&to=` →
/// `{"payment_links": [...]}`, newest first, one page ([`page_query`]: 10 links unless
/// `count` says otherwise, at most 100).
pub(super) async fn list(State(app): State<Arc<AppState>>, query: QueryMap) -> Response {
    body::respond(query_map(query).and_then(|query| list_links(&app, &query)))
}

fn list_links(app: &AppState, query: &HashMap<String, String>) -> Result<Value, RazorpayError> {
    let known = ["payment_id", "reference_id", "upi_link", "count", "skip", "from", "to"];
    if let Some(extra) = query.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(RazorpayError::bad_request("extra fields sent.").field(extra));
    }
    let (page, created) = page_query(query)?;
    let payment_id = query.get("payment_id").filter(|p| !p.is_empty());
    let reference_id = query.get("reference_id").filter(|r| !r.is_empty());
    let upi_link = query.get("upi_link").map(|flag| flag == "1" || flag == "true");
    let wanted = |link: &Link| {
        payment_id.is_none_or(|p| link.payments.iter().any(|pay| &pay.id == p))
            && reference_id.is_none_or(|r| &link.reference_id == r)
            && upi_link.is_none_or(|u| link.upi_link == u)
            && created.contains(&link.created_at)
    };
    let mut stores = app.lock();
    let links = &mut stores.of::<Store>().links;
    let entity = |link: &mut Link| link.entity();
    // A payment or a reference names one link: looked up, not searched for.
    let found = match (payment_id, reference_id) {
        (Some(payment_id), _) => Some(links.by_payment(payment_id)),
        (None, Some(reference_id)) => Some(links.by_reference(reference_id)),
        (None, None) => None,
    };
    let payment_links: Vec<PaymentLink> = match found {
        Some(link) => {
            link.filter(|link| wanted(link)).into_iter().skip(page.skip).take(page.count).map(entity).collect()
        }
        None => links.page(page, wanted).into_iter().map(entity).collect(),
    };
    let mut body =
        serde_json::to_value(PaymentLinkList { payment_links: Some(payment_links), ..PaymentLinkList::default() })
            .unwrap_or_default();
    // An empty list is still `{"payment_links": []}` (the generated type omits empty lists).
    if let Some(map) = body.as_object_mut() {
        map.entry("payment_links").or_insert_with(|| Value::Array(Vec::new()));
    }
    Ok(body)
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
    if !store.links.get(id).ok_or_else(unknown_id)?.is_open() {
        return Err(RazorpayError::bad_request("update can only be made in created or partially paid state"));
    }
    if let Some(wrong) = request.keys().find(|k| !UPDATE_FIELDS.contains(&k.as_str())) {
        return Err(RazorpayError::bad_request("wrong input fields sent.").field(wrong));
    }
    let update: UpdatePaymentLinkRequest = body::decode(request).map_err(|e| create_error(request, &e))?;
    let reference_id = update.reference_id.map(String::from);
    if let Some(reference_id) = &reference_id
        && store.reference_taken(reference_id, id)
    {
        return Err(RazorpayError::bad_request("payment link creation with reference ID already attempted")
            .field("reference_id"));
    }
    let expire_by = expire_by(update.expire_by, EXPIRE_BY_TOO_SOON)?;
    let notes = notes(update.notes)?;
    let link = store.links.get(id).ok_or_else(unknown_id)?;
    if let Some(flag) = update.accept_partial {
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
    if notes.is_some() {
        link.notes = notes;
    }
    if let Some(flag) = update.reminder_enable {
        link.reminder_enable = flag;
    }
    link.updated_at = now();
    let body = link.to_json();
    store.links.reindex(id);
    Ok(body)
}

/// `POST /v1/payment_links/{id}/cancel`: only a `created` link can be cancelled; the
/// `payment_link.cancelled` event goes to the outbox.
pub(super) async fn cancel(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    let Some(link) = stores.of::<Store>().links.get(&id) else {
        return unknown_id().response();
    };
    match link.status {
        KnownPaymentLinkStatus::Created => {
            let at = now();
            link.status = KnownPaymentLinkStatus::Cancelled;
            link.cancelled_at = at;
            link.updated_at = at;
            let (body, event) = (link.to_json(), link.event(KnownWebhookEventName::PaymentLinkCancelled, false));
            stores.outbox.push(event);
            body::json(StatusCode::OK, &body)
        }
        KnownPaymentLinkStatus::Paid | KnownPaymentLinkStatus::PartiallyPaid => {
            RazorpayError::bad_request("cannot cancel or expire an already paid/partially paid link").response()
        }
        KnownPaymentLinkStatus::Expired | KnownPaymentLinkStatus::Cancelled => {
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
    let result =
        stores.of::<Store>().links.get(&id).map(|_| NotifyResult { success: Some(true) }).ok_or_else(unknown_id);
    body::respond(result.map(|done| serde_json::to_value(done).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SandboxConfig;

    #[test]
    fn an_expiry_noticed_on_a_read_sends_its_event_once() {
        let app = AppState::new(SandboxConfig::default());
        let request: CreatePaymentLinkRequest = serde_json::from_value(serde_json::json!({"amount": 1000})).unwrap();
        let mut link = new_link(&app, request).unwrap();
        // Its expire_by has passed (creating refuses one less than 15 minutes ahead).
        link.expire_by = now() - 1;
        let id = link.id.clone();
        let mut stores = app.lock();
        stores.of::<Store>().links.insert(id.clone(), link);
        assert!(stores.take_outbox().is_empty(), "not noticed yet");
        stores.of::<Store>().links.get(&id);
        stores.of::<Store>().links.get(&id);
        stores.of::<Store>().all_links();
        assert!(stores.of::<Store>().expire(&id).is_err(), "already expired");
        let outbox = stores.take_outbox();
        let names: Vec<&str> = outbox.iter().map(|event| event.name.as_str()).collect();
        assert_eq!(names, ["payment_link.expired"], "one event, however often the link is read");
        let sent: paylinks_razorpay::types::WebhookEvent = serde_json::from_slice(&outbox[0].body).unwrap();
        let entity = sent.payload.payment_link.unwrap().entity;
        assert_eq!(entity.id.as_deref(), Some(id.as_str()));
        assert_eq!(entity.status.map(|s| s.to_string()).as_deref(), Some("expired"));
    }
}
