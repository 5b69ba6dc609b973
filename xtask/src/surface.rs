//! The API-surface report of `cargo xtask generate`: what regenerating a provider's client
//! changes for a user of its crate, read with `syn` from the old and the new generated file.
//!
//! The surface is every public item a user can name: types (structs, enums, unions, type
//! aliases), their public fields and enum variants, public inherent methods and associated
//! constants (of the `Client`, the operation builders and the type builders), public free
//! functions and constants, and the traits each type implements, derived or written out
//! (removing `Default` from a struct breaks `..Default::default()` as surely as removing a
//! field). Each has a text that is compared: a field's type, a variant's payload, a method's
//! signature. Doc comments, `serde` attributes (wire names), private items and re-exports
//! (`pub use`) are not part of it: review them in the diff.
//!
//! Types this file defines are printed by their full path (`types::LinkStatus`, also where the
//! code says `super::LinkStatus` or `LinkStatus`), paths of the standard library by their last
//! segment (`Option<String>`, not `::std::option::Option<::std::string::String>`), other paths
//! without their leading `::` (`serde_json::Value`). The members of a type that is added or
//! removed as a whole are counted on its line, not listed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use syn::visit_mut::VisitMut;

/// What one entry of the surface is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    Type,
    Field,
    Variant,
    Method,
    Const,
    Impl,
    Function,
}

impl Category {
    fn plural(self, n: usize) -> String {
        let word = match self {
            Category::Type => "type",
            Category::Field => "field",
            Category::Variant => "variant",
            Category::Method => "method",
            Category::Const => "constant",
            Category::Impl => "trait impl",
            Category::Function => "function",
        };
        if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
    }
}

/// One entry: the type it belongs to (for members), the text compared between versions and
/// the line printed when it is added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    owner: Option<String>,
    text: String,
    line: String,
}

/// Every entry of one generated file, by (name, category); the name sorts members after their
/// type (`types::Link`, `types::Link.amount`, `types::Link::builder()`, `types::Link: impl ..`).
#[derive(Debug, Default)]
pub struct Surface {
    entries: BTreeMap<(String, Category), Entry>,
}

/// One change of the surface.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Change {
    /// An entry that exists only in the new file; `members` counts what it brings with it.
    Added {
        line: String,
        members: String,
    },
    Removed {
        line: String,
        members: String,
    },
    Changed {
        name: String,
        old: String,
        new: String,
    },
}

/// The report for one provider: its changes, sorted by name.
#[derive(Debug)]
pub struct Report {
    provider: String,
    changes: Vec<Change>,
}

impl Surface {
    /// The surface of a generated file (Rust source).
    pub fn of_source(source: &str) -> Result<Surface, String> {
        let file = syn::parse_file(source).map_err(|e| format!("not Rust: {e}"))?;
        Ok(Surface::of_file(&file))
    }

    pub fn of_file(file: &syn::File) -> Surface {
        let mut types = BTreeSet::new();
        collect_types(&file.items, &mut Vec::new(), &mut types);
        let mut surface = Surface::default();
        surface.walk(&file.items, &[], &types);
        surface
    }

    fn add(&mut self, name: String, category: Category, owner: Option<String>, text: String, line: String) {
        self.entries.insert((name, category), Entry { owner, text, line });
    }

