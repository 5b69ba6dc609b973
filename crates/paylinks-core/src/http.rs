//! HTTP plumbing shared by the provider crates: the `reqwest` client they build, and what their
//! `ClientHooks` do to every request and response.

use std::str::FromStr;
use std::time::Duration;

use progenitor_client::OperationInfo;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, Request, Response};
use tracing::Instrument;

use crate::ErrorBody;
use crate::trace::Operation;

/// Which of a provider's hosts a client talks to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Environment {
    /// The provider's test host (its sandbox or UAT; for a provider with one host for both
    /// modes, that host, where test keys decide).
    #[default]
    Sandbox,
    /// The provider's live host.
    Production,
    /// Any other base URL: a local sandbox, a mock server, a proxy.
    Custom(String),
}

impl Environment {
    /// The base URL, given the provider's sandbox and production URLs.
    pub fn base_url<'a>(&'a self, sandbox: &'a str, production: &'a str) -> &'a str {
        match self {
            Self::Sandbox => sandbox,
            Self::Production => production,
            Self::Custom(url) => url.trim_end_matches('/'),
        }
    }
}

/// An environment name that is neither a known name nor an http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown environment `{0}`: expected sandbox, production, or an http(s) base URL")]
pub struct UnknownEnvironment(pub String);

impl FromStr for Environment {
    type Err = UnknownEnvironment;

    /// `sandbox`/`test`/`uat`, `production`/`prod`/`live`, or a base URL.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sandbox" | "test" | "uat" => Ok(Self::Sandbox),
            "production" | "prod" | "live" => Ok(Self::Production),
            url if url.starts_with("http://") || url.starts_with("https://") => Ok(Self::Custom(s.trim().to_owned())),
            _ => Err(UnknownEnvironment(s.to_owned())),
        }
    }
}

/// Timeouts of the HTTP client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Time to open a connection.
    pub connect: Duration,
    /// Time for a whole request, response body included.
    pub request: Duration,
}

impl Default for Timeouts {
    /// 10 s to connect, 30 s per request: the providers answer in well under a second, and a
    /// payment page should not hang on a stuck connection.
    fn default() -> Self {
        Self { connect: Duration::from_secs(10), request: Duration::from_secs(30) }
    }
}

/// A header value holding a credential: marked sensitive, so `reqwest` and `http` never print it.
pub fn sensitive_header(value: &str) -> Result<HeaderValue, reqwest::header::InvalidHeaderValue> {
    let mut header = HeaderValue::from_str(value)?;
    header.set_sensitive(true);
    Ok(header)
}

/// Why a provider client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A credential or header value cannot be sent in an HTTP header (a newline, say).
    #[error("{provider}: {field} cannot be sent in an HTTP header")]
    InvalidHeader {
        /// The provider.
        provider: &'static str,
        /// Which setting (`client_id`, `api_version`...).
        field: &'static str,
    },
    /// `reqwest` could not build the client.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    /// The TLS configuration could not be built (no usable root certificates, say).
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}

/// Default headers of a provider client: credentials are marked sensitive.
#[derive(Debug, Default)]
pub struct Headers {
    map: HeaderMap,
    provider: &'static str,
}

impl Headers {
    /// Headers for this provider's client.
    pub fn new(provider: &'static str) -> Self {
        Self { map: HeaderMap::new(), provider }
    }

    /// Adds a header; `sensitive` ones (credentials) never print.
    pub fn add(
        mut self,
        name: &'static str,
        field: &'static str,
        value: &str,
        sensitive: bool,
    ) -> Result<Self, BuildError> {
        let mut header =
            HeaderValue::from_str(value).map_err(|_| BuildError::InvalidHeader { provider: self.provider, field })?;
        header.set_sensitive(sensitive);
        self.map.insert(HeaderName::from_static(name), header);
        Ok(self)
    }

    /// The header map.
    pub fn into_map(self) -> HeaderMap {
        self.map
    }
}

