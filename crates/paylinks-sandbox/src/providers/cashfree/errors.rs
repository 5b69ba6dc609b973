//! Cashfree's error bodies (the generated `CashfreeError`: `{"message", "code", "type"}`),
//! with the documented wording where there is one.

use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use paylinks_cashfree::types::{CashfreeError, KnownCashfreeErrorType};
use serde_json::Value;

use crate::body::{self, BodyError, DecodeError, Problem};

/// Requests per minute announced in `x-ratelimit-limit`.
pub(super) const RATE_LIMIT: usize = 300;

/// An error status and body, as the idempotency store keeps them.
pub(super) type Failure = (StatusCode, Value);

/// A Cashfree error: the generated `CashfreeError` body `{"message", "code", "type"}` with
/// `status`.
pub(super) fn fail(
    status: StatusCode,
    message: impl Into<String>,
    code: &str,
    kind: KnownCashfreeErrorType,
) -> Failure {
    let body = CashfreeError {
        code: Some(code.to_owned()),
        help: None,
        message: Some(message.into()),
        type_: Some(kind.into()),
    };
    (status, serde_json::to_value(body).unwrap_or_default())
}

/// A status and body as a response.
pub(super) fn to_response((status, body): (StatusCode, Value)) -> Response {
    body::json(status, &body)
}

/// A Cashfree error response: body `{"message", "code", "type"}` with `status`.
pub(super) fn error(
    status: StatusCode,
    message: impl Into<String>,
    code: &str,
    kind: KnownCashfreeErrorType,
) -> Response {
    to_response(fail(status, message, code, kind))
}

/// A 400 `invalid_request_error`.
pub(super) fn invalid_request(code: &str, message: impl Into<String>) -> Failure {
    fail(StatusCode::BAD_REQUEST, message, code, KnownCashfreeErrorType::InvalidRequestError)
}

/// A 400 `invalid_request_error` response.
pub(super) fn bad_request(code: &str, message: impl Into<String>) -> Response {
    to_response(invalid_request(code, message))
}

/// 400 for a missing field: `<field> : is missing in the request`, code `<field>_missing`.
pub(super) fn missing(field: &str) -> Failure {
    invalid_request(&format!("{field}_missing"), format!("{field} : is missing in the request"))
}

/// 400 for an invalid field: `<field> : <reason>`, code `<field>_invalid`.
pub(super) fn invalid(field: &str, reason: &str) -> Failure {
    invalid_request(&format!("{field}_invalid"), format!("{field} : {reason}"))
}

/// 400 for a body that does not decode into the generated request type: the failing field
/// and the documented wording (`<field>_missing` / `<field>_invalid`).
pub(super) fn undecodable(error: &DecodeError) -> Failure {
    match &error.problem {
        Problem::Missing => missing(&error.field),
        Problem::Invalid(reason) => {
            let reason = match error.field.as_str() {
                "link_amount" | "link_minimum_partial_amount" => "should be a number",
                "link_id" => "should be 1 to 50 characters: letters, digits, - and _",
                "link_currency" => "should be a 3-letter ISO 4217 currency code such as INR",
                "link_purpose" => "should be a string of at most 500 characters",
                "link_expiry_time" => "should be an ISO 8601 timestamp, e.g. 2021-10-14T15:04:05+05:30",
                "link_notes" => "values should be strings",
                "link_meta.return_url" => "should be at most 250 characters",
                "customer_details.customer_bank_code" => "should be one of Cashfree's bank codes",
                _ => reason,
            };
            invalid(&error.field, reason)
        }
    }
}

/// 400 for a request body that is not a JSON object.
pub(super) fn bad_body(error: &BodyError) -> Failure {
    match error {
        BodyError::Empty => invalid_request("request_failed", "request body is missing"),
        BodyError::Malformed(why) => {
            invalid_request("request_failed", format!("request body is not valid JSON: {why}"))
        }
        BodyError::NotAnObject => invalid_request("request_failed", "request body must be a JSON object"),
    }
}

/// 404 for an unknown link id.
pub(super) fn link_not_found(link_id: &str) -> Failure {
    fail(
        StatusCode::NOT_FOUND,
        format!("link_id : link {link_id} does not exist"),
        "link_not_found",
        KnownCashfreeErrorType::InvalidRequestError,
    )
}

/// 400 for a URL or method the API does not have (the documented 400 example).
pub(super) async fn bad_url() -> Response {
    bad_request("request_failed", "bad URL, please check API documentation")
}

/// The error body of an injected fault status.
pub(super) fn fault_status(status: StatusCode) -> Response {
    match status.as_u16() {
        500 => error(status, "internal Server Error", "internal_error", KnownCashfreeErrorType::ApiError),
        502 => error(
            status,
            "bank processing failure, please retry",
            "bank_processing_failure",
            KnownCashfreeErrorType::ApiError,
        ),
        503 => error(
            status,
            "service temporarily unavailable, please retry",
            "internal_error",
            KnownCashfreeErrorType::ApiError,
        ),
        s if s >= 500 => error(status, "internal Server Error", "internal_error", KnownCashfreeErrorType::ApiError),
        401 => error(status, "authentication Failed", "request_failed", KnownCashfreeErrorType::AuthenticationError),
        429 => rate_limited(1),
        _ => error(status, "request failed", "request_failed", KnownCashfreeErrorType::InvalidRequestError),
    }
}

/// 429 with the documented rate-limit body and `x-ratelimit-*` headers.
pub(super) fn rate_limited(retry_after_secs: u64) -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many requests from IP. Check headers",
        "request_failed",
        KnownCashfreeErrorType::RateLimitError,
    );
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", RATE_LIMIT.into());
    headers.insert("x-ratelimit-remaining", 0.into());
    headers.insert("x-ratelimit-retry", retry_after_secs.into());
    headers.insert("x-ratelimit-type", HeaderValue::from_static("app_id"));
    response
}
