//! `cargo xtask generate`: spec → progenitor → prettyplease → `crates/paylinks-<p>/src/generated.rs`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use progenitor::{CrateVers, GenerationSettings, Generator, InterfaceStyle, TagStyle};

use crate::spec::Provider;

/// The version the specs' `x-rust-type` extensions name, of paylinks-core and of the provider
/// crate itself (its per-provider types such as `paylinks_cashfree::Timestamp`; the crates
/// share the workspace version).
const CORE_VERSION: &str = "0.1.0";
/// How many diff lines `--check` prints per file.
const DIFF_LINES: usize = 80;

pub fn run(providers: &[Provider], check: bool) -> bool {
    let mut ok = true;
    for provider in providers {
        let code = match generate(provider) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {e}");
                ok = false;
                continue;
            }
        };
        let path = provider.generated_path();
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        let shown = path.strip_prefix(crate::spec::root()).unwrap_or(&path).display().to_string();
        if current == code {
            println!("{shown}: up to date");
        } else if check {
            ok = false;
            eprintln!("{shown} is stale: {} changed and `cargo xtask generate` was not run.", provider.spec_display());
            eprintln!("What regenerating it changes for a user of paylinks-{}:", provider.name);
            eprintln!("{}", surface_report(provider, &current, &code));
            print_diff(&current, &code);
        } else if let Err(e) = std::fs::write(&path, &code) {
            eprintln!("error: {shown}: {e}");
            ok = false;
        } else {
            println!("{shown}: written");
            println!("{}", surface_report(provider, &current, &code));
        }
    }
    ok
}

fn settings(provider: &Provider) -> Result<GenerationSettings, String> {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_map_type("::std::collections::BTreeMap")
        .with_derive("PartialEq")
        .with_crate("paylinks-core", CrateVers::Version(CORE_VERSION.parse().map_err(|e| format!("{e}"))?), None)
        .with_crate(
            format!("paylinks-{}", provider.name),
            CrateVers::Version(CORE_VERSION.parse().map_err(|e| format!("{e}"))?),
            None,
        );
    if let Some(inner) = provider.inner_type {
        let tokens: proc_macro2::TokenStream = inner.parse().map_err(|e| format!("{inner}: {e}"))?;
        settings.with_inner_type(tokens);
    }
    Ok(settings)
}

/// The API-surface report (`crate::surface`) of replacing `old` with `new`, or why there is
/// none (a checked-in file that is not Rust); the file is written all the same.
/// A panic of the printer (prettyplease asserts on malformed paths) loses the report only.
fn surface_report(provider: &Provider, old: &str, new: &str) -> String {
    match catch_unwind(|| crate::surface::Report::compare(provider.name, old, new)) {
        Ok(Ok(report)) => report.to_string(),
        Ok(Err(e)) => format!("{}: no API-surface report: {e}", provider.name),
        Err(_) => format!("{}: no API-surface report: the report panicked (message above)", provider.name),
    }
}

/// The generated file for one provider, banner included.
pub fn generate(provider: &Provider) -> Result<String, String> {
    generate_from(provider, &provider.load()?.api)
}

/// The generated file for one provider from a parsed spec (the tests' own specs too).
pub fn generate_from(provider: &Provider, spec: &openapiv3::OpenAPI) -> Result<String, String> {
    let settings = settings(provider)?;
    // progenitor panics on some spec shapes (two error schemas, a `default` response that
    // differs from the success one); report those as errors that name the spec.
    let tokens = catch_unwind(AssertUnwindSafe(|| Generator::new(&settings).generate_tokens(spec)))
        .map_err(|panic| {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("{}: progenitor panicked: {why}", provider.spec_display())
        })?
        .map_err(|e| format!("{}: progenitor: {e}", provider.spec_display()))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("{}: generated code does not parse: {e}", provider.spec_display()))?;
    drop_panicking_constructor(&mut file);
    let (table, ids) = operations_table(spec)?;
    file.items.push(table);
    let code = prettyplease::unparse(&file);
    // Every `OperationInfo` progenitor wrote must find its row (same snake case as progenitor).
    for (id, spec_id) in &ids {
        if !code.contains(&format!("operation_id: \"{id}\"")) {
            return Err(format!(
                "{}: no generated call has operation_id `{id}` (from `{spec_id}`)",
                provider.spec_display()
            ));
        }
    }
    Ok(format!(
        "// @generated by `cargo xtask generate` from {} with progenitor 0.15.1.\n\
         // Do not edit by hand: change the spec, run `cargo xtask generate`, review the diff.\n\n{code}",
        provider.spec_display(),
    ))
}

