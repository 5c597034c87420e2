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
        Format::Markdown => markdown(),
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

/// Markdown to embed in the README: a `###` heading per category and a
/// list item per function, with its examples in code spans.
fn markdown() -> String {
    let mut out = String::new();
    for (i, (category, functions)) in by_category().into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("### {}\n\n", category.title()));
        for f in functions {
            out.push_str(&format!("- {}: {}", code(&f.signature()), f.doc));
            let examples: Vec<String> = f
                .examples
                .iter()
                .map(|e| format!("{} → {}", code(e.call), code(e.result)))
                .collect();
            if !examples.is_empty() {
                out.push_str(&format!("\n  Examples: {}", examples.join(", ")));
            }
            out.push('\n');
        }
    }
    out
}

/// `text` as a Markdown code span, with enough backticks to hold any in it.
fn code(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }

    #[test]
    fn every_function_is_listed_once() {
        let listed: usize = by_category().iter().map(|(_, f)| f.len()).sum();
        assert_eq!(listed, FUNCTIONS.len());
        let text = markdown();
        for f in FUNCTIONS {
            assert!(
                text.contains(&code(&f.signature())),
                "{} is missing",
                f.name
            );
        }
    }
}
