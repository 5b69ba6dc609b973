//! Hostile input to the sandbox, over real sockets on 127.0.0.1 with hand-written HTTP/1.1 (so
//! that a request can carry what no client library sends): bodies that are not JSON, nested
//! 100k deep, 10 MB long; invalid UTF-8 in a path or a header. Each is answered in the
//! provider's own error format, and the sandbox answers a good request after each.

use std::time::Duration;

use base64::Engine as _;
use paylinks_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A response read off the socket: status, head (lower-cased) and body.
#[derive(Debug)]
struct Raw {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends `head` (request line and headers, without the blank line; `Content-Length` and
/// `Connection: close` are added) and `body` on a new connection and reads the response to
/// the end. The body is written by another task, so that a server that answers before
/// reading it all is still heard.
async fn exchange(sandbox: &Sandbox, head: &[u8], body: Vec<u8>) -> Raw {
    let stream = TcpStream::connect(sandbox.addr()).await.expect("connects");
    let (mut reader, mut writer) = stream.into_split();
    let what = String::from_utf8_lossy(head.split(|b| *b == b'\r').next().unwrap_or_default()).into_owned();
    let mut request = head.to_vec();
    request.extend_from_slice(format!("\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).as_bytes());
    let body_len = body.len();
    let writing = tokio::spawn(async move {
        // The server may close the connection before the body is written: not an error here.
        // The write half stays open (returned) until the response is read: hyper drops a
        // response in progress when its client half-closes.
        let _ = writer.write_all(&request).await;
        let _ = writer.write_all(&body).await;
        writer
    });
    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), async {
        let mut buf = [0u8; 8192];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) => break,
                Err(_) => break,
                Ok(n) => response.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the sandbox answers within 20 s");
    drop(writing);
    let split = response.windows(4).position(|w| w == b"\r\n\r\n");
    let split = split.unwrap_or_else(|| panic!("no response to {what} (body {} bytes)", body_len));
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let mut body = response[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Raw { status, head, body }
}

/// The payload of a chunked body.
fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = bytes.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&bytes[..line_end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&bytes[line_end + 2..line_end + 2 + size]);
        bytes = &bytes[line_end + 2 + size + 2..];
    }
    out
}

/// One provider's create endpoint with good credentials.
struct Target {
    provider: &'static str,
    path: String,
    auth: Vec<(String, Vec<u8>)>,
    good_body: Value,
}

impl Target {
    fn head(&self, method: &str, path: &[u8], extra: &[(&str, &[u8])]) -> Vec<u8> {
        let mut head = format!("{method} ").into_bytes();
        head.extend_from_slice(path);
        head.extend_from_slice(b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json");
        let auth = self.auth.iter().map(|(name, value)| (name.as_str(), value.as_slice()));
        for (name, value) in auth.chain(extra.iter().copied()) {
            head.extend_from_slice(format!("\r\n{name}: ").as_bytes());
            head.extend_from_slice(value);
        }
        head
    }

    /// Asserts `reply` is this provider's error body with `status`.
    #[track_caller]
    fn assert_error(&self, what: &str, reply: &Raw, status: u16) {
        assert_eq!(reply.status, status, "{} {what}: {}", self.provider, String::from_utf8_lossy(&reply.body));
        assert!(reply.head.contains("content-type: application/json"), "{} {what}: {}", self.provider, reply.head);
        let body = reply.json();
        let message = match self.provider {
            "cashfree" => body["type"].is_string().then(|| &body["message"]),
            "razorpay" => Some(&body["error"]["description"]),
            _ => body["code"].is_string().then(|| &body["message"]),
        };
        assert!(message.is_some_and(Value::is_string), "{} {what}: not its error body: {body}", self.provider);
    }

    /// A good create request still works.
    async fn assert_up(&self, sandbox: &Sandbox, after: &str) {
        let head = self.head("POST", self.path.as_bytes(), &[]);
        let mut body = self.good_body.clone();
        if body.get("link_id").is_some() {
            body["link_id"] = json!(format!("hostile-{}", fastrand::u64(..)));
        }
        let reply = exchange(sandbox, &head, body.to_string().into_bytes()).await;
        assert_eq!(reply.status, 200, "{} after {after}: {}", self.provider, String::from_utf8_lossy(&reply.body));
    }
}

async fn targets(sandbox: &Sandbox) -> Vec<Target> {
    let config = sandbox.config();
    let text = |p: &str, k: &str| config.text(p, k).unwrap().to_owned();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        text("razorpay", "key_id"),
        text("razorpay", "key_secret")
    ));
    let token_body = json!({"client_id": text("pinelabs", "client_id"),
        "client_secret": text("pinelabs", "client_secret"), "grant_type": "client_credentials"});
    let token_head = b"POST /pinelabs/api/auth/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json";
    let token = exchange(sandbox, token_head, token_body.to_string().into_bytes()).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    vec![
        Target {
            provider: "cashfree",
            path: "/cashfree/pg/links".into(),
            auth: vec![
                ("x-client-id".into(), text("cashfree", "client_id").into_bytes()),
                ("x-client-secret".into(), text("cashfree", "client_secret").into_bytes()),
                ("x-api-version".into(), b"2025-01-01".to_vec()),
            ],
            good_body: json!({"link_id": "hostile", "link_amount": 10.5,
                "link_currency": "INR", "link_purpose": "hostile input",
                "customer_details": {"customer_phone": "9999999999"}}),
        },
        Target {
            provider: "razorpay",
            path: "/razorpay/v1/payment_links".into(),
            auth: vec![("Authorization".into(), format!("Basic {basic}").into_bytes())],
            good_body: json!({"amount": 1000, "currency": "INR"}),
        },
        Target {
            provider: "razorpay",
            path: "/razorpay/v1/invoices".into(),
            auth: vec![("Authorization".into(), format!("Basic {basic}").into_bytes())],
            good_body: json!({"type": "link", "description": "hostile input",
                "customer": {"name": "Gaurav Kumar", "email": "gaurav.kumar@example.com"},
                "line_items": [{"name": "A book", "amount": 39900, "quantity": 1}]}),
        },
        Target {
            provider: "pinelabs",
            path: "/pinelabs/api/pay/v1/paymentlink".into(),
            auth: vec![("Authorization".into(), format!("Bearer {token}").into_bytes())],
            good_body: json!({"amount": {"value": 1000, "currency": "INR"},
                "merchant_payment_link_reference": "hostile-ref", "description": "hostile input"}),
        },
    ]
}

#[tokio::test]
async fn hostile_bodies_paths_and_headers_get_each_providers_error_and_the_sandbox_stays_up() {
    let sandbox = Sandbox::start(SandboxConfig::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let deep_array = "[".repeat(100_000).into_bytes();
    let deep_object = "{\"a\":".repeat(100_000).into_bytes();
    let ten_megabytes = {
        let mut body = b"{\"description\": \"".to_vec();
        body.resize(10 * 1024 * 1024, b'x');
        body.extend_from_slice(b"\"}");
        body
    };
    for target in targets(&sandbox).await {
        target.assert_up(&sandbox, "nothing").await;
        let post = target.head("POST", target.path.as_bytes(), &[]);
        let bodies: [(&str, Vec<u8>, u16); 6] = [
            ("a body that is not JSON", b"amount=1000&currency=INR".to_vec(), 400),
            ("a body that is not UTF-8", b"{\"amount\": \"\xff\xfe\"}".to_vec(), 400),
            ("an array nested 100k deep", deep_array.clone(), 400),
            ("an object nested 100k deep", deep_object.clone(), 400),
            ("a 10 MB body", ten_megabytes.clone(), 413),
            ("an empty body", Vec::new(), 400),
        ];
        for (what, body, status) in bodies {
            let reply = exchange(&sandbox, &post, body).await;
            target.assert_error(what, &reply, status);
            target.assert_up(&sandbox, what).await;
        }

        let mut bad_path = format!("{}/%FF%FE", target.path).into_bytes();
        let reply = exchange(&sandbox, &target.head("GET", &bad_path, &[]), Vec::new()).await;
        target.assert_error("a path that is not UTF-8 once decoded", &reply, 400);
        target.assert_up(&sandbox, "a path that is not UTF-8 once decoded").await;

        // A raw byte above 0x7F in the request line is refused by the HTTP parser itself
        // (400, no body): nothing of the sandbox runs, and it stays up.
        bad_path.extend_from_slice(b"/\xff");
        let reply = exchange(&sandbox, &target.head("GET", &bad_path, &[]), Vec::new()).await;
        assert_eq!(reply.status, 400, "{}", target.provider);
        target.assert_up(&sandbox, "a raw byte above 0x7F in the path").await;

        // An idempotency key that is not UTF-8: refused (not ignored, which would make a
        // retry create a second link).
        if target.provider == "cashfree" {
            let mut body = target.good_body.clone();
            body["link_id"] = json!("hostile-idempotency");
            let head = target.head("POST", target.path.as_bytes(), &[("x-idempotency-key", b"key-\xff")]);
            let reply = exchange(&sandbox, &head, body.to_string().into_bytes()).await;
            target.assert_error("an idempotency key that is not UTF-8", &reply, 400);
            assert_eq!(reply.json()["code"], "x-idempotency-key_invalid");
            target.assert_up(&sandbox, "an idempotency key that is not UTF-8").await;
        }

        // A header value that is not UTF-8 (obs-text is legal HTTP) where a credential goes: the
        // provider's 401.
        let mut without_credentials = Target { auth: Vec::new(), good_body: Value::Null, ..target };
        let credential = if without_credentials.provider == "cashfree" { "x-client-secret" } else { "Authorization" };
        without_credentials.auth.push((credential.to_owned(), b"\xff\xfe secret".to_vec()));
        let head = without_credentials.head("POST", without_credentials.path.as_bytes(), &[]);
        let reply = exchange(&sandbox, &head, b"{}".to_vec()).await;
        without_credentials.assert_error("a credential header that is not UTF-8", &reply, 401);
    }
    sandbox.shutdown().await;
}
