//! The customer's return to the merchant: after a payment, the provider sends the customer's
//! browser back to the URL the link was created with ([`CreateLink::return_url`](crate::CreateLink::return_url)),
//! with parameters that say which link and payment it was, in the query string of a GET or in
//! the `application/x-www-form-urlencoded` body of a POST. [`Paylinks::verify_return`](crate::Paylinks::verify_return)
//! reads them as one [`Return`] and checks their signature where the provider signs them. Each
//! link API's module says what its provider sends (`LinkApi::verify_return`).

use serde::Serialize;

use crate::{LinkStatus, Provider, WebhookError};

/// What a provider's redirect back to the merchant says, the same for every provider.
///
/// `verified` is `true` only when the parameters carried a signature and it was checked
/// against the provider's API secret (Razorpay: the key secret). When it is `false`, the
/// provider signs nothing on this redirect: anyone can type such a URL, so fetch the link with
/// [`Paylinks::get`](crate::Paylinks::get) (or wait for its verified webhook) before trusting
/// that it was paid. Even a verified return says what happened when the browser left the
/// provider; the link's state and its webhook events stay the record to fulfil an order from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Return {
    /// The link API the redirect came from.
    pub provider: Provider,
    /// The link's id, as [`Paylinks::get`](crate::Paylinks::get) takes it, when the redirect names it.
    pub link_id: Option<String>,
    /// The merchant's reference of the link (Razorpay's `reference_id`, an invoice's
    /// `receipt`), when the redirect carries one and it is not empty.
    pub reference: Option<String>,
    /// The order behind the link, when the redirect names one (Pine Labs: the order id).
    pub order_id: Option<String>,
    /// The payment, when the redirect names one.
    pub payment_id: Option<String>,
    /// The status the redirect carries, exactly as sent (a link status or a payment status,
    /// as the provider's module documents).
    pub provider_status: Option<String>,
    /// `provider_status` mapped with [`STATUS_TABLE`](crate::STATUS_TABLE), when it is the
    /// link's status; `None` when the redirect carries no link status.
    pub status: Option<LinkStatus>,
    /// Whether a signature over the parameters was checked (see the type's docs).
    pub verified: bool,
}

/// Why a redirect back to the merchant was refused. `Display` names the provider and the
/// parameter, never a parameter's value, the secret or the signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReturnError {
    /// A parameter the provider always sends is missing.
    #[error("{provider} return: the {parameter} parameter is missing")]
    MissingParameter {
        /// The link API.
        provider: Provider,
        /// The parameter's name, as the provider documents it.
        parameter: &'static str,
    },
    /// A parameter is there but cannot be read (not hex, given twice...).
    #[error("{provider} return: the {parameter} parameter is malformed: {why}")]
    MalformedParameter {
        /// The link API.
        provider: Provider,
        /// The parameter's name.
        parameter: &'static str,
        /// What is wrong with it (never its value).
        why: String,
    },
    /// The signature does not match the parameters under the API secret: a parameter was
    /// changed on the way, or the secret is not the one the provider signed with.
    #[error(
        "{provider} return: the signature does not match the parameters (a changed parameter, or another API secret)"
    )]
    SignatureMismatch {
        /// The link API.
        provider: Provider,
    },
    /// The parameters are not a redirect of this provider.
    #[error("{provider} return: not a {provider} redirect: {why}")]
    Malformed {
        /// The link API.
        provider: Provider,
        /// What does not fit (never a value).
        why: String,
    },
}

impl ReturnError {
    /// The link API the redirect was verified as.
    pub fn provider(&self) -> Provider {
        match self {
            ReturnError::MissingParameter { provider, .. }
            | ReturnError::MalformedParameter { provider, .. }
            | ReturnError::SignatureMismatch { provider }
            | ReturnError::Malformed { provider, .. } => *provider,
        }
    }

