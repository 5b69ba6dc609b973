//! OpenAPI 3.0 schemas read as JSON Schema, to validate examples and bodies.

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

/// A validator for `schema` (an OpenAPI 3.0 schema that may `$ref` the spec's
/// `components.schemas`, given as `components`), formats not asserted. The error is the
/// `jsonschema` crate's message when the converted schema is not valid JSON Schema.
pub fn validator(components: &Value, schema: &Value) -> Result<jsonschema::Validator, String> {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": {"schemas": to_json_schema(components)},
        "allOf": [to_json_schema(schema)],
    });
    jsonschema::options().should_validate_formats(false).build(&root).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_and_one_of_read_as_the_generated_decoder_reads_them() {
        let components = json!({
            "Status": {"oneOf": [{"type": "string", "enum": ["paid"]}, {"type": "string"}]},
            "Link": {
                "type": "object",
                "properties": {
                    "status": {"$ref": "#/components/schemas/Status"},
                    "note": {"type": "string", "nullable": true, "example": "x"}
                }
            }
        });
        let link = validator(&components, &json!({"$ref": "#/components/schemas/Link"})).unwrap();
        // `paid` fits both branches: anyOf, not oneOf.
        assert!(link.is_valid(&json!({"status": "paid", "note": null})));
        assert!(!link.is_valid(&json!({"note": 1})));
    }
}