/// Removes progenitor's `Client::new(baseurl)`: it builds its own reqwest client with
/// `.unwrap()` (a panic on a TLS set-up failure, and with reqwest's `rustls-no-provider`
/// always) and progenitor's fixed 15 s timeouts. The crates build clients with
/// `Client::builder(credentials)`, or `Client::new_with_client` for a caller's own reqwest
/// client.
fn drop_panicking_constructor(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;

    struct DropNew;
    impl VisitMut for DropNew {
        fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
            let is_client = matches!(&*item.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
            if is_client && item.trait_.is_none() {
                item.items.retain(|member| !matches!(member, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
            }
            syn::visit_mut::visit_item_impl_mut(self, item);
        }
    }
    DropNew.visit_file_mut(file);
}

/// `OPERATIONS`: every operation's id (as progenitor's `OperationInfo` carries it: the
/// `operationId` in snake case), the spec's `operationId`, the method and the path template,
/// in the spec's order. progenitor's `OperationInfo` (what the client hooks get) has only the
/// id; the HTTP span of `paylinks_core::http::execute` reads the rest from here. Also returns
/// the (id, operationId) pairs, to check them against the generated calls.
fn operations_table(spec: &openapiv3::OpenAPI) -> Result<(syn::Item, Vec<(String, String)>), String> {
    use heck::ToSnakeCase;

    let mut rows = String::new();
    let mut ids = Vec::new();
    for (path, method, operation) in spec.operations() {
        let spec_id = operation.operation_id.as_deref().ok_or_else(|| format!("{method} {path} has no operationId"))?;
        let id = spec_id.to_snake_case();
        let method = method.to_ascii_uppercase();
        // `{:?}` of a str is a valid Rust string literal.
        rows.push_str(&format!(
            "::paylinks_core::trace::Operation {{ id: {id:?}, operation_id: {spec_id:?}, method: {method:?}, \
             url_template: {path:?} }},"
        ));
        ids.push((id, spec_id.to_owned()));
    }
    let table = syn::parse_str(&format!(
        "/// Every operation of this client: progenitor's id, the spec's `operationId`, the HTTP\n\
         /// method and the spec's path template, for the HTTP spans.\n\
         pub(crate) const OPERATIONS: &[::paylinks_core::trace::Operation] = &[{rows}];"
    ))
    .map_err(|e| format!("the table of operations does not parse: {e}"))?;
    Ok((table, ids))
}

fn print_diff(old: &str, new: &str) {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff.unified_diff().context_radius(2).header("checked in", "generated from the spec").to_string();
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(DIFF_LINES) {
        eprintln!("{line}");
    }
    if lines.len() > DIFF_LINES {
        eprintln!(
            "... {} more diff lines; run `cargo xtask generate` and `git diff` to see them all",
            lines.len() - DIFF_LINES
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = r##"
openapi: 3.0.3
info: {title: Acme links, version: "1"}
paths:
  /links/{id}:
    get:
      operationId: fetchLink
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The link.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Link"}
components:
  schemas:
    Link:
      type: object
      required: [id, amount]
      properties:
        id: {type: string}
        amount: {type: integer, format: int64}
        upi_intent: {type: boolean}
"##;

    fn generated(yaml: &str) -> String {
        let spec: openapiv3::OpenAPI = serde_yaml::from_str(yaml).unwrap();
        generate_from(&Provider { name: "acme", inner_type: None }, &spec).unwrap()
    }

    /// A small spec change through the real generator: a field's type changed, a field made
    /// optional, one added; the report names each in the type and in its builder.
    #[test]
    fn a_spec_change_is_reported_as_what_it_does_to_the_generated_api() {
        let after = BEFORE.replace("required: [id, amount]", "required: [id]").replace(
            "upi_intent: {type: boolean}",
            "upi_intent: {type: string}\n        enable_invoice: {type: boolean}",
        );
        let (old, new) = (generated(BEFORE), generated(&after));
        let report = crate::surface::Report::compare("acme", &old, &new).unwrap().to_string();
        assert_eq!(
            report,
            "  ~ types::Link.amount: i64 → Option<i64>\n\
             \x20 + types::Link.enable_invoice: Option<bool>\n\
             \x20 ~ types::Link.upi_intent: Option<bool> → Option<String>\n\
             \x20 ~ types::builder::Link::amount()\n\
             \x20     was: fn amount<T>(self, value: T) -> Self where T: TryInto<i64>, T::Error: Display\n\
             \x20     now: fn amount<T>(self, value: T) -> Self where T: TryInto<Option<i64>>, T::Error: Display\n\
             \x20 + fn types::builder::Link::enable_invoice<T>(self, value: T) -> Self where T: TryInto<Option<bool>>, \
             T::Error: Display\n\
             \x20 ~ types::builder::Link::upi_intent()\n\
             \x20     was: fn upi_intent<T>(self, value: T) -> Self where T: TryInto<Option<bool>>, T::Error: Display\n\
             \x20     now: fn upi_intent<T>(self, value: T) -> Self where T: TryInto<Option<String>>, T::Error: Display\n\
             acme: 2 added, 0 removed, 4 changed"
        );
        let same = crate::surface::Report::compare("acme", &old, &generated(BEFORE)).unwrap();
        assert_eq!(same.to_string(), "acme: no API change");
    }
}
