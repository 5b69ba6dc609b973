//! No secret, anywhere: every `paylinks` command and every facade operation of every
//! provider, on success and failure paths (wrong credentials, transport errors, refusals,
//! unknown links, bodies that do not decode), run with sentinel secrets and sentinel
//! customer data. Everything a user or a log could see is captured: the binary's stdout and
//! stderr, the served sandbox's output, the `Debug` and `Display` of every error and of every
//! client, builder, credentials and configuration value. No secret may appear in any of it
//! (nor the Pine Labs access tokens, nor Razorpay's Basic credentials in base64); customer
//! data only where the user asked for the link itself (a created, fetched, cancelled, listed
//! or decoded link on stdout, or the `PaymentLink` value).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use base64::Engine;
use paylinks::{
    CreateLink, Environment, LinkRef, ListFilter, Money, NotifyMedium, Paylinks, PaylinksBuilder, Provider, RetryPolicy,
};
use paylinks_sandbox::SandboxConfig;

mod common;
use common::CREDENTIAL_VARS;

const CASHFREE_SECRET: &str = "SENTINELcfSecret7f3a";
const RAZORPAY_SECRET: &str = "SENTINELrzpSecret9b1c";
const PINELABS_SECRET: &str = "SENTINELplSecretc4d2";
const WRONG_SECRET: &str = "SENTINELwrongSecrete5f6";
const RAZORPAY_WEBHOOK_SECRET: &str = "SENTINELrzpWebhookd7e8";
const PINELABS_WEBHOOK_SECRET: &str = "SENTINELplWebhookf9a0";
/// Pine Labs' callback secret key (hex, as Pine Labs gives it).
const PINELABS_CALLBACK_SECRET: &str = "5e471e1ca11bac0ffee5ec7e7a5e471e";
const CASHFREE_ID: &str = "cf_sentinel_app";
const RAZORPAY_ID: &str = "rzp_test_sentinel";
const PINELABS_ID: &str = "pl-sentinel-client";

const CUSTOMER_NAME: &str = "Sentinella Qzxvoort";
const CUSTOMER_EMAIL: &str = "sentinel.qzxv@example.com";
const CUSTOMER_PHONE: &str = "9000012345";
/// Customer data a provider may refuse: a refusal must not quote it.
const BAD_EMAIL: &str = "qzxv-not-an-email";
const BAD_PHONE: &str = "12qzxv34";

const PROVIDERS: [Provider; 4] = Provider::ALL;

/// Everything captured, each with where it came from and whether customer data may be in it.
#[derive(Default)]
struct Seen {
    texts: Vec<(String, String, bool)>,
}

impl Seen {
    /// Output where customer data must not appear.
    fn add(&mut self, label: impl Into<String>, text: impl Into<String>) {
        self.texts.push((label.into(), text.into(), false));
    }

    /// Output that is the link the user asked for: customer data may appear, secrets not.
    fn add_link(&mut self, label: impl Into<String>, text: impl Into<String>) {
        self.texts.push((label.into(), text.into(), true));
    }

    /// Both forms of a value.
    fn debug_display<T: std::fmt::Debug + std::fmt::Display>(&mut self, label: &str, value: &T) {
        self.add(format!("{label} (Debug)"), format!("{value:?}"));
        self.add(format!("{label} (Display)"), value.to_string());
    }

    /// A facade result: the link (customer data allowed) or the error (neither).
    fn result<T: std::fmt::Debug>(&mut self, label: &str, result: &Result<T, paylinks::Error>) {
        match result {
            Ok(value) => self.add_link(format!("{label} Ok (Debug)"), format!("{value:?}")),
            Err(error) => {
                self.debug_display(label, error);
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    self.add(format!("{label} source"), format!("{cause} {cause:?}"));
                    source = cause.source();
                }
            }
        }
    }

    /// A command's stdout (a link when `link`) and stderr.
    fn output(&mut self, label: &str, output: &Output, link: bool) {
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if link {
            self.add_link(format!("`{label}` stdout"), stdout);
        } else {
            self.add(format!("`{label}` stdout"), stdout);
        }
        self.add(format!("`{label}` stderr"), String::from_utf8_lossy(&output.stderr).into_owned());
    }

    fn check(&self, secrets: &[String]) {
        let customer = [CUSTOMER_NAME, CUSTOMER_EMAIL, CUSTOMER_PHONE, BAD_EMAIL, BAD_PHONE];
        let mut found = Vec::new();
        for (label, text, link) in &self.texts {
            for secret in secrets {
                if text.contains(secret.as_str()) {
                    found.push(format!("secret {secret:?} in {label}:\n{text}"));
                }
            }
            for data in customer.iter().filter(|_| !link) {
                if text.contains(data) {
                    found.push(format!("customer data {data:?} in {label}:\n{text}"));
                }
            }
        }
        assert!(found.is_empty(), "{} leaks:\n{}", found.len(), found.join("\n---\n"));
    }
}

