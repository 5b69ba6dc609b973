//! Cashfree: `/pg/links`. Amounts in major units, the merchant's `link_id` is the link's id.

use paylinks_cashfree::types::{self, LinkEntity};
use paylinks_cashfree::{Client, Credentials, Error as CashfreeError};
use paylinks_core::Secret;
use paylinks_core::http::Environment;

use super::refusals::state_checked;
use super::rules::{check_common, check_reference, random_id};
use super::wire::{Call, build, error_body, field, has_text, listed_by_reference, map_api_error, optional, raw_value};
use crate::api::{Body, LinkApi, Settings};
use crate::{
    CreateLink, Currency, Customer, Error, LinkStatus, ListFilter, Money, NotifyMedium, Paylinks, PaylinksBuilder,
    PaymentLink, Provider, ProviderConfig, ProviderLink, RetryPolicy,
};

const PROVIDER: Provider = Provider::Cashfree;

/// Cashfree's payment links.
pub(crate) struct Cashfree;

impl LinkApi for Cashfree {
    const PROVIDER: Provider = PROVIDER;
    const SETTINGS: &'static Settings = &Settings {
        owner: PROVIDER,
        id_var: "CASHFREE_CLIENT_ID",
        secret_var: "CASHFREE_CLIENT_SECRET",
        env_var: Some("CASHFREE_ENV"),
        base_url_var: "CASHFREE_BASE_URL",
        default_environment: Environment::Sandbox,
    };
    /// `link_status` as `specs/cashfree.yaml` documents it, upper case.
    const STATUS_ROWS: &'static [(&'static str, LinkStatus)] = &[
        ("ACTIVE", LinkStatus::Active),
        ("PARTIALLY_PAID", LinkStatus::PartiallyPaid),
        ("PAID", LinkStatus::Paid),
        ("EXPIRED", LinkStatus::Expired),
        ("CANCELLED", LinkStatus::Cancelled),
    ];
    /// Cashfree has no endpoint that sends a link again.
    const RESENDS: bool = false;
    /// Cashfree has no list endpoint.
    const LISTS_WITHOUT_REFERENCE: bool = false;
    /// The merchant chooses the `link_id`, so no prefix tells a Cashfree id.
    const ID_PREFIXES: &'static [&'static str] = &[];

    const AMOUNT_FIELDS: [&'static str; 2] = ["link_amount", "link_amount_paid"];

    type Client = Client;
    type Entity = LinkEntity;

    fn credentials(id: String, secret: Secret) -> Credentials {
        Credentials::new(id, secret)
    }

    fn validate(link: &CreateLink) -> Result<(), Error> {
        rules(link)?;
        request(link, link.reference.as_deref().unwrap_or("paylinks_validate")).map(drop)
    }

    fn map_link(entity: LinkEntity) -> Result<PaymentLink, String> {
        let id = entity.link_id.clone().ok_or("the link has no link_id")?;
        let code = entity.link_currency.as_deref().ok_or("the link has no link_currency")?;
        let currency: Currency = code.parse().map_err(|e| format!("link_currency: {e}"))?;
        let money = |field: &str, amount: Option<paylinks_core::DecimalAmount>| -> Result<Option<Money>, String> {
            amount.map(|a| Money::from_major(a, currency).map_err(|e| format!("{field}: {e}"))).transpose()
        };
        let amount = money("link_amount", entity.link_amount)?.ok_or("the link has no link_amount")?;
        let amount_paid = money("link_amount_paid", entity.link_amount_paid)?.unwrap_or(Money::new(0, currency));
        let partial_payments = entity.link_partial_payments.unwrap_or(false);
        let minimum = money("link_minimum_partial_amount", entity.link_minimum_partial_amount)?
            .filter(|m| partial_payments && m.minor > 0);
        let provider_status = entity.link_status.as_ref().and_then(raw_value).ok_or("the link has no link_status")?;
        let customer = entity.customer_details.as_ref().map_or_else(Customer::default, |c| Customer {
            name: c.customer_name.clone(),
            email: c.customer_email.clone(),
            phone: c.customer_phone.clone(),
        });
        Ok(PaymentLink {
            provider: PROVIDER,
            reference: Some(id.clone()),
            id,
            status: crate::status::row_status(Self::STATUS_ROWS, &provider_status),
            provider_status,
            amount,
            amount_paid,
            url: entity.link_url.clone(),
            description: entity.link_purpose.clone(),
            customer,
            partial_payments,
            minimum_partial_amount: minimum,
            created_at: entity.link_created_at.map(|t| t.to_utc()),
            expires_at: entity.link_expiry_time.map(|t| t.to_utc()),
            cancelled_at: None,
            notes: entity.link_notes.clone().unwrap_or_default(),
            payments: Vec::new(),
            raw: ProviderLink::Cashfree(Box::new(entity)),
        })
    }

    /// Cashfree's error body (`{"message", "code", "type"}`, no `link_id`) and its payment-link
    /// webhook (`{"type": "PAYMENT_LINK_EVENT", "data": {...}, "event_time"}`,
    /// <https://www.cashfree.com/docs/payments/online/payment-links/webhooks>). Cashfree has no
    /// list of links.
    fn classify(body: &serde_json::Value) -> Body {
        if body.get("data").is_some_and(serde_json::Value::is_object) && has_text(body, "type") {
            return Body::Event;
        }
        if body.get("link_id").is_none()
            && has_text(body, "type")
            && (has_text(body, "code") || has_text(body, "message"))
        {
            return error_body::<types::CashfreeError>(body).unwrap_or(Body::Link);
        }
        Body::Link
    }

    async fn create(client: &Client, retry: &RetryPolicy, link: &CreateLink) -> Result<PaymentLink, Error> {
        rules(link)?;
        let link_id = link.reference.clone().unwrap_or_else(|| random_id("paylinks_", 16));
        let body = request(link, &link_id)?;
        // The idempotency key makes a retried create replay the first response: safe to retry.
        let key = link.idempotency_key.clone().unwrap_or_else(|| link_id.clone());
        tracing::event!(
            name: "paylinks.idempotent_create",
            tracing::Level::INFO,
            paylinks.provider = "cashfree",
            by = "x-idempotency-key",
            "create is safe to retry"
        );
        let call = Call::new(PROVIDER, "create", &link_id);
        let created = retry
            .run(|_| async {
                let sent = client.create_link().x_idempotency_key(key.as_str()).body(body.clone()).send().await;
                read(&call, sent)
            })
            .await;
        match created {
            // The key was used before for another request: with the default key, that is the
            // reference of another link.
            Err(Error::Provider { status: 422, message, code, .. }) => {
                let field = if link.idempotency_key.is_some() { "idempotency_key" } else { "reference" };
                Err(Error::invalid(PROVIDER, field, message.or(code).unwrap_or_else(|| "already used".into())))
            }
            other => other,
        }
    }

    async fn get(client: &Client, retry: &RetryPolicy, id: &str) -> Result<PaymentLink, Error> {
        let call = Call::new(PROVIDER, "get", id);
        retry.run(|_| async { read(&call, client.fetch_link().link_id(id).send().await) }).await
    }

    /// Cashfree cancels only ACTIVE links; a refusal says which state this one is in.
    async fn cancel(client: &Client, retry: &RetryPolicy, id: &str) -> Result<PaymentLink, Error> {
        let call = Call::new(PROVIDER, "cancel", id);
        let cancel = || async { read(&call, client.cancel_link().link_id(id).send().await) };
        state_checked::<Self, _, _>(&call, retry, client, cancel, std::convert::identity).await
    }

    /// Cashfree has no endpoint that sends a link again.
    async fn resend(_: &Client, _: &RetryPolicy, _: &str, _: NotifyMedium) -> Result<(), Error> {
        Err(Error::Unsupported { provider: PROVIDER, operation: "resend_notification" })
    }

    /// Cashfree has no list endpoint; a reference (the `link_id`) finds its one link.
    async fn list(client: &Client, retry: &RetryPolicy, filter: &ListFilter) -> Result<Vec<PaymentLink>, Error> {
        let Some(reference) = &filter.reference else {
            return Err(Error::Unsupported { provider: PROVIDER, operation: "list without a reference" });
        };
        listed_by_reference(Self::get(client, retry, reference).await)
    }
}

