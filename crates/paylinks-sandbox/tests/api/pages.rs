//! The hosted payment page (`/pay/{api}/{id}`) over plain HTTP: every page and form, the
//! state after each action (through the providers' APIs and the control API), the webhook
//! events the page's actions queue, and the redirects. HTML is read by its structure
//! (scraper's CSS selectors), redirects are not followed.

use std::sync::{Arc, Mutex};

use paylinks_sandbox::SandboxConfig;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Harness, send, start_with};

/// A client that does not follow redirects (the tests read each `Location`), for plain HTTP
/// on 127.0.0.1 (rustls with ring and no trusted root: never used for TLS here).
fn page_client() -> Client {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap()
}

/// `request` with `fields` as an `application/x-www-form-urlencoded` body, as a browser
/// posts a form.
fn form(request: reqwest::RequestBuilder, fields: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    request.header("content-type", "application/x-www-form-urlencoded").body(body)
}

/// An answer of the page: status, headers, parsed HTML.
struct Page {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    html: scraper::Html,
    text: String,
}

impl Page {
    async fn from(response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Page { status, headers, html: scraper::Html::parse_document(&text), text }
    }

    /// The elements matching `css`.
    fn all(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let selector = scraper::Selector::parse(css).unwrap_or_else(|e| panic!("{css}: {e:?}"));
        self.html.select(&selector).collect()
    }

    /// The text of the one element matching `css`, trimmed.
    #[track_caller]
    fn text_of(&self, css: &str) -> String {
        let found = self.all(css);
        assert_eq!(found.len(), 1, "one {css} in {}", self.text);
        found[0].text().collect::<String>().trim().to_owned()
    }

    /// An attribute of the one element matching `css`.
    #[track_caller]
    fn attr(&self, css: &str, name: &str) -> String {
        let found = self.all(css);
        assert_eq!(found.len(), 1, "one {css} in {}", self.text);
        found[0].value().attr(name).unwrap_or_else(|| panic!("{css} has no {name}")).to_owned()
    }

    fn has(&self, css: &str) -> bool {
        !self.all(css).is_empty()
    }

    fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no Location: {:?}", self.headers))
    }

    /// Asserts the status and that the answer is an HTML page of the layout.
    #[track_caller]
    fn html_page(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        let content_type = self.headers.get("content-type").and_then(|v| v.to_str().ok());
        assert_eq!(content_type, Some("text/html; charset=utf-8"));
        assert!(self.text.starts_with("<!DOCTYPE html>"), "{}", self.text);
        assert_eq!(self.text_of("footer"), "paylinks sandbox — no real money moves");
        self
    }

    /// Asserts the status, the message in `#message`, and that an open link keeps every button.
    #[track_caller]
    fn refused(&self, status: u16, message: &str) {
        self.html_page(status);
        assert_eq!(self.text_of("#message"), message);
        if self.attr("main#link", "data-open") == "true" {
            for button in ["#pay-full", "#fail", "#expire"] {
                assert!(self.has(button), "{button} missing after a refusal: {}", self.text);
            }
        }
    }
}

/// The sandbox, a page client, and a webhook receiver that answers 200 to everything.
struct World {
    h: Harness,
    client: Client,
    received: Arc<Mutex<Vec<Value>>>,
    receiver: tokio::task::JoinHandle<()>,
}

impl World {
    async fn start() -> World {
        World::start_with(SandboxConfig::default()).await
    }

    async fn start_with(mut config: SandboxConfig) -> World {
        let received = Arc::new(Mutex::new(Vec::new()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/{{provider}}", listener.local_addr().unwrap());
        let kept = received.clone();
        let app = axum::Router::new().fallback(move |body: axum::body::Bytes| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push(serde_json::from_slice(&body).unwrap_or(Value::Null));
                StatusCode::OK
            }
        });
        let receiver = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        config.add_webhook_url(&url).unwrap();
        World { h: start_with(config).await, client: page_client(), received, receiver }
    }

    fn page_url(&self, api: &str, id: &str) -> String {
        format!("{}/pay/{api}/{id}", self.h.sandbox.public_url())
    }

    async fn get(&self, url: &str) -> Page {
        Page::from(self.client.get(url).send().await.unwrap()).await
    }

    async fn open(&self, api: &str, id: &str) -> Page {
        self.get(&self.page_url(api, id)).await
    }

    /// Posts a page form (`action`, and `amount` when given).
    async fn post(&self, api: &str, id: &str, fields: &[(&str, &str)]) -> Page {
        Page::from(form(self.client.post(self.page_url(api, id)), fields).send().await.unwrap()).await
    }

