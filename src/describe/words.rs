//! Transformations in plain words: `trim, then lower-case`, `look up in
//! table `status``, `constant "Web"`, `if ... then ... else ...`.

use super::walk::Walker;
use crate::json::Value as Json;
use crate::program::{DefBody, Node, NodeKind};

/// Plain words for what a node does to its input.
pub(super) trait Words {
    /// The transformation, in words; `copy` for a plain copy.
    fn words(&self, node: &Node) -> String;
}

/// Words for a one-argument built-in, when the name alone is not clear.
fn verb(name: &str) -> Option<&'static str> {
    Some(match name {
        "trim" => "trim",
        "trim_start" => "trim the start",
        "trim_end" => "trim the end",
        "lower" => "lower-case",
        "upper" => "upper-case",
        "title" => "title-case",
        "to_number" => "convert to a number",
        "to_string" => "convert to text",
        "abs" => "absolute value",
        "length" => "length",
        "count" => "count the elements",
        "first" => "first element",
        "last" => "last element",
        "sum" => "sum",
        "flatten" => "flatten",
        "compact" => "drop empty elements",
        "unique" => "drop repeated elements",
        "reverse" => "reverse",
        "sort" => "sort",
        "keys" => "the keys",
        "values" => "the values",
        "nonempty" => "empty counts as no value",
        "exists" => "is it present?",
        "is_null" => "is it null?",
        "is_blank" => "is it blank?",
        "is_empty" => "is it empty?",
        "type_of" => "its type name",
        _ => return None,
    })
}

/// Is the node's value the start of a chain (so its words can be
/// followed by `, then ...`)?
fn chainable(node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::Root
            | NodeKind::Get(..)
            | NodeKind::Local(_)
            | NodeKind::Param(_)
            | NodeKind::Const(_)
            | NodeKind::Call(..)
            | NodeKind::Lookup { .. }
    )
}

impl Words for Walker<'_> {
    fn words(&self, node: &Node) -> String {
        match &node.kind {
            NodeKind::Root | NodeKind::Get(..) => {
                let (_, exact) = self.sources(node);
                if exact {
                    "copy".into()
                } else {
                    super::code(self.text(node))
                }
            }
            NodeKind::Local(slot) => match self.env.get(slot).and_then(|b| b.words.clone()) {
                Some(words) => words,
                None => "copy".into(),
            },
            NodeKind::Const(value) => format!("constant {value}"),
            NodeKind::Param(i) => match self.program.params.get(*i) {
                Some(p) => format!("parameter `${}`", p.name),
                None => "a parameter".into(),
            },
            NodeKind::Call(f, args) => {
                let Some((subject, rest)) = args.split_first() else {
                    return super::code(self.text(node));
                };
                if !chainable(subject) || matches!(f.name, "concat" | "concat_all" | "coalesce") {
                    return super::code(self.text(node));
                }
                let rest: Vec<String> = rest.iter().map(|a| self.text(a)).collect();
                let step = match (verb(f.name), rest.as_slice()) {
                    (Some(v), []) => v.to_string(),
                    (_, [from, to]) if f.name == "replace" => format!("replace {from} with {to}"),
                    (_, [sep]) if f.name == "split" => format!("split at {sep}"),
                    (_, [sep]) if f.name == "join" => format!("join with {sep}"),
                    (_, [n, ..]) if f.name == "truncate" => {
                        format!("truncate to {n} characters")
                    }
                    (_, [n, fill, ..]) if f.name == "pad_start" => {
                        format!("pad the start to {n} characters with {fill}")
                    }
                    (_, [n, fill, ..]) if f.name == "pad_end" => {
                        format!("pad the end to {n} characters with {fill}")
                    }
                    (_, [places, mode]) if f.name == "round" => {
                        format!("round to {places} places ({mode})")
                    }
                    (_, [ty]) if f.name == "assert_type" => format!("must be of type {ty}"),
                    (_, [by, places, mode]) if f.name == "divide" => {
                        format!("divide by {by}, to {places} places ({mode})")
                    }
                    _ => format!("{}({})", f.name, rest.join(", ")),
                };
                self.then(subject, step)
            }
            NodeKind::Lookup { table, value } => {
                let name = self
                    .program
                    .tables
                    .get(*table)
                    .map_or("?", |t| t.name.as_str());
                let step = format!("look up in table `{name}`");
                if chainable(value) {
                    self.then(value, step)
                } else {
                    format!("{}, then {step}", super::code(self.text(value)))
                }
            }
            NodeKind::If(condition, then, otherwise) => {
                let mut s = format!("if `{}` then {}", self.text(condition), self.branch(then));
                match otherwise {
                    Some(o) => {
                        s.push_str(" else ");
                        s.push_str(&self.branch(o));
                    }
                    None => s.push_str(", otherwise no value"),
                }
                s
            }
            NodeKind::Match {
                subject,
                arms,
                fallback,
            } => {
                let mut cases: Vec<String> = arms
                    .iter()
                    .map(|(patterns, value)| {
                        let keys: Vec<String> = patterns.iter().map(Json::to_string).collect();
                        format!("{} → {}", keys.join(", "), self.branch(value))
                    })
                    .collect();
                if let Some(f) = fallback {
                    cases.push(format!("otherwise → {}", self.branch(f)));
                }
                format!("by `{}`: {}", self.text(subject), cases.join("; "))
            }
            NodeKind::Block(_) => "nested object, fields below".into(),
            NodeKind::Binary(crate::syntax::BinaryOp::Coalesce, ..) => {
                let mut parts = Vec::new();
                let mut current = node;
                while let NodeKind::Binary(crate::syntax::BinaryOp::Coalesce, l, r) = &current.kind
                {
                    parts.push(self.branch(r));
                    current = l;
                }
                parts.push(self.branch(current));
                parts.reverse();
                format!("the first present of {}", parts.join(", "))
            }
            NodeKind::Binary(crate::syntax::BinaryOp::Catch, value, fallback) => format!(
                "{}; {} when that fails",
                self.branch(value),
                self.branch(fallback)
            ),
            NodeKind::Binary(..) | NodeKind::Neg(_) | NodeKind::Not(_) => {
                format!("compute `{}`", self.text(node))
            }
            NodeKind::DefCall { def, args, .. } => {
                let def = self.program.defs.get(*def);
                let name = def.map_or("?", |d| d.name.as_str());
                let args: Vec<String> = args.iter().map(|a| self.text(a)).collect();
                match def.map(|d| &d.body) {
                    Some(DefBody::Value(value)) => format!(
                        "`{name}({})`, where def `{name}` is `{}`",
                        args.join(", "),
                        self.text(value)
                    ),
                    _ => format!("sub-mapping `{name}({})`, fields below", args.join(", ")),
                }
            }
            NodeKind::For { list, filter, .. } => {
                let mut s = format!("one object per element of `{}`", self.text(list));
                if let Some(f) = filter {
                    s.push_str(&format!(" where `{}`", self.text(f)));
                }
                s.push_str(", fields below");
                s
            }
            _ => super::code(self.text(node)),
        }
    }
}

impl Walker<'_> {
    /// `subject's words, then step` (a plain copy adds nothing).
    fn then(&self, subject: &Node, step: String) -> String {
        match self.words(subject).as_str() {
            "copy" => step,
            before => format!("{before}, then {step}"),
        }
    }

    /// A branch of an `if`, `match` or `??`: a constant as JSON, anything
    /// else as its source text.
    fn branch(&self, node: &Node) -> String {
        match &node.kind {
            NodeKind::Const(value) => value.to_string(),
            _ => super::code(self.text(node)),
        }
    }
}
