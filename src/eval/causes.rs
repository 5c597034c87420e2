//! Why a value is missing: the input paths an expression reads, and which
//! of them are missing, null or blank in this record. Read without
//! evaluating anything (no function runs, no `let` is forced), so naming a
//! cause cannot raise an error of its own.

use super::{Machine, Value};
use crate::diagnostics::did_you_mean;
use crate::program::{Node, NodeKind, Step};

/// How an input path has no value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Absence {
    Missing,
    Null,
    Blank,
}

impl Absence {
    pub(super) fn word(self) -> &'static str {
        match self {
            Absence::Missing => "missing",
            Absence::Null => "null",
            Absence::Blank => "blank",
        }
    }
}

/// An input path an expression reads, and its value in this record.
pub(super) struct Source<'a> {
    pub path: String,
    pub value: Value<'a>,
    /// For a missing path: the keys the object it was looked up in has.
    pub keys: Option<(String, Vec<String>)>,
}

impl Source<'_> {
    pub(super) fn absence(&self) -> Option<Absence> {
        match &self.value {
            Value::Missing => Some(Absence::Missing),
            Value::Null => Some(Absence::Null),
            Value::String(s) if s.trim().is_empty() => Some(Absence::Blank),
            _ => None,
        }
    }

    /// `has keys "amount", "curency": did you mean "curency"?`
    pub(super) fn help(&self) -> Option<String> {
        let (parent, keys) = self.keys.as_ref()?;
        let wanted = self.path.rsplit('.').next().unwrap_or_default();
        const SHOWN: usize = 10;
        let mut listed: Vec<String> = keys.iter().take(SHOWN).map(|k| format!("`{k}`")).collect();
        if keys.len() > SHOWN {
            listed.push(format!("and {} more", keys.len() - SHOWN));
        }
        let what = if parent == "$" {
            "the record".to_string()
        } else {
            format!("`{parent}`")
        };
        if keys.is_empty() {
            return None;
        }
        let has = format!("{what} has {}", listed.join(", "));
        Some(
            match did_you_mean(wanted, keys.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`? {has}"),
                None => format!("{has}: check the spelling of the key"),
            },
        )
    }
}

impl<'a> Machine<'a> {
    /// The input paths `node` reads, in reading order (a few at most).
    pub(super) fn sources(&self, node: &'a Node) -> Vec<Source<'a>> {
        let mut out = Vec::new();
        self.collect_sources(node, &mut out, 0);
        out
    }

    /// The first input path `node` reads, with its value described.
    pub(super) fn first_source(&self, node: &'a Node) -> Option<(String, String)> {
        let source = self.sources(node).into_iter().next()?;
        Some((source.path, source.value.describe()))
    }

    fn collect_sources(&self, node: &'a Node, out: &mut Vec<Source<'a>>, depth: usize) {
        const MAX_SOURCES: usize = 8;
        if out.len() >= MAX_SOURCES || depth > 32 {
            return;
        }
        let mut walk = |n: &'a Node| self.collect_sources(n, out, depth + 1);
        match &node.kind {
            NodeKind::Get(base, steps) => {
                if let Some(source) = self.peek(base, steps) {
                    if !out.iter().any(|s| s.path == source.path) {
                        out.push(source);
                    }
                } else {
                    walk(base);
                }
            }
            NodeKind::Local(slot) => {
                // a `let`: the paths its value reads
                let value = match (self.pending[*slot], self.origins[*slot]) {
                    (Some(pending), _) => Some(pending.value),
                    (None, super::Origin::Node(n)) => Some(n),
                    _ => None,
                };
                if let Some(value) = value {
                    walk(value);
                }
            }
            NodeKind::Call(_, args) | NodeKind::DefCall { args, .. } => {
                args.iter().for_each(walk);
            }
            NodeKind::List(items) => items.iter().for_each(walk),
            NodeKind::Object(entries) => entries.iter().for_each(|(_, n)| walk(n)),
            NodeKind::Lookup { value, .. } => walk(value),
            NodeKind::ListCall { list, .. } => walk(list),
            NodeKind::Neg(inner) | NodeKind::Not(inner) => walk(inner),
            NodeKind::Binary(crate::syntax::BinaryOp::Coalesce, lhs, rhs) => {
                // `a ?? b` took `b` when `a` has no value: then `a` is no
                // cause of anything
                let start = out.len();
                self.collect_sources(lhs, out, depth + 1);
                if out[start..].iter().all(|s| s.absence().is_some()) {
                    out.truncate(start);
                    self.collect_sources(rhs, out, depth + 1);
                }
            }
            NodeKind::Binary(_, lhs, rhs) => {
                walk(lhs);
                walk(rhs);
            }
            NodeKind::If(_, then, otherwise) => {
                // the condition chose a branch; it gave no value itself.
                // Which branch ran is not known here: a branch whose
                // inputs all have no value is no cause when the other has
                let start = out.len();
                self.collect_sources(then, out, depth + 1);
                if out[start..].iter().all(|s| s.absence().is_some()) {
                    let then_sources = out.split_off(start);
                    if let Some(o) = otherwise {
                        self.collect_sources(o, out, depth + 1);
                    }
                    if out.len() == start {
                        out.extend(then_sources);
                    }
                }
            }
            NodeKind::Match { subject, .. } => walk(subject),
            NodeKind::For { list, .. } => walk(list),
            // the whole record: present, and a cause of nothing
            NodeKind::Root => out.push(Source {
                path: "$".into(),
                value: self.root.clone(),
                keys: None,
            }),
            NodeKind::Const(_) | NodeKind::Param(_) | NodeKind::Block(_) => {}
        }
    }

    /// `base.steps` read from the input without evaluating anything: only
    /// when `base` is the record or a variable already holding an input
    /// value, and no step is `[*]`. A missing path is cut at its first
    /// missing key (`$.customer` of `$.customer.email`).
    fn peek(&self, base: &'a Node, steps: &'a [Step]) -> Option<Source<'a>> {
        if steps.iter().any(|s| matches!(s, Step::All)) {
            return None;
        }
        let mut value = match &base.kind {
            NodeKind::Root => self.root.clone(),
            NodeKind::Local(slot)
                if self.pending[*slot].is_none() && self.poisoned[*slot].is_none() =>
            {
                self.frame[*slot].clone()
            }
            _ => return None,
        };
        let mut path = self.source_path(base)?;
        for step in steps {
            let parent = std::mem::take(&mut value);
            let parent_path = path.clone();
            super::paths::push_step(&mut path, step);
            value = match step {
                Step::Field(key) => parent.field(key).unwrap_or_default(),
                Step::Index(i) => parent.index(*i).unwrap_or_default(),
                Step::All => return None,
            };
            if value.is_missing() {
                let keys = match step {
                    Step::Field(_) => parent.keys().map(|keys| (parent_path, keys)),
                    _ => None,
                };
                return Some(Source {
                    path,
                    value: Value::Missing,
                    keys,
                });
            }
        }
        Some(Source {
            path,
            value,
            keys: None,
        })
    }
}
