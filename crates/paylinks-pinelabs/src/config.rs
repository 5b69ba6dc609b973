//! Environments and the constructor of the client.

use std::time::Duration;

use paylinks_core::http::{BuildError, Environment, Headers, Timeouts, build_client};

use crate::Client;
use crate::auth::{Credentials, DEFAULT_REFRESH_MARGIN, TokenCache};

/// Base URL of Pine Labs Online's UAT (test) environment.
pub const UAT_URL: &str = "https://pluraluat.v2.pinepg.in";
/// Base URL of Pine Labs Online's production API.
pub const PRODUCTION_URL: &str = "https://api.pluralpay.in";
const PROVIDER: &str = "pinelabs";

/// Settings of a [`Client`]; [`ClientBuilder::build`] makes the client.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    credentials: Credentials,
    environment: Environment,
    timeouts: Timeouts,
    refresh_margin: Duration,
}

impl ClientBuilder {
    /// The host to talk to (default: UAT, which [`Environment::Sandbox`] names).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Connect and request timeouts (default 10 s and 30 s).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// How long before expiry the access token is refreshed (default 60 s).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Builds the client: `User-Agent: paylinks-pinelabs/<version>`; the bearer token is
    /// added per request by the hooks (see [`crate::auth`]).
    pub fn build(self) -> Result<Client, BuildError> {
        let headers = Headers::new(PROVIDER);
        let http =
            build_client(concat!("paylinks-pinelabs/", env!("CARGO_PKG_VERSION")), headers.into_map(), self.timeouts)?;
        let base_url = self.environment.base_url(UAT_URL, PRODUCTION_URL);
        Ok(Client::new_with_client(base_url, http, TokenCache::new(self.credentials, self.refresh_margin)))
    }
}

impl Client {
    /// Settings for a client with these credentials (UAT).
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            environment: Environment::Sandbox,
            timeouts: Timeouts::default(),
            refresh_margin: DEFAULT_REFRESH_MARGIN,
        }
    }

    /// A client with these credentials for this environment, with default settings.
    pub fn from_credentials(credentials: Credentials, environment: Environment) -> Result<Self, BuildError> {
        Self::builder(credentials).environment(environment).build()
    }

    /// A valid access token (cached, or fetched now); link calls fetch it themselves, so this
    /// is for callers that want token errors up front.
    pub async fn access_token(&self) -> Result<paylinks_core::Secret, crate::Error> {
        progenitor_client::ClientInfo::inner(self).token(self).await
    }
}
