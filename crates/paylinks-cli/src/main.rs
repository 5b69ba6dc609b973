//! `paylinks`: the offline demo, a local sandbox of every provider, link commands against the
//! real APIs or a sandbox, and decoding of saved provider responses.
#![forbid(unsafe_code)]
// stdout goes through `output::write_stdout` (`out!`, `outln!`), which survives a closed pipe.
#![deny(clippy::print_stdout)]

mod demo;
mod links;
mod logs;
mod output;
mod returns;
mod serve;
mod webhook;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use output::{out, outln};
use paylinks::Provider;

/// Payment links of Cashfree, Razorpay and Pine Labs, one way.
#[derive(Debug, Parser)]
#[command(name = "paylinks", version, about)]
struct Cli {
    /// Print paylinks' spans and events (HTTP requests, retries...) to stderr: -v info, -vv
    /// debug. RUST_LOG (tracing-subscriber's env-filter syntax) overrides it.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a local sandbox and walk every provider's link through its life (no credentials),
    /// then print a link of each provider to pay in a browser.
    Demo(demo::DemoArgs),
    /// Serve the sandbox of every provider until Ctrl-C; the first stdout line is its JSON
    /// configuration (base URLs and credentials).
    Sandbox(serve::SandboxArgs),
    /// Create, fetch, cancel, resend and list links (real APIs with credentials from the
    /// environment, or a sandbox with --sandbox URL).
    #[command(subcommand)]
    Links(links::LinksCommand),
    /// Read a saved provider response body (a link from create, fetch or cancel) and print
    /// the normalised PaymentLink JSON; a list response prints as an array of them. A
    /// provider's error body or a webhook event is reported as such (exit 1).
    Decode(DecodeArgs),
    /// Verify webhook deliveries: a saved one (`verify`) or over HTTP (`listen`).
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    /// Print the JSON Schema of the normalised PaymentLink (`--event`: of the LinkEvent).
    Schema {
        /// The schema of a verified webhook event (LinkEvent) instead.
        #[arg(long)]
        event: bool,
    },
    /// Draw a QR code of a URL in the terminal.
    Qr {
        /// The URL (or any text) to encode.
        url: String,
    },
}

#[derive(Debug, Args)]
struct DecodeArgs {
    /// cashfree, razorpay, razorpay-invoice or pinelabs.
    #[arg(long, value_parser = parse_provider)]
    provider: Provider,
    /// The file holding the body, or - for standard input.
    file: PathBuf,
}

/// A value parser whose error is one line, `error: --flag: what is wrong` (exit 2), without
/// clap's usage lines and without quoting the argument (a `--header` may hold a signature).
#[derive(Clone)]
pub(crate) struct OneLine<T> {
    flag: &'static str,
    parse: fn(&str) -> Result<T, String>,
}

impl<T> OneLine<T> {
    pub(crate) fn new(flag: &'static str, parse: fn(&str) -> Result<T, String>) -> Self {
        OneLine { flag, parse }
    }
}

impl<T: Clone + Send + Sync + 'static> clap::builder::TypedValueParser for OneLine<T> {
    type Value = T;

    fn parse_ref(
        &self,
        _command: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let refused =
            |why: String| clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{}: {why}\n", self.flag));
        let text = value.to_str().ok_or_else(|| refused("not UTF-8".to_owned()))?;
        (self.parse)(text).map_err(refused)
    }
}

pub(crate) fn parse_provider(text: &str) -> Result<Provider, String> {
    text.parse().map_err(|e: paylinks::UnknownProvider| e.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    logs::init(cli.verbose);
    let result = match cli.command {
        Command::Demo(args) => demo::run(args).await,
        Command::Sandbox(args) => serve::run(args).await,
        Command::Links(command) => links::run(command).await,
        Command::Decode(args) => decode(args),
        Command::Webhook(command) => webhook::run(command).await,
        Command::Schema { event } => {
            let schema = if event { paylinks::link_event_schema() } else { paylinks::payment_link_schema() };
            outln!("{}", serde_json::to_string_pretty(&schema).unwrap_or_default());
            Ok(())
        }
        Command::Qr { url } => output::qr(&url).map(|qr| out!("{qr}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The bytes of `file`, or of standard input for `-`, exactly as stored.
pub(crate) fn read_input(file: &std::path::Path) -> Result<Vec<u8>, String> {
    if file.as_os_str() == "-" {
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut body)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(body)
    } else {
        std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))
    }
}

fn decode(args: DecodeArgs) -> Result<(), String> {
    let body = read_input(&args.file)?;
    // A link prints as an object, a list response as an array of links; a provider's error
    // body, a webhook event or anything else that is not a link is an error (exit 1).
    match paylinks::decode_body(args.provider, &body).map_err(|e| e.to_string())? {
        paylinks::Decoded::Link(link) => outln!("{}", output::json(&link)),
        paylinks::Decoded::Links(links) => outln!("{}", serde_json::to_string_pretty(&links).unwrap_or_default()),
        _ => return Err(format!("{}: this kind of body is not printed yet", args.provider)),
    }
    Ok(())
}