    fn walk(&mut self, items: &[syn::Item], module: &[String], types: &BTreeSet<String>) {
        for item in items {
            let print = Printer { module, types };
            match item {
                syn::Item::Mod(m) if is_pub(&m.vis) => {
                    if let Some((_, inner)) = &m.content {
                        let inside = [module, &[m.ident.to_string()]].concat();
                        self.walk(inner, &inside, types);
                    }
                }
                syn::Item::Struct(s) if is_pub(&s.vis) => {
                    let path = join(module, &s.ident.to_string());
                    self.add(path.clone(), Category::Type, None, "struct".into(), format!("struct {path}"));
                    for (i, field) in s.fields.iter().enumerate() {
                        if is_pub(&field.vis) {
                            let name = field.ident.as_ref().map_or_else(|| i.to_string(), |id| id.to_string());
                            let ty = print.ty(&field.ty);
                            let line = format!("{path}.{name}: {ty}");
                            self.add(format!("{path}.{name}"), Category::Field, Some(path.clone()), ty, line);
                        }
                    }
                    self.derives(&path, &s.attrs, &print);
                }
                syn::Item::Enum(e) if is_pub(&e.vis) => {
                    let path = join(module, &e.ident.to_string());
                    self.add(path.clone(), Category::Type, None, "enum".into(), format!("enum {path}"));
                    for variant in &e.variants {
                        let name = format!("{path}::{}", variant.ident);
                        let payload = print.fields(&variant.fields);
                        let line = format!("{name}{payload}");
                        self.add(name, Category::Variant, Some(path.clone()), payload, line);
                    }
                    self.derives(&path, &e.attrs, &print);
                }
                syn::Item::Union(u) if is_pub(&u.vis) => {
                    let path = join(module, &u.ident.to_string());
                    self.add(path.clone(), Category::Type, None, "union".into(), format!("union {path}"));
                    for field in u.fields.named.iter().filter(|f| is_pub(&f.vis)) {
                        let name = field.ident.as_ref().map(|id| id.to_string()).unwrap_or_default();
                        let ty = print.ty(&field.ty);
                        let line = format!("{path}.{name}: {ty}");
                        self.add(format!("{path}.{name}"), Category::Field, Some(path.clone()), ty, line);
                    }
                    self.derives(&path, &u.attrs, &print);
                }
                syn::Item::Type(t) if is_pub(&t.vis) => {
                    let path = join(module, &t.ident.to_string());
                    let text = format!("type = {}", print.ty(&t.ty));
                    let line = format!("type {path} = {}", print.ty(&t.ty));
                    self.add(path, Category::Type, None, text, line);
                }
                syn::Item::Fn(f) if is_pub(&f.vis) => {
                    let path = join(module, &f.sig.ident.to_string());
                    let sig = print.signature(&f.sig);
                    let line = sig.replacen(&format!("fn {}", f.sig.ident), &format!("fn {path}"), 1);
                    self.add(path, Category::Function, None, sig, line);
                }
                syn::Item::Const(c) if is_pub(&c.vis) => {
                    let path = join(module, &c.ident.to_string());
                    let ty = print.ty(&c.ty);
                    self.add(path.clone(), Category::Const, None, ty.clone(), format!("const {path}: {ty}"));
                }
                syn::Item::Static(s) if is_pub(&s.vis) => {
                    let path = join(module, &s.ident.to_string());
                    let ty = print.ty(&s.ty);
                    self.add(path.clone(), Category::Const, None, ty.clone(), format!("static {path}: {ty}"));
                }
                syn::Item::Impl(imp) => self.impl_block(imp, module, types),
                _ => {}
            }
        }
    }

