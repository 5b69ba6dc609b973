//! Checks of a [`CreateLink`](crate::CreateLink) that several link APIs share, and the
//! references paylinks generates for the APIs that require one.

use crate::{Error, Provider};

/// Checks the fields every provider shares: a positive amount, a partial minimum that makes
/// sense.
pub(crate) fn check_common(provider: Provider, link: &crate::CreateLink) -> Result<(), Error> {
    if link.amount.minor <= 0 {
        return Err(Error::invalid(provider, "amount", "must be greater than zero"));
    }
    if let Some(minimum) = link.minimum_partial_amount {
        if !link.partial_payments {
            return Err(Error::invalid(provider, "minimum_partial_amount", "is set but partial payments are off"));
        }
        if minimum.currency != link.amount.currency {
            return Err(Error::invalid(provider, "minimum_partial_amount", "must be in the link's currency"));
        }
        if minimum.minor <= 0 || minimum.minor > link.amount.minor {
            return Err(Error::invalid(provider, "minimum_partial_amount", "must be positive and at most the amount"));
        }
    }
    Ok(())
}

/// A random id of `len` ASCII letters and digits, for references the provider requires.
#[allow(dead_code, reason = "only the link APIs that require a reference use it; unused when none of them is built")]
pub(crate) fn random_id(prefix: &str, len: usize) -> String {
    let mut id = String::with_capacity(prefix.len() + len);
    id.push_str(prefix);
    id.extend(std::iter::repeat_with(fastrand::alphanumeric).take(len));
    id
}

/// Checks a merchant reference: at most `max` characters of `A-Z a-z 0-9 - _`.
#[allow(dead_code, reason = "only the link APIs with such references use it; unused when none of them is built")]
pub(crate) fn check_reference(provider: Provider, reference: &str, max: usize) -> Result<(), Error> {
    let valid = !reference.is_empty()
        && reference.len() <= max
        && reference.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(provider, "reference", format!("must be 1 to {max} characters of A-Z, a-z, 0-9, - and _")))
    }
}
