//! What verifying a provider's webhook delivery shares across providers: the errors, the
//! replay window, reading the signature headers and the HMAC-SHA256 itself.
//!
//! Each provider crate's `webhook` module says *what* is signed (Razorpay: the raw body;
//! Cashfree: the timestamp header followed by the raw body; Pine Labs: `id.timestamp.body`)
//! and how the signature is written (hex or base64); this module does the rest, the same way
//! for all of them:
//!
//! - the MAC is [`ring::hmac`] (already compiled for rustls), and a signature is checked with
//!   [`ring::hmac::verify`], which compares in constant time; nothing here compares MACs by
//!   hand;
//! - the body is verified exactly as received, before it is parsed, and refused unread when
//!   it is longer than [`MAX_BODY_BYTES`] (no provider's event comes near it);
//! - a delivery whose signed timestamp is further than the tolerance (default
//!   [`DEFAULT_TOLERANCE`], five minutes, in either direction) from the verifier's clock is
//!   refused, so a captured delivery cannot be replayed later.
//!
//! No error carries the secret, the signature or the body: they name the provider, the
//! header or the field, and say what is wrong.

use std::fmt;
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use http::HeaderMap;

/// The default replay window: a delivery signed more than five minutes before (or after) the
/// verifier's clock is refused. Cashfree's and Pine Labs' signatures cover a timestamp;
/// Razorpay's do not, so the window does not apply to it.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The longest webhook body a verifier reads: 256 KiB. The providers' documented events are
/// a few kilobytes; a longer body is refused with [`WebhookError::TooLarge`] before any MAC is
/// computed over it.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Why a webhook delivery was refused. Every variant names the provider (`razorpay`) and,
/// where one is at fault, the header or field; none carries the secret, the signature or
/// the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header the provider always sends is missing.
    #[error("{provider} webhook: the {header} header is missing")]
    MissingHeader {
        /// The provider.
        provider: &'static str,
        /// The header's name, as the provider documents it.
        header: &'static str,
    },
    /// A header is there but cannot be read: not text, not a number, not hex or base64.
    #[error("{provider} webhook: the {header} header is malformed: {why}")]
    MalformedHeader {
        /// The provider.
        provider: &'static str,
        /// The header's name.
        header: &'static str,
        /// What is wrong with it (never its value).
        why: &'static str,
    },
    /// The signature does not match the body under this secret: the body was changed (or
    /// re-serialised) on the way, or the secret is not the one the provider signs with.
    #[error(
        "{provider} webhook: the signature does not match the body (a changed or re-serialised body, or the wrong secret)"
    )]
    SignatureMismatch {
        /// The provider.
        provider: &'static str,
    },
    /// The signed timestamp is outside the tolerance window: a replayed (or delayed)
    /// delivery, or a clock far off.
    #[error("{provider} webhook: the {header} header is {}, outside the {tolerance_secs} s replay window", describe_age(*.age_secs))]
    StaleTimestamp {
        /// The provider.
        provider: &'static str,
        /// The timestamp header.
        header: &'static str,
        /// How far the timestamp is from the verifier's clock, in seconds (negative: in the
        /// future).
        age_secs: i64,
        /// The tolerance, in seconds.
        tolerance_secs: u64,
    },
    /// The body is empty.
    #[error("{provider} webhook: the body is empty")]
    EmptyBody {
        /// The provider.
        provider: &'static str,
    },
    /// The body is longer than the verifier reads ([`MAX_BODY_BYTES`]).
    #[error("{provider} webhook: the body is {length} bytes, more than the {limit} bytes a webhook event can be")]
    TooLarge {
        /// The provider.
        provider: &'static str,
        /// The body's length in bytes.
        length: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The signature is good but the body is not an event of the provider's documented shape
    /// (`why` names the field or the JSON path, never a value).
    #[error("{provider} webhook: the body is not a {provider} webhook event: {why}")]
    NotAnEvent {
        /// The provider.
        provider: &'static str,
        /// What does not fit.
        why: String,
    },
}

impl WebhookError {
    /// The provider the delivery claimed to come from.
    pub fn provider(&self) -> &'static str {
        match self {
            WebhookError::MissingHeader { provider, .. }
            | WebhookError::MalformedHeader { provider, .. }
            | WebhookError::SignatureMismatch { provider }
            | WebhookError::StaleTimestamp { provider, .. }
            | WebhookError::EmptyBody { provider }
            | WebhookError::TooLarge { provider, .. }
            | WebhookError::NotAnEvent { provider, .. } => provider,
        }
    }
}

