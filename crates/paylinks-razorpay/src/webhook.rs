//! Razorpay webhook deliveries, verified.
//!
//! **Webhooks.** Razorpay POSTs an event ([`types::WebhookEvent`]) to the URL set in the
//! Dashboard, with two headers
//! (<https://razorpay.com/docs/webhooks/validate-test/>, <https://razorpay.com/docs/webhooks/best-practices/>):
//!
//! - `X-Razorpay-Signature`: the lowercase hex HMAC-SHA256 of the **raw body**, keyed with the
//!   webhook secret set with the URL in the Dashboard (not the API key secret). The same
//!   computation as razorpay-python `razorpay/utility/utility.py` (`verify_webhook_signature`)
//!   and razorpay-node `lib/utils/razorpay-utils.js` (`validateWebhookSignature`).
//! - `x-razorpay-event-id`: the event's id, the same on every retry: the key to process an
//!   event exactly once.
//!
//! Razorpay signs no timestamp, so there is no replay window to check: a captured delivery
//! verifies again later, and only deduplicating on the event id stops a replay.
//! [`Verifier::verify_at`] takes the clock for the same shape as the other providers' verifiers
//! and ignores it. After a secret rotation, Razorpay retries older events signed with the old
//! secret (docs: "Watch Out!"); verify those with a second [`Verifier`].
//!
//! A delivery is checked in this order: the body's size (`paylinks_core::webhook::check_body`),
//! the signature header, the MAC over the exact bytes received
//! (`paylinks_core::webhook::SigningKey::verify`, constant time), the event-id header, then
//! the JSON is decoded into [`types::WebhookEvent`]. A decoding error names the JSON path
//! (`payload.payment.entity.amount`), never a value.
//!
//! **Callback redirect.** The redirect after a payment on a link with a `callback_url`
//! (signed with the API key secret) is [`crate::redirect`]'s; [`verify_callback`],
//! [`sign_callback`], [`Callback`] and [`CALLBACK_PARAMETERS`] are re-exported here.
//!
//! ```
//! use paylinks_razorpay::webhook::{Verifier, sign};
//!
//! let body = br#"{"entity":"event","event":"payment_link.expired","created_at":1748424975,"payload":{"payment_link":{"entity":{"id":"plink_QaIlOGFf8KZNF8"}}}}"#;
//! let headers = sign("whsec_paylinks_test", "evt_QaIlOGFf8KZNF8", body);
//! let event = Verifier::new("whsec_paylinks_test").verify(&headers, body).expect("a genuine delivery");
//! assert_eq!(event.id, "evt_QaIlOGFf8KZNF8");
//! assert_eq!(event.envelope.created_at, 1748424975);
//! ```

use std::fmt;

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue};
use paylinks_core::webhook::{SigningKey, WebhookError, check_body, decode_hex, header};

use crate::types;

/// The provider named in every [`WebhookError`].
pub const PROVIDER: &str = "razorpay";
/// The signature header (HTTP header names are case-insensitive; Razorpay's docs write
/// `X-Razorpay-Signature`).
pub const SIGNATURE_HEADER: &str = "x-razorpay-signature";
/// The event-id header.
pub const EVENT_ID_HEADER: &str = "x-razorpay-event-id";

/// Checks Razorpay webhook deliveries against one webhook secret. Its `Debug` hides the
/// secret.
#[derive(Clone)]
pub struct Verifier {
    key: SigningKey,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("webhook_secret", &"***").finish()
    }
}

/// A verified delivery: the event id and the decoded event.
#[derive(Debug, Clone)]
pub struct Event {
    /// `x-razorpay-event-id`: the same on every retry of the event; process an id once.
    pub id: String,
    /// The event as Razorpay sent it.
    pub envelope: types::WebhookEvent,
}