    /// `#[derive(A, b::B)]`: one trait impl entry each, the same entry a written-out impl
    /// makes, so that moving from a derive to an impl is no change.
    fn derives(&mut self, owner: &str, attrs: &[syn::Attribute], print: &Printer) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let Ok(paths) =
                attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                continue;
            };
            for path in paths {
                self.trait_impl(owner, &print.trait_path(&path), String::new());
            }
        }
    }

    /// A trait impl; `types` is its associated types (`Target = String` of a `Deref`), the
    /// text compared.
    fn trait_impl(&mut self, owner: &str, name: &str, types: String) {
        let line = format!("impl {name} for {owner}");
        self.add(format!("{owner}: impl {name}"), Category::Impl, Some(owner.to_owned()), types, line);
    }

    fn impl_block(&mut self, imp: &syn::ItemImpl, module: &[String], types: &BTreeSet<String>) {
        let Some(owner) = self_type(&imp.self_ty).and_then(|path| resolve(module, path, types)) else {
            return;
        };
        let print = Printer { module, types };
        if let Some((negative, trait_path, _)) = &imp.trait_ {
            if negative.is_none() {
                let assoc: Vec<String> = imp
                    .items
                    .iter()
                    .filter_map(|member| match member {
                        syn::ImplItem::Type(t) => Some(format!("{} = {}", t.ident, print.ty(&t.ty))),
                        _ => None,
                    })
                    .collect();
                self.trait_impl(&owner, &print.trait_path(trait_path), assoc.join(", "));
            }
            return;
        }
        for member in &imp.items {
            match member {
                syn::ImplItem::Fn(f) if is_pub(&f.vis) => {
                    let sig = print.signature(&f.sig);
                    let name = format!("{owner}::{}", f.sig.ident);
                    let line = sig.replacen(&format!("fn {}", f.sig.ident), &format!("fn {name}"), 1);
                    self.add(format!("{name}()"), Category::Method, Some(owner.clone()), sig, line);
                }
                syn::ImplItem::Const(c) if is_pub(&c.vis) => {
                    let name = format!("{owner}::{}", c.ident);
                    let ty = print.ty(&c.ty);
                    let line = format!("const {name}: {ty}");
                    self.add(name, Category::Const, Some(owner.clone()), ty, line);
                }
                _ => {}
            }
        }
    }
}

impl Report {
    /// What going from `old` to `new` (the sources of one generated file) changes for a user.
    pub fn compare(provider: &str, old: &str, new: &str) -> Result<Report, String> {
        let old = Surface::of_source(old).map_err(|e| format!("the checked-in file: {e}"))?;
        let new = Surface::of_source(new).map_err(|e| format!("the generated code: {e}"))?;
        Ok(Report::between(provider, &old, &new))
    }

    pub fn between(provider: &str, old: &Surface, new: &Surface) -> Report {
        let added_types = new_types(new, old);
        let removed_types = new_types(old, new);
        let mut changes = Vec::new();
        let keys: BTreeSet<&(String, Category)> = old.entries.keys().chain(new.entries.keys()).collect();
        for key in keys {
            match (old.entries.get(key), new.entries.get(key)) {
                (None, Some(entry)) if !folded(entry, &added_types) => {
                    changes.push(Change::Added { line: entry.line.clone(), members: members(new, &key.0) })
                }
                (Some(entry), None) if !folded(entry, &removed_types) => {
                    changes.push(Change::Removed { line: entry.line.clone(), members: members(old, &key.0) })
                }
                (Some(was), Some(now)) if was.text != now.text => {
                    changes.push(Change::Changed { name: key.0.clone(), old: was.text.clone(), new: now.text.clone() })
                }
                _ => {}
            }
        }
        Report { provider: provider.to_owned(), changes }
    }

    /// `cashfree: 3 added, 1 removed, 2 changed`, or `cashfree: no API change`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return format!("{}: no API change", self.provider);
        }
        let count = |f: fn(&Change) -> bool| self.changes.iter().filter(|c| f(c)).count();
        format!(
            "{}: {} added, {} removed, {} changed",
            self.provider,
            count(|c| matches!(c, Change::Added { .. })),
            count(|c| matches!(c, Change::Removed { .. })),
            count(|c| matches!(c, Change::Changed { .. })),
        )
    }
}

/// Longer than this (old and new text together), a change prints on two lines.
const INLINE: usize = 72;

impl fmt::Display for Report {
    /// One line per change (`+` added, `-` removed, `~` changed), sorted by name so that a
    /// type's members follow it, then the summary line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in &self.changes {
            match change {
                Change::Added { line, members } => writeln!(f, "  + {line}{members}")?,
                Change::Removed { line, members } => writeln!(f, "  - {line}{members}")?,
                Change::Changed { name, old, new } if old.len() + new.len() <= INLINE => {
                    writeln!(f, "  ~ {name}: {} → {}", shown(old), shown(new))?
                }
                Change::Changed { name, old, new } => {
                    writeln!(f, "  ~ {name}")?;
                    writeln!(f, "      was: {old}")?;
                    writeln!(f, "      now: {new}")?;
                }
            }
        }
        write!(f, "{}", self.summary())
    }
}

