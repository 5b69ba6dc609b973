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

/// Why a request body does not decode into a provider's generated request type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecodeError {
    /// The field, dotted, without array indices (`customer_details.customer_phone`,
    /// `order_splits.vendor_id`); empty for the body itself.
    pub(crate) field: String,
    /// What is wrong with it.
    pub(crate) problem: Problem,
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Absent (or `null`) where the type requires it.
    Missing,
    /// Present with a wrong type or breaking a constraint of the spec; the reason reads
    /// "should be a string", "longer than 50 characters", ...
    Invalid(String),
}

/// Decodes a JSON object into a generated request type. `null` members count as absent
/// (clients send `null` for "not set"); a failure names the field it happened at.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(request: &Map<String, Value>) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(without_nulls(Value::Object(request.clone()))).map_err(|error| {
        let mut field: Vec<String> = error
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                serde_path_to_error::Segment::Seq { .. } | serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        let message = error.inner().to_string();
        let problem = if let Some(name) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
            field.push(name.to_owned());
            Problem::Missing
        } else if message.starts_with("invalid type: null") {
            Problem::Missing
        } else {
            match message.split_once(", expected ") {
                Some((_, expected)) => Problem::Invalid(format!("should be {expected}")),
                None => Problem::Invalid(message),
            }
        };
        DecodeError { field: field.join("."), problem }
    })
}

/// `value` without `null` object members, at every depth.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        flag: Option<bool>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
        #[serde(default)]
        items: Vec<Inner>,
    }

    fn error(value: Value) -> DecodeError {
        decode::<Outer>(value.as_object().unwrap()).unwrap_err()
    }

    #[test]
    fn names_the_failing_field() {
        let missing = error(json!({"inner": {"flag": true}}));
        assert_eq!((missing.field.as_str(), missing.problem), ("inner.name", Problem::Missing));
        let null = error(json!({"inner": {"name": null}}));
        assert_eq!((null.field.as_str(), null.problem), ("inner.name", Problem::Missing));
        let wrong = error(json!({"inner": {"name": "a", "flag": "yes"}}));
        assert_eq!(wrong.field, "inner.flag");
        assert_eq!(wrong.problem, Problem::Invalid("should be a boolean".into()));
        let nested = error(json!({"inner": {"name": "a"}, "items": [{"name": "b"}, {"flag": false}]}));
        assert_eq!((nested.field.as_str(), nested.problem), ("items.name", Problem::Missing));
        assert!(decode::<Outer>(json!({"inner": {"name": "a", "flag": null}}).as_object().unwrap()).is_ok());
    }
}
