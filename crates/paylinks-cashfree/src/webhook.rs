//! Cashfree's payment link webhook: verifying a delivery and reading its event.
//!
//! Cashfree POSTs a `PAYMENT_LINK_EVENT` to the link's `link_meta.notify_url` when the link is
//! paid in full (`link_status` `PAID`) or in part (`PARTIALLY_PAID`), cancelled (`CANCELLED`)
//! or expired (`EXPIRED`)
//! (<https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/webhooks>). No
//! link event is documented for a failed payment attempt.
//!
//! # The signature
//!
//! `x-webhook-signature` is the standard (padded) base64 of the HMAC-SHA256, keyed with the
//! merchant's **client secret** (the `x-client-secret` of the API), of the text of the
//! `x-webhook-timestamp` header (Unix milliseconds) followed directly by the raw body
//! (<https://www.cashfree.com/docs/api-reference/payments/latest/webhooks/signature-verification>;
//! the official SDKs' `PGVerifyWebhookSignature` computes the same: cashfree/cashfree-pg
//! `configuration.go`, cashfree/cashfree-pg-sdk-python `cashfree_pg/api_client.py`,
//! cashfree/cashfree-pg-sdk-nodejs `api.ts`). [`Verifier::verify`] checks, in this order:
//!
//! 1. the body: not empty, at most [`MAX_BODY_BYTES`](paylinks_core::webhook::MAX_BODY_BYTES);
//! 2. the headers `x-webhook-signature` (base64) and `x-webhook-timestamp` are there;
//! 3. the timestamp is within the tolerance of the verifier's clock, either way (default
//!    [`DEFAULT_TOLERANCE`], five minutes), so that a captured delivery cannot be replayed
//!    later (the SDKs do not check this);
//! 4. the signature, over the timestamp text and the body exactly as received, compared in
//!    constant time ([`SigningKey::verify`]);
//! 5. the body decodes into the generated [`PaymentLinkEvent`]: amounts as numbers or numeric
//!    strings (`"200.12"`, exactly), times with an offset or without one (India time,
//!    [`ProviderZone`](crate::ProviderZone)).
//!
//! # Dedupe
//!
//! Cashfree delivers at least once and retries a delivery its receiver did not answer with a
//! 2xx; the link event carries no event id, and no id header is documented for it
//! (`x-idempotency-key` is documented only on the PG payment webhooks of version 2025-01-01;
//! [`Event::idempotency_key`] keeps it when one is sent). So [`Event::id`] is derived from the
//! body, the same on every redelivery of an event: see [`event_id`].

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue};
use paylinks_core::webhook::{
    SigningKey, TimestampUnit, WebhookError, check_body, check_timestamp, decode_base64, header,
};

pub use paylinks_core::webhook::DEFAULT_TOLERANCE;

use crate::types::PaymentLinkEvent;

/// The provider's name in errors.
pub const PROVIDER: &str = "cashfree";
/// The signature header: base64 HMAC-SHA256 of the timestamp text followed by the raw body.
pub const SIGNATURE_HEADER: &str = "x-webhook-signature";
/// The timestamp header, Unix milliseconds, part of the signed text.
pub const TIMESTAMP_HEADER: &str = "x-webhook-timestamp";
/// The webhook version header (`2025-01-01`); not signed, not checked.
pub const VERSION_HEADER: &str = "x-webhook-version";
/// The idempotency header Cashfree documents on its PG payment webhooks of version
/// 2025-01-01 (not on link events); kept in [`Event::idempotency_key`] when sent.
pub const IDEMPOTENCY_HEADER: &str = "x-idempotency-key";
/// The `type` of every payment link event.
pub const PAYMENT_LINK_EVENT: &str = "PAYMENT_LINK_EVENT";
/// The `x-webhook-version` [`sign`] sends: the API version this crate follows.
pub const WEBHOOK_VERSION: &str = crate::DEFAULT_API_VERSION;

/// Verifies Cashfree webhook deliveries with the merchant's client secret.
///
/// ```
/// use paylinks_cashfree::webhook::{Verifier, sign};
///
/// let body = br#"{"type":"PAYMENT_LINK_EVENT","event_time":"2021-08-18T12:55:06+05:30","data":{"link_id":"order-1042","link_status":"PAID"}}"#;
/// let now = chrono::Utc::now();
/// let headers = sign("cf_sandbox_secret", now.timestamp_millis(), body);
/// let event = Verifier::new("cf_sandbox_secret").verify_at(&headers, body, now).unwrap();
/// assert_eq!(event.id, "PAYMENT_LINK_EVENT:order-1042:PAID:-:-");
/// assert!(Verifier::new("another secret").verify_at(&headers, body, now).is_err());
/// ```
#[derive(Clone)]
pub struct Verifier {
    key: SigningKey,
    tolerance: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("client_secret", &"***").field("tolerance", &self.tolerance).finish()
    }
}