/// A compared text as printed: a unit variant has none.
fn shown(text: &str) -> &str {
    if text.is_empty() { "no payload" } else { text }
}

/// Types of `a` that `b` does not have.
fn new_types(a: &Surface, b: &Surface) -> BTreeSet<String> {
    a.entries
        .keys()
        .filter(|key| key.1 == Category::Type && !b.entries.contains_key(key))
        .map(|key| key.0.clone())
        .collect()
}

/// Whether an entry is a member of a type that is added or removed as a whole.
fn folded(entry: &Entry, types: &BTreeSet<String>) -> bool {
    entry.owner.as_ref().is_some_and(|owner| types.contains(owner))
}

/// ` (2 fields, 1 trait impl)`: what a type brings with it, empty for other entries.
fn members(surface: &Surface, owner: &str) -> String {
    let mut counts: BTreeMap<Category, usize> = BTreeMap::new();
    for ((_, category), _) in surface.entries.iter().filter(|(_, e)| e.owner.as_deref() == Some(owner)) {
        *counts.entry(*category).or_default() += 1;
    }
    if counts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = counts.iter().map(|(category, n)| category.plural(*n)).collect();
    format!(" ({})", parts.join(", "))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn join(module: &[String], name: &str) -> String {
    if module.is_empty() { name.to_owned() } else { format!("{}::{name}", module.join("::")) }
}

/// Every type defined in a public module, by path (`types::Link`), to resolve impls with.
fn collect_types(items: &[syn::Item], module: &mut Vec<String>, types: &mut BTreeSet<String>) {
    for item in items {
        let ident = match item {
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    module.push(m.ident.to_string());
                    collect_types(inner, module, types);
                    module.pop();
                }
                continue;
            }
            syn::Item::Struct(s) => &s.ident,
            syn::Item::Enum(e) => &e.ident,
            syn::Item::Union(u) => &u.ident,
            syn::Item::Type(t) => &t.ident,
            _ => continue,
        };
        types.insert(join(module, &ident.to_string()));
    }
}

/// The path of an impl's self type (`Client`, `&Client`, `super::Link`, `CreateLink<'a>`).
fn self_type(ty: &syn::Type) -> Option<&syn::Path> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => Some(&p.path),
        syn::Type::Reference(r) => self_type(&r.elem),
        syn::Type::Paren(p) => self_type(&p.elem),
        _ => None,
    }
}

/// The defined type a path names from `module`: relative to it (with `self`, `super` and
/// `crate`), else from the root (`types::Link` seen from `builder`, which imports `types`).
/// None for a type this file does not define (an impl of a foreign type is not its API).
fn resolve(module: &[String], path: &syn::Path, types: &BTreeSet<String>) -> Option<String> {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let mut relative = if path.leading_colon.is_some() { Vec::new() } else { module.to_vec() };
    let mut plain = Vec::new();
    for segment in &segments {
        match segment.as_str() {
            "self" => {}
            "super" => {
                relative.pop();
            }
            "crate" => relative.clear(),
            other => {
                relative.push(other.to_owned());
                plain.push(other.to_owned());
            }
        }
    }
    [relative.join("::"), plain.join("::")].into_iter().find(|candidate| types.contains(candidate))
}

/// Prints types as one line of Rust (with prettyplease), as seen from the module of the item
/// they belong to: a type this file defines by its full path (`super::Link` and `Link` are
/// both `types::Link`), a standard-library path by its last segment (`::std::option::Option`
/// is `Option`), any other path without its leading `::`.
struct Printer<'a> {
    module: &'a [String],
    types: &'a BTreeSet<String>,
}

