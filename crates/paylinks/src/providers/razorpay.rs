//! Razorpay Payment Links v2: `/v1/payment_links`. Integer minor units, Unix-second times
//! with `0` for "not set", `BAD_REQUEST_ERROR` for almost every 4xx.

use paylinks_core::Secret;
use paylinks_core::http::Environment;
use paylinks_razorpay::types::{self, PaymentLink as RazorpayLink};
use paylinks_razorpay::{Client, Credentials, Error as RazorpayError, unix_time};

use super::refusals::{ONE_ATTEMPT, state_checked};
use super::rules::check_common;
use super::wire::{
    Call, build, error_body, field, has_text, idempotent_create, list_under, map_api_error, optional, raw_value,
};
use crate::api::{Body, Delivery, LinkApi, Settings};
use crate::returns::{Params, non_empty};
use crate::{
    CreateLink, Currency, Customer, Error, EventKind, LinkEvent, LinkStatus, ListFilter, Money, NotifyMedium, Paylinks,
    PaylinksBuilder, Payment, PaymentLink, PaymentStatus, Provider, ProviderConfig, ProviderLink, RetryPolicy, Return,
    ReturnError, WebhookError,
};

const PROVIDER: Provider = Provider::Razorpay;

/// Razorpay's credentials, shared by its two link APIs (payment links and invoice links). The
/// key decides test or live mode; there is one host, so no environment variable.
pub(crate) static SETTINGS: Settings = Settings {
    owner: PROVIDER,
    id_var: "RAZORPAY_KEY_ID",
    secret_var: "RAZORPAY_KEY_SECRET",
    env_var: None,
    base_url_var: "RAZORPAY_BASE_URL",
    default_environment: Environment::Sandbox,
};

/// Razorpay Payment Links v2.
pub(crate) struct Razorpay;

