//! Razorpay Payment Links v2: `/v1/payment_links`. Integer minor units, Unix-second times
//! with `0` for "not set", `BAD_REQUEST_ERROR` for almost every 4xx.

use paylinks_core::Secret;
use paylinks_core::http::{BuildError, Environment, Timeouts};
use paylinks_razorpay::types::{self, PaymentLink as RazorpayLink};
use paylinks_razorpay::{Client, Credentials, Error as RazorpayError, unix_time};

use super::refusals::{ONE_ATTEMPT, state_checked};
use super::rules::check_common;
use super::wire::{Call, build, field, map_api_error, optional, raw_value};
use crate::api::{LinkApi, Settings};
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

/// The generated client of both Razorpay link APIs.
pub(crate) fn connect(config: &ProviderConfig, timeouts: Timeouts) -> Result<Client, BuildError> {
    Client::builder(Credentials::new(config.id.clone(), config.secret.clone()))
        .environment(config.environment.clone())
        .timeouts(timeouts)
        .build()
}

/// Razorpay Payment Links v2.
pub(crate) struct Razorpay;

impl LinkApi for Razorpay {
    const PROVIDER: Provider = PROVIDER;
    const SETTINGS: &'static Settings = &SETTINGS;
    /// `PaymentLinkStatus` of `specs/razorpay.yaml`, plus the legacy `issued` and `active`
    /// (the payment-link states page and the Go SDK's fixture still show them).
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

    type Client = Client;
    type Entity = RazorpayLink;

    fn connect(config: &ProviderConfig, timeouts: Timeouts) -> Result<Client, BuildError> {
        connect(config, timeouts)
    }

    fn validate(link: &CreateLink) -> Result<(), Error> {
        validate_common(PROVIDER, link)?;
        request(link).map(drop)
    }

    fn normalise(entity: RazorpayLink) -> Result<PaymentLink, String> {
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
        let notes = match &entity.notes {
            Some(types::NotesOrEmptyArray::Notes(notes)) => notes.0.clone(),
            _ => Default::default(),
        };
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
            raw: ProviderLink::Razorpay(Box::new(entity)),
        })
    }

    async fn create(client: &Client, retry: &RetryPolicy, link: &CreateLink) -> Result<PaymentLink, Error> {
        validate_common(PROVIDER, link)?;
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
        let current = || Self::get(client, &ONE_ATTEMPT, id);
        state_checked(&call, retry, Self::refusal_is_state, cancel, current, std::convert::identity).await
    }

    async fn resend(client: &Client, retry: &RetryPolicy, id: &str, medium: NotifyMedium) -> Result<(), Error> {
        let call = Call::new(PROVIDER, "resend_notification", id);
        let medium = notification_medium(medium);
        let notify = || async {
            client.notify_payment_link().id(id).medium(medium).send().await.map(drop).map_err(|e| map_error(&call, e))
        };
        let current = || Self::get(client, &ONE_ATTEMPT, id);
        state_checked(&call, retry, Self::refusal_is_state, notify, current, drop).await
    }

    async fn list(client: &Client, retry: &RetryPolicy, filter: &ListFilter) -> Result<Vec<PaymentLink>, Error> {
        let call = Call::new(PROVIDER, "list", filter.reference.clone().unwrap_or_default());
        retry
            .run(|_| async {
                let mut request = client.list_payment_links();
                if let Some(reference) = &filter.reference {
                    request = request.reference_id(reference.as_str());
                }
                let response = request.send().await.map_err(|e| map_error(&call, e))?.into_inner();
                // The API documents `payment_links`; an `items` envelope is accepted too.
                let items = if response.payment_links.is_empty() { response.items } else { response.payment_links };
                items.into_iter().map(|link| Self::normalise(link).map_err(|m| call.decode(m))).collect()
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
    pub fn razorpay(
        self,
        key_id: impl Into<String>,
        key_secret: impl Into<Secret>,
        environment: Environment,
    ) -> Self {
        self.provider(PROVIDER, ProviderConfig { id: key_id.into(), secret: key_secret.into(), environment })
    }
}

/// Documented limits: description 2048 characters, 15 notes of at most 256 characters,
/// `reference_id` 40 characters, INR minimum 100 paise, contact 8 to 14 characters.
const MAX_DESCRIPTION: usize = 2048;
const MAX_NOTES: usize = 15;
const MAX_NOTE_VALUE: usize = 256;
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
    build(PROVIDER, body)
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

