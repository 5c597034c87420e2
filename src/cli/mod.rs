//! The command line: parse arguments, call the library, render what it
//! reports to stderr and turn the outcome into a documented exit code.
//!
//! The library never prints and never exits; everything that does lives
//! here, in the binary crate.

mod apply;
mod check;
mod cleanup;
mod doc;
mod duplicates;
mod emit;
mod fmt;
mod formats;
mod functions;
mod input;
mod lsp;
mod output;
mod play;
mod progress;
mod reference;
mod report;
mod reverse;
mod schema;
mod spool;
mod stats;
mod stream;
mod targets;
mod test;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

/// The exit codes of `mapc`, in one place: `--help` prints them from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Exit {
    /// All records mapped (or the mapping is valid).
    Success = 0,
    /// Some records failed: rejected or skipped (the others written), or
    /// the run stopped at the first (`--on-error fail`).
    RecordsFailed = 1,
    /// Bad arguments, an unreadable or unwritable file, a bad `--param`.
    Usage = 2,
    /// The mapping does not compile.
    InvalidMapping = 3,
}

impl Exit {
    const ALL: [Exit; 4] = [
        Exit::Success,
        Exit::RecordsFailed,
        Exit::Usage,
        Exit::InvalidMapping,
    ];

    /// The line `--help` shows for this code.
    fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "all records mapped (or mapping valid)",
            Exit::RecordsFailed => {
                "some records failed: reported on stderr (or in the reject file) and left out, \
                 the others were written; with `--on-error fail` the run stopped at the first; \
                 for `test`: a case failed; for `fmt --check`: a file is not formatted"
            }
            Exit::Usage => {
                "usage or I/O error (bad arguments, unreadable input/output file, bad `--param`)"
            }
            Exit::InvalidMapping => "the mapping is invalid (diagnostics on stderr)",
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// The `Exit codes:` section of `--help`.
fn exit_codes_help() -> String {
    let mut text = String::from("Exit codes:");
    for exit in Exit::ALL {
        text.push_str(&format!("\n  {}  {}", exit as u8, exit.meaning()));
    }
    text
}

/// A run that stopped early: its exit code and what to print on stderr
/// (already rendered, ending in a newline).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) report: String,
}

impl Failure {
    /// A usage or I/O error: `error: cannot read `orders.json`: ...`.
    pub(crate) fn usage(message: impl std::fmt::Display) -> Failure {
        Failure {
            exit: Exit::Usage,
            report: format!("error: {message}\n"),
        }
    }
}