impl LinkApi for Razorpay {
    const PROVIDER: Provider = PROVIDER;
    const SETTINGS: &'static Settings = &SETTINGS;
    /// `PaymentLinkStatus` of `specs/razorpay.yaml`, plus the legacy `issued` and `active`
    /// (the payment-link states page shows them, and so does razorpay-go's
    /// `testdata/fake_paymentlink.json`, kept as `tests/fixtures/razorpay/sdk_go_fake_paymentlink.json`).
    const STATUS_ROWS: &'static [(&'static str, LinkStatus)] = &[
        ("created", LinkStatus::Active),
        ("issued", LinkStatus::Active),
        ("active", LinkStatus::Active),
        ("partially_paid", LinkStatus::PartiallyPaid),
        ("paid", LinkStatus::Paid),
        ("expired", LinkStatus::Expired),
        ("cancelled", LinkStatus::Cancelled),
    ];
    const ID_PREFIXES: &'static [&'static str] = &["plink_"];

    const AMOUNT_FIELDS: [&'static str; 2] = ["amount", "amount_paid"];

    type Client = Client;
    type Entity = RazorpayLink;

    fn credentials(id: String, secret: Secret) -> Credentials {
        Credentials::new(id, secret)
    }

    fn validate(link: &CreateLink) -> Result<(), Error> {
        rules(link)?;
        request(link).map(drop)
    }

    fn map_link(entity: RazorpayLink) -> Result<PaymentLink, String> {
        let id = entity.id.clone().ok_or("the link has no id")?;
        let currency = parse_currency(entity.currency.as_deref())?;
        let amount = Money::new(entity.amount.ok_or("the link has no amount")?, currency);
        let amount_paid = Money::new(entity.amount_paid.unwrap_or(0), currency);
        let partial_payments = entity.accept_partial.unwrap_or(false);
        let minimum =
            entity.first_min_partial_amount.filter(|m| partial_payments && *m > 0).map(|m| Money::new(m, currency));
        let provider_status = entity.status.as_ref().and_then(raw_value).ok_or("the link has no status")?;
        let customer = match &entity.customer {
            Some(types::PaymentLinkCustomerOrEmptyArray::PaymentLinkCustomer(c)) => {
                Customer { name: c.name.clone(), email: c.email.clone(), phone: c.contact.clone() }
            }
            _ => Customer::default(),
        };
        let notes = notes_text(entity.notes.as_ref());
        let payments = entity
            .payments
            .iter()
            .flatten()
            .enumerate()
            .map(|(index, payment)| link_payment(payment, currency).map_err(|why| format!("payments[{index}]: {why}")))
            .collect::<Result<_, _>>()?;
        Ok(PaymentLink {
            provider: PROVIDER,
            id,
            reference: entity.reference_id.clone().filter(|r| !r.is_empty()),
            // Created at the first checkout attempt: absent (or null) before.
            order_id: entity.order_id.clone().filter(|id| !id.is_empty()),
            status: crate::status::row_status(Self::STATUS_ROWS, &provider_status),
            provider_status,
            amount,
            amount_paid,
            url: entity.short_url.clone().filter(|u| !u.is_empty()),
            description: entity.description.clone().filter(|d| !d.is_empty()),
            customer,
            partial_payments,
            minimum_partial_amount: minimum,
            created_at: unix_time(entity.created_at),
            expires_at: unix_time(entity.expire_by),
            cancelled_at: unix_time(entity.cancelled_at),
            notes,
            payments,
            raw: ProviderLink::Razorpay(Box::new(entity)),
        })
    }

    /// Razorpay signs its webhook deliveries with the secret set in the Dashboard with the
    /// webhook URL, not with the API key secret.
    const WEBHOOK_SECRET_VAR: Option<&'static str> = Some("RAZORPAY_WEBHOOK_SECRET");

    /// Verifies a delivery with [`paylinks_razorpay::webhook::Verifier`] (hex HMAC-SHA256 of the
    /// raw body; Razorpay signs no timestamp, so `delivery.tolerance` does not apply) and reads
    /// it: `payment_link.*` events as links of this API, `invoice.*` events as links of
    /// [`RazorpayInvoice`](super::razorpay_invoice::RazorpayInvoice) (one secret, one URL for
    /// both). See [`link_event`].
    fn verify_event(delivery: &Delivery<'_>) -> Result<LinkEvent, WebhookError> {
        let verifier = paylinks_razorpay::webhook::Verifier::new(delivery.secret.expose());
        let event = verifier.verify_at(delivery.headers, delivery.body, delivery.now)?;
        link_event(event)
    }

    /// Razorpay's `callback_url` redirect (GET; the facade creates links with
    /// `callback_method: get`): `razorpay_payment_id`, `razorpay_payment_link_id`,
    /// `razorpay_payment_link_reference_id`, `razorpay_payment_link_status` (the link's status,
    /// `paid` or `partially_paid`) and `razorpay_signature`, the hex HMAC-SHA256 keyed with the
    /// **API key secret** over `link_id|reference_id|status|payment_id`, checked by
    /// [`paylinks_razorpay::redirect::verify_callback`] (razorpay-python
    /// `razorpay/utility/utility.py` `verify_payment_link_signature`;
    /// <https://razorpay.com/docs/payments/payment-links/apis/#callback-url>). An empty
    /// reference is `None`.
    fn verify_return(secret: &Secret, params: &Params) -> Result<Return, Error> {
        let callback = paylinks_razorpay::redirect::verify_callback(secret.expose(), params.pairs())
            .map_err(|e| ReturnError::from_verifier(PROVIDER, e))?;
        Ok(Return {
            provider: PROVIDER,
            link_id: Some(callback.payment_link_id),
            reference: non_empty(callback.reference_id),
            order_id: None,
            payment_id: Some(callback.payment_id),
            status: Some(crate::status::row_status(Self::STATUS_ROWS, &callback.status)),
            provider_status: Some(callback.status),
            verified: true,
        })
    }

    /// Razorpay's error envelope (`{"error": {"code", "description", ...}}`), its list
    /// (`{"count", "payment_links": [...]}`; some SDK mocks say `items`) and its webhook
    /// envelope (`{"entity": "event", "event": "payment_link.paid", "payload": {...}}`).
    fn classify(body: &serde_json::Value) -> Body {
        classify_razorpay(body, &["payment_links", "items"])
    }

    async fn create(client: &Client, retry: &RetryPolicy, link: &CreateLink) -> Result<PaymentLink, Error> {
        rules(link)?;
        let body = request(link)?;
        let call = Call::new(PROVIDER, "create", link.reference.clone().unwrap_or_default());
        if link.reference.is_some() {
            idempotent_create(PROVIDER, "reference_id");
        }
        let create = || async { read(&call, client.create_payment_link().body(body.clone()).send().await) };
        let by_reference = ListFilter { reference: link.reference.clone() };
        let find = || Self::list(client, &ONE_ATTEMPT, &by_reference);
        created_once(retry, link.reference.as_deref(), create, already_attempted, find).await
    }

    async fn get(client: &Client, retry: &RetryPolicy, id: &str) -> Result<PaymentLink, Error> {
        let call = Call::new(PROVIDER, "get", id);
        retry.run(|_| async { read(&call, client.fetch_payment_link().id(id).send().await) }).await
    }

    async fn cancel(client: &Client, retry: &RetryPolicy, id: &str) -> Result<PaymentLink, Error> {
        let call = Call::new(PROVIDER, "cancel", id);
        let cancel = || async { read(&call, client.cancel_payment_link().id(id).send().await) };
        state_checked::<Self, _, _>(&call, retry, client, cancel, std::convert::identity).await
    }

    async fn resend(client: &Client, retry: &RetryPolicy, id: &str, medium: NotifyMedium) -> Result<(), Error> {
        let call = Call::new(PROVIDER, "resend_notification", id);
        let medium = notification_medium(medium);
        let notify = || async {
            client.notify_payment_link().id(id).medium(medium).send().await.map(drop).map_err(|e| map_error(&call, e))
        };
        state_checked::<Self, _, _>(&call, retry, client, notify, drop).await
    }

    /// Every payment link, page by page: Razorpay answers one page of `count` links (10 when
    /// not sent, <https://razorpay.com/docs/api/pagination>; the official Node SDK's
    /// `paymentLink.all` always sends `count` and `skip`), so `list` asks for pages of 100 (the
    /// maximum of Razorpay's collections) until a page is short.
    async fn list(client: &Client, retry: &RetryPolicy, filter: &ListFilter) -> Result<Vec<PaymentLink>, Error> {
        let call = &Call::new(PROVIDER, "list", filter.reference.clone().unwrap_or_default());
        all_pages(|skip| {
            retry.run(move |_| async move {
                let mut request = client.list_payment_links().count(PAGE).skip(skip);
                if let Some(reference) = &filter.reference {
                    request = request.reference_id(reference.as_str());
                }
                let response = request.send().await.map_err(|e| map_error(call, e))?.into_inner();
                // The API documents `payment_links`; an `items` envelope is accepted too.
                let items = match response.payment_links {
                    Some(links) if !links.is_empty() => links,
                    _ => response.items.unwrap_or_default(),
                };
                items.into_iter().map(|link| Self::normalise(link).map_err(|m| call.decode(m))).collect()
            })
        })
        .await
    }
}

/// A payment of a link's `payments[]`: amounts in the link's currency (the items carry none).
fn link_payment(payment: &types::PaymentLinkPayment, currency: Currency) -> Result<Payment, String> {
    let id = payment.payment_id.clone().filter(|id| !id.is_empty()).ok_or("the payment has no payment_id")?;
    let status = payment.status.as_ref().and_then(raw_value);
    payment_of(id, payment.amount, currency, status, payment.method.as_ref().and_then(raw_value), payment.created_at)
}

