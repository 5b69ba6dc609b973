//! Receiving webhooks: [`Webhooks`] verifies a delivery (the signature over the raw body, the
//! replay window) with the provider crate's `webhook` module and reads it as one
//! [`LinkEvent`], the same for every provider.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use paylinks_core::Secret;
use paylinks_core::webhook::DEFAULT_TOLERANCE;

use crate::api::Delivery;
use crate::{Error, LinkEvent, Provider, registry};

/// Verifies webhook deliveries and reads them as [`LinkEvent`]s.
///
/// Holds the secret each provider signs its deliveries with (by the provider that owns the
/// link API: one secret for Razorpay's payment links and invoice links) and the replay
/// window. Give it the raw body exactly as received: a body parsed and serialised again does
/// not verify.
///
/// | provider | secret (from the environment) | signature |
/// |---|---|---|
/// | Cashfree | `CASHFREE_CLIENT_SECRET` (Cashfree signs with the API client secret) | `x-webhook-signature`: base64 HMAC-SHA256 of `x-webhook-timestamp` + body |
/// | Razorpay (payment links and invoice links) | `RAZORPAY_WEBHOOK_SECRET` (the dashboard's webhook secret, not the key secret) | `X-Razorpay-Signature`: hex HMAC-SHA256 of the body |
/// | Pine Labs | `PINELABS_WEBHOOK_SECRET` | `webhook-signature` over `webhook-id`, `webhook-timestamp` and the body |
///
/// Only the variables of the link APIs whose cargo features are on are read; each provider's
/// module documents its events and its dedupe key ([`LinkEvent::event_id`]). `Debug` never
/// shows a secret.
///
/// ```
/// use paylinks::{Provider, Webhooks};
/// use std::time::Duration;
///
/// let webhooks = Webhooks::new()
///     .secret(Provider::Razorpay, "whsec_from_the_dashboard")
///     .tolerance(Duration::from_secs(120));
/// assert!(!format!("{webhooks:?}").contains("whsec_from_the_dashboard"));
/// ```
#[derive(Clone)]
pub struct Webhooks {
    /// The secrets, by the provider that owns the link API.
    secrets: BTreeMap<Provider, Secret>,
    tolerance: Duration,
}

impl Default for Webhooks {
    fn default() -> Self {
        Webhooks::new()
    }
}

impl fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secrets: BTreeMap<&str, &str> = self.secrets.keys().map(|p| (p.as_str(), "***")).collect();
        f.debug_struct("Webhooks").field("secrets", &secrets).field("tolerance", &self.tolerance).finish()
    }
}

impl Webhooks {
    /// No secret yet, the default replay window ([`DEFAULT_TOLERANCE`], five minutes).
    pub fn new() -> Webhooks {
        Webhooks { secrets: BTreeMap::new(), tolerance: DEFAULT_TOLERANCE }
    }

    /// The secrets from the environment: each enabled provider's variable (see the table
    /// above), when set and not blank.
    ///
    /// # Errors
    /// [`Error::Config`] naming every variable when none is set.
    pub fn from_env() -> Result<Webhooks, Error> {
        Webhooks::from_lookup(|name| std::env::var(name).ok())
    }

