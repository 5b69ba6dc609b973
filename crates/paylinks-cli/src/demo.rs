//! `paylinks demo`: the main job, offline. Starts the sandbox and the merchant's side (a
//! webhook receiver and a return page) in-process and walks a link of every provider through
//! its life with the facade: create (with a return URL), show (table with the link's payment
//! page URL, and QR code), pay partially, fetch, try what the state forbids, complete, cancel;
//! after each step, the webhook events the sandbox delivered and the receiver verified, and the
//! customer's returns the return page read with `Paylinks::verify_return`. Then a fresh link
//! of each provider to pay in a browser, and (in a terminal, or with `--serve`) both servers
//! kept running until Ctrl-C, printing each verified webhook and return as it arrives.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use clap::Args;
use paylinks::{CreateLink, Error, LinkRef, Money, NotifyMedium, Paylinks, PaymentLink, Provider, RetryPolicy};
use paylinks_sandbox::{Sandbox, SandboxConfig, WebhookRetry};
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::links::sandbox_client;
use crate::output::{self, out, outln};
use crate::returns::{Desk, Returned};
use crate::webhook::{self, Received};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// After the walk, keep the sandbox and the merchant's receiver running until Ctrl-C, so
    /// that the links printed under "Pay in a browser" can be paid, and print each verified
    /// webhook and return as it arrives. The default when stdin and stdout are terminals.
    #[arg(long, conflicts_with = "no_serve")]
    serve: bool,
    /// Exit after the walk, even in a terminal.
    #[arg(long)]
    no_serve: bool,
    /// The sandbox's port (default: any free port), so that the payment pages' URLs stay the
    /// same from one run to the next.
    #[arg(long, value_name = "PORT")]
    port: Option<u16>,
}

struct Demo {
    paylinks: Paylinks,
    http: reqwest::Client,
    control: String,
    /// The merchant's site: the receiver's root URL (`/webhooks/…`, `/return/…`).
    merchant: String,
    /// The events the receiver verified, not shown yet.
    events: Mutex<UnboundedReceiver<Received>>,
    /// The returns the return page read, not shown yet.
    returns: Mutex<UnboundedReceiver<Returned>>,
}

pub async fn run(args: DemoArgs) -> Result<(), String> {
    let serve = args.serve || (!args.no_serve && std::io::stdin().is_terminal() && std::io::stdout().is_terminal());
    let mut config = SandboxConfig::default();
    let (desk, returns) = Desk::new();
    let mut receiver =
        webhook::start(webhook::sandbox_webhooks(&config), ([127, 0, 0, 1], 0).into(), desk.clone().routes()).await?;
    let merchant = format!("http://{}", receiver.addr);
    let hooks = format!("{merchant}/webhooks/{{provider}}");
    config.add_webhook_url(&hooks).map_err(|e| e.to_string())?;
    // A refused delivery shows up quickly rather than after the default 7.5 s of retries.
    config.set_webhook_retry(WebhookRetry {
        attempts: 2,
        first_delay: Duration::from_millis(100),
        ..Default::default()
    });
    let addr = ([127, 0, 0, 1], args.port.unwrap_or(0)).into();
    let sandbox = Sandbox::start(config, addr).await.map_err(|e| format!("cannot start the sandbox on {addr}: {e}"))?;
    let url = format!("http://{}", sandbox.addr());
    outln!("paylinks demo: a local sandbox of every provider is running at {url} (no credentials needed)");
    outln!("its webhook events go to a receiver at {hooks}, which verifies each with paylinks::Webhooks;");
    outln!(
        "each link sends the customer back to {merchant}/return/{{provider}}, which reads the redirect with \
         Paylinks::verify_return\n"
    );
    let paylinks = sandbox_client(&url, sandbox.config(), RetryPolicy::default())?;
    desk.set_client(paylinks.clone());
    let events = std::mem::replace(&mut receiver.events, tokio::sync::mpsc::unbounded_channel().1);
    let demo = Demo {
        paylinks,
        http: paylinks::plain_http_client().map_err(|e| e.to_string())?,
        control: format!("{url}/_sandbox"),
        merchant,
        events: Mutex::new(events),
        returns: Mutex::new(returns),
    };
    let mut result = demo.all().await;
    if result.is_ok() {
        result = demo.browser_links().await;
    }
    if result.is_ok() && serve {
        result = demo.serve(&url).await;
    } else if result.is_ok() {
        outln!(
            "\nThe demo is not serving (--no-serve, or stdin or stdout is not a terminal): these pages close with \
             it. Run `paylinks demo --serve` to pay them in a browser."
        );
    }
    sandbox.shutdown().await;
    drop(receiver);
    result
}

