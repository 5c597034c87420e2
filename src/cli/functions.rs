//! `mapc functions`: the built-ins, from the library's one table, as text
//! or as Markdown for the README.

use super::{Exit, Failure};
use mapc::stdlib::{Category, FUNCTIONS, Function};
use std::io::Write;

/// The arguments of `mapc functions`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// `text` for the terminal, `markdown` for docs (grouped by category)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Markdown,
}

/// Runs `mapc functions`.
pub(crate) fn run(args: &Args) -> Result<Exit, Failure> {
    let text = match args.format {
        Format::Text => text(),
        // the same renderer as the README's reference section
        Format::Markdown => mapc::stdlib::reference_markdown(),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| {
            Failure::usage(format_args!(
                "cannot write to stdout: {}",
                super::report::io_message(&e)
            ))
        })?;
    Ok(Exit::Success)
}

/// The categories in their declared order, each with its functions in
/// table order.
fn by_category() -> Vec<(Category, Vec<&'static Function>)> {
    let mut categories: Vec<Category> = FUNCTIONS.iter().map(|f| f.category).collect();
    categories.sort();
    categories.dedup();
    categories
        .into_iter()
        .map(|c| {
            let functions = FUNCTIONS.iter().copied().filter(|f| f.category == c);
            (c, functions.collect())
        })
        .collect()
}

/// Plain text: a heading per category, then each signature, its doc line
/// and its examples.
fn text() -> String {
    let mut out = String::new();
    for (i, (category, functions)) in by_category().into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(category.title());
        out.push('\n');
        for f in functions {
            out.push_str(&format!("\n  {}\n      {}\n", f.signature(), f.doc));
            for example in f.examples {
                out.push_str(&format!("      {}  =>  {}\n", example.call, example.result));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_is_listed_once() {
        let listed: usize = by_category().iter().map(|(_, f)| f.len()).sum();
        assert_eq!(listed, FUNCTIONS.len());
        let text = text();
        for f in FUNCTIONS {
            assert_eq!(
                text.matches(&format!("\n  {}\n", f.signature())).count(),
                1,
                "{} is not listed once",
                f.name
            );
        }
    }
}
