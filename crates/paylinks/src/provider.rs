//! Provider names as text, and references to links.
//!
//! The [`Provider`] enum itself is declared with the registered link APIs
//! (`providers/mod.rs`).

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::providers::Provider;

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider name that is none of [`Provider::ALL`]'s names (`cashfree`, `razorpay`,
/// `razorpay_invoice`, `pinelabs`, with `-` for `_`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider `{0}`: expected {names}", names = expected_names())]
pub struct UnknownProvider(pub String);

/// `cashfree, razorpay, razorpay-invoice or pinelabs`.
fn expected_names() -> String {
    let names: Vec<String> = Provider::ALL.iter().map(|p| p.as_str().replace('_', "-")).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl FromStr for Provider {
    type Err = UnknownProvider;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.into_iter().find(|p| p.names().contains(&name.as_str())).ok_or_else(|| UnknownProvider(s.to_owned()))
    }
}

/// A link's provider and id: all `get`, `cancel` and `resend_notification` need.
///
/// Parses from `provider:id` (`cashfree:order-1042`, any provider name), or from a bare id
/// whose prefix names its link API: `plink_…` (Razorpay), `inv_…` (Razorpay invoice),
/// `pl-…` (Pine Labs). Only the prefixes of the link APIs whose cargo features are on are
/// recognised; a bare id of another API is [`LinkRefError::UnknownProvider`]. Cashfree link
/// ids are chosen by the merchant, so they need the `cashfree:` prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct LinkRef {
    /// The provider.
    pub provider: Provider,
    /// The provider's id of the link (Cashfree: the merchant's `link_id`).
    pub id: String,
}

/// Text that is not a link reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefError {
    /// No provider prefix and no id prefix of an enabled link API that names one; the
    /// message's example names an enabled link API.
    #[error(
        "cannot tell the provider of link `{0}`: write it as provider:id (e.g. {example}:{0})",
        example = crate::registry::example()
    )]
    UnknownProvider(String),
    /// The provider before `:` is unknown.
    #[error(transparent)]
    Provider(#[from] UnknownProvider),
    /// Nothing after `provider:`.
    #[error("link reference `{0}` has no id")]
    Empty(String),
}

impl LinkRef {
    /// A reference from its parts.
    pub fn new(provider: Provider, id: impl Into<String>) -> Self {
        Self { provider, id: id.into() }
    }
}

impl FromStr for LinkRef {
    type Err = LinkRefError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if let Some((provider, id)) = text.split_once(':')
            && !provider.contains('/')
        {
            let provider: Provider = provider.parse()?;
            return if id.is_empty() { Err(LinkRefError::Empty(s.to_owned())) } else { Ok(Self::new(provider, id)) };
        }
        let provider = crate::registry::provider_of_id(text);
        provider.map(|p| Self::new(p, text)).ok_or_else(|| LinkRefError::UnknownProvider(text.to_owned()))
    }
}

impl fmt::Display for LinkRef {
    /// `provider:id`, which parses back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(feature = "razorpay", feature = "pinelabs"))]
    #[test]
    fn ids_name_their_provider() {
        assert_eq!("plink_ExjpAUN3gVHrPJ".parse(), Ok(LinkRef::new(Provider::Razorpay, "plink_ExjpAUN3gVHrPJ")));
        assert_eq!("inv_DAweOiQ7amIUVd".parse(), Ok(LinkRef::new(Provider::RazorpayInvoice, "inv_DAweOiQ7amIUVd")));
        assert_eq!(
            "pl-v1-250306082755-aa-uT0noy".parse(),
            Ok(LinkRef::new(Provider::Pinelabs, "pl-v1-250306082755-aa-uT0noy"))
        );
        assert_eq!("cashfree:my_link_id".parse(), Ok(LinkRef::new(Provider::Cashfree, "my_link_id")));
        assert_eq!("razorpay-invoice:inv_1".parse(), Ok(LinkRef::new(Provider::RazorpayInvoice, "inv_1")));
    }

    /// The hint names the first enabled link API: Cashfree when it is built.
    #[cfg(feature = "cashfree")]
    #[test]
    fn ambiguous_or_bad_references_say_why() {
        let err = "my_link_id".parse::<LinkRef>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot tell the provider of link `my_link_id`: write it as provider:id (e.g. cashfree:my_link_id)"
        );
        assert_eq!(
            "stripe:abc".parse::<LinkRef>().unwrap_err().to_string(),
            "unknown provider `stripe`: expected cashfree, razorpay, razorpay-invoice or pinelabs"
        );
        assert!(matches!("cashfree:".parse::<LinkRef>(), Err(LinkRefError::Empty(_))));
    }

    #[test]
    fn every_name_and_alias_parses_and_the_json_name_is_the_name() {
        for provider in Provider::ALL {
            for name in provider.names() {
                assert_eq!(name.parse(), Ok(provider), "{name}");
                assert_eq!(name.replace('_', "-").to_uppercase().parse(), Ok(provider), "{name}");
            }
            assert_eq!(provider.as_str().parse(), Ok(provider));
            assert_eq!(serde_json::to_value(provider).unwrap(), provider.as_str(), "serialised as its name");
        }
        assert_eq!("pine-labs".parse(), Ok(Provider::Pinelabs));
        assert_eq!("razorpay_invoices".parse(), Ok(Provider::RazorpayInvoice));
    }

    #[test]
    fn display_parses_back() {
        for link in [LinkRef::new(Provider::Cashfree, "a-1"), LinkRef::new(Provider::Pinelabs, "pl-v1-x")] {
            assert_eq!(link.to_string().parse::<LinkRef>(), Ok(link));
        }
    }
}