    /// Every delivery, once none is pending (the receiver answers at once).
    async fn deliveries(&self) -> Vec<Value> {
        for _ in 0..200 {
            let listed = send(self.h.control(Method::GET, "/deliveries")).await;
            let deliveries = listed.body["deliveries"].as_array().cloned().unwrap_or_default();
            if deliveries.iter().all(|d| d["outcome"] != "pending") {
                return deliveries;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("deliveries still pending");
    }

    /// The names of the events delivered so far.
    async fn events(&self) -> Vec<String> {
        let deliveries = self.deliveries().await;
        assert!(deliveries.iter().all(|d| d["outcome"] == "delivered"), "{deliveries:#?}");
        deliveries.iter().map(|d| d["event"].as_str().unwrap_or_default().to_owned()).collect()
    }

    /// The link `id` of link API `api` as the control API lists it.
    async fn link(&self, api: &str, id: &str) -> Value {
        let links = self.h.all_links(api).await;
        let key = |link: &Value| {
            ["link_id", "id", "payment_link_id"].iter().find_map(|key| link[key].as_str().map(str::to_owned))
        };
        links.into_iter().find(|link| key(link).as_deref() == Some(id)).unwrap_or_else(|| panic!("no {api} link {id}"))
    }

    async fn stop(self) {
        self.h.sandbox.shutdown().await;
        self.receiver.abort();
    }
}

/// One link API under test: how to create a link of ₹1,250.50 (part payments from ₹100.00
/// where the API has a minimum), and what its page and events say.
#[derive(Clone, Copy)]
struct Api {
    api: &'static str,
    product: &'static str,
    /// Statuses: new, partly paid, paid, expired.
    statuses: [&'static str; 4],
    /// Events of a part payment, a full payment, an expiry.
    events: [&'static str; 3],
    /// The smallest first part payment, in paise (0: none).
    minimum: i64,
}

const CASHFREE: Api = Api {
    api: "cashfree",
    product: "Cashfree Payments",
    statuses: ["ACTIVE", "PARTIALLY_PAID", "PAID", "EXPIRED"],
    events: ["PAYMENT_LINK_EVENT", "PAYMENT_LINK_EVENT", "PAYMENT_LINK_EVENT"],
    minimum: 10_000,
};
const RAZORPAY: Api = Api {
    api: "razorpay",
    product: "Razorpay Payment Links",
    statuses: ["created", "partially_paid", "paid", "expired"],
    events: ["payment_link.partially_paid", "payment_link.paid", "payment_link.expired"],
    minimum: 10_000,
};
const INVOICES: Api = Api {
    api: "razorpay_invoice",
    product: "Razorpay Invoices",
    statuses: ["issued", "partially_paid", "paid", "expired"],
    events: ["invoice.partially_paid", "invoice.paid", "invoice.expired"],
    minimum: 10_000,
};
const PINELABS: Api = Api {
    api: "pinelabs",
    product: "Pine Labs Online",
    statuses: ["CREATED", "PARTIAL_PROCESSED", "PROCESSED", "EXPIRED"],
    events: ["ORDER_PROCESSED", "ORDER_PROCESSED", "ORDER_FAILED"],
    minimum: 0,
};
const APIS: [Api; 4] = [CASHFREE, RAZORPAY, INVOICES, PINELABS];

/// Creates a link of ₹1,250.50 through the provider's own API: part payments on (or off),
/// with the provider's fields of `extra` merged in; answers its id.
async fn create(h: &Harness, api: Api, partial: bool, extra: Value) -> String {
    let unique = format!("page_{}", fastrand_id());
    let in_30_days = (chrono::Utc::now() + chrono::Duration::days(30)).timestamp();
    let (mut body, request) = match api.api {
        "cashfree" => (
            json!({"link_id": unique, "link_amount": 1250.5, "link_currency": "INR",
                "link_purpose": "Tea & <b>biscuits</b>",
                "customer_details": {"customer_phone": "9999999999"},
                "link_partial_payments": partial, "link_minimum_partial_amount": 100}),
            None,
        ),
        "razorpay" => (
            json!({"amount": 125_050, "currency": "INR", "accept_partial": partial,
                "description": "Tea & <b>biscuits</b>", "expire_by": in_30_days}),
            None,
        ),
        "razorpay_invoice" => (
            json!({"type": "link", "description": "Tea & <b>biscuits</b>", "currency": "INR",
                "customer": {"name": "Gaurav Kumar", "email": "gaurav.kumar@example.com", "contact": "+919876543210"},
                "line_items": [{"name": "Tea", "amount": 125_050, "quantity": 1}],
                "partial_payment": partial, "expire_by": in_30_days}),
            None,
        ),
        _ => {
            let expire_by = (chrono::Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%dT%H:%MZ").to_string();
            let token = h.pinelabs_token().await;
            (
                json!({"amount": {"value": 125_050, "currency": "INR"}, "merchant_payment_link_reference": unique,
                    "description": "Tea & <b>biscuits</b>", "expire_by": expire_by}),
                Some(token),
            )
        }
    };
    // The minimum of a first part payment, ₹100.00, only where part payments are on.
    if partial {
        let minimum = match api.api {
            "razorpay" => Some(("first_min_partial_amount", json!(10_000))),
            "razorpay_invoice" => Some(("first_payment_min_amount", json!(10_000))),
            _ => None,
        };
        if let (Some(body), Some((key, value))) = (body.as_object_mut(), minimum) {
            body.insert(key.to_owned(), value);
        }
    }
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let reply = match (api.api, request) {
        ("cashfree", _) => send(h.cashfree(Method::POST, "/links").json(&body)).await,
        ("razorpay", _) => send(h.razorpay(Method::POST, "/v1/payment_links").json(&body)).await,
        ("razorpay_invoice", _) => send(h.razorpay(Method::POST, "/v1/invoices").json(&body)).await,
        (_, token) => {
            send(h.pinelabs(Method::POST, "/api/pay/v1/paymentlink", &token.unwrap_or_default()).json(&body)).await
        }
    };
    reply.status(200);
    ["link_id", "id", "payment_link_id"]
        .iter()
        .find_map(|key| reply.body[key].as_str().filter(|_| api.api != "cashfree" || *key == "link_id"))
        .unwrap()
        .to_owned()
}

/// A short unique suffix for references.
fn fastrand_id() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!("{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// What the page shows of a link in numbers and words.
#[track_caller]
fn shows(page: &Page, api: Api, id: &str, status: &str, paid: &str, due: &str) {
    assert_eq!(page.attr("main#link", "data-api"), api.api);
    assert_eq!(page.attr("main#link", "data-status"), status);
    assert_eq!(page.text_of("#provider"), api.product);
    assert_eq!(page.text_of("#description"), "Tea & <b>biscuits</b>", "escaped, shown as typed");
    assert_eq!(page.text_of("#amount"), "₹1,250.50");
    assert_eq!(page.text_of("#amount-paid"), paid);
    assert_eq!(page.text_of("#amount-due"), due);
    assert_eq!(page.text_of("#status"), status);
    assert_eq!(page.text_of("#link-id"), id);
}

#[tokio::test]
async fn every_link_api_pays_part_then_the_rest_through_the_page() {
    let world = World::start().await;
    let mut expected_events = Vec::new();
    for api in APIS {
        let id = create(&world.h, api, true, json!({})).await;
        let page = world.open(api.api, &id).await;
        page.html_page(200);
        shows(&page, api, &id, api.statuses[0], "₹0.00", "₹1,250.50");
        assert_eq!(page.attr("main#link", "data-open"), "true");
        let action = format!("/pay/{}/{id}", api.api);
        assert_eq!(page.all(&format!(r#"form[method="post"][action="{action}"]"#)).len(), 4, "{}", page.text);
        assert_eq!(page.text_of("#pay-full"), "Pay ₹1,250.50");
        assert_eq!(page.attr("#part-amount", "name"), "amount");
        assert!(page.has("#pay-part") && page.has("#fail") && page.has("#expire"));
        if api.minimum > 0 {
            assert_eq!(page.text_of("#partial-minimum"), "The first part payment must be at least ₹100.00.");
        }
        assert!(page.has("#expires time[datetime]"), "{}", page.text);
        assert!(page.has(r#"meta[name="viewport"]"#));

        // Pay part: back to the page with a notice.
        let part = world.post(api.api, &id, &[("action", "pay_part"), ("amount", "250.50")]).await;
        assert_eq!(part.status, StatusCode::SEE_OTHER, "{}", part.text);
        assert_eq!(part.location(), format!("{action}?notice=paid&amount=25050"));
        let page = world.get(&format!("{}{}", world.h.sandbox.public_url(), part.location())).await;
        page.html_page(200);
        assert_eq!(page.text_of("#notice"), "Paid ₹250.50");
        shows(&page, api, &id, api.statuses[1], "₹250.50", "₹1,000.00");
        assert_eq!(page.text_of("#partial-minimum"), "Any amount up to ₹1,000.00.");
        expected_events.push(api.events[0]);
        assert_eq!(world.events().await, expected_events, "{}", api.api);
        assert_paid(&world, api, &id, 25_050, 1).await;

        // Pay the rest: the link is closed, no buttons.
        let rest = world.post(api.api, &id, &[("action", "pay")]).await;
        assert_eq!(rest.status, StatusCode::SEE_OTHER, "{}", rest.text);
        assert_eq!(rest.location(), format!("{action}?notice=paid&amount=100000"));
        let page = world.open(api.api, &id).await;
        page.html_page(200);
        shows(&page, api, &id, api.statuses[2], "₹1,250.50", "₹0.00");
        assert_eq!(page.attr("main#link", "data-open"), "false");
        assert!(page.all("form").is_empty() && page.all("button").is_empty(), "{}", page.text);
        assert!(page.text_of("#closed").contains(api.statuses[2]));
        expected_events.push(api.events[1]);
        assert_eq!(world.events().await, expected_events, "{}", api.api);
        assert_paid(&world, api, &id, 125_050, 2).await;

        // A paid link refuses another payment, with the provider's reason, and stays paid.
        let again = world.post(api.api, &id, &[("action", "pay")]).await;
        again.html_page(400);
        assert!(!again.text_of("#message").is_empty());
        assert_eq!(again.attr("main#link", "data-status"), api.statuses[2]);
        assert!(again.all("button").is_empty());
    }
    assert_eq!(world.received.lock().unwrap().len(), expected_events.len());
    world.stop().await;
}

/// The link's paid amount and payments, as the provider's API (through the control API's
/// listing, in each provider's shape) shows them.
async fn assert_paid(world: &World, api: Api, id: &str, paise: i64, payments: usize) {
    let link = world.link(api.api, id).await;
    match api.api {
        "cashfree" => {
            let major = rust_decimal_text(paise);
            assert_eq!(link["link_amount_paid"].to_string(), major, "{link:#}");
            let orders = send(world.h.cashfree(Method::GET, &format!("/links/{id}/orders"))).await;
            let orders = orders.body.as_array().cloned().unwrap_or_default();
            assert_eq!(orders.iter().filter(|o| o["order_status"] == "PAID").count(), payments, "{orders:#?}");
        }
        "razorpay" => {
            assert_eq!(link["amount_paid"], paise, "{link:#}");
            // `payments` is null until the first payment; a failed attempt is not one.
            let made =
                link["payments"].as_array().map_or(0, |all| all.iter().filter(|p| p["status"] != "failed").count());
            assert_eq!(made, payments, "{link:#}");
        }
        "razorpay_invoice" => {
            assert_eq!(link["amount_paid"], paise, "{link:#}");
            assert_eq!(link["amount_due"], 125_050 - paise, "{link:#}");
        }
        _ => assert_eq!(link["amount_due"]["value"], 125_050 - paise, "{link:#}"),
    }
}

/// Paise as a JSON number of rupees (`25050` is `250.5`).
fn rust_decimal_text(paise: i64) -> String {
    let text = format!("{}.{:02}", paise / 100, paise % 100);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[tokio::test]
async fn bad_input_gets_the_page_back_with_the_reason() {
    let world = World::start().await;
    for api in APIS {
        let id = create(&world.h, api, true, json!({})).await;
        let cases: Vec<(Vec<(&str, &str)>, String)> = vec![
            (vec![("action", "pay_part")], "amount is required: enter the amount in INR, e.g. 250.50".into()),
            (
                vec![("action", "pay_part"), ("amount", " ")],
                "amount is required: enter the amount in INR, e.g. 250.50".into(),
            ),
            (vec![("action", "pay_part"), ("amount", "-5")], "amount cannot be negative".into()),
            (vec![("action", "pay_part"), ("amount", "0")], "amount must be more than zero".into()),
            (
                vec![("action", "pay_part"), ("amount", "ten")],
                "amount `ten` is not a number: write it like 250.50".into(),
            ),
            (
                vec![("action", "pay_part"), ("amount", "10.125")],
                "amount can have at most 2 decimal places for INR".into(),
            ),
            (vec![("action", "refund")], "unknown action `refund`: use one of pay, pay_part, fail, expire".into()),
            (vec![], "the form names no action: use one of pay, pay_part, fail, expire".into()),
        ];
        for (fields, message) in cases {
            let page = world.post(api.api, &id, &fields).await;
            page.refused(400, &message);
            shows(&page, api, &id, api.statuses[0], "₹0.00", "₹1,250.50");
            // The amount typed is kept.
            let typed = fields.iter().find(|(name, _)| *name == "amount").map(|(_, value)| *value);
            if let Some(typed) = typed {
                assert_eq!(page.attr("#part-amount", "value"), typed);
            }
        }
        // More than is due, and (where the link has one) below the minimum: the provider's words.
        // Each provider words these itself; the message names the amounts as the page does.
        let too_much = world.post(api.api, &id, &[("action", "pay_part"), ("amount", "1250.51")]).await;
        let message = too_much.text_of("#message");
        too_much.refused(400, &message);
        assert!(message.contains("₹1,250.51") && message.contains("₹1,250.50"), "{message}");
        if api.minimum > 0 {
            let below = world.post(api.api, &id, &[("action", "pay_part"), ("amount", "50")]).await;
            let message = below.text_of("#message");
            below.refused(400, &message);
            assert!(message.contains("₹50.00") && message.contains("₹100.00"), "{message}");
            assert_eq!(below.attr("#part-amount", "value"), "50");
        }
        // Nothing moved and no event was queued.
        assert_eq!(world.open(api.api, &id).await.attr("main#link", "data-status"), api.statuses[0]);
    }
    assert!(world.events().await.is_empty());
    world.stop().await;
}

#[tokio::test]
async fn links_without_part_payments_have_no_part_form() {
    let world = World::start().await;
    for api in [CASHFREE, RAZORPAY, INVOICES] {
        let id = create(&world.h, api, false, json!({})).await;
        let page = world.open(api.api, &id).await;
        page.html_page(200);
        assert!(!page.has("#part-amount") && !page.has("#pay-part"), "{}", page.text);
        assert!(page.has("#pay-full") && page.has("#fail") && page.has("#expire"));
        let part = world.post(api.api, &id, &[("action", "pay_part"), ("amount", "250")]).await;
        let message = part.text_of("#message");
        part.refused(400, &message);
        assert!(message.contains("pay the full ₹1,250.50"), "{message}");
    }
    world.stop().await;
}

#[tokio::test]
async fn unknown_links_and_apis_are_404_pages() {
    let world = World::start().await;
    for (api, id) in
        [("razorpay", "plink_nope"), ("cashfree", "nope"), ("razorpay_invoice", "inv_nope"), ("pinelabs", "x")]
    {
        let page = world.open(api, id).await;
        page.html_page(404);
        assert!(page.has("main#missing") && !page.has("main#link"));
        assert!(page.text_of("#message").contains(id), "{}", page.text);
        let posted = world.post(api, id, &[("action", "pay")]).await;
        posted.html_page(404);
        assert!(posted.text_of("#message").contains(id));
    }
    let stripe = world.open("stripe", "x").await;
    stripe.html_page(404);
    assert_eq!(
        stripe.text_of("#message"),
        "unknown provider `stripe`: use cashfree, razorpay, razorpay_invoice, pinelabs"
    );
    world.post("stripe", "x", &[("action", "pay")]).await.html_page(404);
    for path in ["/pay", "/pay/", "/pay/razorpay", "/pay/razorpay/a/b"] {
        let page = world.get(&format!("{}{path}", world.h.sandbox.public_url())).await;
        assert_eq!(page.headers.get("content-type").unwrap(), "text/html; charset=utf-8", "{path}");
        page.html_page(404);
        assert!(page.has("#message"), "{path}");
    }
    let put = Page::from(world.client.put(world.page_url("razorpay", "x")).send().await.unwrap()).await;
    put.html_page(405);
    assert_eq!(put.headers.get("allow").unwrap(), "GET, HEAD, POST");
    // Percent-encoded ids are decoded once; markup in them is escaped.
    let page = world.open("razorpay", "%3Cb%3Ex%3C%2Fb%3E").await;
    page.html_page(404);
    assert_eq!(page.text_of("#message"), "no razorpay link with id <b>x</b>");
    assert!(!page.has("#message b"));
    world.stop().await;
}

#[tokio::test]
async fn the_fail_button_moves_no_money() {
    let world = World::start().await;
    for api in APIS {
        let id = create(&world.h, api, true, json!({})).await;
        let failed = world.post(api.api, &id, &[("action", "fail")]).await;
        assert_eq!(failed.status, StatusCode::SEE_OTHER, "{}: {}", api.api, failed.text);
        assert_eq!(failed.location(), format!("/pay/{}/{id}?notice=failed", api.api));
        let page = world.get(&format!("{}{}", world.h.sandbox.public_url(), failed.location())).await;
        assert_eq!(page.text_of("#notice"), "The payment attempt failed: no money moved.");
        shows(&page, api, &id, api.statuses[0], "₹0.00", "₹1,250.50");
        assert_eq!(page.attr("main#link", "data-open"), "true");
        assert!(page.has("#pay-full") && page.has("#fail") && page.has("#expire"));
        assert_paid(&world, api, &id, 0, 0).await;
        // The link can still be paid afterwards.
        let paid = world.post(api.api, &id, &[("action", "pay")]).await;
        assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.text);
        assert_paid(&world, api, &id, 125_050, 1).await;
    }
    world.stop().await;
}

#[tokio::test]
async fn the_expire_button_closes_the_link() {
    let world = World::start().await;
    let mut expected_events = Vec::new();
    for api in APIS {
        let id = create(&world.h, api, true, json!({})).await;
        let expired = world.post(api.api, &id, &[("action", "expire")]).await;
        assert_eq!(expired.status, StatusCode::SEE_OTHER, "{}", expired.text);
        assert_eq!(expired.location(), format!("/pay/{}/{id}?notice=expired", api.api));
        let page = world.get(&format!("{}{}", world.h.sandbox.public_url(), expired.location())).await;
        page.html_page(200);
        assert_eq!(page.text_of("#notice"), "The link has expired.");
        assert_eq!(page.attr("main#link", "data-status"), api.statuses[3]);
        assert_eq!(page.attr("main#link", "data-open"), "false");
        assert!(page.all("button").is_empty());
        assert!(page.text_of("#closed").contains(api.statuses[3]));
        expected_events.push(api.events[2]);
        assert_eq!(world.events().await, expected_events, "{}", api.api);

        // A closed link refuses every action, with the provider's reason, and queues nothing.
        for action in ["pay", "fail", "expire"] {
            let refused = world.post(api.api, &id, &[("action", action)]).await;
            refused.html_page(400);
            assert!(!refused.text_of("#message").is_empty());
            assert_eq!(refused.attr("main#link", "data-status"), api.statuses[3]);
            assert!(refused.all("button").is_empty());
        }
        let part = world.post(api.api, &id, &[("action", "pay_part"), ("amount", "250")]).await;
        part.html_page(400);
        assert_eq!(world.events().await, expected_events, "a refusal queues nothing");
    }
    world.stop().await;
}

#[tokio::test]
async fn razorpay_redirects_to_its_callback_url_with_a_real_signature() {
    let world = World::start().await;
    let extra = json!({"callback_url": "https://shop.example/thanks?order=42", "callback_method": "get",
        "reference_id": "ref-42"});
    let id = create(&world.h, RAZORPAY, true, extra).await;
    let part = world.post("razorpay", &id, &[("action", "pay_part"), ("amount", "250.50")]).await;
    assert_eq!(part.status, StatusCode::SEE_OTHER, "{}", part.text);
    let location = url::Url::parse(part.location()).unwrap();
    assert_eq!((location.host_str(), location.path()), (Some("shop.example"), "/thanks"));
    let query: std::collections::HashMap<String, String> = location.query_pairs().into_owned().collect();
    assert_eq!(query["order"], "42");
    assert_eq!(query["razorpay_payment_link_id"], id);
    assert_eq!(query["razorpay_payment_link_reference_id"], "ref-42");
    assert_eq!(query["razorpay_payment_link_status"], "partially_paid");
    assert!(query["razorpay_payment_id"].starts_with("pay_"));
    // The signature verifies with the Razorpay crate's own callback verifier, under the key
    // secret, and not under another.
    let secret = world.h.setting("razorpay", "key_secret");
    let callback = paylinks_razorpay::redirect::verify_callback(&secret, location.query_pairs()).unwrap();
    assert_eq!((callback.payment_link_id.as_str(), callback.status.as_str()), (id.as_str(), "partially_paid"));
    assert!(paylinks_razorpay::redirect::verify_callback("another secret", location.query_pairs()).is_err());
    // The same payment is in the link.
    assert_paid(&world, RAZORPAY, &id, 25_050, 1).await;
    world.stop().await;
}

#[tokio::test]
async fn a_public_url_with_a_path_prefix_is_where_links_and_forms_point() {
    let mut config = SandboxConfig::default();
    config.set_public_url("https://abc.ngrok.app/sb/").unwrap();
    let world = World::start_with(config).await;
    assert_eq!(world.h.sandbox.public_url(), "https://abc.ngrok.app/sb");
    assert_eq!(world.h.sandbox.connection_info()["pay_url"], "https://abc.ngrok.app/sb/pay");
    let id = create(&world.h, RAZORPAY, true, json!({})).await;
    let link = world.link("razorpay", &id).await;
    assert_eq!(link["short_url"], format!("https://abc.ngrok.app/sb/pay/razorpay/{id}"));
    // The sandbox itself still serves the page at /pay; its forms post under the prefix, as
    // the browser behind the proxy sees the page.
    let root = format!("http://{}", world.h.sandbox.addr());
    let page = world.get(&format!("{root}/pay/razorpay/{id}")).await;
    page.html_page(200);
    assert_eq!(page.attr("#actions form:has(#pay-full)", "action"), format!("/sb/pay/razorpay/{id}"));
    let paid = Page::from(
        form(world.client.post(format!("{root}/pay/razorpay/{id}")), &[("action", "pay")]).send().await.unwrap(),
    )
    .await;
    assert_eq!(paid.location(), format!("/sb/pay/razorpay/{id}?notice=paid&amount=125050"));
    world.stop().await;
}

#[tokio::test]
async fn the_bound_address_is_the_public_url_by_default() {
    let world = World::start().await;
    let root = format!("http://127.0.0.1:{}", world.h.sandbox.addr().port());
    assert_eq!(world.h.sandbox.public_url(), root);
    assert_eq!(world.h.sandbox.connection_info()["pay_url"], format!("{root}/pay"));
    world.stop().await;
}

#[tokio::test]
async fn an_embedded_router_learns_its_public_url_from_the_first_host() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = paylinks_sandbox::router(SandboxConfig::default());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let client = page_client();
    let created = client
        .post(format!("http://{addr}/razorpay/v1/payment_links"))
        .basic_auth("rzp_test_paylinks", Some("rzp_sandbox_secret"))
        .header("host", "shop.test:8080")
        .json(&json!({"amount": 1000}))
        .send()
        .await
        .unwrap();
    let link: Value = created.json().await.unwrap();
    let id = link["id"].as_str().unwrap();
    assert_eq!(link["short_url"], format!("http://shop.test:8080/pay/razorpay/{id}"));
    // Later hosts change nothing.
    let page = Page::from(client.get(format!("http://{addr}/pay/razorpay/{id}")).send().await.unwrap()).await;
    page.html_page(200);
    assert_eq!(page.attr("main#link", "data-status"), "created");
    server.abort();
}

#[tokio::test]
async fn faults_never_hit_the_page() {
    let world = World::start().await;
    let id = create(&world.h, RAZORPAY, true, json!({})).await;
    world.h.fault(json!({"kind": "status", "status": 500, "count": 5})).await;
    world.open("razorpay", &id).await.html_page(200);
    let paid = world.post("razorpay", &id, &[("action", "pay")]).await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER);
    // The faults are still queued for the provider's API.
    let listed = send(world.h.control(Method::GET, "/faults")).await;
    assert_eq!(listed.body["faults"][0]["count"], 5, "{:#}", listed.body);
    world.stop().await;
}

#[tokio::test]
async fn amounts_follow_the_currency_exponent() {
    let world = World::start().await;
    // (currency, link_amount, minimum, shown amount, refused part, its message, part, shown paid)
    let cases = [
        ("JPY", json!(1500), json!(100), "¥1,500", "500.5", "amount can have no decimal places for JPY", "500", "¥500"),
        (
            "KWD",
            json!(1234.567),
            json!(2),
            "د.ك 1,234.567",
            "1.2345",
            "amount can have at most 3 decimal places for KWD",
            "2.345",
            "د.ك 2.345",
        ),
    ];
    for (currency, amount, minimum, shown, refused, message, part, paid) in cases {
        let id = format!("page_{currency}");
        let body = json!({"link_id": id, "link_amount": amount, "link_currency": currency, "link_purpose": "Abroad",
            "customer_details": {"customer_phone": "9999999999"},
            "link_partial_payments": true, "link_minimum_partial_amount": minimum});
        send(world.h.cashfree(Method::POST, "/links").json(&body)).await.status(200);
        let page = world.open("cashfree", &id).await;
        page.html_page(200);
        assert_eq!(page.text_of("#amount"), shown);
        assert_eq!(page.text_of("#currency"), currency);
        let bad = world.post("cashfree", &id, &[("action", "pay_part"), ("amount", refused)]).await;
        bad.refused(400, message);
        let good = world.post("cashfree", &id, &[("action", "pay_part"), ("amount", part)]).await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.text);
        let page = world.get(&format!("{}{}", world.h.sandbox.public_url(), good.location())).await;
        assert_eq!(page.text_of("#amount-paid"), paid);
        assert_eq!(page.text_of("#notice"), format!("Paid {paid}"));
        // The provider's API agrees, in its own major units.
        let link = world.link("cashfree", &id).await;
        assert_eq!(link["link_amount_paid"].to_string(), part);
    }
    world.stop().await;
}

/// The hidden fields of the page's `form#redirect`, in order.
fn redirect_fields(page: &Page) -> Vec<(String, String)> {
    page.all(r#"form#redirect input[type="hidden"]"#)
        .iter()
        .map(|input| {
            let attr = |name| input.value().attr(name).unwrap_or_default().to_owned();
            (attr("name"), attr("value"))
        })
        .collect()
}

#[tokio::test]
async fn pine_labs_posts_its_signed_callback_form() {
    let world = World::start().await;
    let extra = json!({"callback_url": "https://shop.example/pine/ok?cart=7",
        "failure_callback_url": "https://shop.example/pine/failed"});
    let id = create(&world.h, PINELABS, true, extra).await;
    let order_id = world.link("pinelabs", &id).await["order_id"].as_str().unwrap().to_owned();
    let secret = world.h.setting("pinelabs", "callback_secret");

    // A failed attempt: the form goes to failure_callback_url, the link stays open.
    let failed = world.post("pinelabs", &id, &[("action", "fail")]).await;
    failed.html_page(200);
    assert_eq!(failed.attr("form#redirect", "method"), "post");
    assert_eq!(failed.attr("form#redirect", "action"), "https://shop.example/pine/failed");
    assert!(failed.has("form#redirect button#continue"));
    assert_eq!(failed.text_of("script"), r#"document.getElementById("redirect").submit();"#);
    assert!(!failed.has("#pay-full"), "no buttons while the browser is sent on");
    let callback = paylinks_pinelabs::redirect::verify_callback(&secret, redirect_fields(&failed)).unwrap();
    assert_eq!((callback.order_id.as_str(), callback.status.as_str()), (order_id.as_str(), "FAILED"));
    assert!(callback.error.is_some());
    assert_eq!(world.open("pinelabs", &id).await.attr("main#link", "data-open"), "true");

    // A part payment: the form goes to callback_url (its query kept), signed.
    let part = world.post("pinelabs", &id, &[("action", "pay_part"), ("amount", "250.50")]).await;
    part.html_page(200);
    assert_eq!(part.attr("form#redirect", "action"), "https://shop.example/pine/ok?cart=7");
    assert_eq!(part.attr("main#link", "data-status"), "PARTIAL_PROCESSED", "the page shows the link as it is now");
    assert_eq!(part.text_of("#amount-paid"), "₹250.50");
    let fields = redirect_fields(&part);
    let callback = paylinks_pinelabs::redirect::verify_callback(&secret, fields.clone()).unwrap();
    assert_eq!(
        (callback.order_id.as_str(), callback.status.as_str(), callback.error),
        (order_id.as_str(), "PROCESSED", None)
    );
    // A changed field no longer verifies.
    let forged: Vec<(String, String)> =
        fields.into_iter().map(|(k, v)| if k == "status" { (k, "FAILED".to_owned()) } else { (k, v) }).collect();
    assert!(paylinks_pinelabs::redirect::verify_callback(&secret, forged).is_err());
    assert_paid(&world, PINELABS, &id, 25_050, 1).await;
    world.stop().await;
}

#[tokio::test]
async fn cashfree_returns_to_its_return_url_and_razorpay_invoices_to_their_callback() {
    let world = World::start().await;
    let extra = json!({"link_meta": {"return_url": "https://shop.example/cf/return?order={order_id}"}});
    let id = create(&world.h, CASHFREE, true, extra).await;
    // A failed attempt does not redirect (Cashfree documents none): back to the page.
    let failed = world.post("cashfree", &id, &[("action", "fail")]).await;
    assert_eq!(failed.location(), format!("/pay/cashfree/{id}?notice=failed"));
    // A payment: a GET of return_url, {order_id} being the payment's order.
    let part = world.post("cashfree", &id, &[("action", "pay_part"), ("amount", "250.50")]).await;
    assert_eq!(part.status, StatusCode::SEE_OTHER, "{}", part.text);
    let orders = send(world.h.cashfree(Method::GET, &format!("/links/{id}/orders"))).await;
    let order = orders.body.as_array().unwrap().iter().find(|o| o["order_status"] == "PAID").cloned().unwrap();
    let order_id = order["order_id"].as_str().unwrap();
    assert_eq!(part.location(), format!("https://shop.example/cf/return?order={order_id}"));

    let extra = json!({"callback_url": "https://shop.example/invoice", "callback_method": "get", "receipt": "INV-7"});
    let invoice = create(&world.h, INVOICES, true, extra).await;
    let paid = world.post("razorpay_invoice", &invoice, &[("action", "pay")]).await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.text);
    let location = url::Url::parse(paid.location()).unwrap();
    assert_eq!(&location[..url::Position::AfterPath], "https://shop.example/invoice");
    let secret = world.h.setting("razorpay", "key_secret");
    let callback = paylinks_razorpay::redirect::verify_invoice_callback(&secret, location.query_pairs()).unwrap();
    assert_eq!(
        (callback.invoice_id.as_str(), callback.receipt.as_str(), callback.status.as_str()),
        (invoice.as_str(), "INV-7", "paid")
    );
    world.stop().await;
}
