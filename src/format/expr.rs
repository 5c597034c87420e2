//! Expressions and constants, printed on one line (blocks, `for` bodies and
//! multi-line `match`es excepted), with parentheses only where precedence
//! needs them and the author's own `( ... )` kept.

use super::Printer;
use super::layout::{Entry, Row, RowKind, render};
use crate::json::Value as Json;
use crate::syntax::{
    Accessor, ArgumentValue, BinaryOp, Constant, Expr, ExprKind, ForLoop, MatchArm, Span, UnaryOp,
};
use std::fmt::Write;

/// Binding strength, low to high: `catch`, `??`, `or`, `and`, `not`,
/// comparisons, `|`, `+ -`, `* / %`, unary `-`, atoms. An `if` expression
/// has none: its last branch would swallow an operator written after it.
fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, ..) => binary_precedence(*op),
        ExprKind::Pipe(..) => PIPE,
        ExprKind::Unary(UnaryOp::Not, _) => NOT,
        ExprKind::Unary(UnaryOp::Neg, _) => NEG,
        ExprKind::If(..) => 0,
        _ => ATOM,
    }
}

const ATOM: u8 = 11;
const NOT: u8 = 5;
const PIPE: u8 = 7;
const NEG: u8 = 10;

fn binary_precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Catch => 1,
        BinaryOp::Coalesce => 2,
        BinaryOp::Or => 3,
        BinaryOp::And => 4,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            6
        }
        BinaryOp::Add | BinaryOp::Sub => 8,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 9,
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// A word that can be written without quotes (as a field, key or target).
pub(super) fn is_plain(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A string literal, escaped canonically: `\"`, `\\`, `\n`, `\t`, `\r`, and
/// `\u{..}` for other control characters and for characters a reader
/// cannot see or that reorder the line ([`hidden`]).
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_char(&mut out, c, false);
    }
    out.push('"');
    out
}

/// One character of a string literal, canonically; `escaped` when the
/// author wrote it as an escape, which a character outside printable
/// ASCII then stays (`\u{301}` is never turned into a raw combining mark).
fn push_char(out: &mut String, c: char, escaped: bool) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() || hidden(c) || (escaped && !c.is_ascii()) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// Characters that look like nothing or like a plain space, or that
/// reorder the text around them (the "Trojan Source" characters): written
/// as escapes even when the author typed them raw, so a review sees them.
fn hidden(c: char) -> bool {
    matches!(
        c,
        '\u{a0}'                       // no-break space
            | '\u{ad}'                 // soft hyphen
            | '\u{34f}'                // combining grapheme joiner
            | '\u{61c}'                // Arabic letter mark
            | '\u{115f}'..='\u{1160}' // Hangul fillers
            | '\u{1680}'
            | '\u{180e}'
            | '\u{2000}'..='\u{200f}' // spaces, zero-width space and joiners, LRM, RLM
            | '\u{2028}'..='\u{202f}' // separators, bidi embeddings and overrides
            | '\u{205f}'..='\u{206f}' // word joiner, invisible operators, bidi isolates
            | '\u{3000}'
            | '\u{3164}'
            | '\u{feff}'               // byte order mark
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// A string literal as the author wrote it (`raw`, with its quotes),
/// re-escaped canonically while keeping each escape of a character outside
/// printable ASCII an escape; [`quote`] of `value` when `raw` is not that
/// literal.
pub(super) fn requote(raw: &str, value: &str) -> String {
    let Some(body) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return quote(value);
    };
    let mut out = String::with_capacity(raw.len());
    let mut decoded = String::with_capacity(value.len());
    out.push('"');
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            push_char(&mut out, c, false);
            decoded.push(c);
            continue;
        }
        let c = match chars.next() {
            Some('"') => '"',
            Some('\\') => '\\',
            Some('/') => '/',
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('u') => {
                let mut hex = String::new();
                if chars.peek() == Some(&'{') {
                    chars.next();
                    for h in chars.by_ref() {
                        if h == '}' {
                            break;
                        }
                        hex.push(h);
                    }
                } else {
                    hex.extend(chars.by_ref().take(4));
                }
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(c) => c,
                    None => return quote(value),
                }
            }
            _ => return quote(value),
        };
        push_char(&mut out, c, true);
        decoded.push(c);
    }
    out.push('"');
    if decoded == value { out } else { quote(value) }
}

