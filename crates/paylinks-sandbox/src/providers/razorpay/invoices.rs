//! Razorpay legacy invoice-based payment links and invoices: `/v1/invoices` create, fetch all,
//! fetch, update, issue, cancel, delete and notify
//! (<https://razorpay.com/docs/api/payments/invoices/>). Requests decode into the generated
//! `CreateInvoiceRequest` / `UpdateInvoiceRequest`; answers are the generated `Invoice` and
//! `InvoiceList`. Amounts are integer minor units; times are Unix seconds.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use paylinks_razorpay::redirect::{InvoiceCallback, sign_invoice_callback};
use paylinks_razorpay::types::{
    Address, AddressRequest, CreateInvoiceRequest, EmptyArray, Invoice as InvoiceEntity, InvoiceCustomerDetails,
    InvoiceCustomerRequest, InvoiceDraftFlag, InvoiceLineItem, InvoiceLineItemRequest, InvoiceList, InvoiceNotifyFlag,
    InvoiceNotifyFlagString, InvoiceTypeRequest, KnownInvoiceStatus, KnownInvoiceType, KnownNotificationStatus,
    KnownPaymentMethod, KnownWebhookEventName, NoteValue, Notes, NotifyResult, PaymentMethod, UpdateInvoiceRequest,
    WebhookInvoice, WebhookPayload,
};
use serde_json::{Map, Value};

use super::common::{
    INVOICES, NAME, RazorpayError, bad_body, currency_of, expire_by, int_field, is_web_url, new_id, notes, page_query,
    query_map, string_field, undecodable, unknown_id,
};
use super::events::{self, Captured, OrderOf};
use crate::body::{self, DecodeError, Problem, QueryMap};
use crate::links::{Links, StoredLink};
use crate::page::PageLink;
use crate::payment::{ControlError, Paid, Redirect, Refusals, Terms, settle_payment};
use crate::state::{AppState, ProviderStore};
use crate::webhooks::WebhookEvent;

/// The invoices API's error for an `expire_by` less than 15 minutes ahead.
const EXPIRE_BY_TOO_SOON: &str = "expire_by should be at least 15 minutes after current time.";
/// The members a create or update request may carry (anything else: `<key> is/are not
/// required and should not be sent`): the spec's, and `first_payment_min_amount`, `terms`,
/// `comment`, `date`, `callback_url`, `callback_method`, which the API documents for invoices
/// but the spec's request types do not carry (read by hand below).
const FIELDS: &[&str] = &[
    "type",
    "description",
    "draft",
    "customer_id",
    "customer",
    "line_items",
    "amount",
    "currency",
    "receipt",
    "expire_by",
    "sms_notify",
    "email_notify",
    "partial_payment",
    "first_payment_min_amount",
    "notes",
    "terms",
    "comment",
    "date",
    "callback_url",
    "callback_method",
];
/// Razorpay's words for a payment an invoice (legacy payment link) will not take, after its
/// API reference's descriptions of `partial_payment` ("false (default): The customer cannot
/// make partial payments.") and `first_payment_min_amount` ("Minimum amount that must be
/// paid by the customer as the first partial payment.")
/// (<https://razorpay.com/docs/api/payments/invoices/create>). Razorpay documents no words
/// for more than is due: the sandbox's.
const REFUSALS: Refusals = Refusals {
    more_than_due: |amount, due| format!("The amount {amount} is more than the {due} due on this invoice."),
    no_part_payments: |due| {
        format!(
            "The customer cannot make partial payments on this invoice (partial_payment is false): pay the full {due}."
        )
    },
    below_minimum: |amount, minimum| {
        format!(
            "{amount} is less than {minimum}, the minimum amount that must be paid by the customer as the first partial payment (first_payment_min_amount)."
        )
    },
};
/// Fields an issued invoice still accepts.
const ISSUED_FIELDS: &[&str] = &["partial_payment", "receipt", "comment", "terms", "notes", "expire_by"];
/// At most this many line items.
const MAX_LINE_ITEMS: usize = 50;
/// Free texts (`terms`, `comment`) are at most this long.
const MAX_TEXT: usize = 2048;

/// Now, in Unix seconds.
fn now() -> i64 {
    Utc::now().timestamp()
}

/// The business error for an operation the invoice's state forbids.
fn not_allowed(status: KnownInvoiceStatus) -> RazorpayError {
    RazorpayError::business(format!("Operation not allowed for Invoice in {status} status."))
}

fn extra_field(key: &str) -> RazorpayError {
    RazorpayError::bad_request(format!("{key} is/are not required and should not be sent")).field(key)
}

// ------------------------------------------------------------------------------ state

