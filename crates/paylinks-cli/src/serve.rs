//! `paylinks sandbox`: serve the sandbox of every provider until Ctrl-C.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use std::io::Write;

use clap::Args;
use paylinks_sandbox::{Sandbox, SandboxConfig};

/// Where the sandbox listens and which credentials it accepts.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 4455)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Cashfree x-client-id the sandbox accepts.
    #[arg(long)]
    cashfree_client_id: Option<String>,
    /// Cashfree x-client-secret the sandbox accepts.
    #[arg(long)]
    cashfree_client_secret: Option<String>,
    /// Razorpay key id the sandbox accepts.
    #[arg(long)]
    razorpay_key_id: Option<String>,
    /// Razorpay key secret the sandbox accepts.
    #[arg(long)]
    razorpay_key_secret: Option<String>,
    /// Pine Labs client id the sandbox accepts.
    #[arg(long)]
    pinelabs_client_id: Option<String>,
    /// Pine Labs client secret the sandbox accepts.
    #[arg(long)]
    pinelabs_client_secret: Option<String>,
    /// Lifetime of Pine Labs access tokens, in seconds.
    #[arg(long, default_value_t = 3600)]
    token_ttl_secs: u64,
}

impl SandboxArgs {
    fn config(&self) -> SandboxConfig {
        let mut config = SandboxConfig::default();
        let set = |target: &mut String, value: &Option<String>| {
            if let Some(value) = value {
                target.clone_from(value);
            }
        };
        set(&mut config.cashfree.client_id, &self.cashfree_client_id);
        set(&mut config.cashfree.client_secret, &self.cashfree_client_secret);
        set(&mut config.razorpay.key_id, &self.razorpay_key_id);
        set(&mut config.razorpay.key_secret, &self.razorpay_key_secret);
        set(&mut config.pinelabs.client_id, &self.pinelabs_client_id);
        set(&mut config.pinelabs.client_secret, &self.pinelabs_client_secret);
        config.token_ttl = Duration::from_secs(self.token_ttl_secs);
        config
    }
}

pub async fn run(args: SandboxArgs) -> Result<(), String> {
    let addr = SocketAddr::new(args.host, args.port);
    let sandbox = Sandbox::start(args.config(), addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    // First line: one JSON object, for scripts and CI. A reader that stops reading after it
    // (closing the pipe) must not stop the sandbox, so write errors are ignored.
    let urls = sandbox.base_urls();
    let lines = [
        sandbox.connection_info().to_string(),
        format!("paylinks sandbox listening on http://{}", sandbox.addr()),
        format!("  cashfree  {}", urls.cashfree),
        format!("  razorpay  {}", urls.razorpay),
        format!("  pinelabs  {}", urls.pinelabs),
        format!("  control   http://{}/_sandbox", sandbox.addr()),
        "Ctrl-C stops it.".to_owned(),
    ];
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
