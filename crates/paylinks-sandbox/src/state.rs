//! The sandbox's in-memory state, behind one lock.

use std::sync::{Mutex, MutexGuard};

use crate::config::SandboxConfig;

/// Everything the provider handlers share.
pub(crate) struct AppState {
    /// Credentials and settings.
    pub(crate) config: SandboxConfig,
    stores: Mutex<Stores>,
}

/// The state of every provider, the fault queue included.
#[derive(Default)]
pub(crate) struct Stores {
    /// Cashfree links, orders and idempotency keys.
    pub(crate) cashfree: crate::cashfree::Store,
    /// Razorpay v2 payment links.
    pub(crate) razorpay: crate::razorpay::Store,
    /// Razorpay legacy invoices.
    pub(crate) invoices: crate::invoices::Store,
    /// Pine Labs links and access tokens.
    pub(crate) pinelabs: crate::pinelabs::Store,
    /// Faults waiting for their requests.
    pub(crate) faults: crate::faults::Queue,
}

impl AppState {
    /// A fresh, empty sandbox state.
    pub(crate) fn new(config: SandboxConfig) -> AppState {
        AppState { config, stores: Mutex::new(Stores::default()) }
    }

    /// The stores. Never held across an `.await`; a poisoned lock is taken over (every
    /// change to the stores is completed before anything that could panic).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Stores> {
        self.stores.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
