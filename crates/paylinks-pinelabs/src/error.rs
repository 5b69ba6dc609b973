//! The error type of Pine Labs calls.

use paylinks_core::ErrorBody;
use paylinks_core::http::NonJsonBody;
use serde_json::json;

use crate::types::PinelabsError;

/// The error of a Pine Labs call: the provider's typed error body with its HTTP status, or a
/// transport, validation, token or decoding error. Its `Display` never prints a response body.
pub type Error = paylinks_core::ApiError<PinelabsError>;

impl ErrorBody for PinelabsError {
    const PROVIDER: &'static str = "pinelabs";

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
