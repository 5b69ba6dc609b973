//! Cashfree: `/pg/links`. Amounts in major units, the merchant's `link_id` is the link's id.
//!
//! The payments of a link are its orders (`GET /links/{link_id}/orders?status=ALL`), fetched
//! by [`Cashfree::get`] with a second call; its webhook is the `PAYMENT_LINK_EVENT`, verified by
//! `paylinks_cashfree::webhook` ([`Cashfree::verify_event`]).

use paylinks_cashfree::types::{
    self, KnownOrderStatus, KnownTransactionStatus, LinkEntity, LinkOrdersStatusFilter, OrderStatus,
    PaymentLinkEventData, PaymentLinkEventOrder, PaymentLinkOrderEntity, TransactionStatus,
};
use paylinks_cashfree::webhook::{Event, PAYMENT_LINK_EVENT, Verifier};
use paylinks_cashfree::{Client, Credentials, Error as CashfreeError};
use paylinks_core::Secret;
use paylinks_core::http::Environment;
use paylinks_core::webhook::WebhookError;

use super::refusals::state_checked;
use super::rules::{check_common, check_reference, random_id};
use super::wire::{
    Call, build, error_body, field, has_text, idempotent_create, listed_by_reference, map_api_error, optional,
    raw_value,
};
use crate::api::{Body, Delivery, LinkApi, Settings};
use crate::returns::{Params, non_empty};
use crate::{
    CreateLink, Currency, Customer, Error, EventKind, LinkEvent, LinkStatus, ListFilter, Money, NotifyMedium, Paylinks,
    PaylinksBuilder, Payment, PaymentLink, PaymentStatus, Provider, ProviderConfig, ProviderLink, RetryPolicy, Return,
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
            // A Cashfree link has no order of its own: each payment attempt is an order of the
            // link (its `payments`, and a link event's `LinkEvent::order_id`).
            order_id: None,
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
        idempotent_create(PROVIDER, "x-idempotency-key");
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

    /// Cashfree signs its webhook deliveries with the client secret of the API credentials.
    const WEBHOOK_SECRET_VAR: Option<&'static str> = Some("CASHFREE_CLIENT_SECRET");

    /// A `PAYMENT_LINK_EVENT` delivery, verified by [`paylinks_cashfree::webhook::Verifier`]
    /// (base64 HMAC-SHA256 of `x-webhook-timestamp` + the raw body, keyed with the client
    /// secret; the timestamp within the tolerance), read as a [`LinkEvent`]:
    ///
    /// - `event_id`: [`paylinks_cashfree::webhook::event_id`], derived from the body
    ///   (`PAYMENT_LINK_EVENT:<link_id>:<link_status>:<order_id>:<transaction_id>`, `-` for a
    ///   missing part), the same on every redelivery: Cashfree sends no event id;
    /// - `provider_event`: the event's `type` as sent (`PAYMENT_LINK_EVENT` for every link
    ///   event); the link's status, which tells the events apart, is kept as sent in
    ///   `link.provider_status`;
    /// - `kind`: `payment_failed` when the event's transaction failed (`transaction_status`
    ///   FAILED, USER_DROPPED, CANCELLED or VOID), else by `link_status`: PAID `paid`,
    ///   PARTIALLY_PAID `partially_paid`, EXPIRED `expired`, CANCELLED `cancelled`; anything
    ///   else (another `type`, another status) `other`;
    /// - `occurred_at`: `event_time` in UTC (an offset-less time is India time);
    /// - `link_id`: `data.link_id`, the id `get` takes;
    /// - `order_id`: `data.order.order_id` (`CFPay_…`), the order of the event's one payment
    ///   (`None` without an `order`); the link has no order of its own, so `link.order_id` is
    ///   `None`;
    /// - `link`: the event's link fields read like a link body (the amounts as numeric strings,
    ///   exactly); its `payments` are the event's one payment;
    /// - `payment`: the event's `order`, when it has one: `id` = `order_id`, `amount` =
    ///   `order_amount` in the link's currency, `status` from `transaction_status` (SUCCESS
    ///   succeeded; PENDING, NOT_ATTEMPTED pending; FAILED, USER_DROPPED, CANCELLED, VOID
    ///   failed; others `other`), `created_at` = `event_time` (the order in the event carries
    ///   no time of its own), no method (the event does not say).
    ///
    /// An event whose link or order lacks what a link or a payment needs (link id, currency,
    /// amount, order id, order amount) is [`WebhookError::NotAnEvent`] naming the field.
    fn verify_event(delivery: &Delivery<'_>) -> Result<LinkEvent, WebhookError> {
        let verifier = Verifier::new(delivery.secret.expose()).with_tolerance(delivery.tolerance);
        link_event(verifier.verify_at(delivery.headers, delivery.body, delivery.now)?)
    }

    /// Cashfree sends the customer's browser to the link's `link_meta.return_url` with a plain
    /// `GET`, adding no parameter of its own and signing nothing
    /// ([`paylinks_cashfree::redirect`]: `{order_id}` in the URL becomes the id of the payment's
    /// order, as Cashfree documents for orders' return URLs; unconfirmed for links). So the
    /// return is read from what the merchant put in its return URL, each optional and at most
    /// once: `link_id` (a Cashfree link's id is the merchant's: the facade creates it as
    /// [`CreateLink::reference`], so it is known before the link is created) and `order_id`
    /// (`order_id={order_id}` in the URL). `verified` is always `false`: fetch the link before
    /// trusting that it was paid.
    fn verify_return(secret: &Secret, params: &Params) -> Result<Return, Error> {
        let _ = secret;
        let read = |name: &'static str| -> Result<Option<String>, Error> {
            let value = params.one(PROVIDER, name)?.map(str::to_owned).and_then(non_empty);
            // A placeholder left as written: the provider did not fill it.
            Ok(value.filter(|v| v != paylinks_cashfree::redirect::ORDER_ID_PLACEHOLDER))
        };
        Ok(Return {
            provider: PROVIDER,
            link_id: read("link_id")?,
            reference: None,
            order_id: read("order_id")?,
            payment_id: None,
            provider_status: None,
            status: None,
            verified: false,
        })
    }

    /// The link, then its orders (`GET /links/{link_id}/orders?status=ALL`, under the same retry
    /// policy) as its [`PaymentLink::payments`] when the link has been paid something (a link
    /// with nothing paid has no paid order; its unpaid attempts are left out, which saves the
    /// second call on every fresh link). A failed second call fails the `get` with that call's
    /// mapped error. Each order is a [`Payment`] ([`order_payment`]).
    async fn get(client: &Client, retry: &RetryPolicy, id: &str) -> Result<PaymentLink, Error> {
        let call = Call::new(PROVIDER, "get", id);
        let link = retry.run(|_| async { read(&call, client.fetch_link().link_id(id).send().await) }).await?;
        with_payments(&call, client, retry, link).await
    }

    /// Cashfree cancels only ACTIVE links; a refusal says which state this one is in. A link
    /// Cashfree cancelled has nothing paid (a partly paid link is PARTIALLY_PAID, not ACTIVE),
    /// so no orders are fetched; a link read back after a refusal is read by [`Self::get`],
    /// payments included.
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

