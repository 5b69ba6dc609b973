//! Fuzzing the timestamp and amount parsers with proptest (stable Rust, plain `cargo test`).
//!
//! Cases per property: `PAYLINKS_FUZZ_CASES` (default 256, what CI runs); a long campaign is
//! `PAYLINKS_FUZZ_CASES=100000 cargo test -p paylinks-core --test fuzz --release`.
//! Inputs are bounded (strings of at most 64 characters), so a case cannot hang.
//!
//! Properties: no input panics; a timestamp built from known parts parses to exactly the
//! instant chrono computes from those parts, in every spelling the parser accepts; any text
//! the parser accepts is written back (Display) as RFC 3339 that chrono reads as the same
//! instant; an amount written as text parses back to the same value, and minor units round
//! trip.

use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, TimeZone as _, Utc};
use paylinks_core::{Decimal, DecimalAmount, Timestamp, parse_naive_in};
use proptest::prelude::*;

/// Cases per property: `PAYLINKS_FUZZ_CASES`, default 256.
fn config() -> ProptestConfig {
    let cases = std::env::var("PAYLINKS_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// The parts of a wall-clock time with an offset, and how to spell it.
#[derive(Debug, Clone)]
struct Parts {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: Option<u32>,
    /// Fraction digits (1..=9) and their value.
    fraction: Option<(usize, u32)>,
    /// Offset in minutes east of UTC.
    offset_minutes: i32,
    /// `Z`/`z` for a zero offset, else `+hh:mm` or `+hhmm`.
    zulu: Option<char>,
    colon: bool,
    space: bool,
}

impl Parts {
    /// The wall-clock part, without the offset.
    fn local(&self) -> String {
        let mut text = format!(
            "{:04}-{:02}-{:02}{}{:02}:{:02}",
            self.year,
            self.month,
            self.day,
            if self.space { ' ' } else { 'T' },
            self.hour,
            self.minute
        );
        if let Some(second) = self.second {
            text.push_str(&format!(":{second:02}"));
            if let Some((digits, value)) = self.fraction {
                text.push_str(&format!(".{value:0digits$}"));
            }
        }
        text
    }

    fn text(&self) -> String {
        let mut text = self.local();
        match self.zulu {
            Some(z) if self.offset_minutes == 0 => text.push(z),
            _ => {
                let sign = if self.offset_minutes < 0 { '-' } else { '+' };
                let (h, m) = (self.offset_minutes.abs() / 60, self.offset_minutes.abs() % 60);
                text.push_str(&if self.colon { format!("{sign}{h:02}:{m:02}") } else { format!("{sign}{h:02}{m:02}") });
            }
        }
        text
    }

    fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.offset_minutes * 60).expect("a valid offset")
    }

    /// The instant, computed by chrono from the parts (not from the text).
    fn instant(&self) -> DateTime<Utc> {
        let nanos = self.fraction.map_or(0, |(digits, value)| value * 10u32.pow(9 - digits as u32));
        let naive = NaiveDate::from_ymd_opt(self.year, self.month, self.day)
            .and_then(|d| d.and_hms_nano_opt(self.hour, self.minute, self.second.unwrap_or(0), nanos))
            .expect("valid parts");
        self.offset().from_local_datetime(&naive).single().expect("a fixed offset is unambiguous").with_timezone(&Utc)
    }
}

fn parts() -> impl Strategy<Value = Parts> {
    let date = (1i32..=9999, 1u32..=12, 1u32..=28);
    let time = (0u32..24, 0u32..60, proptest::option::of(0u32..60));
    let fraction = proptest::option::of((1usize..=9).prop_flat_map(|d| (Just(d), 0u32..10u32.pow(d as u32))));
    let offset = prop_oneof![Just(0), Just(330), Just(-300), -(23 * 60 + 59)..=(23 * 60 + 59)];
    let spelling = (proptest::option::of(prop_oneof![Just('Z'), Just('z')]), any::<bool>(), any::<bool>());
    (date, time, fraction, offset, spelling).prop_map(
        |((year, month, day), (hour, minute, second), fraction, offset_minutes, (zulu, colon, space))| Parts {
            year,
            month,
            day,
            hour,
            minute,
            fraction: fraction.filter(|_| second.is_some()),
            second,
            offset_minutes,
            zulu,
            colon,
            space,
        },
    )
}

