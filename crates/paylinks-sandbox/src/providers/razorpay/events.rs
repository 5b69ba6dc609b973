//! Razorpay's webhook events and callback redirects, as the sandbox makes them.
//!
//! **Events.** When a link changes, its module builds the event Razorpay sends for that change
//! and the provider puts it in the outbox ([`Stores::outbox`](crate::state::Stores)), inside
//! the same lock:
//!
//! | change (how it happens in the sandbox)                        | event                         | payload                          |
//! |---------------------------------------------------------------|-------------------------------|----------------------------------|
//! | payment link paid in full (control `pay`)                     | `payment_link.paid`           | `payment_link`, `order`, `payment` |
//! | payment link paid in part (control `pay` with an `amount`)    | `payment_link.partially_paid` | `payment_link`, `order`, `payment` |
//! | payment link cancelled (`POST /v1/payment_links/{id}/cancel`) | `payment_link.cancelled`      | `payment_link`                   |
//! | payment link expired (control `expire`, or `expire_by` passed) | `payment_link.expired`       | `payment_link`                   |
//! | invoice paid in full / in part (control `pay`)                | `invoice.paid` / `invoice.partially_paid` | `invoice`, `order`, `payment` |
//! | invoice expired (control `expire`, or `expire_by` passed)      | `invoice.expired`             | `invoice`                        |
//!
//! A cancelled invoice sends nothing: Razorpay documents no `invoice.cancelled` event
//! (<https://razorpay.com/docs/webhooks/invoices/>). A link whose `expire_by` passes is marked
//! expired when it is next read (an API call or a control call on it, a list that shows it),
//! and its `expired` event goes to the outbox then, once: the sandbox has no clock of its own.
//!
//! The body is the generated `WebhookEvent` of `specs/razorpay.yaml` serialised once (the
//! bytes that are signed and sent), with a fresh event id `evt_` + 14 characters, the sandbox's
//! account `acc_PaylinksSandbx`, and the link entity as the webhook carries it (without
//! `payments`). Each delivery attempt is signed by
//! [`paylinks_razorpay::webhook::sign`] with the `webhook_secret` setting (flag
//! `--razorpay-webhook-secret`, default `rzp_sandbox_webhook_secret`): `X-Razorpay-Signature`,
//! `x-razorpay-event-id`, `content-type: application/json`.
//!
//! **Callback redirects.** When a payment on a payment link or an invoice with a
//! `callback_url` succeeds (in full or in part), the payment answers the redirect Razorpay
//! sends the customer's browser, a `GET` of the `callback_url` with signed query parameters
//! added (the URL's own kept), signed with the `key_secret` setting
//! ([`paylinks_razorpay::redirect`]): a payment link's `razorpay_payment_id`,
//! `razorpay_payment_link_id`, `razorpay_payment_link_reference_id`,
//! `razorpay_payment_link_status`, `razorpay_signature`
//! ([`paylinks_razorpay::redirect::sign_callback`]); an invoice's `razorpay_payment_id`,
//! `razorpay_invoice_id`, `razorpay_invoice_receipt`, `razorpay_invoice_status`,
//! `razorpay_signature` ([`paylinks_razorpay::redirect::sign_invoice_callback`],
//! <https://razorpay.com/docs/private/invoices-callback>). A failed attempt sends no event
//! (Razorpay has none for a link; `payment.failed` is an account-wide payments event) and
//! no redirect (Razorpay documents the callback for a successful payment only).

use chrono::Utc;
use paylinks_razorpay::types::{
    EmptyArray, KnownOrderStatus, KnownPaymentStatus, KnownWebhookEventName, Notes, NotesOrEmptyArray, Order,
    Payment as PaymentEntity, PaymentMethod, WebhookEvent as Envelope, WebhookOrder, WebhookPayload, WebhookPayment,
};

use super::common::{NAME, new_id};
use crate::payment::Redirect;
use crate::webhooks::WebhookEvent;

/// The sandbox merchant's account id in every event.
pub(super) const ACCOUNT_ID: &str = "acc_PaylinksSandbx";

/// The event `name` carrying `payload`, ready for the outbox.
pub(super) fn event(name: KnownWebhookEventName, payload: WebhookPayload) -> WebhookEvent {
    let contains = [
        ("payment_link", payload.payment_link.is_some()),
        ("invoice", payload.invoice.is_some()),
        ("order", payload.order.is_some()),
        ("payment", payload.payment.is_some()),
    ]
    .into_iter()
    .filter(|(_, present)| *present)
    .map(|(member, _)| member.to_owned())
    .collect();
    let envelope = Envelope {
        account_id: Some(ACCOUNT_ID.to_owned()),
        contains: Some(contains),
        created_at: Utc::now().timestamp(),
        entity: "event".to_owned(),
        event: name.into(),
        payload,
    };
    WebhookEvent::new(NAME, new_id("evt"), name.to_string(), serde_json::to_vec(&envelope).unwrap_or_default())
}