/// `link` with its orders as payments, fetched when it has been paid something (see
/// [`Cashfree::get`]).
async fn with_payments(
    call: &Call,
    client: &Client,
    retry: &RetryPolicy,
    mut link: PaymentLink,
) -> Result<PaymentLink, Error> {
    if link.amount_paid.minor == 0 {
        return Ok(link);
    }
    let orders = retry
        .run(|_| async {
            let sent =
                client.fetch_link_orders().link_id(link.id.as_str()).status(LinkOrdersStatusFilter::All).send().await;
            sent.map(progenitor_client::ResponseValue::into_inner).map_err(|e| map_error(call, CashfreeError::from(e)))
        })
        .await?;
    let currency = link.amount.currency;
    let mut payments = orders
        .iter()
        .map(|order| order_payment(order, currency))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|m| call.decode(m))?;
    // Oldest first; Cashfree does not document the order of the list.
    payments.sort_by_key(|payment| payment.created_at);
    link.payments = payments;
    Ok(link)
}

/// One order of a link as a [`Payment`]: `id` = `order_id`, `amount` = `order_amount` in
/// `order_currency` (the link's when absent), `created_at` = `created_at`, no method (the
/// order does not say), `status` from `order_status`:
///
/// | `order_status` | status |
/// |---|---|
/// | PAID | succeeded |
/// | ACTIVE (no successful transaction yet) | pending |
/// | TERMINATION_REQUESTED (being terminated; a transaction may still succeed) | pending |
/// | EXPIRED, TERMINATED | failed |
/// | anything else | other |
///
/// An order without `order_id` or `order_amount`, or with an amount its currency cannot
/// carry, is an error naming the field.
pub(crate) fn order_payment(order: &PaymentLinkOrderEntity, link_currency: Currency) -> Result<Payment, String> {
    let id = order.order_id.clone().filter(|id| !id.is_empty()).ok_or("an order of the link has no order_id")?;
    let currency = match order.order_currency.as_deref() {
        Some(code) => code.parse().map_err(|e| format!("order_currency: {e}"))?,
        None => link_currency,
    };
    let amount = order.order_amount.ok_or("an order of the link has no order_amount")?;
    let amount = Money::from_major(amount, currency).map_err(|e| format!("order_amount: {e}"))?;
    let status = match order.order_status.as_ref() {
        Some(OrderStatus::KnownOrderStatus(known)) => match known {
            KnownOrderStatus::Paid => PaymentStatus::Succeeded,
            KnownOrderStatus::Active | KnownOrderStatus::TerminationRequested => PaymentStatus::Pending,
            KnownOrderStatus::Expired | KnownOrderStatus::Terminated => PaymentStatus::Failed,
        },
        Some(OrderStatus::Unknown(_)) | None => PaymentStatus::Other,
    };
    Ok(Payment {
        id,
        amount,
        status,
        provider_status: order.order_status.as_ref().and_then(raw_value).unwrap_or_default(),
        method: None,
        created_at: order.created_at.map(|t| t.to_utc()),
    })
}

