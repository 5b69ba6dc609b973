//! The registered link APIs, and what the facade assembles from them: the status table, the
//! environment settings, the id prefixes of [`LinkRef`](crate::LinkRef), decoding and
//! validation by provider, connecting a [`Paylinks`](crate::Paylinks).
//!
//! The list itself is one [`link_apis!`] invocation in `providers/mod.rs`; it is the only
//! place that checks cargo features.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use paylinks_core::Secret;
use paylinks_core::client::ClientConfig;
use paylinks_core::http::{BuildError, Timeouts};

use paylinks_core::webhook::WebhookError;

use crate::api::{Body, Connected, ConnectedApi, Delivery, LinkApi, Settings};
use crate::{CreateLink, Decoded, Error, Provider, ProviderConfig};

/// Declares the link APIs, one entry each, and from that list: the public [`Provider`](crate::Provider) enum with its names
/// (every variant, whatever the features), the public
/// [`ProviderLink`](crate::ProviderLink) enum of typed responses, the re-exports of the
/// generated crates, `STATUS_ROWS`, the registered status rows (for
/// [`STATUS_TABLE`](crate::STATUS_TABLE)), and `LINK_APIS`, the registered implementations.
///
/// An entry: the variant's doc, `Variant("name" | "alias"...) [of Owner] if "feature" =>
/// module::Api(raw response type)` (`of Owner` for a second link API of a provider already
/// listed: the variant of the provider's first API), optionally `, pub use generated_crate as name` to
/// re-export the generated crate at the root.
macro_rules! link_apis {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident($name:literal $(| $alias:literal)*) $(of $owner:ident)? if $feature:literal
            => $module:ident::$api:ident($raw:ty) $(, pub use $krate:ident as $reexport:ident)?;
    )*) => {
        /// A link API of a payment-link provider: what every operation, status row and
        /// [`LinkRef`](crate::LinkRef) names. Most providers have one; Razorpay has two,
        /// payment links ([`Provider::Razorpay`]) and the legacy invoice-based links
        /// ([`Provider::RazorpayInvoice`]), on one set of credentials.
        /// [`Provider::owner`] names the provider a link API belongs to.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        // The committed JSON Schema (`payment_link.schema.json`) keeps its description, without
        // rustdoc links.
        #[schemars(description = "A payment-link provider.")]
        pub enum Provider {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $name)]
                $variant,
            )*
        }

        impl Provider {
            /// Every provider, in a fixed order.
            pub const ALL: [Provider; [$($name),*].len()] = [$(Provider::$variant),*];

            /// The provider's name as it appears in JSON, errors and the CLI (`razorpay_invoice`).
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// The provider this link API belongs to, whose credentials it uses: the first
            /// link API of that provider (`RazorpayInvoice.owner() == Razorpay`); itself for
            /// every other.
            pub const fn owner(self) -> Provider {
                match self {
                    $(Self::$variant => {
                        let owners = [Self::$variant $(, Self::$owner)?];
                        owners[owners.len() - 1]
                    })*
                }
            }

            /// The names [`FromStr`](std::str::FromStr) accepts, `_` for `-`, the name first.
            pub(crate) fn names(&self) -> &'static [&'static str] {
                match self {
                    $(Self::$variant => &[$name $(, $alias)*],)*
                }
            }
        }

        /// The provider's typed response a [`PaymentLink`](crate::PaymentLink) was read from,
        /// for fields the facade does not unify.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum ProviderLink {
            $(
                #[cfg(feature = $feature)]
                #[doc = concat!("The `", $name, "` link as the provider sent it (`", stringify!($raw), "`).")]
                $variant(Box<$raw>),
            )*
        }

        /// The generated crates of the enabled providers, re-exported at the crate root.
        pub mod generated_crates {
            $($(
                #[cfg(feature = $feature)]
                pub use $krate as $reexport;
            )?)*
        }

        /// The status rows of every registered link API, in [`Provider::ALL`] order, as
        /// [`STATUS_TABLE`](crate::STATUS_TABLE) has them: concatenated at compile time.
        pub(crate) const STATUS_ROWS: &[(Provider, &str, $crate::LinkStatus)] = {
            const SOURCES: &[(Provider, &[(&str, $crate::LinkStatus)])] = &[
                $(
                    #[cfg(feature = $feature)]
                    (Provider::$variant, <$module::$api as $crate::api::LinkApi>::STATUS_ROWS),
                )*
            ];
            const COUNT: usize = {
                let (mut count, mut i) = (0, 0);
                while i < SOURCES.len() {
                    count += SOURCES[i].1.len();
                    i += 1;
                }
                count
            };
            const ROWS: [(Provider, &str, $crate::LinkStatus); COUNT] = {
                let mut rows = [(Provider::ALL[0], "", $crate::LinkStatus::Unknown); COUNT];
                let (mut next, mut i) = (0, 0);
                while i < SOURCES.len() {
                    let (provider, source) = SOURCES[i];
                    let mut j = 0;
                    while j < source.len() {
                        rows[next] = (provider, source[j].0, source[j].1);
                        next += 1;
                        j += 1;
                    }
                    i += 1;
                }
                rows
            };
            &ROWS
        };

        /// The registered link APIs, in [`Provider::ALL`] order.
        pub(crate) static LINK_APIS: &[&dyn $crate::registry::Registered] = &[
            $(
                #[cfg(feature = $feature)]
                &$module::$api,
            )*
        ];
    };
}

