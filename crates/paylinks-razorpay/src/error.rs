//! The error type of Razorpay calls.

use paylinks_core::ErrorBody;
use paylinks_core::client::ProviderClient;
use paylinks_core::http::NonJsonBody;
use serde_json::json;

use crate::types::RazorpayError;

/// The error of a Razorpay call: the provider's typed error envelope with its HTTP status,
/// or a transport, validation or decoding error. Its `Display` never prints a response body.
///
/// Razorpay answers almost every 4xx with `BAD_REQUEST_ERROR`: classify by
/// [`status`](paylinks_core::ApiError::status) first, then by the description.
pub type Error = paylinks_core::ApiError<RazorpayError>;

/// Razorpay's error envelope (`{"error": {"code", "description", ...}}`) and its response
/// headers; the wait after a 429 is read from core's default (`Retry-After` only: Razorpay
/// documents no header of its own for it).
impl ErrorBody for RazorpayError {
    const PROVIDER: &'static str = <crate::Client as ProviderClient>::PROVIDER;

    /// `x-request-id`, `request-id`, then Razorpay's own `x-razorpay-request-id`.
    const REQUEST_ID_HEADERS: &'static [&'static str] = &["x-request-id", "request-id", "x-razorpay-request-id"];

    fn code(&self) -> Option<String> {
        self.error.as_ref()?.code.as_ref().map(ToString::to_string)
    }

    fn message(&self) -> Option<&str> {
        self.error.as_ref()?.description.as_deref()
    }

    fn non_json_stand_in(info: &NonJsonBody) -> serde_json::Value {
        json!({"error": {"code": "NON_JSON_BODY", "description": info.describe(), "source": "NA", "step": "NA", "reason": "NA", "metadata": {}}})
    }
}