/// A verified Cashfree event as a [`LinkEvent`] (the mapping: [`Cashfree::verify_event`]).
fn link_event(verified: Event) -> Result<LinkEvent, WebhookError> {
    let not_an_event = |why: String| WebhookError::NotAnEvent { provider: PROVIDER.owner().as_str(), why };
    let Event { id: event_id, event, .. } = verified;
    let occurred_at = event.event_time.to_utc();
    let data = event.data;
    let payment = match &data.order {
        Some(order) => Some(event_payment(order, &data, occurred_at).map_err(not_an_event)?),
        None => None,
    };
    let link_status = data.link_status.as_ref().and_then(raw_value);
    let kind = if event.type_ != PAYMENT_LINK_EVENT {
        EventKind::Other
    } else if payment.as_ref().is_some_and(|p| p.status == PaymentStatus::Failed) {
        EventKind::PaymentFailed
    } else {
        match link_status.as_deref() {
            Some("PAID") => EventKind::Paid,
            Some("PARTIALLY_PAID") => EventKind::PartiallyPaid,
            Some("EXPIRED") => EventKind::Expired,
            Some("CANCELLED") => EventKind::Cancelled,
            _ => EventKind::Other,
        }
    };
    let link_id = data.link_id.clone();
    let order_id = data.order.as_ref().and_then(|order| order.order_id.clone());
    // The link's amounts are checked here first so that no error shows a value.
    if let Some(currency) = data.link_currency.as_deref().and_then(|code| code.parse::<Currency>().ok()) {
        let amounts = [
            ("data.link_amount", data.link_amount),
            ("data.link_amount_paid", data.link_amount_paid),
            ("data.link_minimum_partial_amount", data.link_minimum_partial_amount),
        ];
        for (field, amount) in amounts {
            if let Some(amount) = amount {
                exact(amount, currency, field).map_err(not_an_event)?;
            }
        }
    }
    let mut link = Cashfree::normalise(event_link(data)).map_err(|why| not_an_event(format!("data: {why}")))?;
    link.payments = payment.iter().cloned().collect();
    Ok(LinkEvent {
        provider: PROVIDER,
        event_id,
        kind,
        provider_event: event.type_,
        occurred_at,
        link_id,
        order_id,
        link: Some(link),
        payment,
    })
}

