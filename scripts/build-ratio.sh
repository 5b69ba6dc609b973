#!/usr/bin/env bash
# A consumer's clean build: a small binary on one paylinks provider crate vs the same binary on
# reqwest (paylinks' TLS set-up: rustls with ring and the platform verifier), serde, serde_json
# and tokio alone. Prints each wall time (/usr/bin/time) and their ratio.
#
#   scripts/build-ratio.sh [cashfree|razorpay|pinelabs] [--release]
#
# Takes minutes (two clean builds); run it by hand for BENCHMARKS.md, never in CI. Both builds
# use the workspace's Cargo.lock (same versions) and run offline, one after the other, with
# their own target folders in a temporary directory (each deleted after its build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
provider=${1:-cashfree}
profile=()
[ "${2:-}" = "--release" ] && profile=(--release)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The workspace's own versions of the shared dependencies.
dep() { grep -E "^$1 = " "$root/Cargo.toml" | head -1 | sed -E "s/^$1 = //"; }

mkdir -p "$work/sdk/src" "$work/raw/src"
cat >"$work/sdk/Cargo.toml" <<TOML
[package]
name = "consumer-sdk"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
paylinks-$provider = { path = "$root/crates/paylinks-$provider" }
tokio = { version = "1", features = ["rt", "macros"] }

[workspace]
TOML
cat >"$work/sdk/src/main.rs" <<RS
use paylinks_$provider::{Client, Credentials, Environment};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = Client::from_credentials(Credentials::new("id", "secret"), Environment::Sandbox).expect("a client");
    let link = client.fetch_link_like();
    println!("{link}");
}

trait FetchLike {
    fn fetch_link_like(&self) -> usize;
}

impl FetchLike for Client {
    fn fetch_link_like(&self) -> usize {
        std::hint::black_box(self as *const Client as usize)
    }
}
RS
cat >"$work/raw/Cargo.toml" <<TOML
[package]
name = "consumer-raw"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
reqwest = $(dep reqwest)
rustls = $(dep rustls)
rustls-platform-verifier = $(dep rustls-platform-verifier)
serde = $(dep serde)
serde_json = $(dep serde_json)
tokio = { version = "1", features = ["rt", "macros"] }

[workspace]
TOML
cat >"$work/raw/src/main.rs" <<'RS'
use std::sync::Arc;

#[derive(Debug, serde::Deserialize)]
struct Link {
    link_id: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).expect("a verifier");
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let client = reqwest::Client::builder().tls_backend_preconfigured(config).build().expect("a client");
    let link: Result<Link, _> = serde_json::from_str(r#"{"link_id": "x"}"#);
    println!("{:?} {:?}", client, link.map(|l| l.link_id));
}
RS
for project in sdk raw; do cp "$root/Cargo.lock" "$work/$project/Cargo.lock"; done

# Cargo's defaults, as a consumer's `cargo build` has them (set CARGO_PROFILE_DEV_DEBUG=0 to
# save disk: both builds then lose their debug info alike).
build() {
    local project=$1
    /usr/bin/time -f "%e" -o "$work/$project.time" \
        cargo build --offline -q "${profile[@]}" --manifest-path "$work/$project/Cargo.toml" >&2
    rm -rf "$work/$project/target" # the next build gets the disk back
    cat "$work/$project.time"
}

raw=$(build raw) || { echo "the raw build failed"; exit 1; }
sdk=$(build sdk) || { echo "the paylinks build failed"; exit 1; }
echo "clean build, ${profile[*]:-dev profile}${CARGO_PROFILE_DEV_DEBUG:+, debug=$CARGO_PROFILE_DEV_DEBUG}, $(nproc) cores"
echo "raw reqwest+serde+serde_json+tokio: ${raw} s"
echo "paylinks-$provider:                ${sdk} s"
awk -v a="$sdk" -v b="$raw" 'BEGIN { printf "ratio (paylinks-%s / raw): %.2fx (target <= 1.10x)\n", "'"$provider"'", a / b }'
