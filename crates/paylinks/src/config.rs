//! Configuring the facade: from the environment, or in code.

use paylinks_core::Secret;
use paylinks_core::http::{Environment, Timeouts};

use crate::{Error, Paylinks, Provider, RetryPolicy};

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

/// Settings of a [`Paylinks`] client; each provider is enabled by giving its credentials.
#[derive(Debug, Clone, Default)]
pub struct PaylinksBuilder {
    pub(crate) cashfree: Option<ProviderConfig>,
    pub(crate) razorpay: Option<ProviderConfig>,
    pub(crate) pinelabs: Option<ProviderConfig>,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
}

impl PaylinksBuilder {
    /// Enables Cashfree (client id and secret; sandbox or production).
    pub fn cashfree(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        environment: Environment,
    ) -> Self {
        self.cashfree = Some(ProviderConfig { id: client_id.into(), secret: client_secret.into(), environment });
        self
    }

    /// Enables Razorpay, payment links and invoice links (key id and secret; the key decides
    /// test or live mode, `environment` only changes the host).
    pub fn razorpay(
        mut self,
        key_id: impl Into<String>,
        key_secret: impl Into<Secret>,
        environment: Environment,
    ) -> Self {
        self.razorpay = Some(ProviderConfig { id: key_id.into(), secret: key_secret.into(), environment });
        self
    }

    /// Enables Pine Labs Online (client id and secret; UAT or production).
    pub fn pinelabs(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        environment: Environment,
    ) -> Self {
        self.pinelabs = Some(ProviderConfig { id: client_id.into(), secret: client_secret.into(), environment });
        self
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
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration from `lookup` (environment-variable names to values).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let lookup = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let builder = Self {
            cashfree: read_provider(
                &lookup,
                Provider::Cashfree,
                ["CASHFREE_CLIENT_ID", "CASHFREE_CLIENT_SECRET"],
                Some("CASHFREE_ENV"),
                "CASHFREE_BASE_URL",
            )?,
            razorpay: read_provider(
                &lookup,
                Provider::Razorpay,
                ["RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET"],
                None,
                "RAZORPAY_BASE_URL",
            )?,
            pinelabs: read_provider(
                &lookup,
                Provider::Pinelabs,
                ["PINELABS_CLIENT_ID", "PINELABS_CLIENT_SECRET"],
                Some("PINELABS_ENV"),
                "PINELABS_BASE_URL",
            )?,
            ..Self::default()
        };
        if builder.cashfree.is_none() && builder.razorpay.is_none() && builder.pinelabs.is_none() {
            return Err(Error::Config {
                message: "no provider configured: set CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET, \
                          RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET, or PINELABS_CLIENT_ID and PINELABS_CLIENT_SECRET"
                    .into(),
            });
        }
        Ok(builder)
    }

    /// Builds the client.
    pub fn build(self) -> Result<Paylinks, Error> {
        Paylinks::from_builder(self)
    }
}

fn read_provider(
    lookup: &impl Fn(&str) -> Option<String>,
    provider: Provider,
    [id_var, secret_var]: [&str; 2],
    env_var: Option<&str>,
    base_url_var: &str,
) -> Result<Option<ProviderConfig>, Error> {
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
        (None, None) => Environment::Sandbox,
    };
    Ok(Some(ProviderConfig { id, secret: Secret::new(secret), environment }))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn a_missing_secret_names_the_variable() {
        let err = PaylinksBuilder::from_lookup(lookup(&[("RAZORPAY_KEY_ID", "rzp_test_x")])).unwrap_err();
        assert_eq!(err.to_string(), "razorpay: RAZORPAY_KEY_ID is set but RAZORPAY_KEY_SECRET is missing");
    }

    #[test]
    fn nothing_configured_names_every_variable() {
        let err = PaylinksBuilder::from_lookup(lookup(&[])).unwrap_err().to_string();
        for var in ["CASHFREE_CLIENT_ID", "RAZORPAY_KEY_SECRET", "PINELABS_CLIENT_SECRET"] {
            assert!(err.contains(var), "{err}");
        }
    }

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
        assert_eq!(builder.cashfree.as_ref().unwrap().environment, Environment::Production);
        assert_eq!(
            builder.pinelabs.as_ref().unwrap().environment,
            Environment::Custom("http://127.0.0.1:9/pinelabs".into())
        );
        assert!(builder.razorpay.is_none());
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
