//! Cashfree amounts: major units on the wire, exact minor units (paise) inside.

use serde_json::{Number, Value};

/// Why a JSON value is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AmountError {
    /// Not a JSON number.
    NotANumber,
    /// More than two decimals.
    TooPrecise,
    /// Negative, or too large for the sandbox.
    OutOfRange,
}

/// Reads a JSON number of major units (`100`, `10.12`) as exact minor units (`10000`, `1012`).
///
/// A fractional number is read through its shortest decimal representation, so `10.12`
/// becomes exactly `1012`; no arithmetic happens on floating point.
pub(crate) fn minor_units(value: &Value) -> Result<i64, AmountError> {
    let Value::Number(number) = value else {
        return Err(AmountError::NotANumber);
    };
    if let Some(whole) = number.as_i64() {
        return whole.checked_mul(100).filter(|m| *m >= 0).ok_or(AmountError::OutOfRange);
    }
    if number.is_u64() {
        return Err(AmountError::OutOfRange);
    }
    let float = number.as_f64().ok_or(AmountError::NotANumber)?;
    if !float.is_finite() || float < 0.0 {
        return Err(AmountError::OutOfRange);
    }
    parse_decimal(&format!("{float}"))
}

/// Parses `123`, `123.4` or `123.45` exactly into minor units.
fn parse_decimal(text: &str) -> Result<i64, AmountError> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AmountError::NotANumber);
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 2 {
        return Err(AmountError::TooPrecise);
    }
    let whole: i64 = whole.parse().map_err(|_| AmountError::OutOfRange)?;
    let mut cents: i64 = if fraction.is_empty() { 0 } else { fraction.parse().map_err(|_| AmountError::NotANumber)? };
    if fraction.len() == 1 {
        cents *= 10;
    }
    whole.checked_mul(100).and_then(|m| m.checked_add(cents)).ok_or(AmountError::OutOfRange)
}

/// Writes minor units as a JSON number of major units: `10000` → `100`, `1012` → `10.12`.
pub(crate) fn major_units(minor: i64) -> Value {
    if minor % 100 == 0 {
        return Value::from(minor / 100);
    }
    let text = format!("{}{}.{:02}", if minor < 0 { "-" } else { "" }, (minor / 100).abs(), (minor % 100).abs());
    text.parse::<f64>().ok().and_then(Number::from_f64).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_exactly() {
        assert_eq!(minor_units(&json!(100)), Ok(10000));
        assert_eq!(minor_units(&json!(10.12)), Ok(1012));
        assert_eq!(minor_units(&json!(0.1)), Ok(10));
        assert_eq!(minor_units(&json!(1.005)), Err(AmountError::TooPrecise));
        assert_eq!(minor_units(&json!("10")), Err(AmountError::NotANumber));
        assert_eq!(minor_units(&json!(-1)), Err(AmountError::OutOfRange));
    }

    #[test]
    fn writes_exactly() {
        assert_eq!(major_units(10000).to_string(), "100");
        assert_eq!(major_units(1012).to_string(), "10.12");
        assert_eq!(major_units(5).to_string(), "0.05");
        assert_eq!(major_units(2050).to_string(), "20.5");
    }
}