    /// The secrets from `lookup` (environment-variable names to values; blank values count
    /// as unset), as [`Webhooks::from_env`].
    ///
    /// # Errors
    /// As [`Webhooks::from_env`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Webhooks, Error> {
        let mut webhooks = Webhooks::new();
        let vars = secret_vars();
        for (owner, var) in &vars {
            if let Some(secret) = lookup(var).filter(|v| !v.trim().is_empty()) {
                webhooks.secrets.insert(*owner, Secret::new(secret));
            }
        }
        if webhooks.secrets.is_empty() {
            let names: Vec<&str> = vars.iter().map(|(_, var)| *var).collect();
            let message = if names.is_empty() {
                "paylinks was built without a provider whose webhooks it verifies".to_owned()
            } else {
                format!("no webhook secret configured: set {}", names.join(", or "))
            };
            return Err(Error::Config { message });
        }
        Ok(webhooks)
    }

    /// Sets the secret `provider` signs its deliveries with (for
    /// [`Provider::RazorpayInvoice`], Razorpay's: both link APIs share one webhook).
    pub fn secret(mut self, provider: Provider, secret: impl Into<String>) -> Webhooks {
        self.secrets.insert(provider.owner(), Secret::new(secret));
        self
    }

    /// The replay window for providers whose signature covers a timestamp (Cashfree, Pine
    /// Labs): a delivery signed further than this from now, either way, is refused
    /// ([`WebhookError::StaleTimestamp`](crate::WebhookError::StaleTimestamp)). Default five
    /// minutes.
    pub fn tolerance(mut self, tolerance: Duration) -> Webhooks {
        self.tolerance = tolerance;
        self
    }

    /// The providers (owners of link APIs) this value has a secret for, in [`Provider::ALL`]
    /// order.
    pub fn providers(&self) -> Vec<Provider> {
        self.secrets.keys().copied().collect()
    }

    /// Verifies one delivery of `provider` and reads it as a [`LinkEvent`]: `headers` and
    /// `body` exactly as received (`axum::body::Bytes`, never a re-serialised JSON value).
    /// `provider` names the webhook the delivery came to: Razorpay's payment-link and
    /// invoice events arrive on one webhook, so [`Provider::Razorpay`] and
    /// [`Provider::RazorpayInvoice`] mean the same deliveries, and the event's
    /// [`LinkEvent::provider`] says which link API it is about.
    ///
    /// # Errors
    /// [`Error::Webhook`] when the delivery is refused (a missing or malformed header, a
    /// signature that does not match, a stale timestamp, an empty or oversized body, a body
    /// that is not an event); [`Error::Config`] naming the variable when there is no secret
    /// for the provider, or when its cargo feature is off; [`Error::Unsupported`] when the
    /// provider's webhooks are not read by this version.
    pub fn verify(&self, provider: Provider, headers: &http::HeaderMap, body: &[u8]) -> Result<LinkEvent, Error> {
        self.verify_at(provider, headers, body, Utc::now())
    }

    /// [`Webhooks::verify`] with the verifier's clock at `now` (tests, replaying a saved
    /// delivery).
    ///
    /// # Errors
    /// As [`Webhooks::verify`].
    pub fn verify_at(
        &self,
        provider: Provider,
        headers: &http::HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<LinkEvent, Error> {
        let (api, var) = webhook_api(provider)?;
        let owner = provider.owner();
        let secret = self.secrets.get(&owner).ok_or_else(|| Error::Config {
            message: format!("{owner}: no webhook secret: set {var} (or Webhooks::secret)"),
        })?;
        let delivery = Delivery { secret, tolerance: self.tolerance, now, headers, body };
        api.verify_event(&delivery).map_err(Error::Webhook)
    }
}

/// The variable of each owner's webhook secret, in registration order, from the link APIs
/// that read events ([`LinkApi::WEBHOOK_SECRET_VAR`](crate::api::LinkApi::WEBHOOK_SECRET_VAR)).
pub(crate) fn secret_vars() -> Vec<(Provider, &'static str)> {
    registry::all().filter_map(|api| api.webhook_secret_var().map(|var| (api.provider().owner(), var))).collect()
}

