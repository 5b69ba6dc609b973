//! JSON request and response bodies, and query strings.

use std::collections::HashMap;

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

/// A request's query string as names and values, or axum's rejection of it.
pub(crate) type QueryMap = Result<Query<HashMap<String, String>>, QueryRejection>;

/// A JSON response with `status`.
pub(crate) fn json(status: StatusCode, value: &Value) -> Response {
    let bytes = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// 200 with `body`, or the provider's error response.
pub(crate) fn respond<E: Into<Response>>(result: Result<Value, E>) -> Response {
    match result {
        Ok(body) => json(StatusCode::OK, &body),
        Err(error) => error.into(),
    }
}

/// Answers a request whose body must be a JSON object: `handle` gets the object, `bad_body`
/// words the provider's error for any other body.
pub(crate) fn with_object<E: Into<Response>>(
    bytes: &[u8],
    bad_body: impl FnOnce(&BodyError) -> E,
    handle: impl FnOnce(&Map<String, Value>) -> Result<Value, E>,
) -> Response {
    respond(object(bytes).map_err(|e| bad_body(&e)).and_then(|request| handle(&request)))
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
