//! The table walks of the spec-example and conformance tests: every example or file must have
//! a row naming the generated type it decodes into, and every row an example or file.
//!
//! The tables themselves, and what each body is checked for (decoding into a generated type,
//! the snapshot, the provider's documented values), stay in each crate's tests: these walks
//! only pair items with rows and collect what failed.

use crate::{SpecExample, conformance_files};

/// Which generated type each example of a spec decodes into: `B` is the test's enum of
/// those types.
#[derive(Debug, Clone, Copy)]
pub struct ExampleTable<'a, B> {
    /// (operationId, location, body): the body of an operation's `request` or
    /// `response <status>` examples.
    pub rows: &'a [(&'a str, &'a str, B)],
    /// (statuses, body): the body of an error example at one of these statuses, on an
    /// operation the rows name. `None`: every example needs its own row.
    pub errors: Option<(&'a [&'a str], B)>,
}

impl<'a, B: Copy> ExampleTable<'a, B> {
    /// The body `example` decodes into, or `None` when the table does not say.
    pub fn body_of(&self, example: &SpecExample) -> Option<B> {
        if let Some((_, _, body)) =
            self.rows.iter().find(|(op, location, _)| *op == example.operation_id && *location == example.location)
        {
            return Some(*body);
        }
        let (statuses, error) = self.errors?;
        let status = example.location.strip_prefix("response ")?;
        let known_operation = self.rows.iter().any(|(op, _, _)| *op == example.operation_id);
        (known_operation && statuses.contains(&status)).then_some(error)
    }

    /// Runs `check` on every example with the body the table gives it. Returns what failed:
    /// the errors `check` returned, and every example the table gives no body.
    pub fn check_each<'e>(
        &self,
        examples: &'e [SpecExample],
        mut check: impl FnMut(&'e SpecExample, B) -> Result<(), String>,
    ) -> Vec<String> {
        let mut failures = Vec::new();
        for example in examples {
            let result = match self.body_of(example) {
                Some(body) => check(example, body),
                None => Err(format!(
                    "{}: no generated type is listed for operation `{}` at `{}`; add it to TABLE",
                    example.snapshot_name(),
                    example.operation_id,
                    example.location
                )),
            };
            if let Err(e) = result {
                failures.push(e);
            }
        }
        failures
    }

    /// The (operationId, location) rows no example exercises.
    pub fn rows_without_example(&self, examples: &[SpecExample]) -> Vec<(&'a str, &'a str)> {
        self.rows
            .iter()
            .filter(|(op, location, _)| !examples.iter().any(|e| e.operation_id == *op && e.location == *location))
            .map(|(op, location, _)| (*op, *location))
            .collect()
    }
}

/// Runs `check` on every file of `tests/fixtures/<dir>` (file name, bytes) with the body its row
/// in `rows` (file name, body) names. Returns what failed: the errors `check` returned, every
/// file no row names, and every row whose file is gone.
pub fn check_conformance<B: Copy>(
    dir: &str,
    rows: &[(&str, B)],
    mut check: impl FnMut(&str, &[u8], B) -> Result<(), String>,
) -> Vec<String> {
    let files = conformance_files(dir);
    let mut failures = Vec::new();
    for (file, bytes) in &files {
        match rows.iter().find(|(name, _)| name == file) {
            Some((_, body)) => {
                if let Err(e) = check(file, bytes, *body) {
                    failures.push(e);
                }
            }
            None => failures.push(format!("{dir}/{file}: not in TABLE; say which generated type it is")),
        }
    }
    for (name, _) in rows {
        if !files.iter().any(|(file, _)| file == name) {
            failures.push(format!("{name}: listed in TABLE but missing from tests/fixtures/{dir}"));
        }
    }
    failures
}
