//! The payment page's forms: which button was pressed (`action`) and the amount typed for a
//! part payment (`amount`, major units of the link's currency), read into what the
//! providers' `pay` and `expire` take. Every refusal is a sentence the page shows.

use std::str::FromStr;

use paylinks_core::{AmountError, DecimalAmount};

use super::money;

/// A button of the page, by the form's hidden `action` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// `pay`: everything still due.
    Pay,
    /// `pay_part`: the amount typed.
    PayPart,
    /// `fail`: a failed payment attempt (no money moves).
    Fail,
    /// `expire`: the developer's button, the link expires now.
    Expire,
}

impl Action {
    /// Every action with its form value.
    const ALL: [(&'static str, Action); 4] =
        [("pay", Action::Pay), ("pay_part", Action::PayPart), ("fail", Action::Fail), ("expire", Action::Expire)];

    /// The form value of this action (`pay_part`).
    pub(crate) fn value(self) -> &'static str {
        Action::ALL.iter().find(|(_, action)| *action == self).map_or("", |(value, _)| value)
    }

    /// The action a form's `action` field names.
    pub(crate) fn parse(value: Option<&str>) -> Result<Action, String> {
        let known = || Action::ALL.iter().map(|(value, _)| *value).collect::<Vec<_>>().join(", ");
        match value.map(str::trim) {
            None | Some("") => Err(format!("the form names no action: use one of {}", known())),
            Some(value) => Action::ALL
                .iter()
                .find(|(name, _)| *name == value)
                .map(|(_, action)| *action)
                .ok_or_else(|| format!("unknown action `{}`: use one of {}", shorten(value), known())),
        }
    }
}

/// The fields of a page form (`application/x-www-form-urlencoded`); the first of a repeated
/// field counts, unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PageForm {
    /// The `action` field.
    pub(crate) action: Option<String>,
    /// The `amount` field, as typed.
    pub(crate) amount: Option<String>,
}

impl PageForm {
    /// Reads a form body (invalid percent-encoding and non-UTF-8 bytes are replaced, never
    /// refused: the action and amount checks refuse what they cannot read).
    pub(crate) fn parse(body: &[u8]) -> PageForm {
        let mut form = PageForm::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            let slot = match name.as_ref() {
                "action" => &mut form.action,
                "amount" => &mut form.amount,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.into_owned());
            }
        }
        form
    }
}

/// The amount typed for a part payment, `text` in major units of `currency` (`250.50` for
/// INR), as minor units (`25050`) with the currency's ISO 4217 exponent, exactly (never
/// rounded). Refused: missing, not a plain decimal number (`abc`, `1e3`, `1,250`), zero,
/// negative, more decimals than the currency has ("amount can have at most 2 decimal places
/// for INR"), too large, or a currency without a minor unit.
pub(crate) fn amount(text: Option<&str>, currency: &str) -> Result<i64, String> {
    let exponent = money::exponent(currency)
        .ok_or_else(|| format!("the link's currency `{}` has no ISO 4217 minor unit", shorten(currency)))?;
    let text = text.map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err(format!("amount is required: enter the amount in {currency}, e.g. {}", money::example(exponent)));
    }
    let not_a_number =
        || format!("amount `{}` is not a number: write it like {}", shorten(text), money::example(exponent));
    let plain = text.bytes().any(|b| b.is_ascii_digit())
        && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'));
    if !plain {
        return Err(not_a_number());
    }
    let parsed = DecimalAmount::from_str(text).map_err(|_| not_a_number())?;
    let decimal = parsed.as_decimal();
    if decimal.is_zero() {
        return Err("amount must be more than zero".to_owned());
    }
    if decimal.is_sign_negative() {
        return Err("amount cannot be negative".to_owned());
    }
    parsed.to_minor(exponent).map_err(|error| match error {
        AmountError::TooPrecise { .. } if exponent == 0 => format!("amount can have no decimal places for {currency}"),
        AmountError::TooPrecise { .. } => format!("amount can have at most {exponent} decimal places for {currency}"),
        _ => format!("amount `{}` is too large", shorten(text)),
    })
}

