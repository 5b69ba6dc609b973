//! The hosted payment page in a real browser: headless Chromium driven through chromedriver
//! (WebDriver) with fantoccini, as a customer of each link API would use it. A link is created
//! through the facade with part payments and a return URL on an in-test merchant; Chromium
//! opens its URL, pays part, then the rest, and follows the provider's redirect back to the
//! merchant, who verifies it (`Paylinks::verify_return`), sees the link paid through `get`
//! and has verified the webhook events (`support::Receiver`).
//!
//! `scripts/browser-test.sh` installs Debian's `chromium` and `chromium-driver`, starts
//! chromedriver and runs this test with `PAYLINKS_WEBDRIVER` set to its URL; `cargo test` alone
//! skips it (`#[ignore]`). With `PAYLINKS_SCREENSHOTS=DIR` (`scripts/browser-test.sh
//! --screenshots`) it writes `DIR/<api>.png`, each link API's page before paying, as a phone
//! shows it (420×900): the README's screenshots.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use paylinks::{EventKind, LinkEvent, LinkStatus, Money, Paylinks, PaymentLink, PaymentStatus, Provider, Return};
use paylinks_e2e::{PROVIDERS, Receiver, order, quick_retries, with_receiver};
use serde_json::json;

/// Why the test is ignored, and what to do when `PAYLINKS_WEBDRIVER` is unset.
const NEEDS: &str = "needs Chromium and chromedriver: scripts/browser-test.sh installs and runs them";

/// Chromium's flags: headless on a machine without a display or a network (without the
/// background-networking flags Chromium keeps opening connections that are refused), a
/// phone-sized window, no scroll bars in the screenshots, and shared memory in the temporary
/// directory rather than /dev/shm (small in containers; Debian's launcher adds this flag
/// itself only when its check of /dev/shm works).
const CHROMIUM_ARGS: [&str; 11] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=420,900",
    "--hide-scrollbars",
    "--disable-dev-shm-usage",
];

/// A Chromium session through the chromedriver at `PAYLINKS_WEBDRIVER`, with a fresh profile
/// (removed by [`Browser::close`]). Clones drive the same session.
#[derive(Clone)]
struct Browser {
    client: Client,
    profile: PathBuf,
}