impl Printer<'_> {
    fn ty(&self, ty: &syn::Type) -> String {
        let mut ty = ty.clone();
        self.rewrite(false).visit_type_mut(&mut ty);
        print_type(&ty)
    }

    /// A trait path (`From<i64>`, `serde::Deserialize`), without lifetime arguments
    /// (`Deserialize<'de>` is `Deserialize`, as derived).
    fn trait_path(&self, path: &syn::Path) -> String {
        let mut path = path.clone();
        self.rewrite(true).visit_path_mut(&mut path);
        path.leading_colon = None;
        print_type(&syn::Type::Path(syn::TypePath { qself: None, path }))
    }

    /// A signature without attributes or `mut` bindings (neither is part of the API):
    /// `async fn send(self) -> Result<ResponseValue<types::Link>, Error<()>>`.
    fn signature(&self, sig: &syn::Signature) -> String {
        let mut sig = sig.clone();
        for input in sig.inputs.iter_mut() {
            match input {
                syn::FnArg::Receiver(receiver) => {
                    receiver.attrs.clear();
                    receiver.mutability = None;
                }
                syn::FnArg::Typed(typed) => {
                    typed.attrs.clear();
                    if let syn::Pat::Ident(ident) = &mut *typed.pat {
                        ident.mutability = None;
                    }
                }
            }
        }
        self.rewrite(false).visit_signature_mut(&mut sig);
        let item = syn::Item::Fn(syn::ItemFn {
            attrs: Vec::new(),
            vis: syn::Visibility::Inherited,
            sig,
            block: Box::new(syn::parse_quote!({})),
        });
        let text = one_line(&prettyplease::unparse(&file_of(item)));
        text.trim_end_matches("{}").trim_end().trim_end_matches(',').to_owned()
    }

    /// A variant's payload: ``, `(String)`, ` { a: String, b: i64 }`.
    fn fields(&self, fields: &syn::Fields) -> String {
        match fields {
            syn::Fields::Unit => String::new(),
            syn::Fields::Unnamed(f) => {
                format!("({})", f.unnamed.iter().map(|field| self.ty(&field.ty)).collect::<Vec<_>>().join(", "))
            }
            syn::Fields::Named(f) => {
                let fields: Vec<String> = f
                    .named
                    .iter()
                    .map(|field| {
                        let name = field.ident.as_ref().map(|id| id.to_string()).unwrap_or_default();
                        format!("{name}: {}", self.ty(&field.ty))
                    })
                    .collect();
                format!(" {{ {} }}", fields.join(", "))
            }
        }
    }

    fn rewrite(&self, drop_lifetimes: bool) -> Rewrite<'_> {
        Rewrite { module: self.module, types: self.types, drop_lifetimes }
    }
}

/// The path rewriting of `Printer`.
struct Rewrite<'a> {
    module: &'a [String],
    types: &'a BTreeSet<String>,
    drop_lifetimes: bool,
}

fn is_std(path: &syn::Path) -> bool {
    path.segments.len() > 1
        && path.segments.first().is_some_and(|s| s.ident == "std" || s.ident == "core" || s.ident == "alloc")
}

