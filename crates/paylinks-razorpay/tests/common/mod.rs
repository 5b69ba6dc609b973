//! Shared by the test files: compares a decoded body, written back as JSON, with the body it
//! came from.

use serde_json::Value;

/// Keys the spec deliberately leaves out of a type; they are dropped by decoding. Empty: every
/// key of every fixture has a property.
const UNMODELLED: &[&str] = &[];

/// Differences between `original` (what the provider sent) and `written` (the decoded value
/// serialised again). Allowed: a key that is `null` or `[]` in the original and absent in
/// `written` (the generated types skip `None` and empty `Vec`s when serialising). Everything
/// else (a changed value, a dropped key, an invented key) is reported with its JSON path.
pub fn round_trip_differences(original: &Value, written: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff(original, written, "$", &mut out);
    out
}

fn diff(original: &Value, written: &Value, path: &str, out: &mut Vec<String>) {
    match (original, written) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let child = format!("{path}.{key}");
                match b.get(key) {
                    Some(other) => diff(value, other, &child, out),
                    None if value.is_null() || value == &Value::Array(vec![]) => {}
                    None if UNMODELLED.contains(&key.as_str()) => {}
                    None => out.push(format!("{child}: dropped by decoding (no property in the spec?)")),
                }
            }
            for key in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{path}.{key}: not in the original body"));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(x, y, &format!("{path}[{i}]"), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: sent {a}, decoded and written back as {b}")),
    }
}