impl Paylinks {
    /// The generated Cashfree client, for operations and fields the facade does not unify.
    ///
    /// # Errors
    /// [`Error::Config`] when Cashfree is not configured.
    pub fn cashfree(&self) -> Result<&Client, Error> {
        self.client::<Cashfree>()
    }
}

impl PaylinksBuilder {
    /// Enables Cashfree (client id and secret; sandbox or production).
    pub fn cashfree(
        self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        environment: Environment,
    ) -> Self {
        self.provider(PROVIDER, ProviderConfig { id: client_id.into(), secret: client_secret.into(), environment })
    }
}

/// Documented limits: `link_purpose` 500 characters, 5 notes, `link_id` 50 characters,
/// `return_url` 250 characters.
const MAX_PURPOSE: usize = 500;
const MAX_NOTES: usize = 5;
const MAX_LINK_ID: usize = 50;
const MAX_RETURN_URL: usize = 250;
/// A double carries 15 significant digits exactly; Cashfree's amounts are doubles.
const MAX_EXACT_MINOR: i64 = 999_999_999_999_999;

/// Cashfree's documented rules.
fn rules(link: &CreateLink) -> Result<(), Error> {
    check_common(PROVIDER, link)?;
    if link.amount.minor > MAX_EXACT_MINOR {
        return Err(Error::invalid(PROVIDER, "amount", "more than 15 significant digits cannot be sent exactly"));
    }
    if link.customer.phone.as_deref().is_none_or(str::is_empty) {
        return Err(Error::invalid(PROVIDER, "customer.phone", "Cashfree requires the customer's phone number"));
    }
    if link.description.as_ref().is_some_and(|d| d.chars().count() > MAX_PURPOSE) {
        return Err(Error::invalid(PROVIDER, "description", format!("at most {MAX_PURPOSE} characters")));
    }
    if link.notes.len() > MAX_NOTES {
        return Err(Error::invalid(PROVIDER, "notes", format!("at most {MAX_NOTES} notes")));
    }
    if let Some(reference) = &link.reference {
        check_reference(PROVIDER, reference, MAX_LINK_ID)?;
    }
    if let Some(minimum) = link.minimum_partial_amount
        && minimum.minor >= link.amount.minor
    {
        return Err(Error::invalid(PROVIDER, "minimum_partial_amount", "must be less than the amount"));
    }
    if link.return_url.as_ref().is_some_and(|u| u.len() > MAX_RETURN_URL) {
        return Err(Error::invalid(PROVIDER, "return_url", format!("at most {MAX_RETURN_URL} characters")));
    }
    Ok(())
}

