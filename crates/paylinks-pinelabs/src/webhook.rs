//! Verifying Pine Labs Online webhook deliveries and reading them as the generated
//! [`WebhookEvent`].
//!
//! Pine Labs signs in the [Standard Webhooks](https://www.standardwebhooks.com/) form
//! (<https://www.pinelabs.com/docs/online-payments/developer-tools/webhooks/signature-verification>):
//!
//! - `webhook-id`: the event's id, the same when the event is sent again (the dedupe key);
//! - `webhook-timestamp`: when the event was triggered, in Unix **seconds**;
//! - `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of
//!   `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the webhook secret shown in the
//!   dashboard. The key is the secret's own bytes: Pine Labs' worked example base64-encodes
//!   the secret `abc1234` and decodes it again before use, which the official WooCommerce and
//!   Magento plugins (plural-pinelabs/woocommerce-plugin `woocommerce-pinepg-gateway/index.php`,
//!   plural-pinelabs/magento-plugin `Pinelabs/PinePGGateway/Controller/Standard/Webhook.php`)
//!   do too.
//!
//! The header may carry several space-separated entries, as the Standard Webhooks form
//! allows (whether Pine Labs ever sends more than one is unconfirmed): a delivery is genuine
//! when any `v1,` entry matches. An entry without a version (bare base64, as the docs' header
//! description reads) is tried too; entries of another version are ignored.
//!
//! The HMAC is [`SigningKey`] (ring, compared in constant time); the body is verified exactly
//! as received, before it is parsed; a timestamp further than the tolerance (default
//! [`DEFAULT_TOLERANCE`], five minutes, either way) from the verifier's clock is refused.
//!
//! ```
//! use paylinks_pinelabs::webhook::{Verifier, sign};
//!
//! let body = br#"{"event_type":"ORDER_PROCESSED","data":{"order_id":"v1-240909084141-aa-O2oJwd"}}"#;
//! let now = chrono::Utc::now();
//! let headers = sign("my-dashboard-secret", "msg_1", now.timestamp(), body).unwrap();
//! let event = Verifier::new("my-dashboard-secret").verify_at(&headers, body, now).unwrap();
//! assert_eq!(event.id, "msg_1");
//! assert_eq!(event.event_type(), "ORDER_PROCESSED");
//! assert_eq!(event.event.data.order_id.as_deref(), Some("v1-240909084141-aa-O2oJwd"));
//! ```

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue};
use paylinks_core::webhook::{self as core, SigningKey, TimestampUnit};
pub use paylinks_core::webhook::{DEFAULT_TOLERANCE, WebhookError};

use crate::types::{EventType, WebhookEvent};

/// The provider's name in errors.
pub const PROVIDER: &str = "pinelabs";
/// The event's id, the same on every delivery of the event.
pub const ID_HEADER: &str = "webhook-id";
/// When the event was triggered, in Unix seconds.
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// `v1,<base64 HMAC-SHA256>`, possibly several separated by spaces.
pub const SIGNATURE_HEADER: &str = "webhook-signature";
/// The signature version Pine Labs writes before each signature.
const VERSION: &str = "v1";

/// Verifies deliveries signed with one webhook secret. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct Verifier {
    key: SigningKey,
    tolerance: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("webhook_secret", &"***").field("tolerance", &self.tolerance).finish()
    }
}

/// One verified delivery: the event's id (`webhook-id`), when it was signed
/// (`webhook-timestamp`) and the event. Its `Debug` shows the id, the time, the event type and
/// the order id, not the order (which holds customer details).
#[derive(Clone, PartialEq)]
pub struct Event {
    /// The `webhook-id` header: the same on every delivery of this event, so the key to act on
    /// it once.
    pub id: String,
    /// The `webhook-timestamp` header: when Pine Labs triggered the event (UTC, whole seconds).
    pub timestamp: DateTime<Utc>,
    /// The event, decoded into the generated type.
    pub event: WebhookEvent,
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("event_type", &self.event_type())
            .field("order_id", &self.event.data.order_id)
            .finish_non_exhaustive()
    }
}

impl Event {
    /// The event's name exactly as sent (`ORDER_PROCESSED`, or a name the spec does not list).
    pub fn event_type(&self) -> String {
        event_type_name(&self.event.event_type)
    }
}

/// The name of an event type exactly as sent.
pub fn event_type_name(event_type: &EventType) -> String {
    match event_type {
        EventType::KnownEventType(known) => known.to_string(),
        EventType::Unknown(name) => name.clone(),
    }
}

