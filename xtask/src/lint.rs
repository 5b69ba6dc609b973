//! `cargo xtask lint`: the rules of `specs/README.md` that a machine can check.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use paylinks_openapi::spec::{
    is_callback, json_media, media_examples, operations as operations_of, resolve, resolve_response,
};

use crate::spec::Provider;

/// Keys that make progenitor/typify generate validating or narrower types, which reject real
/// response bodies (specs/README.md rule 6).
const RESPONSE_FORBIDDEN: &[&str] =
    &["pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];

/// The extension that exempts an optional response property from accepting `null`; its value
/// says why (specs/README.md rule 7).
const NOT_NULLABLE: &str = "x-paylinks-not-nullable";

pub fn run(providers: &[Provider]) -> bool {
    let mut ok = true;
    for provider in providers {
        let problems = match provider.load() {
            Ok(loaded) => lint(&loaded.value, &loaded.api),
            Err(e) => vec![e],
        };
        if problems.is_empty() {
            println!("{}: ok", provider.spec_display());
        } else {
            ok = false;
            for problem in &problems {
                eprintln!("{}: {problem}", provider.spec_display());
            }
        }
    }
    ok
}

/// Every problem of one spec, as messages that name where it is.
pub fn lint(doc: &Value, api: &openapiv3::OpenAPI) -> Vec<String> {
    let mut problems = Vec::new();
    if !api.openapi.starts_with("3.0.") {
        problems.push(format!("openapi is {:?}; progenitor reads 3.0.x only", api.openapi));
    }
    dropped_keys(doc, api, &mut problems);
    operations(doc, &mut problems);
    forbidden_constructs(doc, "", &mut problems);
    response_schemas(doc, &mut problems);
    examples(doc, &mut problems);
    problems
}

/// Keys the parser dropped: present in the YAML, absent once parsed and written back.
fn dropped_keys(doc: &Value, api: &openapiv3::OpenAPI, problems: &mut Vec<String>) {
    let reparsed = match serde_json::to_value(api) {
        Ok(v) => v,
        Err(e) => return problems.push(format!("cannot re-serialise the parsed spec: {e}")),
    };
    let mut missing = Vec::new();
    compare_keys(doc, &reparsed, String::new(), &mut missing);
    for path in missing {
        problems.push(format!("{path}: key not understood by the OpenAPI 3.0 parser (misspelt or misplaced?)"));
    }
}

fn compare_keys(original: &Value, parsed: &Value, path: String, missing: &mut Vec<String>) {
    match (original, parsed) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let child = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                match b.get(key) {
                    Some(other) => compare_keys(value, other, child, missing),
                    // Defaults the parser leaves out when writing back.
                    None if is_default(key, value) => {}
                    None => missing.push(child),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare_keys(x, y, format!("{path}/{i}"), missing);
            }
        }
        _ => {}
    }
}

fn is_default(key: &str, value: &Value) -> bool {
    matches!(
        (key, value),
        (
            "required" | "deprecated" | "nullable" | "readOnly" | "writeOnly" | "uniqueItems" | "allowEmptyValue",
            Value::Bool(false)
        ) | ("required", Value::Array(_))
            | ("explode" | "style", _)
            | (_, Value::Null)
    ) || (key == "required" && value == &Value::Array(vec![]))
}

fn operations(doc: &Value, problems: &mut Vec<String>) {
    let mut seen = BTreeMap::new();
    let mut error_refs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (at, op) in operations_of(doc) {
        match op.get("operationId").and_then(Value::as_str) {
            None => problems.push(format!("{at}: no operationId")),
            Some(id) => {
                if let Some(first) = seen.insert(id.to_owned(), at.clone()) {
                    problems.push(format!("{at}: operationId `{id}` already used by {first}"));
                }
            }
        }
        for key in ["summary", "description"] {
            if op.get(key).and_then(Value::as_str).is_none_or(str::is_empty) {
                problems.push(format!("{at}: no {key}"));
            }
        }
        for param in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
            if param.get("description").is_none() && param.get("$ref").is_none() {
                problems
                    .push(format!("{at}: parameter `{}` has no description", param["name"].as_str().unwrap_or("?")));
            }
        }
        let responses = op.get("responses").and_then(Value::as_object);
        for (status, response) in responses.into_iter().flatten() {
            let response = resolve_response(doc, response);
            if status == "default" {
                problems.push(format!(
                    "{at}: `default` response (progenitor panics when it differs from the success schema)"
                ));
                continue;
            }
            if status.starts_with('2') {
                continue;
            }
            let schema_ref = response
                .pointer("/content/application~1json/schema/$ref")
                .and_then(Value::as_str)
                .unwrap_or("(no $ref to a component schema)");
            error_refs.entry(schema_ref.to_owned()).or_default().push(format!("{at} {status}"));
        }
    }
    if error_refs.len() > 1 {
        let listing: Vec<String> = error_refs.iter().map(|(r, uses)| format!("{r} ({})", uses.join(", "))).collect();
        problems.push(format!(
            "error responses use {} schemas; all must share one: {}",
            error_refs.len(),
            listing.join("; ")
        ));
    }
}

