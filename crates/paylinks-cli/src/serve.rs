//! `paylinks sandbox`: serve the sandbox of every provider until Ctrl-C.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::{Arg, ArgMatches, Args, Command, FromArgMatches};
use paylinks_sandbox::{Sandbox, SandboxConfig, SettingDefault};

/// Where the sandbox listens and which credentials it accepts: `--port`, `--host`, and one
/// flag per provider setting, built from the sandbox's registry (`--cashfree-client-id`,
/// `--razorpay-key-secret`, `--token-ttl-secs`, ...).
#[derive(Debug)]
pub struct SandboxArgs {
    port: u16,
    host: IpAddr,
    config: SandboxConfig,
}

impl FromArgMatches for SandboxArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = SandboxArgs { port: 4455, host: IpAddr::from([127, 0, 0, 1]), config: SandboxConfig::default() };
        args.update_from_arg_matches(matches)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        if let Some(port) = matches.get_one::<u16>("port") {
            self.port = *port;
        }
        if let Some(host) = matches.get_one::<IpAddr>("host") {
            self.host = *host;
        }
        if let Some(url) = matches.get_one::<String>("public-url") {
            self.config.set_public_url(url).map_err(|e| {
                clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("--public-url: {}\n", e.reason))
            })?;
        }
        for url in matches.get_many::<String>("webhook-url").into_iter().flatten() {
            self.config
                .add_webhook_url(url)
                .map_err(|e| clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("--webhook-url: {e}\n")))?;
        }
        for spec in SandboxConfig::default().settings() {
            let set = match spec.default {
                SettingDefault::Text(_) => matches
                    .get_one::<String>(spec.flag)
                    .map(|text| self.config.set(spec.provider, spec.key, text.as_str())),
                SettingDefault::Duration(_) => matches
                    .get_one::<u64>(spec.flag)
                    .map(|secs| self.config.set(spec.provider, spec.key, Duration::from_secs(*secs))),
            };
            if let Some(Err(e)) = set {
                return Err(clap::Error::raw(clap::error::ErrorKind::InvalidValue, e));
            }
        }
        Ok(())
    }
}

impl Args for SandboxArgs {
    fn augment_args(command: Command) -> Command {
        let command = command
            .arg(
                Arg::new("port")
                    .long("port")
                    .value_name("PORT")
                    .help("Port to listen on (0: any free port)")
                    .value_parser(clap::value_parser!(u16))
                    .default_value("4455"),
            )
            .arg(
                Arg::new("host")
                    .long("host")
                    .value_name("HOST")
                    .help("Address to listen on")
                    .value_parser(clap::value_parser!(IpAddr))
                    .default_value("127.0.0.1"),
            )
            .arg(
                Arg::new("public-url")
                    .long("public-url")
                    .value_name("URL")
                    .help(
                        "The URL a browser reaches this sandbox at, when it is not http://HOST:PORT: a tunnel \
                         (https://abc.ngrok.app) or a container's published port (http://localhost:8080). Every \
                         link's payment page URL (link_url, short_url) is built under it: URL/pay/{api}/{id}",
                    )
                    .value_parser(crate::OneLine::new("--public-url", parse_public_url)),
            )
            .arg(
                Arg::new("webhook-url")
                    .long("webhook-url")
                    .value_name("URL")
                    .help(
                        "POST every webhook event to this URL (repeatable); {provider} in it becomes the \
                         provider's name, e.g. http://127.0.0.1:4466/webhooks/{provider}",
                    )
                    .action(clap::ArgAction::Append)
                    .value_parser(crate::OneLine::new("--webhook-url", parse_webhook_url)),
            );
        SandboxConfig::default().settings().iter().fold(command, |command, spec| {
            let arg = Arg::new(spec.flag).long(spec.flag).help(spec.help.trim_end_matches('.'));
            // No clap default: an absent flag leaves the sandbox's default in place.
            let arg = match spec.default {
                SettingDefault::Text(_) => arg.value_name("TEXT").value_parser(clap::value_parser!(String)),
                SettingDefault::Duration(_) => arg.value_name("SECONDS").value_parser(clap::value_parser!(u64)),
            };
            command.arg(arg)
        })
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

/// A `--webhook-url` the sandbox takes: checked while parsing, so that a wrong one is one
/// line naming the flag.
fn parse_webhook_url(text: &str) -> Result<String, String> {
    SandboxConfig::default().add_webhook_url(text).map_err(|e| e.reason.to_owned())?;
    Ok(text.to_owned())
}

/// A `--public-url` the sandbox takes (absolute http or https, no credentials, query or
/// fragment): checked while parsing, so that a wrong one is one line naming the flag.
fn parse_public_url(text: &str) -> Result<String, String> {
    SandboxConfig::default().set_public_url(text).map_err(|e| e.reason.to_owned())?;
    Ok(text.to_owned())
}

pub async fn run(args: SandboxArgs) -> Result<(), String> {
    let addr = SocketAddr::new(args.host, args.port);
    let sandbox = Sandbox::start(args.config, addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    // First line: one JSON object, for scripts and CI. A reader that stops reading after it
    // (closing the pipe) must not stop the sandbox, so write errors are ignored.
    let mut lines =
        vec![sandbox.connection_info().to_string(), format!("paylinks sandbox listening on http://{}", sandbox.addr())];
    for provider in sandbox.providers() {
        lines.push(format!("  {provider:<9} {}", sandbox.base_url(provider).unwrap_or_default()));
    }
    lines.push(format!("  control   http://{}/_sandbox", sandbox.addr()));
    lines.push(format!("  pages     {}/pay/{{api}}/{{id}}", sandbox.public_url()));
    for url in sandbox.config().webhook_urls() {
        lines.push(format!("  webhooks  {url}"));
    }
    lines.push("Ctrl-C stops it.".to_owned());
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(stdout, "{line}");
    }
    let _ = stdout.flush();
    drop(stdout);
    tokio::signal::ctrl_c().await.map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    sandbox.shutdown().await;
    Ok(())
}