impl Verifier {
    /// A verifier for the webhook secret shown in the Pine Labs dashboard, used as the HMAC key
    /// as its UTF-8 bytes, with the default tolerance ([`DEFAULT_TOLERANCE`]).
    pub fn new(webhook_secret: &str) -> Verifier {
        Verifier { key: SigningKey::new(webhook_secret), tolerance: DEFAULT_TOLERANCE }
    }

    /// The same verifier with another replay window: a delivery whose `webhook-timestamp` is
    /// further than `tolerance` from the clock, either way, is refused.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Verifier {
        self.tolerance = tolerance;
        self
    }

    /// The replay window.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Verifies one delivery (its headers and the raw body exactly as received) against the
    /// system clock and decodes the event.
    ///
    /// # Errors
    /// See [`Verifier::verify_at`].
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        self.verify_at(headers, body, Utc::now())
    }

    /// Verifies one delivery against the clock `now` and decodes the event.
    ///
    /// # Errors
    /// In the order checked: [`WebhookError::EmptyBody`], [`WebhookError::TooLarge`] (more
    /// than [`core::MAX_BODY_BYTES`]); [`WebhookError::MissingHeader`] or
    /// [`WebhookError::MalformedHeader`] for `webhook-id`, `webhook-timestamp` (not whole
    /// seconds) or `webhook-signature` (no base64 `v1` signature in it);
    /// [`WebhookError::StaleTimestamp`] outside the tolerance;
    /// [`WebhookError::SignatureMismatch`] when no signature matches (a changed or
    /// re-serialised body, or another secret); [`WebhookError::NotAnEvent`] when the body is
    /// not an event of the documented shape (the JSON path at fault, never a value).
    pub fn verify_at(&self, headers: &HeaderMap, body: &[u8], now: DateTime<Utc>) -> Result<Event, WebhookError> {
        core::check_body(PROVIDER, body)?;
        let id = core::header(PROVIDER, headers, ID_HEADER)?;
        let timestamp = core::header(PROVIDER, headers, TIMESTAMP_HEADER)?;
        let signature = core::header(PROVIDER, headers, SIGNATURE_HEADER)?;
        if id.trim().is_empty() {
            return Err(WebhookError::MalformedHeader { provider: PROVIDER, header: ID_HEADER, why: "empty" });
        }
        let sent_at =
            core::check_timestamp(PROVIDER, TIMESTAMP_HEADER, timestamp, TimestampUnit::Seconds, now, self.tolerance)?;
        let candidates = signatures(signature)?;
        // The timestamp exactly as sent: it is what Pine Labs signed.
        let signed: [&[u8]; 5] = [id.as_bytes(), b".", timestamp.as_bytes(), b".", body];
        if !candidates.iter().any(|candidate| self.key.verify(&signed, candidate)) {
            return Err(WebhookError::SignatureMismatch { provider: PROVIDER });
        }
        Ok(Event { id: id.to_owned(), timestamp: sent_at, event: decode(body)? })
    }
}

/// The decoded signatures of a `webhook-signature` header: every `v1,<base64>` entry (and
/// every bare base64 entry) of its space-separated list.
fn signatures(header: &str) -> Result<Vec<Vec<u8>>, WebhookError> {
    let decoded: Vec<Vec<u8>> = header
        .split_ascii_whitespace()
        .filter_map(|entry| match entry.split_once(',') {
            Some((VERSION, signature)) => Some(signature),
            Some(_) => None,
            None => Some(entry),
        })
        .filter_map(|signature| core::decode_base64(PROVIDER, SIGNATURE_HEADER, signature).ok())
        .collect();
    if decoded.is_empty() {
        return Err(WebhookError::MalformedHeader {
            provider: PROVIDER,
            header: SIGNATURE_HEADER,
            why: "no base64 v1 signature in it",
        });
    }
    Ok(decoded)
}

/// Decodes a body (already verified) into the generated [`WebhookEvent`].
///
/// # Errors
/// [`WebhookError::NotAnEvent`] naming the JSON path that does not fit (or where the JSON
/// breaks), never a value.
pub fn decode(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let event: WebhookEvent = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let inner = error.inner();
        let why = if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            format!("not JSON: {}", paylinks_core::describe_json_error(inner))
        } else {
            let message = inner.to_string();
            // serde quotes the offending value (customer data, maybe): keep only what was
            // expected, or the name of a missing field.
            let what = if message.starts_with("missing field") {
                message.split(" at line").next().unwrap_or("a missing field").to_owned()
            } else {
                let expected = message.split_once("expected ").map_or("a different shape", |(_, e)| e);
                format!("expected {}", expected.split(" at line").next().unwrap_or(expected))
            };
            format!("at `{}`: {what}", error.path())
        };
        WebhookError::NotAnEvent { provider: PROVIDER, why }
    })?;
    deserializer.end().map_err(|e| WebhookError::NotAnEvent {
        provider: PROVIDER,
        why: format!("not JSON: {}", paylinks_core::describe_json_error(&e)),
    })?;
    Ok(event)
}