/// A [`Payment`] from the fields both kinds of Razorpay payment carry: an amount above zero in
/// `currency`'s minor units and a status, or why not (naming the field, never a value).
fn payment_of(
    id: String,
    amount: Option<i64>,
    currency: Currency,
    provider_status: Option<String>,
    method: Option<String>,
    created_at: Option<i64>,
) -> Result<Payment, String> {
    let amount = amount.ok_or("the payment has no amount")?;
    if amount <= 0 {
        return Err("the payment's amount is not above zero".into());
    }
    let provider_status = provider_status.ok_or("the payment has no status")?;
    Ok(Payment {
        id,
        amount: Money::new(amount, currency),
        status: payment_status(&provider_status),
        provider_status,
        method,
        created_at: unix_time(created_at),
    })
}

/// Razorpay's payment states (<https://razorpay.com/docs/payments/payments/#payment-life-cycle>):
/// `captured` is money taken; `created` and `authorized` are not settled yet (an authorised
/// payment that is never captured is refunded to the customer).
pub(crate) fn payment_status(status: &str) -> PaymentStatus {
    match status {
        "captured" => PaymentStatus::Succeeded,
        "created" | "authorized" => PaymentStatus::Pending,
        "failed" => PaymentStatus::Failed,
        "refunded" => PaymentStatus::Refunded,
        _ => PaymentStatus::Other,
    }
}

/// A verified Razorpay event as a [`LinkEvent`]:
///
/// - `kind` from the event name: `*.paid` paid, `*.partially_paid` partially paid,
///   `*.cancelled` cancelled, `*.expired` expired; any other event the webhook is subscribed
///   to (`payment.captured`, `order.paid`...) is `other`;
/// - `occurred_at` from the envelope's `created_at` (Unix seconds);
/// - `link` from `payload.payment_link.entity` (provider `razorpay`) or
///   `payload.invoice.entity` (provider `razorpay_invoice`), through the same mapping as the
///   API's answers; the webhook's link has no `payments`, so `link.payments` is empty and the
///   event's payment is in `payment`;
/// - `link_id`: the link's `id` (`plink_…` / `inv_…`), when the event carries the link;
/// - `order_id` from `payload.order.entity.id` (payment events only), exactly as sent: the
///   documented payment-link samples give it without the `order_` prefix that
///   `payload.payment.entity.order_id` and the link's `order_id` carry;
/// - `payment` from `payload.payment.entity`: its amount in the payment's own currency.
///
/// A `payment_link.*` event without `payload.payment_link` (or an `invoice.*` one without
/// `payload.invoice`), or a link or payment that cannot be read, is
/// [`WebhookError::NotAnEvent`] naming the field.
pub(crate) fn link_event(event: paylinks_razorpay::webhook::Event) -> Result<LinkEvent, WebhookError> {
    use paylinks_razorpay::types::{KnownWebhookEventName as Name, WebhookEventName};

    let not_an_event = |why: String| WebhookError::NotAnEvent { provider: "razorpay", why };
    let envelope = event.envelope;
    let provider_event = raw_value(&envelope.event).unwrap_or_default();
    let (kind, expects) = match &envelope.event {
        WebhookEventName::KnownWebhookEventName(name) => match name {
            Name::PaymentLinkPaid => (EventKind::Paid, Some(Provider::Razorpay)),
            Name::PaymentLinkPartiallyPaid => (EventKind::PartiallyPaid, Some(Provider::Razorpay)),
            Name::PaymentLinkCancelled => (EventKind::Cancelled, Some(Provider::Razorpay)),
            Name::PaymentLinkExpired => (EventKind::Expired, Some(Provider::Razorpay)),
            Name::InvoicePaid => (EventKind::Paid, Some(Provider::RazorpayInvoice)),
            Name::InvoicePartiallyPaid => (EventKind::PartiallyPaid, Some(Provider::RazorpayInvoice)),
            Name::InvoiceExpired => (EventKind::Expired, Some(Provider::RazorpayInvoice)),
        },
        WebhookEventName::Unknown(_) => (EventKind::Other, None),
    };
    let occurred_at = unix_time(Some(envelope.created_at))
        .ok_or_else(|| not_an_event("`created_at` is not a time in Unix seconds".into()))?;
    let payload = envelope.payload;
    // As sent: the documented payment-link samples give it without the `order_` prefix.
    let order_id = payload.order.as_ref().and_then(|order| order.entity.id.clone());
    let link = match (payload.payment_link, payload.invoice) {
        (Some(link), _) if expects != Some(Provider::RazorpayInvoice) => Some(
            Razorpay::normalise(link.entity)
                .map_err(|why| not_an_event(format!("payload.payment_link.entity: {why}")))?,
        ),
        (_, Some(invoice)) if expects != Some(Provider::Razorpay) => Some(
            super::razorpay_invoice::RazorpayInvoice::normalise(invoice.entity)
                .map_err(|why| not_an_event(format!("payload.invoice.entity: {why}")))?,
        ),
        _ => None,
    };
    if let (Some(expected), None) = (expects, &link) {
        let member = if expected == Provider::Razorpay { "payment_link" } else { "invoice" };
        return Err(not_an_event(format!("a {provider_event} event without `payload.{member}`")));
    }
    let payment = payload
        .payment
        .map(|payment| event_payment(&payment.entity))
        .transpose()
        .map_err(|why| not_an_event(format!("payload.payment.entity: {why}")))?;
    Ok(LinkEvent {
        provider: link.as_ref().map_or(expects.unwrap_or(Provider::Razorpay), |link| link.provider),
        event_id: event.id,
        kind,
        provider_event,
        occurred_at,
        link_id: link.as_ref().map(|link| link.id.clone()),
        order_id,
        link,
        payment,
    })
}

/// The payment entity of an event: its amount in its own currency.
fn event_payment(payment: &types::Payment) -> Result<Payment, String> {
    let id = payment.id.clone().filter(|id| !id.is_empty()).ok_or("the payment has no id")?;
    let currency = match payment.currency.as_deref() {
        None | Some("") => return Err("the payment's currency is empty, so its amount has no unit".into()),
        Some(code) => code.parse::<Currency>().map_err(|e| format!("currency: {e}"))?,
    };
    let status = payment.status.as_ref().and_then(raw_value);
    payment_of(id, payment.amount, currency, status, payment.method.as_ref().and_then(raw_value), payment.created_at)
}

