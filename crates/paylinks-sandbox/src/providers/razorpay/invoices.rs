//! Razorpay legacy invoice-based payment links and invoices: `/v1/invoices` create, fetch all,
//! fetch, update, issue, cancel, delete and notify
//! (<https://razorpay.com/docs/api/payments/invoices/>).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::links::new_id;
use super::{
    RazorpayError, bad_body, currency_field, expire_by_field, faulty_key, int_field, notes_field, query_map,
    string_field, unknown_id,
};
use crate::body::{self, QueryMap, present};
use crate::ids::alnum;
use crate::links::{Links, StoredLink};
use crate::payment::{ControlError, settle_payment};
use crate::state::AppState;

/// A legacy invoice short URL: `https://rzp.io/i/<random>`.
fn short_url() -> String {
    format!("https://rzp.io/i/{}", alnum(7))
}

/// State of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Draft,
    Issued,
    PartiallyPaid,
    Paid,
    Cancelled,
    Expired,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Issued => "issued",
            Status::PartiallyPaid => "partially_paid",
            Status::Paid => "paid",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
        }
    }

    fn is_payable(self) -> bool {
        matches!(self, Status::Issued | Status::PartiallyPaid)
    }
}

/// The business error for an operation the invoice's state forbids.
fn not_allowed(status: Status) -> RazorpayError {
    RazorpayError::business(format!("Operation not allowed for Invoice in {} status.", status.as_str()))
}

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

    fn to_json(&self, invoice_type: &str) -> Value {
        json!({
            "id": self.id,
            "item_id": self.item_id,
            "ref_id": null,
            "ref_type": null,
            "name": self.name,
            "description": self.description,
            "amount": self.amount,
            "unit_amount": self.amount,
            "gross_amount": self.total(),
            "tax_amount": 0,
            "taxable_amount": self.total(),
            "net_amount": self.total(),
            "currency": self.currency,
            "type": invoice_type,
            "tax_inclusive": false,
            "hsn_code": null,
            "sac_code": null,
            "tax_rate": null,
            "unit": null,
            "quantity": self.quantity,
            "taxes": [],
        })
    }
}

/// An invoice or legacy payment link; times in Unix seconds, `None` = `null`.
#[derive(Debug, Clone)]
struct Invoice {
    id: String,
    invoice_type: String,
    receipt: Option<String>,
    customer_id: String,
    customer: Map<String, Value>,
    order_id: Option<String>,
    line_items: Vec<LineItem>,
    /// The amount of a simple link created with `amount` instead of line items.
    plain_amount: Option<i64>,
    payment_ids: Vec<String>,
    status: Status,
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
    notes: Map<String, Value>,
    short_url: Option<String>,
    created_at: i64,
}

impl Invoice {
    fn amount(&self) -> i64 {
        self.plain_amount.unwrap_or_else(|| self.line_items.iter().map(LineItem::total).sum())
    }

    /// Moves a draft to `issued`: an order and a short URL appear.
    fn issue(&mut self, now: i64) {
        self.status = Status::Issued;
        self.issued_at = Some(now);
        self.date = now;
        self.order_id = Some(new_id("order"));
        self.short_url = Some(short_url());
    }
}

/// An issued (or partly paid) invoice expires once its `expire_by` has passed.
impl StoredLink for Invoice {
    const FAMILY: &'static str = "razorpay_invoice";
    const NOUN: &'static str = "invoice";

    fn status_name(&self) -> String {
        self.status.as_str().to_owned()
    }

    fn is_open(&self) -> bool {
        self.status.is_payable()
    }

    fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expire_by.and_then(|secs| DateTime::from_timestamp(secs, 0))
    }

    fn mark_expired(&mut self, at: DateTime<Utc>) {
        self.status = Status::Expired;
        self.expired_at = Some(at.timestamp());
    }

    fn to_json(&self) -> Value {
        let draft = self.status == Status::Draft;
        let notification = |on: bool| if draft || !on { Value::Null } else { json!("pending") };
        let amount = self.amount();
        json!({
            "id": self.id,
            "entity": "invoice",
            "receipt": self.receipt,
            "invoice_number": self.receipt,
            "customer_id": self.customer_id,
            "customer_details": self.customer,
            "order_id": self.order_id,
            "line_items": self.line_items.iter().map(|item| item.to_json(&self.invoice_type)).collect::<Vec<_>>(),
            "payment_id": self.payment_ids.last(),
            "status": self.status.as_str(),
            "expire_by": self.expire_by,
            "issued_at": self.issued_at,
            "paid_at": self.paid_at,
            "cancelled_at": self.cancelled_at,
            "expired_at": self.expired_at,
            "sms_status": notification(self.sms_notify),
            "email_status": notification(self.email_notify),
            "date": self.date,
            "terms": self.terms,
            "comment": self.comment,
            "partial_payment": self.partial_payment,
            "first_payment_min_amount": self.first_payment_min_amount,
            "gross_amount": amount,
            "tax_amount": 0,
            "taxable_amount": amount,
            "amount": amount,
            "amount_paid": if draft { Value::Null } else { json!(self.amount_paid) },
            "amount_due": if draft { Value::Null } else { json!(amount - self.amount_paid) },
            "currency": self.currency,
            "currency_symbol": currency_symbol(&self.currency),
            "description": self.description,
            "notes": self.notes,
            "short_url": self.short_url,
            "view_less": true,
            "billing_start": null,
            "billing_end": null,
            "type": self.invoice_type,
            "group_taxes_discounts": false,
            "user_id": null,
            "idempotency_key": null,
            "reminder_status": null,
            "subscription_status": null,
            "supply_state_code": null,
            "created_at": self.created_at,
        })
    }
}

fn currency_symbol(currency: &str) -> &'static str {
    match currency {
        "INR" => "₹",
        "USD" | "SGD" | "AUD" | "CAD" | "HKD" | "NZD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" | "CNY" => "¥",
        _ => "",
    }
}

/// The invoices' part of the sandbox state (deleted invoices are forgotten).
#[derive(Debug, Default)]
pub(super) struct Store {
    invoices: Links<Invoice>,
}

impl Store {
    /// The invoice `id`, if `allowed` takes its status; else the documented business error.
    fn invoice_in(&mut self, id: &str, allowed: impl FnOnce(Status) -> bool) -> Result<&mut Invoice, RazorpayError> {
        let invoice = self.invoices.get(id).ok_or_else(unknown_id)?;
        if !allowed(invoice.status) {
            return Err(not_allowed(invoice.status));
        }
        Ok(invoice)
    }

    /// Every invoice, oldest first, as entities.
    pub(super) fn all_links(&mut self) -> Vec<Value> {
        self.invoices.all_json()
    }

    /// Control API: the customer pays `amount` (default: the amount due).
    pub(super) fn pay(&mut self, id: &str, amount: Option<i64>) -> Result<Value, ControlError> {
        let invoice = self.invoices.open(id, "be paid")?;
        let minimum_first = if invoice.amount_paid == 0 { invoice.first_payment_min_amount.unwrap_or(0) } else { 0 };
        let total = invoice.amount();
        let amount = settle_payment(total - invoice.amount_paid, amount, invoice.partial_payment, minimum_first)?;
        invoice.amount_paid += amount;
        invoice.payment_ids.push(new_id("pay"));
        if invoice.amount_paid >= total {
            invoice.status = Status::Paid;
            invoice.paid_at = Some(Utc::now().timestamp());
        } else {
            invoice.status = Status::PartiallyPaid;
        }
        Ok(invoice.to_json())
    }

    /// Control API: the invoice expires now.
    pub(super) fn expire(&mut self, id: &str) -> Result<Value, ControlError> {
        self.invoices.expire(id)
    }
}

// ------------------------------------------------------------------------------ validation

/// Fields the create and update requests may carry.
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

/// Fields an issued invoice still accepts.
const ISSUED_FIELDS: &[&str] = &["partial_payment", "receipt", "comment", "terms", "notes", "expire_by"];

fn extra_field(key: &str) -> RazorpayError {
    RazorpayError::bad_request(format!("{key} is/are not required and should not be sent")).field(key)
}