/// A line item; amounts in minor units.
#[derive(Debug, Clone)]
struct LineItem {
    id: String,
    item_id: Option<String>,
    name: String,
    description: Option<String>,
    amount: i64,
    currency: String,
    quantity: i64,
}

impl LineItem {
    fn total(&self) -> i64 {
        self.amount.saturating_mul(self.quantity)
    }

    fn entity(&self, invoice_type: KnownInvoiceType) -> InvoiceLineItem {
        InvoiceLineItem {
            amount: Some(self.amount),
            currency: Some(self.currency.clone()),
            description: self.description.clone(),
            gross_amount: Some(self.total()),
            id: Some(self.id.clone()),
            item_id: self.item_id.clone(),
            name: Some(self.name.clone()),
            net_amount: Some(self.total()),
            quantity: Some(self.quantity),
            tax_amount: Some(0),
            tax_inclusive: Some(false),
            taxable_amount: Some(self.total()),
            type_: Some(invoice_type.to_string()),
            unit_amount: Some(self.amount),
            ..InvoiceLineItem::default()
        }
    }
}

/// An invoice or legacy payment link; times in Unix seconds, `None` = `null`.
#[derive(Debug, Clone)]
struct Invoice {
    id: String,
    invoice_type: KnownInvoiceType,
    receipt: Option<String>,
    customer_id: String,
    customer: InvoiceCustomerDetails,
    order_id: Option<String>,
    line_items: Vec<LineItem>,
    /// The amount of a simple link created with `amount` instead of line items.
    plain_amount: Option<i64>,
    payment_ids: Vec<String>,
    status: KnownInvoiceStatus,
    expire_by: Option<i64>,
    issued_at: Option<i64>,
    paid_at: Option<i64>,
    cancelled_at: Option<i64>,
    expired_at: Option<i64>,
    sms_notify: bool,
    email_notify: bool,
    date: i64,
    terms: Option<String>,
    comment: Option<String>,
    partial_payment: bool,
    first_payment_min_amount: Option<i64>,
    amount_paid: i64,
    currency: String,
    description: Option<String>,
    notes: BTreeMap<String, String>,
    short_url: Option<String>,
    /// Where the customer's browser goes after a successful payment (`callback_url`, with
    /// `callback_method: get`): kept, not shown (Razorpay's invoices do not answer them).
    callback_url: Option<String>,
    /// Payment attempts that failed (each one of the order's `attempts`).
    failed_attempts: usize,
    created_at: i64,
}

