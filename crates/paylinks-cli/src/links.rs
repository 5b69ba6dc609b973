//! `paylinks links ...`: the facade's operations from the command line.

use std::collections::BTreeMap;

use clap::{Args, Subcommand};
use paylinks::{CreateLink, Currency, Environment, LinkRef, ListFilter, Money, NotifyMedium, Paylinks, Provider};
use paylinks_sandbox::SandboxConfig;

use crate::output::{out, outln};
use crate::{output, parse_provider};

#[derive(Debug, Subcommand)]
pub enum LinksCommand {
    /// Create a link.
    Create(Box<CreateArgs>),
    /// Fetch a link (`plink_…`, `inv_…`, `pl-…`, or `provider:id`).
    Get(LinkArgs),
    /// Cancel a link.
    Cancel(LinkArgs),
    /// Send a link to its customer again.
    Notify {
        #[command(flatten)]
        link: LinkArgs,
        /// sms or email.
        #[arg(long, default_value = "sms")]
        medium: String,
    },
    /// List links (Razorpay; other providers by --reference).
    List {
        #[command(flatten)]
        target: Target,
        /// cashfree, razorpay, razorpay-invoice or pinelabs.
        #[arg(long, value_parser = parse_provider)]
        provider: Provider,
        /// Only the link with this merchant reference.
        #[arg(long)]
        reference: Option<String>,
    },
}

/// Where to send requests and how to print.
#[derive(Debug, Args)]
pub struct Target {
    /// Use a sandbox at this URL (e.g. http://127.0.0.1:4455) with its default credentials,
    /// instead of the real APIs with credentials from the environment.
    #[arg(long, global = true)]
    sandbox: Option<String>,
    /// Print the normalised PaymentLink JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    #[command(flatten)]
    target: Target,
    /// The link: `plink_…`, `inv_…`, `pl-…`, or `provider:id` (Cashfree ids need `cashfree:`).
    link: String,
    /// The provider, when the link id does not say it.
    #[arg(long, value_parser = parse_provider)]
    provider: Option<Provider>,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    target: Target,
    /// cashfree, razorpay, razorpay-invoice or pinelabs.
    #[arg(long, value_parser = parse_provider)]
    provider: Provider,
    /// Amount in major units, e.g. 499.50 (exact: more decimals than the currency has is an error).
    #[arg(long)]
    amount: String,
    /// ISO 4217 currency code.
    #[arg(long, default_value = "INR")]
    currency: String,
    /// What the payment is for.
    #[arg(long)]
    description: Option<String>,
    /// Your own id of the link (makes retries safe).
    #[arg(long)]
    reference: Option<String>,
    /// Customer name.
    #[arg(long)]
    customer_name: Option<String>,
    /// Customer e-mail.
    #[arg(long)]
    customer_email: Option<String>,
    /// Customer phone (Cashfree requires one).
    #[arg(long)]
    customer_phone: Option<String>,
    /// Allow partial payments, with this smallest first payment (major units; 0: no minimum).
    #[arg(long)]
    partial: Option<String>,
    /// Expire after this many hours.
    #[arg(long)]
    expires_in_hours: Option<i64>,
    /// Ask the provider to send the link by SMS.
    #[arg(long)]
    notify_sms: bool,
    /// Ask the provider to send the link by e-mail.
    #[arg(long)]
    notify_email: bool,
    /// A note, `key=value` (repeatable).
    #[arg(long = "note", value_parser = parse_note)]
    notes: Vec<(String, String)>,
    /// Where the customer lands after paying.
    #[arg(long)]
    return_url: Option<String>,
}

fn parse_note(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("note `{text}` is not key=value"))
}

/// The facade client: a sandbox's, or the real APIs' from the environment.
pub fn client(sandbox: Option<&str>) -> Result<Paylinks, String> {
    match sandbox {
        Some(url) => {
            Ok(sandbox_client(url.trim_end_matches('/'), &SandboxConfig::default(), paylinks::RetryPolicy::default())?)
        }
        None => Paylinks::from_env().map_err(|e| e.to_string()),
    }
}

