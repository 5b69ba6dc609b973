//! What happened to a link, as a verified webhook delivery tells it: [`LinkEvent`], the same
//! for every provider, and the payments of a link ([`Payment`]).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;

use crate::{Money, PaymentLink, Provider};

/// What an event says happened, normalised across providers. The provider's own event name is
/// kept beside it in [`LinkEvent::provider_event`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The link is paid in full.
    Paid,
    /// A part of the link's amount was paid; more is due.
    PartiallyPaid,
    /// The link expired unpaid (or partly paid).
    Expired,
    /// The link was cancelled.
    Cancelled,
    /// A payment attempt on the link failed; the link is still open.
    PaymentFailed,
    /// Anything else the provider sends (refunds, disputes, order updates paylinks does not
    /// interpret); the raw name is in [`LinkEvent::provider_event`].
    Other,
}

/// The state of one payment, normalised; the provider's own status is kept beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The money was taken (Razorpay `captured`, Cashfree order `PAID`, Pine Labs `PROCESSED`).
    Succeeded,
    /// Authorised or in progress, not yet settled either way.
    Pending,
    /// The attempt failed.
    Failed,
    /// Refunded (in full or in part) after it succeeded.
    Refunded,
    /// A status paylinks does not interpret.
    Other,
}

/// One payment (or payment attempt) against a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Payment {
    /// The provider's id of the payment (Razorpay `pay_…`; Cashfree: the order id of the link
    /// order, `CFPay_…`; Pine Labs: the payment id within the order).
    pub id: String,
    /// The amount of the payment.
    pub amount: Money,
    /// The normalised status.
    pub status: PaymentStatus,
    /// The provider's status, exactly as sent.
    pub provider_status: String,
    /// How the customer paid (`card`, `upi`, `netbanking`...), as the provider names it, when
    /// it says.
    pub method: Option<String>,
    /// When the payment was made (or attempted), when the provider says.
    pub created_at: Option<DateTime<Utc>>,
}

/// One verified webhook event about a payment link, the same for every provider.
///
/// Serialises to a stable JSON form whose JSON Schema is [`link_event_schema`] (committed at
/// `crates/paylinks/link_event.schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
// The committed JSON Schema keeps its description, without rustdoc links.
#[schemars(description = "One verified webhook event about a payment link, the same for every provider.")]
pub struct LinkEvent {
    /// The link API the event is about (`razorpay_invoice` for Razorpay's `invoice.*`
    /// events).
    pub provider: Provider,
    /// The provider's id of the event, the same on every redelivery: the key to process it
    /// exactly once (Razorpay `x-razorpay-event-id`, Pine Labs `webhook-id`; Cashfree sends
    /// none, so it is derived from what identifies the delivery; each provider's module says
    /// how).
    pub event_id: String,
    /// What happened.
    pub kind: EventKind,
    /// The provider's event name, exactly as sent (`payment_link.paid`, `PAYMENT_LINK_EVENT`
    /// with its link status, `ORDER_PROCESSED`).
    pub provider_event: String,
    /// When the provider says the event happened, in UTC.
    pub occurred_at: DateTime<Utc>,
    /// The id of the link the event is about, when the event names it: strictly the id
    /// [`Paylinks::get`](crate::Paylinks::get) takes and [`PaymentLink::id`] holds (Razorpay
    /// `plink_…` / `inv_…`, Cashfree's `link_id`). `None` when the event does not name its
    /// link: Pine Labs' events are the events of the order behind a link and never carry the
    /// `pl-v1-…` link id. To find a Pine Labs event's link, match [`LinkEvent::order_id`]
    /// against [`PaymentLink::order_id`].
    #[schemars(description = "The id of the link the event is about, when the event names it: strictly the id a \
                       fetch takes (the link's id); null when the event does not name its link (Pine Labs, \
                       whose events name the order behind the link: match order_id against the link's \
                       order_id).")]
    pub link_id: Option<String>,
    /// The provider's order the event names, exactly as sent, when it names one:
    ///
    /// - Pine Labs: `data.order_id` (`v1-…`), the order behind the link: the same value as the
    ///   link's [`PaymentLink::order_id`], and the only way to find a Pine Labs event's link
    ///   (match `event.order_id` against `link.order_id`;
    ///   <https://www.pinelabs.com/docs/online-payments/developer-tools/webhooks/available-events>);
    /// - Razorpay (payment links and invoices): `payload.order.entity.id`, present in payment
    ///   events (`*.paid`, `*.partially_paid`), absent from cancelled and expired ones. Kept as
    ///   sent: in the documented payment-link samples
    ///   (<https://razorpay.com/docs/webhooks/payment-links/>) it lacks the `order_` prefix
    ///   that the payment's `order_id` and the link's `order_id` carry (`QflczVVaNJciLq` for
    ///   `order_QflczVVaNJciLq`); the invoice samples carry the prefix;
    /// - Cashfree: `data.order.order_id` (`CFPay_…`), the order of the one payment the event
    ///   is about (a Cashfree link has one order per payment and no order of its own, so
    ///   [`PaymentLink::order_id`] is `None`); the link itself is named by `link_id`
    ///   (<https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/webhooks>).
    #[schemars(description = "The provider's order the event names, exactly as sent: Pine Labs data.order_id (the \
                       order behind the link, equal to the link's order_id), Razorpay payload.order.entity.id \
                       (payment events; the documented payment-link samples omit the order_ prefix), Cashfree \
                       data.order.order_id (the order of the event's one payment).")]
    pub order_id: Option<String>,
    /// The link, with what the event carries (`None` when the event carries no link body).
    pub link: Option<PaymentLink>,
    /// The payment the event is about, when there is one.
    pub payment: Option<Payment>,
}

/// The JSON Schema of a serialised [`LinkEvent`].
pub fn link_event_schema() -> schemars::Schema {
    schemars::schema_for!(LinkEvent)
}
