//! Pine Labs Online: `/api/pay/v1/paymentlink`. Amount objects in minor units, ISO UTC
//! times (sometimes without seconds), the merchant reference doubles as an idempotency key.

use paylinks_core::Secret;
use paylinks_core::http::Environment;
use paylinks_pinelabs::types::{self, PaymentLink as PinelabsLink};
use paylinks_pinelabs::{Client, Credentials, Error as PinelabsError};

use super::refusals::state_checked;
use super::rules::{check_common, check_reference, random_id};
use super::wire::{Call, build, error_body, field, has_text, listed_by_reference, map_api_error, optional, raw_value};
use crate::api::{Body, LinkApi, Settings};
use crate::{
    CreateLink, Currency, Customer, Error, LinkStatus, ListFilter, Money, NotifyMedium, Paylinks, PaylinksBuilder,
    PaymentLink, Provider, ProviderConfig, ProviderLink, RetryPolicy,
};

const PROVIDER: Provider = Provider::Pinelabs;

/// Pine Labs Online's payment links.
pub(crate) struct Pinelabs;

impl LinkApi for Pinelabs {
    const PROVIDER: Provider = PROVIDER;
    const SETTINGS: &'static Settings = &Settings {
        owner: PROVIDER,
        id_var: "PINELABS_CLIENT_ID",
        secret_var: "PINELABS_CLIENT_SECRET",
        env_var: Some("PINELABS_ENV"),
        base_url_var: "PINELABS_BASE_URL",
        default_environment: Environment::Sandbox,
    };
    /// The link `status` values of `specs/pinelabs.yaml`; a link stays payable while clicked
    /// or with a payment under way.
    const STATUS_ROWS: &'static [(&'static str, LinkStatus)] = &[
        ("CREATED", LinkStatus::Active),
        ("CLICKED", LinkStatus::Active),
        ("PAYMENT_INITIATED", LinkStatus::Active),
        ("PARTIAL_PROCESSED", LinkStatus::PartiallyPaid),
        ("PROCESSED", LinkStatus::Paid),
        ("EXPIRED", LinkStatus::Expired),
        ("CANCELLED", LinkStatus::Cancelled),
    ];
    /// Pine Labs has no list endpoint.
    const LISTS_WITHOUT_REFERENCE: bool = false;
    const ID_PREFIXES: &'static [&'static str] = &["pl-"];

    const AMOUNT_FIELDS: [&'static str; 2] = ["amount.value", "amount_due"];

    type Client = Client;
    type Entity = PinelabsLink;

    fn credentials(id: String, secret: Secret) -> Credentials {
        Credentials::new(id, secret)
    }

    fn validate(link: &CreateLink) -> Result<(), Error> {
        rules(link)?;
        request(link, link.reference.as_deref().unwrap_or("paylinks-validate")).map(drop)
    }

    fn map_link(entity: PinelabsLink) -> Result<PaymentLink, String> {
        let id = entity.payment_link_id.clone().ok_or("the link has no payment_link_id")?;
        let amount = entity.amount.as_ref().ok_or("the link has no amount")?;
        let currency: Currency = amount.currency.parse().map_err(|e| format!("amount.currency: {e}"))?;
        let total = Money::new(amount.value, currency);
        let due = match &entity.amount_due {
            Some(due) if due.currency.eq_ignore_ascii_case(currency.code()) => due.value,
            Some(_) => return Err("amount_due is in another currency than amount".into()),
            None => total.minor,
        };
        let provider_status = entity.status.as_ref().and_then(raw_value).ok_or("the link has no status")?;
        let customer = entity.customer.as_ref().map_or_else(Customer::default, |c| {
            let name = [c.first_name.as_deref(), c.last_name.as_deref()]
                .into_iter()
                .flatten()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let name = (!name.is_empty()).then_some(name);
            Customer { name, email: c.email_id.clone(), phone: c.mobile_number.clone() }
        });
        Ok(PaymentLink {
            provider: PROVIDER,
            id,
            reference: entity.merchant_payment_link_reference.clone(),
            status: crate::status::row_status(Self::STATUS_ROWS, &provider_status),
            provider_status,
            amount: total,
            amount_paid: Money::new(total.minor - due, currency),
            url: entity.payment_link.clone(),
            description: entity.description.clone(),
            customer,
            partial_payments: false,
            minimum_partial_amount: None,
            created_at: entity.created_at.map(|t| t.to_utc()),
            expires_at: entity.expire_by.map(|t| t.to_utc()),
            cancelled_at: None,
            notes: entity.merchant_metadata.clone().unwrap_or_default(),
            payments: Vec::new(),
            raw: ProviderLink::Pinelabs(Box::new(entity)),
        })
    }

    /// Pine Labs' error body (`{"code", "message"}`, no `payment_link_id`) and its webhook
    /// envelope (`{"event_type", "data"}`, <https://developer.pinelabsonline.com/docs/developer-tools-webhooks>).
    /// Pine Labs has no list of links.
    fn classify(body: &serde_json::Value) -> Body {
        if body.get("payment_link_id").is_some() {
            return Body::Link;
        }
        if has_text(body, "event_type") && body.get("data").is_some() {
            return Body::Event;
        }
        if has_text(body, "code") && has_text(body, "message") {
            return error_body::<types::PinelabsError>(body).unwrap_or(Body::Link);
        }
        Body::Link
    }

    /// Pine Labs cancels and notifies only `CREATED` links, though `CLICKED` and
    /// `PAYMENT_INITIATED` ones are still payable (active).
    fn refusal_is_state(_operation: &str, link: &PaymentLink) -> bool {
        link.provider_status != "CREATED"
    }

    async fn create(client: &Client, retry: &RetryPolicy, link: &CreateLink) -> Result<PaymentLink, Error> {
        rules(link)?;
        // The reference is required and makes a duplicate create return the existing link, so a
        // retried create is safe.
        let reference = link.reference.clone().unwrap_or_else(|| random_id("paylinks-", 16));
        tracing::event!(
            name: "paylinks.idempotent_create",
            tracing::Level::INFO,
            paylinks.provider = "pinelabs",
            by = "merchant_payment_link_reference",
            "create is safe to retry"
        );
        let body = request(link, &reference)?;
        let call = Call::new(PROVIDER, "create", &reference);
        with_token(client, retry, &call, || {
            retry.run(|_| async {
                let mut request = client.create_payment_link().body(body.clone());
                if let Some(key) = &link.idempotency_key {
                    request = request.idempotency_key(key.as_str());
                }
                read(&call, request.send().await)
            })
        })
        .await
    }

    async fn get(client: &Client, retry: &RetryPolicy, id: &str) -> Result<PaymentLink, Error> {
        let call = Call::new(PROVIDER, "get", id);
        with_token(client, retry, &call, || {
            retry.run(|_| async { read(&call, client.get_payment_link().payment_link_id(id).send().await) })
        })
        .await
    }

    /// Only `CREATED` links can be cancelled.
    async fn cancel(client: &Client, retry: &RetryPolicy, id: &str) -> Result<PaymentLink, Error> {
        let call = Call::new(PROVIDER, "cancel", id);
        let cancel = || async { read(&call, client.cancel_payment_link().payment_link_id(id).send().await) };
        let checked = || state_checked::<Self, _, _>(&call, retry, client, cancel, std::convert::identity);
        with_token(client, retry, &call, checked).await
    }

    /// Resends the link on the channels it was created with: Pine Labs takes no medium.
    async fn resend(client: &Client, retry: &RetryPolicy, id: &str, _medium: NotifyMedium) -> Result<(), Error> {
        let call = Call::new(PROVIDER, "resend_notification", id);
        let resend = || async {
            let sent = client.resend_payment_link_notification().payment_link_id(id).send().await;
            read(&call, sent).map(drop)
        };
        let checked = || state_checked::<Self, _, _>(&call, retry, client, resend, drop);
        with_token(client, retry, &call, checked).await
    }

    /// Pine Labs has no list endpoint; a reference finds its one link.
    async fn list(client: &Client, retry: &RetryPolicy, filter: &ListFilter) -> Result<Vec<PaymentLink>, Error> {
        let Some(reference) = &filter.reference else {
            return Err(Error::Unsupported { provider: PROVIDER, operation: "list without a reference" });
        };
        let call = Call::new(PROVIDER, "list", reference);
        let found = with_token(client, retry, &call, || {
            retry.run(|_| async {
                let by_reference = client.get_payment_link_by_reference();
                read(&call, by_reference.merchant_payment_link_reference(reference.as_str()).send().await)
            })
        })
        .await;
        listed_by_reference(found)
    }
}

