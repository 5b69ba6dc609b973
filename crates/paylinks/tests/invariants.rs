//! Fuzz-style property test (issue 9 §3): every real body we have (`tests/fixtures/**`) and
//! every response example of the specs, mutated (numbers, nulls, strings, removed keys, the
//! amount fields above all), given to every link API. No panic, and every link that comes
//! out keeps the invariants: an amount above zero, an amount paid from zero to the amount.

use paylinks::{Decoded, PaymentLink, Provider, decode_body};
use paylinks_testkit::{conformance_files, spec_examples};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Every body: the fixtures of each link API's folder and the specs' response examples.
fn corpus() -> Vec<Value> {
    let mut bodies = Vec::new();
    for dir in ["cashfree", "razorpay", "razorpay_invoices", "pinelabs"] {
        for (_, bytes) in conformance_files(dir) {
            // A few fixtures are documented as not JSON; they have nothing to mutate.
            if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
                bodies.push(value);
            }
        }
    }
    for spec in ["cashfree", "razorpay", "pinelabs"] {
        bodies.extend(spec_examples(spec).into_iter().filter(|e| e.location.starts_with("response")).map(|e| e.value));
    }
    bodies
}

/// The keys a link's amounts are read from, in every API.
const AMOUNT_KEYS: &[&str] = &["amount", "amount_paid", "amount_due", "value", "link_amount", "link_amount_paid"];

/// A replacement value: numbers of every sign and size, and the wrong types.
fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (-1_000_i64..1_000).prop_map(Value::from),
        2 => any::<i64>().prop_map(Value::from),
        2 => (-1.0e6_f64..1.0e6).prop_map(|f| json!(f)),
        1 => Just(json!(0)),
        1 => Just(json!(-1)),
        1 => Just(json!(u64::MAX)),
        1 => Just(json!(1.0e300)),
        1 => (-1_000_i64..1_000).prop_map(|n| Value::from(n.to_string())),
        1 => Just(Value::Null),
        1 => Just(json!(true)),
        1 => Just(json!("")),
        1 => Just(json!([])),
        1 => Just(json!({})),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the `n`th node (any depth) with a value.
    Set(usize, Value),
    /// Replace the `n`th amount field found with a value.
    Amount(usize, Value),
    /// Remove the `n`th key found.
    Remove(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), replacement()).prop_map(|(n, v)| Mutation::Set(n, v)),
        4 => (any::<usize>(), replacement()).prop_map(|(n, v)| Mutation::Amount(n, v)),
        1 => any::<usize>().prop_map(Mutation::Remove),
    ]
}

/// Every node of `value` as a JSON pointer, the root first.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(path.clone());
                pointers(child, path, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let path = format!("{at}/{i}");
                out.push(path.clone());
                pointers(child, path, out);
            }
        }
        _ => {}
    }
}

fn apply(body: &mut Value, mutation: Mutation) {
    let mut all = Vec::new();
    pointers(body, String::new(), &mut all);
    let last_key = |p: &String| p.rsplit('/').next().unwrap_or("").to_owned();
    match mutation {
        Mutation::Set(n, v) if !all.is_empty() => {
            if let Some(node) = body.pointer_mut(&all[n % all.len()]) {
                *node = v;
            }
        }
        Mutation::Amount(n, v) => {
            let amounts: Vec<&String> = all.iter().filter(|p| AMOUNT_KEYS.contains(&last_key(p).as_str())).collect();
            if !amounts.is_empty()
                && let Some(node) = body.pointer_mut(amounts[n % amounts.len()])
            {
                *node = v;
            }
        }
        Mutation::Remove(n) if !all.is_empty() => {
            let path = &all[n % all.len()];
            let (parent, key) = path.rsplit_once('/').unwrap_or(("", path));
            if let Some(Value::Object(map)) = body.pointer_mut(parent) {
                map.remove(&key.replace("~1", "/").replace("~0", "~"));
            }
        }
        _ => {}
    }
}

fn check(link: &PaymentLink) -> Result<(), TestCaseError> {
    prop_assert!(link.amount.minor > 0, "{}: amount {} is not positive", link.provider, link.amount.minor);
    prop_assert!(link.amount_paid.minor >= 0, "{}: amount paid {} is negative", link.provider, link.amount_paid.minor);
    prop_assert!(
        link.amount_paid.minor <= link.amount.minor,
        "{}: paid {} above the amount {}",
        link.provider,
        link.amount_paid.minor,
        link.amount.minor
    );
    prop_assert_eq!(link.amount_paid.currency, link.amount.currency);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn mutated_bodies_never_panic_and_never_give_an_impossible_link(
        pick in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let corpus = corpus_once();
        let mut body = corpus[pick % corpus.len()].clone();
        for m in mutations {
            apply(&mut body, m);
        }
        let bytes = body.to_string().into_bytes();
        for provider in Provider::ALL {
            match decode_body(provider, &bytes) {
                Ok(Decoded::Link(link)) => check(&link)?,
                Ok(Decoded::Links(links)) => links.iter().try_for_each(check)?,
                Ok(_) => {}
                // Every error displays without panicking.
                Err(error) => prop_assert!(!error.to_string().is_empty()),
            }
        }
    }
}

/// The corpus, read once for all cases.
fn corpus_once() -> &'static [Value] {
    static CORPUS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(corpus)
}

#[test]
fn the_corpus_holds_links_of_every_api() {
    let corpus = corpus_once();
    for provider in Provider::ALL {
        let links = corpus
            .iter()
            .filter(|body| matches!(decode_body(provider, body.to_string().as_bytes()), Ok(Decoded::Link(_))))
            .count();
        assert!(links >= 2, "{provider}: only {links} link bodies to mutate");
    }
}