impl Verifier {
    /// A verifier for deliveries signed with `client_secret` (the `x-client-secret` of the
    /// merchant's API credentials, as its UTF-8 bytes), with the default tolerance
    /// ([`DEFAULT_TOLERANCE`]).
    pub fn new(client_secret: &str) -> Verifier {
        Verifier { key: SigningKey::new(client_secret), tolerance: DEFAULT_TOLERANCE }
    }

    /// The same verifier with another replay window: a delivery whose `x-webhook-timestamp`
    /// is further than `tolerance` from the verifier's clock, either way, is refused.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Verifier {
        self.tolerance = tolerance;
        self
    }

    /// The replay window.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Verifies one delivery, its headers and its raw body exactly as received, against the
    /// system clock; see [`Verifier::verify_at`].
    ///
    /// # Errors
    /// As [`Verifier::verify_at`].
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        self.verify_at(headers, body, Utc::now())
    }

    /// Verifies one delivery against the clock `now` and reads its event.
    ///
    /// # Errors
    /// Each refusal is its own [`WebhookError`], naming `cashfree` and the header at fault,
    /// never the secret, the signature or the body: [`WebhookError::EmptyBody`],
    /// [`WebhookError::TooLarge`], [`WebhookError::MissingHeader`] (`x-webhook-signature`,
    /// `x-webhook-timestamp`), [`WebhookError::MalformedHeader`] (not base64, not a whole
    /// number of milliseconds), [`WebhookError::StaleTimestamp`] (outside the tolerance),
    /// [`WebhookError::SignatureMismatch`] (a changed or re-serialised body, or another
    /// secret), [`WebhookError::NotAnEvent`] (well signed, but not a payment link event of
    /// the documented shape; names the JSON path, never a value).
    pub fn verify_at(&self, headers: &HeaderMap, body: &[u8], now: DateTime<Utc>) -> Result<Event, WebhookError> {
        check_body(PROVIDER, body)?;
        let signature = header(PROVIDER, headers, SIGNATURE_HEADER)?;
        let timestamp = header(PROVIDER, headers, TIMESTAMP_HEADER)?;
        let signature = decode_base64(PROVIDER, SIGNATURE_HEADER, signature)?;
        let signed_at =
            check_timestamp(PROVIDER, TIMESTAMP_HEADER, timestamp, TimestampUnit::Milliseconds, now, self.tolerance)?;
        // The header's text exactly as sent is what Cashfree signed.
        if !self.key.verify(&[timestamp.as_bytes(), body], &signature) {
            return Err(WebhookError::SignatureMismatch { provider: PROVIDER });
        }
        let event = decode(body)?;
        let idempotency_key = headers.get(IDEMPOTENCY_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(Event { id: event_id(&event), event, signed_at, idempotency_key })
    }
}

/// A verified Cashfree webhook event.
///
/// Its `Debug` shows the id, the type and the link's id and status, not the customer's
/// details the body carries.
#[derive(Clone, PartialEq)]
pub struct Event {
    /// The dedupe key of the event, the same on every redelivery: see [`event_id`].
    pub id: String,
    /// The event as sent, typed.
    pub event: PaymentLinkEvent,
    /// When Cashfree signed this delivery (`x-webhook-timestamp`): a redelivery has a newer
    /// one.
    pub signed_at: DateTime<Utc>,
    /// The `x-idempotency-key` header, when the delivery has one (documented for the PG
    /// payment webhooks of version 2025-01-01 only; not used for [`Event::id`]).
    pub idempotency_key: Option<String>,
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = &self.event.data;
        f.debug_struct("Event")
            .field("id", &self.id)
            .field("type", &self.event.type_)
            .field("link_id", &data.link_id)
            .field("link_status", &data.link_status.as_ref().map(ToString::to_string))
            .field("signed_at", &self.signed_at)
            .finish_non_exhaustive()
    }
}

/// The dedupe key of a payment link event, derived from its body because Cashfree sends no
/// event id: `type:link_id:link_status:order_id:transaction_id`, each part as sent, `-` for
/// one the event lacks (`PAYMENT_LINK_EVENT:payment_ps11:PARTIALLY_PAID:CFPay_U1mgll3c0e9g_ehdcjjbtckf:1021206`).
///
/// A redelivery carries the same body, so the same key. Two different events of one link
/// differ in the status (paid, then expired) or in the order and transaction (two partial
/// payments). The time fields are left out on purpose: whether `event_time` stays the same
/// on a redelivery is not documented.
pub fn event_id(event: &PaymentLinkEvent) -> String {
    let data = &event.data;
    let order = data.order.as_ref();
    let part = |text: Option<String>| text.filter(|t| !t.is_empty()).unwrap_or_else(|| "-".to_owned());
    [
        part(Some(event.type_.clone())),
        part(data.link_id.clone()),
        part(data.link_status.as_ref().map(ToString::to_string)),
        part(order.and_then(|o| o.order_id.clone())),
        part(order.and_then(|o| o.transaction_id.as_ref()).map(ToString::to_string)),
    ]
    .join(":")
}