/// `true`/`false` or the legacy strings `"1"`/`"0"`.
fn flag(request: &Map<String, Value>, key: &str) -> Result<Option<bool>, RazorpayError> {
    match present(request, key) {
        None => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(flag)),
        Some(Value::String(text)) if text == "1" || text == "true" => Ok(Some(true)),
        Some(Value::String(text)) if text == "0" || text == "false" => Ok(Some(false)),
        Some(Value::Number(n)) if n.as_i64() == Some(1) || n.as_i64() == Some(0) => Ok(Some(n.as_i64() == Some(1))),
        Some(_) => Err(faulty_key(key)),
    }
}

/// The customer's `kind` address (`billing_address` or `shipping_address`), if given, with an id.
fn address(customer: &Map<String, Value>, kind: &str) -> Result<Option<Value>, RazorpayError> {
    let Some(value) = present(customer, kind) else {
        return Ok(None);
    };
    let Value::Object(mut map) = value else {
        return Err(faulty_key(kind));
    };
    for key in ["line1", "city", "zipcode", "state", "country"] {
        if map.get(key).and_then(Value::as_str).is_none_or(str::is_empty) {
            return Err(RazorpayError::bad_request(format!("The {key} field is required.")).field(key));
        }
    }
    map.retain(|key, _| matches!(key.as_str(), "line1" | "line2" | "city" | "zipcode" | "state" | "country"));
    map.insert("id".into(), json!(new_id("addr")));
    map.insert("type".into(), json!(kind));
    map.insert("primary".into(), json!(true));
    Ok(Some(Value::Object(map)))
}

/// A customer id and the snapshot of that customer on the invoice.
type CustomerSnapshot = (String, Map<String, Value>);

/// The customer snapshot (with both the current and the `customer_*` keys) and its id.
fn customer(request: &Map<String, Value>) -> Result<Option<CustomerSnapshot>, RazorpayError> {
    let customer_id = string_field(request, "customer_id")?;
    let given = match present(request, "customer") {
        None => None,
        Some(Value::Object(map)) => Some(map),
        Some(_) => return Err(faulty_key("customer")),
    };
    if customer_id.is_none() && given.is_none() {
        return Ok(None);
    }
    let given = given.unwrap_or_default();
    let text = |key: &str| -> Result<Option<String>, RazorpayError> {
        match given.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(faulty_key(key)),
        }
    };
    let (name, email, contact) = (text("name")?, text("email")?, text("contact")?);
    if name.as_ref().is_some_and(|n| n.chars().count() > 50) {
        return Err(RazorpayError::bad_request("The name may not be greater than 50 characters.").field("name"));
    }
    let billing = address(&given, "billing_address")?;
    let shipping = address(&given, "shipping_address")?;
    let id = customer_id.unwrap_or_else(|| new_id("cust"));
    let details = json!({
        "id": id,
        "name": name,
        "email": email,
        "contact": contact,
        "gstin": null,
        "billing_address": billing,
        "shipping_address": shipping,
        "customer_name": name,
        "customer_email": email,
        "customer_contact": contact,
    });
    Ok(Some((id, details.as_object().cloned().unwrap_or_default())))
}

fn line_items(request: &Map<String, Value>, currency: &str) -> Result<Option<Vec<LineItem>>, RazorpayError> {
    let items = match present(request, "line_items") {
        None => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(faulty_key("line_items")),
    };
    if items.len() > 50 {
        return Err(RazorpayError::bad_request("The line items may not have more than 50 items.").field("line_items"));
    }
    let mut parsed = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(item) = item else {
            return Err(faulty_key("line_items"));
        };
        let item_id = string_field(&item, "item_id")?;
        let name = string_field(&item, "name")?;
        let amount = int_field(&item, "amount")?;
        let (name, amount) = match (name, amount, &item_id) {
            (Some(name), Some(amount), _) => (name, amount),
            (name, amount, Some(item_id)) => (name.unwrap_or_else(|| item_id.clone()), amount.unwrap_or(100)),
            (None, _, None) => return Err(RazorpayError::bad_request("The name field is required.").field("name")),
            (Some(_), None, None) => {
                return Err(RazorpayError::bad_request("The amount field is required.").field("amount"));
            }
        };
        if amount < 1 {
            return Err(RazorpayError::bad_request("The amount must be at least 1.").field("amount"));
        }
        let item_currency =
            string_field(&item, "currency")?.filter(|c| !c.is_empty()).unwrap_or_else(|| currency.to_owned());
        if item_currency != currency {
            return Err(RazorpayError::bad_request("Currency of all items should be the same as of the invoice."));
        }
        let quantity = int_field(&item, "quantity")?.unwrap_or(1);
        if quantity < 1 {
            return Err(RazorpayError::bad_request("The quantity must be at least 1.").field("quantity"));
        }
        parsed.push(LineItem {
            id: string_field(&item, "id")?.unwrap_or_else(|| new_id("li")),
            item_id,
            name,
            description: string_field(&item, "description")?,
            amount,
            currency: item_currency,
            quantity,
        });
    }
    Ok(Some(parsed))
}