/// Apply field mappings (`*.map` files) to JSON records.
#[derive(Debug, Parser)]
#[command(name = "mapc", version, arg_required_else_help = true)]
struct Cli {
    /// Let imports and CSV tables be read from DIR too (and the folders
    /// below it), besides the mapping's own folder (repeatable)
    #[arg(long = "allow-path", value_name = "DIR", global = true)]
    allow_paths: Vec<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// The folders named with `--allow-path`, set once before any command
/// runs; every mapping is loaded with them.
static ALLOWED_DIRS: std::sync::OnceLock<Vec<std::path::PathBuf>> = std::sync::OnceLock::new();

#[derive(Debug, Subcommand)]
enum Command {
    /// Map records (JSON, NDJSON, CSV or XML) with a mapping
    ///
    /// One JSON object in gives one object out; a JSON array gives an array
    /// of the mapped records, in order; NDJSON (`*.ndjson`, `*.jsonl`, or
    /// `--ndjson`) gives NDJSON; CSV rows and XML elements (`--from`, or the
    /// file's extension) give NDJSON unless `--to` says otherwise. Arrays,
    /// NDJSON, CSV and XML are streamed in constant memory on `--jobs`
    /// threads, in input order, with a summary on stderr (records read,
    /// written, rejected by code). A record that fails is reported with
    /// every error it has; `--on-error` says whether the run goes on
    /// (`skip`, the default), stops there (`fail`) or writes it to a reject
    /// file (`reject=FILE`). An NDJSON line that is not UTF-8 or not JSON is such
    /// a record (E400); a whole input document that is not JSON is reported
    /// the same way, with nothing written.
    Apply(Box<apply::Args>),
    /// Check mappings and show every diagnostic
    ///
    /// Errors and warnings go to stderr; stdout gets one line per mapping:
    /// `ok: PATH`, `ok: PATH (1 warning)` or `invalid: PATH (2 errors)`.
    /// With `--format json`, stdout gets one JSON document with every
    /// diagnostic instead. Warnings do not fail the check unless
    /// `--deny-warnings`.
    /// Every mapping is checked, even after a bad one; an unreadable file
    /// (exit 2) outranks an invalid mapping (exit 3).
    Check(check::Args),
    /// List the built-in functions, with signatures, docs and examples
    Functions(functions::Args),
    /// Format mappings in the canonical layout, comments kept
    ///
    /// Rewrites each file that is not formatted (`formatted: PATH` on
    /// stdout). With `--check` nothing is written: each such file is listed
    /// as `would reformat: PATH` and the exit code is 1. A file with syntax
    /// errors is not formatted: its diagnostics go to stderr (exit 3).
    Fmt(fmt::Args),
    /// Generate the field-level mapping table of a mapping
    ///
    /// One row per target field: its type, the source paths it reads, the
    /// transformation in words, what happens when there is no value, and
    /// conditions; then every lookup table.
    Doc(doc::Args),
    /// Print the JSON Schema of the record a mapping produces
    Schema(schema::Args),
    /// Show which target fields map back to the source, and emit the
    /// derived reverse mapping
    ///
    /// One line per target field: exact, lossy, dropped (a constant or
    /// parameter) or none, with why; `--format json` gives the same as JSON.
    /// `--emit FILE` (`-` for stdout) writes the reverse mapping as a `.map`
    /// file. To map records back, use `mapc apply --reverse`.
    Reverse(reverse::Args),
    /// Run the test cases beside each mapping (`orders.tests/<case>/`)
    ///
    /// A case is a folder with `input.json` and `expected.json` (the output)
    /// or `expected_error.json` (`[{"code": "E302", "target": "status"}]`),
    /// and optionally `params.json`, `now.txt` (RFC 3339; without it, the
    /// real clock) and `ignore.json`
    /// (JSON paths not compared, `["$.imported_at"]`). An error case passes
    /// when the record fails with exactly the listed errors (an error not
    /// listed fails it). A failing case shows each field that differs;
    /// numbers compare by their exact text. The last line is
    /// `N passed, N failed`; exit 1 when a case failed, 3 when a mapping
    /// does not compile.
    Test(test::Args),
    /// Run the language server (LSP over stdin and stdout) for editors
    ///
    /// Diagnostics as you type (the checks of `mapc check`), hover on
    /// built-ins, tables, parameters, defs and `let`s, completion, go to
    /// definition (into imported files too), find references, formatting
    /// (`mapc fmt`) and the target fields as an outline. See the README's
    /// "Editor support" for the setup of VS Code, Neovim and others.
    Lsp(lsp::Args),
    /// Try a mapping on a sample in the browser, as you type
    ///
    /// Serves one page on 127.0.0.1 (any free port unless `--port`) and
    /// prints its URL: the mapping, the sample (an object, an array or
    /// NDJSON) and parameters; the output; every diagnostic and runtime
    /// error at its line and column; the `mapc doc` table and the `mapc
    /// schema` schema. "Save" writes the mapping back to MAPPING.
    Play(play::Args),
}

/// Runs `mapc` with the process's arguments.
pub fn run() -> ExitCode {
    let help = exit_codes_help();
    let command = Cli::command()
        .after_help(help.clone())
        .mut_subcommand("apply", |c| c.after_help(help.clone()))
        .mut_subcommand("check", |c| c.after_help(help.clone()))
        .mut_subcommand("test", |c| c.after_help(help.clone()))
        .mut_subcommand("fmt", |c| c.after_help(help.clone()));
    let cli = match command
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(error) => {
            // `--help` and `--version` arrive here too, as "errors" for stdout
            let _ = error.print();
            return if error.use_stderr() {
                Exit::Usage
            } else {
                Exit::Success
            }
            .into();
        }
    };
    let _ = ALLOWED_DIRS.set(cli.allow_paths);
    let outcome = match cli.command {
        Command::Apply(args) => apply::run(&args),
        Command::Check(args) => Ok(check::run(&args)),
        Command::Functions(args) => functions::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Doc(args) => doc::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Reverse(args) => reverse::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Play(args) => play::run(&args),
    };
    match outcome {
        Ok(exit) => exit.into(),
        Err(failure) => {
            report::eprint(&failure.report);
            failure.exit.into()
        }
    }
}

/// How mappings are loaded: with the folders of `--allow-path`.
pub(crate) fn mapping_options() -> mapc::Options {
    mapc::Options {
        allowed_dirs: ALLOWED_DIRS.get().cloned().unwrap_or_default(),
        ..mapc::Options::default()
    }
}

/// Reads and compiles a mapping: an invalid one is exit 3 with every
/// diagnostic, an unreadable one exit 2.
pub(crate) fn load_mapping(path: &std::path::Path) -> Result<mapc::Mapping, Failure> {
    mapc::Mapping::from_file_with(path, &mapping_options()).map_err(|error| match error {
        mapc::CompileError::Invalid(diagnostics) => Failure {
            exit: Exit::InvalidMapping,
            report: mapc::diagnostics::render_all(&diagnostics),
        },
        mapc::CompileError::Read { path, error } => Failure::usage(format_args!(
            "cannot read `{}`: {}",
            path.display(),
            report::io_message(&error)
        )),
        other => Failure::usage(other),
    })
}