fn paylinks_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paylinks"));
    for var in CREDENTIAL_VARS {
        command.env_remove(var);
    }
    command.env_remove("RUST_LOG");
    command
}

/// The served sandbox (`paylinks sandbox --port 0` with the sentinel credentials).
struct Served {
    child: Child,
    info: serde_json::Value,
    first_line: String,
}

fn serve() -> Served {
    let mut child = paylinks_command()
        .args(["sandbox", "--port", "0"])
        .args(["--cashfree-client-id", CASHFREE_ID, "--cashfree-client-secret", CASHFREE_SECRET])
        .args(["--razorpay-key-id", RAZORPAY_ID, "--razorpay-key-secret", RAZORPAY_SECRET])
        .args(["--pinelabs-client-id", PINELABS_ID, "--pinelabs-client-secret", PINELABS_SECRET])
        .args([
            "--razorpay-webhook-secret",
            RAZORPAY_WEBHOOK_SECRET,
            "--pinelabs-webhook-secret",
            PINELABS_WEBHOOK_SECRET,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sandbox starts");
    let mut first_line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut first_line).unwrap();
    let info = serde_json::from_str(&first_line).unwrap_or_else(|e| panic!("first line is JSON ({e}): {first_line}"));
    Served { child, info, first_line }
}

impl Served {
    fn base_url(&self, provider: &str) -> String {
        self.info[provider]["base_url"].as_str().unwrap().to_owned()
    }

    /// Stops it; its whole output after the first line.
    fn stop(&mut self) -> (String, String) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (mut stdout, mut stderr) = (String::new(), String::new());
        self.child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
        self.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        (stdout, stderr)
    }
}

impl Drop for Served {
    /// A failed test leaves no sandbox running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The credentials' environment for the binary: the sentinel secrets (or `secret` for all),
/// every provider at `base(provider)`.
fn credentials_env(command: &mut Command, secret: Option<&str>, base: &dyn Fn(&str) -> String) {
    command
        .env("CASHFREE_CLIENT_ID", CASHFREE_ID)
        .env("CASHFREE_CLIENT_SECRET", secret.unwrap_or(CASHFREE_SECRET))
        .env("CASHFREE_BASE_URL", base("cashfree"))
        .env("RAZORPAY_KEY_ID", RAZORPAY_ID)
        .env("RAZORPAY_KEY_SECRET", secret.unwrap_or(RAZORPAY_SECRET))
        .env("RAZORPAY_BASE_URL", base("razorpay"))
        .env("PINELABS_CLIENT_ID", PINELABS_ID)
        .env("PINELABS_CLIENT_SECRET", secret.unwrap_or(PINELABS_SECRET))
        .env("PINELABS_BASE_URL", base("pinelabs"))
        .env("RAZORPAY_WEBHOOK_SECRET", secret.unwrap_or(RAZORPAY_WEBHOOK_SECRET))
        .env("PINELABS_WEBHOOK_SECRET", secret.unwrap_or(PINELABS_WEBHOOK_SECRET));
}

fn sandbox_name(provider: Provider) -> &'static str {
    match provider {
        Provider::Cashfree => "cashfree",
        Provider::Razorpay | Provider::RazorpayInvoice => "razorpay",
        Provider::Pinelabs => "pinelabs",
    }
}

/// A link with the sentinel customer.
fn order(provider: Provider, reference: &str) -> CreateLink {
    let mut link = CreateLink::new(Money::inr(49_950)).description("Order 1042").reference(reference).customer(
        Some(CUSTOMER_NAME),
        Some(CUSTOMER_EMAIL),
        Some(CUSTOMER_PHONE),
    );
    if provider != Provider::Pinelabs {
        link = link.partial_payments(None);
    }
    link
}

