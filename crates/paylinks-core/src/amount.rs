use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Significant digits an IEEE 754 double carries exactly through a decimal round trip.
///
/// A provider that types an amount as a JSON number (documented as `number (double)`)
/// cannot send more than this without rounding on its own side; decoding within this bound is
/// exact, and an amount beyond it is refused when sent instead of being rounded.
const F64_EXACT_DIGITS: u32 = 15;

/// An amount in major units (rupees), as a provider that types amounts as numbers sends it:
/// `100`, `10.12`, or `"200.12"` in a webhook.
///
/// Decoding is exact: a JSON number is read back through its shortest round-trip decimal
/// form (`0.29` stays `0.29`, never `0.28999999999999998`), and a numeric string is parsed as
/// a decimal. Conversion to minor units ([`DecimalAmount::to_minor`]) fails instead of
/// rounding when the amount has more decimals than the currency allows.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DecimalAmount(Decimal);

/// Why an amount could not be read or converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// The text is not a decimal number.
    #[error("`{0}` is not a decimal amount")]
    NotANumber(String),
    /// The amount has more decimal places than the currency's minor unit.
    #[error("{amount} has {scale} decimal places; the currency allows {exponent}")]
    TooPrecise {
        /// The amount as given.
        amount: Decimal,
        /// Its decimal places.
        scale: u32,
        /// The currency's exponent (INR 2, JPY 0, KWD 3).
        exponent: u32,
    },
    /// The amount does not fit in 64-bit minor units.
    #[error("{0} does not fit in 64-bit minor units")]
    Overflow(Decimal),
    /// The amount cannot be written as a JSON number without rounding.
    #[error("{0} has more than 15 significant digits and cannot be sent as a JSON number exactly")]
    NotRepresentable(Decimal),
}

impl DecimalAmount {
    /// Wraps a decimal amount in major units.
    pub const fn new(value: Decimal) -> Self {
        Self(value)
    }

    /// The amount as a decimal in major units.
    pub const fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// Builds an amount from integer minor units (`12345` paise with exponent 2 is `123.45`).
    pub fn from_minor(minor: i64, exponent: u32) -> Result<Self, AmountError> {
        Decimal::try_from_i128_with_scale(i128::from(minor), exponent)
            .map(Self)
            .map_err(|_| AmountError::Overflow(Decimal::from(minor)))
    }

    /// The amount in integer minor units of a currency with the given exponent.
    ///
    /// `0.29` with exponent 2 is `29`; `10.125` with exponent 2 is an error, never `1012` or
    /// `1013`.
    pub fn to_minor(&self, exponent: u32) -> Result<i64, AmountError> {
        let normalized = self.0.normalize();
        if normalized.scale() > exponent {
            return Err(AmountError::TooPrecise { amount: self.0, scale: normalized.scale(), exponent });
        }
        10_i128
            .checked_pow(exponent - normalized.scale())
            .and_then(|factor| normalized.mantissa().checked_mul(factor))
            .and_then(|minor| i64::try_from(minor).ok())
            .ok_or(AmountError::Overflow(self.0))
    }

    fn from_f64_exact(value: f64) -> Option<Self> {
        if !value.is_finite() {
            return None;
        }
        // Rust prints the shortest decimal that parses back to the same double, which is the
        // decimal the sender wrote whenever it had at most 15 significant digits.
        Decimal::from_str(&value.to_string())
            .or_else(|_| Decimal::from_scientific(&format!("{value:e}")))
            .ok()
            // A decimal has at most 28 decimal places: a smaller number (`1e-260`) would be
            // rounded (to 0); refuse it instead.
            .filter(|decimal| decimal.to_string().parse::<f64>() == Ok(value))
            .map(Self)
    }

    fn significant_digits(&self) -> u32 {
        let mantissa = self.0.normalize().mantissa().unsigned_abs();
        if mantissa == 0 { 1 } else { mantissa.ilog10() + 1 }
    }
}

impl From<Decimal> for DecimalAmount {
    fn from(value: Decimal) -> Self {
        Self(value)
    }
}

impl From<i64> for DecimalAmount {
    fn from(value: i64) -> Self {
        Self(Decimal::from(value))
    }
}

impl From<DecimalAmount> for Decimal {
    fn from(value: DecimalAmount) -> Self {
        value.0
    }
}

impl FromStr for DecimalAmount {
    type Err = AmountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        Decimal::from_str_exact(text)
            .or_else(|_| Decimal::from_scientific(text))
            .map(Self)
            .map_err(|_| AmountError::NotANumber(s.to_owned()))
    }
}