/// A key: bare when it can be, quoted otherwise.
pub(super) fn key(name: &str) -> String {
    if is_plain(name) {
        name.to_string()
    } else {
        quote(name)
    }
}

/// A constant JSON value; numbers keep the digits the author wrote.
pub(super) fn constant(value: &Json) -> String {
    match value {
        Json::String(s) => quote(s),
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(constant).collect();
            format!("[{}]", items.join(", "))
        }
        Json::Object(map) if map.is_empty() => "{}".to_string(),
        Json::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", quote(k), constant(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        other => other.to_string(),
    }
}

impl Printer<'_> {
    /// A number exactly as the author wrote it (serde_json would turn `1e3`
    /// into `1e+3`); a string with the author's escapes of characters
    /// outside printable ASCII kept (see [`requote`]).
    fn number_text(&self, value: &Json, span: Span) -> String {
        match (value, self.source.get(span.start..span.end)) {
            (Json::Number(_), Some(text)) if text.trim().parse::<f64>().is_ok() => {
                text.trim().to_string()
            }
            (Json::String(s), Some(text)) => requote(text.trim(), s),
            _ => constant(value),
        }
    }

    /// A declared constant (table entry, pattern, parameter default).
    pub(super) fn constant_at(&self, c: &Constant) -> String {
        self.number_text(&c.value, c.span)
    }

    /// The keys of a table entry, `_` for the fallback, broken over lines
    /// after the commas where the author broke them.
    pub(super) fn entry_keys(&mut self, keys: &[Constant]) -> String {
        if keys.is_empty() {
            return "_".to_string();
        }
        let outer = std::mem::replace(&mut self.flat, false);
        let mut out = String::new();
        let mut previous = None;
        for k in keys {
            self.separator(&mut out, previous, k.span.start, 0);
            out.push_str(&self.constant_at(k));
            previous = Some(k.span);
        }
        self.flat = outer;
        out
    }

    /// `"a", "b"` or `_`.
    pub(super) fn patterns(&self, patterns: &[Constant]) -> String {
        if patterns.is_empty() {
            return "_".to_string();
        }
        let parts: Vec<String> = patterns.iter().map(|p| self.constant_at(p)).collect();
        parts.join(", ")
    }

    /// An expression at the loosest position (a rule's value, an argument).
    pub(super) fn expr(&mut self, e: &Expr) -> String {
        self.expr_at(e, 0)
    }

    /// An expression where only operators binding at least as tightly as
    /// `min` may appear without parentheses.
    fn expr_at(&mut self, e: &Expr, min: u8) -> String {
        let text = self.expr_inner(e);
        if precedence(e) < min {
            format!("({text})")
        } else {
            text
        }
    }

    fn expr_inner(&mut self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Literal(v) => self.number_text(v, e.span),
            ExprKind::Root => ".".to_string(),
            ExprKind::Param(name) => format!("${name}"),
            ExprKind::Variable(name) => name.clone(),
            ExprKind::Access(base, accessor) => {
                let mut out = match base.kind {
                    ExprKind::Root => String::new(),
                    _ => self.expr_at(base, ATOM),
                };
                match accessor {
                    Accessor::Field(name) => {
                        out.push('.');
                        out.push_str(&key(name));
                    }
                    Accessor::Index(i) => {
                        if out.is_empty() {
                            out.push('.');
                        }
                        out.push_str(&format!("[{i}]"));
                    }
                    Accessor::All => {
                        if out.is_empty() {
                            out.push('.');
                        }
                        out.push_str("[*]");
                    }
                }
                out
            }
            ExprKind::List(items) => {
                let mut out = "[".to_string();
                let mut previous = None;
                for item in items {
                    self.separator(&mut out, previous, item.span.start, 1);
                    let text = self.expr(item);
                    self.append(&mut out, &text);
                    previous = Some(item.span);
                }
                out.push(']');
                out
            }
            ExprKind::Object(entries) if entries.is_empty() => "{}".to_string(),
            ExprKind::Object(entries) => {
                let mut out = "{ ".to_string();
                let mut previous = None;
                for (k, v) in entries {
                    self.separator(&mut out, previous, k.span.start, 2);
                    let text = format!("{}: ", quote(&k.name));
                    self.append(&mut out, &text);
                    let value = self.expr(v);
                    self.append(&mut out, &value);
                    previous = Some(v.span);
                }
                out.push_str(" }");
                out
            }
            ExprKind::Block(block) => self.block(block),
            ExprKind::Call(name, args) => {
                let mut out = format!("{}(", name.name);
                let open = width(&out);
                let mut previous = None;
                for a in args {
                    self.separator(&mut out, previous, a.span.start, open);
                    if let Some(n) = &a.name {
                        out.push_str(&n.name);
                        out.push_str(": ");
                    }
                    match &a.value {
                        ArgumentValue::Expr(e) => {
                            let text = self.expr(e);
                            self.append(&mut out, &text);
                        }
                        ArgumentValue::Lambda(p, body) => {
                            self.append(&mut out, &format!("{} => ", p.name));
                            let text = self.expr(body);
                            self.append(&mut out, &text);
                        }
                    }
                    previous = Some(a.span);
                }
                out.push(')');
                out
            }
            ExprKind::Pipe(lhs, rhs) => self.infix(lhs, PIPE, "|", rhs, PIPE + 1),
            ExprKind::Unary(op, operand) => match op {
                UnaryOp::Neg => {
                    let mut out = "-".to_string();
                    let text = self.expr_at(operand, NEG);
                    self.append(&mut out, &text);
                    out
                }
                UnaryOp::Not => {
                    let mut out = "not ".to_string();
                    let text = self.expr_at(operand, NOT);
                    self.append(&mut out, &text);
                    out
                }
            },
            ExprKind::Binary(op, lhs, rhs) => {
                let p = binary_precedence(*op);
                self.infix(lhs, p, op.symbol(), rhs, p + 1)
            }
            ExprKind::If(..) => self.if_chain(e),
            ExprKind::Match(subject, arms) => self.match_expr(e, subject, arms),
            ExprKind::For(for_loop) => self.for_expr(for_loop),
            ExprKind::Group(inner) => {
                let mut out = "(".to_string();
                let text = self.expr(inner);
                self.append(&mut out, &text);
                out.push(')');
                out
            }
        }
    }

    /// `lhs op rhs`, or `lhs` and `op rhs` on the next line if the author
    /// broke the line there.
    fn infix(&mut self, lhs: &Expr, left_min: u8, op: &str, rhs: &Expr, right_min: u8) -> String {
        let mut out = self.expr_at(lhs, left_min);
        match self.line_break(lhs.span, rhs.span.start, 0) {
            Some(text) => {
                out.push_str(&text);
                out.push_str(op);
                out.push(' ');
            }
            None => {
                out.push(' ');
                out.push_str(op);
                out.push(' ');
            }
        }
        let text = self.expr_at(rhs, right_min);
        self.append(&mut out, &text);
        out
    }

    /// `if a then b else if c then d else e`, each `else` on a new line
    /// (aligned with the first `if`) where the author broke the line.
    fn if_chain(&mut self, e: &Expr) -> String {
        let mut out = String::new();
        let mut current = e;
        while let ExprKind::If(condition, then, otherwise) = &current.kind {
            out.push_str("if ");
            let text = self.expr(condition);
            self.append(&mut out, &text);
            out.push_str(" then ");
            let text = self.expr(then);
            self.append(&mut out, &text);
            let Some(otherwise) = otherwise else {
                break;
            };
            match self.line_break(then.span, otherwise.span.start, 0) {
                Some(text) => {
                    out.push_str(&text);
                    out.push_str("else ");
                }
                None => out.push_str(" else "),
            }
            if matches!(otherwise.kind, ExprKind::If(..)) {
                current = otherwise;
            } else {
                let text = self.expr(otherwise);
                self.append(&mut out, &text);
                break;
            }
        }
        out
    }

    /// `, ` between the items of a list, call or object; or `,`, a new
    /// line and `open` spaces if the author broke the line there.
    pub(super) fn separator(
        &mut self,
        out: &mut String,
        previous: Option<Span>,
        next: usize,
        open: usize,
    ) {
        let Some(previous) = previous else { return };
        match self.line_break(previous, next, open) {
            Some(text) => {
                out.push(',');
                out.push_str(&text);
                out.extend(std::iter::repeat_n(' ', open));
            }
            None => out.push_str(", "),
        }
    }

    /// If the author broke the line between the code of `before` and
    /// `next` (and the statement may take several lines): the comment at
    /// the end of that line, the newline, and the comments on their own
    /// lines before `next`, each followed by a newline.
    fn line_break(&mut self, before: Span, next: usize, indent: usize) -> Option<String> {
        if self.flat {
            return None;
        }
        let mut end = self.comments.code_end(before);
        // the comma after a list item, argument or entry
        let rest = self.source.get(end..next)?;
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if rest[spaces..].starts_with(',') {
            end += spaces + 1;
        }
        let gap = self.source.get(end..next)?;
        if !gap.contains('\n') {
            return None;
        }
        let mut text = String::new();
        if let Some(comment) = self.comments.trailing(end) {
            text.push_str("  ");
            text.push_str(&comment);
        }
        text.push('\n');
        for comment in self.comments.before(next) {
            text.extend(std::iter::repeat_n(' ', indent));
            text.push_str(&comment.text);
            text.push('\n');
        }
        Some(text)
    }

    /// Appends `text` to `out`; in a statement that may take several lines,
    /// the lines after its first are indented to where `text` starts.
    pub(super) fn append(&self, out: &mut String, text: &str) {
        if self.flat || !text.contains('\n') {
            out.push_str(text);
            return;
        }
        let column = width(out.rsplit('\n').next().unwrap_or_default());
        let indent: String = " ".repeat(column);
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
                if !line.is_empty() {
                    out.push_str(&indent);
                }
            }
            out.push_str(line);
        }
    }

    /// Does printing `e` take lines of its own (a block, a `for`, a
    /// `match` with one arm per line)? Such a statement is printed without
    /// line breaks inside its expressions.
    pub(super) fn takes_lines(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Block(_) | ExprKind::For(_) => true,
            ExprKind::Match(subject, arms) => {
                self.source
                    .get(e.span.start..e.span.end)
                    .is_some_and(|s| s.contains('\n'))
                    || self.takes_lines(subject)
                    || arms.iter().any(|a| self.takes_lines(&a.value))
            }
            ExprKind::Literal(_) | ExprKind::Root | ExprKind::Param(_) | ExprKind::Variable(_) => {
                false
            }
            ExprKind::Access(base, _) => self.takes_lines(base),
            ExprKind::List(items) => items.iter().any(|i| self.takes_lines(i)),
            ExprKind::Object(entries) => entries.iter().any(|(_, v)| self.takes_lines(v)),
            ExprKind::Call(_, args) => args.iter().any(|a| match &a.value {
                ArgumentValue::Expr(e) | ArgumentValue::Lambda(_, e) => self.takes_lines(e),
            }),
            ExprKind::Pipe(l, r) | ExprKind::Binary(_, l, r) => {
                self.takes_lines(l) || self.takes_lines(r)
            }
            ExprKind::Unary(_, x) | ExprKind::Group(x) => self.takes_lines(x),
            ExprKind::If(c, t, o) => {
                self.takes_lines(c)
                    || self.takes_lines(t)
                    || o.as_ref().is_some_and(|o| self.takes_lines(o))
            }
        }
    }

    fn for_expr(&mut self, l: &ForLoop) -> String {
        let mut s = format!("for {}", l.item.name);
        if let Some(i) = &l.index {
            s.push_str(", ");
            s.push_str(&i.name);
        }
        s.push_str(" in ");
        s.push_str(&self.expr(&l.list));
        if let Some(filter) = &l.filter {
            s.push_str(" where ");
            s.push_str(&self.expr(filter));
        }
        s.push(' ');
        s.push_str(&self.block(&l.body));
        s
    }

    /// A `match` stays on one line if it was written on one line (and no
    /// arm needs several); otherwise one arm per line, aligned on `=>`.
    fn match_expr(&mut self, e: &Expr, subject_expr: &Expr, arms: &[MatchArm]) -> String {
        let subject = self.expr(subject_expr);
        let written_on_lines = self
            .source
            .get(e.span.start..e.span.end)
            .is_some_and(|s| s.contains('\n'));
        if !written_on_lines {
            let mut parts = Vec::new();
            for arm in arms {
                parts.push(format!(
                    "{} => {}",
                    self.patterns(&arm.patterns),
                    self.expr(&arm.value)
                ));
            }
            if parts.iter().all(|p| !p.contains('\n')) {
                if parts.is_empty() {
                    return format!("match {subject} {{}}");
                }
                return format!("match {subject} {{ {} }}", parts.join(", "));
            }
        }
        let after_subject = subject_expr.span.end.min(e.span.end);
        let open = after_subject
            + self
                .source
                .get(after_subject..e.span.end)
                .and_then(|s| s.find('{'))
                .unwrap_or(0);
        let mut text = format!("match {subject} {{");
        let trailing = self.comments.trailing(open + 1);
        let close = e.span.end.saturating_sub(1);
        let mut entries = Vec::new();
        for (i, arm) in arms.iter().enumerate() {
            self.leading(&mut entries, arm.span.start);
            let arm_end = self.comments.code_end(arm.span);
            let hoisted = std::mem::take(&mut self.hoisted);
            let mut value = self.expr(&arm.value);
            // `.x` then `-1 => ...` on the next line would read as `.x - 1`
            if arms
                .get(i + 1)
                .and_then(|next| next.patterns.first())
                .is_some_and(|p| self.constant_at(p).starts_with('-'))
            {
                value.push(',');
            }
            let inner = std::mem::replace(&mut self.hoisted, hoisted);
            self.push_hoisted(&mut entries, inner, arm_end);
            let comment = self.comments.trailing(arm_end);
            let key = self.patterns(&arm.patterns);
            entries.push(if value.contains('\n') {
                Entry::Lines {
                    text: format!("{key} => {value}"),
                    comment,
                }
            } else {
                Entry::Row(Row {
                    kind: RowKind::Entry,
                    key,
                    sep: " => ",
                    value,
                    options: String::new(),
                    comment,
                })
            });
        }
        self.closing(&mut entries, close);
        finish_braces(&mut text, trailing, &entries);
        text
    }
}

/// Appends the body of a `{ ... }` to `text` (which ends with `{`).
pub(super) fn finish_braces(text: &mut String, trailing: Option<String>, entries: &[Entry]) {
    if let Some(c) = &trailing {
        text.push_str("  ");
        text.push_str(c);
    }
    if entries.is_empty() && trailing.is_none() {
        text.push('}');
        return;
    }
    for line in render(entries, "  ") {
        text.push('\n');
        text.push_str(&line);
    }
    text.push_str("\n}");
}
