//! The normalised payment link.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;

use crate::{LinkRef, LinkStatus, Money, Payment, Provider, ProviderLink};

/// The customer a link is for, as far as the provider says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Customer {
    /// Full name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number, as the provider has it (with or without country code).
    pub phone: Option<String>,
}

/// A payment link, the same for every provider.
///
/// Serialises to a stable JSON form (snake_case keys, amounts as `{minor, currency}`, times
/// as RFC 3339 UTC or `null`) whose JSON Schema is [`crate::payment_link_schema`]. The
/// provider's full typed response is in [`PaymentLink::raw`] (not serialised).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PaymentLink {
    /// Who serves the link.
    pub provider: Provider,
    /// The provider's id of the link (Cashfree: the merchant's `link_id`; Razorpay `plink_…`,
    /// invoice `inv_…`, Pine Labs `pl-…`).
    pub id: String,
    /// The merchant's own reference, where the provider has one (Razorpay `reference_id`,
    /// invoice `receipt`, Pine Labs `merchant_payment_link_reference`; Cashfree's `link_id` is
    /// both id and reference).
    pub reference: Option<String>,
    /// The provider's order behind the link, where the link body names one:
    ///
    /// - Pine Labs: `order_id` (`v1-…`), the order created with the link
    ///   (<https://developer.pinelabsonline.com/reference/pay-by-links-object>). Pine Labs'
    ///   webhook events are the events of this order and name it, never the `pl-v1-…` link
    ///   id: to find a Pine Labs event's link, match [`LinkEvent::order_id`](crate::LinkEvent)
    ///   against this;
    /// - Razorpay payment links: `order_id` (`order_…`), created at the first checkout
    ///   attempt, so `None` before it
    ///   (<https://razorpay.com/docs/api/payments/payment-links/entity/>);
    /// - Razorpay invoices: `order_id` (`order_…`), `None` on drafts;
    /// - Cashfree: always `None`: a Cashfree link has no order of its own; each payment
    ///   attempt is an order of the link (`CFPay_…`, the [`Payment::id`](crate::Payment) of
    ///   [`PaymentLink::payments`], and a link event's [`LinkEvent::order_id`](crate::LinkEvent)).
    #[schemars(description = "The provider's order behind the link, where the link body names one: Pine Labs \
                       order_id (v1-…; its webhook events name this order, not the link: match an event's \
                       order_id against it), Razorpay payment links and invoices order_id (order_…, once \
                       created); always null for Cashfree, whose links have one order per payment.")]
    pub order_id: Option<String>,
    /// The normalised status.
    pub status: LinkStatus,
    /// The provider's status, exactly as sent.
    pub provider_status: String,
    /// The amount the link asks for.
    pub amount: Money,
    /// What has been paid so far (Pine Labs: amount − amount_due).
    pub amount_paid: Money,
    /// The URL to show the customer (`None` for drafts).
    pub url: Option<String>,
    /// What the payment is for.
    pub description: Option<String>,
    /// The customer.
    pub customer: Customer,
    /// Whether the customer may pay in parts.
    pub partial_payments: bool,
    /// The smallest first partial payment, when partial payments are on and a minimum is set.
    pub minimum_partial_amount: Option<Money>,
    /// When the link was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When the link expires; `None` when the provider says "not set" (Razorpay `0`).
    pub expires_at: Option<DateTime<Utc>>,
    /// When the link was cancelled, where the provider says.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The merchant's key-value notes.
    pub notes: BTreeMap<String, String>,
    /// The payments made (or attempted) against the link, oldest first, as far as the
    /// provider tells (Razorpay: the link's `payments`; Cashfree: the link's orders, fetched
    /// with a second call where an operation returns the link; empty when the provider's
    /// body has none).
    pub payments: Vec<Payment>,
    /// The provider's typed response this link was read from.
    #[serde(skip)]
    #[schemars(skip)]
    pub raw: ProviderLink,
}

impl PaymentLink {
    /// The reference `get`, `cancel` and `resend_notification` take.
    pub fn link_ref(&self) -> LinkRef {
        LinkRef::new(self.provider, self.id.clone())
    }

    /// What is still to be paid.
    pub fn amount_due(&self) -> Money {
        Money::new(self.amount.minor - self.amount_paid.minor, self.amount.currency)
    }
}

/// The JSON Schema of a serialised [`PaymentLink`].
pub fn payment_link_schema() -> schemars::Schema {
    schemars::schema_for!(PaymentLink)
}

/// The rules every link keeps, whatever its API: an amount greater than zero and an amount
/// paid from zero to the amount. A body that breaks one is not a link paylinks can report
/// truthfully (an amount due above the amount, a negative payment), so it is refused naming
/// the wire field (`fields`: the amount's and the one the amount paid is read from), without
/// values. Paid more than the amount is refused too: none of the providers takes a payment
/// beyond what is due (Razorpay's `amount_due` and Pine Labs' `amount_due` are never
/// negative in their documented bodies), so such a body is corrupt, not a tip.
pub(crate) fn check_amounts(link: &PaymentLink, [amount, paid]: [&str; 2]) -> Result<(), String> {
    if link.amount.minor <= 0 {
        return Err(format!("{amount}: the link's amount must be greater than zero"));
    }
    if link.amount_paid.minor < 0 {
        return Err(format!("{paid}: gives a negative amount paid"));
    }
    if link.amount_paid.minor > link.amount.minor {
        return Err(format!("{paid}: gives an amount paid above the link's {amount}"));
    }
    Ok(())
}
