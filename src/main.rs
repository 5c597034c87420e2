//! The `mapc` command: a thin shell around the library (see `src/cli/`).

#![forbid(unsafe_code)]

mod cli;

/// mimalloc: a record's many small, short-lived allocations (keys, strings,
/// maps) are what the allocator sees most; glibc's malloc spends about a
/// fifth of the run on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
