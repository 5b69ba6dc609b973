//! Credentials, hosts, and the client builder: `Client::builder(credentials)`, the shape every
//! paylinks provider crate shares (see [`paylinks_core::client`]), plus Cashfree's
//! [`ClientBuilder::api_version`].

use paylinks_core::Secret;
use paylinks_core::client::ProviderClient;
use paylinks_core::http::{BuildError, Headers};

use crate::Client;

/// Base URL of Cashfree's sandbox ([`Environment::Sandbox`](crate::Environment::Sandbox)).
pub const SANDBOX_URL: &str = "https://sandbox.cashfree.com/pg";
/// Base URL of Cashfree's production API
/// ([`Environment::Production`](crate::Environment::Production)).
pub const PRODUCTION_URL: &str = "https://api.cashfree.com/pg";
/// The `x-api-version` the spec follows (that of the official cashfree-pg 6.x SDKs), sent on
/// every request unless [`ClientBuilder::api_version`] or a call's `x_api_version` overrides it
/// (`2022-09-01`, `2023-08-01` and `2025-01-01` bodies decode into the same types).
pub const DEFAULT_API_VERSION: &str = "2026-01-01";

/// A Cashfree app's credentials (Merchant Dashboard → Developers → API keys).
///
/// `Debug` shows the app id and `Secret(***)`.
#[derive(Debug, Clone)]
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

/// Cashfree's own client settings, set through [`ClientBuilder::api_version`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// The `x-api-version` sent on every request (default [`DEFAULT_API_VERSION`]).
    pub api_version: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self { api_version: DEFAULT_API_VERSION.to_owned() }
    }
}

/// Cashfree: `x-client-id` and `x-client-secret` (sensitive) and `x-api-version` on every
/// request; base URLs [`SANDBOX_URL`] and [`PRODUCTION_URL`].
impl ProviderClient for Client {
    const PROVIDER: &'static str = "cashfree";
    const USER_AGENT: &'static str = concat!("paylinks-cashfree/", env!("CARGO_PKG_VERSION"));
    const SANDBOX_URL: &'static str = SANDBOX_URL;
    const PRODUCTION_URL: &'static str = PRODUCTION_URL;
    type Credentials = Credentials;
    type Settings = Settings;

    fn default_headers(
        credentials: &Credentials,
        settings: &Settings,
        headers: Headers,
    ) -> Result<Headers, BuildError> {
        headers
            .add("x-client-id", "client_id", &credentials.client_id, true)?
            .add("x-client-secret", "client_secret", credentials.client_secret.expose(), true)?
            .add("x-api-version", "api_version", &settings.api_version, false)
    }

    fn assemble(base_url: &str, http: reqwest::Client, _: Credentials, _: Settings) -> Self {
        Client::new_with_client(base_url, http)
    }
}

paylinks_core::client_builder!(Client, Credentials);

impl ClientBuilder {
    /// The `x-api-version` to send, `YYYY-MM-DD` (default [`DEFAULT_API_VERSION`]). A value
    /// that cannot be a header fails [`ClientBuilder::build`] with
    /// [`BuildError::InvalidHeader`] naming `api_version`.
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.0.settings.api_version = api_version.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Environment;

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

    #[test]
    fn the_sandbox_is_the_default_host() {
        let client = Client::builder(Credentials::new("id", "secret")).build().unwrap();
        assert_eq!(client.baseurl, SANDBOX_URL);
        let client = Client::from_credentials(Credentials::new("id", "secret"), Environment::Production).unwrap();
        assert_eq!(client.baseurl, PRODUCTION_URL);
    }

    #[test]
    fn an_api_version_that_cannot_be_a_header_names_the_field() {
        let err = Client::builder(Credentials::new("id", "secret")).api_version("2025\n").build().unwrap_err();
        assert_eq!(err.to_string(), "cashfree: api_version cannot be sent in an HTTP header");
    }
}
