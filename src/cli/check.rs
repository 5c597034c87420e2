//! `mapc check MAPPING...`: compile each mapping and show every diagnostic.

use super::Exit;
use super::report::{Reporter, io_message};
use mapc::{CompileError, Diagnostic, Mapping};
use std::io::Write;
use std::path::PathBuf;

/// The arguments of `mapc check`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The mapping files (`*.map`)
    #[arg(required = true)]
    mappings: Vec<PathBuf>,
}

/// Runs `mapc check`.
pub(crate) fn run(args: &Args) -> Exit {
    let mut reporter = Reporter::default();
    let mut exit = Exit::Success;
    for path in &args.mappings {
        let shown = path.display();
        match Mapping::from_file(path) {
            Ok(mapping) => {
                for warning in mapping.warnings() {
                    reporter.diagnostic(warning);
                }
                status(&format!("ok: {shown}{}", counts(mapping.warnings())));
            }
            Err(CompileError::Invalid(diagnostics)) => {
                for diagnostic in &diagnostics {
                    reporter.diagnostic(diagnostic);
                }
                status(&format!("invalid: {shown}{}", counts(&diagnostics)));
                if exit != Exit::Usage {
                    exit = Exit::InvalidMapping;
                }
            }
            Err(CompileError::Read { error, .. }) => {
                reporter.line(&format!(
                    "error: cannot read `{shown}`: {}",
                    io_message(&error)
                ));
                exit = Exit::Usage;
            }
            Err(other) => {
                reporter.line(&format!("error: {other}"));
                exit = Exit::Usage;
            }
        }
    }
    exit
}

/// One status line on stdout (a closed stdout is not worth a failure).
fn status(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// ` (2 errors, 1 warning)`, or nothing when there are none.
fn counts(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let mut parts = Vec::new();
    for (n, noun) in [(errors, "error"), (warnings, "warning")] {
        match n {
            0 => {}
            1 => parts.push(format!("1 {noun}")),
            n => parts.push(format!("{n} {noun}s")),
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}