/// How far a refused timestamp is from the verifier's clock, in words: `600 s old`,
/// `600 s in the future`; beyond ten years the timestamp is more likely in the wrong unit
/// (seconds for milliseconds or the reverse) than stale, and the words say so.
fn describe_age(age_secs: i64) -> String {
    const TEN_YEARS: i64 = 10 * 365 * 24 * 3600;
    let when = if age_secs >= 0 { format!("{age_secs} s old") } else { format!("{} s in the future", -age_secs) };
    if age_secs.abs() > TEN_YEARS { format!("{when} (is it in the wrong unit?)") } else { when }
}

/// An HMAC-SHA256 key: the webhook secret (or the API secret a provider signs with). Its
/// `Debug` never shows the key.
#[derive(Clone)]
pub struct SigningKey(ring::hmac::Key);

impl SigningKey {
    /// The key of a secret given as text (the dashboard's webhook secret, the client secret),
    /// used as its UTF-8 bytes, which is how every provider documents it.
    pub fn new(secret: &str) -> SigningKey {
        SigningKey::from_bytes(secret.as_bytes())
    }

    /// The key of raw secret bytes.
    pub fn from_bytes(secret: &[u8]) -> SigningKey {
        SigningKey(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret))
    }

    /// HMAC-SHA256 of the concatenation of `parts`, for signing (the sandbox, tests).
    pub fn sign(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut context = ring::hmac::Context::with_key(&self.0);
        for part in parts {
            context.update(part);
        }
        let tag = context.sign();
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        out
    }

    /// The signature as lowercase hex (Razorpay's form).
    pub fn sign_hex(&self, parts: &[&[u8]]) -> String {
        hex::encode(self.sign(parts))
    }

    /// The signature as standard base64 with padding (Cashfree's and Pine Labs' form).
    pub fn sign_base64(&self, parts: &[&[u8]]) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.sign(parts))
    }

    /// Whether `signature` is the HMAC-SHA256 of the concatenation of `parts`, compared in
    /// constant time ([`ring::hmac::verify`]).
    pub fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        let message: Vec<u8> = parts.concat();
        ring::hmac::verify(&self.0, &message, signature).is_ok()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

/// A signature header decoded from hex (`X-Razorpay-Signature`).
pub fn decode_hex(provider: &'static str, header: &'static str, value: &str) -> Result<Vec<u8>, WebhookError> {
    hex::decode(value.trim()).map_err(|_| WebhookError::MalformedHeader {
        provider,
        header,
        why: "not a hexadecimal signature",
    })
}

/// A signature decoded from standard base64 (`x-webhook-signature`, `webhook-signature`).
pub fn decode_base64(provider: &'static str, header: &'static str, value: &str) -> Result<Vec<u8>, WebhookError> {
    base64::engine::general_purpose::STANDARD.decode(value.trim()).map_err(|_| WebhookError::MalformedHeader {
        provider,
        header,
        why: "not a base64 signature",
    })
}

/// A header's value as text: [`WebhookError::MissingHeader`] when absent,
/// [`WebhookError::MalformedHeader`] when not visible ASCII. Names are case-insensitive.
pub fn header<'a>(provider: &'static str, headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, WebhookError> {
    let value = headers.get(name).ok_or(WebhookError::MissingHeader { provider, header: name })?;
    value.to_str().map_err(|_| WebhookError::MalformedHeader { provider, header: name, why: "not ASCII text" })
}

/// The body checks every provider makes before the MAC: not empty, not longer than
/// [`MAX_BODY_BYTES`].
pub fn check_body(provider: &'static str, body: &[u8]) -> Result<(), WebhookError> {
    if body.is_empty() {
        return Err(WebhookError::EmptyBody { provider });
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(WebhookError::TooLarge { provider, length: body.len(), limit: MAX_BODY_BYTES });
    }
    Ok(())
}

/// The unit of a signed timestamp header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampUnit {
    /// Unix seconds (Pine Labs' `webhook-timestamp`).
    Seconds,
    /// Unix milliseconds (Cashfree's `x-webhook-timestamp`).
    Milliseconds,
}

