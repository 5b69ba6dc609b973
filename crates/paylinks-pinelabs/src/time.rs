//! Pine Labs' timestamps and the zone of those sent without an offset.

use chrono::FixedOffset;

/// UTC, the zone Pine Labs documents its timestamps in.
///
/// The API reference gives `expire_by` as "ISO 8601 UTC"
/// (<https://www.pinelabs.com/docs/online-payments/api/payment-links/create-payment-link>) and
/// every documented value ends in `Z` (`2025-03-21T08:29Z`, the token's
/// `2024-06-28T13:26:06.909140Z`). Text without an offset is read as UTC; an offset that is
/// present is applied as given.
#[derive(Debug)]
pub enum ProviderZone {}

impl paylinks_core::Zone for ProviderZone {
    const OFFSET: Option<FixedOffset> = FixedOffset::east_opt(0);
    const NAME: &'static str = "UTC";
}

/// A Pine Labs timestamp: ISO 8601 text, with an offset or in UTC without one (see
/// [`ProviderZone`]). The type of every time field of the generated types (`expire_by`,
/// `created_at`, `updated_at`, the token's `expires_at`).
pub type Timestamp = paylinks_core::Timestamp<ProviderZone>;

#[cfg(test)]
mod tests {
    use super::Timestamp;

    fn utc(text: &str) -> String {
        let ts: Timestamp = serde_json::from_value(serde_json::Value::String(text.into())).unwrap();
        ts.to_utc().to_rfc3339()
    }

    #[test]
    fn offset_less_text_is_utc_in_every_form() {
        assert_eq!(utc("2025-03-06T08:27:55"), "2025-03-06T08:27:55+00:00");
        assert_eq!(utc("2024-10-14 15:04:05"), "2024-10-14T15:04:05+00:00");
        assert_eq!(utc("2025-03-06T08:27:55.881"), "2025-03-06T08:27:55.881+00:00");
        assert_eq!(utc("2024-10-14 15:04:05.909140"), "2024-10-14T15:04:05.909140+00:00");
        assert_eq!(utc("2025-03-21T08:29"), "2025-03-21T08:29:00+00:00");
    }

    #[test]
    fn a_present_offset_is_applied_as_given() {
        assert_eq!(utc("2025-03-21T08:29Z"), "2025-03-21T08:29:00+00:00");
        assert_eq!(utc("2024-10-14 15:04:05+05:30"), "2024-10-14T09:34:05+00:00");
        let err = "tomorrow".parse::<Timestamp>().unwrap_err().to_string();
        assert!(err.contains("tomorrow") && err.contains("UTC"), "{err}");
    }
}
