//! Credentials, hosts, and the client builder: `Client::builder(credentials)`, the shape every
//! paylinks provider crate shares (see [`paylinks_core::client`]), plus Pine Labs'
//! [`ClientBuilder::refresh_margin`].

use std::time::Duration;

use paylinks_core::Secret;
use paylinks_core::client::ProviderClient;
use paylinks_core::http::{BuildError, Headers};

use crate::Client;
use crate::auth::{DEFAULT_REFRESH_MARGIN, TokenCache};

/// Base URL of Pine Labs Online's UAT (test) environment
/// ([`Environment::Sandbox`](crate::Environment::Sandbox)).
pub const SANDBOX_URL: &str = "https://pluraluat.v2.pinepg.in";
/// Base URL of Pine Labs Online's production API
/// ([`Environment::Production`](crate::Environment::Production)).
pub const PRODUCTION_URL: &str = "https://api.pluralpay.in";
/// Pine Labs Online's UAT host, the name before [`SANDBOX_URL`].
#[deprecated(note = "use SANDBOX_URL")]
pub const UAT_URL: &str = SANDBOX_URL;

/// A Pine Labs Online merchant's API credentials, exchanged for a bearer token by the client
/// (see [`crate::auth`]).
///
/// `Debug` shows the client id and `Secret(***)`.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

impl Credentials {
    /// Credentials from a client id and secret.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        Self { client_id: client_id.into(), client_secret: client_secret.into() }
    }
}

/// Pine Labs' own client settings, set through [`ClientBuilder::refresh_margin`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long before expiry the access token is refreshed (default
    /// [`DEFAULT_REFRESH_MARGIN`], 60 s).
    pub refresh_margin: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self { refresh_margin: DEFAULT_REFRESH_MARGIN }
    }
}

/// Pine Labs Online: no default headers (the bearer token is added per request by the hooks,
/// see [`crate::auth`]); base URLs [`SANDBOX_URL`] (UAT) and [`PRODUCTION_URL`].
impl ProviderClient for Client {
    const PROVIDER: &'static str = "pinelabs";
    const USER_AGENT: &'static str = concat!("paylinks-pinelabs/", env!("CARGO_PKG_VERSION"));
    const SANDBOX_URL: &'static str = SANDBOX_URL;
    const PRODUCTION_URL: &'static str = PRODUCTION_URL;
    type Credentials = Credentials;
    type Settings = Settings;

    fn default_headers(_: &Credentials, _: &Settings, headers: Headers) -> Result<Headers, BuildError> {
        Ok(headers)
    }

    fn assemble(base_url: &str, http: reqwest::Client, credentials: Credentials, settings: Settings) -> Self {
        Client::new_with_client(base_url, http, TokenCache::new(credentials, settings.refresh_margin))
    }
}

paylinks_core::client_builder!(Client, Credentials);

impl ClientBuilder {
    /// How long before its `expires_at` the access token is refreshed (default
    /// [`DEFAULT_REFRESH_MARGIN`], 60 s).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.0.settings.refresh_margin = margin;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Environment;

    #[test]
    #[allow(deprecated)]
    fn the_old_names_still_work() {
        assert_eq!(crate::UAT_URL, SANDBOX_URL);
        let _: crate::auth::Credentials = Credentials::new("id", "secret");
    }

    #[test]
    fn uat_is_the_default_host() {
        let client = Client::builder(Credentials::new("id", "secret")).build().unwrap();
        assert_eq!(client.baseurl, SANDBOX_URL);
        let client = Client::from_credentials(Credentials::new("id", "secret"), Environment::Production).unwrap();
        assert_eq!(client.baseurl, PRODUCTION_URL);
    }
}
