//! paylinks' overhead, as ratios measured side by side in one run (`cargo bench -p
//! paylinks-benches`); the table it prints at the end goes to `BENCHMARKS.md`.
//!
//! - `decode_<api>`: each link API's link bodies (fixtures in `tests/fixtures/` and the
//!   spec's response examples) decoded into the generated type (`typed`), into
//!   `serde_json::Value` (`value`), and by the facade's `decode_link` (`decode_link`).
//! - `http_get`: a facade `get`, the generated client's `fetch_link` and a raw reqwest GET +
//!   `Value` parse (with the same credential headers), against a minimal local HTTP/1.1 server answering a fixed Cashfree link.
//!
//! `cargo test --benches -p paylinks-benches` (CI) or `cargo bench -p paylinks-benches -- --test`
//! runs each once and prints no ratio.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use paylinks::{Environment, LinkRef, Paylinks, Provider};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A link API's bodies that both its generated type and the facade decode.
fn bodies<T: DeserializeOwned>(provider: Provider, spec: &str, fixtures: &str, operations: &[&str]) -> Vec<Vec<u8>> {
    let mut candidates: Vec<Vec<u8>> = paylinks_testkit::spec_examples(spec)
        .into_iter()
        .filter(|e| operations.contains(&e.operation_id.as_str()) && e.location == "response 200")
        .map(|e| serde_json::to_vec(&e.value).expect("a JSON example"))
        .collect();
    if paylinks_testkit::conformance_dir().join(fixtures).is_dir() {
        candidates.extend(paylinks_testkit::conformance_files(fixtures).into_iter().map(|(_, bytes)| bytes));
    }
    let kept: Vec<Vec<u8>> = candidates
        .into_iter()
        .filter(|body| serde_json::from_slice::<T>(body).is_ok() && paylinks::decode_link(provider, body).is_ok())
        .collect();
    assert!(!kept.is_empty(), "{provider}: no link body to measure");
    kept
}

/// Decodes every body with `decode`; `black_box` keeps the work.
fn decode_all(bodies: &[Vec<u8>], decode: impl Fn(&[u8]) -> bool) {
    for body in bodies {
        black_box(decode(black_box(body)));
    }
}

/// Each link API with its bodies and a typed decode of one body into its generated type.
type DecodeSet = (Provider, Vec<Vec<u8>>, fn(&[u8]) -> bool);

fn typed<T: DeserializeOwned>(body: &[u8]) -> bool {
    black_box(serde_json::from_slice::<T>(body).ok()).is_some()
}

fn decode_sets() -> Vec<DecodeSet> {
    use paylinks_cashfree::types::LinkEntity;
    use paylinks_pinelabs::types::PaymentLink as PinelabsLink;
    use paylinks_razorpay::types::{Invoice, PaymentLink as RazorpayLink};

    let cashfree = ["createLink", "fetchLink", "cancelLink"];
    let razorpay = ["createPaymentLink", "fetchPaymentLink", "cancelPaymentLink", "updatePaymentLink"];
    let invoices = ["createInvoice", "fetchInvoice", "cancelInvoice", "issueInvoice", "updateInvoice"];
    let pinelabs = ["createPaymentLink", "getPaymentLink", "cancelPaymentLink"];
    vec![
        (
            Provider::Cashfree,
            bodies::<LinkEntity>(Provider::Cashfree, "cashfree", "cashfree", &cashfree),
            typed::<LinkEntity>,
        ),
        (
            Provider::Razorpay,
            bodies::<RazorpayLink>(Provider::Razorpay, "razorpay", "razorpay", &razorpay),
            typed::<RazorpayLink>,
        ),
        (
            Provider::RazorpayInvoice,
            bodies::<Invoice>(Provider::RazorpayInvoice, "razorpay", "razorpay_invoices", &invoices),
            typed::<Invoice>,
        ),
        (
            Provider::Pinelabs,
            bodies::<PinelabsLink>(Provider::Pinelabs, "pinelabs", "pinelabs", &pinelabs),
            typed::<PinelabsLink>,
        ),
    ]
}