/// An amount of an event as [`Money`]; the error names the field and the currency, not the
/// amount.
fn exact(amount: paylinks_core::DecimalAmount, currency: Currency, field: &str) -> Result<Money, String> {
    Money::from_major(amount, currency)
        .map_err(|_| format!("{field} is not an exact amount of {} (too many decimals, or too large)", currency.code()))
}

/// The link fields of an event as a link body, for [`LinkApi::normalise`].
fn event_link(data: PaymentLinkEventData) -> LinkEntity {
    LinkEntity {
        cf_link_id: data.cf_link_id,
        customer_details: data.customer_details,
        link_amount: data.link_amount,
        link_amount_paid: data.link_amount_paid,
        link_auto_reminders: data.link_auto_reminders,
        link_created_at: data.link_created_at,
        link_currency: data.link_currency,
        link_expiry_time: data.link_expiry_time,
        link_id: data.link_id,
        link_meta: data.link_meta,
        link_minimum_partial_amount: data.link_minimum_partial_amount,
        link_notes: data.link_notes,
        link_notify: data.link_notify,
        link_partial_payments: data.link_partial_payments,
        link_purpose: data.link_purpose,
        link_status: data.link_status,
        link_url: data.link_url,
        ..LinkEntity::default()
    }
}

/// The `order` of an event as a [`Payment`] (see [`Cashfree::verify_event`]).
fn event_payment(
    order: &PaymentLinkEventOrder,
    data: &PaymentLinkEventData,
    occurred_at: chrono::DateTime<chrono::Utc>,
) -> Result<Payment, String> {
    let id = order.order_id.clone().filter(|id| !id.is_empty()).ok_or("data.order has no order_id")?;
    let code = data.link_currency.as_deref().ok_or("data has no link_currency")?;
    let currency: Currency = code.parse().map_err(|e| format!("data.link_currency: {e}"))?;
    let amount = order.order_amount.ok_or("data.order has no order_amount")?;
    let amount = exact(amount, currency, "data.order.order_amount")?;
    let status = match order.transaction_status.as_ref() {
        Some(TransactionStatus::KnownTransactionStatus(known)) => match known {
            KnownTransactionStatus::Success => PaymentStatus::Succeeded,
            KnownTransactionStatus::Pending | KnownTransactionStatus::NotAttempted => PaymentStatus::Pending,
            KnownTransactionStatus::Failed
            | KnownTransactionStatus::UserDropped
            | KnownTransactionStatus::Cancelled
            | KnownTransactionStatus::Void => PaymentStatus::Failed,
        },
        Some(TransactionStatus::Unknown(_)) | None => PaymentStatus::Other,
    };
    Ok(Payment {
        id,
        amount,
        status,
        provider_status: order.transaction_status.as_ref().and_then(raw_value).unwrap_or_default(),
        method: None,
        created_at: Some(occurred_at),
    })
}

