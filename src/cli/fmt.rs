//! `mapc fmt [--check] PATH...`: the canonical layout, in place or checked.

use super::emit::{mapping_files, raise, status};
use super::report::{Reporter, io_message};
use super::{Exit, Failure};
use std::path::PathBuf;

/// The arguments of `mapc fmt`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Mapping files, or folders searched for `*.map` files
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted (exit 1 if any)
    #[arg(long)]
    check: bool,
}

/// Runs `mapc fmt`.
pub(crate) fn run(args: &Args) -> Result<Exit, Failure> {
    let files = mapping_files(&args.paths)?;
    let mut reporter = Reporter::default();
    let mut exit = Exit::Success;
    for path in &files {
        let shown = path.display().to_string();
        let source = match std::fs::read_to_string(path) {
            Ok(source) => source,
            Err(e) => {
                reporter.line(&format!("error: cannot read `{shown}`: {}", io_message(&e)));
                raise(&mut exit, Exit::Usage);
                continue;
            }
        };
        let formatted = match mapc::format::format_named(&shown, &source) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                for diagnostic in &diagnostics {
                    reporter.diagnostic(diagnostic);
                }
                status(&format!("invalid: {shown}"));
                raise(&mut exit, Exit::InvalidMapping);
                continue;
            }
        };
        if formatted == source {
            continue;
        }
        if args.check {
            status(&format!("would reformat: {shown}"));
            raise(&mut exit, Exit::RecordsFailed);
        } else if let Err(e) = std::fs::write(path, &formatted) {
            reporter.line(&format!(
                "error: cannot write `{shown}`: {}",
                io_message(&e)
            ));
            raise(&mut exit, Exit::Usage);
        } else {
            status(&format!("formatted: {shown}"));
        }
    }
    Ok(exit)
}