/// Text near a timestamp: digits, separators, signs, zones, odd unicode; at most 64 chars.
fn timestampish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9TtZz:+\\-. ]{0,40}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,12})?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?",
        ".{0,64}",
        parts().prop_map(|p| {
            let mut text = p.text();
            text.insert(text.len() / 2, '\u{0301}');
            text
        }),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_timestamp_is_the_instant_its_parts_name(parts in parts()) {
        let text = parts.text();
        let parsed: Timestamp = text.parse().map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(parsed.to_utc(), parts.instant(), "{}", text);
        // Written back as RFC 3339, chrono reads the same instant.
        let written = parsed.to_string();
        let reread = DateTime::parse_from_rfc3339(&written).map_err(|e| TestCaseError::fail(format!("{written}: {e}")))?;
        prop_assert_eq!(reread.with_timezone(&Utc), parts.instant());
    }

    #[test]
    fn any_text_parses_or_fails_cleanly_and_what_parses_round_trips(text in timestampish()) {
        if let Ok(parsed) = text.parse::<Timestamp>() {
            let written = parsed.to_string();
            let reread = DateTime::parse_from_rfc3339(&written)
                .map_err(|e| TestCaseError::fail(format!("{text:?} → {written}: {e}")))?;
            prop_assert_eq!(reread.with_timezone(&Utc), parsed.to_utc(), "{:?}", text);
            // Where chrono's own RFC 3339 parser reads the text too, it reads the same instant.
            if let Ok(direct) = DateTime::parse_from_rfc3339(text.trim()) {
                prop_assert_eq!(direct.with_timezone(&Utc), parsed.to_utc());
            }
            let json: Timestamp = serde_json::from_value(serde_json::Value::String(text.clone()))
                .map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
            prop_assert_eq!(json, parsed);
        }
    }

    #[test]
    fn a_naive_time_is_read_in_the_named_offset(parts in parts(), text in timestampish()) {
        let mut parts = parts;
        parts.second.get_or_insert(0);
        parts.space = false;
        let naive = parts.local();
        let read = parse_naive_in(&naive, parts.offset()).map_err(|e| TestCaseError::fail(format!("{naive}: {e}")))?;
        prop_assert_eq!(read.to_utc(), parts.instant(), "{}", naive);
        // Anything else: a clean error or a time, never a panic.
        let _ = parse_naive_in(&text, parts.offset());
    }

    #[test]
    fn an_amount_written_as_text_reads_back_the_same(mantissa in any::<i64>(), scale in 0u32..=18) {
        let amount = Decimal::new(mantissa, scale);
        let text = amount.to_string();
        let parsed = DecimalAmount::from_str(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(parsed.as_decimal(), amount);
        prop_assert_eq!(parsed.to_string(), text.clone());
        // As a JSON string too (webhooks send `"200.12"`).
        let json: DecimalAmount = serde_json::from_value(serde_json::Value::String(text.clone()))
            .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(json.as_decimal(), amount);
        // As a JSON number: exact when it fits a double's 15 digits, else refused, never rounded.
        match serde_json::to_value(parsed) {
            Ok(number) => {
                let back: DecimalAmount = serde_json::from_value(number.clone())
                    .map_err(|e| TestCaseError::fail(format!("{number}: {e}")))?;
                prop_assert_eq!(back.as_decimal(), amount, "{} → {}", text, number);
            }
            Err(_) => prop_assert!(amount.normalize().mantissa().unsigned_abs() >= 10u128.pow(15)),
        }
    }

    #[test]
    fn minor_units_round_trip(minor in any::<i64>(), exponent in 0u32..=4) {
        let amount = DecimalAmount::from_minor(minor, exponent).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(amount.to_minor(exponent), Ok(minor));
        // One more decimal than the currency allows is an error, never a rounded amount.
        if minor % 10 != 0 && exponent > 0 {
            prop_assert!(amount.to_minor(exponent - 1).is_err());
        }
    }

    #[test]
    fn any_amount_text_parses_or_fails_cleanly(
        text in prop_oneof!["[-+0-9.eE ]{0,40}", ".{0,64}", "[0-9]{20,40}(\\.[0-9]{0,30})?"],
        number in any::<f64>(),
    ) {
        if let Ok(parsed) = DecimalAmount::from_str(&text) {
            let again = DecimalAmount::from_str(&parsed.to_string())
                .map_err(|e| TestCaseError::fail(format!("{text:?} → {parsed}: {e}")))?;
            prop_assert_eq!(again, parsed);
            for exponent in 0..=3 {
                let _ = parsed.to_minor(exponent);
            }
        }
        // A JSON number at any edge (NaN and infinities cannot be JSON): exact or refused.
        if let Some(json) = serde_json::Number::from_f64(number)
            && let Ok(read) = serde_json::from_value::<DecimalAmount>(serde_json::Value::Number(json))
        {
            let as_f64: f64 = read.to_string().parse().map_err(|e| TestCaseError::fail(format!("{read}: {e}")))?;
            prop_assert_eq!(as_f64, number);
        }
    }
}

/// Found by `any_amount_text_parses_or_fails_cleanly`: a JSON number smaller than a decimal's
/// 28 places (`1.2596743720583029e-260`) was read as the amount 0. It is refused now, as is
/// every number a decimal cannot hold exactly.
#[test]
fn a_json_number_beyond_28_decimal_places_is_refused_not_rounded_to_zero() {
    for number in ["1.2596743720583029e-260", "1e-29", "-5e-300", "0.00000000000000000000000000001"] {
        let read = serde_json::from_str::<DecimalAmount>(number);
        assert!(read.is_err(), "{number} read as {read:?}");
    }
    for number in ["1e-20", "0.29", "1e20", "-0.0", "123456789012.345"] {
        let read: DecimalAmount = serde_json::from_str(number).unwrap();
        assert_eq!(read.to_string().parse::<f64>().unwrap(), number.parse::<f64>().unwrap(), "{number}");
    }
}

#[test]
fn edges_that_fuzzing_should_always_cover() {
    for text in
        ["", " ", "Z", "+05:30", "0000-00-00T00:00Z", "2024-02-30T00:00Z", "9999-12-31T23:59:59.999999999-23:59"]
    {
        let _ = text.parse::<Timestamp>();
    }
    assert_eq!(
        "2024-02-29 23:59:59.5+05:30"
            .parse::<Timestamp>()
            .unwrap()
            .to_utc()
            .to_rfc3339_opts(SecondsFormat::Millis, true),
        "2024-02-29T18:29:59.500Z"
    );
    for text in ["", "-", ".", "1e", "1e999", "79228162514264337593543950336", "-0", "0.0000000000000000000000000001"] {
        let _ = DecimalAmount::from_str(text).map(|a| a.to_minor(2));
    }
}
