//! Project tasks.
//!
//! - `cargo xtask generate [PROVIDER...] [--check]`: regenerate each provider crate's client
//!   from `specs/<provider>.yaml`; with `--check`, write nothing and fail with a diff when the
//!   checked-in code is stale.
//! - `cargo xtask lint [PROVIDER...]`: check the specs against the rules of `specs/README.md`.

mod generate;
mod lint;
mod spec;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask generate [PROVIDER...] [--check]\n       cargo xtask lint [PROVIDER...]\nproviders: cashfree, razorpay, pinelabs (default: all)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let check = rest.iter().any(|a| a == "--check");
    if let Some(flag) = rest.iter().find(|a| a.starts_with('-') && *a != "--check") {
        eprintln!("unknown option {flag}\n{USAGE}");
        return ExitCode::from(2);
    }
    let names: Vec<&str> = rest.iter().filter(|a| !a.starts_with('-')).map(String::as_str).collect();
    let providers = match spec::select(&names) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let ok = match task.as_str() {
        "generate" => generate::run(&providers, check),
        "lint" if !check => lint::run(&providers),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
