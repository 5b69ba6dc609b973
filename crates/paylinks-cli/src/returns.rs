//! The demo receiver's return page: `GET /return/{provider}` (a redirect with a query string)
//! and `POST /return/{provider}` (a form posted by the browser), where the demo's links send
//! the customer back after a payment. Each is read with `Paylinks::verify_return`; a return the
//! provider does not sign is checked by fetching its link, as a merchant must. The page says
//! what was found, and the demo prints one line per return.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};
use paylinks::{LinkRef, LinkStatus, ListFilter, Paylinks, PaymentLink, Provider, Return};
use tokio::sync::mpsc;

/// A return the page received.
#[derive(Debug, Clone)]
pub enum Returned {
    /// Read (and verified, when the provider signs its redirect).
    Accepted {
        /// What the redirect said.
        back: Return,
        /// When it was not signed, or carries no link status (Pine Labs: the payment's): the
        /// link as fetched from the provider, or why it could not be fetched.
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
                let signed = if back.verified { "signature verified" } else { "not signed" };
                let how = match fetched {
                    None => signed.to_owned(),
                    Some(Ok(link)) => format!(
                        "{signed}: fetched the link: {} ({}), paid {}",
                        link.status, link.provider_status, link.amount_paid
                    ),
                    Some(Err(why)) => format!("{signed}, and the link could not be fetched: {why}"),
                };
                format!("{} ({how})", parts.join(", "))
            }
            Returned::Refused { provider, why } => format!("return {provider} refused: {why}"),
        }
    }

    /// The page's heading: "Payment received" only when the signed return says the link took
    /// money, or the link fetched from the provider has.
    fn title(&self) -> String {
        match self {
            Returned::Accepted { fetched: Some(Ok(link)), .. } if link.amount_paid.minor > 0 => {
                "Payment received".to_owned()
            }
            Returned::Accepted { back, fetched: None }
                if back.verified && matches!(back.status, Some(LinkStatus::Paid | LinkStatus::PartiallyPaid)) =>
            {
                "Payment received".to_owned()
            }
            Returned::Accepted { back, .. } => format!("Back from {}", back.provider),
            Returned::Refused { .. } => "Return refused".to_owned(),
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

    /// Reads one return: `params` as the provider sent them, `reference` the merchant's own
    /// order reference from the return URL's query (the demo puts it there).
    async fn receive(&self, provider: &str, params: &str, reference: Option<&String>) -> (StatusCode, Markup) {
        let Ok(provider) = provider.parse::<Provider>() else {
            return (StatusCode::NOT_FOUND, page("Not found", &format!("no return path for `{provider}`"), None));
        };
        let Some(paylinks) = self.paylinks.get() else {
            return (StatusCode::SERVICE_UNAVAILABLE, page("Not ready", "the demo is still starting", None));
        };
        let returned = match paylinks.verify_return(provider, params) {
            Ok(back) if back.verified && back.status.is_some() => Returned::Accepted { back, fetched: None },
            Ok(back) => {
                // Not signed, or no link status: the merchant asks the provider, by the link the
                // return names or else by its own reference.
                let fetched = match (&back.link_id, reference) {
                    (Some(id), _) => paylinks.get(&LinkRef::new(provider, id.clone())).await.map_err(|e| e.to_string()),
                    (None, Some(reference)) => by_reference(paylinks, provider, reference).await,
                    (None, None) => Err("the redirect names no link".to_owned()),
                };
                Returned::Accepted { back, fetched: Some(fetched.map(Box::new)) }
            }
            Err(error) => Returned::Refused { provider, why: error.to_string() },
        };
        let status =
            if matches!(returned, Returned::Refused { .. }) { StatusCode::BAD_REQUEST } else { StatusCode::OK };
        let answer = (status, page(&returned.title(), &returned.line(), Some(&returned)));
        let _ = self.returns.send(returned);
        answer
    }
}

/// The link of `provider` with the merchant's `reference`.
async fn by_reference(paylinks: &Paylinks, provider: Provider, reference: &str) -> Result<PaymentLink, String> {
    let filter = ListFilter { reference: Some(reference.to_owned()) };
    let found = paylinks.list(provider, &filter).await.map_err(|e| e.to_string())?;
    found.into_iter().next().ok_or_else(|| format!("no link with reference {reference}"))
}

/// A redirect: the provider's parameters in the query.
async fn on_get(
    State(desk): State<Desk>,
    Path(provider): Path<String>,
    RawQuery(query): RawQuery,
    Query(merchant): Query<HashMap<String, String>>,
) -> (StatusCode, Markup) {
    desk.receive(&provider, query.as_deref().unwrap_or(""), merchant.get("reference")).await
}

/// A POSTed form: the provider's fields in the body (the query is the merchant's return URL).
async fn on_post(
    State(desk): State<Desk>,
    Path(provider): Path<String>,
    Query(merchant): Query<HashMap<String, String>>,
    body: String,
) -> (StatusCode, Markup) {
    desk.receive(&provider, &body, merchant.get("reference")).await
}

/// The page: a heading, the line, and how the merchant knows.
fn page(title: &str, line: &str, returned: Option<&Returned>) -> Markup {
    let how = match returned {
        Some(Returned::Accepted { back, fetched }) => Some(match (back.verified, fetched) {
            (true, None) => "signature verified with paylinks::Paylinks::verify_return (the provider's secret)",
            (true, Some(Ok(_))) => {
                "signature verified with Paylinks::verify_return; the return carries no link status, so the merchant \
                 fetched the link"
            }
            (true, Some(Err(_))) => {
                "signature verified with Paylinks::verify_return; the return carries no link status and the merchant \
                 could not fetch the link, so it shows nothing as paid"
            }
            (false, Some(Ok(_))) => "not signed by the provider: the merchant fetched the link before trusting it",
            (false, _) => "not signed by the provider and the link could not be fetched: nothing is shown as paid",
        }),
        Some(Returned::Refused { .. }) => Some("the merchant treats the payment as not made, and checks the link"),
        None => None,
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
