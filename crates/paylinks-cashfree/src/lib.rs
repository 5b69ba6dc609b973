//! Typed client for the [Cashfree Payments](https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/create)
//! payment-link API (PG API version `2026-01-01`; bodies of 2022-09-01, 2023-08-01 and 2025-01-01
//! decode too, and [`ClientBuilder::api_version`] or a call's `x_api_version` pins an older one).
//!
//! The client and its types are generated from `specs/cashfree.yaml` by progenitor (see
//! `cargo xtask generate`); this crate adds the hand-written part: credentials, hosts and the
//! client builder ([`config`]; the same shape in every paylinks provider crate), what every
//! request and response goes through ([`hooks`]), and the error type ([`Error`]); and the
//! payment link webhook ([`webhook`]: verifying a delivery's signature and reading its
//! [`types::PaymentLinkEvent`]); and the redirect after a payment ([`redirect`]: the link's
//! `return_url`, unsigned).
//!
//! ```no_run
//! use paylinks_cashfree::{Client, Credentials, Environment, types};
//!
//! # async fn run() -> Result<(), paylinks_cashfree::Error> {
//! let client = Client::from_credentials(
//!     Credentials::new("TEST_CLIENT_ID", "TEST_CLIENT_SECRET"),
//!     Environment::Sandbox,
//! )
//! .expect("valid credentials");
//!
//! let link = client
//!     .create_link()
//!     .x_idempotency_key("order-1042-link")
//!     .body(
//!         types::CreateLinkRequest::builder()
//!             .link_id(Some("order-1042".parse().expect("a valid link id")))
//!             .link_amount("499.50".parse::<paylinks_cashfree::DecimalAmount>().expect("an amount"))
//!             .link_currency("INR")
//!             .link_purpose(Some("Order #1042".parse().expect("at most 500 characters")))
//!             .customer_details(types::LinkCustomerDetailsRequest::builder().customer_phone("9999999999")),
//!     )
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("{:?}", link.link_url);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The generated types name this crate's `Timestamp` as `::paylinks_cashfree::Timestamp` (the
// spec's `x-rust-type`), which resolves inside the crate too through this alias.
extern crate self as paylinks_cashfree;

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
pub use config::{ClientBuilder, Credentials, PRODUCTION_URL, SANDBOX_URL};
pub use error::Error;
pub use generated::*;
pub use paylinks_core::Secret;
pub use paylinks_core::http::{BuildError, Environment, Timeouts};

// Cashfree's own.
pub use config::DEFAULT_API_VERSION;
pub use paylinks_core::DecimalAmount;
pub use time::{ProviderZone, Timestamp};
