//! Hover: a built-in's signature, doc and example from the one table of
//! built-ins; a declaration's source (a table's keys, a def's header and
//! the comment above it, a `let`'s value, a parameter's type).

use super::Documents;
use super::navigation::follow_import;
use super::position::Lines;
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use mapc::outline::{Outline, Resolution, Symbol, SymbolKind, outline};
use mapc::stdlib::{self, Function};

pub(super) fn hover(documents: &Documents, params: &HoverParams) -> Option<Hover> {
    let at = &params.text_document_position_params;
    let document = documents.get(&at.text_document.uri)?;
    let lines = Lines::new(&document.text);
    let offset = lines.offset(at.position);
    let names = outline(&document.text);
    let (markdown, span) = if let Some(reference) = names.reference_at(offset) {
        let text = match reference.resolution {
            Resolution::Builtin(function) => builtin(function),
            Resolution::Symbol(index) => symbol(documents, document, &names, &names.symbols[index]),
            Resolution::Unknown => return None,
        };
        (text, reference.span)
    } else if let Some(declared) = names.symbol_at(offset) {
        (symbol(documents, document, &names, declared), declared.span)
    } else {
        // a built-in's name in text that does not parse yet
        let span = word_at(&document.text, offset)?;
        let function = stdlib::function(&document.text[span.start..span.end])?;
        (builtin(function), span)
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(lines.range(span)),
    })
}

/// The identifier around byte `offset`.
pub(super) fn word_at(text: &str, offset: usize) -> Option<mapc::syntax::Span> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let offset = offset.min(text.len());
    let start = text[..offset]
        .rfind(|c: char| !is_word(c))
        .map_or(0, |i| i + 1);
    let end = text[offset..]
        .find(|c: char| !is_word(c))
        .map_or(text.len(), |i| offset + i);
    (start < end).then(|| mapc::syntax::Span::new(start, end))
}

/// A built-in: signature, doc line, first example.
pub(super) fn builtin(function: &Function) -> String {
    let mut text = format!("```mapc\n{}\n```\n{}", function.signature(), function.doc);
    if let Some(example) = function.examples.first() {
        text.push_str(&format!(
            "\n\nExample: `{}` gives `{}`",
            example.call, example.result
        ));
    }
    text
}

fn symbol(
    documents: &Documents,
    document: &super::Document,
    names: &Outline,
    symbol: &Symbol,
) -> String {
    let text = &document.text;
    let source = text.get(symbol.item.start..symbol.item.end).unwrap_or("");
    let first_line = source.lines().next().unwrap_or("");
    let comment = comment_above(text, symbol.item.start);
    let mut out = match symbol.kind {
        SymbolKind::Param | SymbolKind::Let => code(&capped(source, 12)),
        SymbolKind::Table => {
            let mut out = format!("table `{}`", symbol.name);
            if symbol.keys.is_empty() {
                out.push_str(&format!("\n\n{}", code(first_line)));
            } else {
                let keys: Vec<String> = symbol.keys.iter().map(|k| format!("`{k}`")).collect();
                out.push_str(&format!(
                    " ({} keys): {}",
                    symbol.keys.len(),
                    keys.join(", ")
                ));
            }
            out
        }
        SymbolKind::Def => code(&format!("def {}({})", symbol.name, symbol.keys.join(", "))),
        SymbolKind::DefParam | SymbolKind::LoopVariable | SymbolKind::LambdaParam => {
            format!("{} `{}`", symbol.kind.describe(), symbol.name)
        }
        SymbolKind::Import => {
            let path = symbol.import_path.as_deref().unwrap_or("");
            let mut out = format!("`{}`, imported from `{path}`", symbol.name);
            if let Some((uri, span)) = follow_import(documents, document, symbol) {
                let file = documents.get(&uri).map(|d| d.text.clone()).or_else(|| {
                    super::position::uri_path(&uri).and_then(|p| std::fs::read_to_string(p).ok())
                });
                if let Some(file) = file {
                    let theirs = mapc::outline::outline(&file);
                    if let Some(declared) = theirs.symbol_at(span.start) {
                        let other = super::Document {
                            text: file.clone(),
                            path: super::position::uri_path(&uri),
                            name: String::new(),
                        };
                        out.push_str("\n\n");
                        out.push_str(&self::symbol(documents, &other, &theirs, declared));
                    }
                }
            }
            out
        }
    };
    if !comment.is_empty() && symbol.kind != SymbolKind::Import {
        out.push_str("\n\n");
        out.push_str(&comment);
    }
    let uses = names.references(symbol).len();
    let plural = if uses == 1 { "" } else { "s" };
    out.push_str(&format!("\n\nused {uses} time{plural} in this file"));
    out
}

fn code(source: &str) -> String {
    format!("```mapc\n{}\n```", source.trim_end())
}

/// The first `max` lines, with `...` when there are more.
fn capped(source: &str, max: usize) -> String {
    let lines: Vec<&str> = source.lines().collect();
    if lines.len() <= max {
        source.to_string()
    } else {
        format!("{}\n...", lines[..max].join("\n"))
    }
}

/// The comment lines right above the line where byte `start` is.
fn comment_above(text: &str, start: usize) -> String {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let mut comment: Vec<&str> = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    comment.reverse();
    comment.join("\n")
}
