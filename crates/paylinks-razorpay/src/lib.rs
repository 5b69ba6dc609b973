//! Typed client for the [Razorpay](https://razorpay.com/docs/api/payments/payment-links/)
//! payment-link APIs: Payment Links v2 (`/v1/payment_links`) and the legacy invoice-based
//! links (`/v1/invoices` with `type: link`).
//!
//! The client and its types are generated from `specs/razorpay.yaml` by progenitor (see
//! `cargo xtask generate`); this crate adds the hand-written part: credentials, the host and
//! the client builder ([`config`]; the same shape in every paylinks provider crate), what
//! every request and response goes through ([`hooks`]), the error type ([`Error`]) and
//! helpers for Razorpay's conventions ([`unix_time`]), and the verification of webhook
//! deliveries ([`webhook`]) and of callback redirects ([`redirect`]).
//!
//! Razorpay has one host for test and live mode; the key decides (`rzp_test_…`,
//! `rzp_live_…`), so [`Environment::Sandbox`] and [`Environment::Production`] reach the same
//! host.
//!
//! ```no_run
//! use paylinks_razorpay::{Client, Credentials, Environment, types};
//!
//! # async fn run() -> Result<(), paylinks_razorpay::Error> {
//! let client = Client::from_credentials(Credentials::new("rzp_test_1DP5mmOlF5G5ag", "key_secret"), Environment::Sandbox)
//!     .expect("valid credentials");
//! let link = client.fetch_payment_link().id("plink_ExjpAUN3gVHrPJ").send().await?.into_inner();
//! println!("{:?} {:?}", link.status, link.short_url);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

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
pub use config::BASE_URL;
pub use config::{ClientBuilder, Credentials, PRODUCTION_URL, SANDBOX_URL};
pub use error::Error;
pub use generated::*;
pub use paylinks_core::Secret;
pub use paylinks_core::http::{BuildError, Environment, Timeouts};

// Razorpay's own.
pub use time::unix_time;