impl Paylinks {
    /// The generated Razorpay client (payment links and invoices), for operations and fields
    /// the facade does not unify.
    ///
    /// # Errors
    /// [`Error::Config`] when Razorpay is not configured.
    pub fn razorpay(&self) -> Result<&Client, Error> {
        self.client::<Razorpay>()
    }
}

impl PaylinksBuilder {
    /// Enables Razorpay, payment links and invoice links (key id and secret; the key decides
    /// test or live mode, `environment` only changes the host).
    pub fn razorpay(self, key_id: impl Into<String>, key_secret: impl Into<Secret>, environment: Environment) -> Self {
        self.provider(PROVIDER, ProviderConfig { id: key_id.into(), secret: key_secret.into(), environment })
    }
}

/// Documented limits: description 2048 characters, 15 notes of at most 255 characters (the
/// server's limit as its error text says; the reference pages say 256), `reference_id` 40
/// characters, INR minimum 100 paise, contact 8 to 14 characters, a payment link's expiry at
/// most six months out.
const MAX_DESCRIPTION: usize = 2048;
const MAX_NOTES: usize = 15;
const MAX_NOTE_VALUE: usize = 255;
const MAX_EXPIRY_MONTHS: u32 = 6;
const MAX_REFERENCE: usize = 40;
const MIN_INR: i64 = 100;
/// The description Razorpay answers a duplicate `reference_id` with.
const ALREADY_ATTEMPTED: &str = "payment link creation with reference ID already attempted";

/// Checks the rules Razorpay's two link APIs share.
pub(crate) fn validate_common(provider: Provider, link: &CreateLink) -> Result<(), Error> {
    check_common(provider, link)?;
    let currency = link.amount.currency;
    if currency == Currency::INR && link.amount.minor < MIN_INR {
        return Err(Error::invalid(provider, "amount", "amount should be minimum 100 for INR (₹1.00)"));
    }
    // Three-decimal currencies (KWD, BHD, OMR) must end in 0.
    if currency.exponent() == 3 && link.amount.minor % 10 != 0 {
        return Err(Error::invalid(provider, "amount", format!("{currency} amounts must end in 0 in minor units")));
    }
    if link.description.as_ref().is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
        return Err(Error::invalid(provider, "description", format!("at most {MAX_DESCRIPTION} characters")));
    }
    if link.notes.len() > MAX_NOTES {
        return Err(Error::invalid(provider, "notes", format!("at most {MAX_NOTES} notes")));
    }
    if let Some((key, _)) = link.notes.iter().find(|(_, v)| v.chars().count() > MAX_NOTE_VALUE) {
        return Err(Error::invalid(
            provider,
            "notes",
            format!("note `{key}` is longer than {MAX_NOTE_VALUE} characters"),
        ));
    }
    if link.reference.as_ref().is_some_and(|r| r.is_empty() || r.chars().count() > MAX_REFERENCE) {
        return Err(Error::invalid(provider, "reference", format!("1 to {MAX_REFERENCE} characters")));
    }
    if let Some(phone) = &link.customer.phone
        && !(8..=14).contains(&phone.chars().count())
    {
        return Err(Error::invalid(provider, "customer.phone", "the length must be between 8 and 14"));
    }
    if let Some(minimum) = link.minimum_partial_amount
        && currency == Currency::INR
        && minimum.minor < MIN_INR
    {
        return Err(Error::invalid(provider, "minimum_partial_amount", "amount should be minimum 100 for INR"));
    }
    if link.expires_at.is_some_and(|at| at < chrono::Utc::now() + chrono::Duration::minutes(15)) {
        return Err(Error::invalid(provider, "expires_at", "must be at least 15 minutes in the future"));
    }
    Ok(())
}

/// Notes of a response as text: a value another client stored as a number or a boolean reads
/// as its JSON text (`42`, `1.5`, `true`); `[]` is no notes.
pub(crate) fn notes_text(notes: Option<&types::NotesOrEmptyArray>) -> std::collections::BTreeMap<String, String> {
    match notes {
        Some(types::NotesOrEmptyArray::Notes(notes)) => {
            notes.0.iter().map(|(key, value)| (key.clone(), value.to_string())).collect()
        }
        _ => Default::default(),
    }
}

/// The rules of payment links beyond the ones both link APIs share: the expiry at most six
/// months out (<https://razorpay.com/docs/api/payments/payment-links/create-standard/>,
/// `expire_by`).
fn rules(link: &CreateLink) -> Result<(), Error> {
    validate_common(PROVIDER, link)?;
    let latest = chrono::Utc::now().checked_add_months(chrono::Months::new(MAX_EXPIRY_MONTHS));
    if let (Some(at), Some(latest)) = (link.expires_at, latest)
        && at > latest
    {
        return Err(Error::invalid(PROVIDER, "expires_at", "expire_by can be at most 6 months from the current time"));
    }
    Ok(())
}

/// The documented rules between fields of a payment-link request, checked on the request
/// itself (the spec cannot say them): `callback_method` is required with `callback_url`; a
/// UPI link (`upi_link: true`) is INR only and takes no partial payments; the first partial
/// payment is at most the amount. Sources: the create pages of standard and UPI payment links
/// (<https://razorpay.com/docs/api/payments/payment-links/create-upi/>) and the SDKs'
/// `documents/paymentLink.md` ("UPI Payment Link is not supported partial payment").
fn check_request(body: &types::CreatePaymentLinkRequest) -> Result<(), Error> {
    check_callback(PROVIDER, body.callback_url.as_ref(), body.callback_method.as_ref())?;
    let upi = matches!(
        body.upi_link,
        Some(types::UpiLinkFlag::Bool(true) | types::UpiLinkFlag::UpiLinkFlagString(types::UpiLinkFlagString::True))
    );
    if upi && body.currency.as_deref().is_some_and(|c| c != "INR") {
        return Err(Error::invalid(PROVIDER, "currency", "UPI Payment Links support INR only"));
    }
    if upi && (body.accept_partial == Some(true) || body.first_min_partial_amount.is_some()) {
        return Err(Error::invalid(PROVIDER, "partial_payments", "UPI Payment Links do not support partial payments"));
    }
    if body.first_min_partial_amount.is_some_and(|minimum| minimum > body.amount) {
        return Err(Error::invalid(
            PROVIDER,
            "minimum_partial_amount",
            "first_min_partial_amount should be less than or equal to amount",
        ));
    }
    Ok(())
}

