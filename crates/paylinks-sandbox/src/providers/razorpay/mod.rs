//! Razorpay: one provider with two link APIs on one host and one authentication (HTTP Basic
//! `key_id:key_secret`), under `/razorpay`: Payment Links v2 (`links.rs`,
//! <https://razorpay.com/docs/api/payments/payment-links/>) and the legacy invoice-based links
//! (`invoices.rs`, <https://razorpay.com/docs/api/payments/invoices/>). This module holds what
//! both share: the provider's registration, its error envelope and field readers, and its
//! webhook events and callback redirects (`events.rs`: which change sends which event, how
//! deliveries are signed, the `webhook_secret` setting, flag `--razorpay-webhook-secret`,
//! default `rzp_sandbox_webhook_secret`).

mod common;
mod events;
mod invoices;
mod links;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post};
use base64::Engine as _;
use paylinks_razorpay::types::KnownRazorpayErrorCode;
use serde_json::Value;

use self::common::{RazorpayError, fault_status, not_found};
use crate::body::header_text;
use crate::config::{SandboxConfig, SettingSpec};
use crate::page::PageLink;
use crate::payment::{ControlError, Paid, PayRequest};
use crate::provider::{Guarded, Provider, guard};
use crate::state::{AppState, Stores};
use crate::webhooks::WebhookEvent;
use chrono::{DateTime, Utc};

/// The provider's name.
const NAME: &str = common::NAME;

/// Default credentials `rzp_test_paylinks` / `rzp_sandbox_secret` (a `rzp_test_` key
/// selects test mode, which rejects UPI links), and the webhook secret
/// `rzp_sandbox_webhook_secret` that signs the events (`events.rs`; Razorpay's webhook
/// secret is set in the Dashboard, apart from the key).
const SETTINGS: &[SettingSpec] = &[
    SettingSpec::text(NAME, "key_id", "razorpay-key-id", "Razorpay key id the sandbox accepts.", "rzp_test_paylinks"),
    SettingSpec::text(
        NAME,
        "key_secret",
        "razorpay-key-secret",
        "Razorpay key secret the sandbox accepts.",
        "rzp_sandbox_secret",
    ),
    SettingSpec::text(
        NAME,
        "webhook_secret",
        "razorpay-webhook-secret",
        "Razorpay webhook secret the sandbox signs its webhook events with (X-Razorpay-Signature).",
        "rzp_sandbox_webhook_secret",
    ),
];
use self::common::INVOICES;

/// Razorpay: payment links and invoice-based links.
pub(super) struct Razorpay;

