//! Razorpay's legacy invoice-based links: `/v1/invoices` with `type: link`. Same host, auth
//! and error envelope as Payment Links v2; unset times are `null` instead of `0`.

use paylinks_core::Secret;
use paylinks_razorpay::types::{self, Invoice};
use paylinks_razorpay::{Client, Credentials, unix_time};

use super::razorpay::{
    PAGE, SETTINGS, all_pages, check_callback, created_once, map_error, notes_request, notes_text, notification_medium,
    parse_currency, positive, validate_common,
};
use super::refusals::{ONE_ATTEMPT, state_checked};
use super::wire::{Call, build, idempotent_create, optional, raw_value};
use crate::api::{Body, LinkApi, Settings};
use crate::returns::{Params, non_empty};
use crate::{
    CreateLink, Customer, Error, LinkStatus, ListFilter, Money, NotifyMedium, PaymentLink, Provider, ProviderLink,
    RetryPolicy, Return, ReturnError,
};

const PROVIDER: Provider = Provider::RazorpayInvoice;

/// Razorpay's legacy invoice-based links: a link API of the provider Razorpay, with its
/// credentials and client ([`Paylinks::razorpay`](crate::Paylinks::razorpay)).
pub(crate) struct RazorpayInvoice;

impl LinkApi for RazorpayInvoice {
    const PROVIDER: Provider = PROVIDER;
    const SETTINGS: &'static Settings = &SETTINGS;
    /// `InvoiceStatus` of `specs/razorpay.yaml`; `deleted` (a draft that was deleted) reads
    /// as cancelled.
    const STATUS_ROWS: &'static [(&'static str, LinkStatus)] = &[
        ("draft", LinkStatus::Draft),
        ("issued", LinkStatus::Active),
        ("partially_paid", LinkStatus::PartiallyPaid),
        ("paid", LinkStatus::Paid),
        ("expired", LinkStatus::Expired),
        ("cancelled", LinkStatus::Cancelled),
        ("deleted", LinkStatus::Cancelled),
    ];
    const ID_PREFIXES: &'static [&'static str] = &["inv_"];

    const AMOUNT_FIELDS: [&'static str; 2] = ["amount", "amount_paid"];

    type Client = Client;
    type Entity = Invoice;

    fn credentials(id: String, secret: Secret) -> Credentials {
        Credentials::new(id, secret)
    }

    /// Razorpay's error envelope, the invoice collection (`{"entity": "collection", "count",
    /// "items": [...]}`) and the webhook envelope (`invoice.paid`...).
    fn classify(body: &serde_json::Value) -> Body {
        super::razorpay::classify_razorpay(body, &["items"])
    }

    /// The invoice's `callback_url` redirect (GET; the facade creates invoices with
    /// `callback_method: get`): `razorpay_payment_id`, `razorpay_invoice_id`,
    /// `razorpay_invoice_receipt`, `razorpay_invoice_status` (the invoice's status, `paid` or
    /// `partially_paid`) and `razorpay_signature`, the hex HMAC-SHA256 keyed with the **API key
    /// secret** over `invoice_id|receipt|status|payment_id`, checked by
    /// [`paylinks_razorpay::redirect::verify_invoice_callback`]
    /// (<https://razorpay.com/docs/private/invoices-callback>; that `razorpay_invoice_id` is
    /// among the parameters is unconfirmed, see that module). `reference` is the receipt (an
    /// empty one is `None`).
    fn verify_return(secret: &Secret, params: &Params) -> Result<Return, Error> {
        let callback = paylinks_razorpay::redirect::verify_invoice_callback(secret.expose(), params.pairs())
            .map_err(|e| ReturnError::from_verifier(PROVIDER, e))?;
        Ok(Return {
            provider: PROVIDER,
            link_id: Some(callback.invoice_id),
            reference: non_empty(callback.receipt),
            order_id: None,
            payment_id: Some(callback.payment_id),
            status: Some(crate::status::row_status(Self::STATUS_ROWS, &callback.status)),
            provider_status: Some(callback.status),
            verified: true,
        })
    }

    fn validate(link: &CreateLink) -> Result<(), Error> {
        rules(link)?;
        request(link).map(drop)
    }

    fn map_link(entity: Invoice) -> Result<PaymentLink, String> {
        let id = entity.id.clone().ok_or("the invoice has no id")?;
        let currency = parse_currency(entity.currency.as_deref())?;
        let amount = Money::new(entity.amount.ok_or("the invoice has no amount")?, currency);
        let amount_paid = Money::new(entity.amount_paid.unwrap_or(0), currency);
        let provider_status = entity.status.as_ref().and_then(raw_value).ok_or("the invoice has no status")?;
        let customer = entity.customer_details.as_ref().map_or_else(Customer::default, |c| Customer {
            name: c.name.clone().or_else(|| c.customer_name.clone()),
            email: c.email.clone().or_else(|| c.customer_email.clone()),
            phone: c.contact.clone().or_else(|| c.customer_contact.clone()),
        });
        let notes = notes_text(entity.notes.as_ref());
        let partial_payments = entity.partial_payment.unwrap_or(false);
        Ok(PaymentLink {
            provider: PROVIDER,
            id,
            reference: entity.receipt.clone().filter(|r| !r.is_empty()),
            // `null` on drafts.
            order_id: entity.order_id.clone().filter(|id| !id.is_empty()),
            status: crate::status::row_status(Self::STATUS_ROWS, &provider_status),
            provider_status,
            amount,
            amount_paid,
            url: entity.short_url.clone().filter(|u| !u.is_empty()),
            description: entity.description.clone().filter(|d| !d.is_empty()),
            customer,
            partial_payments,
            minimum_partial_amount: entity
                .first_payment_min_amount
                .filter(|m| partial_payments && *m > 0)
                .map(|m| Money::new(m, currency)),
            created_at: unix_time(entity.created_at),
            expires_at: unix_time(entity.expire_by),
            cancelled_at: unix_time(entity.cancelled_at),
            notes,
            // The invoice entity names only a `payment_id` (the first payment of a partly paid
            // invoice), without its amount or state: no payment is made up from it. An
            // `invoice.*` event's payment is `LinkEvent::payment` (razorpay.rs, `link_event`).
            payments: Vec::new(),
            raw: ProviderLink::RazorpayInvoice(Box::new(entity)),
        })
    }

    async fn create(client: &Client, retry: &RetryPolicy, link: &CreateLink) -> Result<PaymentLink, Error> {
        rules(link)?;
        let body = request(link)?;
        let call = Call::new(PROVIDER, "create", link.reference.clone().unwrap_or_default());
        if link.reference.is_some() {
            idempotent_create(PROVIDER, "receipt");
        }
        let create = || async { read(&call, client.create_invoice().body(body.clone()).send().await) };
        let by_reference = ListFilter { reference: link.reference.clone() };
        let find = || Self::list(client, &ONE_ATTEMPT, &by_reference);
        // A receipt is unique, and the invoice API's duplicate wording is not documented: any
        // refusal of a retry is checked against the receipt.
        let refused = |error: &Error| matches!(error, Error::InvalidRequest { .. });
        created_once(retry, link.reference.as_deref(), create, refused, find).await
    }

    async fn get(client: &Client, retry: &RetryPolicy, id: &str) -> Result<PaymentLink, Error> {
        let call = Call::new(PROVIDER, "get", id);
        retry.run(|_| async { read(&call, client.fetch_invoice().id(id).send().await) }).await
    }

    /// A refusal reads "Operation not allowed for Invoice in <status> status."
    async fn cancel(client: &Client, retry: &RetryPolicy, id: &str) -> Result<PaymentLink, Error> {
        let call = Call::new(PROVIDER, "cancel", id);
        let cancel = || async { read(&call, client.cancel_invoice().id(id).send().await) };
        state_checked::<Self, _, _>(&call, retry, client, cancel, std::convert::identity).await
    }

    async fn resend(client: &Client, retry: &RetryPolicy, id: &str, medium: NotifyMedium) -> Result<(), Error> {
        let call = Call::new(PROVIDER, "resend_notification", id);
        let medium = notification_medium(medium);
        let notify = || async {
            client.notify_invoice().id(id).medium(medium).send().await.map(drop).map_err(|e| map_error(&call, e))
        };
        state_checked::<Self, _, _>(&call, retry, client, notify, drop).await
    }

    /// Every invoice link, page by page: `GET /v1/invoices` answers one page of `count`
    /// invoices (default 10, <https://razorpay.com/docs/api/pagination>; at most 100, as
    /// `specs/razorpay.yaml` documents for `listInvoices`),
    /// so `list` asks for pages of 100 until a page is short.
    async fn list(client: &Client, retry: &RetryPolicy, filter: &ListFilter) -> Result<Vec<PaymentLink>, Error> {
        let call = &Call::new(PROVIDER, "list", filter.reference.clone().unwrap_or_default());
        all_pages(|skip| {
            retry.run(move |_| async move {
                let mut request = client.list_invoices().type_(types::InvoiceTypeRequest::Link).count(PAGE).skip(skip);
                if let Some(receipt) = &filter.reference {
                    request = request.receipt(receipt.as_str());
                }
                let response = request.send().await.map_err(|e| map_error(call, e))?.into_inner();
                response
                    .items
                    .unwrap_or_default()
                    .into_iter()
                    .map(|invoice| Self::normalise(invoice).map_err(|m| call.decode(m)))
                    .collect()
            })
        })
        .await
    }
}

