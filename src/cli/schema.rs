//! `mapc schema MAPPING`: the JSON Schema of the target record.

use super::emit::write_text;
use super::{Exit, Failure, load_mapping};
use std::path::PathBuf;

/// The arguments of `mapc schema`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The mapping file (`*.map`)
    mapping: PathBuf,
    /// Write the schema to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `mapc schema`.
pub(crate) fn run(args: &Args) -> Result<Exit, Failure> {
    let schema = load_mapping(&args.mapping)?.schema();
    let mut text = mapc::json::to_string_pretty(&schema)
        .map_err(|e| Failure::usage(format_args!("cannot write JSON: {e}")))?;
    text.push('\n');
    write_text(args.output.as_deref(), &text)
}
