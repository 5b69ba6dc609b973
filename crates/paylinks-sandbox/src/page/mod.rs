//! The hosted payment page: `GET /pay/{api}/{id}` shows link `id` of link API `api` as its
//! customer sees it, and its buttons pay, pay part, fail an attempt or expire the link
//! through the same [`crate::provider::Provider`] methods as the control API.
//!
//! Each provider describes its link for the page as a [`PageLink`] (this module names no
//! provider); the page renders it and turns the forms into [`crate::payment::PayRequest`]s.

use chrono::{DateTime, Utc};

/// What the payment page shows of one link, in the provider's terms where it has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageLink {
    /// The provider's product, as a customer would recognise it (`Cashfree Payments`,
    /// `Razorpay Payment Links`, `Razorpay Invoices`, `Pine Labs Online`).
    pub(crate) provider: &'static str,
    /// The link's id, as the provider's API shows it.
    pub(crate) id: String,
    /// The merchant's description (purpose) of the link, if it has one.
    pub(crate) description: Option<String>,
    /// ISO 4217 code of the link's currency (`INR`).
    pub(crate) currency: String,
    /// The link's amount, in minor units of `currency`.
    pub(crate) amount: i64,
    /// What has been paid so far, in minor units.
    pub(crate) paid: i64,
    /// The provider's name of the link's status (`ACTIVE`, `partially_paid`, `CREATED`).
    pub(crate) status: String,
    /// Whether it can still be paid (and so expire); a link that cannot shows its final
    /// state instead of the buttons.
    pub(crate) open: bool,
    /// When it expires by itself, if it does.
    pub(crate) expires_at: Option<DateTime<Utc>>,
    /// `Some(minimum)` when the link takes part payments: the smallest first instalment, in
    /// minor units (0: no minimum); `None` when it must be paid in full.
    pub(crate) partial_minimum: Option<i64>,
}
