//! Expressions and constants, printed on one line (blocks, `for` bodies and
//! multi-line `match`es excepted), with parentheses only where precedence
//! needs them and the author's own `( ... )` kept.

use super::Printer;
use super::layout::{Entry, Row, RowKind, render};
use crate::syntax::{
    Accessor, ArgumentValue, BinaryOp, Constant, Expr, ExprKind, ForLoop, MatchArm, Span, UnaryOp,
};
use serde_json::Value as Json;
use std::fmt::Write;

/// Binding strength, low to high: `??`, `or`, `and`, `not`, comparisons,
/// `|`, `+ -`, `* / %`, unary `-`, atoms. An `if` expression has none: its
/// last branch would swallow an operator written after it.
fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, ..) => binary_precedence(*op),
        ExprKind::Pipe(..) => 6,
        ExprKind::Unary(UnaryOp::Not, _) => 4,
        ExprKind::Unary(UnaryOp::Neg, _) => 9,
        ExprKind::If(..) => 0,
        _ => 10,
    }
}

fn binary_precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Coalesce => 1,
        BinaryOp::Or => 2,
        BinaryOp::And => 3,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            5
        }
        BinaryOp::Add | BinaryOp::Sub => 7,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 8,
    }
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
/// `\u{..}` for other control characters.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
    /// into `1e+3`).
    fn number_text(&self, value: &Json, span: Span) -> String {
        match self.source.get(span.start..span.end) {
            Some(text) if value.is_number() && text.trim().parse::<f64>().is_ok() => {
                text.trim().to_string()
            }
            _ => constant(value),
        }
    }

    /// A declared constant (table entry, pattern, parameter default).
    pub(super) fn constant_at(&self, c: &Constant) -> String {
        self.number_text(&c.value, c.span)
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
                let base_text = match base.kind {
                    ExprKind::Root => String::new(),
                    _ => self.expr_at(base, 10),
                };
                match accessor {
                    Accessor::Field(name) => format!("{base_text}.{}", key(name)),
                    Accessor::Index(i) => {
                        let base_text = if base_text.is_empty() {
                            "."
                        } else {
                            &base_text
                        };
                        format!("{base_text}[{i}]")
                    }
                    Accessor::All => {
                        let base_text = if base_text.is_empty() {
                            "."
                        } else {
                            &base_text
                        };
                        format!("{base_text}[*]")
                    }
                }
            }
            ExprKind::List(items) => {
                let items: Vec<String> = items.iter().map(|i| self.expr(i)).collect();
                format!("[{}]", items.join(", "))
            }
            ExprKind::Object(entries) if entries.is_empty() => "{}".to_string(),
            ExprKind::Object(entries) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", quote(&k.name), self.expr(v)))
                    .collect();
                format!("{{ {} }}", entries.join(", "))
            }
            ExprKind::Block(block) => self.block(block),
            ExprKind::Call(name, args) => {
                let args: Vec<String> = args
                    .iter()
                    .map(|a| {
                        let value = match &a.value {
                            ArgumentValue::Expr(e) => self.expr(e),
                            ArgumentValue::Lambda(p, body) => {
                                format!("{} => {}", p.name, self.expr(body))
                            }
                        };
                        match &a.name {
                            Some(n) => format!("{}: {value}", n.name),
                            None => value,
                        }
                    })
                    .collect();
                format!("{}({})", name.name, args.join(", "))
            }
            ExprKind::Pipe(lhs, rhs) => {
                format!("{} | {}", self.expr_at(lhs, 6), self.expr_at(rhs, 7))
            }
            ExprKind::Unary(op, operand) => match op {
                UnaryOp::Neg => format!("-{}", self.expr_at(operand, 9)),
                UnaryOp::Not => format!("not {}", self.expr_at(operand, 4)),
            },
            ExprKind::Binary(op, lhs, rhs) => {
                let p = binary_precedence(*op);
                let lhs = self.expr_at(lhs, p);
                let rhs = self.expr_at(rhs, p + 1);
                format!("{lhs} {} {rhs}", op.symbol())
            }
            ExprKind::If(condition, then, otherwise) => {
                let mut s = format!("if {} then {}", self.expr(condition), self.expr(then));
                if let Some(o) = otherwise {
                    s.push_str(" else ");
                    s.push_str(&self.expr(o));
                }
                s
            }
            ExprKind::Match(subject, arms) => self.match_expr(e, subject, arms),
            ExprKind::For(for_loop) => self.for_expr(for_loop),
            ExprKind::Group(inner) => format!("({})", self.expr(inner)),
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
