//! Configuring the facade: from the environment, or in code.

use std::collections::BTreeMap;

use paylinks_core::Secret;
use paylinks_core::http::{Environment, Timeouts};

use crate::api::Settings;
use crate::{Error, Paylinks, Provider, RetryPolicy, registry};

/// Credentials and host of one provider.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// Client id or key id.
    pub id: String,
    /// Client secret or key secret.
    pub secret: Secret,
    /// Sandbox, production, or a custom base URL.
    pub environment: Environment,
}

/// Settings of a [`Paylinks`] client; each provider is enabled by giving its credentials
/// (`PaylinksBuilder::cashfree`, `::razorpay`, `::pinelabs`, one per enabled provider feature).
#[derive(Debug, Clone, Default)]
pub struct PaylinksBuilder {
    /// The credentials given, by the provider that owns them.
    pub(crate) configs: BTreeMap<Provider, ProviderConfig>,
    /// The secrets of providers that sign their redirects back to the merchant with a secret
    /// other than the API secret, by owner.
    pub(crate) return_secrets: BTreeMap<Provider, Secret>,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
}

impl PaylinksBuilder {
    /// Enables a provider with these credentials (what the provider's own method does).
    pub(crate) fn provider(mut self, owner: Provider, config: ProviderConfig) -> Self {
        self.configs.insert(owner, config);
        self
    }

    /// The credentials given for `owner`.
    pub(crate) fn config(&self, owner: Provider) -> Option<&ProviderConfig> {
        self.configs.get(&owner)
    }

    /// The secret `provider` signs its redirects back to the merchant with, where that is not
    /// its API secret (Pine Labs: the secret key, in hex, its onboarding team gives; from
    /// `PINELABS_CALLBACK_SECRET` with [`PaylinksBuilder::from_env`]). Ignored for a
    /// provider whose API secret signs them (Razorpay) or that signs nothing (Cashfree). See
    /// [`Paylinks::verify_return`].
    pub fn return_secret(mut self, provider: Provider, secret: impl Into<Secret>) -> Self {
        self.return_secrets.insert(provider.owner(), secret.into());
        self
    }

    /// The return secret given for `owner`.
    pub(crate) fn return_secret_of(&self, owner: Provider) -> Option<&Secret> {
        self.return_secrets.get(&owner)
    }

    /// HTTP timeouts (default 10 s to connect, 30 s per request).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]); [`RetryPolicy::none`] turns
    /// retries off.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Reads the configuration from environment variables (see [`Paylinks::from_env`]).
    ///
    /// # Errors
    /// [`Error::Config`] naming the variable: an id without its secret (or the reverse), an
    /// unknown environment name, no provider configured at all.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration from `lookup` (environment-variable names to values; blank
    /// values count as unset). The variables are each enabled provider's (see
    /// [`Paylinks::from_env`]).
    ///
    /// # Errors
    /// As [`PaylinksBuilder::from_env`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let lookup = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let all = registry::settings();
        let mut builder = Self::default();
        for settings in &all {
            if let Some(config) = read_provider(&lookup, settings)? {
                builder.configs.insert(settings.owner, config);
            }
        }
        for api in registry::all() {
            if let Some(secret) = api.return_secret_var().and_then(&lookup) {
                builder.return_secrets.insert(api.provider().owner(), Secret::new(secret));
            }
        }
        if builder.configs.is_empty() {
            let each: Vec<String> = all.iter().map(|s| format!("{} and {}", s.id_var, s.secret_var)).collect();
            let message = match each.split_last() {
                Some((last, [])) => format!("no provider configured: set {last}"),
                Some((last, rest)) => format!("no provider configured: set {}, or {last}", rest.join(", ")),
                None => "paylinks was built without any provider feature".to_owned(),
            };
            return Err(Error::Config { message });
        }
        Ok(builder)
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when a provider's client cannot be built (a credential that cannot
    /// be sent in a header, no TLS roots).
    pub fn build(self) -> Result<Paylinks, Error> {
        Paylinks::from_builder(self)
    }
}