/// The signature headers of one delivery of `body` as Pine Labs sends them: `webhook-id`,
/// `webhook-timestamp` (`timestamp`, Unix seconds) and `webhook-signature` (`v1,<base64>`),
/// signed with `webhook_secret` as [`Verifier`] reads it. For the sandbox and tests.
///
/// # Errors
/// [`WebhookError::MalformedHeader`] for an `id` that cannot be a header value (control
/// characters).
pub fn sign(webhook_secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<HeaderMap, WebhookError> {
    let id_value = HeaderValue::from_str(id).map_err(|_| WebhookError::MalformedHeader {
        provider: PROVIDER,
        header: ID_HEADER,
        why: "not a valid header value",
    })?;
    let text = timestamp.to_string();
    let signature = SigningKey::new(webhook_secret).sign_base64(&[id.as_bytes(), b".", text.as_bytes(), b".", body]);
    let mut headers = HeaderMap::new();
    headers.insert(ID_HEADER, id_value);
    headers.insert(TIMESTAMP_HEADER, HeaderValue::from(timestamp));
    headers.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&format!("{VERSION},{signature}")).map_err(|_| WebhookError::MalformedHeader {
            provider: PROVIDER,
            header: SIGNATURE_HEADER,
            why: "not a valid header value",
        })?,
    );
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let verifier = Verifier::new("whsec_paylinks_test_secret");
        let shown = format!("{verifier:?}");
        assert!(!shown.contains("paylinks_test_secret"), "{shown}");
        assert!(shown.contains("***") && shown.contains("300s"), "{shown}");
    }

    #[test]
    fn an_event_shows_no_customer_details() {
        let body = br#"{"event_type":"ORDER_PROCESSED","data":{"order_id":"v1-1","purchase_details":{"customer":{"email_id":"asha.rao@example.com"}}}}"#;
        let event = Event { id: "msg_1".into(), timestamp: DateTime::UNIX_EPOCH, event: decode(body).unwrap() };
        let shown = format!("{event:?}");
        assert!(shown.contains("msg_1") && shown.contains("ORDER_PROCESSED") && shown.contains("v1-1"), "{shown}");
        assert!(!shown.contains("asha"), "{shown}");
    }

    #[test]
    fn signature_lists_keep_v1_and_bare_entries() {
        let good = "v1,Ns46HrH+Nfu9dZtBUVvSLyrOD5JH0SAGlNo3M5yobfQ=";
        assert_eq!(signatures(good).unwrap().len(), 1);
        assert_eq!(signatures(&format!("v1,!!! {good}  v2,AAAA")).unwrap().len(), 1);
        assert_eq!(signatures("Ns46HrH+Nfu9dZtBUVvSLyrOD5JH0SAGlNo3M5yobfQ=").unwrap().len(), 1);
        for bad in ["", "v2,Ns46HrH+Nfu9dZtBUVvSLyrOD5JH0SAGlNo3M5yobfQ=", "v1,not base64!"] {
            assert!(
                matches!(signatures(bad), Err(WebhookError::MalformedHeader { header: SIGNATURE_HEADER, .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn decode_names_the_path_never_the_value() {
        let wrong =
            br#"{"event_type":"ORDER_PROCESSED","data":{"order_amount":{"value":"secret-ish","currency":"INR"}}}"#;
        let WebhookError::NotAnEvent { why, .. } = decode(wrong).unwrap_err() else { panic!() };
        assert!(why.contains("data.order_amount.value"), "{why}");
        assert!(!why.contains("secret-ish"), "{why}");
        let WebhookError::NotAnEvent { why, .. } = decode(br#"{"data":{}}"#).unwrap_err() else { panic!() };
        assert!(why.contains("missing field `event_type`"), "{why}");
        let WebhookError::NotAnEvent { why, .. } = decode(b"{\"event_type\": ").unwrap_err() else { panic!() };
        assert!(why.starts_with("not JSON"), "{why}");
        let WebhookError::NotAnEvent { why, .. } = decode(br#"{"event_type":"X","data":{}} trailing"#).unwrap_err()
        else {
            panic!()
        };
        assert!(why.starts_with("not JSON"), "{why}");
    }
}
