//! Fuzzing helpers (proptest, stable Rust): seeds from the conformance bodies and spec
//! examples, and JSON-aware plus raw-byte mutations of them.
//!
//! Every fuzz test reads its number of cases from `PAYLINKS_FUZZ_CASES` ([`config`]); CI runs
//! the small default, a developer runs a long campaign with a large number (README `## Tests`).
//! Inputs stay small (a seed plus at most [`MAX_MUTATIONS`] changes of bounded size), so no
//! case can hang on its input's size.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// At most this many JSON changes and this many byte changes per case.
pub const MAX_MUTATIONS: usize = 6;

/// Cases per property: `PAYLINKS_FUZZ_CASES`, else `default`; no regression files are
/// written (what fuzzing finds becomes a named regression test).
pub fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PAYLINKS_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Seeds: every JSON body of `tests/fixtures/<dir>` for each of `fixture_dirs`, and every
/// example of each of `specs` (`specs/<name>.yaml`) whose operation `operation` accepts;
/// for a collection (`items`, `payment_links`), each of its members too.
pub fn seeds(fixture_dirs: &[&str], specs: &[&str], operation: impl Fn(&str) -> bool) -> Vec<Value> {
    let mut seeds = Vec::new();
    for dir in fixture_dirs {
        // A body that is not strict JSON (an SDK's fixture with a trailing comma) is no seed.
        let bodies = crate::conformance_files(dir).into_iter().map(|(_, bytes)| serde_json::from_slice(&bytes));
        seeds.extend(bodies.filter_map(Result::ok));
    }
    for spec in specs {
        for example in crate::spec_examples(spec) {
            if operation(&example.operation_id) {
                seeds.push(example.value);
            }
        }
    }
    let members: Vec<Value> = seeds
        .iter()
        .filter_map(|seed| seed.get("items").or_else(|| seed.get("payment_links")))
        .filter_map(Value::as_array)
        .flatten()
        .cloned()
        .collect();
    seeds.extend(members);
    assert!(!seeds.is_empty(), "no seeds for {fixture_dirs:?} {specs:?}");
    seeds
}

/// One JSON change at the member or element a selector picks.
#[derive(Debug, Clone)]
pub enum Change {
    /// Drop it.
    Drop,
    /// Replace it with `null`.
    Null,
    /// Replace it with another value (another type, a number at an edge, odd text).
    Replace(Value),
    /// Put a copy of it in its parent under another name (an object) or after it (an array).
    Duplicate,
}

/// Numbers at the edges: zero, negatives, the integer limits, huge and tiny doubles,
/// fractions a currency cannot hold.
fn edge_number() -> impl Strategy<Value = Value> {
    let numbers: Vec<Value> = vec![
        0.into(),
        (-1).into(),
        1.into(),
        i64::MAX.into(),
        i64::MIN.into(),
        u64::MAX.into(),
        Number::from_f64(-0.0).map_or(Value::Null, Value::Number),
        Number::from_f64(0.001).map_or(Value::Null, Value::Number),
        Number::from_f64(10.125).map_or(Value::Null, Value::Number),
        Number::from_f64(1e308).map_or(Value::Null, Value::Number),
        Number::from_f64(-1e-300).map_or(Value::Null, Value::Number),
        Number::from_f64(9_007_199_254_740_993.0).map_or(Value::Null, Value::Number),
    ];
    prop_oneof![
        proptest::sample::select(numbers),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from)
    ]
}

/// Text at the edges: empty, blank, control and bidi characters, emoji, combining marks,
/// numbers and dates as text, a few hundred characters.
fn edge_text() -> impl Strategy<Value = Value> {
    let texts: Vec<&'static str> = vec![
        "",
        " ",
        "\u{0}",
        "\u{202e}INR",
        "₹100",
        "💸",
        "e\u{301}",
        "\u{feff}100",
        "-1",
        "1e999",
        "NaN",
        "0x10",
        "2024-02-30T25:61:61Z",
        "inr",
        "XXX",
        "JPY",
        "KWD",
    ];
    prop_oneof![
        proptest::sample::select(texts).prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        "[a-z_]{1,300}".prop_map(Value::from),
    ]
}

