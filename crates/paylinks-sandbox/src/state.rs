//! The sandbox's in-memory state, behind one lock: each provider's store (created on first
//! use, keyed by its type, so this module names no provider) and the fault queue.

use std::any::{Any, TypeId};
use std::sync::{Mutex, MutexGuard};

use crate::config::SandboxConfig;
use crate::webhooks::WebhookEvent;

/// Everything the provider handlers share.
pub(crate) struct AppState {
    /// Credentials and settings.
    pub(crate) config: SandboxConfig,
    stores: Mutex<Stores>,
    /// The webhook URLs, events and deliveries (their own locks, never held with `stores`').
    pub(crate) webhooks: crate::webhooks::Hub,
    /// The sandbox's root URL as a browser reaches it (`http://127.0.0.1:4455`, no trailing
    /// slash): the configured public URL, else the address [`crate::Sandbox::start`] bound,
    /// else (a [`crate::router`] embedded elsewhere) the `Host` of the first request.
    pub(crate) public_url: std::sync::OnceLock<String>,
}

/// The state of every provider, the fault queue included.
#[derive(Default)]
pub(crate) struct Stores {
    /// Each provider's stores, in the order they were first used.
    by_type: Vec<Slot>,
    /// Faults waiting for their requests.
    pub(crate) faults: crate::faults::Queue,
    /// Webhook events produced by state changes, waiting to be handed to the deliveries
    /// (each provider module pushes its own events, or its store queues them; the delivery
    /// side takes them out with [`Stores::take_outbox`]).
    pub(crate) outbox: Vec<WebhookEvent>,
}

/// A provider's store (its module's own type) and how to take out the events it queued.
struct Slot {
    id: TypeId,
    store: Box<dyn Any + Send>,
    take_events: fn(&mut (dyn Any + Send)) -> Vec<WebhookEvent>,
}

/// A provider module's store: its own type, created empty on first use.
pub(crate) trait ProviderStore: Any + Send + Default {
    /// The webhook events the store queued by itself since the last call (its links' expiry
    /// events, [`crate::links::Links::take_events`]), taken out. None by default.
    fn take_events(&mut self) -> Vec<WebhookEvent> {
        Vec::new()
    }
}

impl Stores {
    /// A provider's store (its module's own type), created empty on first use.
    pub(crate) fn of<S: ProviderStore>(&mut self) -> &mut S {
        let index = match self.by_type.iter().position(|slot| slot.id == TypeId::of::<S>()) {
            Some(index) => index,
            None => {
                self.by_type.push(Slot {
                    id: TypeId::of::<S>(),
                    store: Box::new(S::default()),
                    take_events: |store| store.downcast_mut::<S>().map(S::take_events).unwrap_or_default(),
                });
                self.by_type.len() - 1
            }
        };
        match self.by_type[index].store.downcast_mut::<S>() {
            Some(store) => store,
            None => unreachable!("stores are keyed by their own type"),
        }
    }

    /// Every webhook event waiting for delivery, taken out: the outbox's and those the stores
    /// queued by themselves (expiries noticed on a read), in the order they were made.
    pub(crate) fn take_outbox(&mut self) -> Vec<WebhookEvent> {
        let mut events: Vec<WebhookEvent> =
            self.by_type.iter_mut().flat_map(|slot| (slot.take_events)(slot.store.as_mut())).collect();
        events.append(&mut self.outbox);
        events.sort_by_key(|event| event.made);
        events
    }
}

impl AppState {
    /// A fresh, empty sandbox state; its public URL is the configured one, if any.
    pub(crate) fn new(config: SandboxConfig) -> AppState {
        let webhooks = crate::webhooks::Hub::new(config.webhook_urls().to_vec(), config.webhook_retry());
        let public_url = std::sync::OnceLock::new();
        if let Some(url) = config.public_url() {
            let _ = public_url.set(url.to_owned());
        }
        AppState { config, stores: Mutex::new(Stores::default()), webhooks, public_url }
    }

    /// The public URL once known (see [`AppState::public_url`]), else `http://127.0.0.1`.
    pub(crate) fn root_url(&self) -> &str {
        self.public_url.get().map_or("http://127.0.0.1", String::as_str)
    }

    /// The URL of link `id`'s payment page (`{public_url}/pay/{api}/{id}`, the id
    /// percent-encoded but for RFC 3986's unreserved characters, so that
    /// `plink_ExjpAUN3gVHrPJ` stays as it is): what every provider's link URL fields hold.
    pub(crate) fn page_url(&self, api: &str, id: &str) -> String {
        const UNRESERVED: &percent_encoding::AsciiSet =
            &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
        let root = self.root_url();
        let id = percent_encoding::utf8_percent_encode(id, UNRESERVED);
        format!("{root}/pay/{api}/{id}")
    }

    /// The stores. Never held across an `.await`; a poisoned lock is taken over (every
    /// change to the stores is completed before anything that could panic).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Stores> {
        self.stores.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets every link, token, idempotency key, fault, webhook event and delivery (and
    /// stops the deliveries under way); the registered webhook URLs stay.
    pub(crate) fn reset(&self) {
        *self.lock() = Stores::default();
        self.webhooks.reset();
    }
}