impl VisitMut for Rewrite<'_> {
    /// `<V as ::std::convert::TryInto<T>>::Error`: the trait is the path's first
    /// `qself.position` segments; it keeps its last one (`<V as TryInto<T>>::Error`).
    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        let Some(qself) = &mut ty.qself else {
            return syn::visit_mut::visit_type_path_mut(self, ty);
        };
        if is_std(&ty.path) && qself.position > 1 {
            ty.path.segments = ty.path.segments.iter().skip(qself.position - 1).cloned().collect();
            ty.path.leading_colon = None;
            qself.position = 1;
        }
        self.visit_type_mut(&mut qself.ty);
        for segment in ty.path.segments.iter_mut() {
            self.visit_path_arguments_mut(&mut segment.arguments);
        }
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        let Some(last) = path.segments.last().cloned() else {
            return;
        };
        let full = if is_std(path) { Some(last.ident.to_string()) } else { resolve(self.module, path, self.types) };
        // `full` is made of identifiers of this file (raw ones too), so it parses.
        if let Some(mut full) = full.and_then(|full| syn::parse_str::<syn::Path>(&full).ok()) {
            if let Some(end) = full.segments.last_mut() {
                end.arguments = last.arguments;
            }
            *path = full;
        }
        // `::serde_json::Value` is `serde_json::Value` (no module of a generated file has the
        // name of a crate).
        path.leading_colon = None;
        if self.drop_lifetimes
            && let Some(last) = path.segments.last_mut()
            && let syn::PathArguments::AngleBracketed(args) = &mut last.arguments
        {
            args.args = args.args.iter().filter(|a| !matches!(a, syn::GenericArgument::Lifetime(_))).cloned().collect();
            if args.args.is_empty() {
                last.arguments = syn::PathArguments::None;
            }
        }
    }
}

