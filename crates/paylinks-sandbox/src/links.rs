//! What the providers' link stores have in common: links are kept in creation order, an open
//! link whose expiry time has passed becomes expired the next time it is read (and its
//! provider's expiry event is queued, once, whether it expired by itself or through the
//! control API), and the control API pays or expires only an open link.
//!
//! The store's cost does not grow with the number of links where a provider's API looks one
//! up: by id, by the merchant's reference and by payment id are hash-map lookups, and a page of
//! a list walks the creation order from the newest link, touching only the links it skips and
//! answers (`benches/store.rs` has the figures).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::payment::ControlError;
use crate::webhooks::WebhookEvent;

/// A provider's stored payment link (or legacy invoice).
pub(crate) trait StoredLink {
    /// The control API's name of the link family (`cashfree`, `razorpay_invoice`, ...).
    const FAMILY: &'static str;
    /// What the control API's errors call one.
    const NOUN: &'static str = "link";

    /// The provider's name of its status.
    fn status_name(&self) -> String;
    /// Whether it can still be paid (and so still expire).
    fn is_open(&self) -> bool;
    /// When it expires by itself, if it does.
    fn expires_at(&self) -> Option<DateTime<Utc>>;
    /// Moves it to the provider's expired status as of `at`.
    fn mark_expired(&mut self, at: DateTime<Utc>);
    /// The entity as the provider's API shows it.
    fn to_json(&self) -> Value;
    /// The merchant's reference the provider looks links up by (Razorpay `reference_id`, an
    /// invoice's `receipt`, Pine Labs `merchant_payment_link_reference`), if it has one; an
    /// empty reference is none.
    fn reference(&self) -> Option<&str> {
        None
    }
    /// The ids of the payments made on it, if the provider looks links up by them.
    fn payment_ids(&self) -> Vec<&str> {
        Vec::new()
    }
    /// The provider's webhook event telling that it expired, built once it has; `None` where
    /// the provider sends none.
    fn expired_event(&self) -> Option<WebhookEvent> {
        None
    }

    /// Expires it if it is open and its expiry time has passed by `now`; whether it did.
    fn refresh(&mut self, now: DateTime<Utc>) -> bool {
        if self.is_open()
            && let Some(at) = self.expires_at()
            && now >= at
        {
            self.mark_expired(at);
            return true;
        }
        false
    }
}

/// A stored link with the keys it is indexed under.
#[derive(Debug)]
struct Entry<L> {
    id: String,
    reference: Option<String>,
    payments: Vec<String>,
    link: L,
}

/// One provider's links in creation order, indexed by id, reference and payment id.
///
/// A caller that changes a link's [`StoredLink::reference`] or [`StoredLink::payment_ids`]
/// through [`Links::get`] calls [`Links::reindex`] afterwards.
#[derive(Debug)]
pub(crate) struct Links<L> {
    /// Creation order, oldest first; a forgotten link leaves `None`.
    slots: Vec<Option<Entry<L>>>,
    /// Id → slot.
    by_id: HashMap<String, usize>,
    /// Reference → slot of the oldest link with it.
    by_reference: HashMap<String, usize>,
    /// Payment id → slot.
    by_payment: HashMap<String, usize>,
    /// The expiry events of links that expired since they were last taken ([`Links::take_events`]).
    expired: Vec<WebhookEvent>,
}

impl<L> Default for Links<L> {
    fn default() -> Self {
        Links {
            slots: Vec::new(),
            by_id: HashMap::new(),
            by_reference: HashMap::new(),
            by_payment: HashMap::new(),
            expired: Vec::new(),
        }
    }
}

/// One page of a list: `skip` matching links from the newest, then at most `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Page {
    /// Matching links to pass over, newest first.
    pub(crate) skip: usize,
    /// At most this many links.
    pub(crate) count: usize,
}

impl Page {
    /// Every link.
    pub(crate) const ALL: Page = Page { skip: 0, count: usize::MAX };
}

impl<L: StoredLink> Links<L> {
    /// The link in `slot`, expired first if its time has passed.
    fn at(&mut self, slot: usize) -> Option<&mut L> {
        let entry = self.slots.get_mut(slot)?.as_mut()?;
        if entry.link.refresh(Utc::now()) {
            self.expired.extend(entry.link.expired_event());
        }
        Some(&mut entry.link)
    }

    /// The expiry events queued since the last call, oldest first: what the sandbox delivers
    /// after the request (`state::Stores::take_outbox`).
    pub(crate) fn take_events(&mut self) -> Vec<WebhookEvent> {
        std::mem::take(&mut self.expired)
    }

    /// The link `id`, expired first if its time has passed.
    pub(crate) fn get(&mut self, id: &str) -> Option<&mut L> {
        let slot = *self.by_id.get(id)?;
        self.at(slot)
    }

