//! Serving the sandbox on a TCP port, with connections the fault injector can drop.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::SandboxConfig;

/// The base URLs of the three provider APIs of a running sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrls {
    /// `http://127.0.0.1:P/cashfree/pg` (Cashfree's `/pg`).
    pub cashfree: String,
    /// `http://127.0.0.1:P/razorpay` (paths start with `/v1`).
    pub razorpay: String,
    /// `http://127.0.0.1:P/pinelabs` (paths start with `/api`).
    pub pinelabs: String,
}

/// A running sandbox: all three provider APIs and the control API on one port, served by a
/// spawned tokio task until [`Sandbox::shutdown`] (or drop).
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    config: SandboxConfig,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds `addr` (port 0 picks a free port) and serves the sandbox on a spawned task.
    /// Must be called inside a tokio runtime.
    pub async fn start(config: SandboxConfig, addr: SocketAddr) -> io::Result<Sandbox> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = crate::router::router(config.clone()).into_make_service_with_connect_info::<ConnHandle>();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(DroppableListener { inner: listener }, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            // The serve future only ends on shutdown; accept errors are retried inside.
            let _ = serve.await;
        });
        Ok(Sandbox { addr, config, stop: Some(stop), task: Some(task) })
    }

    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URLs of the provider APIs.
    pub fn base_urls(&self) -> BaseUrls {
        let root = self.root_url();
        BaseUrls {
            cashfree: format!("{root}/cashfree/pg"),
            razorpay: format!("{root}/razorpay"),
            pinelabs: format!("{root}/pinelabs"),
        }
    }

    /// The configuration the sandbox was started with.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// Base URLs and credentials of every provider, and the control API's URL:
    /// `{"cashfree": {"base_url", "client_id", "client_secret", "api_version"},
    ///   "razorpay": {"base_url", "key_id", "key_secret"},
    ///   "pinelabs": {"base_url", "client_id", "client_secret"},
    ///   "control_url": "http://127.0.0.1:P/_sandbox"}`.
    pub fn connection_info(&self) -> Value {
        let urls = self.base_urls();
        json!({
            "cashfree": {
                "base_url": urls.cashfree,
                "client_id": self.config.cashfree.client_id,
                "client_secret": self.config.cashfree.client_secret,
                "api_version": crate::CASHFREE_API_VERSION,
            },
            "razorpay": {
                "base_url": urls.razorpay,
                "key_id": self.config.razorpay.key_id,
                "key_secret": self.config.razorpay.key_secret,
            },
            "pinelabs": {
                "base_url": urls.pinelabs,
                "client_id": self.config.pinelabs.client_id,
                "client_secret": self.config.pinelabs.client_secret,
            },
            "control_url": format!("{}/_sandbox", self.root_url()),
        })
    }

    /// Stops accepting connections, lets requests in flight finish (for at most two seconds)
    /// and stops the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(2), &mut task).await.is_err()
        {
            task.abort();
        }
    }

    /// `http://host:port`, with `127.0.0.1` (or `[::1]`) for an unspecified bind address.
    fn root_url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Per-connection handle, given to handlers as `ConnectInfo<ConnHandle>`: lets the fault
/// injector close the connection without (or in the middle of) a response.
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle {
    killed: Arc<AtomicBool>,
}

impl ConnHandle {
    /// From now on every read and write of the connection fails, so hyper closes it without
    /// writing anything more.
    pub(crate) fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, DroppableListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, DroppableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP listener whose connections can be killed through their [`ConnHandle`].
pub(crate) struct DroppableListener {
    inner: TcpListener,
}

impl Listener for DroppableListener {
    type Io = DroppableStream;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, _remote)) => {
                    let _ = stream.set_nodelay(true);
                    let killed = Arc::new(AtomicBool::new(false));
                    return (DroppableStream { inner: stream, killed: killed.clone() }, ConnHandle { killed });
                }
                // Out of file descriptors or a connection reset during accept: wait, retry.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr().map(|_| ConnHandle { killed: Arc::new(AtomicBool::new(false)) })
    }
}

/// A TCP stream that fails every operation once its connection has been killed.
pub(crate) struct DroppableStream {
    inner: TcpStream,
    killed: Arc<AtomicBool>,
}

impl DroppableStream {
    fn dropped(&self) -> Option<io::Error> {
        self.killed
            .load(Ordering::SeqCst)
            .then(|| io::Error::new(io::ErrorKind::ConnectionAborted, "connection dropped by a sandbox fault"))
    }
}

impl AsyncRead for DroppableStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.dropped() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for DroppableStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if let Some(e) = self.dropped() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.dropped() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(e) = self.dropped() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