pub(crate) use link_apis;

/// A registered link API, object-safe: what the facade needs of it before a client exists.
pub(crate) trait Registered: Sync {
    /// [`LinkApi::PROVIDER`].
    fn provider(&self) -> Provider;
    /// [`LinkApi::SETTINGS`].
    fn settings(&self) -> &'static Settings;
    /// [`LinkApi::ID_PREFIXES`].
    fn id_prefixes(&self) -> &'static [&'static str];
    /// [`Error::Unsupported`] for `operation` (`resend_notification`, `list`) when the API
    /// cannot do it at all ([`LinkApi::RESENDS`], [`LinkApi::LISTS_WITHOUT_REFERENCE`]),
    /// answered before a client is needed.
    fn supports(&self, operation: Operation) -> Result<(), Error>;
    /// [`LinkApi::validate`].
    fn validate(&self, link: &CreateLink) -> Result<(), Error>;
    /// A saved body: a link through [`LinkApi::normalise`], a list of them, or the error that
    /// says what else it is ([`LinkApi::classify`]).
    fn decode(&self, body: &[u8]) -> Result<Decoded, Error>;
    /// [`LinkApi::WEBHOOK_SECRET_VAR`].
    fn webhook_secret_var(&self) -> Option<&'static str>;
    /// [`LinkApi::verify_event`].
    fn verify_event(&self, delivery: &Delivery<'_>) -> Result<crate::LinkEvent, WebhookError>;
    /// [`LinkApi::RETURN_SECRET_VAR`].
    fn return_secret_var(&self) -> Option<&'static str>;
    /// The API with its client, reusing the client of an API with the same settings;
    /// `return_secret` is the secret given for its [`LinkApi::RETURN_SECRET_VAR`], if any.
    fn connect(
        &self,
        config: &ProviderConfig,
        return_secret: Option<&Secret>,
        timeouts: Timeouts,
        clients: &mut SharedClients,
    ) -> Result<Arc<dyn ConnectedApi>, BuildError>;
}

/// An operation some link APIs cannot do at all.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Operation {
    /// `resend_notification`.
    Resend,
    /// `list` without a reference.
    ListWithoutReference,
}

/// The generated clients built so far, by the provider that owns their credentials.
pub(crate) type SharedClients = BTreeMap<Provider, Box<dyn Any>>;

impl<A: LinkApi> Registered for A {
    fn provider(&self) -> Provider {
        A::PROVIDER
    }

