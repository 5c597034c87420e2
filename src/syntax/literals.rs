//! Building literals: strings (unescaped), constants, keys and scalars.

use super::ast::*;
use super::parser::{Builder, Rule, children};
use crate::diagnostics::Code;
use crate::json::Value as Json;
use pest::iterators::Pair;

impl Builder<'_, '_> {
    pub(super) fn text(&mut self, pair: Pair<'_, Rule>) -> Text {
        let span = self.span(&pair);
        Text {
            value: self.string_value(pair),
            span,
        }
    }

    /// The unescaped value of a `string` pair.
    pub(super) fn string_value(&mut self, pair: Pair<'_, Rule>) -> String {
        let span = self.span(&pair);
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        match unescape(raw) {
            Ok(s) => s,
            Err((offset, message)) => {
                // +1 for the opening quote
                let at = span.start + 1 + offset;
                let len = raw[offset..]
                    .chars()
                    .take(2)
                    .map(char::len_utf8)
                    .sum::<usize>();
                self.error(Code::InvalidEscape, Span::new(at, at + len), message, "");
                String::new()
            }
        }
    }

    pub(super) fn constant(&mut self, pair: Pair<'_, Rule>) -> Constant {
        let span = self.span(&pair);
        let value = match pair.as_rule() {
            Rule::constant_list => {
                Json::Array(children(pair).map(|p| self.constant(p).value).collect())
            }
            Rule::constant_object => {
                let mut map = crate::json::Map::new();
                for entry in children(pair) {
                    let mut it = children(entry);
                    let (Some(key), Some(value)) = (it.next(), it.next()) else {
                        continue;
                    };
                    let key = self.key(key);
                    map.insert(key, self.constant(value).value);
                }
                Json::Object(map)
            }
            _ => self.scalar(pair),
        };
        Constant { value, span }
    }

    pub(super) fn key(&mut self, pair: Pair<'_, Rule>) -> String {
        match pair.as_rule() {
            Rule::string => self.string_value(pair),
            _ => pair.as_str().to_string(),
        }
    }

    pub(super) fn scalar(&mut self, pair: Pair<'_, Rule>) -> Json {
        match pair.as_rule() {
            Rule::string => Json::String(self.string_value(pair)),
            Rule::true_lit => Json::Bool(true),
            Rule::false_lit => Json::Bool(false),
            Rule::null_lit => Json::Null,
            _ => {
                let span = self.span(&pair);
                match pair.as_str().parse::<crate::json::Number>() {
                    Ok(n) => Json::Number(n),
                    Err(_) => {
                        self.error(
                            Code::InvalidNumber,
                            span,
                            format!("invalid number `{}`", pair.as_str()),
                            "not a JSON number",
                        );
                        Json::Null
                    }
                }
            }
        }
    }
}

/// Unescapes the body of a string literal. On failure: the byte offset of the
/// bad escape and a message.
fn unescape(raw: &str) -> Result<String, (usize, String)> {
    if !raw.contains('\\') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return Err((i, "unfinished escape".to_string()));
        };
        match e {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => {
                let mut hex = String::new();
                if chars.peek().map(|(_, c)| *c) == Some('{') {
                    chars.next();
                    for (_, h) in chars.by_ref() {
                        if h == '}' {
                            break;
                        }
                        hex.push(h);
                    }
                } else {
                    for _ in 0..4 {
                        if let Some((_, h)) = chars.next() {
                            hex.push(h);
                        }
                    }
                }
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                match ch {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err((i, format!("`\\u{{{hex}}}` is not a Unicode scalar value")));
                    }
                }
            }
            other => {
                return Err((
                    i,
                    format!(
                        "unknown escape `\\{other}`; the escapes are \\\" \\\\ \\/ \\n \\r \\t \\u{{...}}"
                    ),
                ));
            }
        }
    }
    Ok(out)
}
