//! Syntax errors as mapc's own diagnostics: pest's "expected" sets in
//! human words, plus the common mistakes said plainly (an unclosed
//! bracket, an unterminated string, a rule cut short).

use super::ast::Span;
use super::parser::Rule;
use super::rule_names::rule_name;
use crate::diagnostics::{Code, Diagnostic, SourceFile};
use std::sync::Arc;

/// The diagnostic for a failed item parse that started at `base`, and the
/// offset the error is at.
pub(super) fn syntax_error(
    file: &Arc<SourceFile>,
    base: usize,
    error: &pest::error::Error<Rule>,
) -> (Diagnostic, usize) {
    let text = file.text.as_str();
    let at = base
        + match error.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
    let at = at.min(text.len());
    let found = describe_found(&text[at..]);
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().map(|r| rule_name(*r)).collect();
            names.sort_unstable();
            names.dedup();
            names
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", one_of(&expected))
    };
    // at the end of the file, or at the very start of an item (the item
    // before it ended early, as `b = concat` before `("x", .y`)
    let unclosed = if text[at..].trim().is_empty() {
        unclosed_delimiter(&text[base..at])
    } else if at == base {
        unclosed_delimiter(&text[base..]).filter(|(open, _)| *open == 0)
    } else {
        None
    };
    if let Some((open, close)) = unclosed {
        // running into the end of the file is almost always an unclosed
        // bracket: say which one, rather than list every token
        let open_at = base + open;
        let opener = &text[open_at..open_at + 1];
        let diagnostic = Diagnostic::error(
            Code::Syntax,
            format!("unclosed `{opener}`: expected `{close}` before the end of the file"),
        )
        .with_label(file, Span::new(open_at, open_at + 1), "not closed")
        .with_help(format!("add `{close}` where it ends"));
        return (diagnostic, at);
    }
    if let Some(diagnostic) = unterminated_string(file, at) {
        return (diagnostic, at);
    }
    if at == base
        && let Some(op) = infix_operator(&text[at..])
    {
        // an item cannot start with an operator: the rule before it ended
        // there because what follows the operator is not a value
        let after = at + op.len();
        let rest = &text[after..];
        let value_at = after + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        if let Some(diagnostic) = unterminated_string(file, value_at) {
            return (diagnostic, at);
        }
        let found = describe_found(&text[value_at..]);
        let end = value_at + text[value_at..].chars().next().map_or(0, char::len_utf8);
        let diagnostic = Diagnostic::error(
            Code::Syntax,
            format!("expected a value after `{op}`, found {found}"),
        )
        .with_label(file, Span::new(value_at, end), "");
        return (diagnostic, at);
    }
    let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
    let mut diagnostic =
        Diagnostic::error(Code::Syntax, message).with_label(file, Span::new(at, end), "");
    if let Some(help) = syntax_help(&text[base..at], &text[at..], &expected) {
        diagnostic = diagnostic.with_help(help);
    }
    (diagnostic, at)
}

/// The innermost `{`, `(` or `[` left open in `text` (strings and comments
/// skipped): its offset and the bracket that would close it.
fn unclosed_delimiter(text: &str) -> Option<(usize, char)> {
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '{' => stack.push((i, '}')),
            '(' => stack.push((i, ')')),
            '[' => stack.push((i, ']')),
            '}' | ')' | ']' if stack.last().is_some_and(|(_, close)| *close == c) => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

/// A string opening at `at` and not closed on its line.
fn unterminated_string(file: &Arc<SourceFile>, at: usize) -> Option<Diagnostic> {
    let text = file.text.as_str();
    if !text[at..].starts_with('"') {
        return None;
    }
    let line = text[at + 1..].split('\n').next().unwrap_or_default();
    if line.replace("\\\\", "").replace("\\\"", "").contains('"') {
        return None;
    }
    Some(
        Diagnostic::error(Code::Syntax, "unterminated string")
            .with_label(
                file,
                Span::new(at, at + 1),
                "this string has no closing `\"`",
            )
            .with_help("a string ends with `\"` on the same line; write a line break as `\\n`"),
    )
}

/// The infix operator `rest` starts with, if any.
fn infix_operator(rest: &str) -> Option<&'static str> {
    const SYMBOLS: &[&str] = &[
        "??", "==", "!=", "<=", ">=", "|", "+", "-", "*", "/", "%", "<", ">",
    ];
    if let Some(op) = SYMBOLS.iter().find(|op| rest.starts_with(**op)) {
        return Some(op);
    }
    // `when` and `default` too: an option with no expression after it
    ["and", "or", "when", "default"].into_iter().find(|word| {
        rest.starts_with(word)
            && !rest[word.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    })
}

fn describe_found(rest: &str) -> String {
    let rest = rest.trim_start_matches([' ', '\t']);
    match rest.chars().next() {
        None => "end of file".to_string(),
        Some('\n') | Some('\r') | Some('#') => "end of line".to_string(),
        Some(c) if c.is_alphanumeric() || c == '_' => {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            format!("`{word}`")
        }
        Some(c) => format!("`{c}`"),
    }
}

fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn syntax_help(before: &str, rest: &str, expected: &[&str]) -> Option<String> {
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let declares = before
        .split_whitespace()
        .next_back()
        .is_some_and(|w| ["let", "def", "param", "table", "for", "import"].contains(&w));
    if expected.contains(&"a name") && KEYWORDS.contains(&word.as_str()) && declares {
        return Some(format!("`{word}` is a keyword; choose another name"));
    }
    if expected.contains(&"a name") && KEYWORDS.contains(&word.as_str()) {
        return Some(format!(
            "`{word}` is a keyword; quote it to use it as a field name: `\"{word}\"`"
        ));
    }
    if rest.starts_with('\'') {
        return Some("strings are written in double quotes: \"text\"".to_string());
    }
    // record-level control
    if word == "if" && before.split_whitespace().next_back() == Some("reject") {
        return Some("the reason comes first: `reject \"reason\" if condition`".to_string());
    }
    if ["emit", "reject", "skip", "keep"].contains(&word.as_str()) && expected.contains(&"a rule") {
        return Some(format!(
            "`{word}` is about whole records: write it at the top level, not inside a block"
        ));
    }
    // a misspelt option after a rule (`.email optinal`)
    if !KEYWORDS.contains(&word.as_str())
        && let Some(option) = crate::diagnostics::did_you_mean(&word, RULE_OPTIONS.iter().copied())
    {
        return Some(format!("did you mean `{option}`? (a rule option)"));
    }
    None
}

/// The words that may follow a rule's value.
const RULE_OPTIONS: &[&str] = &[
    "required",
    "optional",
    "nullable",
    "default",
    "when",
    "max_length",
    "min_length",
    "max_bytes",
    "matches",
    "between",
    "one_of",
];

const KEYWORDS: &[&str] = &[
    "and", "default", "def", "else", "false", "for", "from", "if", "import", "in", "let", "match",
    "not", "null", "nullable", "optional", "or", "param", "policy", "required", "table", "then",
    "true", "when", "where",
];