fn facade(served_base: &dyn Fn(&str) -> String, secret: Option<&str>, timeout: Duration) -> PaylinksBuilder {
    let url = |p: &str| Environment::Custom(served_base(p));
    Paylinks::builder()
        .cashfree(CASHFREE_ID, secret.unwrap_or(CASHFREE_SECRET), url("cashfree"))
        .razorpay(RAZORPAY_ID, secret.unwrap_or(RAZORPAY_SECRET), url("razorpay"))
        .pinelabs(PINELABS_ID, secret.unwrap_or(PINELABS_SECRET), url("pinelabs"))
        .return_secret(Provider::Pinelabs, secret.unwrap_or(PINELABS_CALLBACK_SECRET))
        .timeouts(paylinks::Timeouts { connect: Duration::from_secs(2), request: timeout })
        .retry(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(10),
        })
}

/// Every facade operation on every provider, on success and failure paths.
async fn facade_operations(seen: &mut Seen, secrets: &mut Vec<String>, served_base: &dyn Fn(&str) -> String) {
    let builder = facade(served_base, None, Duration::from_secs(10));
    seen.add("PaylinksBuilder (Debug)", format!("{builder:?}"));
    let paylinks = builder.build().unwrap();
    seen.add("Paylinks (Debug)", format!("{paylinks:?}"));
    let pinelabs = paylinks.pinelabs().unwrap();
    let token = pinelabs.access_token().await.unwrap();
    secrets.push(token.expose().to_owned());
    seen.add("pinelabs access token (Debug, Display)", format!("{token:?} {token}"));

    for provider in PROVIDERS {
        let p = provider.as_str();
        let reference = format!("nosecret-{}", p.replace('_', "-"));
        let created = paylinks.create(provider, &order(provider, &reference)).await;
        seen.result(&format!("{p} create"), &created);
        let link = created.unwrap_or_else(|e| panic!("{p}: create succeeds: {e}"));
        seen.result(&format!("{p} get"), &paylinks.get(&link.link_ref()).await);
        let filter = ListFilter { reference: Some(reference.clone()) };
        seen.result(&format!("{p} list"), &paylinks.list(provider, &filter).await);
        seen.result(&format!("{p} list all"), &paylinks.list(provider, &ListFilter::default()).await);
        for medium in [NotifyMedium::Sms, NotifyMedium::Email] {
            seen.result(&format!("{p} resend"), &paylinks.resend_notification(&link.link_ref(), medium).await);
        }
        seen.result(&format!("{p} cancel"), &paylinks.cancel(&link.link_ref()).await);
        // Refusals: a second cancel, a notification of a cancelled link.
        seen.result(&format!("{p} cancel again"), &paylinks.cancel(&link.link_ref()).await);
        seen.result(
            &format!("{p} resend cancelled"),
            &paylinks.resend_notification(&link.link_ref(), NotifyMedium::Sms).await,
        );
        // A duplicate reference, an unknown link, an invalid request.
        seen.result(&format!("{p} create again"), &paylinks.create(provider, &order(provider, &reference)).await);
        let unknown = LinkRef::new(provider, format!("{}unknown0000", link.id.get(..4).unwrap_or("x")));
        seen.result(&format!("{p} get unknown"), &paylinks.get(&unknown).await);
        let mut invalid = order(provider, "nosecret-invalid");
        invalid.amount = Money::inr(-5);
        seen.result(&format!("{p} create invalid"), &paylinks.create(provider, &invalid).await);
        seen.result(&format!("{p} validate invalid"), &paylinks.validate(provider, &invalid));
        // Customer data the provider refuses.
        for (email, phone) in [(BAD_EMAIL, CUSTOMER_PHONE), (CUSTOMER_EMAIL, BAD_PHONE)] {
            let bad = order(provider, "nosecret-bad-customer").customer(Some(CUSTOMER_NAME), Some(email), Some(phone));
            seen.result(&format!("{p} create, bad customer"), &paylinks.create(provider, &bad).await);
        }
    }

    // Wrong credentials: every operation refused.
    let wrong = facade(served_base, Some(WRONG_SECRET), Duration::from_secs(10)).build().unwrap();
    seen.add("Paylinks wrong (Debug)", format!("{wrong:?}"));
    for provider in PROVIDERS {
        let p = provider.as_str();
        let created =
            wrong.create(provider, &order(provider, &format!("nosecret-wrong-{}", p.replace('_', "-")))).await;
        assert!(matches!(created, Err(paylinks::Error::Unauthorized { .. })), "{p}: {created:?}");
        seen.result(&format!("{p} create, wrong secret"), &created);
        let link = LinkRef::new(provider, "plink_x");
        seen.result(&format!("{p} get, wrong secret"), &wrong.get(&link).await);
        seen.result(&format!("{p} cancel, wrong secret"), &wrong.cancel(&link).await);
        seen.result(&format!("{p} resend, wrong secret"), &wrong.resend_notification(&link, NotifyMedium::Email).await);
        seen.result(&format!("{p} list, wrong secret"), &wrong.list(provider, &ListFilter::default()).await);
    }

    // Redirects back to the merchant: genuine, changed, incomplete, under the wrong secret;
    // the customer's e-mail in the reference a refusal must not quote.
    let razorpay = paylinks::razorpay::redirect::sign_callback(
        RAZORPAY_SECRET,
        &paylinks::razorpay::redirect::Callback {
            payment_id: "pay_nosecret".into(),
            payment_link_id: "plink_nosecret".into(),
            reference_id: CUSTOMER_EMAIL.into(),
            status: "paid".into(),
        },
    );
    let razorpay: Vec<String> = razorpay.iter().map(|(k, v)| format!("{k}={}", v.replace('@', "%40"))).collect();
    let pinelabs = paylinks::pinelabs::redirect::sign_callback(
        PINELABS_CALLBACK_SECRET,
        &paylinks::pinelabs::redirect::Callback {
            order_id: "v1-nosecret".into(),
            status: "PROCESSED".into(),
            error: None,
        },
    )
    .unwrap();
    let pinelabs: Vec<String> = pinelabs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    secrets.push(razorpay[4].split_once('=').unwrap().1.to_owned());
    secrets.push(pinelabs[2].split_once('=').unwrap().1.to_owned());
    secrets.push(PINELABS_CALLBACK_SECRET.to_owned());
    let (razorpay, pinelabs) = (razorpay.join("&"), pinelabs.join("&"));
    let genuine = paylinks.verify_return(Provider::Razorpay, &razorpay);
    assert!(genuine.as_ref().is_ok_and(|back| back.verified), "{genuine:?}");
    seen.result("razorpay return", &genuine);
    assert!(paylinks.verify_return(Provider::Pinelabs, &pinelabs).is_ok_and(|back| back.verified));
    for (provider, params) in [
        (Provider::Razorpay, razorpay.replace("status=paid", "status=partially_paid")),
        (Provider::Razorpay, razorpay.replace("razorpay_payment_id=", "razorpay_payment=")),
        (Provider::Razorpay, format!("{razorpay}&razorpay_signature={CUSTOMER_EMAIL}")),
        (Provider::RazorpayInvoice, razorpay.clone()),
        (Provider::Pinelabs, pinelabs.replace("PROCESSED", "FAILED")),
        (Provider::Pinelabs, format!("{pinelabs}&email={CUSTOMER_EMAIL}")),
        (Provider::Cashfree, format!("link_id={CUSTOMER_EMAIL}&link_id=x")),
    ] {
        let refused = paylinks.verify_return(provider, &params);
        assert!(refused.is_err(), "{provider}: {params}");
        seen.result(&format!("{provider} return refused"), &refused);
    }
    for provider in [Provider::Razorpay, Provider::Pinelabs] {
        let params = if provider == Provider::Razorpay { &razorpay } else { &pinelabs };
        let refused = wrong.verify_return(provider, params);
        assert!(refused.is_err(), "{provider}: the wrong secret");
        seen.result(&format!("{provider} return, wrong secret"), &refused);
    }

    // Transport errors: nothing listens.
    let closed = |_: &str| "http://127.0.0.1:9".to_owned();
    let nowhere = facade(&closed, None, Duration::from_secs(2)).build().unwrap();
    for provider in PROVIDERS {
        let p = provider.as_str();
        let created = nowhere.create(provider, &order(provider, "nosecret-nowhere")).await;
        assert!(matches!(created, Err(paylinks::Error::Transport { .. })), "{p}: {created:?}");
        seen.result(&format!("{p} create, transport"), &created);
        seen.result(&format!("{p} get, transport"), &nowhere.get(&LinkRef::new(provider, "x")).await);
    }
}