fn decode(c: &mut Criterion) {
    for (provider, bodies, typed) in decode_sets() {
        let mut group = c.benchmark_group(format!("decode_{}", provider.as_str()));
        group.bench_function("typed", |b| b.iter(|| decode_all(&bodies, typed)));
        group.bench_function("value", |b| {
            b.iter(|| decode_all(&bodies, |body| serde_json::from_slice::<Value>(body).is_ok()))
        });
        group.bench_function("decode_link", |b| {
            b.iter(|| decode_all(&bodies, |body| paylinks::decode_link(provider, body).is_ok()))
        });
        group.finish();
    }
}

/// A minimal HTTP/1.1 server on 127.0.0.1 answering every request on a kept-alive
/// connection with `body`, on its own thread and runtime; returns its base URL.
fn fixed_server(body: Vec<u8>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
    let addr = listener.local_addr().expect("an address");
    listener.set_nonblocking(true).expect("non-blocking");
    let mut response =
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len())
            .into_bytes();
    response.extend_from_slice(&body);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { continue };
                let response = response.clone();
                tokio::spawn(async move {
                    let _ = socket.set_nodelay(true);
                    let mut buffer = Vec::with_capacity(4096);
                    let mut chunk = [0u8; 4096];
                    loop {
                        // Requests are body-less GETs: one ends at the blank line.
                        while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                            match socket.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                            }
                        }
                        let end = buffer.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0) + 4;
                        buffer.drain(..end);
                        if socket.write_all(&response).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
    });
    format!("http://{addr}")
}

/// reqwest with paylinks' TLS set-up and timeouts, sending what a hand-written Cashfree call
/// must send too (credentials, API version, `Accept`), so that the comparison is of the code
/// and not of the request's size.
fn raw_client() -> reqwest::Client {
    let headers = paylinks_core::http::Headers::new("bench")
        .add("x-client-id", "client_id", "bench-id", false)
        .and_then(|h| h.add("x-client-secret", "client_secret", "bench-secret", true))
        .and_then(|h| h.add("x-api-version", "api_version", paylinks_cashfree::DEFAULT_API_VERSION, false))
        .and_then(|h| h.add("accept", "accept", "application/json", false))
        .expect("valid headers");
    paylinks_core::http::build_client("bench/0", headers.into_map(), paylinks_core::http::Timeouts::default())
        .expect("a client")
}

/// The three GETs of the same link from the same fixed server.
struct HttpSet {
    runtime: tokio::runtime::Runtime,
    facade: Paylinks,
    link: LinkRef,
    generated: paylinks_cashfree::Client,
    raw: reqwest::Client,
    url: String,
}

impl HttpSet {
    fn new() -> Self {
        let example = paylinks_testkit::spec_examples("cashfree")
            .into_iter()
            .find(|e| e.operation_id == "fetchLink" && e.location == "response 200")
            .expect("a fetchLink example");
        let base = fixed_server(serde_json::to_vec(&example.value).expect("JSON"));
        let facade = Paylinks::builder()
            .cashfree("bench-id", "bench-secret", Environment::Custom(base.clone()))
            .build()
            .expect("a facade client");
        let generated = facade.cashfree().expect("the Cashfree client").clone();
        Self {
            runtime: tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime"),
            facade,
            link: LinkRef::new(Provider::Cashfree, "bench-link"),
            generated,
            raw: raw_client(),
            url: format!("{base}/links/bench-link"),
        }
    }

    /// reqwest alone: GET, read the body, parse a `Value`.
    async fn raw(&self) {
        let response = self.raw.get(&self.url).send().await.expect("a response");
        let bytes = response.bytes().await.expect("a body");
        black_box(serde_json::from_slice::<Value>(&bytes).expect("JSON"));
    }

    /// The generated client: `fetch_link` into `LinkEntity`.
    async fn generated(&self) {
        black_box(self.generated.fetch_link().link_id("bench-link").send().await.expect("a link").into_inner());
    }

    /// The facade: `get` into a `PaymentLink`.
    async fn facade(&self) {
        black_box(self.facade.get(&self.link).await.expect("a link"));
    }

    /// How long `n` GETs of one kind take, one after the other.
    fn timed(&self, n: u32, get: Get) -> Duration {
        self.runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..n {
                match get {
                    Get::Raw => self.raw().await,
                    Get::Generated => self.generated().await,
                    Get::Facade => self.facade().await,
                }
            }
            start.elapsed()
        })
    }
}