impl Invoice {
    /// What it takes now: what is due, in parts if `partial_payment`, the first at least
    /// `first_payment_min_amount`.
    fn terms(&self) -> Terms<'_> {
        Terms {
            due: self.amount() - self.amount_paid,
            currency: &self.currency,
            partial_allowed: self.partial_payment,
            minimum_first: if self.amount_paid == 0 { self.first_payment_min_amount.unwrap_or(0) } else { 0 },
        }
    }

    fn amount(&self) -> i64 {
        self.plain_amount.unwrap_or_else(|| self.line_items.iter().map(LineItem::total).sum())
    }

    fn is_payable(&self) -> bool {
        matches!(self.status, KnownInvoiceStatus::Issued | KnownInvoiceStatus::PartiallyPaid)
    }

    /// Moves a draft to `issued`: an order and a short URL appear. The short URL is the
    /// sandbox's payment page of the invoice ([`AppState::page_url`],
    /// `{public_url}/pay/razorpay_invoice/{id}`), where Razorpay's is `https://rzp.io/i/<code>`.
    fn issue(&mut self, app: &AppState, now: i64) {
        self.status = KnownInvoiceStatus::Issued;
        self.issued_at = Some(now);
        self.date = now;
        self.order_id = Some(new_id("order"));
        self.short_url = Some(app.page_url(INVOICES, &self.id));
    }

    /// The event `name` about this invoice; with its order and the payment `paid` (id,
    /// amount, method, time) for payment events.
    fn event(&self, name: KnownWebhookEventName, paid: Option<(&str, i64, PaymentMethod, i64)>) -> WebhookEvent {
        let mut payload =
            WebhookPayload { invoice: Some(WebhookInvoice { entity: self.entity() }), ..WebhookPayload::default() };
        if let (Some((id, amount, method, at)), Some(order_id)) = (paid, self.order_id.as_deref()) {
            payload.payment = Some(events::payment(Captured {
                id,
                amount,
                currency: &self.currency,
                method,
                order_id: Some(order_id),
                invoice_id: Some(&self.id),
                description: format!("Invoice #{}", self.id),
                email: self.customer.email.clone().or_else(|| self.customer.customer_email.clone()),
                contact: self.customer.contact.clone().or_else(|| self.customer.customer_contact.clone()),
                notes: events::notes(Some(&self.notes)),
                at,
            }));
            payload.order = Some(events::order(OrderOf {
                id: order_id,
                amount: self.amount(),
                amount_paid: self.amount_paid,
                currency: &self.currency,
                receipt: self.receipt.as_deref(),
                attempts: self.payment_ids.len() + self.failed_attempts,
                product: None,
                created_at: self.issued_at.unwrap_or(self.created_at),
            }));
        }
        events::event(name, payload)
    }

    /// Where the customer's browser goes after the last (successful) payment, when the
    /// invoice has a `callback_url`: signed with the key secret
    /// ([`sign_invoice_callback`], `events::callback_redirect`).
    fn redirect(&self, key_secret: Option<&str>) -> Option<Redirect> {
        let (url, key_secret, payment_id) = (self.callback_url.as_deref()?, key_secret?, self.payment_ids.last()?);
        let callback = InvoiceCallback {
            payment_id: payment_id.clone(),
            invoice_id: self.id.clone(),
            receipt: self.receipt.clone().unwrap_or_default(),
            status: self.status.to_string(),
        };
        events::callback_redirect(url, sign_invoice_callback(key_secret, &callback))
    }

    fn entity(&self) -> InvoiceEntity {
        let draft = self.status == KnownInvoiceStatus::Draft;
        let notification = |on: bool| (!draft && on).then(|| KnownNotificationStatus::Pending.into());
        let amount = self.amount();
        let symbol = iso_currency::Currency::from_code(&self.currency).map(|currency| currency.symbol().to_string());
        InvoiceEntity {
            amount: Some(amount),
            amount_due: (!draft).then_some(amount - self.amount_paid),
            amount_paid: (!draft).then_some(self.amount_paid),
            cancelled_at: self.cancelled_at,
            comment: self.comment.clone(),
            created_at: Some(self.created_at),
            currency: Some(self.currency.clone()),
            currency_symbol: symbol,
            customer_details: Some(self.customer.clone()),
            customer_id: Some(self.customer_id.clone()),
            date: Some(self.date),
            description: self.description.clone(),
            email_status: notification(self.email_notify),
            entity: Some("invoice".into()),
            expire_by: self.expire_by,
            expired_at: self.expired_at,
            first_payment_min_amount: self.first_payment_min_amount,
            gross_amount: Some(amount),
            group_taxes_discounts: Some(false),
            id: Some(self.id.clone()),
            invoice_number: self.receipt.clone(),
            issued_at: self.issued_at,
            line_items: Some(self.line_items.iter().map(|item| item.entity(self.invoice_type)).collect::<Vec<_>>())
                .filter(|items| !items.is_empty()),
            notes: Some(if self.notes.is_empty() {
                EmptyArray(Vec::new()).into()
            } else {
                Notes(self.notes.iter().map(|(k, v)| (k.clone(), NoteValue::Text(v.clone()))).collect()).into()
            }),
            order_id: self.order_id.clone(),
            paid_at: self.paid_at,
            partial_payment: Some(self.partial_payment),
            payment_id: self.payment_ids.last().cloned(),
            receipt: self.receipt.clone(),
            short_url: self.short_url.clone(),
            sms_status: notification(self.sms_notify),
            status: Some(self.status.into()),
            tax_amount: Some(0),
            taxable_amount: Some(amount),
            terms: self.terms.clone(),
            type_: Some(self.invoice_type.into()),
            view_less: Some(true),
            ..InvoiceEntity::default()
        }
    }
}

/// An issued (or partly paid) invoice expires once its `expire_by` has passed.
impl StoredLink for Invoice {
    const FAMILY: &'static str = INVOICES;
    const NOUN: &'static str = "invoice";

    fn status_name(&self) -> String {
        self.status.to_string()
    }

    fn is_open(&self) -> bool {
        self.is_payable()
    }

    fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expire_by.and_then(|secs| DateTime::from_timestamp(secs, 0))
    }

    fn mark_expired(&mut self, at: DateTime<Utc>) {
        self.status = KnownInvoiceStatus::Expired;
        self.expired_at = Some(at.timestamp());
    }

    /// `invoice.expired`.
    fn expired_event(&self) -> Option<WebhookEvent> {
        (self.status == KnownInvoiceStatus::Expired).then(|| self.event(KnownWebhookEventName::InvoiceExpired, None))
    }

    fn to_json(&self) -> Value {
        serde_json::to_value(self.entity()).unwrap_or_default()
    }

    fn reference(&self) -> Option<&str> {
        self.receipt.as_deref()
    }

    fn payment_ids(&self) -> Vec<&str> {
        self.payment_ids.iter().map(String::as_str).collect()
    }
}

