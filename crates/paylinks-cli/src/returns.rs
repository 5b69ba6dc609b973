//! The demo receiver's return page: `GET /return/{provider}` (a redirect with a query string)
//! and `POST /return/{provider}` (a form posted by the browser), where the demo's links send
//! the customer back after a payment. Each is read with `Paylinks::verify_return`; a return the
//! provider does not sign is checked by fetching its link, as a merchant must. The page says
//! what was found, and the demo prints one line per return.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};
use paylinks::{LinkRef, Paylinks, PaymentLink, Provider, Return};
use tokio::sync::mpsc;

/// A return the page received.
#[derive(Debug, Clone)]
pub enum Returned {
    /// Read (and verified, when the provider signs its redirect).
    Accepted {
        /// What the redirect said.
        back: Return,
        /// When it was not signed: the link as fetched from the provider, or why it could not
        /// be fetched.
        fetched: Option<Result<Box<PaymentLink>, String>>,
    },
    /// Refused: the provider and why (a missing parameter, a signature that does not match).
    Refused {
        /// The link API named by the path.
        provider: Provider,
        /// The facade's error, one line.
        why: String,
    },
}

impl Returned {
    /// One line for the demo's output.
    pub fn line(&self) -> String {
        match self {
            Returned::Accepted { back, fetched } => {
                let mut parts = vec![format!("return {}", back.provider)];
                if let Some(id) = &back.link_id {
                    parts.push(format!("link {id}"));
                }
                if let Some(order) = &back.order_id {
                    parts.push(format!("order {order}"));
                }
                if let Some(payment) = &back.payment_id {
                    parts.push(format!("payment {payment}"));
                }
                if let Some(status) = &back.provider_status {
                    parts.push(format!("status {status}"));
                }
                let how = match fetched {
                    None => "signature verified".to_owned(),
                    Some(Ok(link)) => format!(
                        "not signed: fetched the link: {} ({}), paid {}",
                        link.status, link.provider_status, link.amount_paid
                    ),
                    Some(Err(why)) => format!("not signed, and the link could not be fetched: {why}"),
                };
                format!("{} ({how})", parts.join(", "))
            }
            Returned::Refused { provider, why } => format!("return {provider} refused: {why}"),
        }
    }
}

/// What the return routes need: the facade client (set once the sandbox runs) and where
/// returns go.
#[derive(Clone)]
pub struct Desk {
    paylinks: Arc<OnceLock<Paylinks>>,
    returns: mpsc::UnboundedSender<Returned>,
}

impl Desk {
    /// A desk without a client yet, and the receiving end of its returns.
    pub fn new() -> (Desk, mpsc::UnboundedReceiver<Returned>) {
        let (returns, received) = mpsc::unbounded_channel();
        (Desk { paylinks: Arc::default(), returns }, received)
    }

    /// The client that verifies returns and fetches links (the first one given stays).
    pub fn set_client(&self, paylinks: Paylinks) {
        let _ = self.paylinks.set(paylinks);
    }

    /// `GET|POST /return/{provider}`.
    pub fn routes(self) -> Router {
        Router::new().route("/return/{provider}", get(on_get).post(on_post)).with_state(self)
    }

    async fn receive(&self, provider: &str, params: &str) -> (StatusCode, Markup) {
        let Ok(provider) = provider.parse::<Provider>() else {
            return (StatusCode::NOT_FOUND, page("Not found", &format!("no return path for `{provider}`"), None));
        };
        let Some(paylinks) = self.paylinks.get() else {
            return (StatusCode::SERVICE_UNAVAILABLE, page("Not ready", "the demo is still starting", None));
        };
        let returned = match paylinks.verify_return(provider, params) {
            Ok(back) if back.verified => Returned::Accepted { back, fetched: None },
            Ok(back) => {
                let fetched = match &back.link_id {
                    Some(id) => {
                        paylinks.get(&LinkRef::new(provider, id.clone())).await.map(Box::new).map_err(|e| e.to_string())
                    }
                    None => Err("the redirect names no link".to_owned()),
                };
                Returned::Accepted { back, fetched: Some(fetched) }
            }
            Err(error) => Returned::Refused { provider, why: error.to_string() },
        };
        let answer = match &returned {
            Returned::Accepted { .. } => (StatusCode::OK, page("Payment received", &returned.line(), Some(&returned))),
            Returned::Refused { .. } => (StatusCode::BAD_REQUEST, page("Return refused", &returned.line(), None)),
        };
        let _ = self.returns.send(returned);
        answer
    }
}

async fn on_get(
    State(desk): State<Desk>,
    Path(provider): Path<String>,
    RawQuery(query): RawQuery,
) -> (StatusCode, Markup) {
    desk.receive(&provider, query.as_deref().unwrap_or("")).await
}

async fn on_post(State(desk): State<Desk>, Path(provider): Path<String>, body: String) -> (StatusCode, Markup) {
    desk.receive(&provider, &body).await
}

/// The page: a heading, the line, and how the merchant knows.
fn page(title: &str, line: &str, returned: Option<&Returned>) -> Markup {
    let how = match returned {
        Some(Returned::Accepted { fetched: None, .. }) => {
            Some("signature verified with paylinks::Paylinks::verify_return (the provider's API secret)")
        }
        Some(Returned::Accepted { fetched: Some(_), .. }) => {
            Some("not signed by the provider: the merchant fetched the link with Paylinks::get before trusting it")
        }
        _ => None,
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · paylinks demo merchant" }
            }
            body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem" {
                h1 #title { (title) }
                p #return { (line) }
                @if let Some(how) = how {
                    p #how { (how) }
                }
                p { small { "The paylinks demo's merchant site (the in-process receiver of its webhooks and returns)." } }
            }
        }
    }
}