/// `anyOf`, `allOf` and `not` anywhere; properties without a description.
fn forbidden_constructs(value: &Value, path: &str, problems: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for key in ["anyOf", "allOf", "not"] {
                if map.contains_key(key) && !path.ends_with("/properties") {
                    problems.push(format!("{path}: `{key}` is not allowed (specs/README.md rule 4)"));
                }
            }
            if path.ends_with("/properties") {
                for (name, property) in map {
                    let documented = property.get("description").is_some() || property.get("$ref").is_some();
                    if !documented {
                        problems.push(format!("{path}/{name}: property has no description"));
                    }
                }
            }
            for (key, child) in map {
                if key == "example" || key == "examples" {
                    continue;
                }
                forbidden_constructs(child, &format!("{path}/{key}"), problems);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                forbidden_constructs(child, &format!("{path}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// Schemas reachable from success responses, and from the requests of callbacks (webhook
/// events: received like responses), must not narrow what they accept (rule 6) and their
/// enums must be open (rule 8).
fn response_schemas(doc: &Value, problems: &mut Vec<String>) {
    let mut visited = BTreeSet::new();
    for (at, op) in operations_of(doc) {
        for (location, media) in json_media(doc, op) {
            let received = location.strip_prefix("response ").or(is_callback(&at).then_some(location.as_str()));
            let (Some(status), Some(schema)) = (received, media.get("schema")) else {
                continue;
            };
            let origin = format!("{at} {status}");
            check_response_schema(doc, schema, &origin, false, &mut visited, problems);
        }
    }
}

fn check_response_schema(
    doc: &Value,
    schema: &Value,
    origin: &str,
    open: bool,
    visited: &mut BTreeSet<(String, bool)>,
    problems: &mut Vec<String>,
) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        if visited.insert((reference.to_owned(), open)) {
            if let Some(target) = resolve(doc, reference) {
                check_response_schema(doc, target, reference, open, visited, problems);
            } else {
                problems.push(format!("{origin}: unresolved $ref {reference}"));
            }
        }
        return;
    }
    if map.contains_key("x-rust-type") {
        return;
    }
    for key in RESPONSE_FORBIDDEN {
        if map.contains_key(*key) {
            problems.push(format!("{origin}: `{key}` in a response schema rejects real bodies (rule 6)"));
        }
    }
    if matches!(map.get("format").and_then(Value::as_str), Some("date-time" | "date")) {
        problems
            .push(format!("{origin}: `format: date-time` in a response schema; use the Timestamp component (rule 13)"));
    }
    if map.get("additionalProperties") == Some(&Value::Bool(false)) {
        problems.push(format!("{origin}: `additionalProperties: false` in a response schema (rule 6)"));
    }
    if map.contains_key("enum") && !open {
        problems.push(format!(
            "{origin}: closed enum in a response schema; wrap it in oneOf with an Unknown string (rule 8)"
        ));
    }
    if let Some(branches) = map.get("oneOf").and_then(Value::as_array) {
        let has_catch_all = branches.iter().any(|b| b.get("type") == Some(&json!("string")) && b.get("enum").is_none());
        for branch in branches {
            check_response_schema(doc, branch, origin, has_catch_all, visited, problems);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = map.get(key) {
            check_response_schema(doc, child, origin, false, visited, problems);
        }
    }
    let required: BTreeSet<&str> =
        map.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    for (name, child) in map.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let at = format!("{origin}.{name}");
        if !required.contains(name.as_str()) {
            optional_accepts_null(doc, child, &at, problems);
        }
        check_response_schema(doc, child, &at, false, visited, problems);
    }
}

/// An optional response property accepts `null` (decoded as absent, like a missing field), or
/// says why not with `x-paylinks-not-nullable: <reason>` (rule 7): one `null` in an optional
/// field must not fail the whole response.
fn optional_accepts_null(doc: &Value, property: &Value, at: &str, problems: &mut Vec<String>) {
    match property.get(NOT_NULLABLE) {
        Some(Value::String(reason)) if !reason.trim().is_empty() => {}
        Some(_) => problems.push(format!("{at}: `{NOT_NULLABLE}` must give the reason as text (rule 7)")),
        None if accepts_null(doc, property, 0) => {}
        None => problems.push(format!(
            "{at}: optional response property does not accept `null`; add `nullable: true` (a `$ref` becomes \
             `nullable: true` + `oneOf: [$ref]`) or `{NOT_NULLABLE}: <why>` (rule 7)"
        )),
    }
}

/// Whether a schema accepts the JSON `null`: `nullable: true`, a `oneOf` branch that does, a
/// `$ref` to a schema that does, or a schema that constrains nothing.
fn accepts_null(doc: &Value, schema: &Value, depth: usize) -> bool {
    let Some(map) = schema.as_object() else {
        return schema == &Value::Bool(true);
    };
    if depth > 32 {
        return false;
    }
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return resolve(doc, reference).is_some_and(|target| accepts_null(doc, target, depth + 1));
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        return true;
    }
    if let Some(branches) = map.get("oneOf").and_then(Value::as_array) {
        return branches.iter().any(|branch| accepts_null(doc, branch, depth + 1));
    }
    const CONSTRAINING: &[&str] = &["type", "enum", "properties", "items", "additionalProperties", "x-rust-type"];
    !CONSTRAINING.iter().any(|key| map.contains_key(*key))
}

/// Every example validates against its schema, read as JSON Schema.
fn examples(doc: &Value, problems: &mut Vec<String>) {
    let components = doc.pointer("/components/schemas").cloned().unwrap_or(json!({}));
    let mut count = 0;
    for (at, op) in operations_of(doc) {
        for (location, media) in json_media(doc, op) {
            let Some(schema) = media.get("schema") else {
                continue;
            };
            let named: Vec<(String, &Value)> = media_examples(media)
                .into_iter()
                .map(|(name, value)| (name.map_or_else(|| "example".to_owned(), |n| format!("examples.{n}")), value))
                .collect();
            if named.is_empty() && (location == "request" || location.starts_with("response 2")) {
                problems.push(format!("{at} {location}: no example (rule 18)"));
            }
            let validator = match paylinks_openapi::schema::validator(&components, schema) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(format!("{at} {location}: schema is not valid JSON Schema: {e}"));
                    continue;
                }
            };
            for (name, example) in named {
                count += 1;
                for error in validator.iter_errors(example) {
                    problems.push(format!("{at} {location} {name}: at `{}`: {error}", error.instance_path()));
                }
            }
        }
    }
    if count == 0 {
        problems.push("no examples at all".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(yaml: &str) -> Vec<String> {
        let doc: Value = serde_yaml::from_str(yaml).unwrap();
        let api: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).unwrap();
        lint(&doc, &api)
    }

    const GOOD: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /links/{id}:
    get:
      operationId: fetchLink
      summary: Fetch a link
      description: Fetches a link.
      parameters:
        - {name: id, in: path, required: true, description: The id., schema: {type: string}}
      responses:
        "200":
          description: The link.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Link"}
              example: {status: paid, amount: 100, note: null}
        "400":
          description: Bad request.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
components:
  schemas:
    Error:
      type: object
      properties:
        message: {type: string, nullable: true, description: What went wrong.}
    Link:
      type: object
      required: [status]
      properties:
        status: {$ref: "#/components/schemas/Status"}
        amount: {type: integer, format: int64, nullable: true, description: Minor units.}
        note: {type: string, nullable: true, description: A note.}
        previous: {description: The status before., nullable: true, oneOf: [{$ref: "#/components/schemas/Status"}]}
        kind: {type: string, x-paylinks-not-nullable: Never null in any source., description: The kind.}
    Status:
      oneOf:
        - {$ref: "#/components/schemas/KnownStatus"}
        - {type: string, title: Unknown, description: Any other value.}
    KnownStatus:
      type: string
      enum: [paid, created]
"##;

    #[test]
    fn a_spec_that_follows_the_rules_passes() {
        assert_eq!(problems(GOOD), Vec::<String>::new());
    }

    #[test]
    fn a_misspelt_key_is_caught() {
        let spec = GOOD.replace("required: true, description: The id.", "requird: true, description: The id.");
        let found = problems(&spec);
        assert!(found.iter().any(|p| p.contains("/parameters/0/requird")), "{found:?}");
    }

    #[test]
    fn an_example_that_does_not_match_its_schema_is_caught() {
        let spec = GOOD.replace("amount: 100, note", "amount: \"100\", note");
        let found = problems(&spec);
        assert!(found.iter().any(|p| p.contains("example") && p.contains("/amount")), "{found:?}");
    }

    #[test]
    fn a_second_error_schema_is_caught() {
        let spec = GOOD.replace(
            "        \"400\":\n          description: Bad request.\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Error\"}",
            "        \"400\":\n          description: Bad request.\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Error\"}\n        \"404\":\n          description: Not found.\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Link\"}",
        );
        let found = problems(&spec);
        assert!(found.iter().any(|p| p.contains("all must share one")), "{found:?}");
    }

    #[test]
    fn closed_enums_and_narrowing_keys_in_responses_are_caught() {
        let spec = GOOD
            .replace(
                "status: {$ref: \"#/components/schemas/Status\"}",
                "status: {$ref: \"#/components/schemas/KnownStatus\"}",
            )
            .replace("amount: {type: integer, format: int64,", "amount: {type: integer, minimum: 0,");
        let found = problems(&spec);
        assert!(found.iter().any(|p| p.contains("closed enum")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("`minimum`")), "{found:?}");
    }

    #[test]
    fn any_of_and_undocumented_properties_are_caught() {
        let spec = GOOD
            .replace("note: {type: string, nullable: true, description: A note.}", "note: {anyOf: [{type: string}]}");
        let found = problems(&spec);
        assert!(found.iter().any(|p| p.contains("`anyOf`")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("note: property has no description")), "{found:?}");
    }

    #[test]
    fn an_optional_response_property_that_refuses_null_is_caught() {
        let spec = GOOD.replace("note: {type: string, nullable: true,", "note: {type: string,").replace(
            "previous: {description: The status before., nullable: true, oneOf:",
            "previous: {description: The status before., oneOf:",
        );
        let found = problems(&spec);
        assert!(
            found.iter().any(|p| p.contains("Link.note: optional response property does not accept `null`")),
            "{found:?}"
        );
        assert!(found.iter().any(|p| p.contains("Link.previous: optional response property")), "{found:?}");
        // A required property needs no `null`, an optional `$ref` does.
        assert!(!found.iter().any(|p| p.contains("Link.status")), "{found:?}");
        let found = problems(&GOOD.replace("      required: [status]\n", ""));
        assert!(found.iter().any(|p| p.contains("Link.status: optional response property")), "{found:?}");
    }

    #[test]
    fn callback_requests_are_linted_like_responses() {
        let callback = r##"      callbacks:
        events:
          https://merchant.example/hook:
            post:
              operationId: linkEvent
              summary: A link event
              description: The provider posts it.
              requestBody:
                content:
                  application/json:
                    schema: {$ref: "#/components/schemas/Event"}
                    example: {status: paid, note: null}
              responses:
                "200": {description: Acknowledged.}
"##;
        let event = "    Event:\n      type: object\n      properties:\n        status: {$ref: \"#/components/schemas/KnownStatus\"}\n        note: {type: string, description: A note.}\n";
        let spec = GOOD
            .replace("      responses:\n", &format!("{callback}      responses:\n"))
            .replace("    Status:\n", &format!("{event}    Status:\n"));
        let found = problems(&spec);
        assert!(found.iter().any(|p| p.contains("linkEvent") || p.contains("CALLBACK events")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("closed enum")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("Event.note: optional response property")), "{found:?}");
        // The example is validated: `note: null` against a non-nullable string.
        assert!(found.iter().any(|p| p.contains("CALLBACK events POST") && p.contains("example")), "{found:?}");
    }

    #[test]
    fn the_not_nullable_exemption_needs_a_reason() {
        let found = problems(
            &GOOD.replace("x-paylinks-not-nullable: Never null in any source.", "x-paylinks-not-nullable: ''"),
        );
        assert!(
            found.iter().any(|p| p.contains("Link.kind: `x-paylinks-not-nullable` must give the reason")),
            "{found:?}"
        );
    }

    #[test]
    fn openapi_3_1_is_refused() {
        let found = problems(&GOOD.replace("openapi: 3.0.3", "openapi: 3.1.0"));
        assert!(found.iter().any(|p| p.contains("3.0.x only")), "{found:?}");
    }
}