/// A facade client for a sandbox at `url` accepting `config`'s credentials.
pub fn sandbox_client(url: &str, config: &SandboxConfig, retry: paylinks::RetryPolicy) -> Result<Paylinks, String> {
    let text = |provider: &str, key: &str| config.text(provider, key).unwrap_or_default().to_owned();
    Paylinks::builder()
        .cashfree(
            text("cashfree", "client_id"),
            text("cashfree", "client_secret").as_str(),
            Environment::Custom(format!("{url}/cashfree/pg")),
        )
        .razorpay(
            text("razorpay", "key_id"),
            text("razorpay", "key_secret").as_str(),
            Environment::Custom(format!("{url}/razorpay")),
        )
        .pinelabs(
            text("pinelabs", "client_id"),
            text("pinelabs", "client_secret").as_str(),
            Environment::Custom(format!("{url}/pinelabs")),
        )
        .return_secret(Provider::Pinelabs, text("pinelabs", "callback_secret").as_str())
        .retry(retry)
        .build()
        .map_err(|e| e.to_string())
}

fn link_ref(args: &LinkArgs) -> Result<LinkRef, String> {
    match args.provider {
        Some(provider) => Ok(LinkRef::new(provider, args.link.clone())),
        None => args.link.parse().map_err(|e: paylinks::LinkRefError| e.to_string()),
    }
}

fn print(link: &paylinks::PaymentLink, json: bool) {
    if json { outln!("{}", output::json(link)) } else { out!("{}", output::table(link)) }
}

pub async fn run(command: LinksCommand) -> Result<(), String> {
    match command {
        LinksCommand::Create(args) => {
            let request = create_request(&args)?;
            let paylinks = client(args.target.sandbox.as_deref())?;
            let link = paylinks.create(args.provider, &request).await.map_err(|e| e.to_string())?;
            print(&link, args.target.json);
        }
        LinksCommand::Get(args) => {
            let link =
                client(args.target.sandbox.as_deref())?.get(&link_ref(&args)?).await.map_err(|e| e.to_string())?;
            print(&link, args.target.json);
        }
        LinksCommand::Cancel(args) => {
            let link =
                client(args.target.sandbox.as_deref())?.cancel(&link_ref(&args)?).await.map_err(|e| e.to_string())?;
            print(&link, args.target.json);
        }
        LinksCommand::Notify { link, medium } => {
            let medium: NotifyMedium = medium.parse()?;
            let reference = link_ref(&link)?;
            client(link.target.sandbox.as_deref())?
                .resend_notification(&reference, medium)
                .await
                .map_err(|e| e.to_string())?;
            outln!("{reference}: sent again by {}", medium.as_str());
        }
        LinksCommand::List { target, provider, reference } => {
            let links = client(target.sandbox.as_deref())?
                .list(provider, &ListFilter { reference })
                .await
                .map_err(|e| e.to_string())?;
            if target.json {
                outln!("{}", serde_json::to_string_pretty(&links).unwrap_or_default());
            } else if links.is_empty() {
                outln!("no links");
            } else {
                for link in &links {
                    outln!(
                        "{:<32} {:<15} {:>16}  {}",
                        link.link_ref().to_string(),
                        link.status.as_str(),
                        link.amount.to_string(),
                        link.url.as_deref().unwrap_or("-")
                    );
                }
            }
        }
    }
    Ok(())
}

fn create_request(args: &CreateArgs) -> Result<CreateLink, String> {
    let currency: Currency = args.currency.parse().map_err(|e: paylinks::UnknownCurrency| e.to_string())?;
    let amount = Money::parse_major(&args.amount, currency).map_err(|e| format!("--amount {}: {e}", args.amount))?;
    let mut link = CreateLink::new(amount);
    link.description = args.description.clone();
    link.reference = args.reference.clone();
    link.customer = paylinks::Customer {
        name: args.customer_name.clone(),
        email: args.customer_email.clone(),
        phone: args.customer_phone.clone(),
    };
    if let Some(minimum) = &args.partial {
        let minimum = Money::parse_major(minimum, currency).map_err(|e| format!("--partial {minimum}: {e}"))?;
        link = link.partial_payments((minimum.minor > 0).then_some(minimum));
    }
    link.expires_at = args.expires_in_hours.map(|h| chrono::Utc::now() + chrono::Duration::hours(h));
    link = link.notify(args.notify_sms, args.notify_email);
    link.notes = args.notes.iter().cloned().collect::<BTreeMap<_, _>>();
    link.return_url = args.return_url.clone();
    Ok(link)
}
