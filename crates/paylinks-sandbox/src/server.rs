//! Serving the sandbox on a TCP port, with connections the fault injector can drop.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::SandboxConfig;
use crate::conn::{ConnHandle, DroppableListener};
use crate::state::AppState;

/// A running sandbox: every provider API and the control API on one port, served by a
/// spawned tokio task until [`Sandbox::shutdown`] (or drop).
pub struct Sandbox {
    addr: SocketAddr,
    config: SandboxConfig,
    pub(crate) app: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds `addr` (port 0 picks a free port) and serves the sandbox on a spawned task.
    /// Must be called inside a tokio runtime.
    pub async fn start(config: SandboxConfig, addr: SocketAddr) -> io::Result<Sandbox> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(AppState::new(config.clone()));
        // The configured public URL is already set; otherwise the address bound.
        let _ = state.public_url.set(root_url(addr));
        let app = crate::router::routes(&state).into_make_service_with_connect_info::<ConnHandle>();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(DroppableListener { inner: listener }, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            // The serve future only ends on shutdown; accept errors are retried inside.
            let _ = serve.await;
        });
        Ok(Sandbox { addr, config, app: state, stop: Some(stop), task: Some(task) })
    }

    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL of a provider's API (`http://127.0.0.1:P/cashfree/pg` for `cashfree`,
    /// `http://127.0.0.1:P/razorpay`, `http://127.0.0.1:P/pinelabs`); `None` for a name the
    /// sandbox does not serve.
    pub fn base_url(&self, provider: &str) -> Option<String> {
        let provider = crate::providers::all().into_iter().find(|p| p.name() == provider)?;
        Some(format!("{}{}", self.root_url(), provider.prefix()))
    }

    /// The root URL links' payment pages are built under, without a trailing slash: the
    /// configured public URL ([`SandboxConfig::set_public_url`]), else the address the
    /// sandbox bound (`http://127.0.0.1:P`). Link `id` of link API `api` has its page at
    /// `{public_url}/pay/{api}/{id}`.
    pub fn public_url(&self) -> &str {
        self.app.root_url()
    }

    /// The names of the providers the sandbox serves, in registration order.
    pub fn providers(&self) -> Vec<&'static str> {
        crate::providers::all().iter().map(|p| p.name()).collect()
    }

    /// The secret provider `provider` (`razorpay`) signs its webhook deliveries with, as a
    /// receiver verifies them: its webhook secret setting, or the API secret of a provider
    /// that signs with it; `None` for a name the sandbox does not serve.
    pub fn webhook_secret(&self, provider: &str) -> Option<&str> {
        self.config.webhook_secret(provider)
    }

    /// The configuration the sandbox was started with.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// Base URL and settings of every provider, and the control API's URL:
    /// `{"cashfree": {"base_url", "client_id", "client_secret", "api_version"},
    ///   "razorpay": {"base_url", "key_id", "key_secret"},
    ///   "pinelabs": {"base_url", "client_id", "client_secret", "token_ttl_secs"},
    ///   "control_url": "http://127.0.0.1:P/_sandbox",
    ///   "pay_url": "http://127.0.0.1:P/pay"}`: for each provider its `base_url`,
    /// its settings (a duration as `<key>_secs`) and its constant facts (Cashfree's
    /// `api_version`: the versions it answers, oldest first, `["2022-09-01", ..., "2026-01-01"]`);
    /// `pay_url` is where the links' payment pages are, under the public URL
    /// ([`Sandbox::public_url`]): link `id` of link API `api` (`cashfree`, `razorpay`,
    /// `razorpay_invoice`, `pinelabs`) at `{pay_url}/{api}/{id}`.
    pub fn connection_info(&self) -> Value {
        let root = self.root_url();
        let mut info = Map::new();
        for provider in crate::providers::all() {
            let mut members = Map::new();
            members.insert("base_url".into(), Value::from(format!("{root}{}", provider.prefix())));
            members.extend(self.config.json_members(provider.name()));
            members.extend(provider.facts().into_iter().map(|(key, value)| (key.to_owned(), value)));
            info.insert(provider.name().to_owned(), Value::Object(members));
        }
        info.insert("control_url".into(), Value::from(format!("{root}/_sandbox")));
        info.insert("pay_url".into(), Value::from(format!("{}/pay", self.public_url())));
        Value::Object(info)
    }

    /// Stops accepting connections, lets requests in flight finish (for at most two seconds)
    /// and stops the server task and the webhook deliveries still under way.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(2), &mut task).await.is_err()
        {
            task.abort();
        }
        self.app.webhooks.stop();
    }

    /// `http://host:port` of the address bound (see [`root_url`]).
    fn root_url(&self) -> String {
        root_url(self.addr)
    }
}

/// `http://host:port` of `addr`, with `127.0.0.1` for an unspecified bind address.
fn root_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        self.app.webhooks.stop();
    }
}

impl std::fmt::Debug for Sandbox {
    /// The address and the configuration (whose `Debug` shows no secret).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).field("config", &self.config).finish_non_exhaustive()
    }
}
