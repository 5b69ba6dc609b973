//! The three providers, as the fault injector and the control API name them.

use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

/// A provider API (Razorpay covers both payment links v2 and legacy invoices: same host).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Provider {
    /// Cashfree PG.
    Cashfree,
    /// Razorpay (payment links and invoices).
    Razorpay,
    /// Pine Labs Online.
    Pinelabs,
}

impl Provider {
    /// Parses `cashfree`, `razorpay` or `pinelabs`.
    pub(crate) fn parse(name: &str) -> Option<Provider> {
        match name {
            "cashfree" => Some(Provider::Cashfree),
            "razorpay" => Some(Provider::Razorpay),
            "pinelabs" => Some(Provider::Pinelabs),
            _ => None,
        }
    }

    /// The provider's error body for an injected `status` (a 4xx or 5xx).
    pub(crate) fn fault_status(self, status: StatusCode) -> Response {
        match self {
            Provider::Cashfree => crate::cashfree::fault_status(status),
            Provider::Razorpay => crate::razorpay::fault_status(status),
            Provider::Pinelabs => crate::pinelabs::fault_status(status),
        }
    }

    /// The provider's 429 with `Retry-After` (and Cashfree's `x-ratelimit-*` headers).
    pub(crate) fn rate_limited(self, retry_after_secs: u64) -> Response {
        let mut response = match self {
            Provider::Cashfree => crate::cashfree::rate_limited(retry_after_secs),
            Provider::Razorpay => crate::razorpay::rate_limited(),
            Provider::Pinelabs => crate::pinelabs::rate_limited(),
        };
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after_secs.into());
        response
    }
}
