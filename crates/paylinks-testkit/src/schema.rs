//! OpenAPI 3.0 schemas read as JSON Schema, to validate examples and sandbox responses.

use serde_json::{Map, Value, json};

/// OpenAPI 3.0 schema → JSON Schema 2020-12: `nullable: true` becomes a `null` alternative,
/// `oneOf` becomes `anyOf` (first match wins, as in the generated decoder).
pub fn to_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out: Map<String, Value> = map
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "nullable" | "example" | "x-rust-type"))
                .map(|(k, v)| {
                    let converted = match k.as_str() {
                        // Maps of names to schemas: convert each schema, not the map.
                        "properties" => Value::Object(
                            v.as_object().into_iter().flatten().map(|(n, s)| (n.clone(), to_json_schema(s))).collect(),
                        ),
                        "enum" | "required" => v.clone(),
                        _ => to_json_schema(v),
                    };
                    // Generated code decodes `oneOf` as a serde untagged enum: the first branch
                    // that fits wins, which is JSON Schema's `anyOf` (an open enum's known value
                    // also fits its Unknown string branch).
                    let key = if k == "oneOf" { "anyOf".to_owned() } else { k.clone() };
                    (key, converted)
                })
                .collect();
            if map.get("nullable") == Some(&Value::Bool(true)) {
                return json!({"anyOf": [Value::Object(std::mem::take(&mut out)), {"type": "null"}]});
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// A response object, following a `$ref` to `#/components/responses/...`.
pub fn resolve_response<'a>(doc: &'a Value, response: &'a Value) -> &'a Value {
    response
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| doc.pointer(pointer))
        .unwrap_or(response)
}

/// A validator for `schema` (an OpenAPI 3.0 schema that may `$ref` the spec's
/// `components.schemas`), formats not asserted.
pub fn validator(components: &Value, schema: &Value) -> Result<jsonschema::Validator, String> {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": {"schemas": to_json_schema(components)},
        "allOf": [to_json_schema(schema)],
    });
    jsonschema::options().should_validate_formats(false).build(&root).map_err(|e| e.to_string())
}

/// Checks `body` against the schema a spec gives for `operation_id`'s `status` response;
/// the error lists every mismatch with its JSON path.
pub fn check_response(provider: &str, operation_id: &str, status: u16, body: &Value) -> Result<(), String> {
    let doc = crate::spec_document(provider);
    let operation =
        crate::spec::operation(&doc, operation_id).ok_or_else(|| format!("{provider}: no operation {operation_id}"))?;
    // The status itself, or the range (`4XX`) that covers it.
    let responses = &operation["responses"];
    let response = responses
        .get(status.to_string())
        .or_else(|| responses.get(format!("{}XX", status / 100)))
        .ok_or_else(|| format!("{provider} {operation_id}: HTTP {status} is not a documented response"))?;
    let response = resolve_response(&doc, response);
    let schema = response
        .pointer("/content/application~1json/schema")
        .ok_or_else(|| format!("{provider} {operation_id} {status}: no JSON schema"))?;
    let components = doc.pointer("/components/schemas").cloned().unwrap_or(json!({}));
    let validator = validator(&components, schema)?;
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("at `{}`: {e}", e.instance_path())).collect();
    if errors.is_empty() { Ok(()) } else { Err(format!("{provider} {operation_id} {status}: {}", errors.join("; "))) }
}
