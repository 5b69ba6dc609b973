//! Walking a spec document: its operations, their JSON bodies and their examples. One walk
//! serves `cargo xtask lint`, [`spec_examples`](crate::spec_examples) and
//! [`check_response`](crate::schema::check_response).

use serde_json::{Map, Value};

/// The HTTP methods an OpenAPI path item can hold.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation, in document order, with where it is (`GET /links/{link_id}`).
pub fn operations(doc: &Value) -> Vec<(String, &Map<String, Value>)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if let (true, Some(op)) = (METHODS.contains(&method.as_str()), operation.as_object()) {
                out.push((format!("{} {path}", method.to_uppercase()), op));
            }
        }
    }
    out
}

/// The operation with this `operationId`.
pub fn operation<'a>(doc: &'a Value, operation_id: &str) -> Option<&'a Map<String, Value>> {
    operations(doc).into_iter().map(|(_, op)| op).find(|op| op.get("operationId") == Some(&Value::from(operation_id)))
}

/// An operation's `application/json` media types: `("request", media)` and
/// `("response <status>", media)`, shared responses (`$ref`) resolved.
pub fn json_media<'a>(doc: &'a Value, op: &'a Map<String, Value>) -> Vec<(String, &'a Value)> {
    let mut media = Vec::new();
    if let Some(body) = op.get("requestBody").and_then(|b| b.pointer("/content/application~1json")) {
        media.push(("request".to_owned(), body));
    }
    for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
        if let Some(body) = crate::schema::resolve_response(doc, response).pointer("/content/application~1json") {
            media.push((format!("response {status}"), body));
        }
    }
    media
}

/// A media type's examples: `(None, value)` for `example`, `(Some(name), value)` for each
/// named one in `examples`.
pub fn media_examples(media: &Value) -> Vec<(Option<&str>, &Value)> {
    let single = media.get("example").map(|value| (None, value));
    let named = media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, example)| (Some(name.as_str()), example.get("value").unwrap_or(&Value::Null)));
    single.into_iter().chain(named).collect()
}
