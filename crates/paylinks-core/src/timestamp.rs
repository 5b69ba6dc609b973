use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The zone in which a provider writes timestamps that carry no offset.
///
/// Core names no provider: each provider crate declares its own zone (an uninhabited marker
/// type implementing this trait, with the provider's documentation as its source) and its
/// spec points `x-rust-type` at `Timestamp<ThatZone>`.
pub trait Zone {
    /// The offset an offset-less timestamp is read in; `None` refuses such text.
    const OFFSET: Option<FixedOffset>;
    /// The zone as error messages name it, e.g. `India Standard Time (+05:30)`.
    const NAME: &'static str;
}

/// The zone of a [`Timestamp`] that must carry its own offset: text without one is an error,
/// since guessing a zone would put the instant hours off. The default zone of [`Timestamp`].
#[derive(Debug)]
pub enum OffsetRequired {}

impl Zone for OffsetRequired {
    const OFFSET: Option<FixedOffset> = None;
    const NAME: &'static str = "no zone (an offset is required)";
}

/// An instant written as ISO 8601 text, as providers really send it.
///
/// Stricter parsers reject what these providers really send; this one accepts
/// `2021-09-30T17:05:01+05:30`, `2024-06-28T13:26:06.909140Z`, `2025-03-06T08:27:55.881Z`,
/// the seconds-less `2025-03-21T08:29Z` and a space instead of the `T`. An offset that is
/// present is applied. Text without an offset (`2021-08-18T07:13:41`, `2024-10-14 15:04:05`)
/// is read in the zone `Z`, the one the provider documents; with the default
/// [`OffsetRequired`] it is an error. The offset is kept (so a value is written back as
/// RFC 3339 with that offset and whole seconds: `08:29Z` becomes `08:29:00Z`, and
/// `2021-08-18T07:13:41` read in India time becomes `2021-08-18T07:13:41+05:30`, the same
/// instant) and [`Timestamp::to_utc`] gives the instant.
pub struct Timestamp<Z = OffsetRequired> {
    at: DateTime<FixedOffset>,
    zone: PhantomData<fn() -> Z>,
}

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not an ISO 8601 timestamp {expected}")]
pub struct TimestampError {
    value: String,
    expected: String,
}

impl TimestampError {
    fn new<Z: Zone>(value: &str) -> Self {
        let expected = match Z::OFFSET {
            None => "with an offset (like 2021-09-30T17:05:01+05:30)".to_owned(),
            Some(_) => {
                format!("(like 2021-09-30T17:05:01+05:30, or 2021-09-30T17:05:01 in {}, the provider's zone)", Z::NAME)
            }
        };
        Self { value: value.to_owned(), expected }
    }
}

/// With an offset (after `Z` became `+00:00` and a space the `T`).
const FORMATS: &[&str] =
    &["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"];
/// Without an offset (after a space became the `T`).
const NAIVE_FORMATS: &[&str] = &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"];

impl<Z> Timestamp<Z> {
    /// Wraps an instant with its offset.
    pub const fn new(value: DateTime<FixedOffset>) -> Self {
        Self { at: value, zone: PhantomData }
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.at.with_timezone(&Utc)
    }

    /// The instant with the offset it was sent with (or the zone's, when it was sent
    /// without one).
    pub const fn as_fixed_offset(&self) -> DateTime<FixedOffset> {
        self.at
    }

    /// The same instant, read in another zone from now on.
    pub const fn with_zone<Y>(self) -> Timestamp<Y> {
        Timestamp::new(self.at)
    }
}

impl<Z: Zone> Timestamp<Z> {
    /// Reads ISO 8601 text: an offset that is present is applied, text without one is read
    /// in `Z` (or refused when `Z` is [`OffsetRequired`]).
    ///
    /// # Errors
    /// [`TimestampError`], naming the text, when it is not such a timestamp.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let trimmed = text.trim();
        if let Ok(parsed) = DateTime::parse_from_rfc3339(trimmed) {
            return Ok(Self::new(parsed));
        }
        // A space is accepted in place of the `T` (RFC 3339 allows it).
        let normalised = trimmed.replacen(' ', "T", 1);
        // `Z` is not an offset `%z` accepts; it is the same instant as `+00:00`.
        let with_offset = match normalised.strip_suffix(['Z', 'z']) {
            Some(rest) => format!("{rest}+00:00"),
            None => normalised.clone(),
        };
        if let Some(parsed) = FORMATS.iter().find_map(|format| DateTime::parse_from_str(&with_offset, format).ok()) {
            return Ok(Self::new(parsed));
        }
        Z::OFFSET
            .and_then(|offset| naive_in(&normalised, offset))
            .map(Self::new)
            .ok_or_else(|| TimestampError::new::<Z>(text))
    }
}

fn naive_in(text: &str, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    NAIVE_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .and_then(|naive| naive.and_local_timezone(offset).single())
}

impl<Z> Clone for Timestamp<Z> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Z> Copy for Timestamp<Z> {}

/// Equal when the instants are equal, whatever the offsets they were written with.
impl<Z> PartialEq for Timestamp<Z> {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl<Z> Eq for Timestamp<Z> {}

impl<Z> Hash for Timestamp<Z> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.at.hash(state);
    }
}

