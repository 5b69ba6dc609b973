//! The client builder of the provider crates, written once.
//!
//! Every provider crate offers the same shape, whatever its authentication:
//!
//! ```text
//! Client::builder(credentials) -> ClientBuilder
//! ClientBuilder::environment(Environment) -> ClientBuilder   default: Environment::Sandbox
//! ClientBuilder::timeouts(Timeouts) -> ClientBuilder         default: Timeouts::default() (10 s, 30 s)
//! ClientBuilder::build() -> Result<Client, BuildError>
//! Client::from_credentials(credentials, environment) -> Result<Client, BuildError>
//! ```
//!
//! plus, on its `ClientBuilder`, the settings only that provider has. A crate gets it in two
//! steps: it implements [`ProviderClient`] for its generated `Client` (its name, hosts,
//! credentials, extra settings, default headers, and how the `Client` is put together), then
//! calls [`client_builder!`](crate::client_builder) once, which writes the `ClientBuilder`
//! type and the two constructors. The work itself, [`ClientConfig::build`], is here.

use std::fmt;

use crate::http::{BuildError, Environment, Headers, Timeouts, build_client};

/// What a provider crate tells the shared client builder about its generated `Client`.
///
/// Implemented once per provider crate, for its `Client`; read by [`ClientConfig::build`].
pub trait ProviderClient: Sized {
    /// The provider's name, as build errors print it
    /// ([`BuildError::InvalidHeader`]`::provider`).
    const PROVIDER: &'static str;
    /// The `User-Agent` the client sends: `paylinks-<provider>/<crate version>`.
    const USER_AGENT: &'static str;
    /// The base URL of [`Environment::Sandbox`] (no trailing slash).
    const SANDBOX_URL: &'static str;
    /// The base URL of [`Environment::Production`] (no trailing slash). A provider whose one
    /// host serves both modes (the key decides) gives the same URL twice.
    const PRODUCTION_URL: &'static str;

    /// The provider's credentials. Its `Debug` must not show a secret (hold secrets in
    /// [`Secret`](crate::Secret)).
    type Credentials: Clone + fmt::Debug;
    /// The settings only this provider has, at their defaults in `Default` (`()` for none).
    type Settings: Clone + fmt::Debug + Default;

    /// Adds the headers every request carries to `headers` (the provider's own, empty):
    /// credentials with `sensitive: true`, so that they never print.
    ///
    /// # Errors
    /// [`BuildError::InvalidHeader`] (from [`Headers::add`]) when a value cannot be sent in an
    /// HTTP header (a newline, say).
    fn default_headers(
        credentials: &Self::Credentials,
        settings: &Self::Settings,
        headers: Headers,
    ) -> Result<Headers, BuildError>;

    /// Puts the `Client` together from its base URL and the `reqwest` client built for it.
    fn assemble(
        base_url: &str,
        http: reqwest::Client,
        credentials: Self::Credentials,
        settings: Self::Settings,
    ) -> Self;
}

/// Everything a provider `Client` is built from: what a crate's `ClientBuilder` holds.
pub struct ClientConfig<C: ProviderClient> {
    /// The provider credentials.
    pub credentials: C::Credentials,
    /// Which host to talk to (default [`Environment::Sandbox`]).
    pub environment: Environment,
    /// Connect and whole-request timeouts (default [`Timeouts::default`]: 10 s and 30 s).
    pub timeouts: Timeouts,
    /// The provider's own settings (default `C::Settings::default()`).
    pub settings: C::Settings,
}

impl<C: ProviderClient> ClientConfig<C> {
    /// The defaults for these credentials: [`Environment::Sandbox`], [`Timeouts::default`],
    /// the provider's default settings. Every provider crate defaults the same way.
    pub fn new(credentials: C::Credentials) -> Self {
        Self {
            credentials,
            environment: Environment::Sandbox,
            timeouts: Timeouts::default(),
            settings: C::Settings::default(),
        }
    }

    /// Builds the client: the provider's default headers (credentials marked sensitive), the
    /// provider's `User-Agent`, the base URL of the environment, and a `reqwest` client with
    /// rustls and these timeouts (see [`build_client`]).
    ///
    /// # Errors
    /// [`BuildError::InvalidHeader`] naming the provider and the setting when a credential
    /// cannot be sent in a header; [`BuildError::Tls`] or [`BuildError::Http`] when the HTTP
    /// client cannot be set up.
    pub fn build(self) -> Result<C, BuildError> {
        let headers = C::default_headers(&self.credentials, &self.settings, Headers::new(C::PROVIDER))?;
        let http = build_client(C::USER_AGENT, headers.into_map(), self.timeouts)?;
        let base_url = self.environment.base_url(C::SANDBOX_URL, C::PRODUCTION_URL);
        Ok(C::assemble(base_url, http, self.credentials, self.settings))
    }
}