/// `callback_method` is required when `callback_url` is set (both link APIs).
pub(crate) fn check_callback(
    provider: Provider,
    url: Option<&String>,
    method: Option<&types::CallbackMethod>,
) -> Result<(), Error> {
    if url.is_some() && method.is_none() {
        return Err(Error::invalid(provider, "return_url", "callback_method is required when callback_url is present"));
    }
    Ok(())
}

pub(crate) fn notes_request(provider: Provider, link: &CreateLink) -> Result<Option<types::NotesRequest>, Error> {
    if link.notes.is_empty() {
        return Ok(None);
    }
    let notes = link
        .notes
        .iter()
        .map(|(key, value)| Ok((key.clone(), field(provider, "notes", value.as_str())?)))
        .collect::<Result<_, Error>>()?;
    Ok(Some(types::NotesRequest(notes)))
}

pub(crate) fn positive(provider: Provider, name: &str, minor: i64) -> Result<std::num::NonZeroU64, Error> {
    u64::try_from(minor)
        .ok()
        .and_then(std::num::NonZeroU64::new)
        .ok_or_else(|| Error::invalid(provider, name, "must be greater than zero"))
}

fn request(link: &CreateLink) -> Result<types::CreatePaymentLinkRequest, Error> {
    let customer = &link.customer;
    let mut body = types::CreatePaymentLinkRequest::builder()
        .amount(positive(PROVIDER, "amount", link.amount.minor)?)
        .currency(Some(link.amount.currency.code().to_owned()))
        .accept_partial(link.partial_payments.then_some(true))
        .first_min_partial_amount(
            link.minimum_partial_amount.map(|m| positive(PROVIDER, "minimum_partial_amount", m.minor)).transpose()?,
        )
        .description(optional(PROVIDER, "description", link.description.as_deref())?)
        .reference_id(optional(PROVIDER, "reference", link.reference.as_deref())?)
        .expire_by(link.expires_at.map(|t| t.timestamp()))
        .notes(notes_request(PROVIDER, link)?)
        .callback_url(link.return_url.clone())
        .callback_method(link.return_url.as_ref().map(|_| types::CallbackMethod::Get));
    if customer.name.is_some() || customer.email.is_some() || customer.phone.is_some() {
        body = body.customer(Some(types::PaymentLinkCustomerRequest {
            name: customer.name.clone(),
            email: customer.email.clone(),
            contact: optional(PROVIDER, "customer.phone", customer.phone.as_deref())?,
        }));
    }
    if link.notify_sms || link.notify_email {
        body = body.notify(Some(types::PaymentLinkNotifyRequest {
            sms: Some(link.notify_sms),
            email: Some(link.notify_email),
            whatsapp: None,
        }));
    }
    let body = build(PROVIDER, body)?;
    check_request(&body)?;
    Ok(body)
}

/// The page size `list` asks Razorpay's collections for: their maximum `count`.
pub(crate) const PAGE: std::num::NonZeroU64 = std::num::NonZeroU64::new(100).unwrap();

/// Every page of a Razorpay collection: `page(skip)` fetches the links from `skip` on, at
/// most [`PAGE`]; the pages are read until one is short. A page whose first link was already
/// read (a server that ignores `skip`) ends the list too, so that no link is listed twice.
pub(crate) async fn all_pages<Page, PageFut>(page: Page) -> Result<Vec<crate::PaymentLink>, Error>
where
    Page: Fn(i64) -> PageFut,
    PageFut: std::future::Future<Output = Result<Vec<crate::PaymentLink>, Error>>,
{
    let mut links: Vec<crate::PaymentLink> = Vec::new();
    loop {
        let skip = i64::try_from(links.len()).unwrap_or(i64::MAX);
        let next = page(skip).await?;
        let full = next.len() as u64 >= PAGE.get();
        if next.first().is_some_and(|first| links.iter().any(|seen| seen.id == first.id)) {
            return Ok(links);
        }
        links.extend(next);
        if !full {
            return Ok(links);
        }
    }
}

/// Razorpay's refusal of a `reference_id` that was used before.
fn already_attempted(error: &Error) -> bool {
    matches!(error, Error::InvalidRequest { message, .. } if message.contains(ALREADY_ATTEMPTED))
}

/// The wire medium of `notify_by/{medium}` (both link APIs).
pub(crate) fn notification_medium(medium: NotifyMedium) -> types::NotificationMedium {
    match medium {
        NotifyMedium::Sms => types::NotificationMedium::Sms,
        NotifyMedium::Email => types::NotificationMedium::Email,
    }
}

fn read(
    call: &Call,
    sent: Result<progenitor_client::ResponseValue<RazorpayLink>, progenitor_client::Error<types::RazorpayError>>,
) -> Result<PaymentLink, Error> {
    match sent {
        Ok(response) => Razorpay::normalise(response.into_inner()).map_err(|m| call.decode(m)),
        Err(error) => Err(map_error(call, error)),
    }
}

