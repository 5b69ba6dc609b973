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

/// Every documented provider status and what it maps to, as `(provider, provider status,
/// status)` rows, assembled at compile time from the link APIs whose cargo features are on
/// (the table below lists all of them; a provider whose feature is off has no rows, and is
/// not reachable anyway). Anything else is [`LinkStatus::Unknown`].
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
pub const STATUS_TABLE: &[(Provider, &str, LinkStatus)] = crate::providers::STATUS_ROWS;

/// The normalised status of a provider status (exact match, as the provider sends it), from
/// [`STATUS_TABLE`]: [`LinkStatus::Unknown`] for a status not in it, and for every status of
/// a link API whose cargo feature is off.
pub fn map_status(provider: Provider, provider_status: &str) -> LinkStatus {
    STATUS_TABLE
        .iter()
        .find(|(p, raw, _)| *p == provider && *raw == provider_status)
        .map_or(LinkStatus::Unknown, |(_, _, status)| *status)
}

/// The normalised status of `provider_status` in one link API's rows (exact match).
pub(crate) fn row_status(rows: &[(&str, LinkStatus)], provider_status: &str) -> LinkStatus {
    rows.iter().find(|(raw, _)| *raw == provider_status).map_or(LinkStatus::Unknown, |(_, status)| *status)
}