/// The invoices' part of the sandbox state (deleted invoices are forgotten).
#[derive(Debug, Default)]
pub(super) struct Store {
    invoices: Links<Invoice>,
    /// The key secret the invoices were created with (the sandbox has one key), which signs
    /// callback redirects; set by every create.
    key_secret: Option<String>,
}

impl Store {
    /// The invoice `id`, if `allowed` takes its status; else the documented business error.
    fn invoice_in(
        &mut self,
        id: &str,
        allowed: impl FnOnce(KnownInvoiceStatus) -> bool,
    ) -> Result<&mut Invoice, RazorpayError> {
        let invoice = self.invoices.get(id).ok_or_else(unknown_id)?;
        if !allowed(invoice.status) {
            return Err(not_allowed(invoice.status));
        }
        Ok(invoice)
    }

    fn receipt_taken(&self, receipt: &str, except: &str) -> bool {
        self.invoices.reference_taken(receipt, except)
    }

    /// Every invoice, oldest first, as entities.
    pub(super) fn all_links(&mut self) -> Vec<Value> {
        self.invoices.all_json()
    }

    /// Control API: the customer pays `amount` (default: the amount due) by `method` (default
    /// `card`); answers the invoice, the callback redirect (when it has a `callback_url`) and
    /// the `invoice.paid` or `invoice.partially_paid` event.
    pub(super) fn pay(
        &mut self,
        id: &str,
        amount: Option<i64>,
        method: Option<&str>,
    ) -> Result<(Paid, WebhookEvent), ControlError> {
        let invoice = self.invoices.open(id, "be paid")?;
        let total = invoice.amount();
        let amount = settle_payment(&invoice.terms(), amount, &REFUSALS)?;
        let method = method.map_or_else(
            || KnownPaymentMethod::Card.into(),
            |method| {
                method.parse::<KnownPaymentMethod>().map_or_else(|_| PaymentMethod::Unknown(method.into()), Into::into)
            },
        );
        let (payment_id, at) = (new_id("pay"), now());
        invoice.amount_paid += amount;
        invoice.payment_ids.push(payment_id.clone());
        let name = if invoice.amount_paid >= total {
            invoice.status = KnownInvoiceStatus::Paid;
            invoice.paid_at = Some(at);
            KnownWebhookEventName::InvoicePaid
        } else {
            invoice.status = KnownInvoiceStatus::PartiallyPaid;
            KnownWebhookEventName::InvoicePartiallyPaid
        };
        let paid = Paid { link: invoice.to_json(), redirect: invoice.redirect(self.key_secret.as_deref()) };
        let event = invoice.event(name, Some((&payment_id, amount, method, at)));
        self.invoices.reindex(id);
        Ok((paid, event))
    }

    /// Control API: a payment attempt of `amount` (default: the amount due) fails. The
    /// invoice stays as it was (open, nothing paid); its order counts one more attempt. No
    /// event (Razorpay's invoice events are `paid`, `partially_paid` and `expired`,
    /// <https://razorpay.com/docs/webhooks/invoices/>) and no redirect (the callback is for a
    /// successful payment only).
    pub(super) fn fail(&mut self, id: &str, amount: Option<i64>) -> Result<Paid, ControlError> {
        let invoice = self.invoices.open(id, "be paid")?;
        settle_payment(&invoice.terms(), amount, &REFUSALS)?;
        invoice.failed_attempts += 1;
        Ok(Paid::from(invoice.to_json()))
    }

    /// Payment page: invoice `id` as the page shows it (expired first if its time has passed);
    /// `None` for an unknown invoice. Part payments as `partial_payment` /
    /// `first_payment_min_amount` say. A draft shows as closed (it cannot be paid until issued).
    pub(super) fn page(&mut self, id: &str) -> Option<PageLink> {
        let invoice = self.invoices.get(id)?;
        Some(PageLink {
            provider: "Razorpay Invoices",
            id: invoice.id.clone(),
            description: invoice.description.clone().filter(|d| !d.is_empty()),
            currency: invoice.currency.clone(),
            amount: invoice.amount(),
            paid: invoice.amount_paid,
            status: invoice.status.to_string(),
            open: invoice.is_payable(),
            expires_at: invoice.expires_at(),
            partial_minimum: invoice.partial_payment.then(|| invoice.first_payment_min_amount.unwrap_or(0)),
        })
    }

    /// Control API: the invoice expires now (its `invoice.expired` event queued).
    pub(super) fn expire(&mut self, id: &str) -> Result<Value, ControlError> {
        self.invoices.expire(id)
    }
}

impl ProviderStore for Store {
    /// The `invoice.expired` events of invoices that expired (by the control API, or by
    /// themselves, noticed on a read).
    fn take_events(&mut self) -> Vec<WebhookEvent> {
        self.invoices.take_events()
    }
}