/// One captured payment, as the payment entity of an event.
pub(super) struct Captured<'a> {
    /// `pay_...`.
    pub(super) id: &'a str,
    /// In minor units of `currency`.
    pub(super) amount: i64,
    /// The link's currency.
    pub(super) currency: &'a str,
    /// How the customer paid.
    pub(super) method: PaymentMethod,
    /// The order of the link.
    pub(super) order_id: Option<&'a str>,
    /// The invoice paid, for invoice links.
    pub(super) invoice_id: Option<&'a str>,
    /// `#<link id without prefix>` (payment links) or `Invoice #inv_...`.
    pub(super) description: String,
    /// The customer's e-mail address and phone number, when the link has them.
    pub(super) email: Option<String>,
    /// The customer's phone number.
    pub(super) contact: Option<String>,
    /// The link's notes, copied to the payment.
    pub(super) notes: Option<NotesOrEmptyArray>,
    /// When it was made, Unix seconds.
    pub(super) at: i64,
}

/// The payment entity of an event.
pub(super) fn payment(captured: Captured<'_>) -> WebhookPayment {
    WebhookPayment {
        entity: PaymentEntity {
            id: Some(captured.id.to_owned()),
            entity: Some("payment".to_owned()),
            amount: Some(captured.amount),
            currency: Some(captured.currency.to_owned()),
            status: Some(KnownPaymentStatus::Captured.into()),
            method: Some(captured.method),
            order_id: captured.order_id.map(str::to_owned),
            invoice_id: captured.invoice_id.map(str::to_owned),
            international: Some(false),
            captured: Some(true),
            amount_refunded: Some(0),
            description: Some(captured.description),
            email: captured.email,
            contact: captured.contact,
            notes: Some(captured.notes.unwrap_or_else(|| EmptyArray(Vec::new()).into())),
            created_at: Some(captured.at),
            ..PaymentEntity::default()
        },
    }
}

/// The order of a link, as an event carries it: `attempted` until fully paid, then `paid`.
pub(super) struct OrderOf<'a> {
    /// `order_...`.
    pub(super) id: &'a str,
    /// The link's amount, minor units.
    pub(super) amount: i64,
    /// Paid so far, minor units.
    pub(super) amount_paid: i64,
    /// The link's currency.
    pub(super) currency: &'a str,
    /// The link's `reference_id` or the invoice's `receipt`.
    pub(super) receipt: Option<&'a str>,
    /// Payments made so far.
    pub(super) attempts: usize,
    /// `payment_link_v2` and the link id without `plink_`, for payment links.
    pub(super) product: Option<(&'a str, &'a str)>,
    /// When the order was created (the first payment), Unix seconds.
    pub(super) created_at: i64,
}

/// The order entity of an event.
pub(super) fn order(of: OrderOf<'_>) -> WebhookOrder {
    let status = if of.amount_paid >= of.amount { KnownOrderStatus::Paid } else { KnownOrderStatus::Attempted };
    WebhookOrder {
        entity: Order {
            id: Some(of.id.to_owned()),
            entity: Some("order".to_owned()),
            amount: Some(of.amount),
            amount_paid: Some(of.amount_paid),
            amount_due: Some(of.amount - of.amount_paid),
            currency: Some(of.currency.to_owned()),
            receipt: of.receipt.filter(|r| !r.is_empty()).map(str::to_owned),
            status: Some(status.into()),
            attempts: Some(i64::try_from(of.attempts).unwrap_or(i64::MAX)),
            notes: Some(EmptyArray(Vec::new()).into()),
            partial_payment: Some(of.amount_paid < of.amount),
            payment_capture: Some(true),
            product_type: of.product.map(|(kind, _)| kind.to_owned()),
            product_id: of.product.map(|(_, id)| id.to_owned()),
            created_at: Some(of.created_at),
            ..Order::default()
        },
    }
}

/// Notes as an event carries them: the object, or `[]` when there are none.
pub(super) fn notes(notes: Option<&std::collections::BTreeMap<String, String>>) -> Option<NotesOrEmptyArray> {
    match notes {
        Some(notes) if !notes.is_empty() => Some(
            Notes(
                notes.iter().map(|(k, v)| (k.clone(), paylinks_razorpay::types::NoteValue::Text(v.clone()))).collect(),
            )
            .into(),
        ),
        _ => None,
    }
}

/// Where Razorpay sends the customer's browser after a successful payment on a link with a
/// `callback_url`: a `GET` of the URL with the signed query parameters `signed` added
/// (existing ones kept). `None` when the stored URL does not parse (the create handlers only
/// store URLs that do).
pub(super) fn callback_redirect(callback_url: &str, signed: [(&str, String); 5]) -> Option<Redirect> {
    let mut url = url::Url::parse(callback_url).ok()?;
    url.query_pairs_mut().extend_pairs(signed);
    Some(Redirect::Get(url.into()))
}