impl<Z> PartialOrd for Timestamp<Z> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<Z> Ord for Timestamp<Z> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.at.cmp(&other.at)
    }
}

impl<Z> From<DateTime<Utc>> for Timestamp<Z> {
    fn from(value: DateTime<Utc>) -> Self {
        Self::new(value.fixed_offset())
    }
}

impl<Z> From<DateTime<FixedOffset>> for Timestamp<Z> {
    fn from(value: DateTime<FixedOffset>) -> Self {
        Self::new(value)
    }
}

impl<Z> From<Timestamp<Z>> for DateTime<Utc> {
    fn from(value: Timestamp<Z>) -> Self {
        value.to_utc()
    }
}

impl<Z: Zone> FromStr for Timestamp<Z> {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<Z> fmt::Display for Timestamp<Z> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl<Z> fmt::Debug for Timestamp<Z> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl<Z> Serialize for Timestamp<Z> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, Z: Zone> Deserialize<'de> for Timestamp<Z> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Reads a timestamp that carries no offset, in a zone the caller names: `2021-08-18T07:13:41`,
/// `2024-10-14 15:04:05`, with or without a fraction, or without seconds.
///
/// For a zone known only at run time; a provider's own fields use `Timestamp<ItsZone>`
/// ([`Timestamp::with_zone`] turns the result into one).
///
/// # Errors
/// [`TimestampError`] when the text is not such a timestamp.
pub fn parse_naive_in(text: &str, offset: FixedOffset) -> Result<Timestamp, TimestampError> {
    naive_in(&text.trim().replacen(' ', "T", 1), offset).map(Timestamp::new).ok_or_else(|| TimestampError {
        value: text.to_owned(),
        expected: "without an offset (like 2021-08-18T07:13:41)".to_owned(),
    })
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

    /// A zone as a provider crate declares one (core itself names none).
    enum PlusFiveThirty {}
    impl Zone for PlusFiveThirty {
        const OFFSET: Option<FixedOffset> = FixedOffset::east_opt(5 * 3600 + 1800);
        const NAME: &'static str = "a +05:30 test zone";
    }

    fn zoned(text: &str) -> Result<String, String> {
        serde_json::from_value::<Timestamp<PlusFiveThirty>>(serde_json::Value::String(text.into()))
            .map(|ts| ts.to_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn text_without_an_offset_is_read_in_the_zone_in_every_form() {
        assert_eq!(zoned("2021-08-18T07:13:41").unwrap(), "2021-08-18T01:43:41Z");
        assert_eq!(zoned("2024-10-14 15:04:05").unwrap(), "2024-10-14T09:34:05Z");
        assert_eq!(zoned("2021-08-18T07:13:41.5").unwrap(), "2021-08-18T01:43:41.500Z");
        assert_eq!(zoned("2024-10-14 15:04:05.909140").unwrap(), "2024-10-14T09:34:05.909140Z");
        assert_eq!(zoned("2025-03-21T08:29").unwrap(), "2025-03-21T02:59:00Z");
    }

    #[test]
    fn an_offset_that_is_present_wins_over_the_zone() {
        assert_eq!(zoned("2021-08-18T07:13:41Z").unwrap(), "2021-08-18T07:13:41Z");
        assert_eq!(zoned("2024-10-14 15:04:05Z").unwrap(), "2024-10-14T15:04:05Z");
        assert_eq!(zoned("2024-10-14T15:04:05-04:00").unwrap(), "2024-10-14T19:04:05Z");
        // The space form with an offset is read by the default zone too.
        assert_eq!(utc("2024-10-14 15:04:05+05:30"), "2024-10-14T09:34:05Z");
    }

    #[test]
    fn a_zoned_error_names_the_text_and_the_zone() {
        let err = zoned("2021-13-18T07:13:41").unwrap_err();
        assert!(err.contains("2021-13-18T07:13:41") && err.contains("a +05:30 test zone"), "{err}");
        assert!(zoned("").is_err());
    }

    #[test]
    fn a_zoned_value_is_written_back_with_the_zone_offset() {
        let ts: Timestamp<PlusFiveThirty> = "2021-08-18T07:13:41".parse().unwrap();
        assert_eq!(serde_json::to_string(&ts).unwrap(), "\"2021-08-18T07:13:41+05:30\"");
        assert_eq!(format!("{ts:?}"), "Timestamp(2021-08-18T07:13:41+05:30)");
        let strict: Timestamp = ts.with_zone();
        assert_eq!(strict, "2021-08-18T01:43:41Z".parse().unwrap(), "the same instant");
    }

    #[test]
    fn naive_text_in_a_named_zone() {
        let ist = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        let ts = parse_naive_in("2021-08-18T07:13:41", ist).unwrap();
        assert_eq!(ts.to_string(), "2021-08-18T07:13:41+05:30");
        assert_eq!(parse_naive_in("2024-10-14 15:04:05", ist).unwrap().to_string(), "2024-10-14T15:04:05+05:30");
        assert!(parse_naive_in("2021-08-18T07:13:41+05:30", ist).is_err(), "only offset-less text");
    }
}