impl Browser {
    async fn start() -> Browser {
        let webdriver =
            std::env::var("PAYLINKS_WEBDRIVER").unwrap_or_else(|_| panic!("PAYLINKS_WEBDRIVER is unset: {NEEDS}"));
        let profile = std::env::temp_dir().join(format!("paylinks-browser-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("a fresh Chromium profile directory");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|arg| (*arg).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut options = json!({ "args": args });
        // Debian's chromedriver finds Debian's chromium; say so anyway where it is installed.
        if std::path::Path::new("/usr/bin/chromium").exists() {
            options["binary"] = json!("/usr/bin/chromium");
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".to_owned(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".to_owned(), options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .unwrap_or_else(|error| panic!("a Chromium session through {webdriver}: {error}"));
        Browser { client, profile }
    }

    /// The text of the element `selector` (a CSS selector) on the open page.
    async fn text(&self, selector: &str) -> String {
        let element = match self.client.find(Locator::Css(selector)).await {
            Ok(element) => element,
            Err(error) => panic!("{selector} on {}: {error}\n{}", self.url().await, self.source().await),
        };
        element.text().await.unwrap_or_else(|error| panic!("the text of {selector}: {error}"))
    }

    /// The open page's HTML, for a failure's message.
    async fn source(&self) -> String {
        self.client.source().await.unwrap_or_else(|error| format!("(no page source: {error})"))
    }

    /// The open page's URL.
    async fn url(&self) -> String {
        self.client.current_url().await.map(|url| url.to_string()).unwrap_or_else(|error| format!("(no URL: {error})"))
    }

    /// Ends the session and removes the profile.
    async fn close(self) {
        self.client.close().await.expect("the session ends");
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A redirect back to the merchant, as the merchant's return URL received it.
#[derive(Debug, Clone)]
struct Returned {
    /// `GET` or `POST`.
    method: &'static str,
    /// The link API in the path (`/return/{api}`).
    api: String,
    /// The query string of a GET, the form body of a POST (still encoded, as a merchant
    /// hands it to `Paylinks::verify_return`).
    params: String,
}

/// The merchant's return URL, `/return/{api}` on 127.0.0.1, GET or POST: keeps what it was
/// given and answers a small page (`#returned`).
#[derive(Clone, Default)]
struct Returns {
    received: Arc<Mutex<Vec<Returned>>>,
}

impl Returns {
    /// Starts one; answers its root URL (`http://127.0.0.1:P`).
    async fn start() -> (Returns, String) {
        use axum::body::Bytes;
        use axum::extract::{Path, RawQuery, State};
        use axum::response::Html;

        fn page(api: &str) -> Html<String> {
            Html(format!(
                "<!doctype html><title>Merchant</title><p id=\"returned\">Back at the merchant from {api}</p>"
            ))
        }
        let returns = Returns::default();
        let app = axum::Router::new()
            .route(
                "/return/{api}",
                axum::routing::get(
                    |State(returns): State<Returns>, Path(api): Path<String>, RawQuery(query): RawQuery| async move {
                        let answer = page(&api);
                        returns.push(Returned { method: "GET", api, params: query.unwrap_or_default() });
                        answer
                    },
                )
                .post(
                    |State(returns): State<Returns>, Path(api): Path<String>, body: Bytes| async move {
                        let answer = page(&api);
                        let params = String::from_utf8(body.to_vec()).expect("a form body is text");
                        returns.push(Returned { method: "POST", api, params });
                        answer
                    },
                ),
            )
            .with_state(returns.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (returns, url)
    }

    fn push(&self, returned: Returned) {
        self.received.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(returned);
    }

    /// Every return so far, in the order received.
    fn all(&self) -> Vec<Returned> {
        self.received.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

impl Browser {
    /// Opens `url`.
    async fn open(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|error| panic!("Chromium opens {url}: {error}"));
    }

    /// Whether the open page has an element `selector`.
    async fn has(&self, selector: &str) -> bool {
        self.client.find_all(Locator::Css(selector)).await.is_ok_and(|found| !found.is_empty())
    }

    /// The attribute `name` of the element `selector`.
    async fn attribute(&self, selector: &str, name: &str) -> Option<String> {
        let element = match self.client.find(Locator::Css(selector)).await {
            Ok(element) => element,
            Err(error) => panic!("{selector} on {}: {error}\n{}", self.url().await, self.source().await),
        };
        element.attr(name).await.unwrap_or_else(|error| panic!("{selector}'s {name}: {error}"))
    }

    /// Clicks the element `selector`.
    async fn click(&self, selector: &str) {
        let element = match self.client.find(Locator::Css(selector)).await {
            Ok(element) => element,
            Err(error) => panic!("{selector} on {}: {error}", self.url().await),
        };
        element.click().await.unwrap_or_else(|error| panic!("clicking {selector}: {error}"));
    }

    /// Types `text` into the (emptied) field `selector`.
    async fn fill(&self, selector: &str, text: &str) {
        let element = match self.client.find(Locator::Css(selector)).await {
            Ok(element) => element,
            Err(error) => panic!("{selector} on {}: {error}", self.url().await),
        };
        element.clear().await.unwrap_or_else(|error| panic!("emptying {selector}: {error}"));
        element.send_keys(text).await.unwrap_or_else(|error| panic!("typing into {selector}: {error}"));
    }

    /// Clicks the button `selector` of the open page of a link and waits (at most 20 s) for
    /// where it leads once the browser is still: the merchant's return URL (the provider's GET
    /// redirect, or the page's auto-posted `form#redirect`), with what the merchant received,
    /// or the link's page again (303 back to it, with a notice in its query). The page before
    /// the click is marked (a window variable a new document does not have), so that it is not
    /// taken for the page after it while the browser has yet to leave it.
    async fn pay(&self, selector: &str, page: &str, merchant: &str, returns: &Returns) -> Option<Returned> {
        const MARK: &str = "window.paylinksBeforeClick = true;";
        const MARKED: &str = "return window.paylinksBeforeClick === true;";
        self.client.execute(MARK, vec![]).await.expect("the page before the click is marked");
        let before = returns.all().len();
        self.click(selector).await;
        for _ in 0..400 {
            // An error: the browser is between two documents.
            let left = self.client.execute(MARKED, vec![]).await.is_ok_and(|marked| marked == json!(false));
            let url = self.url().await;
            if left && url.starts_with(merchant) && self.has("#returned").await {
                let all = returns.all();
                assert_eq!(all.len(), before + 1, "one return per payment: at {url}: {all:#?}");
                return all.last().cloned();
            }
            let on_page = url.split('?').next() == Some(page);
            if left && on_page && self.has("main#link").await && !self.has("form#redirect").await {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("after {selector} Chromium is still at {}: {}", self.url().await, self.source().await);
    }

    /// A window whose page area is 420×900 CSS pixels, like a phone's (the window's own size
    /// counts what headless Chromium keeps for its bars).
    async fn phone_sized(&self) {
        let (width, height) = (420, 900);
        self.client.set_window_size(width, height).await.expect("a phone-sized window");
        let bars = self.client.execute("return window.outerHeight - window.innerHeight;", vec![]).await;
        let bars = bars.expect("the window's bars").as_u64().expect("a height in pixels");
        let bars = u32::try_from(bars).expect("a height in pixels");
        self.client.set_window_size(width, height + bars).await.expect("a phone-sized window");
    }

    /// Writes a PNG of the open page to `path`.
    async fn screenshot(&self, path: &std::path::Path) {
        let png = self.client.screenshot().await.unwrap_or_else(|error| panic!("a screenshot: {error}"));
        std::fs::write(path, png).unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
        println!("screenshot: {}", path.display());
    }
}

/// The provider's product name the page shows for a link API.
fn product(provider: Provider) -> &'static str {
    match provider {
        Provider::Cashfree => "Cashfree Payments",
        Provider::Razorpay => "Razorpay Payment Links",
        Provider::RazorpayInvoice => "Razorpay Invoices",
        Provider::Pinelabs => "Pine Labs Online",
    }
}

/// What the page shows of `link` (as the facade fetched it): the link API, the provider's
/// product, description, amounts (₹, two decimals) and the provider's status.
async fn check_page(browser: &Browser, link: &PaymentLink, paid: &str, due: &str) {
    let provider = link.provider;
    assert_eq!(browser.attribute("main#link", "data-api").await.as_deref(), Some(provider.as_str()));
    assert_eq!(browser.attribute("main#link", "data-status").await.as_deref(), Some(link.provider_status.as_str()));
    assert_eq!(browser.text("#provider").await, product(provider), "{provider}");
    assert_eq!(browser.text("#description").await, "Order #1042", "{provider}");
    assert_eq!(browser.text("#amount").await, "₹499.50", "{provider}");
    assert_eq!(browser.text("#amount-paid").await, paid, "{provider}");
    assert_eq!(browser.text("#amount-due").await, due, "{provider}");
    assert_eq!(browser.text("#status").await, link.provider_status, "{provider}");
}

/// Whether the provider signs its redirect back to the merchant (Cashfree's return URL
/// carries nothing signed: `paylinks_cashfree::redirect`).
fn signs_return(provider: Provider) -> bool {
    provider != Provider::Cashfree
}

/// Whether `get` lists a link's payments: a Razorpay invoice names only its latest payment's
/// id and a Pine Labs link none, so the facade has no payments for them (their webhook events
/// carry each payment).
fn lists_payments(provider: Provider) -> bool {
    matches!(provider, Provider::Cashfree | Provider::Razorpay)
}

/// The return URL a merchant gives a link: its own `/return/{api}`; for Cashfree, whose
/// redirect adds nothing, with the link's id (the merchant's own, known beforehand) and the
/// `{order_id}` Cashfree fills in (what `Paylinks::verify_return` reads back).
fn return_url(merchant: &str, provider: Provider, reference: &str) -> String {
    let api = provider.as_str();
    match provider {
        Provider::Cashfree => format!("{merchant}/return/{api}?link_id={reference}&order_id={{order_id}}"),
        _ => format!("{merchant}/return/{api}"),
    }
}

/// The merchant's facade client for the sandbox: its credentials, and the secret key Pine Labs
/// signs its callback form with (the sandbox's `callback_secret` setting; Razorpay signs with
/// the key secret, Cashfree signs nothing).
fn merchant_client(sandbox: &paylinks_sandbox::Sandbox) -> Paylinks {
    let secret_key =
        sandbox.config().text("pinelabs", "callback_secret").expect("the sandbox's Pine Labs callback key");
    paylinks_e2e::builder(sandbox)
        .retry(quick_retries())
        .return_secret(Provider::Pinelabs, secret_key)
        .build()
        .expect("a client for the sandbox")
}

/// The webhook event of `kind` about `link` that the receiver verified (waiting for `count`
/// events about it), with its payment of `amount`.
async fn payment_event(
    receiver: &Receiver,
    link: &PaymentLink,
    count: usize,
    kind: EventKind,
    amount: Money,
) -> LinkEvent {
    let provider = link.provider;
    let events = receiver.events_of(link, count).await;
    let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds.last(), Some(&kind), "{provider}: {events:#?}");
    assert_eq!(kinds.iter().filter(|k| **k == kind).count(), 1, "{provider}: {events:#?}");
    let event = events.last().cloned().unwrap();
    let payment = event.payment.as_ref().unwrap_or_else(|| panic!("{provider}: a payment in {event:#?}"));
    assert_eq!(payment.amount, amount, "{provider}: {event:#?}");
    assert_eq!(payment.status, PaymentStatus::Succeeded, "{provider}");
    event
}

/// Verifies a return with the facade, as the merchant's return handler would, and checks that
/// what it names is `link`, the payment of `event` (the webhook event of the payment that
/// led there) and the link's status as `get` shows it.
async fn verify(paylinks: &Paylinks, link: &PaymentLink, returned: &Returned, event: &LinkEvent) -> Return {
    let provider = link.provider;
    assert_eq!(returned.api, provider.as_str(), "{returned:#?}");
    let back = paylinks
        .verify_return(provider, &returned.params)
        .unwrap_or_else(|error| panic!("{provider}: the return verifies: {error}; {returned:#?}"));
    println!("{provider}: returned by {}: {back:?}", returned.method);
    assert_eq!(back.provider, provider);
    assert_eq!(back.verified, signs_return(provider), "{provider}: {back:#?}");
    // What the return names, it names right; it names the link or the order behind it.
    assert_eq!(back.link_id.as_ref().unwrap_or(&link.id), &link.id, "{provider}: the link");
    assert!(back.link_id.is_some() || back.order_id.is_some(), "{provider}: which link? {back:#?}");
    if let Some(reference) = &back.reference {
        assert_eq!(Some(reference), link.reference.as_ref(), "{provider}");
    }
    let payment = event.payment.as_ref().map(|p| &p.id);
    assert_eq!(back.payment_id.as_ref().or(payment), payment, "{provider}: the payment just made: {event:#?}");
    if let Some(order) = &back.order_id {
        assert_eq!(Some(order), event.order_id.as_ref(), "{provider}: the payment's order: {event:#?}");
    }
    if let Some(status) = back.status {
        let fetched = paylinks.get(&link.link_ref()).await.unwrap();
        assert_eq!(status, fetched.status, "{provider}: the link's status the return carries");
    }
    back
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: scripts/browser-test.sh installs and runs them"]
async fn a_customer_pays_part_then_the_rest_in_chromium_on_every_link_api() {
    let browser = Browser::start().await;
    // The journey in a task of its own, so that the session ends (and Chromium with it) when
    // the journey panics; its panic is the test's.
    let journey = tokio::spawn(journey(browser.clone())).await;
    browser.close().await;
    if let Err(failed) = journey {
        std::panic::resume_unwind(failed.into_panic());
    }
}

/// A link of each link API created, opened, paid in part and then in full in `browser`, and
/// checked from the page, the merchant's return URL, its webhook receiver and `get`.
async fn journey(browser: Browser) {
    let (world, receiver) = with_receiver().await;
    let (returns, merchant) = Returns::start().await;
    let paylinks = merchant_client(&world.sandbox);
    let screenshots = std::env::var_os("PAYLINKS_SCREENSHOTS").map(PathBuf::from);
    browser.phone_sized().await;
    let root = format!("http://{}", world.sandbox.addr());
    for provider in PROVIDERS {
        let api = provider.as_str();
        let reference = format!("browser-{}", api.replace('_', "-"));
        let request = order(provider, &reference).return_url(return_url(&merchant, provider, &reference));
        let link = paylinks.create(provider, &request).await.unwrap_or_else(|error| panic!("{provider}: {error}"));
        let page = link.url.clone().unwrap_or_else(|| panic!("{provider}: a link URL: {link:#?}"));
        assert!(page.starts_with(&format!("{root}/pay/{api}/")), "{provider}: the sandbox's page: {page}");

        // The open link, as its customer first sees it.
        browser.open(&page).await;
        check_page(&browser, &link, "₹0.00", "₹499.50").await;
        assert_eq!(browser.attribute("main#link", "data-open").await.as_deref(), Some("true"), "{provider}");
        for button in ["#pay-full", "#pay-part", "#fail", "#expire"] {
            assert!(browser.has(button).await, "{provider}: {button} on an open link");
        }
        // The smallest first part payment, where the link has one (₹100.00: support::order).
        let minimum = browser.text("#partial-minimum").await;
        let has_minimum = link.minimum_partial_amount.is_some();
        assert_eq!(minimum.contains("₹100.00"), has_minimum, "{provider}: {minimum}");
        if let Some(dir) = &screenshots {
            browser.screenshot(&dir.join(format!("{api}.png"))).await;
        }

        // Part of it: ₹200.00, typed as a customer would.
        browser.fill("#part-amount", "200").await;
        let part_return = browser.pay("#pay-part", &page, &merchant, &returns).await;
        let part = payment_event(&receiver, &link, 1, EventKind::PartiallyPaid, Money::inr(20_000)).await;
        if let Some(returned) = &part_return {
            verify(&paylinks, &link, returned, &part).await;
            browser.open(&page).await;
        }
        let fetched = paylinks.get(&link.link_ref()).await.unwrap();
        assert_eq!(fetched.status, LinkStatus::PartiallyPaid, "{provider}: {fetched:#?}");
        assert_eq!(fetched.amount_paid, Money::inr(20_000), "{provider}");
        check_page(&browser, &fetched, "₹200.00", "₹299.50").await;

        // The rest, then back to the merchant.
        let returned = browser.pay("#pay-full", &page, &merchant, &returns).await;
        let returned = returned.unwrap_or_else(|| panic!("{provider}: paid, the customer goes back to the merchant"));
        assert_eq!(browser.text("#returned").await, format!("Back at the merchant from {api}"));
        let paid = payment_event(&receiver, &link, 2, EventKind::Paid, Money::inr(29_950)).await;
        verify(&paylinks, &link, &returned, &paid).await;
        assert_ne!(part.payment.as_ref().unwrap().id, paid.payment.as_ref().unwrap().id, "{provider}: two payments");

        let fetched = paylinks.get(&link.link_ref()).await.unwrap();
        assert_eq!(fetched.status, LinkStatus::Paid, "{provider}: {fetched:#?}");
        assert_eq!(fetched.amount_paid, Money::inr(49_950), "{provider}");
        if lists_payments(provider) {
            let succeeded: Vec<(&str, Money)> = fetched
                .payments
                .iter()
                .filter(|p| p.status == PaymentStatus::Succeeded)
                .map(|p| (p.id.as_str(), p.amount))
                .collect();
            let events = [&part, &paid].map(|e| e.payment.as_ref().map(|p| (p.id.as_str(), p.amount)).unwrap());
            assert_eq!(succeeded, events, "{provider}: {:#?}", fetched.payments);
        }

        // The paid link's page: its final state, no buttons.
        browser.open(&page).await;
        check_page(&browser, &fetched, "₹499.50", "₹0.00").await;
        assert_eq!(browser.attribute("main#link", "data-open").await.as_deref(), Some("false"), "{provider}");
        for button in ["#pay-full", "#pay-part", "#fail", "#expire"] {
            assert!(!browser.has(button).await, "{provider}: no {button} on a paid link");
        }
    }
    assert!(receiver.refusals().is_empty(), "{:#?}", receiver.refusals());
    world.sandbox.shutdown().await;
}
