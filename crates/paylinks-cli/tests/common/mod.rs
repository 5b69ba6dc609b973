//! What the CLI's test files share.

/// Variables the binary reads credentials from; cleared so that the host's never leak in.
pub const CREDENTIAL_VARS: &[&str] = &[
    "CASHFREE_CLIENT_ID",
    "CASHFREE_CLIENT_SECRET",
    "CASHFREE_ENV",
    "CASHFREE_BASE_URL",
    "RAZORPAY_KEY_ID",
    "RAZORPAY_KEY_SECRET",
    "RAZORPAY_BASE_URL",
    "PINELABS_CLIENT_ID",
    "PINELABS_CLIENT_SECRET",
    "PINELABS_ENV",
    "PINELABS_BASE_URL",
    "RAZORPAY_WEBHOOK_SECRET",
    "PINELABS_WEBHOOK_SECRET",
];