    /// A provider crate's verdict on a redirect, whose verifiers share the webhook's error
    /// type with the parameter in place of the header.
    #[allow(dead_code, reason = "used by the link APIs with a signed redirect; unused when none is built")]
    pub(crate) fn from_verifier(provider: Provider, error: WebhookError) -> ReturnError {
        match error {
            WebhookError::MissingHeader { header, .. } => ReturnError::MissingParameter { provider, parameter: header },
            WebhookError::MalformedHeader { header, why, .. } => {
                ReturnError::MalformedParameter { provider, parameter: header, why: why.to_owned() }
            }
            WebhookError::SignatureMismatch { .. } => ReturnError::SignatureMismatch { provider },
            WebhookError::NotAnEvent { why, .. } => ReturnError::Malformed { provider, why },
            // Timestamps and body sizes belong to webhook deliveries; their words still say
            // what is wrong without a value.
            other => ReturnError::Malformed { provider, why: other.to_string() },
        }
    }
}

/// The parameters of a redirect, decoded: a query string (a leading `?` is skipped) or a
/// form body, in order, repeated names kept (a provider's verifier refuses those it signs).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Params(Vec<(String, String)>);

impl std::fmt::Debug for Params {
    /// The names only: values may be customer data or a signature.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|(name, _)| name)).finish()
    }
}

impl Params {
    /// Decodes `text` (`application/x-www-form-urlencoded`: `+` is a space, `%XX` a byte).
    pub(crate) fn parse(text: &str) -> Params {
        let text = text.strip_prefix('?').unwrap_or(text);
        Params(url::form_urlencoded::parse(text.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// Every pair, in order.
    #[allow(dead_code, reason = "used by the link APIs whose verifier reads pairs; unused when none is built")]
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The value of `name` when it is given exactly once; an error naming it when it is given
    /// more than once. `None` when it is absent.
    #[allow(
        dead_code,
        reason = "used by the link APIs that read their parameters themselves; unused when none is built"
    )]
    pub(crate) fn one(&self, provider: Provider, name: &'static str) -> Result<Option<&str>, ReturnError> {
        let mut values = self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(ReturnError::MalformedParameter {
                provider,
                parameter: name,
                why: "given more than once".to_owned(),
            });
        }
        Ok(first)
    }
}

/// `Some(text)` unless it is empty (a parameter sent empty means "none").
#[allow(dead_code, reason = "used by the link APIs whose redirect may carry empty values; unused when none is built")]
pub(crate) fn non_empty(text: String) -> Option<String> {
    if text.is_empty() { None } else { Some(text) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_or_a_form_body_is_decoded_and_its_debug_shows_names_only() {
        for text in ["?a=1&b=x+y&c=%2Fz&a=2", "a=1&b=x+y&c=%2Fz&a=2"] {
            let params = Params::parse(text);
            let pairs: Vec<(&str, &str)> = params.pairs().collect();
            assert_eq!(pairs, [("a", "1"), ("b", "x y"), ("c", "/z"), ("a", "2")]);
            assert_eq!(format!("{params:?}"), r#"["a", "b", "c", "a"]"#);
            let twice = params.one(Provider::Cashfree, "a").unwrap_err();
            assert_eq!(twice.to_string(), "cashfree return: the a parameter is malformed: given more than once");
            assert_eq!(params.one(Provider::Cashfree, "b").unwrap(), Some("x y"));
            assert_eq!(params.one(Provider::Cashfree, "d").unwrap(), None);
        }
    }

    #[test]
    fn a_verifiers_error_names_the_parameter() {
        let missing = ReturnError::from_verifier(
            Provider::Razorpay,
            WebhookError::MissingHeader { provider: "razorpay", header: "razorpay_signature" },
        );
        assert_eq!(missing.to_string(), "razorpay return: the razorpay_signature parameter is missing");
        assert_eq!(missing.provider(), Provider::Razorpay);
        let mismatch = ReturnError::from_verifier(
            Provider::RazorpayInvoice,
            WebhookError::SignatureMismatch { provider: "razorpay" },
        );
        assert_eq!(mismatch, ReturnError::SignatureMismatch { provider: Provider::RazorpayInvoice });
    }
}
