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
    /// | provider | id | secret |
    /// |---|---|---|
    /// | `cashfree` | `client_id` = `cf_sandbox_app_id` | `client_secret` = `cf_sandbox_secret` |
    /// | `razorpay` | `key_id` = `rzp_test_paylinks` | `key_secret` = `rzp_sandbox_secret` |
    /// | `pinelabs` | `client_id` = `pl_sandbox_client` | `client_secret` = `pl_sandbox_secret` |
    ///
    /// and a Pine Labs access-token lifetime (`pinelabs` / `token_ttl`) of one hour.
    fn default() -> Self {
        SandboxConfig::from_specs(all().iter().flat_map(|p| p.settings().iter().copied()).collect())
    }
}