/// The invoices API's error for an `expire_by` less than 15 minutes ahead.
const EXPIRE_BY_TOO_SOON: &str = "expire_by should be at least 15 minutes after current time.";

fn receipt(request: &Map<String, Value>) -> Result<Option<String>, RazorpayError> {
    let receipt = string_field(request, "receipt")?;
    if receipt.as_ref().is_some_and(|r| r.is_empty() || r.chars().count() > 40) {
        return Err(RazorpayError::bad_request("The receipt must be between 1 and 40 characters.").field("receipt"));
    }
    Ok(receipt)
}

fn bounded_text(request: &Map<String, Value>, key: &str) -> Result<Option<String>, RazorpayError> {
    let text = string_field(request, key)?;
    if text.as_ref().is_some_and(|t| t.chars().count() > 2048) {
        return Err(
            RazorpayError::bad_request(format!("The {key} may not be greater than 2048 characters.")).field(key)
        );
    }
    Ok(text)
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
    let invoice_type = match string_field(request, "type")? {
        None => return Err(RazorpayError::bad_request("The type field is required.").field("type")),
        Some(t) if matches!(t.as_str(), "link" | "ecod" | "invoice") => t,
        Some(_) => return Err(RazorpayError::bad_request("The selected type is invalid.").field("type")),
    };
    let currency = currency_field(request, "The selected currency is invalid.")?;
    let Some((customer_id, customer)) = customer(request)? else {
        return Err(RazorpayError::bad_request("customer is required.").field("customer"));
    };
    let items = line_items(request, &currency)?;
    let plain_amount = int_field(request, "amount")?;
    let (line_items, plain_amount) = match (items, plain_amount) {
        (Some(items), _) if !items.is_empty() => (items, None),
        (_, Some(amount)) if invoice_type != "invoice" => {
            if amount < 100 {
                return Err(RazorpayError::bad_request(format!("The amount must be at least 100 for {currency}."))
                    .field("amount"));
            }
            (Vec::new(), Some(amount))
        }
        _ => return Err(RazorpayError::bad_request("line_items is required.").field("line_items")),
    };
    let draft = match present(request, "draft") {
        None => false,
        Some(Value::String(d)) if d == "1" || d == "0" => d == "1",
        Some(Value::Bool(d)) => d,
        Some(_) => return Err(faulty_key("draft")),
    };
    let receipt = receipt(request)?;
    let expire_by = expire_by_field(request, EXPIRE_BY_TOO_SOON)?;
    let partial_payment = flag(request, "partial_payment")?.unwrap_or(false);
    let first_payment_min_amount = int_field(request, "first_payment_min_amount")?;
    if first_payment_min_amount.is_some() && !partial_payment {
        return Err(RazorpayError::bad_request(
            "first_payment_min_amount can be sent only when partial_payment is true.",
        )
        .field("first_payment_min_amount"));
    }
    let now = Utc::now().timestamp();
    let mut invoice = Invoice {
        id: new_id("inv"),
        invoice_type,
        receipt,
        customer_id,
        customer,
        order_id: None,
        line_items,
        plain_amount,
        payment_ids: Vec::new(),
        status: Status::Draft,
        expire_by,
        issued_at: None,
        paid_at: None,
        cancelled_at: None,
        expired_at: None,
        sms_notify: flag(request, "sms_notify")?.unwrap_or(true),
        email_notify: flag(request, "email_notify")?.unwrap_or(true),
        date: int_field(request, "date")?.unwrap_or(now),
        terms: bounded_text(request, "terms")?,
        comment: bounded_text(request, "comment")?,
        partial_payment,
        first_payment_min_amount,
        amount_paid: 0,
        currency,
        description: bounded_text(request, "description")?,
        notes: notes_field(request, "notes")?.unwrap_or_default(),
        short_url: None,
        created_at: now,
    };
    if invoice.first_payment_min_amount.is_some_and(|min| min < 1 || min > invoice.amount()) {
        return Err(RazorpayError::bad_request("first_payment_min_amount must be between 1 and the invoice amount.")
            .field("first_payment_min_amount"));
    }
    let mut stores = app.lock();
    let store = stores.of::<Store>();
    if let Some(receipt) = &invoice.receipt
        && store.invoices.any(|other| other.receipt.as_ref() == Some(receipt))
    {
        return Err(RazorpayError::bad_request("Invoice receipt must be unique.").field("receipt"));
    }
    if !draft {
        invoice.issue(now);
    }
    Ok(store.invoices.insert(invoice.id.clone(), invoice))
}