// ------------------------------------------------------------------------------ validation

/// The documented wording for a create or update body that does not decode.
fn invoice_error(request: &Map<String, Value>, error: &DecodeError) -> RazorpayError {
    let currency = request.get("currency").and_then(Value::as_str).filter(|c| !c.is_empty()).unwrap_or("INR");
    let integer = request.get("amount").is_some_and(Value::is_i64);
    undecodable(error, |field, problem| {
        let (key, description) = match (field, problem) {
            (_, Problem::Missing) => return None,
            ("type", _) => ("type", "The selected type is invalid.".to_owned()),
            ("receipt", _) => ("receipt", "The receipt must be between 1 and 40 characters.".to_owned()),
            ("amount", _) if integer => ("amount", format!("The amount must be at least 100 for {currency}.")),
            ("customer.name", _) => ("name", "The name may not be greater than 50 characters.".to_owned()),
            ("line_items.amount", _) => ("amount", "The amount must be at least 1.".to_owned()),
            ("line_items.quantity", _) => ("quantity", "The quantity must be at least 1.".to_owned()),
            ("description" | "comment" | "terms", _) => {
                (field, format!("The {field} may not be greater than 2048 characters."))
            }
            _ => return None,
        };
        Some(RazorpayError::bad_request(description).field(key))
    })
}

/// `callback_url`, if given: an absolute `http` or `https` URL, as for payment links.
fn callback_url(url: Option<String>) -> Result<Option<String>, RazorpayError> {
    match url {
        Some(url) if !is_web_url(&url) => {
            Err(RazorpayError::bad_request("callback_url: URL should be sent in callback_url field.")
                .field("callback_url"))
        }
        url => Ok(url),
    }
}

/// `terms` or `comment`, which the spec's create request does not carry: at most 2048
/// characters.
fn free_text(request: &Map<String, Value>, key: &str) -> Result<Option<String>, RazorpayError> {
    let text = string_field(request, key)?;
    if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
        return Err(
            RazorpayError::bad_request(format!("The {key} may not be greater than 2048 characters.")).field(key)
        );
    }
    Ok(text)
}

fn flag(flag: Option<InvoiceNotifyFlag>) -> Option<bool> {
    flag.map(|flag| match flag {
        InvoiceNotifyFlag::Bool(on) => on,
        InvoiceNotifyFlag::InvoiceNotifyFlagString(text) => text == InvoiceNotifyFlagString::X1,
    })
}

fn invoice_type(kind: InvoiceTypeRequest) -> KnownInvoiceType {
    match kind {
        InvoiceTypeRequest::Link => KnownInvoiceType::Link,
        InvoiceTypeRequest::Ecod => KnownInvoiceType::Ecod,
        InvoiceTypeRequest::Invoice => KnownInvoiceType::Invoice,
    }
}

/// A customer's address as the invoice shows it, with an id.
fn address(address: &AddressRequest, kind: &str) -> Address {
    Address {
        city: Some(address.city.clone()),
        country: Some(address.country.clone()),
        id: Some(new_id("addr")),
        line1: Some(address.line1.clone()),
        line2: address.line2.clone(),
        primary: Some(true),
        state: Some(address.state.clone()),
        type_: Some(kind.to_owned()),
        zipcode: Some(address.zipcode.clone()),
    }
}

/// The customer snapshot (with both the current and the `customer_*` keys) and its id.
fn customer(
    customer: Option<InvoiceCustomerRequest>,
    customer_id: Option<String>,
) -> Option<(String, InvoiceCustomerDetails)> {
    if customer.is_none() && customer_id.is_none() {
        return None;
    }
    let customer = customer.unwrap_or_default();
    let (name, email, contact) =
        (customer.name.map(String::from), customer.email.map(String::from), customer.contact.map(String::from));
    let id = customer_id.unwrap_or_else(|| new_id("cust"));
    let details = InvoiceCustomerDetails {
        billing_address: customer.billing_address.as_ref().map(|a| address(a, "billing_address")),
        contact: contact.clone(),
        customer_contact: contact,
        customer_email: email.clone(),
        customer_name: name.clone(),
        email,
        id: Some(id.clone()),
        name,
        shipping_address: customer.shipping_address.as_ref().map(|a| address(a, "shipping_address")),
        ..InvoiceCustomerDetails::default()
    };
    Some((id, details))
}

