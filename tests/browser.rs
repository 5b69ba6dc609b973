//! The hosted payment page in a real browser: headless Chromium driven through chromedriver
//! (WebDriver) with fantoccini. `scripts/browser-test.sh` installs Debian's `chromium` and
//! `chromium-driver`, starts chromedriver and runs this test with `PAYLINKS_WEBDRIVER` set to
//! its URL; `cargo test` alone skips it (`#[ignore]`).

use std::path::PathBuf;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use paylinks_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

/// Why the test is ignored, and what to do when `PAYLINKS_WEBDRIVER` is unset.
const NEEDS: &str = "needs Chromium and chromedriver: scripts/browser-test.sh installs and runs them";

/// Chromium's flags: headless on a machine without a display or a network (without the
/// background-networking flags Chromium keeps opening connections that are refused).
const CHROMIUM_ARGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=420,900",
];

/// A Chromium session through the chromedriver at `PAYLINKS_WEBDRIVER`, with a fresh profile
/// (removed by [`Browser::close`]).
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
            Err(error) => panic!("{selector} on {}: {error}", self.url().await),
        };
        element.text().await.unwrap_or_else(|error| panic!("the text of {selector}: {error}"))
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: scripts/browser-test.sh installs and runs them"]
async fn the_sandbox_opens_in_chromium() {
    let sandbox =
        Sandbox::start(SandboxConfig::default(), ([127, 0, 0, 1], 0).into()).await.expect("the sandbox starts");
    let browser = Browser::start().await;
    browser.client.goto(&format!("http://{}/_sandbox", sandbox.addr())).await.expect("Chromium opens the control API");
    let shown = browser.text("body").await;
    let described: serde_json::Value =
        serde_json::from_str(&shown).unwrap_or_else(|error| panic!("GET /_sandbox shows JSON ({error}): {shown}"));
    assert!(described.is_object(), "{described:#}");
    browser.close().await;
    sandbox.shutdown().await;
}