impl Demo {
    async fn all(&self) -> Result<(), String> {
        let providers = self.paylinks.providers();
        for provider in providers.iter().copied() {
            outln!("━━ {provider} ━━");
            self.walk(provider).await?;
            outln!();
        }
        outln!("━━ cancelling an unpaid link ━━");
        for provider in providers {
            let link = self.create(provider, "unpaid", false).await?;
            let cancelled = self.paylinks.cancel(&link.link_ref()).await.map_err(|e| e.to_string())?;
            outln!("cancelled {}: status {} ({})", cancelled.link_ref(), cancelled.status, cancelled.provider_status);
            self.show_events().await?;
        }
        let (delivered, failed) = self.delivery_counts().await?;
        outln!(
            "\ndone: every provider created, showed, took payments and refused what its state forbids; \
             {delivered} webhook deliveries verified by the receiver, {failed} refused."
        );
        Ok(())
    }

    /// Every delivery the sandbox made, once none is pending (at most 15 s).
    async fn settled_deliveries(&self) -> Result<Vec<Value>, String> {
        let url = format!("{}/deliveries", self.control);
        for _ in 0..300 {
            let response = self.http.get(&url).send().await.map_err(|e| format!("sandbox control API: {e}"))?;
            let listed: Value = response.json().await.map_err(|e| format!("sandbox control API: {e}"))?;
            let deliveries = listed["deliveries"].as_array().cloned().unwrap_or_default();
            if deliveries.iter().all(|d| d["outcome"] != "pending") {
                return Ok(deliveries);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err("webhook deliveries still pending after 15 s".to_owned())
    }

    /// How many deliveries were verified (2xx) and how many refused.
    async fn delivery_counts(&self) -> Result<(usize, usize), String> {
        let deliveries = self.settled_deliveries().await?;
        let count = |outcome: &str| deliveries.iter().filter(|d| d["outcome"] == outcome).count();
        Ok((count("delivered"), count("failed")))
    }

    /// A fresh open link of each provider (part payments allowed where the link API takes
    /// them), to pay on its page in a browser.
    async fn browser_links(&self) -> Result<(), String> {
        outln!("\nPay in a browser:");
        for provider in self.paylinks.providers() {
            let link = self.create(provider, "browser", self.takes_instalments(provider)).await?;
            outln!("  {:<17}{}", provider.as_str(), link.url.as_deref().unwrap_or("-"));
        }
        Ok(())
    }

    /// Until Ctrl-C: each verified webhook and each return as it arrives.
    async fn serve(self, url: &str) -> Result<(), String> {
        outln!(
            "\nServing the sandbox at {url} and the merchant at {} until Ctrl-C; each verified webhook and \
             return is printed as it arrives.",
            self.merchant
        );
        let mut events = self.events.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut returns = self.returns.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            tokio::select! {
                Some(received) = events.recv() => {
                    outln!("webhook {} (signature verified)", webhook::line(&received));
                }
                Some(returned) = returns.recv() => {
                    outln!("{} {}", chrono::Utc::now().to_rfc3339(), returned.line());
                }
                signal = tokio::signal::ctrl_c() => {
                    return signal.map_err(|e| format!("cannot wait for Ctrl-C: {e}"));
                }
            }
        }
    }

    /// The events the receiver verified since the last call, one line each, then the returns
    /// the return page read.
    async fn show_events(&self) -> Result<(), String> {
        self.settled_deliveries().await?;
        let mut events = self.events.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut shown = 0;
        while let Ok(received) = events.try_recv() {
            shown += 1;
            let event = &received.event;
            let kind = serde_json::to_value(event.kind).unwrap_or_default();
            let payment = event.payment.as_ref().map_or(String::new(), |p| {
                let status = serde_json::to_value(p.status).unwrap_or_default();
                format!(", payment {} of {} {}", p.id, p.amount, status.as_str().unwrap_or(""))
            });
            outln!(
                "  ↳ webhook {} → {}{payment} (event {}, signature verified)",
                event.provider_event,
                kind.as_str().unwrap_or(""),
                event.event_id
            );
        }
        if shown == 0 {
            outln!("  ↳ no webhook event (the provider sends none for this)");
        }
        drop(events);
        let mut returns = self.returns.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while let Ok(returned) = returns.try_recv() {
            outln!("  ↳ {}", returned.line());
        }
        Ok(())
    }

    async fn create(&self, provider: Provider, name: &str, partial: bool) -> Result<PaymentLink, String> {
        let reference = format!("demo-{}-{name}-{}", provider.as_str().replace('_', "-"), std::process::id());
        // The merchant's return page, with the merchant's own order reference: a provider
        // whose redirect names no link (or signs nothing) is checked by it.
        let return_url = format!("{}/return/{}?reference={reference}", self.merchant, provider.as_str());
        let mut request = CreateLink::new(Money::inr(49_950))
            .description("Order #1042: noise-cancelling headphones")
            .reference(reference)
            .customer(Some("Asha Rao"), Some("asha@example.com"), Some("9876543210"))
            .note("order", "1042")
            .return_url(return_url);
        if partial {
            // Instalments with a minimum first payment where the link API takes one, else
            // without a minimum (its own rules, as `validate` checks them).
            let with_minimum = request.clone().partial_payments(Some(Money::inr(10_000)));
            request = if self.paylinks.validate(provider, &with_minimum).is_ok() {
                with_minimum
            } else {
                request.partial_payments(None)
            };
        }
        self.paylinks.create(provider, &request).await.map_err(|e| e.to_string())
    }

    /// Whether the link API lets a link be created for instalments (Pine Labs' create request has no such setting).
    fn takes_instalments(&self, provider: Provider) -> bool {
        let request =
            CreateLink::new(Money::inr(49_950)).customer(None, None, Some("9876543210")).partial_payments(None);
        self.paylinks.validate(provider, &request).is_ok()
    }

    async fn walk(&self, provider: Provider) -> Result<(), String> {
        let partial = self.takes_instalments(provider);
        let link = self.create(provider, "order", partial).await?;
        outln!("created {}:", link.link_ref());
        out!("{}", output::table(&link));
        if let Some(url) = &link.url {
            out!("{}", output::qr(url)?);
        }
        let reference = link.link_ref();

        if partial {
            self.pay(provider, &link, Some(20_000)).await?;
            let fetched = self.fetch(&reference).await?;
            outln!(
                "customer paid 200.00 INR → {} ({}), paid {}, due {}",
                fetched.status,
                fetched.provider_status,
                fetched.amount_paid,
                fetched.amount_due()
            );
            self.show_events().await?;
            self.try_cancel(&reference).await?;
            self.pay(provider, &link, None).await?;
        } else {
            match self.paylinks.resend_notification(&reference, NotifyMedium::Sms).await {
                Ok(()) => outln!("sent the link to the customer again"),
                Err(error) => outln!("resend refused: {}", describe(&error)),
            }
            self.pay(provider, &link, None).await?;
        }
        let paid = self.fetch(&reference).await?;
        let what = if partial { "the rest" } else { "everything" };
        outln!(
            "customer paid {what} → {} ({}), paid {}, due {}",
            paid.status,
            paid.provider_status,
            paid.amount_paid,
            paid.amount_due()
        );
        self.show_events().await?;
        if !partial {
            self.try_cancel(&reference).await?;
        }
        Ok(())
    }

    async fn fetch(&self, link: &LinkRef) -> Result<PaymentLink, String> {
        self.paylinks.get(link).await.map_err(|e| e.to_string())
    }

    /// Cancelling a link that has taken money is refused; show the mapped error.
    async fn try_cancel(&self, link: &LinkRef) -> Result<(), String> {
        match self.paylinks.cancel(link).await {
            Ok(cancelled) => Err(format!(
                "the sandbox cancelled {} in state {}; it should have refused",
                link, cancelled.provider_status
            )),
            Err(error) => {
                outln!("cancel refused as it should be: {}", describe(&error));
                Ok(())
            }
        }
    }

    /// Pays through the sandbox's control API, as a customer would (`None`: everything due),
    /// then goes where the provider sends the customer's browser, as the browser would.
    async fn pay(&self, provider: Provider, link: &PaymentLink, minor: Option<i64>) -> Result<(), String> {
        let url = format!("{}/{}/links/{}/pay", self.control, provider.as_str(), link.id);
        let body = match minor {
            Some(amount) => json!({ "amount": amount }),
            None => json!({}),
        };
        let response =
            self.http.post(&url).json(&body).send().await.map_err(|e| format!("sandbox control API: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("sandbox control API answered HTTP {} for {url}", response.status().as_u16()));
        }
        self.follow_redirect(response.headers()).await
    }

    /// The provider's redirect after a payment, which the control API reports in
    /// `x-sandbox-redirect` (and a POSTed form's fields in `x-sandbox-redirect-form`): a GET of
    /// the URL, or the form POSTed to it, as the payment page makes the browser do.
    async fn follow_redirect(&self, headers: &reqwest::header::HeaderMap) -> Result<(), String> {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let Some(url) = text("x-sandbox-redirect") else { return Ok(()) };
        let request = match text("x-sandbox-redirect-form") {
            Some(form) => self
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form),
            None => self.http.get(&url),
        };
        let response = request.send().await.map_err(|e| format!("the merchant's return page: {e}"))?;
        if response.status().is_server_error() {
            return Err(format!("the merchant's return page answered HTTP {}", response.status().as_u16()));
        }
        Ok(())
    }
}

/// `InvalidState: …` — the variant a caller matches on, then the message.
fn describe(error: &Error) -> String {
    let variant = match error {
        Error::NotFound { .. } => "NotFound",
        Error::InvalidState { .. } => "InvalidState",
        Error::InvalidRequest { .. } => "InvalidRequest",
        Error::Unauthorized { .. } => "Unauthorized",
        Error::RateLimited { .. } => "RateLimited",
        Error::Unsupported { .. } => "Unsupported",
        Error::Provider { .. } => "Provider",
        Error::Transport { .. } => "Transport",
        Error::Decode { .. } => "Decode",
        _ => "Error",
    };
    format!("paylinks::Error::{variant}: {error}")
}
