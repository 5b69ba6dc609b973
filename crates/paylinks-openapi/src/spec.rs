//! Operations, JSON bodies and examples of a spec document, and `$ref` resolution.

use serde_json::{Map, Value};

/// The HTTP methods an OpenAPI path item can hold.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Where a callback operation is: `CALLBACK <name> POST <url expression> (of POST /links)`;
/// [`is_callback`] tells these apart.
const CALLBACK: &str = "CALLBACK ";

/// Every operation, in document order, with where it is (`GET /links/{link_id}`), each
/// followed by the operations of its `callbacks` (the requests the provider sends to the
/// merchant, such as webhook events), labelled `CALLBACK <name> POST <url> (of GET /links)`.
pub fn operations(doc: &Value) -> Vec<(String, &Map<String, Value>)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if let (true, Some(op)) = (METHODS.contains(&method.as_str()), operation.as_object()) {
                let at = format!("{} {path}", method.to_uppercase());
                out.push((at.clone(), op));
                for (name, callback) in op.get("callbacks").and_then(Value::as_object).into_iter().flatten() {
                    for (url, item) in callback.as_object().into_iter().flatten() {
                        for (method, operation) in item.as_object().into_iter().flatten() {
                            if let (true, Some(op)) = (METHODS.contains(&method.as_str()), operation.as_object()) {
                                out.push((format!("{CALLBACK}{name} {} {url} (of {at})", method.to_uppercase()), op));
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// Whether an operation of [`operations`] is a callback: a request the provider sends, whose
/// body is received (read like a response) rather than sent.
pub fn is_callback(at: &str) -> bool {
    at.starts_with(CALLBACK)
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
        if let Some(body) = resolve_response(doc, response).pointer("/content/application~1json") {
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

/// The value a local `$ref` (`#/components/schemas/Link`) points to, or `None` when it is not
/// local or points nowhere.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// A response object, following a `$ref` to `#/components/responses/...`; the object itself
/// when it is no `$ref` or the `$ref` does not resolve.
pub fn resolve_response<'a>(doc: &'a Value, response: &'a Value) -> &'a Value {
    response.get("$ref").and_then(Value::as_str).and_then(|r| resolve(doc, r)).unwrap_or(response)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc() -> Value {
        json!({
            "paths": {
                "/links/{id}": {
                    "parameters": [],
                    "get": {
                        "operationId": "fetchLink",
                        "responses": {
                            "200": {"content": {"application/json": {"example": {"id": "a"}}}},
                            "400": {"$ref": "#/components/responses/BadRequest"}
                        }
                    },
                    "post": {
                        "operationId": "updateLink",
                        "requestBody": {"content": {"application/json": {
                            "examples": {"one": {"value": 1}, "two": {"value": 2}}
                        }}},
                        "responses": {}
                    }
                }
            },
            "components": {"responses": {"BadRequest": {"content": {"application/json": {"example": {"e": 1}}}}}}
        })
    }

    #[test]
    fn operations_skip_what_is_not_a_method() {
        let doc = doc();
        let found: Vec<String> = operations(&doc).into_iter().map(|(at, _)| at).collect();
        assert_eq!(found, ["GET /links/{id}", "POST /links/{id}"]);
        assert!(operation(&doc, "updateLink").is_some());
        assert!(operation(&doc, "deleteLink").is_none());
    }

    #[test]
    fn callbacks_follow_their_operation() {
        let doc = json!({"paths": {"/links": {"post": {
            "operationId": "createLink",
            "callbacks": {"events": {"https://merchant.example/hook": {
                "description": "not an operation",
                "post": {"operationId": "linkEvent"}
            }}}
        }}}});
        let found: Vec<String> = operations(&doc).into_iter().map(|(at, _)| at).collect();
        assert_eq!(found, ["POST /links", "CALLBACK events POST https://merchant.example/hook (of POST /links)"]);
        assert!(!is_callback(&found[0]));
        assert!(is_callback(&found[1]));
        assert!(operation(&doc, "linkEvent").is_some());
    }

    #[test]
    fn shared_responses_are_resolved_and_examples_named() {
        let doc = doc();
        let fetch = operation(&doc, "fetchLink").unwrap();
        let media = json_media(&doc, fetch);
        let locations: Vec<&str> = media.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(locations, ["response 200", "response 400"]);
        assert_eq!(media_examples(media[1].1), [(None, &json!({"e": 1}))]);
        let update = operation(&doc, "updateLink").unwrap();
        let media = json_media(&doc, update);
        assert_eq!(media_examples(media[0].1), [(Some("one"), &json!(1)), (Some("two"), &json!(2))]);
    }

    #[test]
    fn unresolvable_references_are_none() {
        let doc = doc();
        assert!(resolve(&doc, "#/components/responses/Missing").is_none());
        assert!(resolve(&doc, "other.yaml#/x").is_none());
        let dangling = json!({"$ref": "#/nowhere"});
        assert_eq!(resolve_response(&doc, &dangling), &dangling);
    }
}
