//! Typed client for the [Pine Labs Online](https://developer.pinelabsonline.com/reference/payment-link-create)
//! (Plural v2) payment-link API.
//!
//! The client and its types are generated from `specs/pinelabs.yaml` by progenitor (see
//! `cargo xtask generate`); this crate adds the hand-written part: credentials, hosts and the
//! client builder ([`config`]; the same shape in every paylinks provider crate), the
//! access-token cache ([`auth`]), what every request and response goes through ([`hooks`]),
//! the error type ([`Error`]), the verification of webhook deliveries ([`webhook`]) and of
//! the callback a customer's browser posts after a payment ([`redirect`]).
//!
//! ```no_run
//! use paylinks_pinelabs::{Client, Credentials, Environment, types};
//!
//! # async fn run() -> Result<(), paylinks_pinelabs::Error> {
//! let client = Client::from_credentials(Credentials::new("client-id", "client-secret"), Environment::Sandbox)
//!     .expect("valid settings");
//! // The bearer token is fetched, cached and refreshed by the client.
//! let link = client
//!     .get_payment_link()
//!     .payment_link_id("pl-v1-250306082755-aa-uT0noy")
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("{:?} {:?}", link.status, link.payment_link);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The generated types name this crate's `Timestamp` as `::paylinks_pinelabs::Timestamp` (the
// spec's `x-rust-type`), which resolves inside the crate too through this alias.
extern crate self as paylinks_pinelabs;

pub mod auth;
pub mod config;
mod error;
pub mod hooks;
pub mod redirect;
mod time;
pub mod webhook;

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, unused_mut, irrefutable_let_patterns, mismatched_lifetime_syntaxes, unreachable_patterns)]
mod generated;

// The same in every paylinks provider crate.
#[allow(deprecated)]
pub use config::UAT_URL;
pub use config::{ClientBuilder, Credentials, PRODUCTION_URL, SANDBOX_URL};
pub use error::Error;
pub use generated::*;
pub use paylinks_core::Secret;
pub use paylinks_core::http::{BuildError, Environment, Timeouts};

// Pine Labs' own.
pub use auth::{DEFAULT_REFRESH_MARGIN, TokenCache};
pub use time::{ProviderZone, Timestamp};
