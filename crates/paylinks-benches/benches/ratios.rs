//! paylinks' overhead, as ratios measured side by side in one run (`cargo bench -p
//! paylinks-benches`); the table it prints at the end goes to `BENCHMARKS.md`.
//!
//! - `decode_<api>`: each link API's link bodies (fixtures in `tests/fixtures/` and the
//!   spec's response examples) decoded into the generated type (`typed`), into
//!   `serde_json::Value` (`value`), and by the facade's `decode_link` (`decode_link`).
//! - `http_get`: a facade `get`, the generated client's `fetch_link` and a raw reqwest GET +
//!   `Value` parse, against a minimal local HTTP/1.1 server answering a fixed Cashfree link.
//!
//! `cargo test --benches -p paylinks-benches` (CI) or `cargo bench -p paylinks-benches -- --test`
//! runs each once and prints no ratio.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

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

fn decode_group<T: DeserializeOwned>(c: &mut Criterion, provider: Provider, bodies: &[Vec<u8>]) {
    let mut group = c.benchmark_group(format!("decode_{}", provider.as_str()));
    group.bench_function("typed", |b| {
        b.iter(|| {
            for body in bodies {
                black_box(serde_json::from_slice::<T>(black_box(body)).ok());
            }
        })
    });
    group.bench_function("value", |b| {
        b.iter(|| {
            for body in bodies {
                black_box(serde_json::from_slice::<Value>(black_box(body)).ok());
            }
        })
    });
    group.bench_function("decode_link", |b| {
        b.iter(|| {
            for body in bodies {
                black_box(paylinks::decode_link(provider, black_box(body)).ok());
            }
        })
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    use paylinks_cashfree::types::LinkEntity;
    use paylinks_pinelabs::types::PaymentLink as PinelabsLink;
    use paylinks_razorpay::types::{Invoice, PaymentLink as RazorpayLink};

    let link_ops = ["createLink", "fetchLink", "cancelLink"];
    let cashfree = bodies::<LinkEntity>(Provider::Cashfree, "cashfree", "cashfree", &link_ops);
    decode_group::<LinkEntity>(c, Provider::Cashfree, &cashfree);
    let link_ops = ["createPaymentLink", "fetchPaymentLink", "cancelPaymentLink", "updatePaymentLink"];
    let razorpay = bodies::<RazorpayLink>(Provider::Razorpay, "razorpay", "razorpay", &link_ops);
    decode_group::<RazorpayLink>(c, Provider::Razorpay, &razorpay);
    let link_ops = ["createInvoice", "fetchInvoice", "cancelInvoice", "issueInvoice", "updateInvoice"];
    let invoices = bodies::<Invoice>(Provider::RazorpayInvoice, "razorpay", "razorpay_invoices", &link_ops);
    decode_group::<Invoice>(c, Provider::RazorpayInvoice, &invoices);
    let link_ops = ["createPaymentLink", "getPaymentLink", "cancelPaymentLink"];
    let pinelabs = bodies::<PinelabsLink>(Provider::Pinelabs, "pinelabs", "pinelabs", &link_ops);
    decode_group::<PinelabsLink>(c, Provider::Pinelabs, &pinelabs);
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

fn http_get(c: &mut Criterion) {
    let example = paylinks_testkit::spec_examples("cashfree")
        .into_iter()
        .find(|e| e.operation_id == "fetchLink" && e.location == "response 200")
        .expect("a fetchLink example");
    let body = serde_json::to_vec(&example.value).expect("JSON");
    let base = fixed_server(body);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");

    let facade = Paylinks::builder()
        .cashfree("bench-id", "bench-secret", Environment::Custom(base.clone()))
        .build()
        .expect("a facade client");
    let link = LinkRef::new(Provider::Cashfree, "bench-link");
    let generated = facade.cashfree().expect("the Cashfree client").clone();
    let raw = paylinks_core::http::plain_client(paylinks_core::http::Timeouts::default()).expect("a reqwest client");
    let url = format!("{base}/links/bench-link");

    let mut group = c.benchmark_group("http_get");
    group.bench_function("raw_reqwest_value", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = raw.get(&url).send().await.expect("a response");
            let bytes = response.bytes().await.expect("a body");
            black_box(serde_json::from_slice::<Value>(&bytes).expect("JSON"))
        })
    });
    group.bench_function("generated_fetch_link", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(generated.fetch_link().link_id("bench-link").send().await.expect("a link").into_inner())
        })
    });
    group.bench_function("facade_get", |b| {
        b.to_async(&runtime).iter(|| async { black_box(facade.get(&link).await.expect("a link")) })
    });
    group.finish();
}

/// Where criterion writes its estimates, so that the ratios can be read back.
fn output_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("criterion")
}

/// The median of one benchmark's last run, in nanoseconds.
fn median(group: &str, function: &str) -> Option<f64> {
    let path = output_dir().join(group).join(function).join("new/estimates.json");
    let estimates: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// The ratio table: each figure as a ratio of two medians of this run.
fn report() {
    println!("\n## Ratios (medians of this run)\n");
    println!("| figure | ratio | target |");
    println!("|---|---|---|");
    for provider in Provider::ALL {
        let group = format!("decode_{}", provider.as_str());
        if let (Some(typed), Some(value), Some(facade)) =
            (median(&group, "typed"), median(&group, "value"), median(&group, "decode_link"))
        {
            println!("| {provider}: typed decode throughput / `Value` | {:.2}x | >= 1.4x |", value / typed);
            println!("| {provider}: facade `decode_link` throughput / `Value` | {:.2}x | >= 1.0x |", value / facade);
        }
    }
    if let (Some(raw), Some(generated), Some(facade)) = (
        median("http_get", "raw_reqwest_value"),
        median("http_get", "generated_fetch_link"),
        median("http_get", "facade_get"),
    ) {
        println!("| facade `get` time / raw reqwest GET + `Value` | {:.3}x | <= 1.05x |", facade / raw);
        println!("| generated `fetch_link` time / raw reqwest GET + `Value` | {:.3}x | <= 1.03x |", generated / raw);
        println!("\n(raw GET median: {:.1} µs)", raw / 1000.0);
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not (criterion's test mode:
    // each benchmark once), and `--test` or `--list` asks for no measurement either.
    let args: Vec<String> = std::env::args().collect();
    let smoke = !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test" || a == "--list");
    if !smoke {
        // Estimates of an earlier run must not pass for this one's.
        let _ = std::fs::remove_dir_all(output_dir());
    }
    let mut c = Criterion::default()
        .output_directory(&output_dir())
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    decode(&mut c);
    http_get(&mut c);
    c.final_summary();
    if !smoke {
        report();
    }
}
