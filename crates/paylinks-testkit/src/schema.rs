//! Spec schemas as JSON Schema (from `paylinks-openapi`), and the check of a body against the
//! response schema a spec gives for an operation and status.

pub use paylinks_openapi::schema::{to_json_schema, validator};
pub use paylinks_openapi::spec::resolve_response;
use serde_json::{Value, json};

/// Checks `body` against the schema `specs/<provider>.yaml` gives for `operation_id`'s
/// `status` response (the status itself, or the range such as `4XX` that covers it). The
/// error names the provider, the operation and the status, and lists every mismatch with its
/// JSON path.
pub fn check_response(provider: &str, operation_id: &str, status: u16, body: &Value) -> Result<(), String> {
    let doc = crate::spec_document(provider);
    let operation =
        crate::spec::operation(&doc, operation_id).ok_or_else(|| format!("{provider}: no operation {operation_id}"))?;
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
