//! Project tasks.
//!
//! - `cargo xtask generate [PROVIDER...] [--check]`: regenerate each provider crate's client
//!   from `specs/<provider>.yaml`; with `--check`, write nothing and fail with a diff when the
//!   checked-in code is stale. Either way it prints what the change does to a user of the crate
//!   (`surface`): public types, fields, variants, methods and trait impls added, removed or
//!   changed, and a summary line.
//! - `cargo xtask lint [PROVIDER...]`: check the specs against the rules of `specs/README.md`.
//!
//! Exit codes: 0 done, 1 a task failed (stale code, a spec problem), 2 wrong arguments.

mod generate;
mod lint;
mod spec;
mod surface;

use std::process::ExitCode;

use clap::{Parser, Subcommand, builder::PossibleValuesParser};

#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", about = "paylinks project tasks", version = None)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// `cargo xtask generate [PROVIDER...] [--check]`.
    #[command(about = "Regenerate crates/paylinks-<provider>/src/generated.rs from specs/<provider>.yaml")]
    Generate {
        #[arg(value_name = "PROVIDER", value_parser = providers(), help = "Providers to generate (default: all)")]
        providers: Vec<String>,
        #[arg(long, help = "Write nothing; fail with a diff when the checked-in code is stale")]
        check: bool,
    },
    /// `cargo xtask lint [PROVIDER...]`.
    #[command(about = "Check specs/<provider>.yaml against the rules of specs/README.md")]
    Lint {
        #[arg(value_name = "PROVIDER", value_parser = providers(), help = "Providers to check (default: all)")]
        providers: Vec<String>,
    },
}

fn providers() -> PossibleValuesParser {
    PossibleValuesParser::new(spec::PROVIDERS.iter().map(|p| p.name))
}

fn main() -> ExitCode {
    // clap prints usage errors and exits with 2, `--help` with 0.
    let cli = Cli::parse();
    let ok = match cli.task {
        Task::Generate { providers, check } => generate::run(&spec::select(&providers), check),
        Task::Lint { providers } => lint::run(&spec::select(&providers)),
    };
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn unknown_providers_and_options_are_usage_errors() {
        for args in [&["cargo xtask", "lint", "stripe"][..], &["cargo xtask", "lint", "--check"], &["cargo xtask"]] {
            let error = Cli::try_parse_from(args).err().unwrap_or_else(|| panic!("{args:?} should be refused"));
            assert_eq!(error.exit_code(), 2, "{args:?}: {error}");
        }
        let parsed = Cli::try_parse_from(["cargo xtask", "generate", "razorpay", "--check"]).unwrap();
        assert!(matches!(parsed.task, Task::Generate { providers, check: true } if providers == ["razorpay"]));
    }
}