impl Provider for Razorpay {
    fn name(&self) -> &'static str {
        NAME
    }

    fn prefix(&self) -> &'static str {
        "/razorpay"
    }

    fn link_apis(&self) -> &'static [&'static str] {
        &[NAME, INVOICES]
    }

    fn settings(&self) -> &'static [SettingSpec] {
        SETTINGS
    }

    /// HTTP Basic `key_id:key_secret`. A missing or unknown key is 401 `The api key provided
    /// is invalid`, a known key with a wrong secret 401 `The api secret provided is invalid`,
    /// both in the error envelope with `BAD_REQUEST_ERROR`.
    fn authenticate(&self, app: &AppState, _path: &str, headers: &HeaderMap) -> Option<Response> {
        let decoded = header_text(headers, "authorization")
            .and_then(|h| h.strip_prefix("Basic "))
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok());
        let (key, secret) = decoded.as_deref().and_then(|text| text.split_once(':')).unwrap_or(("", ""));
        let unauthorized = |what: &str| {
            RazorpayError::bad_request(format!("The api {what} provided is invalid"))
                .with_status(StatusCode::UNAUTHORIZED, KnownRazorpayErrorCode::BadRequestError)
                .response()
        };
        if app.config.text(NAME, "key_id") != Some(key) {
            return Some(unauthorized("key"));
        }
        if app.config.text(NAME, "key_secret") != Some(secret) {
            return Some(unauthorized("secret"));
        }
        None
    }

    fn routes(self: Arc<Self>, app: &Arc<AppState>) -> Router {
        Router::new()
            .route("/v1/payment_links", post(links::create).get(links::list))
            .route("/v1/payment_links/", post(links::create).get(links::list))
            .route("/v1/payment_links/{id}", get(links::fetch).patch(links::update))
            .route("/v1/payment_links/{id}/cancel", post(links::cancel))
            .route("/v1/payment_links/{id}/notify_by/{medium}", post(links::notify))
            .route("/v1/invoices", post(invoices::create).get(invoices::list))
            .route("/v1/invoices/", post(invoices::create).get(invoices::list))
            .route("/v1/invoices/{id}", get(invoices::fetch).patch(invoices::update).delete(invoices::delete))
            .route("/v1/invoices/{id}/issue", post(invoices::issue))
            .route("/v1/invoices/{id}/cancel", post(invoices::cancel))
            .route("/v1/invoices/{id}/notify_by/{medium}", post(invoices::notify))
            .fallback(not_found)
            .method_not_allowed_fallback(not_found)
            .layer(from_fn_with_state(Guarded { app: app.clone(), provider: self }, guard))
            .with_state(app.clone())
    }

    fn fault_status(&self, status: StatusCode) -> Response {
        fault_status(status)
    }

    fn rate_limited(&self, _retry_after_secs: u64) -> Response {
        RazorpayError::bad_request("Too many requests. Please retry after some time.")
            .with_status(StatusCode::TOO_MANY_REQUESTS, KnownRazorpayErrorCode::BadRequestError)
            .response()
    }

    /// The error envelope with `BAD_REQUEST_ERROR` and `status`.
    fn refuse(&self, status: StatusCode, message: &str) -> Response {
        RazorpayError::bad_request(message).with_status(status, KnownRazorpayErrorCode::BadRequestError).response()
    }

    /// Pays and puts the `payment_link.paid` / `.partially_paid` (or `invoice.*`) event in the
    /// outbox; a payment link or invoice with a `callback_url` answers the signed `GET`
    /// redirect (`events.rs`). A failed attempt (`"failed": true`) changes nothing but the
    /// order's attempts, and sends no event and no redirect.
    fn pay(&self, stores: &mut Stores, api: &str, id: &str, request: &PayRequest) -> Result<Paid, ControlError> {
        // `"method"`: how the customer pays (default `card`, `upi` on a UPI link).
        let method = request.body.get("method").and_then(Value::as_str);
        let (paid, event) = match (api == INVOICES, request.failed) {
            (true, true) => return stores.of::<invoices::Store>().fail(id, request.amount),
            (false, true) => return stores.of::<links::Store>().fail(id, request.amount),
            (true, false) => stores.of::<invoices::Store>().pay(id, request.amount, method)?,
            (false, false) => stores.of::<links::Store>().pay(id, request.amount, method)?,
        };
        stores.outbox.push(event);
        Ok(paid)
    }

    /// Expires, queuing the `payment_link.expired` (or `invoice.expired`) event.
    fn expire(&self, stores: &mut Stores, api: &str, id: &str) -> Result<Value, ControlError> {
        if api == INVOICES { stores.of::<invoices::Store>().expire(id) } else { stores.of::<links::Store>().expire(id) }
    }

    /// A payment link or an invoice as the payment page shows it (an expiry its `expire_by`
    /// brings noticed first, its event queued); 404 for an unknown one.
    fn page(&self, stores: &mut Stores, api: &str, id: &str) -> Result<PageLink, ControlError> {
        let page = if api == INVOICES {
            stores.of::<invoices::Store>().page(id)
        } else {
            stores.of::<links::Store>().page(id)
        };
        page.ok_or_else(|| ControlError::not_found(api, id))
    }

    /// `X-Razorpay-Signature` (hex HMAC-SHA256 of the body under the `webhook_secret`
    /// setting), `x-razorpay-event-id` and `content-type`. Razorpay signs no time, so `now`
    /// changes nothing: every attempt of an event carries the same headers.
    fn sign_webhook(&self, config: &SandboxConfig, event: &WebhookEvent, now: DateTime<Utc>) -> HeaderMap {
        let _ = now;
        let secret = config.text(NAME, "webhook_secret").unwrap_or_default();
        paylinks_razorpay::webhook::sign(secret, &event.id, &event.body)
    }

    /// Lists (the events of the expiries this reading noticed queued).
    fn links(&self, stores: &mut Stores, api: &str) -> Vec<Value> {
        if api == INVOICES {
            stores.of::<invoices::Store>().all_links()
        } else {
            stores.of::<links::Store>().all_links()
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use paylinks_razorpay::redirect::{verify_callback, verify_invoice_callback};
    use paylinks_razorpay::types::{KnownWebhookEventName, WebhookEvent as Envelope, WebhookEventName};
    use paylinks_razorpay::webhook::Verifier;
    use serde_json::json;

    use super::*;
    use crate::payment::Redirect;

    async fn read(response: Response) -> Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    fn app() -> Arc<AppState> {
        let mut config = SandboxConfig::default();
        config.set(NAME, "webhook_secret", "whsec_paylinks_test_sandbox").unwrap();
        Arc::new(AppState::new(config))
    }

    async fn link(app: &Arc<AppState>, body: Value) -> String {
        let created = read(links::create(State(app.clone()), Bytes::from(body.to_string())).await).await;
        created["id"].as_str().unwrap_or_else(|| panic!("{created}")).to_owned()
    }

    async fn invoice(app: &Arc<AppState>) -> String {
        invoice_with(app, json!({})).await
    }

    /// An issued invoice link of ₹399 taking part payments, with the members of `extra` too.
    async fn invoice_with(app: &Arc<AppState>, extra: Value) -> String {
        let mut body = json!({"type": "link", "description": "A book", "partial_payment": true,
            "customer": {"name": "Asha Rao", "email": "asha.rao@example.com"},
            "line_items": [{"name": "A book", "amount": 39900, "quantity": 1}]});
        body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
        let created = read(invoices::create(State(app.clone()), Bytes::from(body.to_string())).await).await;
        created["id"].as_str().unwrap_or_else(|| panic!("{created}")).to_owned()
    }

    /// A failed attempt of `amount`, or the refusal's message.
    fn fail(app: &AppState, api: &str, id: &str, amount: Option<i64>) -> Result<Paid, String> {
        let request = PayRequest { amount, failed: true, ..PayRequest::default() };
        Razorpay.pay(&mut app.lock(), api, id, &request).map_err(|e| e.message().to_owned())
    }

    /// The refusal's message of a payment of `amount`.
    fn refused(app: &AppState, api: &str, id: &str, amount: i64) -> String {
        let request = PayRequest { amount: Some(amount), ..PayRequest::default() };
        Razorpay.pay(&mut app.lock(), api, id, &request).unwrap_err().message().to_owned()
    }

    fn pay(app: &AppState, api: &str, id: &str, amount: Option<i64>) -> Paid {
        let request = PayRequest { amount, ..PayRequest::default() };
        Razorpay.pay(&mut app.lock(), api, id, &request).unwrap()
    }

    /// Every event in the outbox, taken out, each verified as a receiver would: the headers the
    /// sandbox signs with, checked by the crate's verifier under the configured secret.
    fn delivered(app: &AppState) -> Vec<Envelope> {
        let events = app.lock().take_outbox();
        let verifier = Verifier::new("whsec_paylinks_test_sandbox");
        events
            .iter()
            .map(|event| {
                assert_eq!(event.provider, "razorpay");
                let headers = Razorpay.sign_webhook(&app.config, event, Utc::now());
                assert_eq!(headers["content-type"], "application/json");
                let verified = verifier.verify(&headers, &event.body).unwrap_or_else(|e| panic!("{}: {e}", event.name));
                assert_eq!(verified.id, event.id);
                assert_eq!(verified.envelope.event.to_string(), event.name);
                // Another secret refuses it.
                assert!(Verifier::new("rzp_sandbox_secret").verify(&headers, &event.body).is_err());
                verified.envelope
            })
            .collect()
    }

    fn name(envelope: &Envelope) -> String {
        envelope.event.to_string()
    }

    #[tokio::test]
    async fn a_link_paid_in_two_parts_sends_partially_paid_then_paid() {
        let app = app();
        let id = link(
            &app,
            json!({"amount": 1000, "currency": "INR", "accept_partial": true, "reference_id": "TS1",
            "customer": {"email": "asha.rao@example.com"}}),
        )
        .await;
        assert!(app.lock().take_outbox().is_empty(), "creating sends nothing");
        pay(&app, NAME, &id, Some(400));
        pay(&app, NAME, &id, None);
        let events = delivered(&app);
        assert_eq!(events.iter().map(name).collect::<Vec<_>>(), ["payment_link.partially_paid", "payment_link.paid"]);
        let [partly, paid] = [&events[0], &events[1]];
        assert_eq!(partly.entity, "event");
        assert_eq!(partly.account_id.as_deref(), Some(events::ACCOUNT_ID));
        assert_eq!(
            partly.contains.as_deref(),
            Some(&["payment_link".to_owned(), "order".into(), "payment".into()][..])
        );
        let payment = &partly.payload.payment.as_ref().unwrap().entity;
        assert_eq!((payment.amount, payment.currency.as_deref()), (Some(400), Some("INR")));
        assert_eq!(payment.status.as_ref().map(ToString::to_string).as_deref(), Some("captured"));
        assert_eq!(payment.email.as_deref(), Some("asha.rao@example.com"));
        let link = &paid.payload.payment_link.as_ref().unwrap().entity;
        assert_eq!((link.amount, link.amount_paid), (Some(1000), Some(1000)));
        assert_eq!(link.status.as_ref().map(ToString::to_string).as_deref(), Some("paid"));
        assert_eq!(link.payments, None, "a webhook's link carries no payments[]");
        let order = &paid.payload.order.as_ref().unwrap().entity;
        assert_eq!((order.amount_paid, order.amount_due, order.attempts), (Some(1000), Some(0), Some(2)));
        assert_eq!(order.id, payment.order_id, "the order and the payment agree");
        assert_eq!(paid.payload.payment.as_ref().unwrap().entity.amount, Some(600));
    }

    #[tokio::test]
    async fn the_page_shows_links_and_invoices_in_razorpays_terms() {
        let app = app();
        let id = link(
            &app,
            json!({"amount": 1000, "accept_partial": true, "first_min_partial_amount": 300, "description": "A book"}),
        )
        .await;
        pay(&app, NAME, &id, Some(400));
        let page = Razorpay.page(&mut app.lock(), NAME, &id).unwrap();
        assert_eq!((page.provider, page.description.as_deref()), ("Razorpay Payment Links", Some("A book")));
        assert_eq!((page.amount, page.paid, page.status.as_str(), page.open), (1000, 400, "partially_paid", true));
        assert_eq!((page.partial_minimum, page.expires_at), (Some(300), None));
        let whole = link(&app, json!({"amount": 1000})).await;
        let page = Razorpay.page(&mut app.lock(), NAME, &whole).unwrap();
        assert_eq!((page.partial_minimum, page.description), (None, None));

        let invoice = invoice(&app).await;
        let page = Razorpay.page(&mut app.lock(), INVOICES, &invoice).unwrap();
        assert_eq!((page.provider, page.amount, page.status.as_str()), ("Razorpay Invoices", 39900, "issued"));
        assert_eq!(page.partial_minimum, Some(0), "partial_payment without first_payment_min_amount");
        assert!(Razorpay.page(&mut app.lock(), INVOICES, &id).is_err(), "a payment link is no invoice");

        // A link whose expire_by has passed is expired by the page's reading, and announced.
        delivered(&app);
        {
            let mut stores = app.lock();
            let link = stores.of::<links::Store>();
            link.set_expire_by(&id, Utc::now().timestamp() - 1);
        }
        let page = Razorpay.page(&mut app.lock(), NAME, &id).unwrap();
        assert_eq!((page.status.as_str(), page.open), ("expired", false));
        assert_eq!(delivered(&app).iter().map(name).collect::<Vec<_>>(), ["payment_link.expired"]);
    }

    #[tokio::test]
    async fn event_ids_are_unique_and_cancel_and_expire_send_the_link_only() {
        let app = app();
        let cancelled = link(&app, json!({"amount": 1000})).await;
        let expired = link(&app, json!({"amount": 1000})).await;
        let cancel = read(links::cancel(State(app.clone()), Path(cancelled.clone())).await).await;
        assert_eq!(cancel["status"], "cancelled");
        Razorpay.expire(&mut app.lock(), NAME, &expired).unwrap();
        // A refused cancel (already cancelled) sends nothing.
        read(links::cancel(State(app.clone()), Path(cancelled.clone())).await).await;
        let ids: Vec<String> = {
            let mut stores = app.lock();
            let waiting = stores.take_outbox();
            let ids = waiting.iter().map(|e| e.id.clone()).collect();
            stores.outbox.extend(waiting);
            ids
        };
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1]);
        assert!(ids.iter().all(|id| id.starts_with("evt_") && id.len() == 18), "{ids:?}");
        let events = delivered(&app);
        assert_eq!(events.iter().map(name).collect::<Vec<_>>(), ["payment_link.cancelled", "payment_link.expired"]);
        for event in &events {
            assert_eq!(event.contains.as_deref(), Some(&["payment_link".to_owned()][..]));
            assert!(event.payload.payment.is_none() && event.payload.order.is_none());
        }
        let link = |i: usize| events[i].payload.payment_link.as_ref().unwrap().entity.id.clone();
        assert_eq!((link(0), link(1)), (Some(cancelled), Some(expired)));
    }

    #[tokio::test]
    async fn invoice_links_send_invoice_events() {
        let app = app();
        let id = invoice(&app).await;
        pay(&app, INVOICES, &id, Some(9900));
        pay(&app, INVOICES, &id, None);
        let expired = invoice(&app).await;
        Razorpay.expire(&mut app.lock(), INVOICES, &expired).unwrap();
        let events = delivered(&app);
        assert_eq!(
            events.iter().map(name).collect::<Vec<_>>(),
            ["invoice.partially_paid", "invoice.paid", "invoice.expired"]
        );
        assert_eq!(events[1].event, WebhookEventName::KnownWebhookEventName(KnownWebhookEventName::InvoicePaid));
        let payment = &events[1].payload.payment.as_ref().unwrap().entity;
        assert_eq!((payment.amount, payment.invoice_id.as_deref()), (Some(30000), Some(id.as_str())));
        let invoice = &events[1].payload.invoice.as_ref().unwrap().entity;
        assert_eq!((invoice.amount_paid, invoice.amount_due), (Some(39900), Some(0)));
        assert_eq!(invoice.payment_id, payment.id);
        assert!(events[2].payload.payment.is_none());
        assert_eq!(events[2].payload.invoice.as_ref().unwrap().entity.id.as_deref(), Some(expired.as_str()));
    }

    #[tokio::test]
    async fn a_paid_link_with_a_callback_url_redirects_with_a_real_signature() {
        let app = app();
        let id = link(
            &app,
            json!({"amount": 1000, "reference_id": "TS35", "accept_partial": true,
            "callback_url": "https://shop.example/thanks?order=42", "callback_method": "get"}),
        )
        .await;
        let paid = pay(&app, NAME, &id, Some(500));
        let redirect = url::Url::parse(paid.redirect.as_ref().unwrap().url()).unwrap();
        assert_eq!((redirect.host_str(), redirect.path()), (Some("shop.example"), "/thanks"));
        let query: Vec<(String, String)> = redirect.query_pairs().into_owned().collect();
        assert_eq!(query[0], ("order".to_owned(), "42".to_owned()), "the merchant's own parameter is kept");
        let callback = verify_callback("rzp_sandbox_secret", query.clone()).unwrap();
        assert_eq!((callback.payment_link_id.as_str(), callback.reference_id.as_str()), (id.as_str(), "TS35"));
        assert_eq!(callback.status, "partially_paid");
        let event = delivered(&app).remove(0);
        assert_eq!(event.payload.payment.unwrap().entity.id, Some(callback.payment_id));
        // Signed with the key secret, not the webhook secret.
        assert!(verify_callback("whsec_paylinks_test_sandbox", query).is_err());
        // A link without a callback_url sends the customer nowhere.
        let plain = link(&app, json!({"amount": 1000})).await;
        assert_eq!(pay(&app, NAME, &plain, None).redirect, None);
    }

    #[tokio::test]
    async fn a_failed_attempt_leaves_the_link_open_counts_an_attempt_and_sends_nothing() {
        let app = app();
        let id = link(
            &app,
            json!({"amount": 1000, "accept_partial": true,
            "callback_url": "https://shop.example/thanks", "callback_method": "get"}),
        )
        .await;
        let failed = fail(&app, NAME, &id, None).unwrap();
        assert_eq!(failed.redirect, None, "the callback is for a successful payment");
        assert_eq!((&failed.link["status"], &failed.link["amount_paid"]), (&json!("created"), &json!(0)));
        assert_eq!(failed.link["payments"], Value::Null, "only captured payments are listed");
        assert!(failed.link["order_id"].as_str().unwrap().starts_with("order_"), "the attempt made the order");
        assert!(app.lock().take_outbox().is_empty(), "no payment_link event for a failed payment");
        fail(&app, NAME, &id, Some(400)).unwrap();
        pay(&app, NAME, &id, None);
        let paid = delivered(&app).remove(0);
        let order = &paid.payload.order.as_ref().unwrap().entity;
        assert_eq!(
            (order.attempts, order.id.as_ref()),
            (Some(3), failed.link["order_id"].as_str().map(str::to_owned).as_ref())
        );
        assert!(fail(&app, NAME, &id, None).unwrap_err().contains("paid"), "a paid link takes no attempt");

        let invoice = invoice(&app).await;
        let failed = fail(&app, INVOICES, &invoice, Some(9900)).unwrap();
        assert_eq!(
            (&failed.link["status"], &failed.link["amount_due"], failed.redirect),
            (&json!("issued"), &json!(39900), None)
        );
        assert!(app.lock().take_outbox().is_empty(), "no invoice event for a failed payment");
        pay(&app, INVOICES, &invoice, None);
        let order = delivered(&app).remove(0).payload.order.unwrap().entity;
        assert_eq!(order.attempts, Some(2));
    }

    #[tokio::test]
    async fn refusals_quote_razorpays_field_descriptions() {
        let app = app();
        let partial =
            link(&app, json!({"amount": 1000, "accept_partial": true, "first_min_partial_amount": 300})).await;
        assert_eq!(
            refused(&app, NAME, &partial, 200),
            "₹2.00 is less than ₹3.00, the minimum amount that must be paid by the customer as the first partial payment (first_min_partial_amount)."
        );
        assert_eq!(
            fail(&app, NAME, &partial, Some(200)).unwrap_err(),
            refused(&app, NAME, &partial, 200),
            "an attempt too"
        );
        let whole = link(&app, json!({"amount": 1000})).await;
        assert_eq!(
            refused(&app, NAME, &whole, 400),
            "Customer cannot make partial payments on this Payment Link (accept_partial is false): pay the full ₹10.00."
        );
        assert_eq!(
            refused(&app, NAME, &whole, 1001),
            "The amount ₹10.01 is more than the ₹10.00 due on this Payment Link."
        );
        let invoice = invoice_with(&app, json!({"first_payment_min_amount": 10000})).await;
        let below = refused(&app, INVOICES, &invoice, 9900);
        assert!(below.ends_with("the minimum amount that must be paid by the customer as the first partial payment (first_payment_min_amount)."), "{below}");
        assert!(below.starts_with("₹99.00 is less than ₹100.00"), "{below}");
        let whole = invoice_with(&app, json!({"partial_payment": false})).await;
        assert!(refused(&app, INVOICES, &whole, 100).contains("(partial_payment is false): pay the full ₹399.00"));
        assert!(refused(&app, INVOICES, &whole, 40000).contains("more than the ₹399.00 due on this invoice"));
    }

    #[tokio::test]
    async fn a_paid_invoice_with_a_callback_url_redirects_with_the_documented_signature() {
        let app = app();
        let id = invoice_with(
            &app,
            json!({"receipt": "R-1042", "callback_url": "https://shop.example/invoices?order=42", "callback_method": "get"}),
        )
        .await;
        let paid = pay(&app, INVOICES, &id, Some(9900));
        let Some(Redirect::Get(url)) = &paid.redirect else { panic!("a GET redirect: {:?}", paid.redirect) };
        let redirect = url::Url::parse(url).unwrap();
        assert_eq!((redirect.host_str(), redirect.path()), (Some("shop.example"), "/invoices"));
        let query: Vec<(String, String)> = redirect.query_pairs().into_owned().collect();
        let names: Vec<&str> = query.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "order",
                "razorpay_payment_id",
                "razorpay_invoice_id",
                "razorpay_invoice_receipt",
                "razorpay_invoice_status",
                "razorpay_signature"
            ]
        );
        let callback = verify_invoice_callback("rzp_sandbox_secret", query.clone()).unwrap();
        assert_eq!((callback.invoice_id.as_str(), callback.receipt.as_str()), (id.as_str(), "R-1042"));
        assert_eq!(callback.status, "partially_paid");
        assert_eq!(Some(callback.payment_id), paid.link["payment_id"].as_str().map(str::to_owned));
        assert!(verify_invoice_callback("whsec_paylinks_test_sandbox", query).is_err(), "the key secret signs it");
        // The last payment redirects with the final status; an invoice without a receipt
        // is signed over an empty one.
        let last = pay(&app, INVOICES, &id, None).redirect.unwrap();
        let query = url::Url::parse(last.url()).unwrap().query_pairs().into_owned().collect::<Vec<_>>();
        assert_eq!(verify_invoice_callback("rzp_sandbox_secret", query).unwrap().status, "paid");
        let bare =
            invoice_with(&app, json!({"callback_url": "https://shop.example/i", "callback_method": "get"})).await;
        let query = url::Url::parse(pay(&app, INVOICES, &bare, None).redirect.unwrap().url())
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect::<Vec<_>>();
        assert_eq!(verify_invoice_callback("rzp_sandbox_secret", query).unwrap().receipt, "");
        // Without a callback_url there is no redirect; a bad one is refused on create.
        let plain = invoice(&app).await;
        assert_eq!(pay(&app, INVOICES, &plain, None).redirect, None);
        let body = json!({"type": "link", "amount": 1000, "customer": {"name": "Asha Rao", "email": "asha.rao@example.com"},
            "callback_url": "shop", "callback_method": "get"});
        let refused = read(invoices::create(State(app.clone()), Bytes::from(body.to_string())).await).await;
        assert_eq!(refused["error"]["field"], "callback_url");
    }
}
