//! The `mapc` command: a thin shell around the library (see `src/cli/`).

#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
