//! JSON request and response bodies.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

/// A JSON response with `status`.
pub(crate) fn json(status: StatusCode, value: &Value) -> Response {
    let bytes = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Why a request body is not a JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// No body at all.
    Empty,
    /// Not JSON; the parser's message.
    Malformed(String),
    /// JSON, but not an object.
    NotAnObject,
}

/// Parses a request body that must be a JSON object.
pub(crate) fn object(bytes: &[u8]) -> Result<Map<String, Value>, BodyError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyError::Empty);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyError::NotAnObject),
        Err(e) => Err(BodyError::Malformed(e.to_string())),
    }
}

/// The fields of `map` that are not JSON `null` (clients may send `null` for "not set").
pub(crate) fn present(map: &Map<String, Value>, key: &str) -> Option<Value> {
    map.get(key).filter(|v| !v.is_null()).cloned()
}

/// A header value as text, if present and valid.
pub(crate) fn header_text<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
