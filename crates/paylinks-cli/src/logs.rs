//! `-v` and `RUST_LOG`: paylinks' spans and events on standard error, off by default.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// The filter for `-v` (`paylinks=info`: every `paylinks*` crate's spans and events) and
/// `-vv` (`paylinks=debug`); `RUST_LOG`, when set, wins. `None`: nothing asked for.
pub(crate) fn filter(verbose: u8, rust_log: Option<&str>) -> Option<EnvFilter> {
    match (rust_log.filter(|s| !s.trim().is_empty()), verbose) {
        (Some(directives), _) => Some(EnvFilter::builder().parse_lossy(directives)),
        (None, 0) => None,
        (None, 1) => Some(EnvFilter::new("paylinks=info")),
        (None, _) => Some(EnvFilter::new("paylinks=debug")),
    }
}

/// Installs a subscriber printing to standard error each event and each span as it closes
/// (with its fields and duration), when `-v` or `RUST_LOG` asks for one.
pub(crate) fn init(verbose: u8) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let Some(filter) = filter(verbose, rust_log.as_deref()) else { return };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_span_events(FmtSpan::CLOSE)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_by_default_on_with_v_and_rust_log_wins() {
        assert!(filter(0, None).is_none());
        assert!(filter(0, Some(" ")).is_none());
        assert_eq!(filter(1, None).unwrap().to_string(), "paylinks=info");
        assert_eq!(filter(2, None).unwrap().to_string(), "paylinks=debug");
        assert_eq!(filter(1, Some("paylinks_core=trace")).unwrap().to_string(), "paylinks_core=trace");
    }
}
