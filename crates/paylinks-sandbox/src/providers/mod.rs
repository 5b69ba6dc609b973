//! The registry: every provider the sandbox serves, in one list. The router, the control
//! API, the fault injector, the default configuration, the connection JSON and the CLI's
//! `paylinks sandbox` flags are built from it. Adding a provider: one module here and one line
//! in [`all`].

mod cashfree;
mod pinelabs;
mod razorpay;

use std::sync::Arc;

use crate::config::SandboxConfig;
use crate::provider::Provider;

/// Every provider, in the order the sandbox lists them.
pub(crate) fn all() -> Vec<Arc<dyn Provider>> {
    vec![Arc::new(cashfree::Cashfree), Arc::new(razorpay::Razorpay), Arc::new(pinelabs::Pinelabs)]
}

impl Default for SandboxConfig {
    /// The fixed, documented sandbox credentials of every provider and their other settings
    /// at their defaults:
    ///
    /// | provider | id | secret | webhook secret (signs its deliveries) |
    /// |---|---|---|---|
    /// | `cashfree` | `client_id` = `cf_sandbox_app_id` | `client_secret` = `cf_sandbox_secret` | the client secret (Cashfree signs with it) |
    /// | `razorpay` | `key_id` = `rzp_test_paylinks` | `key_secret` = `rzp_sandbox_secret` | `webhook_secret` = `rzp_sandbox_webhook_secret` |
    /// | `pinelabs` | `client_id` = `pl_sandbox_client` | `client_secret` = `pl_sandbox_secret` | `webhook_secret` = `pl_sandbox_webhook_secret` |
    ///
    /// and a Pine Labs access-token lifetime (`pinelabs` / `token_ttl`) of one hour; Pine Labs'
    /// callback form (the redirect after a payment) is signed with `callback_secret` =
    /// `706c5f…6b6579` (`pl_sandbox_callback_secret_key` in hex, as Pine Labs gives the key).
    fn default() -> Self {
        SandboxConfig::from_specs(all().iter().flat_map(|p| p.settings().iter().copied()).collect())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn every_provider_is_registered_once_with_its_settings() {
        let providers = all();
        let names: Vec<&str> = providers.iter().map(|p| p.name()).collect();
        assert_eq!(names, ["cashfree", "razorpay", "pinelabs"]);
        let apis: Vec<&str> = providers.iter().flat_map(|p| p.link_apis().iter().copied()).collect();
        assert_eq!(apis, ["cashfree", "razorpay", "razorpay_invoice", "pinelabs"]);
        let config = SandboxConfig::default();
        let flags: Vec<&str> = config.settings().iter().map(|s| s.flag).collect();
        assert_eq!(
            flags,
            [
                "cashfree-client-id",
                "cashfree-client-secret",
                "razorpay-key-id",
                "razorpay-key-secret",
                "razorpay-webhook-secret",
                "pinelabs-client-id",
                "pinelabs-client-secret",
                "token-ttl-secs",
                "pinelabs-webhook-secret",
                "pinelabs-callback-secret",
            ]
        );
        assert!(config.settings().iter().all(|s| names.contains(&s.provider)));
    }

    #[test]
    fn settings_are_set_by_provider_and_key_and_checked() {
        let mut config = SandboxConfig::default();
        assert_eq!(config.text("razorpay", "key_id"), Some("rzp_test_paylinks"));
        assert_eq!(config.duration("pinelabs", "token_ttl"), Some(Duration::from_secs(3600)));
        config.set("razorpay", "key_id", "rzp_live_x").unwrap();
        assert_eq!(config.text("razorpay", "key_id"), Some("rzp_live_x"));
        assert!(config.set("razorpay", "client_id", "x").is_err(), "Razorpay has no client_id");
        assert!(config.set("stripe", "key_id", "x").is_err());
        assert!(config.set("pinelabs", "token_ttl", "an hour").is_err(), "a duration, not text");
        assert!(config.set("cashfree", "client_id", Duration::from_secs(1)).is_err());
        assert!(!format!("{config:?}").contains("cf_sandbox_secret"), "Debug never prints a secret");
    }
}
