//! Reading a JSON body into a generated type: the path of the first mismatch, never the
//! offending value (bodies hold customer data).

/// Parses JSON into `T`, naming the path of the first mismatch and its position, without
/// quoting values (they can be customer data).
///
/// A JSON object is decoded straight from the bytes into `T` (no `serde_json::Value` in
/// between). Only when that fails is the body read again the slow way, into a `Value` and
/// then through `serde_path_to_error`, which names the path of the first mismatch: errors
/// read exactly as before (a syntax error anywhere wins over a mismatch, duplicate keys keep
/// the last), and the common case pays for none of it.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{')
        && let Ok(value) = serde_json::from_slice(body)
    {
        return Ok(value);
    }
    parse_with_path(body)
}

/// The slow path of [`parse`]: a `Value`, then the path of the first mismatch.
fn parse_with_path<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("not JSON: {}", paylinks_core::describe_json_error(&e)))?;
    if !value.is_object() {
        return Err(format!("expected a JSON object, found {}", kind(&value)));
    }
    serde_path_to_error::deserialize(&value).map_err(|e| {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Link {
        id: String,
        amount: u64,
    }

    #[test]
    fn objects_decode_and_errors_name_the_path_without_the_value() {
        assert_eq!(parse::<Link>(br#" {"id": "a", "amount": 5}"#), Ok(Link { id: "a".into(), amount: 5 }));
        let err = parse::<Link>(br#"{"id": "secret-name", "amount": "x"}"#).unwrap_err();
        assert_eq!(err, "amount: expected u64");
        assert_eq!(parse::<Link>(b"[1]").unwrap_err(), "expected a JSON object, found an array");
        assert!(parse::<Link>(br#"{"id": "a", "amount": 5"#).unwrap_err().starts_with("not JSON: "));
    }

    #[test]
    fn a_duplicate_key_keeps_the_last_value_as_before() {
        assert_eq!(parse::<Link>(br#"{"id": "a", "amount": 5, "amount": 6}"#), Ok(Link { id: "a".into(), amount: 6 }));
    }
}
