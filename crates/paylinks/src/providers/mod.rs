//! The link APIs, one module each, and THE list that registers them.
//!
//! Each module (`cashfree.rs`, `razorpay.rs`, ...) implements [`LinkApi`](crate::api::LinkApi):
//! validation of a [`CreateLink`](crate::CreateLink), the mapping of the generated wire types
//! to and from the facade's, the mapping of errors, its status table, its settings. Adding a
//! link API is a new module and one entry below (plus its cargo feature and dependency in
//! `Cargo.toml`); nothing else in the facade names a provider's module.
//!
//! What the modules share: [`wire`] (errors and wire values), [`rules`] (shared checks),
//! [`refusals`] (refused cancels and notifications).

pub(crate) mod refusals;
pub(crate) mod rules;
pub(crate) mod wire;

// Declared here, not inside `link_apis!`, so that rustfmt formats them: it does not follow
// modules declared in a macro. Each behind the cargo feature of its entry below.
#[cfg(feature = "cashfree")]
pub(crate) mod cashfree;
#[cfg(feature = "pinelabs")]
pub(crate) mod pinelabs;
#[cfg(feature = "razorpay")]
pub(crate) mod razorpay;
#[cfg(feature = "razorpay")]
pub(crate) mod razorpay_invoice;

crate::registry::link_apis! {
    /// Cashfree Payments (`/pg/links`).
    Cashfree("cashfree") if "cashfree"
        => cashfree::Cashfree(paylinks_cashfree::types::LinkEntity), pub use paylinks_cashfree as cashfree;
    /// Razorpay Payment Links v2 (`/v1/payment_links`).
    Razorpay("razorpay") if "razorpay"
        => razorpay::Razorpay(paylinks_razorpay::types::PaymentLink), pub use paylinks_razorpay as razorpay;
    /// Razorpay's legacy invoice-based links (`/v1/invoices`, `type: link`).
    RazorpayInvoice("razorpay_invoice" | "razorpay_invoices") of Razorpay if "razorpay"
        => razorpay_invoice::RazorpayInvoice(paylinks_razorpay::types::Invoice);
    /// Pine Labs Online (`/api/pay/v1/paymentlink`).
    Pinelabs("pinelabs" | "pine_labs") if "pinelabs"
        => pinelabs::Pinelabs(paylinks_pinelabs::types::PaymentLink), pub use paylinks_pinelabs as pinelabs;
}