/// Builds the `reqwest` client of a provider crate: rustls (ring, the platform's certificate
/// verifier, HTTP/2 and HTTP/1.1), the given timeouts, a `User-Agent` of `name/version`, and
/// the default headers (credentials, API version).
pub fn build_client(
    user_agent: &str,
    mut default_headers: HeaderMap,
    timeouts: Timeouts,
) -> Result<reqwest::Client, BuildError> {
    if let Ok(value) = HeaderValue::from_str(user_agent) {
        default_headers.insert(USER_AGENT, value);
    }
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config()?)
        .default_headers(default_headers)
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .build()?)
}

/// A `reqwest` client with paylinks' TLS set-up and timeouts and no default headers, for
/// plain HTTP next to the provider clients (a sandbox's control API, tests).
pub fn plain_client(timeouts: Timeouts) -> Result<reqwest::Client, BuildError> {
    build_client(concat!("paylinks/", env!("CARGO_PKG_VERSION")), HeaderMap::new(), timeouts)
}

/// rustls with the ring provider, given to reqwest directly: no process-wide default
/// provider is installed, so an application remains free to pick its own.
fn tls_config() -> Result<rustls::ClientConfig, BuildError> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| BuildError::Tls(e.to_string()))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| BuildError::Tls(e.to_string()))?
        .dangerous() // rustls' name for "a verifier other than webpki's": the platform's.
        .with_custom_certificate_verifier(std::sync::Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// What every provider's `pre` hook does to a request before it is sent.
///
/// - Body-less POST/PUT/PATCH get an empty body and `Content-Length: 0` (progenitor sends
///   neither; some gateways answer 411 without it).
/// - The `api-version` header progenitor adds from the spec's `info.version` is removed: no
///   provider documents it (a provider that versions by header sends its own as a default
///   header of its client).
pub fn prepare_request(request: &mut Request) {
    request.headers_mut().remove(HeaderName::from_static("api-version"));
    let writes = matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH);
    if writes && request.body().is_none() {
        *request.body_mut() = Some(reqwest::Body::from(Vec::<u8>::new()));
        request.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
    }
}

/// What arrived in an error response whose body was not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonJsonBody {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, when there was one.
    pub content_type: Option<String>,
    /// The body's length in bytes.
    pub len: usize,
}

impl NonJsonBody {
    /// A one-line description for the stand-in error body's message.
    pub fn describe(&self) -> String {
        format!(
            "HTTP {} with a {}-byte body that is not JSON ({}); paylinks kept the status and dropped the body",
            self.status,
            self.len,
            self.content_type.as_deref().unwrap_or("no content type"),
        )
    }
}

/// Sends a request inside its HTTP span and makes sure an error response reaches the
/// generated code as JSON.
///
/// The span (`http.client`, fields in [`crate::trace`]) names the provider (`E::PROVIDER`),
/// the operation (`info.operation_id`), its path template (looked up in `operations`, the
/// generated client's table), the host, the attempt number ([`crate::trace::with_attempt`]),
/// and once the response is in, its status, `error.type` and the provider's request id (the
/// first of `E::REQUEST_ID_HEADERS`). A 429 adds a `paylinks.rate_limited` event with the
/// wait the provider asked for (`E::RETRY_AFTER_HEADERS`).
///
/// progenitor decodes a documented error status as the spec's error schema; when the body is
/// not JSON it loses the status and prints the raw body. Here such a body is replaced by
/// `E::non_json_stand_in(...)`, a body of the provider's error schema that says what arrived
/// (status, content type, length) and carries none of the original text.
pub async fn execute<E: ErrorBody>(
    client: &reqwest::Client,
    request: Request,
    operations: &[Operation],
    info: &OperationInfo,
) -> reqwest::Result<Response> {
    let span = http_span::<E>(&request, operations, info);
    let result = send::<E>(client, request).instrument(span.clone()).await;
    if !span.is_disabled() {
        record_outcome::<E>(&span, &result);
    }
    result
}