    /// The (oldest) link with `reference`, expired first if its time has passed.
    pub(crate) fn by_reference(&mut self, reference: &str) -> Option<&mut L> {
        let slot = *self.by_reference.get(reference)?;
        self.at(slot)
    }

    /// The link a payment `payment_id` was made on, expired first if its time has passed.
    pub(crate) fn by_payment(&mut self, payment_id: &str) -> Option<&mut L> {
        let slot = *self.by_payment.get(payment_id)?;
        self.at(slot)
    }

    /// Whether a link other than `except` has `reference` (never for an empty reference).
    pub(crate) fn reference_taken(&self, reference: &str, except: &str) -> bool {
        let owner = self.by_reference.get(reference).and_then(|slot| self.slots.get(*slot)?.as_ref());
        !reference.is_empty() && owner.is_some_and(|entry| entry.id != except)
    }

    /// Whether there is a link `id`.
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// How many links there are.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// A page of the links `matches` accepts, newest first, each expired first if its time
    /// has passed. Walks from the newest link and stops once the page is full: the cost grows
    /// with `skip + count` (and with the links `matches` passes over), not with the store.
    pub(crate) fn page(&mut self, page: Page, matches: impl Fn(&L) -> bool) -> Vec<&mut L> {
        let now = Utc::now();
        let expired = &mut self.expired;
        self.slots
            .iter_mut()
            .rev()
            .filter_map(Option::as_mut)
            .filter(|entry| matches(&entry.link))
            .skip(page.skip)
            .take(page.count)
            .map(|entry| {
                if entry.link.refresh(now) {
                    expired.extend(entry.link.expired_event());
                }
                &mut entry.link
            })
            .collect()
    }

    /// Every link, newest first, expired first if their time has passed.
    pub(crate) fn newest_first(&mut self) -> Vec<&mut L> {
        self.page(Page::ALL, |_| true)
    }

    /// Every link, oldest first, as entities (the control API's list).
    pub(crate) fn all_json(&mut self) -> Vec<Value> {
        let mut links: Vec<Value> = self.newest_first().into_iter().map(|link| link.to_json()).collect();
        links.reverse();
        links
    }

    /// Stores a new link, the newest, under `id`; answers its entity. An `id` already
    /// stored is replaced (the old link forgotten).
    pub(crate) fn insert(&mut self, id: String, link: L) -> Value {
        let body = link.to_json();
        self.remove(&id);
        let slot = self.slots.len();
        self.by_id.insert(id.clone(), slot);
        self.slots.push(Some(Entry { id: id.clone(), reference: None, payments: Vec::new(), link }));
        self.reindex(&id);
        body
    }

    /// Brings the indexes of link `id` up to date after its reference or payments changed.
    pub(crate) fn reindex(&mut self, id: &str) {
        let Some(&slot) = self.by_id.get(id) else { return };
        let Some(Some(entry)) = self.slots.get_mut(slot) else { return };
        let reference = entry.link.reference().filter(|r| !r.is_empty()).map(str::to_owned);
        if reference != entry.reference {
            if let Some(old) = entry.reference.take()
                && self.by_reference.get(&old) == Some(&slot)
            {
                self.by_reference.remove(&old);
            }
            if let Some(new) = &reference {
                self.by_reference.entry(new.clone()).or_insert(slot);
            }
            entry.reference = reference;
        }
        let payments: Vec<String> = entry.link.payment_ids().into_iter().map(str::to_owned).collect();
        if payments != entry.payments {
            for old in entry.payments.drain(..) {
                self.by_payment.remove(&old);
            }
            for new in &payments {
                self.by_payment.insert(new.clone(), slot);
            }
            entry.payments = payments;
        }
    }

    /// Forgets the link `id`.
    pub(crate) fn remove(&mut self, id: &str) {
        let Some(slot) = self.by_id.remove(id) else { return };
        let Some(entry) = self.slots.get_mut(slot).and_then(Option::take) else { return };
        if let Some(reference) = entry.reference
            && self.by_reference.get(&reference) == Some(&slot)
        {
            self.by_reference.remove(&reference);
        }
        for payment in entry.payments {
            self.by_payment.remove(&payment);
        }
    }

    /// Control API: the link `id` if it is open, else why it cannot `action` (`be paid`,
    /// `expire`).
    pub(crate) fn open(&mut self, id: &str, action: &str) -> Result<&mut L, ControlError> {
        let link = self.get(id).ok_or_else(|| ControlError::not_found(L::FAMILY, id))?;
        if !link.is_open() {
            return Err(ControlError::invalid(format!("{} is {}, it cannot {action}", L::NOUN, link.status_name())));
        }
        Ok(link)
    }

