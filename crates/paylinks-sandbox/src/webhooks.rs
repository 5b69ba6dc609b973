//! Webhook events the sandbox's providers produce: what a provider module puts in the outbox
//! ([`Stores::outbox`](crate::state::Stores)) when one of its links is paid, partly paid,
//! fails a payment, expires or is cancelled. The body is final when it is queued; the headers
//! (signature, timestamp) are made at each delivery attempt by
//! [`Provider::sign_webhook`](crate::provider::Provider::sign_webhook).

/// One event of one provider, waiting to be delivered to every registered webhook URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebhookEvent {
    /// The sandbox provider's name (`razorpay`), as in [`Provider::name`](crate::provider::Provider::name).
    pub(crate) provider: &'static str,
    /// The event's id, the receiver's dedupe key, the same on every attempt (Razorpay's
    /// `x-razorpay-event-id`, Pine Labs' `webhook-id`; Cashfree sends none, so its module
    /// derives one for the sandbox's own listing).
    pub(crate) id: String,
    /// The provider's event name (`payment_link.paid`, `PAYMENT_LINK_EVENT`, `ORDER_PROCESSED`).
    pub(crate) name: String,
    /// The body exactly as it is sent (and signed).
    pub(crate) body: Vec<u8>,
}
