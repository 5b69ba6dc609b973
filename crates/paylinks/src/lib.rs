//! One client for the payment links of Cashfree, Razorpay (payment links and the legacy
//! invoice-based links) and Pine Labs Online.
//!
//! A thin facade over the generated provider crates: [`Paylinks`] creates, fetches, cancels,
//! lists and resends links on any enabled provider and returns one normalised
//! [`PaymentLink`] (amounts as [`Money`] in exact minor units, times as UTC instants, one
//! [`LinkStatus`] with the provider's own status kept beside it), while
//! [`PaymentLink::raw`] keeps the provider's full typed response. Every failure is one
//! [`Error`] to match on. [`Webhooks`] verifies the providers' webhook deliveries and reads
//! them as one [`LinkEvent`] (see the README's "Receiving webhooks");
//! [`Paylinks::verify_return`] reads the redirect that brings the customer back to the
//! merchant after a payment as one [`Return`], its signature checked where the provider signs
//! it.
//!
//! Each provider is a cargo feature (`cashfree`, `razorpay`, `pinelabs`; all on by default);
//! every [`Provider`] variant exists whatever the features, and an operation on one whose
//! feature is off is an [`Error::Config`].
//!
//! # Status mapping
//!
//! See [`STATUS_TABLE`] for every provider status and the [`LinkStatus`] it maps to;
//! anything else is [`LinkStatus::Unknown`] with the raw value in `provider_status`.
//!
//! # Error mapping
//!
//! By HTTP status first (Razorpay answers `BAD_REQUEST_ERROR` for almost every 4xx), then by
//! the provider's code or message:
//!
//! | provider answer | error |
//! |---|---|
//! | 401 / 403 (any provider); Razorpay 400 "The api key provided is invalid"; Pine Labs token `USER_AUTHENTICATION_FAILED` | [`Error::Unauthorized`] |
//! | 404 (any); Razorpay 400 "The id provided does not exist" / "invalid input \[id\]"; Pine Labs `NOT_FOUND` | [`Error::NotFound`] |
//! | a refused cancel or resend while the link is not in a state that allows it (Razorpay "cannot cancel or expire an already paid/partially paid link", invoice "Operation not allowed for Invoice in … status", Cashfree non-`ACTIVE`, Pine Labs non-`CREATED`) | [`Error::InvalidState`] with the link's status, read back from the provider |
//! | 429 with `Retry-After` / Cashfree `x-ratelimit-retry` | [`Error::RateLimited`] |
//! | Razorpay 400 on create (`field` or `field: message`), Cashfree 409 duplicate `link_id` or 422 reused idempotency key on create (field `reference`, or `idempotency_key` when one was given), Pine Labs `INVALID_REQUEST`; a rule checked before sending | [`Error::InvalidRequest`] naming the field |
//! | anything else (5xx, other 4xx) | [`Error::Provider`] with status, code and message |
//! | connection, timeout, broken body | [`Error::Transport`] |
//! | a body that does not decode or has no amount, an amount with more decimals than its currency, an amount not above zero, an amount paid below zero or above the amount | [`Error::Decode`] naming the field |
//! | a saved body given to [`decode_link`] / [`decode_body`] that is the provider's error answer | [`Error::ErrorBody`] with its code and message |
//! | a webhook delivery [`Webhooks::verify`] refuses: a missing or malformed header, a signature that does not match, a timestamp outside the replay window, an empty or oversized body, a body that is not an event | [`Error::Webhook`] with the [`WebhookError`] that says which |
//! | a redirect back to the merchant [`Paylinks::verify_return`] refuses: a missing or malformed parameter, a signature that does not match | [`Error::Return`] with the [`ReturnError`] that says which |
//!
//! A Pine Labs 401 on a link call means the cached access token is no longer honoured: the
//! facade fetches a fresh token and tries the call once more before reporting
//! [`Error::Unauthorized`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod client;
mod config;
mod decode;
mod error;
mod event;
mod json;
mod link;
mod money;
mod provider;
mod providers;
mod registry;
mod request;
mod retry;
mod returns;
mod status;
mod webhooks;

pub use client::{Paylinks, validate};
pub use config::{PaylinksBuilder, ProviderConfig};
pub use decode::{Decoded, decode_body, decode_link};
pub use error::{Error, Result};
pub use event::{EventKind, LinkEvent, Payment, PaymentStatus, link_event_schema};
pub use link::{Customer, PaymentLink, payment_link_schema};
pub use money::{Currency, Money, MoneyError, UnknownCurrency};
pub use paylinks_core::http::{Environment, Timeouts};
pub use paylinks_core::webhook::WebhookError;
pub use provider::{LinkRef, LinkRefError, Provider, UnknownProvider};
pub use providers::ProviderLink;
pub use request::{CreateLink, ListFilter, NotifyMedium};
pub use retry::RetryPolicy;
pub use returns::{Return, ReturnError};
pub use status::{LinkStatus, STATUS_TABLE, map_status};
pub use webhooks::Webhooks;

/// The generated crate of each enabled provider: `paylinks::cashfree`, `paylinks::razorpay`,
/// `paylinks::pinelabs`.
pub use providers::generated_crates::*;

/// A plain `reqwest` client with the TLS set-up and default timeouts of the provider clients
/// (paylinks builds reqwest without a process-wide crypto provider; `reqwest::Client::new()`
/// in the same program needs one of its own TLS features).
///
/// # Errors
/// [`Error::Config`] when the client cannot be built (no usable TLS roots).
pub fn plain_http_client() -> Result<reqwest::Client, Error> {
    paylinks_core::http::plain_client(Timeouts::default()).map_err(|e| Error::Config { message: e.to_string() })
}

/// The README's examples, compiled as doctests so that they stay true.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