    /// Control API: the open link `id` expires now (its expiry event queued).
    pub(crate) fn expire(&mut self, id: &str) -> Result<Value, ControlError> {
        let link = self.open(id, "expire")?;
        link.mark_expired(Utc::now());
        let (body, event) = (link.to_json(), link.expired_event());
        self.expired.extend(event);
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Note {
        reference: String,
        payments: Vec<String>,
        open: bool,
        expires: Option<DateTime<Utc>>,
    }

    impl StoredLink for Note {
        const FAMILY: &'static str = "test";

        fn status_name(&self) -> String {
            if self.open { "open" } else { "closed" }.to_owned()
        }
        fn is_open(&self) -> bool {
            self.open
        }
        fn expires_at(&self) -> Option<DateTime<Utc>> {
            self.expires
        }
        fn mark_expired(&mut self, _at: DateTime<Utc>) {
            self.open = false;
        }
        fn to_json(&self) -> Value {
            Value::String(self.reference.clone())
        }
        fn reference(&self) -> Option<&str> {
            Some(&self.reference)
        }
        fn payment_ids(&self) -> Vec<&str> {
            self.payments.iter().map(String::as_str).collect()
        }
        fn expired_event(&self) -> Option<WebhookEvent> {
            let body = self.reference.clone().into_bytes();
            (!self.open).then(|| WebhookEvent::new("test", self.reference.clone(), "expired".to_owned(), body))
        }
    }

    fn note(reference: &str) -> Note {
        Note { reference: reference.into(), payments: Vec::new(), open: true, expires: None }
    }

    fn references(links: Vec<&mut Note>) -> Vec<String> {
        links.into_iter().map(|link| link.reference.clone()).collect()
    }

    #[test]
    fn indexes_follow_inserts_changes_and_removals() {
        let mut links = Links::default();
        for n in 0..5 {
            links.insert(format!("id{n}"), note(&format!("ref{n}")));
        }
        links.insert("blank".into(), note(""));
        assert!(links.by_reference("ref2").is_some_and(|l| l.reference == "ref2"));
        assert!(links.reference_taken("ref2", "id1") && !links.reference_taken("ref2", "id2"));
        assert!(!links.reference_taken("", "id1"), "an empty reference is no reference");

        let link = links.get("id2").unwrap();
        link.reference = "renamed".into();
        link.payments.push("pay_1".into());
        links.reindex("id2");
        assert!(links.by_reference("ref2").is_none());
        assert!(links.by_reference("renamed").is_some());
        assert!(links.by_payment("pay_1").is_some_and(|l| l.reference == "renamed"));

        links.remove("id2");
        assert!(links.by_reference("renamed").is_none() && links.by_payment("pay_1").is_none());
        assert!(!links.contains("id2") && links.get("id2").is_none());
        links.insert("id2".into(), note("ref2"));
        assert_eq!(references(links.newest_first()), ["ref2", "", "ref4", "ref3", "ref1", "ref0"]);
        assert_eq!(links.len(), 6);
    }

    #[test]
    fn an_expiry_is_queued_once_however_it_happens_and_however_often_it_is_read() {
        let mut links = Links::default();
        let past = Utc::now() - chrono::Duration::seconds(1);
        links.insert("by-itself".into(), Note { expires: Some(past), ..note("by-itself") });
        links.insert("by-control".into(), note("by-control"));
        links.insert("open".into(), Note { expires: Some(Utc::now() + chrono::Duration::hours(1)), ..note("open") });
        assert!(links.take_events().is_empty(), "storing a link announces nothing");
        links.get("by-itself");
        links.get("by-itself");
        links.newest_first();
        links.expire("by-control").unwrap();
        assert!(links.expire("by-control").is_err() && links.expire("by-itself").is_err());
        links.newest_first();
        let ids: Vec<String> = links.take_events().into_iter().map(|event| event.id).collect();
        assert_eq!(ids, ["by-itself", "by-control"], "one event each, in the order they expired");
        assert!(links.take_events().is_empty());
    }

    #[test]
    fn pages_walk_from_the_newest_link() {
        let mut links = Links::default();
        for n in 0..10 {
            links.insert(format!("id{n}"), note(&format!("ref{n}")));
        }
        assert_eq!(references(links.page(Page { skip: 0, count: 3 }, |_| true)), ["ref9", "ref8", "ref7"]);
        assert_eq!(references(links.page(Page { skip: 8, count: 3 }, |_| true)), ["ref1", "ref0"]);
        let odd = |link: &Note| link.reference.ends_with(['1', '3', '5', '7', '9']);
        assert_eq!(references(links.page(Page { skip: 1, count: 2 }, odd)), ["ref7", "ref5"]);
        assert!(links.page(Page { skip: 10, count: 5 }, |_| true).is_empty());
        assert_eq!(links.all_json().first(), Some(&Value::String("ref0".into())));
    }
}
