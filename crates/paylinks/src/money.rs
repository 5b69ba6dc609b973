//! Money: integer minor units and an ISO 4217 currency.

use std::fmt;
use std::str::FromStr;

use paylinks_core::{AmountError, DecimalAmount};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 4217 currency with a minor unit (INR, JPY, KWD...).
///
/// Exponents come from the `iso_currency` crate's ISO 4217 table: INR 2, JPY 0, KWD 3.
/// Currencies without a minor unit (XAU, XDR...) are refused: a payment link needs one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(iso_currency::Currency);

/// A currency code that is not an ISO 4217 currency with a minor unit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 4217 currency code with a minor unit")]
pub struct UnknownCurrency(pub String);

impl Currency {
    /// Indian rupee.
    pub const INR: Currency = Currency(iso_currency::Currency::INR);

    /// The three-letter code.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// Decimal places of the minor unit (INR 2, JPY 0, KWD 3).
    pub fn exponent(&self) -> u32 {
        // `from_code` refuses currencies without an exponent.
        self.0.exponent().map_or(0, u32::from)
    }
}

impl FromStr for Currency {
    type Err = UnknownCurrency;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        iso_currency::Currency::from_code(&s.trim().to_ascii_uppercase())
            .filter(|c| c.exponent().is_some())
            .map(Self)
            .ok_or_else(|| UnknownCurrency(s.to_owned()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Currency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Currency".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Z]{3}$",
            "description": "ISO 4217 currency code, e.g. INR."
        })
    }
}

/// An amount of money in integer minor units (paise for INR), with its currency.
///
/// Serialises as `{"minor": 10012, "currency": "INR"}`. Conversions to and from a provider's
/// major-unit numbers are exact or fail; they never round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Money {
    /// The amount in minor units (`10012` is ₹100.12).
    pub minor: i64,
    /// The currency.
    pub currency: Currency,
}

/// Why an amount cannot be turned into [`Money`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The currency is unknown.
    #[error(transparent)]
    Currency(#[from] UnknownCurrency),
    /// The amount has more decimals than the currency allows, or overflows.
    #[error("{0}")]
    Amount(#[from] AmountError),
}

impl Money {
    /// Money from minor units.
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Money in INR from paise.
    pub const fn inr(paise: i64) -> Self {
        Self { minor: paise, currency: Currency::INR }
    }

    /// Parses a major-unit amount like `"499.50"` in a currency: exact, or an error when it
    /// has more decimals than the currency allows (`"1.005"` INR is an error, never ₹1.00 or ₹1.01).
    pub fn parse_major(amount: &str, currency: Currency) -> Result<Self, MoneyError> {
        let decimal: DecimalAmount = amount.parse()?;
        Self::from_major(decimal, currency)
    }

    /// Money from a major-unit amount (Cashfree's wire form).
    pub fn from_major(amount: DecimalAmount, currency: Currency) -> Result<Self, MoneyError> {
        Ok(Self { minor: amount.to_minor(currency.exponent())?, currency })
    }

    /// The amount in major units (Cashfree's wire form).
    pub fn to_major(&self) -> DecimalAmount {
        // Every i64 fits in a decimal at exponents up to 3.
        DecimalAmount::from_minor(self.minor, self.currency.exponent()).unwrap_or_default()
    }
}

impl fmt::Display for Money {
    /// `499.50 INR`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let major = self.to_major().as_decimal();
        let mut text = major.to_string();
        let exponent = self.currency.exponent() as usize;
        if exponent > 0 {
            let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
            if decimals == 0 {
                text.push('.');
            }
            text.extend(std::iter::repeat_n('0', exponent.saturating_sub(decimals)));
        }
        write!(f, "{text} {}", self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str) -> Currency {
        code.parse().unwrap()
    }

    #[test]
    fn exponents_come_from_iso_4217() {
        assert_eq!(currency("INR").exponent(), 2);
        assert_eq!(currency("jpy").exponent(), 0);
        assert_eq!(currency("KWD").exponent(), 3);
        assert!("XAU".parse::<Currency>().is_err(), "no minor unit");
        assert!("RUPEES".parse::<Currency>().is_err());
    }

    #[test]
    fn major_amounts_convert_exactly_or_fail() {
        assert_eq!(Money::parse_major("0.29", Currency::INR).unwrap().minor, 29);
        assert_eq!(Money::parse_major("0.57", Currency::INR).unwrap().minor, 57);
        assert_eq!(Money::parse_major("12345678901.23", Currency::INR).unwrap().minor, 1_234_567_890_123);
        assert_eq!(Money::parse_major("1500", currency("JPY")).unwrap().minor, 1500);
        assert_eq!(Money::parse_major("1.234", currency("KWD")).unwrap().minor, 1234);
        let err = Money::parse_major("1.005", Currency::INR).unwrap_err();
        assert_eq!(err.to_string(), "1.005 has 3 decimal places; the currency allows 2");
        assert!(Money::parse_major("1.5", currency("JPY")).is_err());
    }

    #[test]
    fn display_shows_every_decimal_of_the_currency() {
        assert_eq!(Money::inr(49950).to_string(), "499.50 INR");
        assert_eq!(Money::inr(10000).to_string(), "100.00 INR");
        assert_eq!(Money::new(1500, currency("JPY")).to_string(), "1500 JPY");
        assert_eq!(Money::new(1230, currency("KWD")).to_string(), "1.230 KWD");
    }

    #[test]
    fn serialises_as_minor_and_code() {
        let json = serde_json::to_value(Money::inr(10012)).unwrap();
        assert_eq!(json, serde_json::json!({"minor": 10012, "currency": "INR"}));
    }
}
