//! Reading saved provider responses: a link body from create, fetch or cancel.

use crate::{Error, PaymentLink, Provider};

/// Decodes a provider's link body (from create, fetch or cancel) into a [`PaymentLink`].
///
/// A body that is not JSON, or not a link of that provider, is an [`Error::Decode`] that
/// names the provider and says what is wrong (the JSON path of a mismatch), never a panic; a
/// provider whose cargo feature is off is an [`Error::Config`].
pub fn decode_link(provider: Provider, body: &[u8]) -> Result<PaymentLink, Error> {
    crate::registry::registered(provider)?.decode(body)
}
