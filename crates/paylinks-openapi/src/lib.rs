//! Walking an OpenAPI 3.0 spec document held as a JSON value (`serde_yaml` reads the YAML into
//! one): its operations, their JSON request and response bodies, their examples, `$ref`
//! resolution ([`spec`]), and its schemas read as JSON Schema to validate bodies ([`schema`]).
//!
//! One walk serves `cargo xtask lint` and the test kit (spec examples, response checks); this
//! crate sits below both so that the build tool does not depend on the test kit. It names no
//! provider and reads no file.

pub mod schema;
pub mod spec;