/// `text` cut to 24 characters (with `…`), for quoting what was typed in a message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(24) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_become_minor_units_with_the_currency_exponent() {
        assert_eq!(amount(Some("250.50"), "INR"), Ok(25_050));
        assert_eq!(amount(Some(" 250.5 "), "INR"), Ok(25_050));
        assert_eq!(amount(Some("250"), "INR"), Ok(25_000));
        assert_eq!(amount(Some("0.01"), "INR"), Ok(1));
        assert_eq!(amount(Some(".5"), "INR"), Ok(50));
        assert_eq!(amount(Some("+3"), "INR"), Ok(300));
        assert_eq!(amount(Some("250.500"), "INR"), Ok(25_050), "trailing zeros are not decimals");
        assert_eq!(amount(Some("1250"), "JPY"), Ok(1250));
        assert_eq!(amount(Some("1250.0"), "JPY"), Ok(1250));
        assert_eq!(amount(Some("1.25"), "KWD"), Ok(1250));
        assert_eq!(amount(Some("0.001"), "KWD"), Ok(1));
        assert_eq!(amount(Some("0.29"), "USD"), Ok(29), "exact, never 28");
    }

    #[test]
    fn bad_amounts_are_refused_with_a_clear_message() {
        let cases = [
            (None, "INR", "amount is required: enter the amount in INR, e.g. 250.50"),
            (Some(""), "INR", "amount is required: enter the amount in INR, e.g. 250.50"),
            (Some("   "), "JPY", "amount is required: enter the amount in JPY, e.g. 250"),
            (Some("abc"), "INR", "amount `abc` is not a number: write it like 250.50"),
            (Some("1e3"), "INR", "amount `1e3` is not a number: write it like 250.50"),
            (Some("1,250"), "INR", "amount `1,250` is not a number: write it like 250.50"),
            (Some("₹250"), "INR", "amount `₹250` is not a number: write it like 250.50"),
            (Some("1.2.3"), "INR", "amount `1.2.3` is not a number: write it like 250.50"),
            (Some("--5"), "INR", "amount `--5` is not a number: write it like 250.50"),
            (Some("."), "INR", "amount `.` is not a number: write it like 250.50"),
            (Some("NaN"), "INR", "amount `NaN` is not a number: write it like 250.50"),
            (Some("0"), "INR", "amount must be more than zero"),
            (Some("0.00"), "INR", "amount must be more than zero"),
            (Some("-0"), "INR", "amount must be more than zero"),
            (Some("-5"), "INR", "amount cannot be negative"),
            (Some("-0.01"), "INR", "amount cannot be negative"),
            (Some("10.125"), "INR", "amount can have at most 2 decimal places for INR"),
            (Some("10.1"), "JPY", "amount can have no decimal places for JPY"),
            (Some("1.0001"), "KWD", "amount can have at most 3 decimal places for KWD"),
            (Some("99999999999999999999"), "INR", "amount `99999999999999999999` is too large"),
            (Some("250"), "XXX", "the link's currency `XXX` has no ISO 4217 minor unit"),
        ];
        for (text, currency, message) in cases {
            assert_eq!(amount(text, currency), Err(message.to_owned()), "{text:?} {currency}");
        }
    }

    #[test]
    fn long_input_is_quoted_short() {
        let long = "9".repeat(30) + "x";
        assert_eq!(
            amount(Some(&long), "INR"),
            Err(format!("amount `{}…` is not a number: write it like 250.50", "9".repeat(24)))
        );
        assert_eq!(shorten("ééé"), "ééé");
    }

    #[test]
    fn actions() {
        assert_eq!(Action::parse(Some("pay")), Ok(Action::Pay));
        assert_eq!(Action::parse(Some("pay_part")), Ok(Action::PayPart));
        assert_eq!(Action::parse(Some(" fail ")), Ok(Action::Fail));
        assert_eq!(Action::parse(Some("expire")), Ok(Action::Expire));
        assert_eq!(
            Action::parse(Some("refund")),
            Err("unknown action `refund`: use one of pay, pay_part, fail, expire".to_owned())
        );
        assert_eq!(
            Action::parse(None),
            Err("the form names no action: use one of pay, pay_part, fail, expire".to_owned())
        );
        assert_eq!(Action::parse(Some("")), Action::parse(None));
        for (value, action) in Action::ALL {
            assert_eq!(action.value(), value);
        }
    }

    #[test]
    fn forms_are_read_first_value_first() {
        let form = PageForm::parse(b"action=pay_part&amount=250.50&amount=1&other=x");
        assert_eq!(form, PageForm { action: Some("pay_part".into()), amount: Some("250.50".into()) });
        assert_eq!(PageForm::parse(b""), PageForm::default());
        let encoded = PageForm::parse(b"amount=%E2%82%B9+250&action=%FF");
        assert_eq!(encoded.amount.as_deref(), Some("₹ 250"));
        assert_eq!(encoded.action.as_deref(), Some("\u{fffd}"));
    }
}