/// Razorpay answers `BAD_REQUEST_ERROR` for almost every 4xx, so the HTTP status decides
/// first and the description second.
pub(crate) fn map_error(call: &Call, error: progenitor_client::Error<types::RazorpayError>) -> Error {
    let error = RazorpayError::from(error);
    let status = error.status().map(|s| s.as_u16());
    let detail = error.body().and_then(|b| b.error.clone()).unwrap_or_default();
    let description = detail.description.clone().unwrap_or_default();
    let lower = description.to_ascii_lowercase();
    if status == Some(400) {
        if lower.contains("provided is invalid") || lower.contains("authentication failed") {
            return Error::Unauthorized { provider: call.provider, message: description };
        }
        if lower.contains("does not exist") || lower.starts_with("invalid input [") {
            return Error::NotFound { provider: call.provider, id: call.id.clone() };
        }
        if call.operation == "create" || lower.contains(':') {
            // "amount: amount should be minimum 100 for INR." names its field before the colon.
            let field = detail
                .field
                .clone()
                .filter(|f| !f.is_empty())
                .or_else(|| description.split_once(':').map(|(f, _)| f.trim().to_owned()).filter(|f| !f.contains(' ')))
                .or_else(|| lower.contains("reference id").then(|| "reference".to_owned()))
                .unwrap_or_else(|| "request".to_owned());
            return Error::InvalidRequest { provider: call.provider, field, message: description };
        }
    }
    map_api_error(call, error)
}

/// Razorpay's currency code. The API reference's examples print `"currency": ""` (a template
/// variable its generator dropped, <https://razorpay.com/docs/api/payments/payment-links/>;
/// `specs/razorpay.yaml` says so too); guessing INR could misstate the amount, so an empty
/// currency is an error.
pub(crate) fn parse_currency(code: Option<&str>) -> Result<Currency, String> {
    match code {
        None | Some("") => Err("the link's currency is empty, so its amount has no unit; refusing to guess".into()),
        Some(code) => code.parse().map_err(|e| format!("currency: {e}")),
    }
}

/// Runs a create whose retries the provider's uniqueness of the merchant reference makes
/// safe (Razorpay `reference_id`, invoice `receipt`). When a retry is refused as a duplicate
/// (`duplicate` says which refusals are), an earlier attempt created the link and its response
/// was lost: the link is looked up by its reference with `find`. When none has it, the
/// refusal stands. Without a reference nothing tells a retry from a second link, so the
/// create is attempted once.
pub(crate) async fn created_once<Op, OpFut, Find, FindFut>(
    retry: &crate::RetryPolicy,
    reference: Option<&str>,
    create: Op,
    duplicate: fn(&Error) -> bool,
    find: Find,
) -> Result<crate::PaymentLink, Error>
where
    Op: Fn() -> OpFut,
    OpFut: std::future::Future<Output = Result<crate::PaymentLink, Error>>,
    Find: Fn() -> FindFut,
    FindFut: std::future::Future<Output = Result<Vec<crate::PaymentLink>, Error>>,
{
    let retry = if reference.is_some() { retry } else { &ONE_ATTEMPT };
    retry
        .run(|attempt| {
            let (create, find) = (&create, &find);
            async move {
                match create().await {
                    Err(refused) if attempt > 1 && duplicate(&refused) => {
                        find().await?.into_iter().next().ok_or(refused)
                    }
                    other => other,
                }
            }
        })
        .await
}