impl Verifier {
    /// A verifier for the webhook secret set in the Dashboard with the webhook URL (used as
    /// its UTF-8 bytes, as Razorpay's SDKs do).
    pub fn new(webhook_secret: &str) -> Verifier {
        Verifier { key: SigningKey::new(webhook_secret) }
    }

    /// Verifies one delivery: `headers` as received (names in any case) and `body`, the raw
    /// request body exactly as received (never a re-serialised JSON value).
    ///
    /// # Errors
    ///
    /// [`WebhookError::EmptyBody`] / [`WebhookError::TooLarge`] (more than
    /// [`paylinks_core::webhook::MAX_BODY_BYTES`]); [`WebhookError::MissingHeader`] /
    /// [`WebhookError::MalformedHeader`] for `x-razorpay-signature` (absent, not hex) or
    /// `x-razorpay-event-id` (absent, not text); [`WebhookError::SignatureMismatch`] when the
    /// body was changed or re-serialised or the secret is another; [`WebhookError::NotAnEvent`]
    /// (with the JSON path) when a genuine body is not a [`types::WebhookEvent`].
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        check_body(PROVIDER, body)?;
        let signature = decode_hex(PROVIDER, SIGNATURE_HEADER, header(PROVIDER, headers, SIGNATURE_HEADER)?)?;
        if !self.key.verify(&[body], &signature) {
            return Err(WebhookError::SignatureMismatch { provider: PROVIDER });
        }
        let id = header(PROVIDER, headers, EVENT_ID_HEADER)?.trim();
        if id.is_empty() {
            return Err(WebhookError::MalformedHeader { provider: PROVIDER, header: EVENT_ID_HEADER, why: "empty" });
        }
        let envelope = decode(body)?;
        Ok(Event { id: id.to_owned(), envelope })
    }

    /// [`verify`](Self::verify) at the instant `now`. Razorpay signs no timestamp, so `now` is
    /// not used and no tolerance applies: there is no replay window (deduplicate on
    /// [`Event::id`]). It exists so that every provider's verifier has the same shape.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    pub fn verify_at(&self, headers: &HeaderMap, body: &[u8], now: DateTime<Utc>) -> Result<Event, WebhookError> {
        let _ = now;
        self.verify(headers, body)
    }
}

/// Decodes a verified body into the event type; the error names the JSON path and the kind of
/// mismatch, never a value.
fn decode(body: &[u8]) -> Result<types::WebhookEvent, WebhookError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.inner();
        let message = inner.to_string();
        // serde's "missing field `name`" quotes a field name, never a value.
        let what = match message.strip_prefix("missing field `").and_then(|rest| rest.split_once('`')) {
            Some((field, _)) => format!("the field `{field}` is missing"),
            None => paylinks_core::describe_json_error(inner),
        };
        let why = if path == "." { what } else { format!("at `{path}`: {what}") };
        WebhookError::NotAnEvent { provider: PROVIDER, why }
    })
}

/// The headers of a delivery of `body` as Razorpay sends them: `X-Razorpay-Signature` (hex
/// HMAC-SHA256 of `body` under `webhook_secret`), `x-razorpay-event-id` and
/// `content-type: application/json`. For the sandbox and tests.
///
/// An `event_id` with control characters cannot be a header value; it is then left out, and
/// verifying the delivery fails with [`WebhookError::MissingHeader`].
pub fn sign(webhook_secret: &str, event_id: &str, body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let signature = SigningKey::new(webhook_secret).sign_hex(&[body]);
    if let Ok(value) = HeaderValue::from_str(&signature) {
        headers.insert(SIGNATURE_HEADER, value);
    }
    if let Ok(value) = HeaderValue::from_bytes(event_id.as_bytes()) {
        headers.insert(EVENT_ID_HEADER, value);
    }
    headers
}

// The callback redirect moved to [`crate::redirect`]; its names stay here for callers of
// `paylinks_razorpay::webhook::{verify_callback, ...}`.
pub use crate::redirect::{CALLBACK_PARAMETERS, Callback, sign_callback, verify_callback};