/// Any small value: every JSON type.
fn other_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        edge_number(),
        edge_text(),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(Map::new())),
        edge_number().prop_map(|n| Value::Array(vec![n])),
        edge_text().prop_map(|t| serde_json::json!({ "value": t })),
    ]
}

/// A change of one member or element.
pub fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        2 => Just(Change::Drop),
        2 => Just(Change::Null),
        5 => other_value().prop_map(Change::Replace),
        1 => Just(Change::Duplicate),
    ]
}

/// A mutated seed as request or response bytes: pick a seed, apply up to
/// [`MAX_MUTATIONS`] JSON changes at members the selectors pick, serialise (one case in
/// seven with a member sent twice), then (one case in four) flip, insert or delete up to
/// [`MAX_MUTATIONS`] raw bytes.
pub fn mutated(seeds: Vec<Value>) -> impl Strategy<Value = Vec<u8>> {
    let count = seeds.len();
    (
        0..count,
        proptest::collection::vec((any::<u64>(), change()), 0..=MAX_MUTATIONS),
        proptest::option::weighted(0.15, (any::<u64>(), other_value())),
        proptest::option::weighted(
            0.25,
            proptest::collection::vec((any::<u64>(), 0u8..3, any::<u8>()), 1..=MAX_MUTATIONS),
        ),
    )
        .prop_map(move |(seed, changes, duplicate, bytes)| {
            let mut value = seeds[seed].clone();
            for (selector, change) in changes {
                apply(&mut value, selector, &change);
            }
            let mut out = serde_json::to_vec(&value).unwrap_or_default();
            // A member sent twice, the first time with another value: `{"amount": -1, ..., "amount": 100}`.
            if let (Some((selector, first)), Value::Object(map)) = (duplicate, &value)
                && !map.is_empty()
            {
                let key = map.keys().nth(usize::try_from(selector % map.len() as u64).unwrap_or(0)).cloned();
                let member =
                    serde_json::to_vec(&serde_json::json!({ key.unwrap_or_default(): first })).unwrap_or_default();
                let mut doubled = member[..member.len() - 1].to_vec();
                doubled.push(b',');
                doubled.extend_from_slice(&out[1..]);
                out = doubled;
            }
            for (at, op, byte) in bytes.unwrap_or_default() {
                let at = usize::try_from(at % (out.len() as u64 + 1)).unwrap_or(0);
                match op {
                    0 if at < out.len() => out[at] ^= byte | 1,
                    1 => out.insert(at, byte),
                    _ if at < out.len() => {
                        out.remove(at);
                    }
                    _ => out.push(byte),
                }
            }
            out
        })
}

/// The JSON pointers of every member and element of `value`, in document order.
fn pointers(value: &Value, here: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                let pointer = format!("{here}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(pointer.clone());
                pointers(member, &pointer, out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let pointer = format!("{here}/{index}");
                out.push(pointer.clone());
                pointers(item, &pointer, out);
            }
        }
        _ => {}
    }
}

/// Applies `change` to the member `selector` picks (the whole value when it has none).
pub fn apply(value: &mut Value, selector: u64, change: &Change) {
    let mut all = Vec::new();
    pointers(value, "", &mut all);
    if all.is_empty() {
        if let Change::Replace(other) = change {
            *value = other.clone();
        }
        return;
    }
    let pointer = &all[usize::try_from(selector % all.len() as u64).unwrap_or(0)];
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    let key = last.replace("~1", "/").replace("~0", "~");
    let Some(container) = value.pointer_mut(parent) else { return };
    match (container, change) {
        (Value::Object(map), Change::Drop) => {
            map.remove(&key);
        }
        (Value::Array(items), Change::Drop) => {
            if let Ok(index) = key.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        (Value::Object(map), Change::Duplicate) => {
            if let Some(copy) = map.get(&key).cloned() {
                map.insert(format!("{key}_"), copy);
            }
        }
        (Value::Array(items), Change::Duplicate) => {
            if let Some(copy) = key.parse::<usize>().ok().and_then(|i| items.get(i)).cloned() {
                items.push(copy);
            }
        }
        (container, Change::Null | Change::Replace(_)) => {
            let new = match change {
                Change::Replace(other) => other.clone(),
                _ => Value::Null,
            };
            if let Some(slot) = container.pointer_mut(&format!("/{last}")) {
                *slot = new;
            }
        }
        _ => {}
    }
}
