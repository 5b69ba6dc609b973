//! Reading saved provider responses: a link body from create, fetch or cancel, or a list.

use crate::{Error, PaymentLink, Provider};

/// What a saved body of a link API holds ([`decode_body`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant, reason = "made once per decoded body; unboxed links are simpler to match")]
pub enum Decoded {
    /// One link (a create, fetch or cancel response).
    Link(PaymentLink),
    /// A list response (Razorpay `{"count", "payment_links": [...]}`, invoice
    /// `{"entity": "collection", "items": [...]}`), its links in the provider's order.
    Links(Vec<PaymentLink>),
}

/// Decodes a provider's link body (from create, fetch or cancel) into a [`PaymentLink`].
///
/// # Errors
/// - [`Error::ErrorBody`] when the body is the provider's error answer (Cashfree
///   `{"message", "code", "type"}`, Razorpay `{"error": {"code", "description"}}`, Pine
///   Labs `{"code", "message"}`), with its code and message;
/// - [`Error::Decode`] when the body is not JSON, not a link of that provider (the JSON path of
///   a mismatch), a link with impossible amounts (an amount not above zero, an amount paid
///   below zero or above the amount; the error names the wire field), a list of links
///   (decode it with [`decode_body`]) or a webhook event (verifying and decoding events is not
///   supported yet);
/// - [`Error::Config`] when the provider's cargo feature is off.
///
/// Never a panic.
pub fn decode_link(provider: Provider, body: &[u8]) -> Result<PaymentLink, Error> {
    match decode_body(provider, body)? {
        Decoded::Link(link) => Ok(link),
        Decoded::Links(links) => Err(Error::Decode {
            provider,
            operation: "decode",
            message: format!(
                "the body is a list of {} links, not one link; paylinks::decode_body (or `paylinks decode`) reads lists",
                links.len()
            ),
        }),
    }
}

/// Decodes any saved body of a provider's link API: one link, or a list response into its
/// links (each held to the same rules as [`decode_link`]'s).
///
/// # Errors
/// As [`decode_link`], except that a list is [`Decoded::Links`].
pub fn decode_body(provider: Provider, body: &[u8]) -> Result<Decoded, Error> {
    crate::registry::registered(provider)?.decode(body)
}
