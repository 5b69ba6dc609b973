//! The error type of Cashfree calls.

use paylinks_core::ErrorBody;
use paylinks_core::http::NonJsonBody;
use serde_json::json;

use crate::types::CashfreeError;

/// The error of a Cashfree call: the provider's typed error body with its HTTP status, or a
/// transport, validation or decoding error. Its `Display` never prints a response body.
pub type Error = paylinks_core::ApiError<CashfreeError>;

impl ErrorBody for CashfreeError {
    const PROVIDER: &'static str = "cashfree";

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
