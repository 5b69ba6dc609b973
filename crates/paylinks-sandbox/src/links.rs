//! What the providers' link stores have in common: links are kept in creation order, an open
//! link whose expiry time has passed becomes expired the next time it is read, and the control
//! API pays or expires only an open link.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::payment::ControlError;

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

    /// Expires it if it is open and its expiry time has passed by `now`.
    fn refresh(&mut self, now: DateTime<Utc>) {
        if self.is_open()
            && let Some(at) = self.expires_at()
            && now >= at
        {
            self.mark_expired(at);
        }
    }
}

/// One provider's links by id, each with its place in creation order.
#[derive(Debug)]
pub(crate) struct Links<L> {
    entries: HashMap<String, (u64, L)>,
    next_seq: u64,
}

impl<L> Default for Links<L> {
    fn default() -> Self {
        Links { entries: HashMap::new(), next_seq: 0 }
    }
}

impl<L: StoredLink> Links<L> {
    /// The link `id`, expired first if its time has passed.
    pub(crate) fn get(&mut self, id: &str) -> Option<&mut L> {
        let (_, link) = self.entries.get_mut(id)?;
        link.refresh(Utc::now());
        Some(link)
    }

    /// The first link `matches` accepts, expired first if its time has passed.
    pub(crate) fn find(&mut self, matches: impl Fn(&L) -> bool) -> Option<&mut L> {
        let now = Utc::now();
        let (_, link) = self.entries.values_mut().find(|(_, link)| matches(link))?;
        link.refresh(now);
        Some(link)
    }

    /// Whether some link, as stored, satisfies `test`.
    pub(crate) fn any(&self, test: impl Fn(&L) -> bool) -> bool {
        self.entries.values().any(|(_, link)| test(link))
    }

    /// Whether there is a link `id`.
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }

    /// Every link, newest first, expired first if their time has passed.
    pub(crate) fn newest_first(&mut self) -> Vec<&mut L> {
        let now = Utc::now();
        let mut entries: Vec<&mut (u64, L)> = self.entries.values_mut().collect();
        entries.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
        entries
            .into_iter()
            .map(|(_, link)| {
                link.refresh(now);
                link
            })
            .collect()
    }

    /// Every link, oldest first, as entities (the control API's list).
    pub(crate) fn all_json(&mut self) -> Vec<Value> {
        let mut links: Vec<Value> = self.newest_first().into_iter().map(|link| link.to_json()).collect();
        links.reverse();
        links
    }

    /// Stores a new link, the newest, under `id`; answers its entity.
    pub(crate) fn insert(&mut self, id: String, link: L) -> Value {
        let body = link.to_json();
        self.entries.insert(id, (self.next_seq, link));
        self.next_seq += 1;
        body
    }

    /// Forgets the link `id`.
    pub(crate) fn remove(&mut self, id: &str) {
        self.entries.remove(id);
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

    /// Control API: the open link `id` expires now.
    pub(crate) fn expire(&mut self, id: &str) -> Result<Value, ControlError> {
        let link = self.open(id, "expire")?;
        link.mark_expired(Utc::now());
        Ok(link.to_json())
    }
}
