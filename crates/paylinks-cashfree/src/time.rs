//! Cashfree's timestamps and the zone of those sent without an offset.

use chrono::FixedOffset;

/// India Standard Time (`+05:30`), the zone Cashfree writes its timestamps in.
///
/// Every documented REST response carries the offset (`2021-09-30T17:05:01+05:30`), but the
/// documented link webhook body does not: `"link_created_at": "2021-08-18T07:13:41"`,
/// `"order_expiry_time": "2021-08-18T07:34:50"` beside `"event_time": "2021-08-18T12:55:06+05:30"`
/// (<https://www.cashfree.com/docs/api-reference/payments/latest/payment-links/webhooks>).
/// Such text is read in this zone; an offset that is present is applied as given.
#[derive(Debug)]
pub enum ProviderZone {}

impl paylinks_core::Zone for ProviderZone {
    const OFFSET: Option<FixedOffset> = FixedOffset::east_opt(5 * 3600 + 30 * 60);
    const NAME: &'static str = "India Standard Time (+05:30)";
}

/// A Cashfree timestamp: ISO 8601 text, with an offset or in India Standard Time without one
/// (see [`ProviderZone`]). The type of every time field of the generated types
/// (`link_created_at`, `link_expiry_time`, `order_expiry_time`, `created_at`).
pub type Timestamp = paylinks_core::Timestamp<ProviderZone>;

#[cfg(test)]
mod tests {
    use super::Timestamp;

    fn utc(text: &str) -> String {
        let ts: Timestamp = serde_json::from_value(serde_json::Value::String(text.into())).unwrap();
        ts.to_utc().to_rfc3339()
    }

    #[test]
    fn offset_less_text_is_india_time_in_every_form() {
        assert_eq!(utc("2021-08-18T07:13:41"), "2021-08-18T01:43:41+00:00");
        assert_eq!(utc("2024-10-14 15:04:05"), "2024-10-14T09:34:05+00:00");
        assert_eq!(utc("2021-08-18T07:13:41.250"), "2021-08-18T01:43:41.250+00:00");
        assert_eq!(utc("2024-10-14 15:04:05.123456"), "2024-10-14T09:34:05.123456+00:00");
    }

    #[test]
    fn a_present_offset_is_applied_as_given() {
        assert_eq!(utc("2021-09-30T17:05:01+05:30"), "2021-09-30T11:35:01+00:00");
        assert_eq!(utc("2021-09-30T17:05:01Z"), "2021-09-30T17:05:01+00:00");
        assert_eq!(utc("2024-10-14 15:04:05+05:30"), "2024-10-14T09:34:05+00:00");
    }

    #[test]
    fn read_in_india_time_and_written_back_with_its_offset() {
        let ts: Timestamp = "2021-08-18T07:13:41".parse().unwrap();
        assert_eq!(ts.to_string(), "2021-08-18T07:13:41+05:30");
        let err = "18/08/2021".parse::<Timestamp>().unwrap_err().to_string();
        assert!(err.contains("18/08/2021") && err.contains("India Standard Time"), "{err}");
    }
}