impl fmt::Display for DecimalAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for DecimalAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DecimalAmount({})", self.0)
    }
}

impl Serialize for DecimalAmount {
    /// Writes a JSON number; refuses an amount a double cannot carry exactly.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.significant_digits() > F64_EXACT_DIGITS {
            return Err(serde::ser::Error::custom(AmountError::NotRepresentable(self.0)));
        }
        let normalized = self.0.normalize();
        if normalized.scale() == 0
            && let Ok(whole) = i64::try_from(normalized.mantissa())
        {
            return serializer.serialize_i64(whole);
        }
        let value: f64 = normalized
            .to_string()
            .parse()
            .map_err(|_| serde::ser::Error::custom(AmountError::NotRepresentable(self.0)))?;
        serializer.serialize_f64(value)
    }
}

impl<'de> Deserialize<'de> for DecimalAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AmountVisitor)
    }
}

struct AmountVisitor;

impl Visitor<'_> for AmountVisitor {
    type Value = DecimalAmount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount as a JSON number or a numeric string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(DecimalAmount(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(DecimalAmount(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        DecimalAmount::from_f64_exact(v).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        v.parse().map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str) -> DecimalAmount {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn numbers_decode_to_the_decimal_that_was_sent() {
        assert_eq!(decode("0.29").to_string(), "0.29");
        assert_eq!(decode("0.57").to_minor(2), Ok(57));
        assert_eq!(decode("0.29").to_minor(2), Ok(29));
        assert_eq!(decode("10.12").to_minor(2), Ok(1012));
        assert_eq!(decode("12345678901.23").to_minor(2), Ok(1_234_567_890_123));
        assert_eq!(decode("100").to_minor(2), Ok(10_000));
        assert_eq!(decode("100.0").to_minor(0), Ok(100));
    }

    #[test]
    fn numeric_strings_decode_like_webhook_amounts() {
        assert_eq!(decode("\"200.12\"").to_minor(2), Ok(20_012));
        assert_eq!(decode("\"55.00\"").to_minor(2), Ok(5_500));
    }

    #[test]
    fn garbage_is_an_error_not_zero() {
        let err = serde_json::from_str::<DecimalAmount>("\"12,00\"").unwrap_err();
        assert!(err.to_string().contains("numeric string"), "{err}");
        assert!(serde_json::from_str::<DecimalAmount>("true").is_err());
    }

    #[test]
    fn too_many_decimals_is_an_error_never_a_rounded_value() {
        let err = decode("10.125").to_minor(2).unwrap_err();
        assert!(matches!(err, AmountError::TooPrecise { scale: 3, exponent: 2, .. }), "{err}");
        assert_eq!(
            decode("1.5").to_minor(0).unwrap_err().to_string(),
            "1.5 has 1 decimal places; the currency allows 0"
        );
    }

    #[test]
    fn minor_units_round_trip_for_every_exponent() {
        for exponent in [0, 2, 3] {
            for minor in [0_i64, 1, 29, 57, 99, 100, 12_345, 1_234_567_890_123, -250] {
                let amount = DecimalAmount::from_minor(minor, exponent).unwrap();
                assert_eq!(amount.to_minor(exponent), Ok(minor), "{minor} at exponent {exponent}");
                let wire = serde_json::to_string(&amount).unwrap();
                let back: DecimalAmount = serde_json::from_str(&wire).unwrap();
                assert_eq!(back.to_minor(exponent), Ok(minor), "{wire}");
            }
        }
    }

    #[test]
    fn serializes_as_json_numbers() {
        assert_eq!(serde_json::to_string(&decode("100")).unwrap(), "100");
        assert_eq!(serde_json::to_string(&decode("10.10")).unwrap(), "10.1");
        assert_eq!(serde_json::to_string(&decode("0.29")).unwrap(), "0.29");
    }

    #[test]
    fn refuses_to_send_what_a_double_would_round() {
        let huge: DecimalAmount = "1234567890123456.78".parse().unwrap();
        let err = serde_json::to_string(&huge).unwrap_err();
        assert!(err.to_string().contains("cannot be sent as a JSON number exactly"), "{err}");
    }

    #[test]
    fn minor_overflow_is_an_error() {
        let big: DecimalAmount = "99999999999999999999".parse().unwrap();
        assert!(matches!(big.to_minor(2), Err(AmountError::Overflow(_))));
    }
}