/// Reads the signed timestamp header `header` in `unit` and checks it is within `tolerance`
/// of `now`, either way. Answers the instant.
pub fn check_timestamp(
    provider: &'static str,
    header: &'static str,
    value: &str,
    unit: TimestampUnit,
    now: DateTime<Utc>,
    tolerance: Duration,
) -> Result<DateTime<Utc>, WebhookError> {
    let number: i64 = value.trim().parse().map_err(|_| WebhookError::MalformedHeader {
        provider,
        header,
        why: "not a whole number",
    })?;
    let sent = match unit {
        TimestampUnit::Seconds => DateTime::from_timestamp(number, 0),
        TimestampUnit::Milliseconds => DateTime::from_timestamp_millis(number),
    }
    .ok_or(WebhookError::MalformedHeader { provider, header, why: "not a representable time" })?;
    let age = now.signed_duration_since(sent);
    let tolerance_secs = tolerance.as_secs();
    let within = age.abs().to_std().is_ok_and(|age| age <= tolerance);
    if !within {
        return Err(WebhookError::StaleTimestamp { provider, header, age_secs: age.num_seconds(), tolerance_secs });
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    const RFC4231_2: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    #[test]
    fn hmac_matches_rfc_4231() {
        let key = SigningKey::new("Jefe");
        assert_eq!(key.sign_hex(&[b"what do ya ", b"want for nothing?"]), RFC4231_2);
        let signature = hex::decode(RFC4231_2).unwrap();
        assert!(key.verify(&[b"what do ya want for nothing?"], &signature));
        assert!(!key.verify(&[b"what do ya want for nothing!"], &signature));
        assert!(!SigningKey::new("jefe").verify(&[b"what do ya want for nothing?"], &signature));
        assert!(!key.verify(&[b"what do ya want for nothing?"], &signature[..31]));
        assert_eq!(format!("{key:?}"), "SigningKey(***)");
    }

    #[test]
    fn timestamps_outside_the_window_are_stale() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let tolerance = DEFAULT_TOLERANCE;
        let check = |value: &str, unit| check_timestamp("acme", "t", value, unit, now, tolerance);
        assert!(check("1700000000", TimestampUnit::Seconds).is_ok());
        assert!(check("1699999700", TimestampUnit::Seconds).is_ok());
        assert!(check("1700000300000", TimestampUnit::Milliseconds).is_ok());
        assert_eq!(
            check("1699999699", TimestampUnit::Seconds),
            Err(WebhookError::StaleTimestamp { provider: "acme", header: "t", age_secs: 301, tolerance_secs: 300 })
        );
        assert!(matches!(
            check("1700000301000", TimestampUnit::Milliseconds),
            Err(WebhookError::StaleTimestamp { age_secs: -301, .. })
        ));
        let stale = check("1699999400", TimestampUnit::Seconds).unwrap_err().to_string();
        assert_eq!(stale, "acme webhook: the t header is 600 s old, outside the 300 s replay window");
        let early = check("1700000600", TimestampUnit::Seconds).unwrap_err().to_string();
        assert_eq!(early, "acme webhook: the t header is 600 s in the future, outside the 300 s replay window");
        // Seconds where milliseconds are expected: 1.7e9 ms is January 1970.
        let unit = check("1700000000", TimestampUnit::Milliseconds).unwrap_err().to_string();
        assert!(unit.ends_with("s old (is it in the wrong unit?), outside the 300 s replay window"), "{unit}");
        assert!(matches!(check("soon", TimestampUnit::Seconds), Err(WebhookError::MalformedHeader { .. })));
        assert!(matches!(
            check("99999999999999999", TimestampUnit::Seconds),
            Err(WebhookError::MalformedHeader { .. })
        ));
    }

    #[test]
    fn bodies_are_checked_before_the_mac() {
        assert_eq!(check_body("acme", b""), Err(WebhookError::EmptyBody { provider: "acme" }));
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert!(matches!(check_body("acme", &big), Err(WebhookError::TooLarge { .. })));
        assert!(check_body("acme", b"{}").is_ok());
    }

    #[test]
    fn headers_are_read_case_insensitively_and_named_when_missing() {
        let mut headers = HeaderMap::new();
        headers.insert("X-Razorpay-Signature", "abc".parse().unwrap());
        assert_eq!(header("acme", &headers, "x-razorpay-signature"), Ok("abc"));
        assert_eq!(
            header("acme", &headers, "x-razorpay-event-id"),
            Err(WebhookError::MissingHeader { provider: "acme", header: "x-razorpay-event-id" })
        );
        assert!(matches!(decode_hex("acme", "s", "zz"), Err(WebhookError::MalformedHeader { .. })));
        assert!(matches!(decode_base64("acme", "s", "!!"), Err(WebhookError::MalformedHeader { .. })));
    }
}