/// The link API that reads the deliveries of `provider`'s owner, and its secret's variable.
fn webhook_api(provider: Provider) -> Result<(&'static dyn registry::Registered, &'static str), Error> {
    let owner = provider.owner();
    // Not built: the registry's own error.
    registry::registered(provider)?;
    registry::all()
        .filter(|api| api.provider().owner() == owner)
        .find_map(|api| api.webhook_secret_var().map(|var| (api, var)))
        .ok_or(Error::Unsupported { provider: owner, operation: "verifying webhooks" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WebhookError;
    use crate::config::tests::lookup;

    #[test]
    fn each_provider_that_reads_events_has_one_variable_read_once() {
        let vars = secret_vars();
        for (i, (owner, var)) in vars.iter().enumerate() {
            assert_eq!(owner.owner(), *owner);
            assert!(!vars[i + 1..].iter().any(|(o, v)| o == owner || v == var), "{owner} {var} twice");
        }
        let docs = include_str!("webhooks.rs");
        for (_, var) in &vars {
            assert!(docs.contains(&format!("`{var}`")), "{var} is missing from Webhooks' table");
        }
    }

    #[test]
    fn from_lookup_reads_each_variable_and_names_them_all_when_none_is_set() {
        let vars = secret_vars();
        let err = Webhooks::from_lookup(lookup(&[("UNRELATED", "x")])).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err}");
        for (_, var) in &vars {
            assert!(err.to_string().contains(var), "{err} names {var}");
        }
        for (owner, var) in &vars {
            let webhooks = Webhooks::from_lookup(lookup(&[(var, "whsec_paylinks_test_1"), ("X", " ")])).unwrap();
            assert_eq!(webhooks.providers(), [*owner]);
            let blank = Webhooks::from_lookup(lookup(&[(var, "  ")]));
            assert!(blank.is_err(), "a blank {var} counts as unset");
        }
    }

    #[test]
    fn a_secret_is_kept_by_the_owner_and_never_shown() {
        let webhooks = Webhooks::new()
            .secret(Provider::RazorpayInvoice, "whsec_paylinks_test_rzp")
            .secret(Provider::Cashfree, "whsec_paylinks_test_cf")
            .tolerance(Duration::from_secs(30));
        assert_eq!(webhooks.providers(), [Provider::Cashfree, Provider::Razorpay]);
        let shown = format!("{webhooks:?}");
        assert!(!shown.contains("whsec_paylinks_test"), "{shown}");
        assert!(shown.contains("***") && shown.contains("30s"), "{shown}");
    }

    #[test]
    fn verify_dispatches_to_the_api_of_the_owner_that_reads_events() {
        let headers = http::HeaderMap::new();
        let body = br#"{"event": "not a real one"}"#;
        for provider in Provider::ALL {
            let Ok(_) = registry::registered(provider) else {
                // Feature off: a configuration error, whatever the secrets.
                let err = Webhooks::new().secret(provider, "s").verify(provider, &headers, body).unwrap_err();
                assert!(matches!(err, Error::Config { .. }), "{provider}: {err}");
                continue;
            };
            let owner = provider.owner();
            match webhook_api(provider) {
                Ok((api, var)) => {
                    assert_eq!(api.provider().owner(), owner);
                    // No secret: the variable is named.
                    let err = Webhooks::new().verify(provider, &headers, body).unwrap_err();
                    assert!(matches!(&err, Error::Config { message } if message.contains(var)), "{provider}: {err}");
                    // A secret: the provider's verifier answers, and refuses this delivery.
                    let err = Webhooks::new()
                        .secret(provider, "whsec_paylinks_test_x")
                        .verify(provider, &headers, body)
                        .unwrap_err();
                    let Error::Webhook(refusal) = &err else { panic!("{provider}: {err}") };
                    assert_eq!(refusal.provider(), owner.as_str());
                    assert_eq!(crate::api::error_type(&err), "webhook");
                    assert_eq!(err.provider(), Some(owner));
                    assert!(!err.is_transient());
                    assert!(!err.to_string().contains("whsec_paylinks_test_x"));
                }
                Err(err) => {
                    assert!(matches!(err, Error::Unsupported { provider: p, .. } if p == owner), "{provider}: {err}");
                }
            }
        }
    }

    #[test]
    fn a_link_api_that_does_not_read_events_refuses_them_as_not_an_event() {
        let secret = Secret::new("whsec_paylinks_test_y");
        let headers = http::HeaderMap::new();
        let delivery =
            Delivery { secret: &secret, tolerance: DEFAULT_TOLERANCE, now: Utc::now(), headers: &headers, body: b"{}" };
        let shown = format!("{delivery:?}");
        assert!(!shown.contains("whsec_paylinks_test_y") && shown.contains("body_len: 2"), "{shown}");
        for api in registry::all().filter(|api| api.webhook_secret_var().is_none()) {
            let owner = api.provider().owner().as_str();
            assert!(
                matches!(api.verify_event(&delivery), Err(WebhookError::NotAnEvent { provider, .. }) if provider == owner),
                "{}",
                api.provider()
            );
        }
    }

    /// A fixture of `tests/fixtures/` (signed by OpenSSL; recipes in its `SOURCES.md`).
    #[cfg(any(feature = "cashfree", feature = "razorpay", feature = "pinelabs"))]
    fn fixture(path: &str) -> Vec<u8> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The headers of a `.headers` fixture (`Name: value` lines).
    #[cfg(any(feature = "cashfree", feature = "pinelabs"))]
    fn fixture_headers(path: &str) -> http::HeaderMap {
        let text = String::from_utf8(fixture(path)).unwrap();
        let mut headers = http::HeaderMap::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (name, value) = line.split_once(':').unwrap();
            let name = http::HeaderName::try_from(name.trim()).unwrap();
            headers.insert(name, value.trim().parse().unwrap());
        }
        headers
    }

    #[cfg(feature = "razorpay")]
    #[test]
    fn an_invoice_event_verifies_through_either_razorpay_link_api() {
        let body = fixture("razorpay_invoices/webhooks/docs_invoice_paid_card.json");
        let signatures = String::from_utf8(fixture("razorpay_invoices/webhooks/signatures.txt")).unwrap();
        let signature = signatures.lines().find(|l| l.ends_with("*docs_invoice_paid_card.json")).unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert("x-razorpay-signature", signature.split(' ').next().unwrap().parse().unwrap());
        headers.insert("x-razorpay-event-id", "evt_paylinks_test_1".parse().unwrap());
        let webhooks = Webhooks::new().secret(Provider::RazorpayInvoice, "whsec_paylinks_test_razorpay");
        for provider in [Provider::Razorpay, Provider::RazorpayInvoice] {
            let event = webhooks.verify(provider, &headers, &body).unwrap();
            assert_eq!(event.provider, Provider::RazorpayInvoice, "an invoice.* event is about an invoice link");
            assert_eq!(event.event_id, "evt_paylinks_test_1");
            assert_eq!(event.kind, crate::EventKind::Paid);
            assert!(event.payment.is_some());
        }
        let wrong = Webhooks::new().secret(Provider::Razorpay, "whsec_paylinks_test_other");
        let err = wrong.verify(Provider::RazorpayInvoice, &headers, &body).unwrap_err();
        assert!(matches!(err, Error::Webhook(WebhookError::SignatureMismatch { provider: "razorpay" })), "{err}");
    }

    #[cfg(feature = "cashfree")]
    #[test]
    fn a_cashfree_event_verifies_within_the_window_and_is_stale_outside_it() {
        let body = fixture("cashfree/webhooks/docs_partially_paid.json");
        let headers = fixture_headers("cashfree/webhooks/docs_partially_paid.headers");
        let signed_at = DateTime::from_timestamp_millis(1_746_427_759_733).unwrap();
        let webhooks = Webhooks::new().secret(Provider::Cashfree, "whsec_paylinks_test_cashfree_client_secret");
        let event = webhooks.verify_at(Provider::Cashfree, &headers, &body, signed_at).unwrap();
        assert_eq!((event.provider, event.kind), (Provider::Cashfree, crate::EventKind::PartiallyPaid));
        let later = signed_at + chrono::Duration::seconds(301);
        let err = webhooks.verify_at(Provider::Cashfree, &headers, &body, later).unwrap_err();
        assert!(matches!(err, Error::Webhook(WebhookError::StaleTimestamp { .. })), "{err}");
        let wider = webhooks.tolerance(Duration::from_secs(400));
        assert!(wider.verify_at(Provider::Cashfree, &headers, &body, later).is_ok(), "the window is configurable");
    }

    #[cfg(feature = "pinelabs")]
    #[test]
    fn a_pinelabs_event_verifies_with_its_webhook_secret() {
        let body = fixture("pinelabs/webhooks/order_processed_card.json");
        let headers = fixture_headers("pinelabs/webhooks/order_processed_card.headers");
        let signed_at = DateTime::from_timestamp(1_725_871_841, 0).unwrap();
        let webhooks =
            Webhooks::from_lookup(lookup(&[("PINELABS_WEBHOOK_SECRET", "whsec_paylinks_test_pinelabs")])).unwrap();
        let event = webhooks.verify_at(Provider::Pinelabs, &headers, &body, signed_at).unwrap();
        assert_eq!((event.provider, event.event_id.as_str()), (Provider::Pinelabs, "msg_paylinks_test_0001"));
        assert!(event.payment.is_some());
        let mut changed = body.clone();
        changed[body.len() / 2] ^= 1;
        let err = webhooks.verify_at(Provider::Pinelabs, &headers, &changed, signed_at).unwrap_err();
        assert!(matches!(err, Error::Webhook(WebhookError::SignatureMismatch { .. })), "{err}");
    }
}
