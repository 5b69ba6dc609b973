//! Identifiers and URLs in each provider's format.

use chrono::{DateTime, Utc};

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn pick(alphabet: &[u8], len: usize) -> String {
    (0..len).map(|_| char::from(alphabet[fastrand::usize(..alphabet.len())])).collect()
}

/// `len` random letters (both cases) and digits.
pub(crate) fn alnum(len: usize) -> String {
    pick(ALNUM, len)
}

/// `len` random lower-case letters and digits.
pub(crate) fn lower_alnum(len: usize) -> String {
    pick(LOWER_ALNUM, len)
}

/// A Razorpay id: `prefix_` and 14 alphanumerics (`plink_ExjpAUN3gVHrPJ`).
pub(crate) fn razorpay(prefix: &str) -> String {
    format!("{prefix}_{}", alnum(14))
}

/// A Razorpay v2 short URL: `https://rzp.io/rzp/<random>`.
pub(crate) fn razorpay_short_url() -> String {
    format!("https://rzp.io/rzp/{}", alnum(8))
}

/// A legacy invoice short URL: `https://rzp.io/i/<random>`.
pub(crate) fn invoice_short_url() -> String {
    format!("https://rzp.io/i/{}", alnum(7))
}

/// A Cashfree link URL: `https://payments-test.cashfree.com/links/<random>`.
pub(crate) fn cashfree_link_url() -> String {
    format!("https://payments-test.cashfree.com/links/{}", lower_alnum(12))
}

/// A merchant link id generated when a Cashfree create request has none.
pub(crate) fn cashfree_link_id() -> String {
    format!("link_{}", alnum(16))
}

/// A Cashfree link order id, as in the webhook examples (`CFPay_U1mgll3c0e9g_ehdcjjbtckf`).
pub(crate) fn cashfree_order_id() -> String {
    format!("CFPay_{}_{}", alnum(12), lower_alnum(11))
}

/// A Cashfree payment session id.
pub(crate) fn cashfree_session_id() -> String {
    format!("session_{}", alnum(64))
}

/// A Pine Labs id: `<prefix>-<yymmddHHMMSS>-aa-<6 random>`, e.g. `pl-v1-250306082755-aa-uT0noy`.
pub(crate) fn pinelabs(prefix: &str, at: DateTime<Utc>) -> String {
    format!("{prefix}-{}-aa-{}", crate::clock::pinelabs_id_stamp(at), alnum(6))
}

/// A Pine Labs short link: `https://shortener.v2.pinepg.in/PLUTUS/<random>`.
pub(crate) fn pinelabs_short_url() -> String {
    format!("https://shortener.v2.pinepg.in/PLUTUS/{}", lower_alnum(7))
}

/// A random lower-case hex string (request ids).
pub(crate) fn hex(len: usize) -> String {
    pick(b"0123456789abcdef", len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let id = razorpay("plink");
        assert_eq!(id.len(), "plink_".len() + 14);
        assert!(id[6..].chars().all(|c| c.is_ascii_alphanumeric()));
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2025, 3, 6, 8, 27, 55).unwrap();
        let id = pinelabs("pl-v1", at);
        assert!(id.starts_with("pl-v1-250306082755-aa-"), "{id}");
        assert_eq!(id.len(), "pl-v1-250306082755-aa-".len() + 6);
    }
}
