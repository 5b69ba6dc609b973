use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant written as ISO 8601 text, as providers really send it.
///
/// Stricter parsers reject what these providers really send; this one accepts
/// `2021-09-30T17:05:01+05:30`, `2024-06-28T13:26:06.909140Z`, `2025-03-06T08:27:55.881Z` and
/// the seconds-less `2025-03-21T08:29Z`. It keeps the offset it was given (so a value
/// is written back as RFC 3339 with that offset and whole seconds: `08:29Z` becomes
/// `08:29:00Z`, the same instant) and [`Timestamp::to_utc`] gives the instant. Text without an offset
/// is an error: guessing a zone would put the instant hours off.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(DateTime<FixedOffset>);

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not an ISO 8601 timestamp with an offset (like 2021-09-30T17:05:01+05:30)")]
pub struct TimestampError {
    value: String,
}

const FORMATS: &[&str] =
    &["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"];

impl Timestamp {
    /// Wraps an instant with its offset.
    pub const fn new(value: DateTime<FixedOffset>) -> Self {
        Self(value)
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }

    /// The instant with the offset it was sent with.
    pub const fn as_fixed_offset(&self) -> DateTime<FixedOffset> {
        self.0
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Self(value.fixed_offset())
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(value: DateTime<FixedOffset>) -> Self {
        Self(value)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(value: Timestamp) -> Self {
        value.to_utc()
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
            return Ok(Self(parsed));
        }
        // `Z` is not an offset `%z` accepts; it is the same instant as `+00:00`.
        let text = match text.strip_suffix(['Z', 'z']) {
            Some(rest) => format!("{rest}+00:00"),
            None => text.to_owned(),
        };
        let text = text.replacen(' ', "T", 1);
        FORMATS
            .iter()
            .find_map(|format| DateTime::parse_from_str(&text, format).ok())
            .map(Self)
            .ok_or_else(|| TimestampError { value: s.to_owned() })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Reads a timestamp that carries no offset, in a zone the caller names.
///
/// Only for fields documented to omit the offset (a webhook timestamp in the provider's
/// local time, say).
pub fn parse_naive_in(text: &str, offset: FixedOffset) -> Result<Timestamp, TimestampError> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .and_then(|naive| naive.and_local_timezone(offset).single())
        .map(Timestamp)
        .ok_or_else(|| TimestampError { value: text.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        text.parse::<Timestamp>().unwrap().to_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    #[test]
    fn offsets_are_applied() {
        assert_eq!(utc("2021-09-30T17:05:01+05:30"), "2021-09-30T11:35:01Z");
        assert_eq!(utc("2021-10-14T15:04:05+0530"), "2021-10-14T09:34:05Z");
    }

    #[test]
    fn missing_seconds_and_any_fraction_are_accepted() {
        assert_eq!(utc("2025-03-21T08:29Z"), "2025-03-21T08:29:00Z");
        assert_eq!(utc("2024-06-28T13:26:06.909140Z"), "2024-06-28T13:26:06.909140Z");
        assert_eq!(utc("2024-08-28T15:00:12.213Z"), "2024-08-28T15:00:12.213Z");
    }

    #[test]
    fn the_original_offset_is_kept_when_re_serialised() {
        let ts: Timestamp = serde_json::from_str("\"2021-09-30T17:05:01+05:30\"").unwrap();
        assert_eq!(serde_json::to_string(&ts).unwrap(), "\"2021-09-30T17:05:01+05:30\"");
    }

    #[test]
    fn text_without_an_offset_is_an_error() {
        let err = serde_json::from_str::<Timestamp>("\"2021-08-18T07:13:41\"").unwrap_err();
        assert!(err.to_string().contains("2021-08-18T07:13:41"), "{err}");
        assert!("yesterday".parse::<Timestamp>().is_err());
    }

    #[test]
    fn naive_text_in_a_named_zone() {
        let ist = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        let ts = parse_naive_in("2021-08-18T07:13:41", ist).unwrap();
        assert_eq!(ts.to_string(), "2021-08-18T07:13:41+05:30");
    }
}
