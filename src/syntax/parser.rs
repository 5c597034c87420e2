//! pest pairs → [`Ast`]. Keyword pairs carry no data and are skipped.

use super::ast::*;
use super::errors::syntax_error;
use crate::diagnostics::{Code, Diagnostic, SourceFile};
use pest::Parser as _;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::{Arc, LazyLock};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/mapc.pest"]
pub(crate) struct MapcParser;

pub(super) static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::catch, Assoc::Left))
        .op(Op::infix(Rule::coalesce, Assoc::Left))
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left))
        .op(Op::infix(Rule::pipe, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left)
            | Op::infix(Rule::div, Assoc::Left)
            | Op::infix(Rule::rem, Assoc::Left))
        .op(Op::prefix(Rule::neg))
});

pub(crate) fn parse_file(file: &Arc<SourceFile>) -> (Ast, Vec<Diagnostic>) {
    let text = file.text.as_str();
    let mut ast = Ast::default();
    let mut diagnostics = Vec::new();
    let mut pos = skip_trivia(text, 0);
    // where the last item that parsed starts and ends, if it is the last
    // in the tree
    let mut last_item = None;
    while pos < text.len() {
        // pest stops at its own stack guard, so parsing first is safe; the
        // nesting is then checked on what it read (the item, or up to its
        // error), which keeps the check linear in the file's length
        let parsed = parse_item(text, pos);
        let reach = match &parsed {
            Ok(pairs) => pairs.peek().map_or(pos, |p| pos + p.as_span().end()),
            Err(error) => pos + error_offset(error),
        };
        if let Some(at) = super::depth::too_deep(&text[..reach.min(text.len())], pos) {
            diagnostics.push(too_deep_error(file, at));
            last_item = None;
            let end = super::depth::brackets_closed(text, pos).max(at);
            pos = resume_at(text, end.min(text.len().saturating_sub(1)));
            continue;
        }
        match parsed {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = pos + pair.as_span().end();
                let mut builder = Builder {
                    file,
                    base: pos,
                    diagnostics: &mut diagnostics,
                    depth: 0,
                    too_deep: false,
                };
                last_item = None;
                if let Some(item) = builder.item(pair) {
                    ast.items.push(item);
                    last_item = Some((pos, end));
                }
                pos = skip_trivia(text, end.max(pos + 1));
            }
            Err(error) if is_limit(&error) => {
                // pest ran out of stack despite the scan (an item the scan
                // ended early): the same error
                let at = pos + error_offset(&error);
                diagnostics.push(too_deep_error(file, at.min(text.len())));
                last_item = None;
                pos = resume_at(text, at);
            }
            Err(error) => {
                let (mut diagnostic, at) = syntax_error(file, pos, &error);
                // an item that fails at once on the line where the previous
                // one ended means the previous one stopped short (`b = f` of
                // `b = f(x =>)`): drop it rather than check half an item
                if at == pos
                    && let Some((start, end)) = last_item
                    && !text[end..pos].contains('\n')
                {
                    let dropped = ast.items.pop();
                    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
                    let taken = text[line_start..pos].trim();
                    let at_equals = text[pos..].starts_with('=');
                    if at_equals && let Some(Item::Param(param)) = dropped {
                        diagnostic = Diagnostic::error(
                            Code::Syntax,
                            format!("the default of parameter `{}` is not a constant", param.name.name),
                        )
                        .with_label(file, Span::new(pos, pos + 1), "")
                        .with_help(
                            "a default is a string, number, boolean, null, list or object written out",
                        );
                    } else if at_equals && start < line_start && !taken.is_empty() {
                        // `a = .x +` then `b = .y`: the previous item took `b`
                        diagnostic = diagnostic.with_help(format!(
                            "is the line before unfinished? `{taken}` was read as the end of it"
                        ));
                    }
                }
                diagnostics.push(diagnostic);
                last_item = None;
                pos = resume_at(text, at);
            }
        }
    }
    (ast, diagnostics)
}

/// Parses the item at `pos`, as `MapcParser::parse(Rule::item,
/// &text[pos..])` would, in time linear in the item's length.
///
/// pest builds its error by scanning back from the end of its input to the
/// error, so a failing parse of `&text[pos..]` costs the rest of the file:
/// 40,000 junk lines took 51 s. The item is parsed in a window that ends
/// near it instead; a result that the window's end may have changed (an
/// error close to it) is parsed again in a window twice as long. A
/// success is confirmed on the whole text (a success builds no error, so
/// that is cheap).
fn parse_item(
    text: &str,
    pos: usize,
) -> Result<pest::iterators::Pairs<'_, Rule>, pest::error::Error<Rule>> {
    /// More than the longest token pest may look at past an error.
    const MARGIN: usize = 32;
    let rest = &text[pos..];
    let mut window = (resume_at(text, pos) - pos).max(256);
    loop {
        if window >= rest.len() {
            return MapcParser::parse(Rule::item, rest);
        }
        let end = (0..4)
            .map(|d| window + d)
            .find(|&w| rest.is_char_boundary(w))
            .unwrap_or(rest.len());
        match MapcParser::parse(Rule::item, &rest[..end]) {
            Ok(_) => return MapcParser::parse(Rule::item, rest),
            Err(error) if !is_limit(&error) && error_offset(&error) + MARGIN < end => {
                return Err(error);
            }
            Err(_) => window = end * 2,
        }
    }
}

