//! Shared building blocks of the paylinks provider SDKs.
//!
//! The provider crates (`paylinks-<provider>`) are generated from OpenAPI specs; this crate
//! holds the few hand-written pieces they share, and names no provider:
//!
//! - [`DecimalAmount`]: a major-unit amount (`100.12` rupees) decoded exactly, never
//!   through a rounding path, from a JSON number or a numeric string.
//! - [`Timestamp`]: an ISO 8601 instant that tolerates what providers really send (`+05:30`
//!   offsets, `Z`, missing seconds, any fraction, a space for the `T`) and keeps the offset
//!   it was sent with; text without an offset is read in the [`Zone`] each provider crate
//!   declares (the default, [`OffsetRequired`], refuses it).
//! - [`Secret`]: a credential whose `Debug` and `Display` never show it.
//! - [`client`]: the one client-builder shape of every provider crate
//!   (`Client::builder(credentials)...build()`), over the [`client::ProviderClient`] trait.
//! - [`http`]: environments, timeouts, the `reqwest` client and the request/response hooks
//!   every provider crate uses.
//! - [`trace`]: the HTTP span around every request (OpenTelemetry's HTTP-client names) and
//!   the attempt number retries hand down to it.
//! - [`ApiError`]: the error a provider call returns, with the HTTP status always kept and
//!   no raw response body in its `Display`; [`ErrorBody`] is what each provider tells it
//!   (its error schema, its request-id and retry headers).
//! - [`webhook`]: what verifying a webhook delivery shares: HMAC-SHA256 checked in constant
//!   time, the replay window, the body limit and [`webhook::WebhookError`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod amount;
pub mod client;
mod error;
mod hooks;
pub mod http;
mod secret;
mod timestamp;
pub mod trace;
pub mod webhook;

pub use amount::{AmountError, DecimalAmount};
pub use error::{ApiError, ErrorBody, describe_json_error};
pub use rust_decimal::Decimal;
pub use secret::Secret;
pub use timestamp::{OffsetRequired, Timestamp, TimestampError, Zone, parse_naive_in};

#[doc(hidden)]
pub mod __private {
    pub use progenitor_client;
    pub use reqwest;
}
