//! Razorpay Payment Links v2: `/v1/payment_links`. Integer minor units, Unix-second times
//! with `0` for "not set", `BAD_REQUEST_ERROR` for almost every 4xx.

use paylinks_core::Secret;
use paylinks_core::http::Environment;
use paylinks_razorpay::types::{self, PaymentLink as RazorpayLink};
use paylinks_razorpay::{Client, Credentials, Error as RazorpayError, unix_time};

use super::refusals::{ONE_ATTEMPT, state_checked};
use super::rules::check_common;
use super::wire::{Call, build, error_body, field, has_text, list_under, map_api_error, optional, raw_value};
use crate::api::{Body, LinkApi, Settings};
use crate::{
    CreateLink, Currency, Customer, Error, LinkStatus, ListFilter, Money, NotifyMedium, Paylinks, PaylinksBuilder,
    PaymentLink, Provider, ProviderConfig, ProviderLink, RetryPolicy,
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
        Ok(PaymentLink {
            provider: PROVIDER,
            id,
            reference: entity.reference_id.clone().filter(|r| !r.is_empty()),
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
            payments: Vec::new(),
            raw: ProviderLink::Razorpay(Box::new(entity)),
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
            tracing::event!(
                name: "paylinks.idempotent_create",
                tracing::Level::INFO,
                paylinks.provider = "razorpay",
                by = "reference_id",
                "create is safe to retry"
            );
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
