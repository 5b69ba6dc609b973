use chrono::{DateTime, Utc};

/// A Razorpay timestamp (Unix seconds) as an instant, or `None` when it is not set.
///
/// Payment Links v2 sends `0` for "not set" (`cancelled_at`, `expired_at`, `expire_by`);
/// legacy invoices send `null`. Both are `None`, so `0` never becomes 1 January 1970.
pub fn unix_time(seconds: Option<i64>) -> Option<DateTime<Utc>> {
    match seconds {
        None | Some(0) => None,
        Some(seconds) => DateTime::from_timestamp(seconds, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::unix_time;

    #[test]
    fn zero_and_null_mean_not_set() {
        assert_eq!(unix_time(Some(0)), None);
        assert_eq!(unix_time(None), None);
        assert_eq!(unix_time(Some(1_591_097_057)).unwrap().to_rfc3339(), "2020-06-02T11:24:17+00:00");
    }
}
