//! Pine Labs Online: `/api/pay/v1/paymentlink`. Amount objects in minor units, ISO UTC
//! times (sometimes without seconds), the merchant reference doubles as an idempotency key.

use paylinks_core::Secret;
use paylinks_core::http::Environment;
use paylinks_pinelabs::types::{self, PaymentLink as PinelabsLink};
use paylinks_pinelabs::webhook::{self, Verifier};
use paylinks_pinelabs::{Client, Credentials, Error as PinelabsError};

use super::refusals::state_checked;
use super::rules::{check_common, check_reference, random_id};
use super::wire::{
    Call, build, error_body, field, has_text, idempotent_create, listed_by_reference, map_api_error, optional,
    raw_value,
};
use crate::api::{Body, Delivery, LinkApi, Settings};
use crate::returns::Params;
use crate::{
    CreateLink, Currency, Customer, Error, EventKind, LinkEvent, LinkStatus, ListFilter, Money, NotifyMedium, Paylinks,
    PaylinksBuilder, Payment, PaymentLink, PaymentStatus, Provider, ProviderConfig, ProviderLink, RetryPolicy, Return,
    ReturnError, WebhookError,
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
    /// The webhook secret shown in the Pine Labs dashboard (Settings, Webhook).
    const WEBHOOK_SECRET_VAR: Option<&'static str> = Some("PINELABS_WEBHOOK_SECRET");

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
            // The order behind the link: what the webhook events name.
            order_id: entity.order_id.clone().filter(|id| !id.is_empty()),
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
            // The link body carries no payments (its order's payments come in the order
            // events and from the orders API, which paylinks does not call).
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

    /// A Pine Labs delivery, verified by [`paylinks_pinelabs::webhook`] (Standard Webhooks
    /// signature over `webhook-id.webhook-timestamp.body`, the replay window on
    /// `webhook-timestamp`), read as a [`LinkEvent`] by [`link_event`].
    fn verify_event(delivery: &Delivery<'_>) -> Result<LinkEvent, WebhookError> {
        let verifier = Verifier::new(delivery.secret.expose()).with_tolerance(delivery.tolerance);
        link_event(&verifier.verify_at(delivery.headers, delivery.body, delivery.now)?)
    }

    /// The secret key (hexadecimal) Pine Labs' onboarding team gives for checking its
    /// callbacks: not the client secret, not the webhook secret.
    const RETURN_SECRET_VAR: Option<&'static str> = Some("PINELABS_CALLBACK_SECRET");

    /// Pine Labs' callback: the customer's browser POSTs a form to the link's `callback_url`
    /// (the facade sends [`CreateLink::return_url`] as it) with `order_id` (the order behind
    /// the link, `v1-…`: match it against [`PaymentLink::order_id`]; the callback does not name
    /// the `pl-v1-…` link), `status` (the **payment's** status, `PROCESSED` or `FAILED`, so
    /// [`Return::status`] is `None`), on a failure `error_code` and `error_message`, and
    /// `signature`: hex HMAC-SHA256 keyed with the secret key (hex-decoded) over the other
    /// fields as sorted `key=value&…`, checked by [`paylinks_pinelabs::redirect::verify_callback`]
    /// (the module cites Pine Labs' "Verify Payment Signature" guide and its official
    /// plugins; that a payment link's page sends exactly these fields is unconfirmed). A secret
    /// key that is not hexadecimal is an [`Error::Config`].
    fn verify_return(secret: &Secret, params: &Params) -> Result<Return, Error> {
        use paylinks_pinelabs::redirect::{SECRET_KEY, verify_callback};
        let callback = verify_callback(secret.expose(), params.pairs()).map_err(|e| match e {
            WebhookError::MalformedHeader { header: SECRET_KEY, why, .. } => {
                Error::Config { message: format!("{PROVIDER}: PINELABS_CALLBACK_SECRET is {why}") }
            }
            other => ReturnError::from_verifier(PROVIDER, other).into(),
        })?;
        Ok(Return {
            provider: PROVIDER,
            link_id: None,
            reference: None,
            order_id: Some(callback.order_id),
            payment_id: None,
            provider_status: Some(callback.status),
            status: None,
            verified: true,
        })
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
        idempotent_create(PROVIDER, "merchant_payment_link_reference");
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
        return Err(Error::invalid(
            PROVIDER,
            "partial_payments",
            "Pine Labs' create request has no part-payment setting (its links may still be paid in parts: PARTIAL_PROCESSED)",
        ));
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

// ------------------------------------------------------------------------------ webhook events

/// A verified Pine Labs event as a [`LinkEvent`]
/// (<https://www.pinelabs.com/docs/online-payments/developer-tools/webhooks/available-events>):
///
/// - `event_id`: the `webhook-id` header, the same when Pine Labs sends the event again;
/// - `kind`: `ORDER_PROCESSED` is [`EventKind::Paid`], or [`EventKind::PartiallyPaid`] when
///   the order's processed payments add up to less than its amount (how Pine Labs reports a
///   part payment of a link is undocumented; a pre-authorised order captured in part,
///   `PARTIALLY_CAPTURED`, was paid in full and is `Paid`); `PAYMENT_FAILED` and
///   `ORDER_FAILED` are [`EventKind::PaymentFailed`]; `ORDER_CANCELLED` is
///   [`EventKind::Cancelled`]; every other event (`ORDER_AUTHORIZED`, refunds, customers,
///   tokens, subscriptions) is [`EventKind::Other`]. No link-expiry event is documented, so
///   none is [`EventKind::Expired`] (the docs' "Link Expired" sample is a `PAYMENT_FAILED`
///   whose payment failed with `PAYMENT_EXPIRED`: a payment attempt, not the link);
/// - `occurred_at`: the order's `updated_at` (when it reached the state the event reports,
///   the same on every delivery), else the signed `webhook-timestamp`;
/// - `link_id`: `None`. Pine Labs' events do not carry `payment_link_id` (the `pl-v1-…` id
///   `get` takes): they name the order behind the link;
/// - `order_id`: `data.order_id` (`v1-…`), the order behind the link, which the link body
///   gives as `order_id` ([`PaymentLink::order_id`]): match `event.order_id` against
///   `link.order_id` to find the event's link;
/// - `link`: `None` (the event carries the order, not the link);
/// - `payment`: the order's payment the event is about: the latest processed one for a paid
///   event, the latest failed one for a failed payment, else the latest; `None` when the
///   order has none.
///
/// # Errors
/// [`WebhookError::NotAnEvent`] for a payment without its id or amount, or with an unknown
/// currency (the field named, never its value).
pub(crate) fn link_event(event: &webhook::Event) -> Result<LinkEvent, WebhookError> {
    use types::{EventType, KnownEventType as Known};

    let order = &event.event.data;
    let kind = match &event.event.event_type {
        EventType::KnownEventType(Known::OrderProcessed) if partly_paid(order) => EventKind::PartiallyPaid,
        EventType::KnownEventType(Known::OrderProcessed) => EventKind::Paid,
        EventType::KnownEventType(Known::PaymentFailed | Known::OrderFailed) => EventKind::PaymentFailed,
        EventType::KnownEventType(Known::OrderCancelled) => EventKind::Cancelled,
        _ => EventKind::Other,
    };
    let payments = order.payments.as_deref().unwrap_or_default();
    let wanted = match kind {
        EventKind::Paid | EventKind::PartiallyPaid => Some("PROCESSED"),
        EventKind::PaymentFailed => Some("FAILED"),
        _ => None,
    };
    let latest = |wanted: Option<&str>| {
        payments
            .iter()
            .enumerate()
            .filter(|(_, p)| wanted.is_none_or(|w| p.status.as_ref().and_then(raw_value).as_deref() == Some(w)))
            .max_by_key(|(i, p)| (p.updated_at.or(p.created_at).map(|t| t.to_utc()), *i))
    };
    let payment = latest(wanted).or_else(|| latest(None)).map(|(i, p)| payment(i, p)).transpose()?;
    Ok(LinkEvent {
        provider: PROVIDER,
        event_id: event.id.clone(),
        kind,
        provider_event: event.event_type(),
        occurred_at: order.updated_at.map_or(event.timestamp, |t| t.to_utc()),
        // The event names the order, never the link (`pl-v1-…`).
        link_id: None,
        order_id: order.order_id.clone(),
        link: None,
        payment,
    })
}

/// Whether an order's processed payments, in its own currency, add up to less than its amount
/// (a payment in another currency with no `base_amount` in the order's is not counted
/// against it: the order then reads as paid).
fn partly_paid(order: &types::Order) -> bool {
    let Some(total) = &order.order_amount else {
        return false;
    };
    let mut paid: i64 = 0;
    for p in order.payments.iter().flatten() {
        if p.status.as_ref().and_then(raw_value).as_deref() != Some("PROCESSED") {
            continue;
        }
        let in_order_currency = [&p.base_amount, &p.payment_amount]
            .into_iter()
            .flatten()
            .find(|amount| amount.currency.eq_ignore_ascii_case(&total.currency));
        match in_order_currency {
            Some(amount) => paid = paid.saturating_add(amount.value),
            None => return false,
        }
    }
    paid > 0 && paid < total.value
}

/// One payment of the order (its index `i` names it in errors).
fn payment(i: usize, p: &types::OrderPayment) -> Result<Payment, WebhookError> {
    let field = |name: &str| format!("data.payments[{i}].{name}");
    let missing = |name: &str| WebhookError::NotAnEvent {
        provider: PROVIDER.as_str(),
        why: format!("`{}` is missing", field(name)),
    };
    let id = p.id.clone().ok_or_else(|| missing("id"))?;
    let amount = p.payment_amount.as_ref().ok_or_else(|| missing("payment_amount"))?;
    let currency: Currency = amount.currency.parse().map_err(|_| WebhookError::NotAnEvent {
        provider: PROVIDER.as_str(),
        why: format!("`{}`: not a known currency", field("payment_amount.currency")),
    })?;
    let provider_status = p.status.as_ref().and_then(raw_value).unwrap_or_default();
    Ok(Payment {
        id,
        amount: Money::new(amount.value, currency),
        status: payment_status(&provider_status),
        provider_status,
        method: p.payment_method.as_ref().and_then(raw_value),
        created_at: p.created_at.map(|t| t.to_utc()),
    })
}

/// Pine Labs' payment statuses (<https://developer.pinelabsonline.com/docs/payment-life-cycle>):
/// `PROCESSED` took the money; `PENDING` and `AUTHORIZED` (pre-authorised, to be captured) are
/// under way; `FAILED` failed; `CANCELLED` (a pre-authorisation released, or the customer
/// cancelling) and anything else are not interpreted.
fn payment_status(status: &str) -> PaymentStatus {
    match status {
        "PROCESSED" => PaymentStatus::Succeeded,
        "PENDING" | "AUTHORIZED" => PaymentStatus::Pending,
        "FAILED" => PaymentStatus::Failed,
        _ => PaymentStatus::Other,
    }
}

/// The Pine Labs events as the facade reads them. (Through `LinkApi::verify_event` directly: the
/// public entry point that picks the link API from the provider is the registry's.)
#[cfg(test)]
mod webhook_tests {
    use std::time::Duration;

    use chrono::{DateTime, Utc};
    use paylinks_core::Secret;
    use paylinks_pinelabs::webhook::sign;
    use paylinks_testkit::{conformance_dir, conformance_files};

    use super::*;

    const SECRET: &str = "whsec_paylinks_test_pinelabs";
    const SIGNED_AT: i64 = 1_725_871_841;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    fn time(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    /// `body` signed with [`SECRET`] at [`SIGNED_AT`] as delivery `id`, read at `now`.
    fn read(id: &str, body: &[u8], secret: &str, now: DateTime<Utc>) -> Result<LinkEvent, WebhookError> {
        let headers = sign(SECRET, id, SIGNED_AT, body).unwrap();
        let secret = Secret::new(secret.to_owned());
        let delivery = Delivery { secret: &secret, tolerance: Duration::from_secs(600), now, headers: &headers, body };
        Pinelabs::verify_event(&delivery)
    }

    fn event(file: &str) -> LinkEvent {
        let body = std::fs::read(conformance_dir().join("pinelabs/webhooks").join(file)).unwrap();
        read(&format!("msg_{file}"), &body, SECRET, at(SIGNED_AT)).unwrap_or_else(|e| panic!("{file}: {e}"))
    }

    #[test]
    fn a_paid_order_is_a_paid_link_event_with_its_payment() {
        let paid = event("order_processed_card.json");
        assert_eq!(paid.provider, Provider::Pinelabs);
        assert_eq!(paid.event_id, "msg_order_processed_card.json");
        assert_eq!(paid.kind, EventKind::Paid);
        assert_eq!(paid.provider_event, "ORDER_PROCESSED");
        assert_eq!(paid.occurred_at, time("2024-09-09T08:50:41.082Z"));
        assert_eq!(paid.link_id, None, "the event names the order, not the link");
        assert_eq!(paid.order_id.as_deref(), Some("v1-240909084141-aa-O2oJwd"));
        assert!(paid.link.is_none());
        assert_eq!(
            paid.payment,
            Some(Payment {
                id: "v1-240909084141-aa-O2oJwd-cc-N".into(),
                amount: Money::inr(200),
                status: PaymentStatus::Succeeded,
                provider_status: "PROCESSED".into(),
                method: Some("CARD".into()),
                created_at: Some(time("2024-08-28T18:12:32.152Z")),
            })
        );
    }

    #[test]
    fn every_documented_event_has_its_kind() {
        let expected = [
            ("order_authorized_card.json", EventKind::Other, Some("AUTHORIZED")),
            ("order_cancelled_card.json", EventKind::Cancelled, Some("CANCELLED")),
            ("order_cancelled_no_payment.json", EventKind::Cancelled, None),
            ("order_failed_card.json", EventKind::PaymentFailed, Some("FAILED")),
            ("order_processed_card.json", EventKind::Paid, Some("PROCESSED")),
            ("order_processed_dcc.json", EventKind::Paid, Some("PROCESSED")),
            // A pre-authorised order captured in part was paid in full.
            ("order_processed_partial_capture.json", EventKind::Paid, Some("PROCESSED")),
            ("order_processed_upi.json", EventKind::Paid, Some("PROCESSED")),
            ("payment_failed_capture.json", EventKind::PaymentFailed, Some("FAILED")),
            // "Link Expired Payload": a payment attempt expired, not the link.
            ("payment_failed_link_expired.json", EventKind::PaymentFailed, Some("FAILED")),
            ("payment_failed_otp.json", EventKind::PaymentFailed, Some("FAILED")),
            ("payment_failed_upi_collect.json", EventKind::PaymentFailed, Some("FAILED")),
            ("refund_processed_card.json", EventKind::Other, Some("PROCESSED")),
        ];
        let files: Vec<String> = conformance_files("pinelabs/webhooks").into_iter().map(|(name, _)| name).collect();
        assert_eq!(files, expected.iter().map(|(f, ..)| f.to_string()).collect::<Vec<_>>());
        for (file, kind, payment_status) in expected {
            let event = event(file);
            assert_eq!(event.kind, kind, "{file}");
            assert_eq!(event.link_id, None, "{file}");
            assert!(event.order_id.as_deref().is_some_and(|id| id.starts_with("v1-")), "{file}");
            assert_eq!(event.payment.as_ref().map(|p| p.provider_status.as_str()), payment_status, "{file}");
            if let Some(payment) = &event.payment {
                assert!(
                    payment.id.starts_with(event.order_id.as_deref().unwrap()),
                    "{file}: the payment id extends the order id"
                );
                assert!(payment.amount.minor > 0, "{file}");
            }
        }
        let failed = event("payment_failed_otp.json").payment.unwrap();
        assert_eq!((failed.status, failed.method.as_deref()), (PaymentStatus::Failed, Some("CARD")));
        let cancelled = event("order_cancelled_card.json").payment.unwrap();
        assert_eq!(cancelled.status, PaymentStatus::Other, "a cancelled payment is not interpreted");
        let upi = event("order_processed_upi.json").payment.unwrap();
        assert_eq!((upi.amount, upi.method.as_deref()), (Money::inr(100), Some("UPI")));
    }

    #[test]
    fn a_converted_payment_keeps_its_own_currency() {
        let dcc = event("order_processed_dcc.json");
        assert_eq!(dcc.kind, EventKind::Paid, "base_amount covers the order");
        let payment = dcc.payment.unwrap();
        assert_eq!(payment.amount, Money::new(123, "USD".parse().unwrap()));
    }

    /// An `ORDER_PROCESSED` of an order of 10000 paise whose payments are `payments`.
    fn processed(payments: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "event_type": "ORDER_PROCESSED",
            "data": {
                "order_id": "v1-251129100000-aa-AbCdEf",
                "status": "PROCESSED",
                "order_amount": {"value": 10000, "currency": "INR"},
                "payments": payments,
                "updated_at": "2025-11-29T10:05:00.000Z"
            }
        }))
        .unwrap()
    }

    #[test]
    fn processed_payments_short_of_the_order_are_a_part_payment() {
        let payment = |id: &str, value: i64, status: &str, at: &str| {
            serde_json::json!({"id": id, "status": status, "payment_amount": {"value": value, "currency": "INR"},
                "payment_method": "UPI", "created_at": at, "updated_at": at})
        };
        let first = payment("v1-251129100000-aa-AbCdEf-up-a", 4000, "PROCESSED", "2025-11-29T10:01:00.000Z");
        let failed = payment("v1-251129100000-aa-AbCdEf-cc-b", 6000, "FAILED", "2025-11-29T10:02:00.000Z");
        let part = read("msg_part", &processed(serde_json::json!([first, failed])), SECRET, at(SIGNED_AT)).unwrap();
        assert_eq!(part.kind, EventKind::PartiallyPaid);
        assert_eq!(
            part.payment.as_ref().map(|p| (p.id.as_str(), p.amount)),
            Some(("v1-251129100000-aa-AbCdEf-up-a", Money::inr(4000)))
        );
        assert_eq!(part.occurred_at, time("2025-11-29T10:05:00Z"));
        let rest = payment("v1-251129100000-aa-AbCdEf-up-c", 6000, "PROCESSED", "2025-11-29T10:04:00.000Z");
        let full =
            read("msg_full", &processed(serde_json::json!([first, failed, rest])), SECRET, at(SIGNED_AT)).unwrap();
        assert_eq!(full.kind, EventKind::Paid);
        assert_eq!(
            full.payment.map(|p| (p.id, p.amount)),
            Some(("v1-251129100000-aa-AbCdEf-up-c".into(), Money::inr(6000)))
        );
    }

    #[test]
    fn bad_payments_and_unknown_events() {
        let no_id =
            processed(serde_json::json!([{"status": "PROCESSED", "payment_amount": {"value": 1, "currency": "INR"}}]));
        let error = read("msg_x", &no_id, SECRET, at(SIGNED_AT)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "pinelabs webhook: the body is not a pinelabs webhook event: `data.payments[0].id` is missing"
        );
        let odd = processed(
            serde_json::json!([{"id": "p", "status": "PROCESSED", "payment_amount": {"value": 1, "currency": "XQQ"}}]),
        );
        let error = read("msg_x", &odd, SECRET, at(SIGNED_AT)).unwrap_err().to_string();
        assert!(error.contains("data.payments[0].payment_amount.currency") && !error.contains("XQQ"), "{error}");
        let unknown = br#"{"event_type":"ORDER_RESHUFFLED","data":{"order_id":"v1-1"}}"#;
        let other = read("msg_y", unknown, SECRET, at(SIGNED_AT)).unwrap();
        assert_eq!(
            (other.kind, other.provider_event.as_str(), other.payment),
            (EventKind::Other, "ORDER_RESHUFFLED", None)
        );
        assert_eq!(other.occurred_at, at(SIGNED_AT), "no updated_at: the signed timestamp");
    }

    #[test]
    fn the_delivery_secret_and_tolerance_apply() {
        let body = std::fs::read(conformance_dir().join("pinelabs/webhooks/order_processed_card.json")).unwrap();
        assert_eq!(
            read("msg_z", &body, "whsec_paylinks_test_other", at(SIGNED_AT)).unwrap_err(),
            WebhookError::SignatureMismatch { provider: "pinelabs" }
        );
        assert!(read("msg_z", &body, SECRET, at(SIGNED_AT + 599)).is_ok(), "the delivery's 600 s window");
        assert!(matches!(
            read("msg_z", &body, SECRET, at(SIGNED_AT + 601)),
            Err(WebhookError::StaleTimestamp { tolerance_secs: 600, .. })
        ));
        assert_eq!(Pinelabs::WEBHOOK_SECRET_VAR, Some("PINELABS_WEBHOOK_SECRET"));
    }
}
