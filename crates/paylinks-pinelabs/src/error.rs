//! The error type of Pine Labs calls.

use paylinks_core::ErrorBody;
use paylinks_core::client::ProviderClient;
use paylinks_core::http::NonJsonBody;
use serde_json::json;

use crate::types::PinelabsError;

/// The error of a Pine Labs call: the provider's typed error body with its HTTP status, or a
/// transport, validation, token or decoding error. Its `Display` never prints a response body.
pub type Error = paylinks_core::ApiError<PinelabsError>;

/// Pine Labs Online's error body (`code`, `message`, details); its response headers are read
/// with core's defaults: `Retry-After` only (Pine Labs documents no header of its own for the
/// wait after a 429), and `x-request-id`, then `request-id` (Pine Labs names its request
/// header `Request-ID`).
impl ErrorBody for PinelabsError {
    const PROVIDER: &'static str = <crate::Client as ProviderClient>::PROVIDER;

    fn code(&self) -> Option<String> {
        self.code.clone()
    }

    fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    fn non_json_stand_in(info: &NonJsonBody) -> serde_json::Value {
        json!({"code": "NON_JSON_BODY", "message": info.describe()})
    }
}
