//! The normalised link status and the table that maps every provider status to it.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Provider;

/// Where a link is in its life, the same for every provider.
///
/// The provider's own value is always kept beside it ([`PaymentLink::provider_status`](crate::PaymentLink)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// Not yet payable (Razorpay invoice `draft`).
    Draft,
    /// Payable, nothing paid yet.
    Active,
    /// Part of the amount is paid; the rest can still be paid.
    PartiallyPaid,
    /// Fully paid.
    Paid,
    /// Past its expiry; cannot be paid.
    Expired,
    /// Cancelled (or deleted) by the merchant; cannot be paid.
    Cancelled,
    /// A status this version of paylinks does not know; see `provider_status`.
    Unknown,
}

impl LinkStatus {
    /// `active`, `partially_paid`...
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::PartiallyPaid => "partially_paid",
            Self::Paid => "paid",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::Unknown => "unknown",
        }
    }

    /// Whether the link can still take a payment.
    pub fn is_payable(&self) -> bool {
        matches!(self, Self::Active | Self::PartiallyPaid)
    }
}

impl fmt::Display for LinkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every documented provider status and what it maps to. Anything else is
/// [`LinkStatus::Unknown`].
///
/// | provider | provider status | status |
/// |---|---|---|
/// | cashfree | `ACTIVE` | active |
/// | cashfree | `PARTIALLY_PAID` | partially_paid |
/// | cashfree | `PAID` | paid |
/// | cashfree | `EXPIRED` | expired |
/// | cashfree | `CANCELLED` | cancelled |
/// | razorpay | `created` | active |
/// | razorpay | `issued`, `active` (legacy names: states page, Go SDK fixture) | active |
/// | razorpay | `partially_paid` | partially_paid |
/// | razorpay | `paid` | paid |
/// | razorpay | `expired` | expired |
/// | razorpay | `cancelled` | cancelled |
/// | razorpay_invoice | `draft` | draft |
/// | razorpay_invoice | `issued` | active |
/// | razorpay_invoice | `partially_paid` | partially_paid |
/// | razorpay_invoice | `paid` | paid |
/// | razorpay_invoice | `expired` | expired |
/// | razorpay_invoice | `cancelled`, `deleted` | cancelled |
/// | pinelabs | `CREATED`, `CLICKED`, `PAYMENT_INITIATED` | active |
/// | pinelabs | `PARTIAL_PROCESSED` | partially_paid |
/// | pinelabs | `PROCESSED` | paid |
/// | pinelabs | `EXPIRED` | expired |
/// | pinelabs | `CANCELLED` | cancelled |
pub const STATUS_TABLE: &[(Provider, &str, LinkStatus)] = &[
    (Provider::Cashfree, "ACTIVE", LinkStatus::Active),
    (Provider::Cashfree, "PARTIALLY_PAID", LinkStatus::PartiallyPaid),
    (Provider::Cashfree, "PAID", LinkStatus::Paid),
    (Provider::Cashfree, "EXPIRED", LinkStatus::Expired),
    (Provider::Cashfree, "CANCELLED", LinkStatus::Cancelled),
    (Provider::Razorpay, "created", LinkStatus::Active),
    (Provider::Razorpay, "issued", LinkStatus::Active),
    (Provider::Razorpay, "active", LinkStatus::Active),
    (Provider::Razorpay, "partially_paid", LinkStatus::PartiallyPaid),
    (Provider::Razorpay, "paid", LinkStatus::Paid),
    (Provider::Razorpay, "expired", LinkStatus::Expired),
    (Provider::Razorpay, "cancelled", LinkStatus::Cancelled),
    (Provider::RazorpayInvoice, "draft", LinkStatus::Draft),
    (Provider::RazorpayInvoice, "issued", LinkStatus::Active),
    (Provider::RazorpayInvoice, "partially_paid", LinkStatus::PartiallyPaid),
    (Provider::RazorpayInvoice, "paid", LinkStatus::Paid),
    (Provider::RazorpayInvoice, "expired", LinkStatus::Expired),
    (Provider::RazorpayInvoice, "cancelled", LinkStatus::Cancelled),
    (Provider::RazorpayInvoice, "deleted", LinkStatus::Cancelled),
    (Provider::Pinelabs, "CREATED", LinkStatus::Active),
    (Provider::Pinelabs, "CLICKED", LinkStatus::Active),
    (Provider::Pinelabs, "PAYMENT_INITIATED", LinkStatus::Active),
    (Provider::Pinelabs, "PARTIAL_PROCESSED", LinkStatus::PartiallyPaid),
    (Provider::Pinelabs, "PROCESSED", LinkStatus::Paid),
    (Provider::Pinelabs, "EXPIRED", LinkStatus::Expired),
    (Provider::Pinelabs, "CANCELLED", LinkStatus::Cancelled),
];

/// The normalised status of a provider status (exact match, as the provider sends it).
pub fn map_status(provider: Provider, provider_status: &str) -> LinkStatus {
    STATUS_TABLE
        .iter()
        .find(|(p, raw, _)| *p == provider && *raw == provider_status)
        .map_or(LinkStatus::Unknown, |(_, _, status)| *status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Provider::*;

    #[test]
    fn every_documented_status_row_by_row() {
        let rows = [
            (Cashfree, "ACTIVE", "active"),
            (Cashfree, "PARTIALLY_PAID", "partially_paid"),
            (Cashfree, "PAID", "paid"),
            (Cashfree, "EXPIRED", "expired"),
            (Cashfree, "CANCELLED", "cancelled"),
            (Razorpay, "created", "active"),
            (Razorpay, "issued", "active"),
            (Razorpay, "active", "active"),
            (Razorpay, "partially_paid", "partially_paid"),
            (Razorpay, "paid", "paid"),
            (Razorpay, "expired", "expired"),
            (Razorpay, "cancelled", "cancelled"),
            (RazorpayInvoice, "draft", "draft"),
            (RazorpayInvoice, "issued", "active"),
            (RazorpayInvoice, "partially_paid", "partially_paid"),
            (RazorpayInvoice, "paid", "paid"),
            (RazorpayInvoice, "expired", "expired"),
            (RazorpayInvoice, "cancelled", "cancelled"),
            (RazorpayInvoice, "deleted", "cancelled"),
            (Pinelabs, "CREATED", "active"),
            (Pinelabs, "CLICKED", "active"),
            (Pinelabs, "PAYMENT_INITIATED", "active"),
            (Pinelabs, "PARTIAL_PROCESSED", "partially_paid"),
            (Pinelabs, "PROCESSED", "paid"),
            (Pinelabs, "EXPIRED", "expired"),
            (Pinelabs, "CANCELLED", "cancelled"),
        ];
        for (provider, raw, expected) in rows {
            assert_eq!(map_status(provider, raw).as_str(), expected, "{provider} {raw}");
        }
        assert_eq!(rows.len(), STATUS_TABLE.len(), "every table row is tested");
    }

    #[test]
    fn anything_else_is_unknown_not_a_guess() {
        assert_eq!(map_status(Cashfree, "ON_HOLD"), LinkStatus::Unknown);
        assert_eq!(map_status(Cashfree, "paid"), LinkStatus::Unknown, "case matters: cashfree sends upper case");
        assert_eq!(map_status(Pinelabs, "created"), LinkStatus::Unknown);
        assert_eq!(map_status(Razorpay, "draft"), LinkStatus::Unknown, "v2 links have no draft");
    }
}
