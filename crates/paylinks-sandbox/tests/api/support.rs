//! Shared helpers: start a sandbox, send requests, check bodies against the specs.

use std::net::SocketAddr;

use paylinks_sandbox::{Sandbox, SandboxConfig};
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::Value;

/// A running sandbox and an HTTP client for it.
pub struct Harness {
    pub sandbox: Sandbox,
    pub http: Client,
}

/// Starts a sandbox on a free port of 127.0.0.1 with the default credentials.
pub async fn start() -> Harness {
    start_with(SandboxConfig::default()).await
}

/// Starts a sandbox on a free port of 127.0.0.1.
pub async fn start_with(config: SandboxConfig) -> Harness {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let sandbox = Sandbox::start(config, addr).await.expect("sandbox starts");
    let http = http_client();
    Harness { sandbox, http }
}

/// A response's status, headers and JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// Checks the body against the spec's schema for `operation_id` at this status.
    #[track_caller]
    pub fn conforms(&self, provider: &str, operation_id: &str) -> &Self {
        if let Err(e) = check_response(provider, operation_id, self.status.as_u16(), &self.body) {
            panic!("{e}\nbody: {:#}", self.body);
        }
        self
    }

    /// Asserts the status.
    #[track_caller]
    pub fn status(&self, expected: u16) -> &Self {
        assert_eq!(self.status.as_u16(), expected, "body: {:#}", self.body);
        self
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The `error.description` of a Razorpay error envelope (empty when there is none).
pub fn error_description(reply: &Reply) -> &str {
    reply.body["error"]["description"].as_str().unwrap_or_default()
}

/// A plain HTTP client with the workspace's TLS set-up (reqwest is built without a default
/// crypto provider) and a 10 s timeout.
pub fn http_client() -> Client {
    let timeouts = paylinks_core::http::Timeouts {
        connect: std::time::Duration::from_secs(10),
        request: std::time::Duration::from_secs(10),
    };
    paylinks_core::http::plain_client(timeouts).expect("an HTTP client")
}

/// Sends a request and reads the JSON body (`null` for an empty body).
pub async fn send(request: RequestBuilder) -> Reply {
    let response = request.send().await.expect("request completes");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body arrives");
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON body") };
    Reply { status, headers, body }
}

/// Asserts that `url` is the sandbox's payment page of link `id` of link API `api`
/// (`http://127.0.0.1[:port]/pay/{api}/{id}`), as every provider's link URL field is.
#[track_caller]
pub fn assert_page_url(url: &Value, api: &str, id: &str) {
    let text = url.as_str().unwrap_or_else(|| panic!("a URL, not {url}"));
    let parsed = url::Url::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!((parsed.scheme(), parsed.host_str()), ("http", Some("127.0.0.1")), "{text}");
    assert_eq!(parsed.path(), format!("/pay/{api}/{id}"), "{text}");
}

/// Checks a body against the spec's schema for the operation's response (the testkit follows
/// `$ref`s to shared responses).
pub use paylinks_testkit::schema::check_response;

impl Harness {
    /// A request to `url` (absolute).
    pub fn raw(&self, method: Method, url: &str) -> RequestBuilder {
        self.http.request(method, url)
    }

    /// The base URL of a provider's API.
    pub fn base_url(&self, provider: &str) -> String {
        self.sandbox.base_url(provider).expect("a provider the sandbox serves")
    }

    /// A setting of the sandbox (a credential).
    pub fn setting(&self, provider: &str, key: &str) -> String {
        self.sandbox.config().text(provider, key).expect("a text setting").to_owned()
    }

    /// A Cashfree request with the sandbox credentials and `x-api-version` (the newest, which
    /// the paylinks client sends by default).
    pub fn cashfree(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base_url("cashfree")))
            .header("x-client-id", self.setting("cashfree", "client_id"))
            .header("x-client-secret", self.setting("cashfree", "client_secret"))
            .header("x-api-version", "2026-01-01")
    }

    /// A Razorpay request with HTTP Basic credentials.
    pub fn razorpay(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base_url("razorpay")))
            .basic_auth(self.setting("razorpay", "key_id"), Some(self.setting("razorpay", "key_secret")))
    }

    /// A Pine Labs request (no token).
    pub fn pinelabs_anonymous(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base_url("pinelabs")))
    }

    /// A Pine Labs request with a bearer token.
    pub fn pinelabs(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.pinelabs_anonymous(method, path).bearer_auth(token)
    }

    /// A fresh Pine Labs access token (checked against the spec).
    pub async fn pinelabs_token(&self) -> String {
        let reply = send(self.pinelabs_anonymous(Method::POST, "/api/auth/v1/token").json(&serde_json::json!({
            "client_id": self.setting("pinelabs", "client_id"),
            "client_secret": self.setting("pinelabs", "client_secret"),
            "grant_type": "client_credentials",
        })))
        .await;
        reply.status(200).conforms("pinelabs", "generateToken");
        reply.body["access_token"].as_str().unwrap().to_owned()
    }

    /// A control API request.
    pub fn control(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.sandbox.connection_info()["control_url"].as_str().unwrap()))
    }

    /// Queues a fault through the control API.
    pub async fn fault(&self, fault: Value) {
        send(self.control(Method::POST, "/faults").json(&fault)).await.status(200);
    }

    /// Pays a link through the control API with this request body (`amount`, `failed`, ...).
    pub async fn pay_with(&self, provider: &str, id: &str, body: &Value) -> Reply {
        send(self.control(Method::POST, &format!("/{provider}/links/{id}/pay")).json(body)).await
    }

    /// Pays a link through the control API.
    pub async fn pay(&self, provider: &str, id: &str, amount: Option<i64>) -> Reply {
        let body = match amount {
            Some(amount) => serde_json::json!({ "amount": amount }),
            None => serde_json::json!({}),
        };
        send(self.control(Method::POST, &format!("/{provider}/links/{id}/pay")).json(&body)).await
    }

    /// Every link of a provider, through the control API.
    pub async fn all_links(&self, provider: &str) -> Vec<Value> {
        let reply = send(self.control(Method::GET, &format!("/{provider}/links"))).await;
        reply.status(200);
        reply.body.as_array().cloned().unwrap()
    }
}
