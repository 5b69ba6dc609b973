//! The error type of Cashfree calls.

use paylinks_core::ErrorBody;
use paylinks_core::client::ProviderClient;
use paylinks_core::http::NonJsonBody;
use serde_json::json;

use crate::types::CashfreeError;

/// The error of a Cashfree call: the provider's typed error body with its HTTP status, or a
/// transport, validation or decoding error. Its `Display` never prints a response body.
pub type Error = paylinks_core::ApiError<CashfreeError>;

/// Cashfree's error body (`message`, `code`, `type`) and its response headers; the request
/// id is read from core's default headers (`x-request-id`, which Cashfree echoes or makes,
/// then `request-id`).
impl ErrorBody for CashfreeError {
    const PROVIDER: &'static str = <crate::Client as ProviderClient>::PROVIDER;

    /// `Retry-After`, then Cashfree's `x-ratelimit-retry`: seconds to wait after a 429
    /// (`0` within the limit, `1`..`59` when breached). Source: the response headers of every
    /// link operation in `specs/cashfree.yaml`, from Cashfree's payment-links API reference.
    const RETRY_AFTER_HEADERS: &'static [&'static str] = &["retry-after", "x-ratelimit-retry"];

    fn code(&self) -> Option<String> {
        self.code.clone()
    }

    fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    fn non_json_stand_in(info: &NonJsonBody) -> serde_json::Value {
        json!({"message": info.describe(), "code": "non_json_body", "type": "api_error"})
    }
}
