//! The current time and the three providers' timestamp formats.

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, TimeZone, Utc};

/// UTC as a fixed offset.
fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("+00:00 is a valid offset")
}

/// The current time.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Unix seconds (Razorpay).
pub(crate) fn unix(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

/// The time `secs` Unix seconds stand for, if it is one (Razorpay).
pub(crate) fn from_unix(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
}

/// Pine Labs' ISO 8601 UTC with milliseconds: `2025-03-06T08:27:55.881Z`.
pub(crate) fn pinelabs(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses an ISO 8601 timestamp tolerantly: RFC 3339, `Z` or `+hh:mm` offsets, missing
/// seconds (`2025-03-21T08:29Z`), any fraction. A time without an offset is read in
/// `default_offset`.
pub(crate) fn parse_iso(text: &str, default_offset: Zone) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let normalized = match text.strip_suffix('Z').or_else(|| text.strip_suffix('z')) {
        Some(rest) => format!("{rest}+00:00"),
        None => text.to_owned(),
    };
    for format in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(at) = DateTime::parse_from_str(&normalized, format) {
            return Some(at.with_timezone(&Utc));
        }
    }
    let offset = match default_offset {
        Zone::Utc => utc(),
    };
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return offset.from_local_datetime(&naive).single().map(|at| at.with_timezone(&Utc));
        }
    }
    None
}

/// The offset a timestamp without one is read in.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Zone {
    /// UTC (Pine Labs).
    Utc,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let at = Utc.with_ymd_and_hms(2021, 9, 30, 11, 35, 1).unwrap();
        assert_eq!(pinelabs(at), "2021-09-30T11:35:01.000Z");
        let at = parse_iso("2025-03-21T08:29Z", Zone::Utc).unwrap();
        assert_eq!(pinelabs(at), "2025-03-21T08:29:00.000Z");
        assert!(parse_iso("yesterday", Zone::Utc).is_none());
    }
}
