//! Credentials, the host, and the client builder: `Client::builder(credentials)`, the shape
//! every paylinks provider crate shares (see [`paylinks_core::client`]).

use base64::Engine;
use paylinks_core::Secret;
use paylinks_core::client::ProviderClient;
use paylinks_core::http::{BuildError, Headers};

use crate::Client;

/// Razorpay's API host, for test and live mode alike: the key decides (`rzp_test_…`,
/// `rzp_live_…`), so [`Environment::Sandbox`](crate::Environment::Sandbox), the default, and
/// [`Environment::Production`](crate::Environment::Production) both mean this host.
pub const SANDBOX_URL: &str = "https://api.razorpay.com";
/// The same host as [`SANDBOX_URL`]: Razorpay has one host, and the key decides the mode.
pub const PRODUCTION_URL: &str = SANDBOX_URL;
/// Razorpay's API host, the name before [`SANDBOX_URL`] and [`PRODUCTION_URL`] (the same
/// host).
#[deprecated(note = "use SANDBOX_URL or PRODUCTION_URL (the same host; the key decides the mode)")]
pub const BASE_URL: &str = SANDBOX_URL;

/// A Razorpay API key (Dashboard → Account & Settings → API keys).
///
/// `Debug` shows the key id and `Secret(***)`.
#[derive(Debug, Clone)]
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

    /// `Basic base64(key_id:key_secret)`: HTTP Basic auth (RFC 7617), Razorpay's API
    /// authentication.
    fn basic_auth(&self) -> String {
        let pair = format!("{}:{}", self.key_id, self.key_secret.expose());
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
    }
}

/// Razorpay: HTTP Basic auth (sensitive) on every request; one host for both modes
/// ([`SANDBOX_URL`] = [`PRODUCTION_URL`]); no settings of its own.
impl ProviderClient for Client {
    const PROVIDER: &'static str = "razorpay";
    const USER_AGENT: &'static str = concat!("paylinks-razorpay/", env!("CARGO_PKG_VERSION"));
    const SANDBOX_URL: &'static str = SANDBOX_URL;
    const PRODUCTION_URL: &'static str = PRODUCTION_URL;
    type Credentials = Credentials;
    type Settings = ();

    fn default_headers(credentials: &Credentials, _: &(), headers: Headers) -> Result<Headers, BuildError> {
        headers.add("authorization", "key_id/key_secret", &credentials.basic_auth(), true)
    }

    fn assemble(base_url: &str, http: reqwest::Client, _: Credentials, _: ()) -> Self {
        Client::new_with_client(base_url, http)
    }
}

paylinks_core::client_builder!(Client, Credentials);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Environment;

    #[test]
    #[allow(deprecated)]
    fn the_old_host_name_is_still_the_host() {
        assert_eq!(crate::BASE_URL, SANDBOX_URL);
    }

    #[test]
    fn basic_auth_is_key_id_colon_secret() {
        let credentials = Credentials::new("rzp_test_abc", "s3cret");
        // base64("rzp_test_abc:s3cret")
        assert_eq!(credentials.basic_auth(), "Basic cnpwX3Rlc3RfYWJjOnMzY3JldA==");
        assert!(!format!("{credentials:?}").contains("s3cret"));
    }

    #[test]
    fn sandbox_and_production_are_the_one_host() {
        for environment in [Environment::Sandbox, Environment::Production] {
            let client = Client::from_credentials(Credentials::new("rzp_test_abc", "s3cret"), environment).unwrap();
            assert_eq!(client.baseurl, "https://api.razorpay.com");
        }
        let client = Client::builder(Credentials::new("rzp_live_abc", "s3cret")).build().unwrap();
        assert_eq!(client.baseurl, "https://api.razorpay.com", "the default");
    }
}