impl Paylinks {
    /// The generated Pine Labs client, for operations and fields the facade does not unify.
    ///
    /// # Errors
    /// [`Error::Config`] when Pine Labs is not configured.
    pub fn pinelabs(&self) -> Result<&Client, Error> {
        self.client::<Pinelabs>()
    }
}

impl PaylinksBuilder {
    /// Enables Pine Labs Online (client id and secret; UAT or production).
    pub fn pinelabs(
        self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        environment: Environment,
    ) -> Self {
        self.provider(PROVIDER, ProviderConfig { id: client_id.into(), secret: client_secret.into(), environment })
    }
}

/// Documented limits: amount at least 100 minor units, reference 1 to 50 characters, expiry
/// at most 180 days ahead, names and e-mail 50 characters. No upper bound on the amount: the
/// API reference gives none (the 100000000 of one official tool is not confirmed by the docs;
/// `specs/pinelabs.yaml`, `PaymentAmountRequest`).
const MIN_AMOUNT: i64 = 100;
const MAX_REFERENCE: usize = 50;
const MAX_EXPIRY_DAYS: i64 = 180;

/// Pine Labs' documented rules.
fn rules(link: &CreateLink) -> Result<(), Error> {
    check_common(PROVIDER, link)?;
    if link.amount.minor < MIN_AMOUNT {
        return Err(Error::invalid(PROVIDER, "amount", format!("must be at least {MIN_AMOUNT} minor units")));
    }
    if link.partial_payments {
        return Err(Error::invalid(PROVIDER, "partial_payments", "Pine Labs payment links take one full payment"));
    }
    if link.notify_sms || link.notify_email {
        return Err(Error::invalid(
            PROVIDER,
            "notify",
            "Pine Labs has no notification settings on create; call resend_notification after creating",
        ));
    }
    if let Some(reference) = &link.reference {
        check_reference(PROVIDER, reference, MAX_REFERENCE)?;
    }
    if link.expires_at.is_some_and(|at| at > chrono::Utc::now() + chrono::Duration::days(MAX_EXPIRY_DAYS)) {
        return Err(Error::invalid(PROVIDER, "expires_at", format!("at most {MAX_EXPIRY_DAYS} days ahead")));
    }
    if !link.notes.is_empty() && link.notes.len() > 50 {
        return Err(Error::invalid(PROVIDER, "notes", "too many notes"));
    }
    Ok(())
}

