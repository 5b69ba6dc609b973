//! Test helpers shared by the paylinks crates.
//!
//! - [`spec_examples`]: every `example`/`examples` of a spec's request bodies and responses.
//! - [`conformance_files`]: the real provider bodies in `tests/fixtures/<dir>` (their sources:
//!   `tests/fixtures/SOURCES.md`).
//! - [`decode`]: decodes JSON into a type, naming the JSON path of the first mismatch.
//! - [`decode_as`], [`decode_value_as`]: the same, the error also naming what was decoded and
//!   into which type.
//! - [`spec`]: the walk over a spec's operations, JSON bodies and examples (the
//!   `paylinks-openapi` crate, which `cargo xtask lint` uses too).
//! - [`schema`]: OpenAPI schemas as JSON Schema, to check examples and sandbox responses.
//! - [`tables`]: the walks of the spec-example and conformance tables (every item has a row,
//!   every row an item).
//! - [`fuzz`]: proptest seeds from the fixtures and spec examples, JSON-aware and raw-byte
//!   mutations, the case count from `PAYLINKS_FUZZ_CASES`.
//! - `mock` (with the `mock` feature): wiremock helpers for the request tests (answer every
//!   request, read headers, body checks).

pub mod fuzz;
#[cfg(feature = "mock")]
pub mod mock;
pub mod schema;
pub mod tables;

pub use paylinks_openapi::spec;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

/// The workspace root (the folder holding `specs/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The conformance folder, `tests/fixtures` in the workspace: one folder of real provider
/// bodies per link API (`tests/fixtures/<api>/`), each file's source listed in
/// `tests/fixtures/SOURCES.md`.
pub fn conformance_dir() -> PathBuf {
    workspace_root().join("tests/fixtures")
}

/// Every `*.json` file of `tests/fixtures/<dir>`, sorted by name: (file name, raw bytes).
///
/// Panics when the folder is missing or empty: a test that silently ran over nothing would
/// prove nothing.
pub fn conformance_files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let folder = conformance_dir().join(dir);
    let entries = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("cannot read conformance folder {}: {e}", folder.display()));
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|entry| entry.expect("readable folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, bytes)
        })
        .collect();
    assert!(!files.is_empty(), "no conformance files in {}", folder.display());
    files.sort();
    files
}

/// One example of a spec.
#[derive(Debug, Clone)]
pub struct SpecExample {
    /// The operation's `operationId`.
    pub operation_id: String,
    /// `request` or `response <status>`.
    pub location: String,
    /// `example`, or the key of a named example in `examples`.
    pub name: String,
    /// The example value.
    pub value: Value,
}

impl SpecExample {
    /// A name usable as a snapshot name: `createLink-response-200-example`.
    pub fn snapshot_name(&self) -> String {
        format!("{}-{}-{}", self.operation_id, self.location.replace(' ', "-"), self.name)
    }
}

/// `specs/<provider>.yaml` as a JSON value.
pub fn spec_document(provider: &str) -> Value {
    let path = workspace_root().join("specs").join(format!("{provider}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every example of `specs/<provider>.yaml`, in document order.
pub fn spec_examples(provider: &str) -> Vec<SpecExample> {
    let doc = spec_document(provider);
    let mut examples = Vec::new();
    for (_, op) in spec::operations(&doc) {
        let operation_id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
        for (location, media) in spec::json_media(&doc, op) {
            for (name, value) in spec::media_examples(media) {
                examples.push(SpecExample {
                    operation_id: operation_id.to_owned(),
                    location: location.clone(),
                    name: name.unwrap_or("example").to_owned(),
                    value: value.clone(),
                });
            }
        }
    }
    examples
}

/// Decodes JSON into `T`; the error names the JSON path of the first mismatch
/// (`link_meta.upi_intent: invalid type ...`).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

/// Decodes a JSON value into `T`, like [`decode`].
pub fn decode_value<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

/// Decodes `bytes` into `T` like [`decode`]; the error names `what` was decoded and the type:
/// `docs_entity_upi.json: does not decode into ...::PaymentLink: upi_link: invalid type ...`.
pub fn decode_as<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T, String> {
    decode(bytes).map_err(|e| format!("{what}: does not decode into {}: {e}", std::any::type_name::<T>()))
}

/// Decodes a JSON value into `T` like [`decode_value`]; the error names `what` was decoded
/// and the type, like [`decode_as`].
pub fn decode_value_as<T: DeserializeOwned>(what: &str, value: &Value) -> Result<T, String> {
    decode_value(value).map_err(|e| format!("{what}: does not decode into {}: {e}", std::any::type_name::<T>()))
}