/// The span of one HTTP request, with the fields known before sending. When no subscriber is
/// interested only the lookup in `operations` (a few string comparisons) runs; no field
/// value is evaluated or formatted.
fn http_span<E: ErrorBody>(request: &Request, operations: &[Operation], info: &OperationInfo) -> tracing::Span {
    let url = request.url();
    let operation = crate::trace::find(operations, info.operation_id);
    let template = operation.map_or("", |op| op.url_template);
    tracing::info_span!(
        target: "paylinks_core::trace",
        "http.client",
        otel.name = %format_args!("{} {}", request.method(), template),
        otel.kind = "client",
        http.request.method = request.method().as_str(),
        url.template = template,
        server.address = url.host_str().unwrap_or_default(),
        server.port = url.port_or_known_default(),
        paylinks.provider = E::PROVIDER,
        paylinks.operation = operation.map_or(info.operation_id, |op| op.operation_id),
        paylinks.attempt = crate::trace::attempt(),
        http.response.status_code = tracing::field::Empty,
        error.type = tracing::field::Empty,
        paylinks.request_id = tracing::field::Empty,
    )
}

/// Records the status, `error.type` and request id of a finished request on its span.
fn record_outcome<E: ErrorBody>(span: &tracing::Span, result: &reqwest::Result<Response>) {
    match result {
        Ok(response) => {
            let status = response.status();
            span.record("http.response.status_code", status.as_u16());
            if status.is_client_error() || status.is_server_error() {
                span.record("error.type", status.as_str());
            }
            if let Some(id) = crate::error::request_id::<E>(response.headers()) {
                span.record("paylinks.request_id", id.as_str());
            }
        }
        Err(error) => {
            span.record("error.type", crate::trace::transport_error_type(error));
        }
    }
}

async fn send<E: ErrorBody>(client: &reqwest::Client, request: Request) -> reqwest::Result<Response> {
    let response = client.execute(request).await?;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        let retry_after = crate::error::retry_after::<E>(response.headers());
        tracing::event!(
            name: "paylinks.rate_limited",
            target: "paylinks_core::trace",
            tracing::Level::WARN,
            paylinks.provider = E::PROVIDER,
            retry_after_s = retry_after.map(|d| d.as_secs()),
            "rate limited by the provider"
        );
    }
    let headers = response.headers().clone();
    let version = response.version();
    let body = response.bytes().await?;
    let body = if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok() {
        body.to_vec()
    } else {
        let info = NonJsonBody {
            status: status.as_u16(),
            content_type: headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned),
            len: body.len(),
        };
        serde_json::to_vec(&E::non_json_stand_in(&info)).unwrap_or_default()
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    rebuilt.headers_mut().remove(CONTENT_LENGTH);
    Ok(Response::from(rebuilt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_parse_from_names_and_urls() {
        assert_eq!("UAT".parse(), Ok(Environment::Sandbox));
        assert_eq!("prod".parse(), Ok(Environment::Production));
        assert_eq!(
            "http://127.0.0.1:9/provider/pg".parse(),
            Ok(Environment::Custom("http://127.0.0.1:9/provider/pg".into()))
        );
        let err = "staging".parse::<Environment>().unwrap_err();
        assert!(err.to_string().contains("staging"));
    }

    #[test]
    fn custom_base_urls_lose_their_trailing_slash() {
        let env = Environment::Custom("http://localhost:1/x/".into());
        assert_eq!(env.base_url("s", "p"), "http://localhost:1/x");
    }

    #[test]
    fn the_client_builds_with_rustls_and_ring() {
        let client = build_client("paylinks-test/0", HeaderMap::new(), Timeouts::default());
        assert!(client.is_ok(), "{:?}", client.err());
        assert!(rustls::crypto::CryptoProvider::get_default().is_none(), "no process-wide provider is installed");
    }

    #[test]
    fn sensitive_headers_do_not_print() {
        let value = sensitive_header("secret").unwrap();
        assert!(!format!("{value:?}").contains("secret"));
    }

    #[test]
    fn body_less_writes_get_content_length_zero() {
        let client = plain_client(Timeouts::default()).unwrap();
        for method in [Method::POST, Method::PUT, Method::PATCH] {
            let mut request = client.request(method.clone(), "http://localhost/x").build().unwrap();
            request.headers_mut().insert("api-version", HeaderValue::from_static("v1"));
            prepare_request(&mut request);
            assert_eq!(request.headers()[CONTENT_LENGTH], "0", "{method}");
            assert!(request.headers().get("api-version").is_none());
        }
        let mut get = client.get("http://localhost/x").build().unwrap();
        prepare_request(&mut get);
        assert!(get.headers().get(CONTENT_LENGTH).is_none());
    }
}
