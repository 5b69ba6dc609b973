//! The `paylinks` binary, run as a user runs it.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

mod common;
use common::CREDENTIAL_VARS;

fn paylinks() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paylinks"));
    for var in CREDENTIAL_VARS {
        command.env_remove(var);
    }
    command
}

fn run(args: &[&str]) -> Output {
    paylinks().args(args).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A conformance body of the repository's fixtures (`tests/fixtures/<dir>/<file>`).
fn conformance(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(path)
}

fn assert_clean_failure(output: &Output, expected: &[&str]) {
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "should fail: {stderr}");
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    for part in expected {
        assert!(stderr.contains(part), "stderr names `{part}`: {stderr}");
    }
}

#[test]
fn the_demo_runs_offline_and_shows_every_provider() {
    let output = run(&["demo"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", text(&output.stderr));
    for provider in ["━━ cashfree", "━━ razorpay ", "━━ razorpay_invoice", "━━ pinelabs"] {
        assert!(stdout.contains(provider), "{provider} in {stdout}");
    }
    assert_eq!(stdout.matches("cancel refused as it should be: paylinks::Error::InvalidState").count(), 4, "{stdout}");
    assert_eq!(stdout.matches("→ paid (").count(), 4, "every link ends paid: {stdout}");
    assert!(stdout.contains('█'), "a QR code is drawn");
    assert!(stdout.contains("status cancelled (cancelled)"), "{stdout}");
    // The webhooks: every link's final payment arrives as a verified `paid` event of the
    // whole amount or the rest, and no delivery is refused.
    assert_eq!(stdout.matches("→ paid, payment ").count(), 4, "{stdout}");
    assert!(stdout.contains("→ partially_paid, payment "), "{stdout}");
    assert!(stdout.contains("→ cancelled (event "), "{stdout}");
    assert!(stdout.contains(" webhook deliveries verified by the receiver, 0 refused."), "{stdout}");
    // Every link's URL is its payment page on the local sandbox, in the tables and in the
    // block of links to pay in a browser; without a terminal the demo does not serve.
    let block = stdout.split("\nPay in a browser:\n").nth(1).expect("a 'Pay in a browser:' block");
    for api in ["cashfree", "razorpay", "razorpay_invoice", "pinelabs"] {
        let page = format!("/pay/{api}/");
        assert!(stdout.contains("  url              http://127.0.0.1:") && stdout.contains(&page), "{stdout}");
        let line = block.lines().find(|l| l.trim_start().starts_with(&format!("{api} "))).expect(api);
        assert!(line.contains("http://127.0.0.1:") && line.contains(&page), "{line}");
    }
    assert!(!stdout.contains("until Ctrl-C"), "{stdout}");
    assert!(stdout.contains("Run `paylinks demo --serve` to pay them in a browser."), "{stdout}");
    // The customer's return to the merchant after each payment, read with
    // Paylinks::verify_return: signed (Razorpay), signed without a link status (Pine Labs:
    // the link is fetched), or not signed at all (Cashfree: the link is fetched).
    assert_eq!(stdout.matches("↳ return razorpay, link plink_").count(), 2, "{stdout}");
    assert_eq!(stdout.matches("↳ return razorpay_invoice, link inv_").count(), 2, "{stdout}");
    assert_eq!(stdout.matches(", status paid (signature verified)\n").count(), 2, "{stdout}");
    assert!(
        stdout.contains(", status PROCESSED (signature verified: fetched the link: paid (PROCESSED), paid 499.50 INR)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("↳ return cashfree (not signed: fetched the link: paid (PAID), paid 499.50 INR)"),
        "{stdout}"
    );
    assert!(!stdout.contains("refused: "), "{stdout}");
}

#[test]
fn decode_prints_the_normalised_link() {
    let output = run(&[
        "decode",
        "--provider",
        "pinelabs",
        conformance("pinelabs/docs_payment_link_object.json").to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let link: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(link["provider"], "pinelabs");
    assert_eq!(link["status"], "active");
    assert_eq!(link["provider_status"], "CREATED");
    assert_eq!(link["amount"], serde_json::json!({"minor": 100, "currency": "INR"}));
    assert_eq!(link["expires_at"], "2025-03-21T08:29:00Z");
}

#[test]
fn decode_reads_standard_input() {
    let mut child = paylinks()
        .args(["decode", "--provider", "razorpay", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let body = std::fs::read(conformance("razorpay/sdk_python_fake_payment_link.json")).unwrap();
    child.stdin.take().unwrap().write_all(&body).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let link: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(link["provider"], "razorpay");
    assert_eq!(link["status"], "paid");
}

#[test]
fn decode_refuses_invalid_json_naming_the_provider() {
    let file = conformance("razorpay_invoices/sdk_python_fake_invoice_edit.json");
    let output = run(&["decode", "--provider", "razorpay-invoice", file.to_str().unwrap()]);
    assert_clean_failure(&output, &["razorpay_invoice", "not JSON", "line 12"]);
}

#[test]
fn decode_refuses_another_providers_body() {
    let file = conformance("razorpay/sdk_python_fake_payment_link.json");
    let output = run(&["decode", "--provider", "pinelabs", file.to_str().unwrap()]);
    assert_clean_failure(&output, &["pinelabs", "amount: expected struct Amount"]);
    let output = run(&["decode", "--provider", "cashfree", "/nonexistent/body.json"]);
    assert_clean_failure(&output, &["cannot read /nonexistent/body.json"]);
}

/// `paylinks decode` on a body given on standard input.
fn decode_stdin(provider: &str, body: &str) -> Output {
    let mut child = paylinks()
        .args(["decode", "--provider", provider, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn decode_reports_a_providers_error_body_as_its_error() {
    let body = r#"{"message":"Currency USD is not enabled","code":"link_post_failed","type":"invalid_request_error"}"#;
    let output = decode_stdin("cashfree", body);
    assert_clean_failure(
        &output,
        &["cashfree's error answer, not a link", "link_post_failed", "Currency USD is not enabled"],
    );
    assert!(!text(&output.stderr).contains("link_id"), "{}", text(&output.stderr));
    let body = r#"{"error":{"code":"SERVER_ERROR","description":"The server encountered an error.","source":"NA","step":"NA","reason":"NA","metadata":{}}}"#;
    for provider in ["razorpay", "razorpay-invoice"] {
        assert_clean_failure(
            &decode_stdin(provider, body),
            &["error answer, not a link", "SERVER_ERROR", "The server encountered an error."],
        );
    }
    let file = conformance("razorpay/sdk_python_ruby_bad_request_error.json");
    let output = run(&["decode", "--provider", "razorpay", file.to_str().unwrap()]);
    assert_clean_failure(&output, &["razorpay's error answer", "BAD_REQUEST_ERROR", "The amount is invalid"]);
}

#[test]
fn decode_prints_a_list_as_an_array_of_links() {
    let body = r#"{"count":2,"payment_links":[
        {"id":"plink_A","status":"created","currency":"INR","amount":1000,"amount_paid":0},
        {"id":"plink_B","status":"paid","currency":"INR","amount":2500,"amount_paid":2500}]}"#;
    let output = decode_stdin("razorpay", body);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let links: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let links = links.as_array().expect("an array");
    assert_eq!(links.len(), 2);
    assert_eq!(links[0]["id"], "plink_A");
    assert_eq!(links[1]["status"], "paid");
    assert_eq!(links[1]["amount"], serde_json::json!({"minor": 2500, "currency": "INR"}));
}

#[test]
fn decode_says_a_webhook_envelope_is_an_event() {
    let body = r#"{"entity":"event","account_id":"acc_1","event":"payment_link.paid","contains":["payment_link"],"payload":{},"created_at":1}"#;
    assert_clean_failure(&decode_stdin("razorpay", body), &["a webhook event, not a link", "not supported yet"]);
    let body =
        r#"{"data":{"link_id":"l1"},"type":"PAYMENT_LINK_EVENT","version":1,"event_time":"2021-08-18T12:55:06+05:30"}"#;
    assert_clean_failure(&decode_stdin("cashfree", body), &["a webhook event, not a link"]);
}

#[test]
fn decode_refuses_a_link_with_an_impossible_amount() {
    let body = r#"{"id":"plink_A","status":"created","currency":"INR","amount":-1}"#;
    assert_clean_failure(
        &decode_stdin("razorpay", body),
        &["razorpay", "amount: the link's amount must be greater than zero"],
    );
}

#[test]
fn unknown_providers_and_inexact_amounts_are_refused_before_any_request() {
    assert_clean_failure(&run(&["decode", "--provider", "stripe", "x.json"]), &["unknown provider `stripe`"]);
    let output =
        run(&["links", "create", "--provider", "razorpay", "--amount", "1.005", "--sandbox", "http://127.0.0.1:9"]);
    assert_clean_failure(&output, &["--amount 1.005", "3 decimal places", "allows 2"]);
    let output = run(&[
        "links",
        "create",
        "--provider",
        "cashfree",
        "--amount",
        "10",
        "--currency",
        "XYZ",
        "--sandbox",
        "http://127.0.0.1:9",
    ]);
    assert_clean_failure(&output, &["`XYZ` is not an ISO 4217 currency"]);
}

#[test]
fn missing_credentials_name_the_variables() {
    let output = run(&["links", "get", "plink_ExjpAUN3gVHrPJ"]);
    assert_clean_failure(
        &output,
        &["RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "CASHFREE_CLIENT_ID", "PINELABS_CLIENT_ID"],
    );
    let output = paylinks()
        .args(["links", "get", "plink_ExjpAUN3gVHrPJ"])
        .env("RAZORPAY_KEY_ID", "rzp_test_x")
        .output()
        .unwrap();
    assert_clean_failure(&output, &["RAZORPAY_KEY_SECRET is missing"]);
}

#[test]
fn schema_prints_the_payment_link_json_schema() {
    let output = run(&["schema"]);
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema["title"], "PaymentLink");
    assert!(schema["properties"]["amount"].is_object());
}

#[test]
fn qr_draws_in_the_terminal() {
    let output = run(&["qr", "https://rzp.io/rzp/abc"]);
    assert!(output.status.success());
    let drawing = text(&output.stdout);
    assert!(drawing.lines().count() > 10 && drawing.contains('▀'), "{drawing}");
}

/// Starts `paylinks sandbox --port 0`, reads its first stdout line, and kills it on drop.
struct ServedSandbox {
    child: std::process::Child,
    info: serde_json::Value,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for ServedSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(extra: &[&str]) -> ServedSandbox {
    let mut child = paylinks()
        .args(["sandbox", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the sandbox starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let info = serde_json::from_str(&first).unwrap_or_else(|e| panic!("first line is JSON ({e}): {first}"));
    ServedSandbox { child, info, _stdout: stdout }
}

#[test]
fn the_served_sandbox_prints_its_configuration_first_and_serves_link_commands() {
    let sandbox = serve(&[]);
    let info = &sandbox.info;
    for provider in ["cashfree", "razorpay", "pinelabs"] {
        assert!(info[provider]["base_url"].as_str().unwrap().starts_with("http://127.0.0.1:"), "{info}");
    }
    assert_eq!(info["razorpay"]["key_id"], "rzp_test_paylinks");
    let base = info["razorpay"]["base_url"].as_str().unwrap().trim_end_matches("/razorpay").to_owned();

    let created = run(&[
        "links",
        "create",
        "--provider",
        "razorpay",
        "--amount",
        "499.50",
        "--reference",
        "cli-test-1",
        "--description",
        "Order 1",
        "--sandbox",
        &base,
        "--json",
    ]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    let link: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    assert_eq!(link["amount"]["minor"], 49950);
    assert_eq!(link["status"], "active");
    let id = link["id"].as_str().unwrap();

    let fetched = run(&["links", "get", id, "--sandbox", &base]);
    assert!(fetched.status.success(), "{}", text(&fetched.stderr));
    assert!(text(&fetched.stdout).contains("499.50 INR"));

    let listed = run(&["links", "list", "--provider", "razorpay", "--reference", "cli-test-1", "--sandbox", &base]);
    assert!(text(&listed.stdout).contains(id), "{}", text(&listed.stdout));

    let cancelled = run(&["links", "cancel", id, "--sandbox", &base, "--json"]);
    let cancelled: serde_json::Value = serde_json::from_slice(&cancelled.stdout).unwrap();
    assert_eq!(cancelled["status"], "cancelled");

    let again = run(&["links", "cancel", id, "--sandbox", &base]);
    assert_clean_failure(&again, &["razorpay", "cannot cancel", "cancelled"]);
}

#[test]
fn sandbox_credentials_can_be_overridden_and_wrong_ones_are_refused() {
    let sandbox = serve(&["--razorpay-key-id", "rzp_test_custom", "--razorpay-key-secret", "custom_secret"]);
    assert_eq!(sandbox.info["razorpay"]["key_id"], "rzp_test_custom");
    let base = sandbox.info["razorpay"]["base_url"].as_str().unwrap().trim_end_matches("/razorpay").to_owned();
    // The CLI's --sandbox uses the default credentials, which this sandbox refuses.
    let output = run(&["links", "get", "plink_ExjpAUN3gVHrPJ", "--sandbox", &base]);
    assert_clean_failure(&output, &["razorpay: credentials refused", "The api key provided is invalid"]);
}

#[test]
fn webhook_verify_refuses_with_one_line_naming_what_is_wrong() {
    let dir = std::env::temp_dir().join(format!("paylinks-cli-webhook-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("delivery.json");
    std::fs::write(&body, br#"{"event": "payment_link.paid", "payload": {}}"#).unwrap();
    let body = body.to_str().unwrap();
    for provider in ["cashfree", "razorpay", "razorpay-invoice", "pinelabs"] {
        // No secret anywhere: the variable to set is named (or the provider's webhooks are
        // not read by this build).
        let output = run(&["webhook", "verify", "--provider", provider, body]);
        let stderr = text(&output.stderr);
        assert_clean_failure(&output, &[]);
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.contains("_SECRET") || stderr.contains("does not support verifying webhooks"),
            "{provider}: {stderr}"
        );
        // A secret, no signature headers: refused, naming the provider, never the secret.
        let output = run(&["webhook", "verify", "--provider", provider, "--secret", "whsec_paylinks_test_cli", body]);
        let stderr = text(&output.stderr);
        assert_clean_failure(&output, &[]);
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(!stderr.contains("whsec_paylinks_test_cli"), "{stderr}");
        assert!(
            stderr.contains("refused: ") && stderr.contains("header is missing")
                || stderr.contains("does not support verifying webhooks"),
            "{provider}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "nothing on stdout");
    }
    let output = run(&["webhook", "verify", "--provider", "razorpay", "--header", "no colon", body]);
    assert_clean_failure(&output, &["Name: value"]);
    // Argument errors: one line naming the flag, exit 2, never the value (it may be a
    // signature), never an empty secret taken for a real one.
    let signature = "X-Razorpay-Signature=0123456789abcdef";
    let refused: [(&[&str], &str); 4] = [
        (&["--header", signature], "--header: a header is `Name: value`"),
        (
            &["--header", "X-Razorpay Signature: 0123456789abcdef"],
            "--header: `X-Razorpay Signature` is not a header name",
        ),
        (&["--secret", ""], "--secret: the webhook secret is empty"),
        (&["--tolerance", "86401"], "--tolerance: 86401 s is over a day"),
    ];
    for (args, expected) in refused {
        let output =
            paylinks().args(["webhook", "verify", "--provider", "razorpay"]).args(args).arg(body).output().unwrap();
        assert_clean_failure(&output, &[expected]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(!stderr.contains("0123456789abcdef"), "{stderr}");
    }
    let output = run(&["webhook", "listen", "--port", "0", "--tolerance", "604800"]);
    assert_clean_failure(&output, &["--tolerance: 604800 s is over a day"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn webhook_verify_help_lists_each_providers_headers_and_the_exit_codes() {
    let output = run(&["webhook", "verify", "--help"]);
    assert!(output.status.success());
    let help = text(&output.stdout);
    for expected in [
        "razorpay, razorpay-invoice: X-Razorpay-Signature, x-razorpay-event-id",
        "cashfree: x-webhook-signature, x-webhook-timestamp",
        "pinelabs: webhook-id, webhook-timestamp, webhook-signature",
        "0 and the event on stdout",
        "1 and one line on",
        "2 for a wrong argument",
    ] {
        assert!(help.contains(expected), "`{expected}` in {help}");
    }
}

/// The binary run with `args` and its stdout a pipe whose reader is already gone.
fn run_with_closed_stdout(command: &mut Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    command.stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let body = conformance("razorpay/webhooks/docs_payment_link_paid_standard.json");
    let signature = format!(
        "X-Razorpay-Signature: {}",
        openssl_signature("razorpay/webhooks", "docs_payment_link_paid_standard.json")
    );
    let mut verify = paylinks();
    verify
        .env("RAZORPAY_WEBHOOK_SECRET", "whsec_paylinks_test_razorpay")
        .args(["webhook", "verify", "--provider", "razorpay", "--header", &signature])
        .args(["--header", "x-razorpay-event-id: evt_paylinks_test_cli"])
        .arg(&body);
    let decode = conformance("pinelabs/docs_payment_link_object.json");
    let mut commands = [
        ("schema", {
            let mut c = paylinks();
            c.arg("schema");
            c
        }),
        ("qr", {
            let mut c = paylinks();
            c.args(["qr", "https://rzp.io/rzp/abc"]);
            c
        }),
        ("decode", {
            let mut c = paylinks();
            c.args(["decode", "--provider", "pinelabs"]).arg(&decode);
            c
        }),
        ("webhook verify", verify),
        ("demo", {
            let mut c = paylinks();
            c.arg("demo");
            c
        }),
    ];
    for (name, command) in &mut commands {
        let output = run_with_closed_stdout(command);
        let stderr = text(&output.stderr);
        assert!(output.status.success(), "{name}: {:?} {stderr}", output.status);
        assert!(stderr.is_empty(), "{name}: quietly: {stderr}");
    }
}

#[test]
fn the_sandbox_takes_webhook_urls_and_refuses_bad_ones() {
    let output = run(&["sandbox", "--port", "0", "--webhook-url", "ftp://example.com/x"]);
    assert_clean_failure(&output, &["--webhook-url", "not an absolute http or https URL"]);
    let output = run(&["schema", "--event"]);
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema["title"], "LinkEvent");
}

#[test]
fn the_sandbox_builds_page_urls_under_its_public_url_and_refuses_a_bad_one_in_one_line() {
    for bad in ["ftp://example.com", "example.com:8080", "https://user:pw@tunnel.example", "http://x.example/?q=1"] {
        let output = run(&["sandbox", "--port", "0", "--public-url", bad]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        let stderr = text(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.starts_with("error: --public-url: "), "{stderr}");
        assert!(!stderr.contains("pw@"), "the URL's password is not echoed: {stderr}");
    }
    let help = text(&run(&["sandbox", "--help"]).stdout);
    assert!(help.contains("--public-url") && help.contains("tunnel") && help.contains("container"), "{help}");

    let mut sandbox = serve(&["--public-url", "https://abc.tunnel.example/sb/"]);
    assert_eq!(sandbox.info["pay_url"], "https://abc.tunnel.example/sb/pay", "{}", sandbox.info);
    let mut banner = String::new();
    while !banner.contains("Ctrl-C") && sandbox._stdout.read_line(&mut banner).unwrap() > 0 {}
    assert!(banner.contains("  pages     https://abc.tunnel.example/sb/pay/{api}/{id}"), "{banner}");
}

/// A child's stdout, line by line, from a reader thread.
fn lines_of(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// The next JSON line that `wanted` accepts (other lines are skipped), within 20 s.
fn next_json(
    lines: &std::sync::mpsc::Receiver<String>,
    wanted: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = lines.recv_timeout(left).expect("a line before the deadline");
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&line)
            && wanted(&value)
        {
            return value;
        }
    }
}

/// `listen --json`: stdout carries JSON lines only (the banner goes to stderr); a provider
/// without a secret is answered 500 with a message pointing at the variable or
/// --sandbox-secrets, not at the Rust API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_listen_json_prints_json_lines_only_and_says_how_to_set_a_secret() {
    let mut listen = paylinks()
        .args(["webhook", "listen", "--port", "0", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(listen.stdout.take().unwrap());
    let mut first = String::new();
    tokio::task::block_in_place(|| stdout.read_line(&mut first)).unwrap();
    let announced: serde_json::Value = serde_json::from_str(&first).expect("the first line is JSON");
    assert_eq!(announced["secrets_for"], serde_json::json!([]), "{announced}");
    let url = announced["paths"]["razorpay"].as_str().unwrap().to_owned();
    let answer = paylinks::plain_http_client().unwrap().post(url).body("{}").send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 500);
    let message = answer.text().await.unwrap();
    assert!(message.contains("RAZORPAY_WEBHOOK_SECRET") && message.contains("--sandbox-secrets"), "{message}");
    assert!(!message.contains("Webhooks::secret"), "{message}");
    listen.kill().unwrap();
    let output = tokio::task::block_in_place(|| listen.wait_with_output()).unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    for line in rest.lines() {
        assert!(serde_json::from_str::<serde_json::Value>(line).is_ok(), "not JSON on stdout: {line}");
    }
    let stderr = text(&output.stderr);
    assert!(stderr.contains("paylinks webhook listen: http://") && stderr.contains("Ctrl-C stops it."), "{stderr}");
    assert!(stderr.contains("--sandbox-secrets"), "{stderr}");
}

/// End to end through the binaries: `paylinks sandbox --webhook-url` delivers to `paylinks
/// webhook listen --json`, which verifies each delivery and prints it; a redelivery of the
/// same event is printed with the same id, marked as such.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_delivers_to_webhook_listen_which_prints_each_verified_event() {
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut listen = Killed(
        paylinks()
            .args(["webhook", "listen", "--port", "0", "--json", "--sandbox-secrets"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let events = lines_of(&mut listen.0);
    let announced = next_json(&events, |v| v["url"].is_string());
    let hooks = announced["url"].as_str().unwrap().to_owned();
    let mut sandbox = Killed(
        paylinks()
            .args(["sandbox", "--port", "0", "--webhook-url", &format!("{hooks}/{{provider}}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let served = lines_of(&mut sandbox.0);
    let info = next_json(&served, |v| v["control_url"].is_string());
    let control = info["control_url"].as_str().unwrap().to_owned();
    let root = control.trim_end_matches("/_sandbox").to_owned();
    let http = paylinks::plain_http_client().unwrap();
    for provider in ["cashfree", "razorpay", "razorpay_invoice", "pinelabs"] {
        let reference = format!("listen-{}", provider.replace('_', "-"));
        let created = paylinks()
            .args(["links", "create", "--provider", provider, "--amount", "499.50", "--reference", &reference])
            .args(["--customer-phone", "9876543210", "--sandbox", &root, "--json"])
            .output()
            .unwrap();
        assert!(created.status.success(), "{provider}: {}", text(&created.stderr));
        let link: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
        let id = link["id"].as_str().unwrap();
        let paid = http.post(format!("{control}/{provider}/links/{id}/pay")).send().await.unwrap();
        assert!(paid.status().is_success(), "{provider}: {}", paid.text().await.unwrap());
        let event =
            tokio::task::block_in_place(|| next_json(&events, |v| v["provider"] == provider && v["kind"] == "paid"));
        assert_eq!(event["payment"]["amount"], serde_json::json!({"minor": 49950, "currency": "INR"}), "{event}");
        assert_eq!(event["payment"]["status"], "succeeded", "{event}");
        assert_eq!(event["redelivery"], false, "{event}");
        let event_id = event["event_id"].as_str().unwrap().to_owned();
        assert!(!event_id.is_empty());
        let again = http.post(format!("{control}/deliveries/{event_id}/redeliver")).send().await.unwrap();
        assert!(again.status().is_success(), "{provider}: {}", again.text().await.unwrap());
        let repeated = tokio::task::block_in_place(|| next_json(&events, |v| v["event_id"] == event_id.as_str()));
        assert_eq!(repeated["redelivery"], true, "{repeated}");
        assert_eq!(repeated["payment"], event["payment"], "the same event");
    }
    // Every delivery, saved from the control API (the exact body and the last attempt's
    // headers), verifies again with `paylinks webhook verify`.
    // (The receiver prints an event before its answer reaches the sandbox: wait for every
    // delivery's outcome.)
    let mut listed = serde_json::Value::Null;
    for _ in 0..200 {
        listed = http.get(format!("{control}/deliveries")).send().await.unwrap().json().await.unwrap();
        if listed["deliveries"].as_array().unwrap().iter().all(|d| d["outcome"] == "delivered") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let deliveries = listed["deliveries"].as_array().unwrap();
    assert!(deliveries.iter().all(|d| d["outcome"] == "delivered"), "{listed}");
    assert!(deliveries.len() >= 8, "{listed}");
    let dir = std::env::temp_dir().join(format!("paylinks-cli-saved-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for delivery in deliveries {
        let provider = delivery["provider"].as_str().unwrap();
        let file = dir.join("body.json");
        std::fs::write(&file, delivery["body_text"].as_str().unwrap()).unwrap();
        let secret = paylinks_sandbox::SandboxConfig::default().webhook_secret(provider).unwrap().to_owned();
        let mut verify = paylinks();
        verify.args(["webhook", "verify", "--provider", provider, "--secret", &secret]);
        let attempt = delivery["attempts"].as_array().unwrap().last().unwrap();
        for (name, value) in attempt["headers"].as_object().unwrap() {
            verify.arg(format!("--header={name}: {}", value.as_str().unwrap()));
        }
        let output = verify.arg(&file).output().unwrap();
        assert!(output.status.success(), "{provider}: {}", text(&output.stderr));
        let verified: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(verified["event_id"], delivery["event_id"], "{verified}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The signature of a fixture in its folder's `signatures.txt` (OpenSSL's `<hex> *<file>`).
fn openssl_signature(folder: &str, file: &str) -> String {
    let listed = std::fs::read_to_string(conformance(&format!("{folder}/signatures.txt"))).unwrap();
    let line = listed.lines().find(|l| l.ends_with(&format!("*{file}"))).unwrap();
    line.split(' ').next().unwrap().to_owned()
}

#[test]
fn webhook_verify_prints_the_event_of_a_genuine_delivery_and_says_why_it_refuses_others() {
    let body = conformance("razorpay/webhooks/docs_payment_link_paid_standard.json");
    let body = body.to_str().unwrap();
    let signature = format!(
        "X-Razorpay-Signature: {}",
        openssl_signature("razorpay/webhooks", "docs_payment_link_paid_standard.json")
    );
    let args = ["webhook", "verify", "--provider", "razorpay", "--header", &signature];
    let event_id = "x-razorpay-event-id: evt_paylinks_test_cli";
    let output = paylinks()
        .env("RAZORPAY_WEBHOOK_SECRET", "whsec_paylinks_test_razorpay")
        .args(args)
        .args(["--header", event_id, body])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let event: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(event["provider"], "razorpay");
    assert_eq!(event["event_id"], "evt_paylinks_test_cli");
    assert_eq!(event["kind"], "paid");
    assert_eq!(event["provider_event"], "payment_link.paid");
    assert!(event["payment"]["amount"]["minor"].as_i64().is_some_and(|m| m > 0), "{event}");
    // The same delivery under another secret, and without its event id.
    let output = paylinks()
        .args(args)
        .args(["--secret", "whsec_paylinks_test_other", "--header", event_id, body])
        .output()
        .unwrap();
    assert_clean_failure(&output, &["refused: razorpay webhook: the signature does not match"]);
    assert!(!text(&output.stderr).contains("whsec_paylinks_test_other"));
    let output = paylinks().args(args).args(["--secret", "whsec_paylinks_test_razorpay", body]).output().unwrap();
    assert_clean_failure(&output, &["x-razorpay-event-id header is missing"]);
    // Cashfree's fixture was signed in 2025: stale now, unless the window is that wide.
    let headers = std::fs::read_to_string(conformance("cashfree/webhooks/docs_partially_paid.headers")).unwrap();
    let body = conformance("cashfree/webhooks/docs_partially_paid.json");
    let mut args =
        vec!["webhook", "verify", "--provider", "cashfree", "--secret", "whsec_paylinks_test_cashfree_client_secret"];
    for line in headers.lines().filter(|l| !l.trim().is_empty()) {
        args.extend(["--header", line]);
    }
    args.push(body.to_str().unwrap());
    assert_clean_failure(
        &run(&args),
        &["refused: cashfree webhook: the x-webhook-timestamp header is", "outside the 300 s replay window"],
    );
    // A window wide enough to take it would switch replay protection off: refused.
    args.splice(6..6, ["--tolerance", "3000000000"]);
    let output = run(&args);
    assert_clean_failure(&output, &["--tolerance: 3000000000 s is over a day"]);
    assert_eq!(output.status.code(), Some(2));
}

/// The next stdout line that `wanted` accepts (other lines are skipped), within 20 s; every
/// line read goes into `seen`.
fn next_line(
    lines: &std::sync::mpsc::Receiver<String>,
    seen: &mut Vec<String>,
    wanted: impl Fn(&str) -> bool,
) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line =
            lines.recv_timeout(left).unwrap_or_else(|_| panic!("no such line within 20 s after:\n{}", seen.join("\n")));
        seen.push(line.clone());
        if wanted(&line) {
            return line;
        }
    }
}

/// `paylinks demo --serve`: after the walk, the links under "Pay in a browser" are served; a
/// customer opening each and pressing "pay" on its page is sent back to the demo merchant's
/// return page (a GET redirect, or Pine Labs' POSTed form), which reads the return with
/// `Paylinks::verify_return`; the demo prints each verified webhook and each return.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_serve_keeps_the_links_payable_and_prints_what_the_merchant_sees() {
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut demo =
        Killed(paylinks().args(["demo", "--serve"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap());
    let lines = lines_of(&mut demo.0);
    let mut seen = Vec::new();
    next_line(&lines, &mut seen, |l| l == "Pay in a browser:");
    let mut pages = std::collections::BTreeMap::new();
    for _ in 0..4 {
        let line = next_line(&lines, &mut seen, |_| true);
        let (api, url) = line.trim().split_once(' ').unwrap();
        pages.insert(api.to_owned(), url.trim().to_owned());
    }
    next_line(&lines, &mut seen, |l| l.contains("until Ctrl-C"));
    // From here on, only what the served demo prints.
    seen.clear();

    // Each link paid in full on its page, as a browser: the page's `pay` form, then the
    // provider's redirect to the merchant (a 303 that reqwest follows, or a page whose form
    // `#redirect` the browser's script posts).
    let http = paylinks::plain_http_client().unwrap();
    for (api, url) in &pages {
        let html = http.get(url).send().await.unwrap().text().await.unwrap();
        assert!(html.contains(r#"id="pay-full""#), "{api}: {html}");
        let form = "application/x-www-form-urlencoded";
        let answer = http.post(url).header("content-type", form).body("action=pay").send().await.unwrap();
        let (mut at, mut status) = (answer.url().clone(), answer.status().as_u16());
        let mut html = answer.text().await.unwrap();
        if let Some((action, fields)) = redirect_form(&html) {
            let posted = http.post(action).header("content-type", form).body(fields).send().await.unwrap();
            (at, status) = (posted.url().clone(), posted.status().as_u16());
            html = posted.text().await.unwrap();
        }
        assert_eq!((at.path(), status), (format!("/return/{api}").as_str(), 200), "{api}: {html}");
        assert!(html.contains("Payment received"), "{api}: {html}");
    }

    // The webhooks and returns, in whichever order they arrive: one of each per provider.
    let webhook = |api: &str, l: &str| l.starts_with("webhook ") && l.contains(&format!(" {api} paid ("));
    let back = |api: &str, l: &str| l.contains(&format!(" return {api},")) || l.contains(&format!(" return {api} ("));
    let done = |seen: &[String]| {
        pages.keys().all(|api| seen.iter().any(|l| webhook(api, l)) && seen.iter().any(|l| back(api, l)))
    };
    while !done(&seen) {
        next_line(&lines, &mut seen, |_| true);
    }
    for line in &seen {
        assert!(!line.contains("refused"), "{line}");
        if line.starts_with("webhook ") {
            assert!(line.ends_with("(signature verified)"), "{line}");
        }
        if pages.keys().any(|api| back(api, line)) {
            assert!(line.contains("status paid (") || line.contains("fetched the link: paid ("), "{line}");
        }
    }
}

/// The `#redirect` form of a payment page (a provider whose redirect is a POSTed form): its
/// action and its fields, URL-encoded.
fn redirect_form(html: &str) -> Option<(String, String)> {
    let document = scraper::Html::parse_document(html);
    let form = document.select(&scraper::Selector::parse("form#redirect").unwrap()).next()?;
    let action = form.value().attr("action")?.to_owned();
    let mut fields = url::form_urlencoded::Serializer::new(String::new());
    for input in form.select(&scraper::Selector::parse("input[type=hidden]").unwrap()) {
        fields.append_pair(input.value().attr("name").unwrap_or(""), input.value().attr("value").unwrap_or(""));
    }
    Some((action, fields.finish()))
}
