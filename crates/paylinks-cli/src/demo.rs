//! `paylinks demo`: the main job, offline. Starts the sandbox in-process and walks a link of
//! every provider through its life with the facade: create, show (table and QR code), pay
//! partially, fetch, try what the state forbids, complete.

use paylinks::{CreateLink, Error, LinkRef, Money, NotifyMedium, Paylinks, PaymentLink, Provider, RetryPolicy};
use paylinks_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

use crate::links::sandbox_client;
use crate::output;

struct Demo {
    paylinks: Paylinks,
    http: reqwest::Client,
    control: String,
}

pub async fn run() -> Result<(), String> {
    let sandbox = Sandbox::start(SandboxConfig::default(), ([127, 0, 0, 1], 0).into())
        .await
        .map_err(|e| format!("cannot start the sandbox: {e}"))?;
    let url = format!("http://{}", sandbox.addr());
    println!("paylinks demo: a local sandbox of every provider is running at {url} (no credentials needed)\n");
    let demo = Demo {
        paylinks: sandbox_client(&url, sandbox.config(), RetryPolicy::default())?,
        http: paylinks::plain_http_client().map_err(|e| e.to_string())?,
        control: format!("{url}/_sandbox"),
    };
    let result = demo.all().await;
    sandbox.shutdown().await;
    result
}

impl Demo {
    async fn all(&self) -> Result<(), String> {
        let providers = self.paylinks.providers();
        for provider in providers.iter().copied() {
            println!("━━ {provider} ━━");
            self.walk(provider).await?;
            println!();
        }
        println!("━━ cancelling an unpaid link ━━");
        for provider in providers {
            let link = self.create(provider, "unpaid", false).await?;
            let cancelled = self.paylinks.cancel(&link.link_ref()).await.map_err(|e| e.to_string())?;
            println!("cancelled {}: status {} ({})", cancelled.link_ref(), cancelled.status, cancelled.provider_status);
        }
        println!("\ndone: every provider created, showed, took payments and refused what its state forbids.");
        Ok(())
    }

    async fn create(&self, provider: Provider, name: &str, partial: bool) -> Result<PaymentLink, String> {
        let mut request = CreateLink::new(Money::inr(49_950))
            .description("Order #1042: noise-cancelling headphones")
            .reference(format!("demo-{}-{name}-{}", provider.as_str().replace('_', "-"), std::process::id()))
            .customer(Some("Asha Rao"), Some("asha@example.com"), Some("9876543210"))
            .note("order", "1042");
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

    /// Whether the link API takes instalments at all (Pine Labs links take one full payment).
    fn takes_instalments(&self, provider: Provider) -> bool {
        let request =
            CreateLink::new(Money::inr(49_950)).customer(None, None, Some("9876543210")).partial_payments(None);
        self.paylinks.validate(provider, &request).is_ok()
    }

    async fn walk(&self, provider: Provider) -> Result<(), String> {
        let partial = self.takes_instalments(provider);
        let link = self.create(provider, "order", partial).await?;
        println!("created {}:", link.link_ref());
        print!("{}", output::table(&link));
        if let Some(url) = &link.url {
            print!("{}", output::qr(url)?);
        }
        let reference = link.link_ref();

        if partial {
            self.pay(provider, &link, Some(20_000)).await?;
            let fetched = self.fetch(&reference).await?;
            println!(
                "customer paid 200.00 INR → {} ({}), paid {}, due {}",
                fetched.status,
                fetched.provider_status,
                fetched.amount_paid,
                fetched.amount_due()
            );
            self.try_cancel(&reference).await?;
            self.pay(provider, &link, None).await?;
        } else {
            match self.paylinks.resend_notification(&reference, NotifyMedium::Sms).await {
                Ok(()) => println!("sent the link to the customer again"),
                Err(error) => println!("resend refused: {}", describe(&error)),
            }
            self.pay(provider, &link, None).await?;
        }
        let paid = self.fetch(&reference).await?;
        let what = if partial { "the rest" } else { "everything" };
        println!(
            "customer paid {what} → {} ({}), paid {}, due {}",
            paid.status,
            paid.provider_status,
            paid.amount_paid,
            paid.amount_due()
        );
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
                println!("cancel refused as it should be: {}", describe(&error));
                Ok(())
            }
        }
    }

    /// Pays through the sandbox's control API, as a customer would (`None`: everything due).
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