/// `GET /v1/invoices?type=&payment_id=&receipt=&customer_id=&count=&skip=&from=&to=` →
/// `{"entity": "collection", "count": N, "items": [...]}`, newest first.
pub(super) async fn list(State(app): State<Arc<AppState>>, query: QueryMap) -> Response {
    body::respond(query_map(query).and_then(|query| list_invoices(&app, &query)))
}

fn list_invoices(app: &AppState, query: &HashMap<String, String>) -> Result<Value, RazorpayError> {
    let known = ["type", "payment_id", "receipt", "customer_id", "count", "skip", "from", "to"];
    if let Some(extra) = query.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(extra_field(extra));
    }
    let number = |key: &str, default: i64| -> Result<i64, RazorpayError> {
        match query.get(key) {
            None => Ok(default),
            Some(text) => text
                .parse::<i64>()
                .map_err(|_| RazorpayError::bad_request(format!("The {key} must be an integer.")).field(key)),
        }
    };
    let count = number("count", 10)?;
    if !(1..=100).contains(&count) {
        return Err(RazorpayError::bad_request("The count must be between 1 and 100.").field("count"));
    }
    let skip = number("skip", 0)?;
    if skip < 0 {
        return Err(RazorpayError::bad_request("The skip must be at least 0.").field("skip"));
    }
    let (from, to) = (number("from", i64::MIN)?, number("to", i64::MAX)?);
    if let Some(invoice_type) = query.get("type")
        && !matches!(invoice_type.as_str(), "link" | "ecod" | "invoice")
    {
        return Err(RazorpayError::bad_request("The selected type is invalid.").field("type"));
    }
    let mut stores = app.lock();
    let items: Vec<Value> = stores
        .of::<Store>()
        .invoices
        .newest_first()
        .into_iter()
        .filter(|i| query.get("type").is_none_or(|t| &i.invoice_type == t))
        .filter(|i| query.get("payment_id").is_none_or(|p| i.payment_ids.contains(p)))
        .filter(|i| query.get("receipt").is_none_or(|r| i.receipt.as_ref() == Some(r)))
        .filter(|i| query.get("customer_id").is_none_or(|c| &i.customer_id == c))
        .filter(|i| i.created_at >= from && i.created_at <= to)
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(usize::try_from(count).unwrap_or(0))
        .map(|i| i.to_json())
        .collect();
    Ok(json!({"entity": "collection", "count": items.len(), "items": items}))
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
    let receipt_taken = |receipt: &str, store: &Store| {
        store.invoices.any(|other| other.id != id && other.receipt.as_deref() == Some(receipt))
    };
    let status = store.invoices.get(id).ok_or_else(unknown_id)?.status;
    let allowed: &[&str] = match status {
        Status::Draft => FIELDS,
        Status::Issued => ISSUED_FIELDS,
        _ => &["notes"],
    };
    if request.keys().any(|k| !allowed.contains(&k.as_str())) {
        return Err(not_allowed(status));
    }
    let receipt = receipt(request)?;
    if receipt.as_deref().is_some_and(|r| receipt_taken(r, store)) {
        return Err(RazorpayError::bad_request("Invoice receipt must be unique.").field("receipt"));
    }
    let notes = notes_field(request, "notes")?;
    let expire_by = expire_by_field(request, EXPIRE_BY_TOO_SOON)?;
    let partial_payment = flag(request, "partial_payment")?;
    let invoice = store.invoices.get(id).ok_or_else(unknown_id)?;
    let mut updated = invoice.clone();
    if status == Status::Draft {
        if let Some(invoice_type) = string_field(request, "type")? {
            if !matches!(invoice_type.as_str(), "link" | "ecod" | "invoice") {
                return Err(RazorpayError::bad_request("The selected type is invalid.").field("type"));
            }
            updated.invoice_type = invoice_type;
        }
        if let Some(currency) = string_field(request, "currency")?.filter(|c| !c.is_empty()) {
            if !super::is_currency(&currency) {
                return Err(RazorpayError::bad_request("The selected currency is invalid.").field("currency"));
            }
            updated.currency = currency;
        }
        if let Some((customer_id, customer)) = customer(request)? {
            updated.customer_id = customer_id;
            updated.customer = customer;
        }
        if let Some(items) = line_items(request, &updated.currency)? {
            // Items with an `id` replace the existing item, the others are added.
            for item in items {
                match updated.line_items.iter_mut().find(|existing| existing.id == item.id) {
                    Some(existing) => *existing = item,
                    None => updated.line_items.push(item),
                }
            }
            updated.plain_amount = None;
        }
        if let Some(amount) = int_field(request, "amount")? {
            updated.plain_amount = Some(amount);
        }
        if let Some(description) = bounded_text(request, "description")? {
            updated.description = Some(description);
        }
        for (key, slot) in [("sms_notify", &mut updated.sms_notify), ("email_notify", &mut updated.email_notify)] {
            if let Some(on) = flag(request, key)? {
                *slot = on;
            }
        }
        if let Some(min) = int_field(request, "first_payment_min_amount")? {
            updated.first_payment_min_amount = Some(min);
        }
    }
    if let Some(receipt) = receipt {
        updated.receipt = Some(receipt);
    }
    if let Some(terms) = bounded_text(request, "terms")? {
        updated.terms = Some(terms);
    }
    if let Some(comment) = bounded_text(request, "comment")? {
        updated.comment = Some(comment);
    }
    if let Some(notes) = notes {
        updated.notes = notes;
    }
    if expire_by.is_some() {
        updated.expire_by = expire_by;
    }
    if let Some(partial) = partial_payment {
        updated.partial_payment = partial;
    }
    let draft_flag = present(request, "draft");
    *invoice = updated;
    if status == Status::Draft && matches!(draft_flag, Some(Value::String(ref d)) if d == "0") {
        invoice.issue(Utc::now().timestamp());
    }
    Ok(invoice.to_json())
}

/// `POST /v1/invoices/{id}/issue`: `draft` → `issued`.
pub(super) async fn issue(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    body::respond(stores.of::<Store>().invoice_in(&id, |status| status == Status::Draft).map(|invoice| {
        invoice.issue(Utc::now().timestamp());
        invoice.to_json()
    }))
}

/// `POST /v1/invoices/{id}/cancel`: only an `issued` invoice can be cancelled.
pub(super) async fn cancel(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    body::respond(stores.of::<Store>().invoice_in(&id, |status| status == Status::Issued).map(|invoice| {
        invoice.status = Status::Cancelled;
        invoice.cancelled_at = Some(Utc::now().timestamp());
        invoice.to_json()
    }))
}

/// `DELETE /v1/invoices/{id}`: only a `draft`; answers `[]`.
pub(super) async fn delete(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut stores = app.lock();
    let store = stores.of::<Store>();
    let deletable = store.invoice_in(&id, |status| status == Status::Draft).map(|_| ());
    body::respond(deletable.map(|()| {
        store.invoices.remove(&id);
        json!([])
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
    body::respond(stores.of::<Store>().invoice_in(&id, Status::is_payable).map(|_| json!({"success": true})))
}