impl<C: ProviderClient> Clone for ClientConfig<C> {
    fn clone(&self) -> Self {
        Self {
            credentials: self.credentials.clone(),
            environment: self.environment.clone(),
            timeouts: self.timeouts,
            settings: self.settings.clone(),
        }
    }
}

impl<C: ProviderClient> fmt::Debug for ClientConfig<C> {
    /// The provider, the credentials (whose `Debug` hides secrets), environment, timeouts and
    /// settings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("provider", &C::PROVIDER)
            .field("credentials", &self.credentials)
            .field("environment", &self.environment)
            .field("timeouts", &self.timeouts)
            .field("settings", &self.settings)
            .finish()
    }
}

/// Writes a provider crate's `ClientBuilder` and its `Client::builder` and
/// `Client::from_credentials`, over the crate's [`ProviderClient`] implementation:
/// `client_builder!(Client, Credentials)`, the generated client type and its
/// `ProviderClient::Credentials` (named again so that the docs show it; another type does
/// not compile).
///
/// Called once, in the module that adds the provider's own settings to the builder (those
/// methods reach the [`ClientConfig`] as `self.0`). A whole provider, with a stand-in for the
/// generated `Client`:
///
/// ```
/// use paylinks_core::Secret;
/// use paylinks_core::client::ProviderClient;
/// use paylinks_core::http::{BuildError, Environment, Headers};
///
/// /// Stands in for the generated client (`Client::new_with_client(base_url, http)`).
/// pub struct Client {
///     base_url: String,
///     http: reqwest::Client,
/// }
///
/// /// The provider's API key: `Debug` shows `Secret(***)`.
/// #[derive(Debug, Clone)]
/// pub struct Credentials {
///     pub key: Secret,
/// }
///
/// /// The setting only this provider has.
/// #[derive(Debug, Clone)]
/// pub struct Settings {
///     pub api_version: String,
/// }
///
/// impl Default for Settings {
///     fn default() -> Self {
///         Self { api_version: "2025-01-01".into() }
///     }
/// }
///
/// impl ProviderClient for Client {
///     const PROVIDER: &'static str = "example";
///     const USER_AGENT: &'static str = "paylinks-example/0.1.0";
///     const SANDBOX_URL: &'static str = "https://sandbox.example.com";
///     const PRODUCTION_URL: &'static str = "https://api.example.com";
///     type Credentials = Credentials;
///     type Settings = Settings;
///
///     fn default_headers(credentials: &Credentials, settings: &Settings, headers: Headers) -> Result<Headers, BuildError> {
///         headers
///             .add("x-api-key", "key", credentials.key.expose(), true)?
///             .add("x-api-version", "api_version", &settings.api_version, false)
///     }
///
///     fn assemble(base_url: &str, http: reqwest::Client, _: Credentials, _: Settings) -> Self {
///         Self { base_url: base_url.to_owned(), http }
///     }
/// }
///
/// paylinks_core::client_builder!(Client, Credentials);
///
/// impl ClientBuilder {
///     /// The `x-api-version` to send (default `2025-01-01`).
///     pub fn api_version(mut self, version: impl Into<String>) -> Self {
///         self.0.settings.api_version = version.into();
///         self
///     }
/// }
///
/// let credentials = Credentials { key: Secret::new("k3y") };
/// let client = Client::builder(credentials.clone()).api_version("2023-08-01").build()?;
/// assert_eq!(client.base_url, "https://sandbox.example.com");
/// let client = Client::from_credentials(credentials, Environment::Production)?;
/// assert_eq!(client.base_url, "https://api.example.com");
/// # let _ = client.http;
/// # Ok::<(), BuildError>(())
/// ```
///
/// A macro because the builder must be the crate's own type (a crate cannot add methods to
/// a type of another crate) and the constructors are inherent methods of the crate's
/// `Client`.
#[macro_export]
macro_rules! client_builder {
    ($client:ident, $credentials:ty) => {
        // paylinks-core's `http` items, for the signatures and the doc links below (a doc
        // comment cannot name `$crate`), whatever the calling crate re-exports.
        #[doc(hidden)]
        use $crate::http as __paylinks_core_http;

        #[doc = concat!("Settings of a [`", stringify!($client), "`]: credentials, environment (default")]
        /// [`Environment::Sandbox`](__paylinks_core_http::Environment::Sandbox)), timeouts (default 10 s to
        /// connect, 30 s per request) and the provider's own settings.
        ///
        #[doc = concat!("Made by [`", stringify!($client), "::builder`]; [`ClientBuilder::build`] makes the client.")]
        /// `Debug` shows no secret.
        #[derive(Debug, Clone)]
        pub struct ClientBuilder($crate::client::ClientConfig<$client>);

        impl ClientBuilder {
            /// The host to talk to: [`Environment::Sandbox`](__paylinks_core_http::Environment::Sandbox)
            /// (the default), [`Environment::Production`](__paylinks_core_http::Environment::Production), or
            /// [`Environment::Custom`](__paylinks_core_http::Environment::Custom) with any base URL (a local
            /// sandbox, a mock server, a proxy).
            pub fn environment(mut self, environment: __paylinks_core_http::Environment) -> Self {
                self.0.environment = environment;
                self
            }

            /// Connect and whole-request timeouts (default 10 s and 30 s).
            pub fn timeouts(mut self, timeouts: __paylinks_core_http::Timeouts) -> Self {
                self.0.timeouts = timeouts;
                self
            }

            /// Builds the client: credentials as sensitive default headers (never printed),
            /// `User-Agent: paylinks-<provider>/<version>`, rustls TLS, these timeouts.
            ///
            /// # Errors
            /// [`BuildError::InvalidHeader`](__paylinks_core_http::BuildError::InvalidHeader) naming the
            /// setting when a credential cannot be sent in an HTTP header (a newline, say);
            /// [`BuildError::Tls`](__paylinks_core_http::BuildError::Tls) or
            /// [`BuildError::Http`](__paylinks_core_http::BuildError::Http) when the HTTP client cannot be
            /// set up.
            pub fn build(self) -> ::std::result::Result<$client, __paylinks_core_http::BuildError> {
                self.0.build()
            }
        }

        impl $client {
            /// Settings for a client with these credentials, at the defaults
            /// ([`Environment::Sandbox`](__paylinks_core_http::Environment::Sandbox), 10 s / 30 s
            /// timeouts); [`ClientBuilder::build`] makes the client.
            pub fn builder(credentials: $credentials) -> ClientBuilder {
                ClientBuilder($crate::client::ClientConfig::new(credentials))
            }

            /// A client with these credentials for this environment, other settings at their
            /// defaults: `Client::builder(credentials).environment(environment).build()`.
            ///
            /// # Errors
            /// As [`ClientBuilder::build`].
            pub fn from_credentials(
                credentials: $credentials,
                environment: __paylinks_core_http::Environment,
            ) -> ::std::result::Result<Self, __paylinks_core_http::BuildError> {
                Self::builder(credentials).environment(environment).build()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    /// A provider with one credential header and one setting of its own.
    #[derive(Debug)]
    pub struct Example {
        base_url: String,
        http: reqwest::Client,
        settings: String,
    }

    #[derive(Debug, Clone)]
    pub struct Key(Secret);

    impl ProviderClient for Example {
        const PROVIDER: &'static str = "example";
        const USER_AGENT: &'static str = "paylinks-example/0";
        const SANDBOX_URL: &'static str = "https://sandbox.example";
        const PRODUCTION_URL: &'static str = "https://live.example";
        type Credentials = Key;
        type Settings = String;

        fn default_headers(credentials: &Key, settings: &String, headers: Headers) -> Result<Headers, BuildError> {
            headers.add("x-key", "key", credentials.0.expose(), true)?.add("x-setting", "setting", settings, false)
        }

        fn assemble(base_url: &str, http: reqwest::Client, _credentials: Key, settings: String) -> Self {
            Self { base_url: base_url.to_owned(), http, settings }
        }
    }

    crate::client_builder!(Example, Key);

    impl ClientBuilder {
        fn setting(mut self, value: &str) -> Self {
            self.0.settings = value.to_owned();
            self
        }
    }

    fn key() -> Key {
        Key(Secret::new("very-secret"))
    }

    #[test]
    fn the_default_environment_is_the_sandbox() {
        let client = Example::builder(key()).build().unwrap();
        assert_eq!(client.base_url, "https://sandbox.example");
        assert_eq!(client.settings, "", "the provider's settings start at their Default");
        let _ = &client.http;
    }

    #[test]
    fn from_credentials_is_builder_environment_build() {
        let client = Example::from_credentials(key(), Environment::Production).unwrap();
        assert_eq!(client.base_url, "https://live.example");
        let client = Example::from_credentials(key(), Environment::Custom("http://127.0.0.1:9/x/".into())).unwrap();
        assert_eq!(client.base_url, "http://127.0.0.1:9/x");
    }

    #[test]
    fn provider_settings_reach_the_client() {
        let timeouts =
            Timeouts { connect: std::time::Duration::from_secs(1), request: std::time::Duration::from_secs(2) };
        let builder = Example::builder(key()).timeouts(timeouts).setting("v2");
        assert_eq!(builder.0.timeouts, timeouts);
        assert_eq!(builder.build().unwrap().settings, "v2");
    }

    #[test]
    fn an_invalid_header_names_the_provider_and_the_setting() {
        let err = Example::builder(key()).setting("bad\nvalue").build().unwrap_err();
        assert_eq!(err.to_string(), "example: setting cannot be sent in an HTTP header");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let shown = format!("{:?}", Example::builder(key()).setting("v1"));
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("example") && shown.contains("Sandbox") && shown.contains("v1"), "{shown}");
    }
}