fn request(link: &CreateLink, reference: &str) -> Result<types::CreatePaymentLinkRequest, Error> {
    let customer = &link.customer;
    let (first, last) = match customer.name.as_deref().map(str::trim) {
        Some(name) => match name.rsplit_once(' ') {
            Some((first, last)) => (Some(first.trim()), Some(last)),
            None => (Some(name), None),
        },
        None => (None, None),
    };
    let mut body = types::CreatePaymentLinkRequest::builder()
        .amount(types::PaymentAmountRequest {
            value: link.amount.minor,
            currency: field(PROVIDER, "amount.currency", link.amount.currency.code())?,
        })
        .merchant_payment_link_reference(field::<types::MerchantPaymentLinkReference, _>(
            PROVIDER,
            "reference",
            reference,
        )?)
        .description(link.description.clone())
        .expire_by(link.expires_at.map(paylinks_core::Timestamp::from))
        .callback_url(link.return_url.clone())
        .merchant_metadata(
            link.notes
                .iter()
                .map(|(k, v)| Ok((k.clone(), field(PROVIDER, "notes", v.as_str())?)))
                .collect::<Result<std::collections::BTreeMap<_, _>, Error>>()?,
        );
    if customer.name.is_some() || customer.email.is_some() || customer.phone.is_some() {
        let request = types::CustomerRequest::builder()
            .first_name(optional(PROVIDER, "customer.name", first)?)
            .last_name(optional(PROVIDER, "customer.name", last)?)
            .email_id(optional(PROVIDER, "customer.email", customer.email.as_deref())?)
            .mobile_number(optional(PROVIDER, "customer.phone", customer.phone.as_deref())?);
        body = body.customer(Some(build::<_, types::CustomerRequest>(PROVIDER, request)?));
    }
    build(PROVIDER, body)
}

/// Runs `operation` with a valid access token. A 401 on the link call means Pine Labs no
/// longer honours the cached token (the client's hook has dropped it): the operation runs once
/// more with a fresh one.
async fn with_token<T, F, Fut>(client: &Client, retry: &RetryPolicy, call: &Call, operation: F) -> Result<T, Error>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
{
    authorize(client, retry, call).await?;
    match operation().await {
        Err(Error::Unauthorized { .. }) => {
            authorize(client, retry, call).await?;
            operation().await
        }
        other => other,
    }
}

/// Fetches the access token up front, so that a refused token is `Unauthorized` with the
/// provider's message instead of a hook failure; a transient failure of the token endpoint is
/// retried under the call's policy.
async fn authorize(client: &Client, retry: &RetryPolicy, call: &Call) -> Result<(), Error> {
    retry
        .run(|_| async {
            match client.access_token().await {
                Ok(_) => Ok(()),
                Err(error) => Err(match error.status().map(|s| s.as_u16()) {
                    Some(401 | 403 | 422) => Error::Unauthorized {
                        provider: PROVIDER,
                        message: error.body().and_then(|b| b.message.clone()).unwrap_or_else(|| error.to_string()),
                    },
                    _ => map_api_error(call, error),
                }),
            }
        })
        .await
}

fn read(
    call: &Call,
    sent: Result<progenitor_client::ResponseValue<PinelabsLink>, progenitor_client::Error<types::PinelabsError>>,
) -> Result<PaymentLink, Error> {
    match sent {
        Ok(response) => Pinelabs::normalise(response.into_inner()).map_err(|m| call.decode(m)),
        Err(error) => Err(map_error(call, PinelabsError::from(error))),
    }
}

fn map_error(call: &Call, error: PinelabsError) -> Error {
    let code = error.code().unwrap_or_default();
    match code.as_str() {
        "NOT_FOUND" => Error::NotFound { provider: PROVIDER, id: call.id.clone() },
        "USER_AUTHENTICATION_FAILED" | "UNAUTHORIZED" => Error::Unauthorized {
            provider: PROVIDER,
            message: error.body().and_then(|b| b.message.clone()).unwrap_or(code),
        },
        "INVALID_REQUEST" | "BAD_REQUEST" if call.operation == "create" => Error::InvalidRequest {
            provider: PROVIDER,
            field: "request".into(),
            message: error.body().and_then(|b| b.message.clone()).unwrap_or(code),
        },
        _ => map_api_error(call, error),
    }
}
