//! Credentials, environments and the constructor of the client.

use std::fmt;

use paylinks_core::Secret;
use paylinks_core::http::{BuildError, Environment, Headers, Timeouts, build_client};

use crate::Client;

/// Base URL of Cashfree's sandbox.
pub const SANDBOX_URL: &str = "https://sandbox.cashfree.com/pg";
/// Base URL of Cashfree's production API.
pub const PRODUCTION_URL: &str = "https://api.cashfree.com/pg";
/// The `x-api-version` the spec follows, sent on every request unless a call overrides it.
pub const DEFAULT_API_VERSION: &str = "2025-01-01";
const PROVIDER: &str = "cashfree";

/// A Cashfree app's credentials (Merchant Dashboard → Developers → API keys).
#[derive(Clone)]
pub struct Credentials {
    /// The app id, sent as `x-client-id`.
    pub client_id: String,
    /// The secret key, sent as `x-client-secret`.
    pub client_secret: Secret,
}

impl Credentials {
    /// Credentials from an app id and secret key.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        Self { client_id: client_id.into(), client_secret: client_secret.into() }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// Settings of a [`Client`]; [`ClientBuilder::build`] makes the client.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    credentials: Credentials,
    environment: Environment,
    api_version: String,
    timeouts: Timeouts,
}

impl ClientBuilder {
    /// The host to talk to (default: sandbox).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The `x-api-version` to send (default [`DEFAULT_API_VERSION`]).
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = api_version.into();
        self
    }

    /// Connect and request timeouts (default 10 s and 30 s).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Builds the client: credentials and `x-api-version` as default headers (the
    /// credentials marked sensitive), `User-Agent: paylinks-cashfree/<version>`.
    pub fn build(self) -> Result<Client, BuildError> {
        let headers = Headers::new(PROVIDER)
            .add("x-client-id", "client_id", &self.credentials.client_id, true)?
            .add("x-client-secret", "client_secret", self.credentials.client_secret.expose(), true)?
            .add("x-api-version", "api_version", &self.api_version, false)?;
        let http =
            build_client(concat!("paylinks-cashfree/", env!("CARGO_PKG_VERSION")), headers.into_map(), self.timeouts)?;
        let base_url = self.environment.base_url(SANDBOX_URL, PRODUCTION_URL);
        Ok(Client::new_with_client(base_url, http))
    }
}

impl Client {
    /// Settings for a client with these credentials (sandbox, API version 2025-01-01).
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            environment: Environment::Sandbox,
            api_version: DEFAULT_API_VERSION.to_owned(),
            timeouts: Timeouts::default(),
        }
    }

    /// A client with these credentials for this environment, with default settings.
    pub fn from_credentials(credentials: Credentials, environment: Environment) -> Result<Self, BuildError> {
        Self::builder(credentials).environment(environment).build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let credentials = Credentials::new("app-id", "cfsk_ma_test_very_secret");
        let shown = format!("{credentials:?} {:?}", Client::builder(credentials.clone()));
        assert!(!shown.contains("very_secret"), "{shown}");
        assert!(shown.contains("app-id"));
    }

    #[test]
    fn a_secret_that_cannot_be_a_header_names_the_field() {
        let err = Client::from_credentials(Credentials::new("id", "bad\nsecret"), Environment::Sandbox).unwrap_err();
        assert_eq!(err.to_string(), "cashfree: client_secret cannot be sent in an HTTP header");
    }
}
