//! Credentials and the constructor of the client.

use std::fmt;

use base64::Engine;
use paylinks_core::Secret;
use paylinks_core::http::{BuildError, Environment, Headers, Timeouts, build_client};

use crate::Client;

/// Razorpay's API host. Test and live mode share it; the key decides (`rzp_test_…`,
/// `rzp_live_…`).
pub const BASE_URL: &str = "https://api.razorpay.com";
const PROVIDER: &str = "razorpay";

/// A Razorpay API key (Dashboard → Account & Settings → API keys).
#[derive(Clone)]
pub struct Credentials {
    /// The key id (`rzp_test_…` or `rzp_live_…`).
    pub key_id: String,
    /// The key secret.
    pub key_secret: Secret,
}

impl Credentials {
    /// Credentials from a key id and secret.
    pub fn new(key_id: impl Into<String>, key_secret: impl Into<Secret>) -> Self {
        Self { key_id: key_id.into(), key_secret: key_secret.into() }
    }

    fn basic_auth(&self) -> String {
        let pair = format!("{}:{}", self.key_id, self.key_secret.expose());
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials").field("key_id", &self.key_id).field("key_secret", &self.key_secret).finish()
    }
}

/// Settings of a [`Client`]; [`ClientBuilder::build`] makes the client.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    credentials: Credentials,
    environment: Environment,
    timeouts: Timeouts,
}

impl ClientBuilder {
    /// The host: [`Environment::Sandbox`] and [`Environment::Production`] are both
    /// [`BASE_URL`] (the key decides the mode); [`Environment::Custom`] for anything else.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Connect and request timeouts (default 10 s and 30 s).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Builds the client: HTTP Basic auth as a sensitive default header,
    /// `User-Agent: paylinks-razorpay/<version>`.
    pub fn build(self) -> Result<Client, BuildError> {
        let headers =
            Headers::new(PROVIDER).add("authorization", "key_id/key_secret", &self.credentials.basic_auth(), true)?;
        let http =
            build_client(concat!("paylinks-razorpay/", env!("CARGO_PKG_VERSION")), headers.into_map(), self.timeouts)?;
        Ok(Client::new_with_client(self.environment.base_url(BASE_URL, BASE_URL), http))
    }
}

impl Client {
    /// Settings for a client with this key.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder { credentials, environment: Environment::Production, timeouts: Timeouts::default() }
    }

    /// A client with this key and default settings.
    pub fn from_credentials(credentials: Credentials) -> Result<Self, BuildError> {
        Self::builder(credentials).build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_key_id_colon_secret() {
        let credentials = Credentials::new("rzp_test_abc", "s3cret");
        // base64("rzp_test_abc:s3cret")
        assert_eq!(credentials.basic_auth(), "Basic cnpwX3Rlc3RfYWJjOnMzY3JldA==");
        assert!(!format!("{credentials:?}").contains("s3cret"));
    }
}