fn read_provider(
    lookup: &impl Fn(&str) -> Option<String>,
    settings: &Settings,
) -> Result<Option<ProviderConfig>, Error> {
    let Settings { owner: provider, id_var, secret_var, env_var, base_url_var, .. } = settings;
    let (id, secret) = match (lookup(id_var), lookup(secret_var)) {
        (None, None) => return Ok(None),
        (Some(id), Some(secret)) => (id, secret),
        (Some(_), None) => {
            return Err(Error::Config { message: format!("{provider}: {id_var} is set but {secret_var} is missing") });
        }
        (None, Some(_)) => {
            return Err(Error::Config { message: format!("{provider}: {secret_var} is set but {id_var} is missing") });
        }
    };
    let environment = match (lookup(base_url_var), env_var.and_then(|v| lookup(v).map(|value| (v, value)))) {
        (Some(url), _) => Environment::Custom(url),
        (None, Some((var, value))) => value.parse().map_err(|e| Error::Config { message: format!("{var}: {e}") })?,
        (None, None) => settings.default_environment.clone(),
    };
    Ok(Some(ProviderConfig { id, secret: Secret::new(secret), environment }))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::HashMap;

    use super::*;

    /// An environment of `vars` only, for `from_lookup` (here and in `webhooks.rs`).
    pub(crate) fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn a_missing_id_or_secret_names_the_variable_of_every_credential_set() {
        for settings in registry::settings() {
            let (owner, id, secret) = (settings.owner, settings.id_var, settings.secret_var);
            let err = PaylinksBuilder::from_lookup(lookup(&[(id, "x")])).unwrap_err();
            assert_eq!(err.to_string(), format!("{owner}: {id} is set but {secret} is missing"));
            let err = PaylinksBuilder::from_lookup(lookup(&[(secret, "x")])).unwrap_err();
            assert!(err.to_string().starts_with(&format!("{owner}: ")), "{err}");
        }
    }

    #[cfg(feature = "razorpay")]
    #[test]
    fn a_missing_secret_names_the_variable() {
        let err = PaylinksBuilder::from_lookup(lookup(&[("RAZORPAY_KEY_ID", "rzp_test_x")])).unwrap_err();
        assert_eq!(err.to_string(), "razorpay: RAZORPAY_KEY_ID is set but RAZORPAY_KEY_SECRET is missing");
    }

    #[cfg(all(feature = "cashfree", feature = "razorpay", feature = "pinelabs"))]
    #[test]
    fn nothing_configured_names_every_variable() {
        let err = PaylinksBuilder::from_lookup(lookup(&[])).unwrap_err().to_string();
        for var in ["CASHFREE_CLIENT_ID", "RAZORPAY_KEY_SECRET", "PINELABS_CLIENT_SECRET"] {
            assert!(err.contains(var), "{err}");
        }
        assert_eq!(
            err,
            "no provider configured: set CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET, \
             RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET, or PINELABS_CLIENT_ID and PINELABS_CLIENT_SECRET"
        );
    }

    #[cfg(all(feature = "cashfree", feature = "pinelabs"))]
    #[test]
    fn environments_and_base_urls_are_read() {
        let builder = PaylinksBuilder::from_lookup(lookup(&[
            ("CASHFREE_CLIENT_ID", "id"),
            ("CASHFREE_CLIENT_SECRET", "secret"),
            ("CASHFREE_ENV", "production"),
            ("PINELABS_CLIENT_ID", "pl"),
            ("PINELABS_CLIENT_SECRET", "pls"),
            ("PINELABS_BASE_URL", "http://127.0.0.1:9/pinelabs"),
        ]))
        .unwrap();
        assert_eq!(builder.config(Provider::Cashfree).unwrap().environment, Environment::Production);
        assert_eq!(
            builder.config(Provider::Pinelabs).unwrap().environment,
            Environment::Custom("http://127.0.0.1:9/pinelabs".into())
        );
        assert!(builder.config(Provider::Razorpay).is_none());
        assert!(!format!("{builder:?}").contains("pls\""), "secrets stay hidden");
        let err = PaylinksBuilder::from_lookup(lookup(&[
            ("CASHFREE_CLIENT_ID", "i"),
            ("CASHFREE_CLIENT_SECRET", "s"),
            ("CASHFREE_ENV", "staging"),
        ]))
        .unwrap_err();
        assert!(err.to_string().starts_with("CASHFREE_ENV: unknown environment `staging`"), "{err}");
    }
}