/// Decodes a verified body into the event; the error names the JSON path that does not fit,
/// never a value.
fn decode(body: &[u8]) -> Result<PaymentLinkEvent, WebhookError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.inner();
        let message = inner.to_string();
        let why = match inner.classify() {
            serde_json::error::Category::Data if message.starts_with("missing field") => {
                // `missing field `data`` names the field, no value.
                let field = message.split(" at line").next().unwrap_or(&message);
                if path == "." { field.to_owned() } else { format!("{field} in `{path}`") }
            }
            serde_json::error::Category::Data => format!("`{path}` is not of the documented type"),
            _ => paylinks_core::describe_json_error(inner),
        };
        WebhookError::NotAnEvent { provider: PROVIDER, why }
    })
}

/// The headers of a delivery of `body` signed at `timestamp_ms` (Unix milliseconds) with
/// `client_secret`, as Cashfree sends them: `x-webhook-signature`, `x-webhook-timestamp`,
/// `x-webhook-version` ([`WEBHOOK_VERSION`]) and `content-type: application/json`. For the
/// sandbox and tests.
pub fn sign(client_secret: &str, timestamp_ms: i64, body: &[u8]) -> HeaderMap {
    let timestamp = timestamp_ms.to_string();
    let signature = SigningKey::new(client_secret).sign_base64(&[timestamp.as_bytes(), body]);
    let mut headers = HeaderMap::new();
    // Base64 and digits are visible ASCII: always valid header values.
    let values = [
        (SIGNATURE_HEADER, HeaderValue::from_str(&signature)),
        (TIMESTAMP_HEADER, HeaderValue::from_str(&timestamp)),
        (VERSION_HEADER, HeaderValue::from_str(WEBHOOK_VERSION)),
        ("content-type", HeaderValue::from_str("application/json")),
    ];
    for (name, value) in values {
        if let Ok(value) = value {
            headers.insert(name, value);
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_paylinks_test_cashfree";
    const BODY: &[u8] = br#"{"type":"PAYMENT_LINK_EVENT","event_time":"2021-08-18T12:55:06+05:30","data":{"link_id":"l1","link_status":"PAID","link_amount":"200.12","order":{"order_id":"CFPay_x","order_amount":"22.00","transaction_id":1021206,"transaction_status":"SUCCESS"}}}"#;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_746_427_759_733).unwrap()
    }

    #[test]
    fn a_signed_delivery_verifies_and_decodes() {
        let headers = sign(SECRET, now().timestamp_millis(), BODY);
        let event = Verifier::new(SECRET).verify_at(&headers, BODY, now()).unwrap();
        assert_eq!(event.id, "PAYMENT_LINK_EVENT:l1:PAID:CFPay_x:1021206");
        assert_eq!(event.signed_at, now());
        assert_eq!(event.event.data.link_amount.unwrap().to_string(), "200.12");
        let shown = format!("{event:?}");
        assert!(shown.contains("CFPay_x") && !shown.contains("200.12"), "{shown}");
    }

    #[test]
    fn the_verifier_hides_its_secret() {
        let shown = format!("{:?}", Verifier::new(SECRET).with_tolerance(Duration::from_secs(60)));
        assert!(!shown.contains(SECRET) && shown.contains("***") && shown.contains("60s"), "{shown}");
    }

    #[test]
    fn a_body_that_is_not_an_event_names_the_path_not_the_value() {
        let body = br#"{"type":"PAYMENT_LINK_EVENT","event_time":"2021-08-18T12:55:06+05:30","data":{"link_amount":"lots of money"}}"#;
        let headers = sign(SECRET, now().timestamp_millis(), body);
        let err = Verifier::new(SECRET).verify_at(&headers, body, now()).unwrap_err();
        let WebhookError::NotAnEvent { why, .. } = &err else { panic!("{err:?}") };
        assert!(why.contains("data.link_amount") && !why.contains("lots"), "{why}");
        let body = br#"{"event_time":"2021-08-18T12:55:06+05:30","data":{}}"#;
        let headers = sign(SECRET, now().timestamp_millis(), body);
        let err = Verifier::new(SECRET).verify_at(&headers, body, now()).unwrap_err();
        assert!(err.to_string().contains("missing field `type`"), "{err}");
    }

    #[test]
    fn the_signature_covers_the_timestamp_text() {
        let mut headers = sign(SECRET, now().timestamp_millis(), BODY);
        // The same instant written differently is another signed text.
        headers.insert(TIMESTAMP_HEADER, HeaderValue::from_str(&format!("0{}", now().timestamp_millis())).unwrap());
        let err = Verifier::new(SECRET).verify_at(&headers, BODY, now()).unwrap_err();
        assert_eq!(err, WebhookError::SignatureMismatch { provider: PROVIDER });
    }
}