/// The provider crates' own clients, builders, credentials and errors.
async fn provider_values(seen: &mut Seen, served_base: &dyn Fn(&str) -> String) {
    use paylinks::{cashfree, pinelabs, razorpay};

    let credentials = cashfree::Credentials::new(CASHFREE_ID, CASHFREE_SECRET);
    seen.add("cashfree::Credentials", format!("{credentials:?}"));
    let builder = cashfree::Client::builder(credentials).environment(Environment::Custom(served_base("cashfree")));
    seen.add("cashfree::ClientBuilder", format!("{builder:?}"));
    let client = builder.build().unwrap();
    seen.add("cashfree::Client", format!("{client:?}"));
    let wrong = cashfree::Client::builder(cashfree::Credentials::new(CASHFREE_ID, WRONG_SECRET))
        .environment(Environment::Custom(served_base("cashfree")))
        .build()
        .unwrap();
    for (label, client) in [("cashfree", &client), ("cashfree wrong", &wrong)] {
        let error = client.fetch_link().link_id("nosecret-none").send().await.map_err(cashfree::Error::from);
        let error = error.expect_err("no such link / refused");
        seen.debug_display(&format!("{label} fetch error"), &error);
    }

    let credentials = razorpay::Credentials::new(RAZORPAY_ID, RAZORPAY_SECRET);
    seen.add("razorpay::Credentials", format!("{credentials:?}"));
    let builder = razorpay::Client::builder(credentials).environment(Environment::Custom(served_base("razorpay")));
    seen.add("razorpay::ClientBuilder", format!("{builder:?}"));
    let client = builder.build().unwrap();
    seen.add("razorpay::Client", format!("{client:?}"));
    let wrong = razorpay::Client::builder(razorpay::Credentials::new(RAZORPAY_ID, WRONG_SECRET))
        .environment(Environment::Custom(served_base("razorpay")))
        .build()
        .unwrap();
    for (label, client) in [("razorpay", &client), ("razorpay wrong", &wrong)] {
        let error = client.fetch_payment_link().id("plink_none").send().await.map_err(razorpay::Error::from);
        seen.debug_display(&format!("{label} fetch error"), &error.expect_err("no such link / refused"));
    }

    let credentials = pinelabs::Credentials::new(PINELABS_ID, PINELABS_SECRET);
    seen.add("pinelabs::Credentials", format!("{credentials:?}"));
    let builder = pinelabs::Client::builder(credentials).environment(Environment::Custom(served_base("pinelabs")));
    seen.add("pinelabs::ClientBuilder", format!("{builder:?}"));
    let client = builder.build().unwrap();
    client.access_token().await.unwrap();
    seen.add("pinelabs::Client with a token", format!("{client:?}"));
    let wrong = pinelabs::Client::builder(pinelabs::Credentials::new(PINELABS_ID, WRONG_SECRET))
        .environment(Environment::Custom(served_base("pinelabs")))
        .build()
        .unwrap();
    seen.debug_display("pinelabs wrong token error", &wrong.access_token().await.expect_err("refused"));
    let error = wrong.get_payment_link().payment_link_id("pl-none").send().await.map_err(pinelabs::Error::from);
    seen.debug_display("pinelabs wrong fetch error", &error.expect_err("refused"));

    let mut config = SandboxConfig::default();
    config.set("cashfree", "client_secret", CASHFREE_SECRET).unwrap();
    config.set("razorpay", "key_secret", RAZORPAY_SECRET).unwrap();
    config.set("pinelabs", "client_secret", PINELABS_SECRET).unwrap();
    seen.add("SandboxConfig", format!("{config:?}"));
    seen.add("SandboxConfig settings", format!("{:?}", config.settings()));
}

