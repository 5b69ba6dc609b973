//! The fault injector: a middleware around each provider's routes that applies the next
//! queued fault of that provider (see `faults.rs`).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use crate::conn::ConnHandle;
use crate::faults::FaultKind;
use crate::provider::Provider;
use crate::state::AppState;

/// The state the fault middleware of one provider's router needs.
#[derive(Clone)]
pub(crate) struct FaultScope {
    /// The sandbox state.
    pub(crate) app: Arc<AppState>,
    /// Whose requests this middleware sees.
    pub(crate) provider: Arc<dyn Provider>,
}

/// Middleware: applies the next queued fault of the scope's provider, if any.
pub(crate) async fn inject(State(scope): State<FaultScope>, request: Request, next: Next) -> Response {
    let fault = scope.app.lock().faults.take(scope.provider.name());
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    let connection = request.extensions().get::<ConnectInfo<ConnHandle>>().map(|info| info.0.clone());
    match fault.kind {
        FaultKind::Status => {
            let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            scope.provider.fault_status(status)
        }
        FaultKind::RateLimit => {
            let mut response = scope.provider.rate_limited(fault.retry_after_secs);
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, fault.retry_after_secs.into());
            response
        }
        FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
            next.run(request).await
        }
        FaultKind::Drop => dropped(connection, Response::new(Body::empty())),
        FaultKind::DropResponse => {
            let response = next.run(request).await;
            dropped(connection, response)
        }
    }
}

/// Makes sure `response` never reaches the client complete: the connection is killed (under
/// [`crate::Sandbox`]), or, when the router is embedded elsewhere and there is no connection
/// handle, the body fails so that the server aborts the connection.
fn dropped(connection: Option<ConnHandle>, response: Response) -> Response {
    match connection {
        Some(connection) => {
            connection.kill();
            response
        }
        None => {
            let (parts, _) = response.into_parts();
            Response::from_parts(parts, Body::from_stream(BrokenBody))
        }
    }
}

/// A body stream whose first chunk is an error.
struct BrokenBody;

impl futures_core::Stream for BrokenBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(Some(Err(std::io::Error::other("connection dropped by a sandbox fault"))))
    }
}
