//! Amounts as the payment page shows them: minor units of the link's currency written in
//! major units with the currency's ISO 4217 exponent (`iso_currency`), its symbol, and
//! thousands grouped.

use iso_currency::Currency;
use paylinks_core::DecimalAmount;

/// The ISO 4217 exponent of currency `code` (INR 2, JPY 0, KWD 3); `None` for a code
/// `iso_currency` does not know or one without a minor unit (`XXX`).
pub(crate) fn exponent(code: &str) -> Option<u32> {
    Currency::from_code(code)?.exponent().map(u32::from)
}

/// `minor` minor units of currency `code` as a customer reads them: `₹1,250.50` (12 50 50
/// paise; INR grouped the Indian way, `₹12,34,567.00`), `$1,250.50`, `¥1,250` (JPY has no
/// decimals), `د.ك 1,250.500` (KWD has three; a symbol longer than one character is
/// followed by a space), `XYZ 12.50` for a currency without a symbol of its own. A currency
/// the page cannot read is shown as its minor units, named so (`1250 minor units of ABC`),
/// never with a guessed exponent.
pub(crate) fn format(minor: i64, code: &str) -> String {
    let Some((currency, exponent)) = Currency::from_code(code).and_then(|c| Some((c, u32::from(c.exponent()?)))) else {
        return format!("{minor} minor units of {code}");
    };
    let Ok(amount) = DecimalAmount::from_minor(minor, exponent) else {
        return format!("{minor} minor units of {code}");
    };
    // `from_minor` keeps the exponent as the scale: 125050 paise is `1250.50`, 5 yen `5`.
    let text = amount.to_string();
    let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    let mut number = group(whole, currency == Currency::INR);
    if let Some(fraction) = fraction {
        number.push('.');
        number.push_str(fraction);
    }
    let symbol = currency.symbol().to_string();
    match symbol.chars().count() {
        // `iso_currency` answers the generic sign for a currency without a symbol of its own.
        _ if symbol == "¤" => format!("{sign}{code} {number}"),
        1 => format!("{sign}{symbol}{number}"),
        _ => format!("{sign}{symbol} {number}"),
    }
}

/// The digits of a whole number grouped by thousands (`1234567` is `1,234,567`), or the
/// Indian way (`12,34,567`: the last three digits, then pairs).
fn group(digits: &str, indian: bool) -> String {
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = digits;
    let mut size = 3;
    while rest.len() > size {
        let (head, tail) = rest.split_at(rest.len() - size);
        groups.push(tail);
        rest = head;
        if indian {
            size = 2;
        }
    }
    groups.push(rest);
    groups.reverse();
    groups.join(",")
}

/// An example amount in major units with `exponent` decimals, for hints and messages:
/// `250.50` (2), `250` (0), `250.500` (3).
pub(crate) fn example(exponent: u32) -> String {
    match exponent {
        0 => "250".to_owned(),
        places => format!("250.5{}", "0".repeat(places as usize - 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_the_currency_exponent_symbol_and_grouping() {
        assert_eq!(format(125_050, "INR"), "₹1,250.50");
        assert_eq!(format(123_456_700, "INR"), "₹12,34,567.00");
        assert_eq!(format(1_000_000_000_000, "INR"), "₹10,00,00,00,000.00");
        assert_eq!(format(5, "INR"), "₹0.05");
        assert_eq!(format(0, "INR"), "₹0.00");
        assert_eq!(format(-125_050, "INR"), "-₹1,250.50");
        assert_eq!(format(123_456_789, "USD"), "$1,234,567.89");
        assert_eq!(format(1_250, "JPY"), "¥1,250");
        assert_eq!(format(999, "JPY"), "¥999");
        assert_eq!(format(1_250_500, "KWD"), "د.ك 1,250.500");
        assert_eq!(format(100, "KWD"), "د.ك 0.100");
        assert_eq!(format(i64::MAX, "INR"), "₹92,23,37,20,36,85,47,758.07");
        assert_eq!(format(i64::MIN, "JPY"), "-¥9,223,372,036,854,775,808");
    }

    #[test]
    fn currencies_without_symbol_or_minor_unit() {
        // BOV (Bolivian Mvdol) has no symbol of its own; XDR (special drawing rights) no
        // minor unit.
        assert_eq!(format(125_000, "BOV"), "BOV 1,250.00");
        assert_eq!(format(-1, "CLF"), "-CLF 0.0001");
        assert_eq!(super::exponent("XDR"), None);
        assert_eq!(format(1250, "XDR"), "1250 minor units of XDR");
        assert_eq!(format(1250, "ABC"), "1250 minor units of ABC");
        assert_eq!(format(1250, "inr"), "1250 minor units of inr", "codes are upper case");
    }

    #[test]
    fn groups_digits() {
        assert_eq!(group("1", false), "1");
        assert_eq!(group("123", false), "123");
        assert_eq!(group("1234", false), "1,234");
        assert_eq!(group("123456", false), "123,456");
        assert_eq!(group("1234567", false), "1,234,567");
        assert_eq!(group("1234", true), "1,234");
        assert_eq!(group("12345", true), "12,345");
        assert_eq!(group("123456", true), "1,23,456");
        assert_eq!(group("1234567", true), "12,34,567");
    }

    #[test]
    fn exponents_and_examples() {
        assert_eq!(exponent("INR"), Some(2));
        assert_eq!(exponent("JPY"), Some(0));
        assert_eq!(exponent("KWD"), Some(3));
        assert_eq!(exponent("XXX"), None);
        assert_eq!(example(2), "250.50");
        assert_eq!(example(0), "250");
        assert_eq!(example(3), "250.500");
    }
}