/// Line items in `currency` (at most 50): an item given by `item_id` may omit its name
/// (the item id) and amount (100).
fn line_items(items: Vec<InvoiceLineItemRequest>, currency: &str) -> Result<Vec<LineItem>, RazorpayError> {
    if items.len() > MAX_LINE_ITEMS {
        return Err(RazorpayError::bad_request("The line items may not have more than 50 items.").field("line_items"));
    }
    items
        .into_iter()
        .map(|item| {
            let amount = item.amount.map(|a| i64::try_from(a.get()).unwrap_or(i64::MAX));
            let (name, amount) = match (item.name, amount, &item.item_id) {
                (Some(name), Some(amount), _) => (name, amount),
                (name, amount, Some(item_id)) => (name.unwrap_or_else(|| item_id.clone()), amount.unwrap_or(100)),
                (None, _, None) => return Err(RazorpayError::bad_request("The name field is required.").field("name")),
                (Some(_), None, None) => {
                    return Err(RazorpayError::bad_request("The amount field is required.").field("amount"));
                }
            };
            let item_currency = item.currency.filter(|c| !c.is_empty()).unwrap_or_else(|| currency.to_owned());
            if item_currency != currency {
                return Err(RazorpayError::bad_request("Currency of all items should be the same as of the invoice."));
            }
            Ok(LineItem {
                id: item.id.unwrap_or_else(|| new_id("li")),
                item_id: item.item_id,
                name,
                description: item.description,
                amount,
                currency: item_currency,
                quantity: item.quantity.map_or(1, |q| i64::try_from(q.get()).unwrap_or(i64::MAX)),
            })
        })
        .collect()
}

// ------------------------------------------------------------------------------ handlers

/// `POST /v1/invoices`.
pub(super) async fn create(State(app): State<Arc<AppState>>, bytes: Bytes) -> Response {
    body::with_object(&bytes, bad_body, |request| create_invoice(&app, request))
}

fn create_invoice(app: &AppState, request: &Map<String, Value>) -> Result<Value, RazorpayError> {
    if let Some(extra) = request.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(extra_field(extra));
    }
    let decoded: CreateInvoiceRequest = body::decode(request).map_err(|e| invoice_error(request, &e))?;
    let invoice_type = invoice_type(decoded.type_);
    let currency = currency_of(decoded.currency.as_deref(), "The selected currency is invalid.")?;
    let Some((customer_id, customer)) = customer(decoded.customer, decoded.customer_id) else {
        return Err(RazorpayError::bad_request("customer is required.").field("customer"));
    };
    let items = line_items(decoded.line_items, &currency)?;
    let (line_items, plain_amount) = match decoded.amount.map(|a| i64::try_from(a.get()).unwrap_or(i64::MAX)) {
        _ if !items.is_empty() => (items, None),
        Some(amount) if invoice_type != KnownInvoiceType::Invoice => {
            if amount < 100 {
                return Err(RazorpayError::bad_request(format!("The amount must be at least 100 for {currency}."))
                    .field("amount"));
            }
            (Vec::new(), Some(amount))
        }
        _ => return Err(RazorpayError::bad_request("line_items is required.").field("line_items")),
    };
    let partial_payment = decoded.partial_payment.unwrap_or(false);
    let first_payment_min_amount = int_field(request, "first_payment_min_amount")?;
    if first_payment_min_amount.is_some() && !partial_payment {
        return Err(RazorpayError::bad_request(
            "first_payment_min_amount can be sent only when partial_payment is true.",
        )
        .field("first_payment_min_amount"));
    }
    let at = now();
    let mut invoice = Invoice {
        id: new_id("inv"),
        invoice_type,
        receipt: decoded.receipt.map(String::from),
        customer_id,
        customer,
        order_id: None,
        line_items,
        plain_amount,
        payment_ids: Vec::new(),
        status: KnownInvoiceStatus::Draft,
        expire_by: expire_by(decoded.expire_by, EXPIRE_BY_TOO_SOON)?,
        issued_at: None,
        paid_at: None,
        cancelled_at: None,
        expired_at: None,
        sms_notify: flag(decoded.sms_notify).unwrap_or(true),
        email_notify: flag(decoded.email_notify).unwrap_or(true),
        date: int_field(request, "date")?.unwrap_or(at),
        terms: free_text(request, "terms")?,
        comment: free_text(request, "comment")?,
        partial_payment,
        first_payment_min_amount,
        amount_paid: 0,
        currency,
        description: decoded.description.map(String::from),
        notes: notes(decoded.notes)?.unwrap_or_default(),
        short_url: None,
        callback_url: callback_url(decoded.callback_url)?,
        failed_attempts: 0,
        created_at: at,
    };
    if invoice.first_payment_min_amount.is_some_and(|min| min < 1 || min > invoice.amount()) {
        return Err(RazorpayError::bad_request("first_payment_min_amount must be between 1 and the invoice amount.")
            .field("first_payment_min_amount"));
    }
    let mut stores = app.lock();
    let store = stores.of::<Store>();
    store.key_secret = app.config.text(NAME, "key_secret").map(str::to_owned);
    if let Some(receipt) = &invoice.receipt
        && store.receipt_taken(receipt, "")
    {
        return Err(RazorpayError::bad_request("Invoice receipt must be unique.").field("receipt"));
    }
    if decoded.draft != Some(InvoiceDraftFlag::X1) {
        invoice.issue(app, at);
    }
    Ok(store.invoices.insert(invoice.id.clone(), invoice))
}

