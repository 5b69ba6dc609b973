//! What the CLI prints: link tables, JSON, QR codes; and how it writes to stdout.

use std::io::{ErrorKind, Write};

use paylinks::PaymentLink;
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

/// The normalised link as pretty JSON.
pub fn json(link: &PaymentLink) -> String {
    serde_json::to_string_pretty(link).unwrap_or_default()
}

/// A link as aligned `field  value` lines.
pub fn table(link: &PaymentLink) -> String {
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map_or("-".to_owned(), |t| t.to_rfc3339());
    let customer = [&link.customer.name, &link.customer.email, &link.customer.phone]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let rows = [
        ("provider", link.provider.to_string()),
        ("id", link.id.clone()),
        ("reference", link.reference.clone().unwrap_or_else(|| "-".into())),
        ("status", format!("{} ({})", link.status, link.provider_status)),
        ("amount", link.amount.to_string()),
        ("paid", link.amount_paid.to_string()),
        ("due", link.amount_due().to_string()),
        ("url", link.url.clone().unwrap_or_else(|| "-".into())),
        ("description", link.description.clone().unwrap_or_else(|| "-".into())),
        ("customer", if customer.is_empty() { "-".into() } else { customer }),
        (
            "partial payments",
            match (link.partial_payments, link.minimum_partial_amount) {
                (false, _) => "no".into(),
                (true, None) => "yes".into(),
                (true, Some(minimum)) => format!("yes, first at least {minimum}"),
            },
        ),
        ("created", time(link.created_at)),
        ("expires", time(link.expires_at)),
    ];
    rows.iter().map(|(k, v)| format!("  {k:<17}{v}\n")).collect()
}

/// A QR code drawn with half-block characters (two rows per line), light on dark so that
/// phone cameras read it on a dark terminal.
pub fn qr(text: &str) -> Result<String, String> {
    let code = QrCode::new(text.as_bytes()).map_err(|e| format!("cannot encode a QR code: {e}"))?;
    Ok(code.render::<Dense1x2>().dark_color(Dense1x2::Light).light_color(Dense1x2::Dark).quiet_zone(true).build()
        + "\n")
}

/// Writes `text` to stdout and flushes it: the CLI's only way to stdout (never `println!`,
/// which panics when the reader has gone). A closed pipe (`paylinks schema | head -c 10`)
/// ends the process quietly with success, as the reader wanted no more; any other write error
/// ends it with one line on stderr and exit 1.
pub fn write_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        if error.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        // Not `eprintln!`: stderr may be gone too, and that must not panic either.
        let _ = writeln!(std::io::stderr(), "error: cannot write to standard output: {error}");
        std::process::exit(1);
    }
}

/// `print!` through [`write_stdout`]: a closed stdout ends the process quietly instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_stdout(&format!($($arg)*))
    };
}

/// `println!` through [`write_stdout`]: a closed stdout ends the process quietly instead of panicking.
macro_rules! outln {
    () => {
        $crate::output::write_stdout("\n")
    };
    ($($arg:tt)*) => {
        $crate::output::write_stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};