    fn settings(&self) -> &'static Settings {
        A::SETTINGS
    }

    fn id_prefixes(&self) -> &'static [&'static str] {
        A::ID_PREFIXES
    }

    fn supports(&self, operation: Operation) -> Result<(), Error> {
        let (supported, operation) = match operation {
            Operation::Resend => (A::RESENDS, "resend_notification"),
            Operation::ListWithoutReference => (A::LISTS_WITHOUT_REFERENCE, "list without a reference"),
        };
        if supported { Ok(()) } else { Err(Error::Unsupported { provider: A::PROVIDER, operation }) }
    }

    fn validate(&self, link: &CreateLink) -> Result<(), Error> {
        A::validate(link)
    }

    fn webhook_secret_var(&self) -> Option<&'static str> {
        A::WEBHOOK_SECRET_VAR
    }

    fn verify_event(&self, delivery: &Delivery<'_>) -> Result<crate::LinkEvent, WebhookError> {
        A::verify_event(delivery)
    }

    fn decode(&self, body: &[u8]) -> Result<Decoded, Error> {
        // The common case, one link, straight from the bytes: a body that decodes into the
        // link entity and normalises (an id, an amount, a currency, a status) is a link. Any
        // other body is read again through a `Value`, which tells what it is and words the
        // errors, exactly as before.
        if let Ok(link) =
            serde_json::from_slice::<A::Entity>(body).map_err(drop).and_then(|e| A::normalise(e).map_err(drop))
        {
            return Ok(Decoded::Link(link));
        }
        let fail = |message: String| Error::Decode { provider: A::PROVIDER, operation: "decode", message };
        let value = crate::json::parse_object(body).map_err(fail)?;
        let link = |value: &serde_json::Value| crate::json::from_value::<A::Entity>(value).and_then(A::normalise);
        match A::classify(&value) {
            Body::Link => link(&value).map(Decoded::Link).map_err(fail),
            Body::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| link(item).map_err(|m| fail(format!("link {i} of the list: {m}"))))
                .collect::<Result<_, _>>()
                .map(Decoded::Links),
            Body::Error { code, message } => Err(Error::ErrorBody { provider: A::PROVIDER, code, message }),
            Body::Event => Err(fail(
                "the body is a webhook event, not a link; verifying and decoding events is not supported yet".into(),
            )),
        }
    }

    fn return_secret_var(&self) -> Option<&'static str> {
        A::RETURN_SECRET_VAR
    }

    fn connect(
        &self,
        config: &ProviderConfig,
        return_secret: Option<&Secret>,
        timeouts: Timeouts,
        clients: &mut SharedClients,
    ) -> Result<Arc<dyn ConnectedApi>, BuildError> {
        let owner = A::SETTINGS.owner;
        let client = match clients.get(&owner).and_then(|c| c.downcast_ref::<A::Client>()) {
            Some(client) => client.clone(),
            None => {
                let credentials = A::credentials(config.id.clone(), config.secret.clone());
                let mut client = ClientConfig::<A::Client>::new(credentials);
                client.environment = config.environment.clone();
                client.timeouts = timeouts;
                let client = client.build()?;
                clients.insert(owner, Box::new(client.clone()));
                client
            }
        };
        // The API secret signs the provider's redirects unless the API names a secret of its own.
        let return_secret =
            if A::RETURN_SECRET_VAR.is_some() { return_secret.cloned() } else { Some(config.secret.clone()) };
        Ok(Arc::new(Connected::<A> { client, return_secret }))
    }
}

/// The registered API of `provider`, or the error that says it was not built.
pub(crate) fn registered(provider: Provider) -> Result<&'static dyn Registered, Error> {
    crate::providers::LINK_APIS
        .iter()
        .copied()
        .find(|api| api.provider() == provider)
        .ok_or_else(|| Error::Config { message: format!("paylinks was built without the `{provider}` feature") })
}

/// Every registered API.
pub(crate) fn all() -> impl Iterator<Item = &'static dyn Registered> {
    crate::providers::LINK_APIS.iter().copied()
}

/// The settings of every registered credential set, once each, in registration order.
pub(crate) fn settings() -> Vec<&'static Settings> {
    let mut settings: Vec<&'static Settings> = Vec::new();
    for api in all() {
        if !settings.iter().any(|s| s.owner == api.settings().owner) {
            settings.push(api.settings());
        }
    }
    settings
}