fn print_type(ty: &syn::Type) -> String {
    let item: syn::Item = syn::parse_quote!(type __Surface = #ty;);
    let text = one_line(&prettyplease::unparse(&file_of(item)));
    text.trim_start_matches("type __Surface =").trim_end_matches(';').trim().to_owned()
}

fn file_of(item: syn::Item) -> syn::File {
    syn::File { shebang: None, attrs: Vec::new(), items: vec![item] }
}

/// prettyplease's output (wrapped past 89 columns) joined into one line, without the spaces
/// and trailing commas that the wrapping added.
fn one_line(text: &str) -> String {
    let joined = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    joined.replace("( ", "(").replace(", )", ")").replace("< ", "<").replace(", >", ">").replace(",>", ">")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small file shaped like progenitor's output: types, a type builder, the client and an
    /// operation builder.
    const BEFORE: &str = r#"
        pub mod types {
            /// A link.
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
            pub struct Link {
                pub amount: i64,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub note: ::std::option::Option<::std::string::String>,
                pub status: ::std::option::Option<LinkStatus>,
                private: bool,
            }
            #[derive(Clone, Copy, Debug, PartialEq)]
            pub enum LinkStatus {
                #[serde(rename = "ACTIVE")]
                Active,
                Paid,
            }
            impl ::std::fmt::Display for LinkStatus {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) }
            }
            pub type Notes = ::std::collections::BTreeMap<::std::string::String, ::std::string::String>;
            pub mod builder {
                pub struct Link {
                    amount: ::std::result::Result<i64, ::std::string::String>,
                }
                impl Link {
                    pub fn amount<T>(mut self, value: T) -> Self
                    where
                        T: ::std::convert::TryInto<i64>,
                        T::Error: ::std::fmt::Display,
                    {
                        self
                    }
                    fn private(&self) {}
                }
                impl ::std::convert::TryFrom<Link> for super::Link {
                    type Error = ();
                    fn try_from(value: Link) -> Result<Self, ()> { todo!() }
                }
            }
        }
        pub struct Client {
            pub(crate) baseurl: String,
        }
        impl Client {
            pub fn fetch_link(&self) -> builder::FetchLink<'_> { builder::FetchLink::new(self) }
            pub fn cancel_link(&self) -> builder::CancelLink<'_> { builder::CancelLink::new(self) }
        }
        impl ClientHooks<()> for &Client {}
        pub mod builder {
            use super::types;
            pub struct FetchLink<'a> {
                client: &'a super::Client,
            }
            impl<'a> FetchLink<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Link>, Error<types::Problem>> { todo!() }
            }
            pub struct CancelLink<'a> {
                client: &'a super::Client,
            }
        }
        pub(crate) const OPERATIONS: &[u8] = &[];
    "#;

    fn report(old: &str, new: &str) -> String {
        Report::compare("acme", old, new).unwrap().to_string()
    }

    /// `BEFORE` with each (from, to) replaced once, checking that each `from` is there.
    fn edit(edits: &[(&str, &str)]) -> String {
        edits.iter().fold(BEFORE.to_owned(), |text, (from, to)| {
            assert!(text.contains(from), "no {from:?} to replace");
            text.replacen(from, to, 1)
        })
    }

    /// The checked-in clients: every public type and every operation's method is found (the
    /// real shapes of progenitor's output: qualified paths, `<V as TryInto<T>>::Error`, ...).
    #[test]
    fn the_surface_of_every_checked_in_client() {
        for provider in crate::spec::PROVIDERS {
            let source = std::fs::read_to_string(provider.generated_path()).unwrap();
            let surface = Surface::of_source(&source).unwrap();
            let types = surface.entries.keys().filter(|(_, c)| *c == Category::Type).count();
            let declared: usize =
                ["pub struct ", "pub enum ", "pub type "].iter().map(|d| source.matches(d).count()).sum();
            assert_eq!(types, declared, "{}", provider.name);
            let ids: Vec<&str> =
                source.lines().filter_map(|l| l.trim().strip_prefix("id: \"")?.split('"').next()).collect();
            assert!(!ids.is_empty(), "{}: no operation ids in the OPERATIONS table", provider.name);
            for id in ids {
                let method = (format!("Client::{id}()"), Category::Method);
                assert!(surface.entries.contains_key(&method), "{}: no {}", provider.name, method.0);
            }
            let same = Report::between(provider.name, &surface, &surface);
            assert_eq!(same.to_string(), format!("{}: no API change", provider.name));
        }
    }

    #[test]
    fn the_same_api_written_differently_is_no_change() {
        // Other docs, serde attributes, private items, `mut` bindings and formatting are not
        // the API.
        let after = edit(&[
            ("/// A link.", "/// A payment link."),
            ("#[serde(rename = \"ACTIVE\")]", "#[serde(rename = \"active\")]"),
            ("private: bool,", "private: u8, other: u8,"),
            ("fn private(&self) {}", "fn private(&self) {} fn other() {}"),
            ("(mut self, value: T)", "(self, mut value: T)"),
            ("Error<types::Problem>>", "Error<types::Problem>, >"),
        ]);
        assert_eq!(report(BEFORE, &after), "acme: no API change");
        assert_eq!(Report::compare("acme", BEFORE, &after).unwrap().summary(), "acme: no API change");
    }

    #[test]
    fn an_added_type_is_one_line_with_its_members_counted() {
        let after = edit(&[(
            "pub type Notes",
            "#[derive(Clone, Debug)] pub struct Subscription { pub plan: String, pub count: ::std::option::Option<i64> }
             impl Subscription { pub fn builder() -> builder::Subscription { todo!() } }
             pub type Notes",
        )]);
        assert_eq!(
            report(BEFORE, &after),
            "  + struct types::Subscription (2 fields, 1 method, 2 trait impls)\nacme: 1 added, 0 removed, 0 changed"
        );
    }

    #[test]
    fn a_removed_field_and_a_changed_field_type() {
        let after = edit(&[
            ("pub amount: i64,", "pub amount: ::std::string::String,"),
            ("pub note: ::std::option::Option<::std::string::String>,", ""),
            ("pub status: ::std::option::Option<LinkStatus>,", "pub status: LinkStatus,"),
        ]);
        assert_eq!(
            report(BEFORE, &after),
            "  ~ types::Link.amount: i64 → String\n  - types::Link.note: Option<String>\n\
             \x20 ~ types::Link.status: Option<types::LinkStatus> → types::LinkStatus\n\
             acme: 0 added, 1 removed, 2 changed"
        );
    }

    #[test]
    fn an_added_variant_and_a_changed_payload() {
        let after = edit(&[("Paid,", "Paid(::std::string::String), Cancelled { at: i64 },")]);
        assert_eq!(
            report(BEFORE, &after),
            "  + types::LinkStatus::Cancelled { at: i64 }\n  ~ types::LinkStatus::Paid: no payload → (String)\n\
             acme: 1 added, 0 removed, 1 changed"
        );
    }

    #[test]
    fn a_removed_method_and_its_builder_type() {
        let after = edit(&[
            ("pub fn cancel_link(&self) -> builder::CancelLink<'_> { builder::CancelLink::new(self) }", ""),
            ("pub struct CancelLink<'a> {", "struct CancelLink<'a> {"),
        ]);
        assert_eq!(
            report(BEFORE, &after),
            "  - fn Client::cancel_link(&self) -> builder::CancelLink<'_>\n  - struct builder::CancelLink\n\
             acme: 0 added, 2 removed, 0 changed"
        );
    }

    #[test]
    fn a_changed_signature_prints_both_versions() {
        let after = edit(&[
            ("ResponseValue<types::Link>", "ResponseValue<types::LinkEntity>"),
            ("TryInto<i64>", "TryInto<::std::option::Option<i64>>"),
        ]);
        assert_eq!(
            report(BEFORE, &after),
            "  ~ builder::FetchLink::send()\n\
             \x20     was: async fn send(self) -> Result<ResponseValue<types::Link>, Error<types::Problem>>\n\
             \x20     now: async fn send(self) -> Result<ResponseValue<types::LinkEntity>, Error<types::Problem>>\n\
             \x20 ~ types::builder::Link::amount()\n\
             \x20     was: fn amount<T>(self, value: T) -> Self where T: TryInto<i64>, T::Error: Display\n\
             \x20     now: fn amount<T>(self, value: T) -> Self where T: TryInto<Option<i64>>, T::Error: Display\n\
             acme: 0 added, 0 removed, 2 changed"
        );
    }

    #[test]
    fn derives_and_impls_are_the_same_entries() {
        // A derive dropped (a required field makes typify drop `Default`) is a removal; an
        // impl replaced by the same derive is no change.
        let after = edit(&[("Debug, Default, PartialEq)]", "Debug, PartialEq)]")]);
        assert_eq!(report(BEFORE, &after), "  - impl Default for types::Link\nacme: 0 added, 1 removed, 0 changed");
        let after = edit(&[
            (
                "#[derive(Clone, Copy, Debug, PartialEq)]",
                "#[derive(Clone, Copy, Debug, PartialEq, ::std::fmt::Display)]",
            ),
            ("impl ::std::fmt::Display for LinkStatus {", "impl LinkStatus {"),
        ]);
        assert_eq!(report(BEFORE, &after), "acme: no API change");
    }

    #[test]
    fn a_changed_alias_and_changes_sorted_by_name() {
        let after = edit(&[
            ("pub type Notes = ::std::collections::BTreeMap<", "pub type Notes = ::std::collections::HashMap<"),
            ("pub amount: i64,", ""),
            ("pub struct Client {", "pub struct Client { pub inner: (),"),
        ]);
        assert_eq!(
            report(BEFORE, &after),
            "  + Client.inner: ()\n  - types::Link.amount: i64\n\
             \x20 ~ types::Notes: type = BTreeMap<String, String> → type = HashMap<String, String>\n\
             acme: 1 added, 1 removed, 1 changed"
        );
    }

    #[test]
    fn a_file_that_is_not_rust_is_an_error_naming_which() {
        let error = Report::compare("acme", "pub struct {", BEFORE).unwrap_err();
        assert!(error.starts_with("the checked-in file: not Rust"), "{error}");
        let error = Report::compare("acme", BEFORE, "fn (").unwrap_err();
        assert!(error.starts_with("the generated code: not Rust"), "{error}");
        // A missing file (read as empty) has no API: every type is added.
        assert_eq!(Report::compare("acme", "", BEFORE).unwrap().summary(), "acme: 7 added, 0 removed, 0 changed");
    }
}