/// `GET /v1/invoices?type=&payment_id=&receipt=&customer_id=&count=&skip=&from=&to=` →
/// `{"entity": "collection", "count": N, "items": [...]}`, newest first, one page
/// ([`page_query`]: 10 invoices unless `count` says otherwise, at most 100).
pub(super) async fn list(State(app): State<Arc<AppState>>, query: QueryMap) -> Response {
    body::respond(query_map(query).and_then(|query| list_invoices(&app, &query)))
}

fn list_invoices(app: &AppState, query: &HashMap<String, String>) -> Result<Value, RazorpayError> {
    let known = ["type", "payment_id", "receipt", "customer_id", "count", "skip", "from", "to"];
    if let Some(extra) = query.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(extra_field(extra));
    }
    let (page, created) = page_query(query)?;
    let wanted_type = match query.get("type") {
        None => None,
        Some(text) => Some(
            text.parse::<InvoiceTypeRequest>()
                .map(invoice_type)
                .map_err(|_| RazorpayError::bad_request("The selected type is invalid.").field("type"))?,
        ),
    };
    let (payment_id, receipt) = (query.get("payment_id"), query.get("receipt"));
    let wanted = |i: &Invoice| {
        wanted_type.is_none_or(|t| i.invoice_type == t)
            && payment_id.is_none_or(|p| i.payment_ids.contains(p))
            && receipt.is_none_or(|r| i.receipt.as_ref() == Some(r))
            && query.get("customer_id").is_none_or(|c| &i.customer_id == c)
            && created.contains(&i.created_at)
    };
    let mut stores = app.lock();
    let invoices = &mut stores.of::<Store>().invoices;
    let entity = |invoice: &mut Invoice| invoice.entity();
    // A payment or a receipt names one invoice: looked up, not searched for.
    let found = match (payment_id, receipt) {
        (Some(payment_id), _) => Some(invoices.by_payment(payment_id)),
        (None, Some(receipt)) => Some(invoices.by_reference(receipt)),
        (None, None) => None,
    };
    let items: Vec<InvoiceEntity> = match found {
        Some(invoice) => {
            invoice.filter(|i| wanted(i)).into_iter().skip(page.skip).take(page.count).map(entity).collect()
        }
        None => invoices.page(page, wanted).into_iter().map(entity).collect(),
    };
    let count = i64::try_from(items.len()).ok();
    let mut body = serde_json::to_value(InvoiceList { count, entity: Some("collection".into()), items: Some(items) })
        .unwrap_or_default();
    // An empty list is still `"items": []` (the generated type omits empty lists).
    if let Some(map) = body.as_object_mut() {
        map.entry("items").or_insert_with(|| Value::Array(Vec::new()));
    }
    Ok(body)
}

/// `GET /v1/invoices/{id}`.
pub(super) async fn fetch(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    body::respond(stores.of::<Store>().invoices.get(&id).map(|invoice| invoice.to_json()).ok_or_else(unknown_id))
}

/// `PATCH /v1/invoices/{id}`: drafts accept every field; issued invoices only
/// `partial_payment`, `receipt`, `comment`, `terms`, `notes`, `expire_by`; others only `notes`.
pub(super) async fn update(State(app): State<Arc<AppState>>, Path(id): Path<String>, bytes: Bytes) -> Response {
    body::with_object(&bytes, bad_body, |request| update_invoice(&app, &id, request))
}