fn map_error(call: &Call, error: CashfreeError) -> Error {
    // A duplicate link_id on create is a conflict on the merchant's reference.
    if call.operation == "create" && error.status().map(|s| s.as_u16()) == Some(409) {
        let message = error.body().and_then(|b| b.message.clone()).unwrap_or_else(|| error.to_string());
        return Error::invalid(PROVIDER, "reference", message);
    }
    map_api_error(call, error)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use http::{HeaderMap, HeaderName, HeaderValue};
    use paylinks_cashfree::webhook::sign;
    use serde_json::{Value, json};

    use super::*;

    /// The client secret the fixtures of `tests/fixtures/cashfree/webhooks/` were signed with.
    const SECRET: &str = "whsec_paylinks_test_cashfree_client_secret";
    const SIGNED_AT_MS: i64 = 1_746_427_759_733;

    fn fixture(name: &str) -> (Vec<u8>, HeaderMap) {
        let folder = paylinks_testkit::conformance_dir().join("cashfree/webhooks");
        let body = std::fs::read(folder.join(format!("{name}.json"))).unwrap();
        let mut headers = HeaderMap::new();
        for line in std::fs::read_to_string(folder.join(format!("{name}.headers"))).unwrap().lines() {
            if let Some((name, value)) = line.split_once(':') {
                headers.insert(
                    HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
                    HeaderValue::from_str(value.trim()).unwrap(),
                );
            }
        }
        (body, headers)
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(SIGNED_AT_MS).unwrap()
    }

    fn verify(headers: &HeaderMap, body: &[u8]) -> Result<LinkEvent, WebhookError> {
        let secret = Secret::new(SECRET);
        let delivery =
            Delivery { secret: &secret, tolerance: std::time::Duration::from_secs(300), now: now(), headers, body };
        Cashfree::verify_event(&delivery)
    }

    /// The documented event, signed by a test with `value` changed, verified and read.
    fn event_with(change: impl FnOnce(&mut Value)) -> Result<LinkEvent, WebhookError> {
        let (body, _) = fixture("docs_partially_paid");
        let mut value: Value = serde_json::from_slice(&body).unwrap();
        change(&mut value);
        let body = serde_json::to_vec(&value).unwrap();
        verify(&sign(SECRET, SIGNED_AT_MS, &body), &body)
    }

    #[test]
    fn the_documented_event_is_a_partial_payment_with_its_order() {
        let (body, headers) = fixture("docs_partially_paid");
        let event = verify(&headers, &body).unwrap();
        assert_eq!(event.provider, Provider::Cashfree);
        assert_eq!(
            event.event_id,
            "PAYMENT_LINK_EVENT:payment_ps11:PARTIALLY_PAID:CFPay_U1mgll3c0e9g_ehdcjjbtckf:1021206"
        );
        assert_eq!(event.kind, EventKind::PartiallyPaid);
        assert_eq!(event.provider_event, "PAYMENT_LINK_EVENT");
        assert_eq!(event.occurred_at.to_rfc3339(), "2021-08-18T07:25:06+00:00");
        assert_eq!(event.link_id.as_deref(), Some("payment_ps11"));
        assert_eq!(event.order_id.as_deref(), Some("CFPay_U1mgll3c0e9g_ehdcjjbtckf"), "the order of the payment");
        let link = event.link.as_ref().unwrap();
        assert_eq!(link.id, "payment_ps11");
        assert_eq!(link.order_id, None, "a Cashfree link has no order of its own");
        assert_eq!((link.status, link.provider_status.as_str()), (LinkStatus::PartiallyPaid, "PARTIALLY_PAID"));
        assert_eq!(link.amount, Money::inr(20012));
        assert_eq!(link.amount_paid, Money::inr(5500));
        assert_eq!(link.minimum_partial_amount, Some(Money::inr(1100)));
        assert_eq!(link.created_at.unwrap().to_rfc3339(), "2021-08-18T01:43:41+00:00");
        let payment = event.payment.as_ref().unwrap();
        assert_eq!(payment.id, "CFPay_U1mgll3c0e9g_ehdcjjbtckf");
        assert_eq!(payment.amount, Money::inr(2200));
        assert_eq!((payment.status, payment.provider_status.as_str()), (PaymentStatus::Succeeded, "SUCCESS"));
        assert_eq!(payment.created_at, Some(event.occurred_at));
        assert_eq!(payment.method, None);
        assert_eq!(link.payments, vec![payment.clone()]);
    }

    #[test]
    fn a_cancelled_event_without_an_order_has_no_payment() {
        let (body, headers) = fixture("synthetic_cancelled");
        let event = verify(&headers, &body).unwrap();
        assert_eq!(event.kind, EventKind::Cancelled);
        assert_eq!(event.event_id, "PAYMENT_LINK_EVENT:order-1042:CANCELLED:-:-");
        assert_eq!(event.payment, None);
        assert_eq!((event.link_id.as_deref(), event.order_id), (Some("order-1042"), None));
        assert_eq!(event.link.unwrap().amount, Money::inr(49950));
    }

    #[test]
    fn the_kind_follows_the_link_status_and_a_failed_transaction() {
        let kind = |status: &str, transaction: &str| {
            event_with(|v| {
                v["data"]["link_status"] = json!(status);
                v["data"]["order"]["transaction_status"] = json!(transaction);
            })
            .unwrap()
            .kind
        };
        assert_eq!(kind("PAID", "SUCCESS"), EventKind::Paid);
        assert_eq!(kind("PARTIALLY_PAID", "SUCCESS"), EventKind::PartiallyPaid);
        assert_eq!(kind("EXPIRED", "SUCCESS"), EventKind::Expired);
        assert_eq!(kind("CANCELLED", "SUCCESS"), EventKind::Cancelled);
        assert_eq!(kind("ACTIVE", "SUCCESS"), EventKind::Other);
        assert_eq!(kind("SOMETHING_NEW", "SUCCESS"), EventKind::Other);
        for failed in ["FAILED", "USER_DROPPED", "CANCELLED", "VOID"] {
            assert_eq!(kind("PARTIALLY_PAID", failed), EventKind::PaymentFailed, "{failed}");
        }
        assert_eq!(kind("ACTIVE", "PENDING"), EventKind::Other);
        let other = event_with(|v| v["type"] = json!("PAYMENT_SUCCESS_WEBHOOK")).unwrap();
        assert_eq!((other.kind, other.provider_event.as_str()), (EventKind::Other, "PAYMENT_SUCCESS_WEBHOOK"));
    }

    #[test]
    fn an_event_missing_what_a_payment_needs_is_not_an_event() {
        let err = event_with(|v| v["data"]["order"].as_object_mut().unwrap().remove("order_amount").map(drop).unwrap())
            .unwrap_err();
        assert!(err.to_string().contains("order_amount"), "{err}");
        let err = event_with(|v| v["data"]["order"]["order_amount"] = json!("22.001")).unwrap_err();
        assert!(err.to_string().contains("data.order.order_amount") && !err.to_string().contains("22.001"), "{err}");
        let err = event_with(|v| v["data"]["link_amount_paid"] = json!("55.005")).unwrap_err();
        assert!(err.to_string().contains("data.link_amount_paid") && !err.to_string().contains("55.005"), "{err}");
        let err = event_with(|v| v["data"]["link_currency"] = Value::Null).unwrap_err();
        assert!(err.to_string().contains("link_currency"), "{err}");
    }

    #[test]
    fn a_bad_delivery_is_refused_by_the_crate_verifier() {
        let (body, headers) = fixture("docs_partially_paid");
        let mut changed = body.clone();
        changed[20] ^= 1;
        assert_eq!(verify(&headers, &changed).unwrap_err(), WebhookError::SignatureMismatch { provider: "cashfree" });
        let secret = Secret::new("whsec_paylinks_test_other");
        let late = now() + chrono::Duration::minutes(6);
        let delivery = Delivery {
            secret: &secret,
            tolerance: std::time::Duration::from_secs(300),
            now: late,
            headers: &headers,
            body: &body,
        };
        assert!(matches!(Cashfree::verify_event(&delivery), Err(WebhookError::StaleTimestamp { .. })));
    }

    #[test]
    fn orders_map_to_payments_by_status() {
        let order = |status: &str| {
            serde_json::from_value::<PaymentLinkOrderEntity>(json!({
                "order_id": "CFPay_a", "order_amount": 10.12, "order_currency": "INR", "order_status": status,
                "created_at": "2023-08-11T18:02:46+05:30"
            }))
            .unwrap()
        };
        let inr: Currency = "INR".parse().unwrap();
        let status = |s: &str| order_payment(&order(s), inr).unwrap().status;
        assert_eq!(status("PAID"), PaymentStatus::Succeeded);
        assert_eq!(status("ACTIVE"), PaymentStatus::Pending);
        assert_eq!(status("TERMINATION_REQUESTED"), PaymentStatus::Pending);
        assert_eq!(status("EXPIRED"), PaymentStatus::Failed);
        assert_eq!(status("TERMINATED"), PaymentStatus::Failed);
        assert_eq!(status("ON_HOLD"), PaymentStatus::Other);
        let paid = order_payment(&order("PAID"), inr).unwrap();
        assert_eq!(
            (paid.id.as_str(), paid.amount, paid.provider_status.as_str()),
            ("CFPay_a", Money::inr(1012), "PAID")
        );
        assert_eq!(paid.created_at.unwrap().to_rfc3339(), "2023-08-11T12:32:46+00:00");
        let mut nameless = order("PAID");
        nameless.order_id = None;
        assert!(order_payment(&nameless, inr).unwrap_err().contains("order_id"));
    }
}
