//! `mapc doc MAPPING`: the field-level mapping table, generated from the
//! mapping itself.

use super::emit::write_text;
use super::{Exit, Failure, load_mapping};
use std::path::PathBuf;

/// The arguments of `mapc doc`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The mapping file (`*.map`)
    mapping: PathBuf,
    /// `markdown` (a table per target and per lookup table), `json` (the
    /// same as data) or `html` (a standalone page)
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Write the document to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Markdown,
    Json,
    Html,
}

/// Runs `mapc doc`.
pub(crate) fn run(args: &Args) -> Result<Exit, Failure> {
    let description = load_mapping(&args.mapping)?.describe();
    let mut text = match args.format {
        Format::Markdown => description.to_markdown(),
        Format::Json => mapc::json::to_string_pretty(&description.to_json())
            .map_err(|e| Failure::usage(format_args!("cannot write JSON: {e}")))?,
        Format::Html => description.to_html(),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    write_text(args.output.as_deref(), &text)
}