/// Every command of the binary against the served sandbox, with the sentinel credentials in
/// its environment, wrong ones, and no server.
fn commands(seen: &mut Seen, served: &Served, stored_body: &serde_json::Value) {
    let base = |p: &str| served.base_url(p);
    let closed = |_: &str| "http://127.0.0.1:9".to_owned();
    let control_root = base("razorpay").trim_end_matches("/razorpay").to_owned();
    let run = |args: &[&str], secret: Option<&str>, at: &dyn Fn(&str) -> String| {
        let mut command = paylinks_command();
        credentials_env(&mut command, secret, at);
        command.args(args).output().expect("the binary runs")
    };

    // webhook listen, with the sentinel webhook secrets of the environment, registered with
    // the served sandbox (signing with the same): the cancels below are delivered, verified
    // and printed.
    let mut listen = paylinks_command();
    credentials_env(&mut listen, None, &base);
    let mut listener = listen
        .args(["webhook", "listen", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the receiver starts");
    let mut listened = BufReader::new(listener.stdout.take().unwrap());
    let mut first = String::new();
    listened.read_line(&mut first).unwrap();
    let announced: serde_json::Value = serde_json::from_str(&first).unwrap();
    let url = announced["url"].as_str().unwrap().to_owned();
    let registered = tokio::runtime::Handle::current().block_on(async {
        let register = serde_json::json!({ "url": format!("{url}/{{provider}}") });
        let http = paylinks::plain_http_client().unwrap();
        http.post(format!("{control_root}/_sandbox/webhooks")).json(&register).send().await.unwrap().status()
    });
    assert!(registered.is_success());

    for provider in PROVIDERS {
        let p = provider.as_str();
        let reference = format!("nosecret-cli-{}", p.replace('_', "-"));
        let create = [
            "links",
            "create",
            "--provider",
            p,
            "--amount",
            "499.50",
            "--reference",
            &reference,
            "--description",
            "Order 7",
            "--customer-name",
            CUSTOMER_NAME,
            "--customer-email",
            CUSTOMER_EMAIL,
            "--customer-phone",
            CUSTOMER_PHONE,
            "--json",
        ];
        let created = run(&create, None, &base);
        assert!(created.status.success(), "{p}: {}", String::from_utf8_lossy(&created.stderr));
        seen.output(&format!("{p} links create --json"), &created, true);
        let id =
            serde_json::from_slice::<serde_json::Value>(&created.stdout).unwrap()["id"].as_str().unwrap().to_owned();
        let link = format!("{p}:{id}");
        for (args, link_output) in [
            (vec!["links", "get", &link], true),
            (vec!["links", "get", &link, "--json"], true),
            (vec!["links", "list", "--provider", p, "--reference", &reference], true),
            (vec!["links", "list", "--provider", p, "--json"], true),
            (vec!["links", "notify", &link, "--medium", "sms"], false),
            (vec!["links", "notify", &link, "--medium", "email"], false),
            (vec!["links", "notify", &link, "--medium", "pigeon"], false),
            (vec!["links", "cancel", &link], true),
            (vec!["links", "cancel", &link, "--json"], false),
            (vec!["links", "notify", &link], false),
            (vec!["links", "get", &format!("{p}:nosecret-unknown")], false),
        ] {
            seen.output(&args.join(" "), &run(&args, None, &base), link_output);
        }
        for (flag, value) in [("--customer-email", BAD_EMAIL), ("--customer-phone", BAD_PHONE)] {
            let mut bad = create.to_vec();
            let at = bad.iter().position(|a| *a == flag).unwrap();
            bad[at + 1] = value;
            bad[7] = "nosecret-cli-bad";
            // Refused (nothing may quote the value), or taken (the link, asked for, is shown).
            let output = run(&bad, None, &base);
            seen.output(&format!("{p} links create {flag} {value}"), &output, output.status.success());
        }
        // The text form of create too, then a duplicate reference.
        let text_create: Vec<&str> = create.iter().copied().filter(|a| *a != "--json").collect();
        let mut text_create_ref = text_create.clone();
        let second = format!("{reference}-text");
        text_create_ref[7] = &second;
        seen.output(&format!("{p} links create"), &run(&text_create_ref, None, &base), true);
        seen.output(&format!("{p} links create (duplicate)"), &run(&text_create, None, &base), true);
        // Wrong credentials and no server.
        for (label, secret, at) in
            [("wrong secret", Some(WRONG_SECRET), &base as &dyn Fn(&str) -> String), ("no server", None, &closed)]
        {
            let output = run(&create, secret, at);
            assert!(!output.status.success(), "{p} {label}");
            seen.output(&format!("{p} links create ({label})"), &output, false);
            // (Without a server each command waits out its retries: two are enough there.)
            let all = [
                vec!["links", "get", &link],
                vec!["links", "cancel", &link],
                vec!["links", "notify", &link],
                vec!["links", "list", "--provider", p],
            ];
            for args in all.iter().take(if secret.is_some() { 4 } else { 1 }) {
                seen.output(&format!("{} ({label})", args.join(" ")), &run(args, secret, at), false);
            }
        }
        // --sandbox uses the sandbox's default credentials, which this sandbox refuses.
        let refused = run(&["links", "get", &link, "--sandbox", &control_root], None, &base);
        seen.output(&format!("{p} links get --sandbox (default credentials)"), &refused, false);
    }
    // Only a secret in the environment, no id: the configuration error.
    let mut only_secret = paylinks_command();
    only_secret.env("RAZORPAY_KEY_SECRET", RAZORPAY_SECRET).args(["links", "get", "plink_x"]);
    seen.output("links get (secret without id)", &only_secret.output().unwrap(), false);

    // decode: a stored body of the sandbox (the user asked for it), and the same body read as
    // another provider's (an error, which must not quote it).
    let dir = std::env::temp_dir().join(format!("paylinks-no-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("razorpay-link.json");
    std::fs::write(&file, stored_body.to_string()).unwrap();
    let broken = dir.join("broken.json");
    let text = stored_body.to_string();
    std::fs::write(&broken, &text[..text.len() / 2]).unwrap();
    let file = file.to_str().unwrap();
    seen.output("decode --provider razorpay", &run(&["decode", "--provider", "razorpay", file], None, &base), true);
    for provider in ["cashfree", "razorpay-invoice", "pinelabs"] {
        let output = run(&["decode", "--provider", provider, file], None, &base);
        seen.output(&format!("decode --provider {provider} (another's body)"), &output, false);
    }
    let output = run(&["decode", "--provider", "razorpay", broken.to_str().unwrap()], None, &base);
    seen.output("decode --provider razorpay (cut short)", &output, false);

    // webhook verify: a body that is no delivery (the stored link, with the customer), with
    // signature headers that do not match, under the secrets of the environment, a wrong
    // --secret, and none at all. Every refusal is one line that quotes neither.
    let headers = [
        "x-razorpay-signature: 0123abcd",
        "x-razorpay-event-id: evt_nosecret",
        "x-webhook-signature: c2lnbmF0dXJl",
        "x-webhook-timestamp: 1700000000000",
        "webhook-id: msg_nosecret",
        "webhook-timestamp: 1700000000",
        "webhook-signature: v1,c2lnbmF0dXJl",
    ];
    for provider in PROVIDERS {
        let p = provider.as_str();
        let mut args = vec!["webhook", "verify", "--provider", p];
        for header in &headers {
            args.extend(["--header", header]);
        }
        args.push(file);
        let output = run(&args, None, &base);
        assert!(!output.status.success(), "{p}: not a signed delivery");
        seen.output(&format!("webhook verify --provider {p}"), &output, false);
        let mut wrong = args.clone();
        wrong.splice(4..4, ["--secret", WRONG_SECRET, "--tolerance", "60"]);
        seen.output(&format!("webhook verify --provider {p} --secret"), &run(&wrong, None, &base), false);
        let mut bare = paylinks_command();
        bare.args(&args);
        seen.output(&format!("webhook verify --provider {p} (no secret)"), &bare.output().unwrap(), false);
    }
    // webhook listen, given the same deliveries over HTTP on every path.
    let body = std::fs::read(file).unwrap();
    // (`commands` runs on a blocking thread of the test's runtime.)
    let statuses = tokio::runtime::Handle::current().block_on(async {
        let http = paylinks::plain_http_client().unwrap();
        let mut statuses = Vec::new();
        for path in ["cashfree", "razorpay", "razorpay_invoice", "pinelabs", "nosecret-unknown"] {
            let mut request = http.post(format!("{url}/{path}")).body(body.clone());
            for header in &headers {
                let (name, value) = header.split_once(": ").unwrap();
                request = request.header(name, value);
            }
            statuses.push(request.send().await.unwrap().status().as_u16());
        }
        statuses
    });
    assert!(statuses.iter().all(|s| (400..600).contains(s)), "every delivery refused: {statuses:?}");
    // Let the sandbox's deliveries of the cancels finish before stopping the receiver.
    tokio::runtime::Handle::current().block_on(async {
        let http = paylinks::plain_http_client().unwrap();
        for _ in 0..200 {
            let listed: serde_json::Value =
                http.get(format!("{control_root}/_sandbox/deliveries")).send().await.unwrap().json().await.unwrap();
            if listed["deliveries"].as_array().unwrap().iter().all(|d| d["outcome"] != "pending") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let _ = listener.kill();
    let (mut stdout, mut stderr) = (String::new(), String::new());
    listened.read_to_string(&mut stdout).unwrap();
    listener.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let _ = listener.wait();
    seen.add("webhook listen first line", first);
    assert!(stdout.matches(" cancelled (").count() >= 3, "the cancels, verified with the sentinel secrets: {stdout}");
    seen.add("webhook listen stdout", stdout);
    seen.add("webhook listen stderr", stderr);
    std::fs::remove_dir_all(&dir).unwrap();

    for args in [
        vec!["demo"],
        vec!["schema"],
        vec!["qr", "https://rzp.io/rzp/nosecret"],
        vec!["--help"],
        vec!["links", "--help"],
        vec!["links", "create", "--help"],
        vec!["sandbox", "--help"],
        vec!["webhook", "--help"],
        vec!["webhook", "verify", "--help"],
        vec!["webhook", "listen", "--help"],
        vec!["schema", "--event"],
        vec!["--version"],
        vec!["no-such-command"],
    ] {
        seen.output(&args.join(" "), &run(&args, None, &base), false);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_and_no_customer_data_appear_anywhere() {
    let served = serve();
    let base = |p: &str| served.base_url(&sandbox_name_of(p));
    let mut secrets: Vec<String> = [
        CASHFREE_SECRET,
        RAZORPAY_SECRET,
        PINELABS_SECRET,
        WRONG_SECRET,
        RAZORPAY_WEBHOOK_SECRET,
        PINELABS_WEBHOOK_SECRET,
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    // Razorpay's Basic credentials, as they travel.
    for secret in [RAZORPAY_SECRET, WRONG_SECRET] {
        secrets.push(base64::engine::general_purpose::STANDARD.encode(format!("{RAZORPAY_ID}:{secret}")));
    }
    let mut seen = Seen::default();

    facade_operations(&mut seen, &mut secrets, &base).await;
    provider_values(&mut seen, &base).await;

    // A link body as the provider holds it, with the sentinel customer, for `decode`.
    let control = format!("{}/_sandbox/razorpay/links", base("razorpay").trim_end_matches("/razorpay"));
    let stored: serde_json::Value =
        paylinks::plain_http_client().unwrap().get(&control).send().await.unwrap().json().await.unwrap();
    let body = stored.as_array().unwrap().iter().find(|l| l.to_string().contains(CUSTOMER_EMAIL)).unwrap().clone();
    let served = tokio::task::spawn_blocking(move || {
        commands(&mut seen, &served, &body);
        (seen, served)
    })
    .await
    .unwrap();
    let (mut seen, mut served) = served;

    // The served sandbox announces the credentials it accepts on its first line (its
    // documented connection JSON, for scripts): that line only.
    let first_line = served.first_line.clone();
    let (stdout, stderr) = served.stop();
    seen.add("paylinks sandbox stdout after its first line", stdout);
    seen.add("paylinks sandbox stderr", stderr);
    assert!(first_line.contains(RAZORPAY_SECRET), "the connection line names the credentials: {first_line}");

    assert!(seen.texts.len() > 300, "{} outputs captured", seen.texts.len());
    // The sentinels did travel: the links the user asked for carry the customer.
    let shown_links = seen.texts.iter().filter(|(_, text, link)| *link && text.contains(CUSTOMER_EMAIL)).count();
    assert!(shown_links >= 20, "the customer appears in the links asked for ({shown_links})");
    seen.check(&secrets);
    println!(
        "no secrets: {} outputs checked against {} secrets and 5 customer values",
        seen.texts.len(),
        secrets.len()
    );
}

/// The served sandbox's name of a link API's provider (`razorpay_invoice` is `razorpay`).
fn sandbox_name_of(name: &str) -> String {
    name.parse::<Provider>().map_or_else(|_| name.to_owned(), |p| sandbox_name(p).to_owned())
}

#[test]
fn the_check_finds_a_planted_secret_and_misplaced_customer_data() {
    let secrets = vec![RAZORPAY_SECRET.to_owned()];
    for (text, link) in [(format!("Bearer {RAZORPAY_SECRET}"), true), (format!("error: {CUSTOMER_PHONE}"), false)] {
        let mut seen = Seen::default();
        seen.texts.push(("planted".into(), text, link));
        let caught = std::panic::catch_unwind(|| seen.check(&secrets));
        assert!(caught.is_err(), "the leak is found");
    }
    let mut seen = Seen::default();
    seen.add_link("a link asked for", format!("customer {CUSTOMER_NAME} {CUSTOMER_EMAIL}"));
    seen.check(&secrets);
}
