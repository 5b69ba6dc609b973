//! Credentials and settings of a sandbox.

use std::time::Duration;

/// Cashfree credentials the sandbox accepts in `x-client-id` / `x-client-secret`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashfreeCredentials {
    /// Expected `x-client-id`.
    pub client_id: String,
    /// Expected `x-client-secret`.
    pub client_secret: String,
}

/// Razorpay credentials the sandbox accepts in HTTP Basic authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RazorpayCredentials {
    /// Expected user name (`rzp_test_...` selects test mode, which rejects UPI links).
    pub key_id: String,
    /// Expected password.
    pub key_secret: String,
}

/// Pine Labs credentials the sandbox accepts at `POST /api/auth/v1/token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinelabsCredentials {
    /// Expected `client_id`.
    pub client_id: String,
    /// Expected `client_secret`.
    pub client_secret: String,
}

/// Everything a sandbox needs to know: the credentials per provider and the Pine Labs token
/// lifetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    /// Cashfree credentials.
    pub cashfree: CashfreeCredentials,
    /// Razorpay credentials.
    pub razorpay: RazorpayCredentials,
    /// Pine Labs credentials.
    pub pinelabs: PinelabsCredentials,
    /// Lifetime of a Pine Labs access token (default 3600 s).
    pub token_ttl: Duration,
}

impl Default for SandboxConfig {
    /// The fixed, documented sandbox credentials:
    ///
    /// | provider | id | secret |
    /// |---|---|---|
    /// | Cashfree | `cf_sandbox_app_id` | `cf_sandbox_secret` |
    /// | Razorpay | `rzp_test_paylinks` | `rzp_sandbox_secret` |
    /// | Pine Labs | `pl_sandbox_client` | `pl_sandbox_secret` |
    ///
    /// and a token lifetime of one hour.
    fn default() -> Self {
        SandboxConfig {
            cashfree: CashfreeCredentials {
                client_id: "cf_sandbox_app_id".into(),
                client_secret: "cf_sandbox_secret".into(),
            },
            razorpay: RazorpayCredentials {
                key_id: "rzp_test_paylinks".into(),
                key_secret: "rzp_sandbox_secret".into(),
            },
            pinelabs: PinelabsCredentials {
                client_id: "pl_sandbox_client".into(),
                client_secret: "pl_sandbox_secret".into(),
            },
            token_ttl: Duration::from_secs(3600),
        }
    }
}