/// The invoice API's documented rules.
fn rules(link: &CreateLink) -> Result<(), Error> {
    validate_common(PROVIDER, link)?;
    if link.customer.name.as_ref().is_some_and(|n| n.chars().count() > 50) {
        return Err(Error::invalid(PROVIDER, "customer.name", "at most 50 characters"));
    }
    Ok(())
}

fn request(link: &CreateLink) -> Result<types::CreateInvoiceRequest, Error> {
    let customer = &link.customer;
    let body = types::CreateInvoiceRequest::builder()
        .type_(types::InvoiceTypeRequest::Link)
        .amount(Some(positive(PROVIDER, "amount", link.amount.minor)?))
        .currency(Some(link.amount.currency.code().to_owned()))
        .description(optional(PROVIDER, "description", link.description.as_deref())?)
        .receipt(optional(PROVIDER, "reference", link.reference.as_deref())?)
        .customer(Some(types::InvoiceCustomerRequest {
            name: optional(PROVIDER, "customer.name", customer.name.as_deref())?,
            email: optional(PROVIDER, "customer.email", customer.email.as_deref())?,
            contact: optional(PROVIDER, "customer.phone", customer.phone.as_deref())?,
            billing_address: None,
            shipping_address: None,
        }))
        .expire_by(link.expires_at.map(|t| t.timestamp()))
        .sms_notify(Some(types::InvoiceNotifyFlag::Bool(link.notify_sms)))
        .email_notify(Some(types::InvoiceNotifyFlag::Bool(link.notify_email)))
        .partial_payment(link.partial_payments.then_some(true))
        .first_payment_min_amount(
            link.minimum_partial_amount.map(|m| positive(PROVIDER, "minimum_partial_amount", m.minor)).transpose()?,
        )
        .callback_url(link.return_url.clone())
        .callback_method(link.return_url.as_ref().map(|_| types::CallbackMethod::Get))
        .notes(notes_request(PROVIDER, link)?);
    let body: types::CreateInvoiceRequest = build(PROVIDER, body)?;
    check_callback(PROVIDER, body.callback_url.as_ref(), body.callback_method.as_ref())?;
    Ok(body)
}

fn read(
    call: &Call,
    sent: Result<progenitor_client::ResponseValue<Invoice>, progenitor_client::Error<types::RazorpayError>>,
) -> Result<PaymentLink, Error> {
    match sent {
        Ok(response) => RazorpayInvoice::normalise(response.into_inner()).map_err(|m| call.decode(m)),
        Err(error) => Err(map_error(call, error)),
    }
}