fn update_invoice(app: &AppState, id: &str, request: &Map<String, Value>) -> Result<Value, RazorpayError> {
    if let Some(extra) = request.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(extra_field(extra));
    }
    let mut stores = app.lock();
    let store = stores.of::<Store>();
    let status = store.invoices.get(id).ok_or_else(unknown_id)?.status;
    let allowed: &[&str] = match status {
        KnownInvoiceStatus::Draft => FIELDS,
        KnownInvoiceStatus::Issued => ISSUED_FIELDS,
        _ => &["notes"],
    };
    if request.keys().any(|k| !allowed.contains(&k.as_str())) {
        return Err(not_allowed(status));
    }
    let update: UpdateInvoiceRequest = body::decode(request).map_err(|e| invoice_error(request, &e))?;
    let receipt = update.receipt.map(String::from);
    if receipt.as_deref().is_some_and(|r| store.receipt_taken(r, id)) {
        return Err(RazorpayError::bad_request("Invoice receipt must be unique.").field("receipt"));
    }
    let notes = notes(update.notes)?;
    let expire_by = expire_by(update.expire_by, EXPIRE_BY_TOO_SOON)?;
    let first_payment_min_amount = int_field(request, "first_payment_min_amount")?;
    let invoice = store.invoices.get(id).ok_or_else(unknown_id)?;
    let mut updated = invoice.clone();
    if status == KnownInvoiceStatus::Draft {
        if let Some(kind) = update.type_ {
            updated.invoice_type = invoice_type(kind);
        }
        if let Some(currency) = update.currency.as_deref().filter(|c| !c.is_empty()) {
            updated.currency = currency_of(Some(currency), "The selected currency is invalid.")?;
        }
        if let Some((customer_id, customer)) = customer(update.customer, update.customer_id) {
            updated.customer_id = customer_id;
            updated.customer = customer;
        }
        if request.contains_key("line_items") {
            // Items with an `id` replace the existing item, the others are added.
            for item in line_items(update.line_items, &updated.currency)? {
                match updated.line_items.iter_mut().find(|existing| existing.id == item.id) {
                    Some(existing) => *existing = item,
                    None => updated.line_items.push(item),
                }
            }
            updated.plain_amount = None;
        }
        if let Some(amount) = update.amount {
            updated.plain_amount = Some(i64::try_from(amount.get()).unwrap_or(i64::MAX));
        }
        if update.callback_url.is_some() {
            updated.callback_url = callback_url(update.callback_url)?;
        }
        if let Some(description) = update.description {
            updated.description = Some(description.to_string());
        }
        if let Some(on) = flag(update.sms_notify) {
            updated.sms_notify = on;
        }
        if let Some(on) = flag(update.email_notify) {
            updated.email_notify = on;
        }
        if let Some(min) = first_payment_min_amount {
            updated.first_payment_min_amount = Some(min);
        }
    }
    if let Some(receipt) = receipt {
        updated.receipt = Some(receipt);
    }
    if let Some(terms) = update.terms {
        updated.terms = Some(terms.to_string());
    }
    if let Some(comment) = update.comment {
        updated.comment = Some(comment.to_string());
    }
    if let Some(notes) = notes {
        updated.notes = notes;
    }
    if expire_by.is_some() {
        updated.expire_by = expire_by;
    }
    if let Some(partial) = update.partial_payment {
        updated.partial_payment = partial;
    }
    *invoice = updated;
    if status == KnownInvoiceStatus::Draft && update.draft == Some(InvoiceDraftFlag::X0) {
        invoice.issue(app, now());
    }
    let body = invoice.to_json();
    store.invoices.reindex(id);
    Ok(body)
}

/// `POST /v1/invoices/{id}/issue`: `draft` → `issued`.
pub(super) async fn issue(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    body::respond(stores.of::<Store>().invoice_in(&id, |status| status == KnownInvoiceStatus::Draft).map(|invoice| {
        invoice.issue(&app, now());
        invoice.to_json()
    }))
}

/// `POST /v1/invoices/{id}/cancel`: only an `issued` invoice can be cancelled.
pub(super) async fn cancel(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    body::respond(stores.of::<Store>().invoice_in(&id, |status| status == KnownInvoiceStatus::Issued).map(|invoice| {
        invoice.status = KnownInvoiceStatus::Cancelled;
        invoice.cancelled_at = Some(now());
        invoice.to_json()
    }))
}

/// `DELETE /v1/invoices/{id}`: only a `draft`; answers `[]`.
pub(super) async fn delete(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    let store = stores.of::<Store>();
    let deletable = store.invoice_in(&id, |status| status == KnownInvoiceStatus::Draft).map(|_| ());
    body::respond(deletable.map(|()| {
        store.invoices.remove(&id);
        Value::Array(Vec::new())
    }))
}

/// `POST /v1/invoices/{id}/notify_by/{medium}` (`sms` or `email`), for issued or partly paid
/// invoices.
pub(super) async fn notify(State(app): State<Arc<AppState>>, Path((id, medium)): Path<(String, String)>) -> Response {
    if !matches!(medium.as_str(), "sms" | "email") {
        return RazorpayError::bad_request(format!("{medium} is not a valid communication medium."))
            .field("medium")
            .response();
    }
    let mut stores = app.lock();
    let result = stores
        .of::<Store>()
        .invoice_in(&id, |status| matches!(status, KnownInvoiceStatus::Issued | KnownInvoiceStatus::PartiallyPaid));
    body::respond(result.map(|_| serde_json::to_value(NotifyResult { success: Some(true) }).unwrap_or_default()))
}
