//! Reading a JSON body into a generated type: the path of the first mismatch, never the
//! offending value (bodies hold customer data).

/// Parses a JSON object, without quoting values on failure.
pub(crate) fn parse_object(body: &[u8]) -> Result<serde_json::Value, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("not JSON: {}", paylinks_core::describe_json_error(&e)))?;
    if !value.is_object() {
        return Err(format!("expected a JSON object, found {}", kind(&value)));
    }
    Ok(value)
}

/// Reads a JSON value into `T`, naming the path of the first mismatch, never the value.
pub(crate) fn from_value<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let what = e.inner().to_string();
        // serde quotes the offending value (customer data, maybe); keep only the expectation.
        let expected = what.split_once("expected ").map_or("a different shape", |(_, exp)| exp);
        format!("{}: expected {expected}", e.path())
    })
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