/// "Nested too deeply" at byte `at`.
fn too_deep_error(file: &Arc<SourceFile>, at: usize) -> Diagnostic {
    let text = file.text.as_str();
    let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
    Diagnostic::error(
        Code::NestingLimit,
        format!(
            "mapping nested too deeply: more than {} levels of brackets, blocks and `if`, `for` or `match`",
            super::depth::MAX_NESTING
        ),
    )
    .with_label(file, Span::new(at, end), "this level is one too many")
    .with_help("split the expression with `let` bindings or defs; use `match` or a lookup table for a long `else if` chain")
}

/// Did pest stop at its own stack or call limit?
fn is_limit(error: &pest::error::Error<Rule>) -> bool {
    matches!(&error.variant, pest::error::ErrorVariant::CustomError { message }
        if message.contains("limit reached"))
}

fn error_offset(error: &pest::error::Error<Rule>) -> usize {
    match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// Skips whitespace and comments.
fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => {
                pos = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
            }
            _ => break,
        }
    }
    pos
}

/// After a syntax error at `at`: the next line that starts, in its first
/// column, something that can begin an item.
fn resume_at(text: &str, at: usize) -> usize {
    let mut line_start = text[at.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| at + i + 1);
    while line_start < text.len() {
        let first = text[line_start..].chars().next().unwrap_or(' ');
        if first.is_alphabetic() || first == '_' || first == '"' {
            return line_start;
        }
        line_start = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i + 1);
    }
    text.len()
}

fn is_keyword_rule(r: Rule) -> bool {
    matches!(
        r,
        Rule::kw_csv
            | Rule::kw_catch
            | Rule::kw_max_length
            | Rule::kw_min_length
            | Rule::kw_max_bytes
            | Rule::kw_matches
            | Rule::kw_between
            | Rule::kw_one_of
            | Rule::kw_is
            | Rule::kw_on_conflict
            | Rule::kw_reverse
            | Rule::kw_def
            | Rule::kw_default
            | Rule::kw_else
            | Rule::kw_for
            | Rule::kw_from
            | Rule::kw_if
            | Rule::kw_import
            | Rule::kw_in
            | Rule::kw_key
            | Rule::kw_let
            | Rule::kw_match
            | Rule::kw_param
            | Rule::kw_policy
            | Rule::kw_table
            | Rule::kw_then
            | Rule::kw_value
            | Rule::kw_when
            | Rule::kw_where
            | Rule::kw_reject
            | Rule::kw_skip
            | Rule::kw_keep
            | Rule::kw_emit
            | Rule::arrow
    )
}

/// The children of a pair that carry data (keywords skipped).
pub(super) fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword_rule(p.as_rule()))
}

pub(super) struct Builder<'f, 'd> {
    pub(super) file: &'f Arc<SourceFile>,
    pub(super) base: usize,
    pub(super) diagnostics: &'d mut Vec<Diagnostic>,
    /// Operators and brackets around the expression being built.
    pub(super) depth: usize,
    /// The item already has a "nested too deeply" error.
    pub(super) too_deep: bool,
}

/// How deeply an expression may nest (operators and brackets along one
/// path of the tree): the checker and the evaluator recurse on the tree,
/// and a much deeper one would overflow the stack.
pub(super) const MAX_DEPTH: usize = 100;

impl Builder<'_, '_> {
    pub(super) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let start = self.base + s.start();
        let end = trim_trivia_end(&self.file.text, start, self.base + s.end());
        Span::new(start, end)
    }

    pub(super) fn error(&mut self, code: Code, span: Span, message: String, label: &str) {
        let diagnostic = Diagnostic::error(code, message).with_label(self.file, span, label);
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }
}

/// pest's span of a rule that ends in an optional or repeated part includes
/// the whitespace and comments it skipped looking for that part; cut them
/// off, so that underlines end where the code ends.
fn trim_trivia_end(text: &str, start: usize, mut end: usize) -> usize {
    loop {
        let trimmed = text[start..end].trim_end();
        end = start + trimmed.len();
        // a comment runs to the end of its line: look for a `#` outside a
        // string on the last line (strings do not span lines)
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let Some(hash) = comment_start(&trimmed[line_start..]) else {
            return end;
        };
        end = start + line_start + hash;
    }
}

/// The byte offset of a `#` that starts a comment in one line of code.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod span_tests {
    use super::trim_trivia_end;

    #[test]
    fn trailing_comments_and_space_are_not_code() {
        let text = "a = if .x then 1   # c\nb = 2";
        assert_eq!(trim_trivia_end(text, 4, 23), 16);
        let text = "a = \"x # y\"  # z\n";
        assert_eq!(
            &text[..trim_trivia_end(text, 0, text.len())],
            "a = \"x # y\""
        );
        let text = "a = 1 # one\n  # two\n";
        assert_eq!(&text[..trim_trivia_end(text, 0, text.len())], "a = 1");
    }
}