#[derive(Clone, Copy)]
enum Get {
    Raw,
    Generated,
    Facade,
}

fn http_get(c: &mut Criterion) {
    let http = HttpSet::new();
    let mut group = c.benchmark_group("http_get");
    group.bench_function("raw_reqwest_value", |b| b.to_async(&http.runtime).iter(|| http.raw()));
    group.bench_function("generated_fetch_link", |b| b.to_async(&http.runtime).iter(|| http.generated()));
    group.bench_function("facade_get", |b| b.to_async(&http.runtime).iter(|| http.facade()));
    group.finish();
}

/// Rounds of each side-by-side ratio.
const ROUNDS: usize = 101;

/// `b`'s time over `a`'s, measured side by side: rounds of one batch of `a` then one of `b`
/// (the order alternating), each batch long enough to time (about 2 ms). Returns the median
/// of the per-round ratios, and the ratio of the fastest batches (the least disturbed by
/// other work on the machine). Load that changes during the run (2 shared cores) moves both
/// halves of a round alike, which medians of two separate runs would not survive.
/// `a(n)` and `b(n)` run their code `n` times and return how long that took.
fn paired(rounds: usize, mut a: impl FnMut(u32) -> Duration, mut b: impl FnMut(u32) -> Duration) -> (f64, f64) {
    let mut batch = 1u32;
    while a(batch) < Duration::from_millis(2) && batch < 1 << 20 {
        batch *= 2;
    }
    let (mut fastest_a, mut fastest_b) = (Duration::MAX, Duration::MAX);
    let mut ratios: Vec<f64> = (0..rounds)
        .map(|round| {
            let (ta, tb) = if round % 2 == 0 {
                let ta = a(batch);
                (ta, b(batch))
            } else {
                let tb = b(batch);
                (a(batch), tb)
            };
            fastest_a = fastest_a.min(ta);
            fastest_b = fastest_b.min(tb);
            tb.as_secs_f64() / ta.as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    (ratios[ratios.len() / 2], fastest_b.as_secs_f64() / fastest_a.as_secs_f64())
}

/// How long `n` runs of `f` take.
fn timed(n: u32, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed()
}

/// The ratio table: each figure as a ratio measured side by side ([`paired`]).
fn report(rounds: usize) {
    println!("\n## Ratios ({rounds} interleaved rounds each)\n");
    println!("| figure | median of per-round ratios | ratio of fastest rounds | target |");
    println!("|---|---|---|---|");
    let throughput = |(median, fastest): (f64, f64)| (1.0 / median, 1.0 / fastest);
    for (provider, bodies, typed) in decode_sets() {
        let value = |n| timed(n, || decode_all(&bodies, |b| serde_json::from_slice::<Value>(b).is_ok()));
        let (m, f) = throughput(paired(rounds, value, |n| timed(n, || decode_all(&bodies, typed))));
        println!("| {provider}: typed decode throughput / `Value` | {m:.2}x | {f:.2}x | >= 1.4x |");
        let facade = |n| timed(n, || decode_all(&bodies, |b| paylinks::decode_link(provider, b).is_ok()));
        let (m, f) = throughput(paired(rounds, value, facade));
        println!("| {provider}: facade `decode_link` throughput / `Value` | {m:.2}x | {f:.2}x | >= 1.0x |");
    }
    let http = HttpSet::new();
    let raw = |n| http.timed(n, Get::Raw);
    let (m, f) = paired(rounds, raw, |n| http.timed(n, Get::Facade));
    println!("| facade `get` time / raw reqwest GET + `Value` | {m:.3}x | {f:.3}x | <= 1.05x |");
    let (m, f) = paired(rounds, raw, |n| http.timed(n, Get::Generated));
    println!("| generated `fetch_link` time / raw reqwest GET + `Value` | {m:.3}x | {f:.3}x | <= 1.03x |");
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not (criterion's test mode:
    // each benchmark once), and `--test` or `--list` asks for no measurement either.
    let args: Vec<String> = std::env::args().collect();
    let smoke = !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test" || a == "--list");
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    decode(&mut c);
    http_get(&mut c);
    c.final_summary();
    if !smoke {
        report(ROUNDS);
    }
}