/// What a saved body of either Razorpay link API is: the error envelope of every Razorpay API
/// (<https://razorpay.com/docs/errors/>), a collection with the links under one of `lists`,
/// or a webhook event (<https://razorpay.com/docs/webhooks/payloads/payment-links/>).
pub(crate) fn classify_razorpay(body: &serde_json::Value, lists: &[&str]) -> Body {
    if body.get("id").is_some() {
        return Body::Link;
    }
    if body.get("entity").and_then(serde_json::Value::as_str) == Some("event")
        || (has_text(body, "event") && body.get("payload").is_some_and(serde_json::Value::is_object))
    {
        return Body::Event;
    }
    if body.get("error").is_some_and(serde_json::Value::is_object) {
        return error_body::<types::RazorpayError>(body).unwrap_or(Body::Link);
    }
    list_under(body, lists).unwrap_or(Body::Link)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upi(currency: &str, partial: bool) -> types::CreatePaymentLinkRequest {
        types::CreatePaymentLinkRequest::builder()
            .amount(std::num::NonZeroU64::new(1000).unwrap())
            .currency(Some(currency.to_owned()))
            .upi_link(Some(types::UpiLinkFlag::Bool(true)))
            .accept_partial(partial.then_some(true))
            .try_into()
            .unwrap()
    }

    fn field(result: Result<(), Error>) -> String {
        match result {
            Err(Error::InvalidRequest { field, .. }) => field,
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }

    #[test]
    fn upi_links_are_inr_only_without_partial_payments() {
        check_request(&upi("INR", false)).unwrap();
        assert_eq!(field(check_request(&upi("USD", false))), "currency");
        assert_eq!(field(check_request(&upi("INR", true))), "partial_payments");
        let mut string_flag = upi("USD", false);
        string_flag.upi_link = Some(types::UpiLinkFlag::UpiLinkFlagString(types::UpiLinkFlagString::True));
        assert_eq!(field(check_request(&string_flag)), "currency");
        let mut standard = upi("USD", true);
        standard.upi_link = Some(types::UpiLinkFlag::Bool(false));
        check_request(&standard).unwrap();
    }

    #[test]
    fn a_callback_url_needs_its_method_and_the_minimum_is_at_most_the_amount() {
        let mut body = upi("INR", false);
        body.upi_link = None;
        body.callback_url = Some("https://shop.example/thanks".into());
        assert_eq!(field(check_request(&body)), "return_url");
        body.callback_method = Some(types::CallbackMethod::Get);
        check_request(&body).unwrap();
        body.first_min_partial_amount = std::num::NonZeroU64::new(1001);
        assert_eq!(field(check_request(&body)), "minimum_partial_amount");
        body.first_min_partial_amount = std::num::NonZeroU64::new(1000);
        check_request(&body).unwrap();
    }

    /// The documented samples, signed by OpenSSL (tests/fixtures/SOURCES.md), through
    /// `verify_event` as the facade calls it.
    mod events {
        use super::*;
        use crate::api::Delivery;

        const SECRET: &str = "whsec_paylinks_test_razorpay";

        fn fixture(folder: &str, file: &str) -> (Vec<u8>, String) {
            let dir = paylinks_testkit::conformance_dir().join(folder).join("webhooks");
            let body = std::fs::read(dir.join(file)).unwrap();
            let listing = std::fs::read_to_string(dir.join("signatures.txt")).unwrap();
            let signature = listing
                .lines()
                .find_map(|line| line.strip_suffix(&format!(" *{file}")))
                .unwrap_or_else(|| panic!("{file} is signed"))
                .to_owned();
            (body, signature)
        }

        fn deliver(body: &[u8], signature: &str, secret: &str) -> Result<LinkEvent, WebhookError> {
            let mut headers = http::HeaderMap::new();
            headers.insert("x-razorpay-signature", signature.parse().unwrap());
            headers.insert("x-razorpay-event-id", "evt_docs_1".parse().unwrap());
            let secret = Secret::new(secret);
            let delivery = Delivery {
                secret: &secret,
                tolerance: paylinks_core::webhook::DEFAULT_TOLERANCE,
                now: chrono::Utc::now(),
                headers: &headers,
                body,
            };
            Razorpay::verify_event(&delivery)
        }

        fn event(folder: &str, file: &str) -> LinkEvent {
            let (body, signature) = fixture(folder, file);
            deliver(&body, &signature, SECRET).unwrap_or_else(|e| panic!("{file}: {e}"))
        }

        #[test]
        fn a_paid_payment_link_event_reads_as_the_link_and_its_payment() {
            let event = event("razorpay", "docs_payment_link_paid_standard.json");
            assert_eq!(event.provider, Provider::Razorpay);
            assert_eq!(event.event_id, "evt_docs_1");
            assert_eq!(event.kind, EventKind::Paid);
            assert_eq!(event.provider_event, "payment_link.paid");
            assert_eq!(event.occurred_at.timestamp(), 1749618314);
            assert_eq!(event.link_id.as_deref(), Some("plink_QflcnnZqCekuvL"));
            // As sent: the documented order entity's id lacks the `order_` prefix that the
            // link's and the payment's `order_id` carry.
            assert_eq!(event.order_id.as_deref(), Some("QflczVVaNJciLq"));
            let link = event.link.unwrap();
            assert_eq!(link.order_id.as_deref(), Some("order_QflczVVaNJciLq"));
            assert_eq!(link.status, LinkStatus::Paid);
            assert_eq!(link.amount, Money::new(1000, Currency::INR));
            assert_eq!(link.amount_paid, Money::new(1000, Currency::INR));
            assert!(link.payments.is_empty(), "webhook links carry no payments[]");
            let payment = event.payment.unwrap();
            assert_eq!(payment.id, "pay_Qfldmt5StKZFCB");
            assert_eq!(payment.amount, Money::new(1000, Currency::INR));
            assert_eq!(payment.status, PaymentStatus::Succeeded);
            assert_eq!(payment.provider_status, "captured");
            assert_eq!(payment.method.as_deref(), Some("upi"));
            assert_eq!(payment.created_at.map(|t| t.timestamp()), Some(1749618371));
        }

        #[test]
        fn cancelled_and_expired_events_carry_only_the_link() {
            // (file, kind, status, the event's order id, the link's order id)
            for (file, kind, status, order, link_order) in [
                ("docs_payment_link_cancelled_standard.json", EventKind::Cancelled, LinkStatus::Cancelled, None, None),
                ("docs_payment_link_cancelled_upi.json", EventKind::Cancelled, LinkStatus::Cancelled, None, None),
                ("docs_payment_link_expired_standard.json", EventKind::Expired, LinkStatus::Expired, None, None),
                (
                    "docs_payment_link_expired_upi.json",
                    EventKind::Expired,
                    LinkStatus::Expired,
                    None,
                    Some("order_Qb2g8aDXbi3yQd"),
                ),
                (
                    "docs_payment_link_paid_upi.json",
                    EventKind::Paid,
                    LinkStatus::Paid,
                    Some("Qb2gOAUzSm5zpv"),
                    Some("order_Qb2gOAUzSm5zpv"),
                ),
            ] {
                let event = event("razorpay", file);
                assert_eq!((event.provider, event.kind), (Provider::Razorpay, kind), "{file}");
                assert_eq!(event.link.as_ref().map(|l| l.status), Some(status), "{file}");
                assert_eq!(event.payment.is_some(), kind == EventKind::Paid, "{file}");
                assert_eq!(event.link_id.as_deref(), event.link.as_ref().map(|l| l.id.as_str()), "{file}");
                assert_eq!(event.order_id.as_deref(), order, "{file}");
                assert_eq!(event.link.as_ref().and_then(|l| l.order_id.as_deref()), link_order, "{file}");
            }
        }

        #[test]
        fn invoice_events_read_as_invoice_links() {
            let files = [
                ("docs_invoice_partially_paid_netbanking.json", EventKind::PartiallyPaid, Some("netbanking")),
                ("docs_invoice_partially_paid_card.json", EventKind::PartiallyPaid, Some("card")),
                ("docs_invoice_partially_paid_wallet.json", EventKind::PartiallyPaid, Some("wallet")),
                ("docs_invoice_paid_netbanking.json", EventKind::Paid, Some("netbanking")),
                ("docs_invoice_paid_card.json", EventKind::Paid, Some("card")),
                ("docs_invoice_paid_wallet.json", EventKind::Paid, Some("wallet")),
                ("docs_invoice_paid_upi.json", EventKind::Paid, Some("upi")),
                ("docs_invoice_expired.json", EventKind::Expired, None),
            ];
            for (file, kind, method) in files {
                let event = event("razorpay_invoices", file);
                assert_eq!((event.provider, event.kind), (Provider::RazorpayInvoice, kind), "{file}");
                let link = event.link.as_ref().unwrap();
                assert_eq!(link.provider, Provider::RazorpayInvoice);
                assert_eq!(event.link_id.as_deref(), Some(link.id.as_str()));
                assert_eq!(event.payment.as_ref().and_then(|p| p.method.as_deref()), method, "{file}");
                // The invoice samples give the order entity's id with its prefix: the same
                // order as the invoice's; an expired invoice's event carries no order.
                assert!(link.order_id.as_deref().is_some_and(|id| id.starts_with("order_")), "{file}");
                let expected = (kind != EventKind::Expired).then_some(link.order_id.as_deref()).flatten();
                assert_eq!(event.order_id.as_deref(), expected, "{file}");
            }
            let partly = event("razorpay_invoices", "docs_invoice_partially_paid_netbanking.json");
            let link = partly.link.unwrap();
            assert_eq!(
                (link.status, link.amount_paid.minor, link.amount.minor),
                (LinkStatus::PartiallyPaid, 20000, 479030)
            );
            assert_eq!(partly.payment.unwrap().amount, Money::new(10000, Currency::INR));
        }

        #[test]
        fn the_payment_keeps_its_own_currency() {
            // The docs' UPI sample prints MYR on the invoice and INR on its payment: each keeps
            // its own, nothing is converted or guessed.
            let event = event("razorpay_invoices", "docs_invoice_partially_paid_upi.json");
            assert_eq!(event.link.unwrap().amount.currency.code(), "MYR");
            assert_eq!(event.payment.unwrap().amount, Money::new(10000, Currency::INR));
        }

        fn signed(body: &str) -> Result<LinkEvent, WebhookError> {
            let headers = paylinks_razorpay::webhook::sign(SECRET, "evt_1", body.as_bytes());
            let signature = headers["x-razorpay-signature"].to_str().unwrap().to_owned();
            deliver(body.as_bytes(), &signature, SECRET)
        }

        #[test]
        fn other_events_and_broken_ones() {
            let other = signed(r#"{"entity":"event","event":"payment.captured","created_at":1749618371,"payload":{"payment":{"entity":{"id":"pay_1","amount":500,"currency":"INR","status":"captured"}}}}"#).unwrap();
            assert_eq!((other.kind, other.provider_event.as_str()), (EventKind::Other, "payment.captured"));
            assert_eq!((other.link, other.link_id, other.order_id), (None, None, None));
            assert_eq!(other.payment.unwrap().amount, Money::new(500, Currency::INR));

            let why = |body: &str| match signed(body) {
                Err(WebhookError::NotAnEvent { provider: "razorpay", why }) => why,
                other => panic!("{body}: {other:?}"),
            };
            let no_link = why(r#"{"entity":"event","event":"payment_link.paid","created_at":1,"payload":{}}"#);
            assert!(no_link.contains("payload.payment_link"), "{no_link}");
            let no_invoice = why(
                r#"{"entity":"event","event":"invoice.paid","created_at":1,"payload":{"payment_link":{"entity":{}}}}"#,
            );
            assert!(no_invoice.contains("payload.invoice"), "{no_invoice}");
            let no_currency = why(
                r#"{"entity":"event","event":"payment_link.paid","created_at":1,"payload":{"payment_link":{"entity":{"id":"plink_1","amount":100,"currency":"INR","status":"paid"}},"payment":{"entity":{"id":"pay_1","amount":100,"status":"captured"}}}}"#,
            );
            assert!(
                no_currency.contains("payload.payment.entity") && no_currency.contains("currency"),
                "{no_currency}"
            );
            let no_amount = why(
                r#"{"entity":"event","event":"order.paid","created_at":1,"payload":{"payment":{"entity":{"id":"pay_1","amount":-1,"currency":"INR","status":"captured"}}}}"#,
            );
            assert!(no_amount.contains("payload.payment.entity") && no_amount.contains("above zero"), "{no_amount}");
            let bad_link = why(
                r#"{"entity":"event","event":"payment_link.expired","created_at":1,"payload":{"payment_link":{"entity":{"id":"plink_1","amount":100,"currency":"","status":"expired"}}}}"#,
            );
            assert!(bad_link.contains("payload.payment_link.entity"), "{bad_link}");
            let no_time = why(r#"{"entity":"event","event":"order.paid","created_at":0,"payload":{}}"#);
            assert!(no_time.contains("created_at"), "{no_time}");
        }

        #[test]
        fn a_wrong_secret_is_refused_before_anything_is_read() {
            let (body, signature) = fixture("razorpay", "docs_payment_link_paid_standard.json");
            assert_eq!(
                deliver(&body, &signature, "whsec_paylinks_test_other").map(drop),
                Err(WebhookError::SignatureMismatch { provider: "razorpay" })
            );
        }

        #[test]
        fn payment_states_map_as_documented() {
            for (status, expected) in [
                ("captured", PaymentStatus::Succeeded),
                ("authorized", PaymentStatus::Pending),
                ("created", PaymentStatus::Pending),
                ("failed", PaymentStatus::Failed),
                ("refunded", PaymentStatus::Refunded),
                ("disputed", PaymentStatus::Other),
            ] {
                assert_eq!(payment_status(status), expected, "{status}");
            }
        }
    }

    #[test]
    fn note_values_sent_as_numbers_read_as_text() {
        let body = br#"{"id":"plink_1","status":"created","currency":"INR","amount":1000,
            "notes":{"order":1042,"ratio":1.5,"gift":true,"name":"Asha"}}"#;
        let link = crate::decode_link(PROVIDER, body).unwrap();
        let notes: Vec<(&str, &str)> = link.notes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(notes, [("gift", "true"), ("name", "Asha"), ("order", "1042"), ("ratio", "1.5")]);
        let invoice = br#"{"id":"inv_1","status":"issued","currency":"INR","amount":1000,"notes":{"order":1042}}"#;
        let link = crate::decode_link(Provider::RazorpayInvoice, invoice).unwrap();
        assert_eq!(link.notes["order"], "1042");
    }
}