/// A registered link API, to name in examples (`cashfree:my_link_id`): the first one, or the
/// first provider when none is built.
pub(crate) fn example() -> Provider {
    all().next().map_or(Provider::ALL[0], |api| api.provider())
}

/// The provider whose id prefix `id` starts with.
pub(crate) fn provider_of_id(id: &str) -> Option<Provider> {
    all().find(|api| api.id_prefixes().iter().any(|prefix| id.starts_with(prefix))).map(|api| api.provider())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_is_registered_once() {
        let providers: Vec<Provider> = all().map(|api| api.provider()).collect();
        let expected: Vec<Provider> = Provider::ALL.into_iter().filter(|p| registered(*p).is_ok()).collect();
        assert_eq!(providers, expected, "registered once each, in Provider::ALL order");
        #[cfg(all(feature = "cashfree", feature = "razorpay", feature = "pinelabs"))]
        assert_eq!(providers, Provider::ALL, "every provider with every feature on");
    }

    #[test]
    fn a_link_api_belongs_to_the_provider_whose_credentials_it_uses() {
        assert_eq!(Provider::RazorpayInvoice.owner(), Provider::Razorpay);
        for provider in [Provider::Cashfree, Provider::Razorpay, Provider::Pinelabs] {
            assert_eq!(provider.owner(), provider);
        }
        for provider in Provider::ALL {
            assert_eq!(provider.owner().owner(), provider.owner(), "an owner owns itself");
        }
        for api in all() {
            assert_eq!(api.settings().owner, api.provider().owner(), "{}", api.provider());
        }
    }

    #[test]
    fn no_id_prefix_is_claimed_by_two_apis() {
        let prefixes: Vec<(Provider, &str)> =
            all().flat_map(|api| api.id_prefixes().iter().map(move |p| (api.provider(), *p))).collect();
        for (a, first) in &prefixes {
            for (b, second) in &prefixes {
                if a != b {
                    assert!(!first.starts_with(second), "{a} `{first}` and {b} `{second}` overlap");
                }
            }
        }
    }

    #[test]
    fn apis_of_one_owner_share_their_settings_and_read_one_set_of_variables() {
        for api in all() {
            for other in all().filter(|o| o.settings().owner == api.settings().owner) {
                assert!(std::ptr::eq(api.settings(), other.settings()), "{} and {}", api.provider(), other.provider());
            }
        }
        let vars: Vec<&str> = settings().iter().flat_map(|s| [s.id_var, s.secret_var, s.base_url_var]).collect();
        let mut unique = vars.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(vars.len(), unique.len(), "no variable read for two credential sets: {vars:?}");
    }

    #[test]
    fn the_variables_of_every_api_are_documented_on_from_env() {
        let docs = include_str!("client.rs");
        for settings in settings() {
            let vars =
                [Some(settings.id_var), Some(settings.secret_var), settings.env_var, Some(settings.base_url_var)];
            for var in vars.into_iter().flatten() {
                assert!(docs.contains(&format!("`{var}`")), "{var} is missing from Paylinks::from_env's table");
            }
        }
        for var in all().filter_map(|api| api.return_secret_var()) {
            assert!(docs.contains(&format!("| `{var}` |")), "{var} is missing from Paylinks::from_env's table");
        }
    }

    #[test]
    fn every_status_row_is_unique_per_api() {
        // A constant slice, as before the registry: usable in consts and in `for row in`.
        const ROWS: &[(Provider, &str, crate::LinkStatus)] = crate::STATUS_TABLE;
        let rows = ROWS;
        for (i, (provider, raw, _)) in rows.iter().enumerate() {
            assert!(
                !rows[i + 1..].iter().any(|(p, other, _)| p == provider && other == raw),
                "{provider}: `{raw}` twice"
            );
        }
        let providers: Vec<Provider> = all().map(|api| api.provider()).collect();
        assert!(rows.iter().all(|(p, ..)| providers.contains(p)), "rows of registered APIs only");
        assert!(providers.iter().all(|p| rows.iter().any(|(q, ..)| q == p)), "rows of every registered API");
    }
}