fn request(link: &CreateLink, link_id: &str) -> Result<types::CreateLinkRequest, Error> {
    let customer = types::LinkCustomerDetailsRequest::builder()
        .customer_phone(link.customer.phone.clone().unwrap_or_default())
        .customer_email(link.customer.email.clone())
        .customer_name(link.customer.name.clone());
    let mut body = types::CreateLinkRequest::builder()
        .customer_details(customer)
        .link_amount(link.amount.to_major())
        .link_currency(link.amount.currency.code())
        .link_id(Some(field::<types::CreateLinkRequestLinkId, _>(PROVIDER, "reference", link_id)?))
        .link_partial_payments(link.partial_payments.then_some(true))
        .link_minimum_partial_amount(link.minimum_partial_amount.map(|m| m.to_major()))
        .link_expiry_time(link.expires_at.map(paylinks_core::Timestamp::from))
        .link_notes(link.notes.clone())
        .link_purpose(optional::<types::CreateLinkRequestLinkPurpose, _>(
            PROVIDER,
            "description",
            link.description.as_deref(),
        )?);
    if link.notify_sms || link.notify_email {
        body = body.link_notify(Some(types::LinkNotifyRequest {
            send_sms: Some(link.notify_sms),
            send_email: Some(link.notify_email),
        }));
    }
    if let Some(url) = &link.return_url {
        let meta = types::LinkMetaRequest::builder().return_url(Some(field::<types::LinkMetaRequestReturnUrl, _>(
            PROVIDER,
            "return_url",
            url.as_str(),
        )?));
        body = body.link_meta(Some(build::<_, types::LinkMetaRequest>(PROVIDER, meta)?));
    }
    build(PROVIDER, body)
}

fn read(
    call: &Call,
    sent: Result<progenitor_client::ResponseValue<LinkEntity>, progenitor_client::Error<types::CashfreeError>>,
) -> Result<PaymentLink, Error> {
    match sent {
        Ok(response) => Cashfree::normalise(response.into_inner()).map_err(|m| call.decode(m)),
        Err(error) => Err(map_error(call, CashfreeError::from(error))),
    }
}

fn map_error(call: &Call, error: CashfreeError) -> Error {
    // A duplicate link_id on create is a conflict on the merchant's reference.
    if call.operation == "create" && error.status().map(|s| s.as_u16()) == Some(409) {
        let message = error.body().and_then(|b| b.message.clone()).unwrap_or_else(|| error.to_string());
        return Error::invalid(PROVIDER, "reference", message);
    }
    map_api_error(call, error)
}
