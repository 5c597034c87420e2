//! Why a value is missing: the input paths an expression reads, and which
//! of them are missing, null or blank in this record. Paths are read
//! without evaluating anything; only to know which branch an `if` or a
//! `??` took is its condition (or left side) evaluated again, as the rule
//! did (an error there is ignored: it names no cause).

use super::{Machine, RuntimeError, Value};
use crate::diagnostics::Code;
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
    pub(super) fn sources(&mut self, node: &'a Node) -> Vec<Source<'a>> {
        let mut out = Vec::new();
        self.collect_sources(node, &mut out, 0);
        out
    }

    /// The first input path `node` reads, with its value.
    pub(super) fn first_source(&mut self, node: &'a Node) -> Option<(String, Value<'a>)> {
        let source = self.sources(node).into_iter().next()?;
        Some((source.path, source.value))
    }

    fn collect_sources(&mut self, node: &'a Node, out: &mut Vec<Source<'a>>, depth: usize) {
        const MAX_SOURCES: usize = 8;
        if out.len() >= MAX_SOURCES || depth > 32 {
            return;
        }
        let depth = depth + 1;
        match &node.kind {
            NodeKind::Get(base, steps) => {
                if let Some(source) = self.peek(base, steps) {
                    if !out.iter().any(|s| s.path == source.path) {
                        out.push(source);
                    }
                } else {
                    self.collect_sources(base, out, depth);
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
                    self.collect_sources(value, out, depth);
                }
            }
            NodeKind::Call(_, args) | NodeKind::DefCall { args, .. } => {
                for arg in args {
                    self.collect_sources(arg, out, depth);
                }
            }
            NodeKind::List(items) => {
                for item in items {
                    self.collect_sources(item, out, depth);
                }
            }
            NodeKind::Object(entries) => {
                for (_, value) in entries {
                    self.collect_sources(value, out, depth);
                }
            }
            NodeKind::Lookup { value, .. } => self.collect_sources(value, out, depth),
            NodeKind::ListCall { list, .. } => self.collect_sources(list, out, depth),
            NodeKind::Neg(inner) | NodeKind::Not(inner) => self.collect_sources(inner, out, depth),
            NodeKind::Binary(crate::syntax::BinaryOp::Coalesce, lhs, rhs) => {
                // the side `??` took: the right one when the left has no value
                match self.eval(lhs) {
                    Ok(left) if self.is_unset(&left) => self.collect_sources(rhs, out, depth),
                    Ok(_) => self.collect_sources(lhs, out, depth),
                    Err(_) => {}
                }
            }
            NodeKind::Binary(_, lhs, rhs) => {
                self.collect_sources(lhs, out, depth);
                self.collect_sources(rhs, out, depth);
            }
            NodeKind::If(condition, then, otherwise) => {
                // the branch the condition chose; the condition itself
                // gave no value
                let start = out.len();
                match self.condition(condition) {
                    Ok(true) => self.collect_sources(then, out, depth),
                    Ok(false) => {
                        if let Some(o) = otherwise {
                            self.collect_sources(o, out, depth);
                        }
                    }
                    Err(_) => {}
                }
                // a branch that reads no input (`fail(...)`, a constant):
                // what decided it is the condition's input
                if out.len() == start {
                    self.collect_sources(condition, out, depth);
                }
            }
            NodeKind::Match { subject, .. } => self.collect_sources(subject, out, depth),
            NodeKind::For { list, .. } => self.collect_sources(list, out, depth),
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
    fn peek(&mut self, base: &'a Node, steps: &'a [Step]) -> Option<Source<'a>> {
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
        let mut path = match self.source_path(base) {
            Some(path) => path,
            // a variable whose value is an input object reached through an
            // `if` (`let order = if ... then .order else .`): the one
            // input it holds
            None => {
                let inner = match &base.kind {
                    NodeKind::Local(slot) => match self.origins[*slot] {
                        super::Origin::Node(n) => self.sources(n),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                match inner.as_slice() {
                    [only] if only.value.type_name() == "object" => only.path.clone(),
                    _ => return None,
                }
            }
        };
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

    /// E300: the field has no value. Names the input path that has none
    /// (missing, null or blank), not merely the first the rule reads: in
    /// `.amount * lookup(.currency, rates)` it is `$.currency`.
    pub(super) fn required_error(
        &mut self,
        rule: &'a crate::program::Rule,
        value: &Value<'a>,
    ) -> RuntimeError {
        // required by the rule, or by `policy missing = error`
        let by_policy = rule.absent.is_none();
        let sources = self.sources(&rule.value);
        let causes: Vec<_> = sources
            .iter()
            .filter_map(|s| Some((s, s.absence()?)))
            .collect();
        let own = match value {
            Value::Null => Absence::Null,
            Value::String(_) => Absence::Blank,
            _ => Absence::Missing,
        };
        // a source shown as "although it is ..." is a plain value, not the
        // record or an object
        let scalars: Vec<_> = sources
            .iter()
            .filter(|s| !matches!(s.value.type_name(), "object" | "list"))
            .collect();
        let why = match causes.as_slice() {
            [] => match scalars.first() {
                // the inputs are there: a step of the expression gave nothing
                Some(source) => format!(
                    "the expression gives {} although `{}` is {}",
                    match own {
                        Absence::Missing => "no value".to_string(),
                        other => format!("a {} value", other.word()),
                    },
                    source.path,
                    source.value.describe()
                ),
                None => format!("the source is {}", own.word()),
            },
            [(source, absence)] => format!("`{}` is {}", source.path, absence.word()),
            many => {
                let parts: Vec<String> = many
                    .iter()
                    .take(3)
                    .map(|(s, a)| format!("`{}` is {}", s.path, a.word()))
                    .collect();
                parts.join(", ")
            }
        };
        let mut error = self.error(
            Code::RequiredMissing,
            &rule.value,
            format!(
                "{}field `{}` has no value: {why}",
                if by_policy { "" } else { "required " },
                self.target_path()
            ),
        );
        error.span = rule.loc.span.to(rule.value.loc.span);
        let first = causes.first().map(|(s, _)| *s).or(scalars.first().copied());
        error.source_path = first.map(|s| s.path.clone());
        if let Some(first) = first.filter(|s| !s.value.is_missing()) {
            error.set_value(&first.value);
        }
        if first.is_none() && matches!(value, Value::Null | Value::String(_)) {
            error.set_value(value);
        }
        let fix = if by_policy {
            "`policy missing = error` requires a value for every field without an option: \
             add `default <value>`, or make the field `optional` or `nullable`"
        } else {
            "add `default <value>`, or make the field `optional` or `nullable`"
        };
        // a key absent from the record is likelier a typo than a policy
        error.help = Some(
            match causes
                .first()
                .filter(|(_, a)| *a == Absence::Missing)
                .and_then(|(s, _)| s.help())
            {
                Some(keys) => format!("{keys}; otherwise {fix}"),
                None => fix.to_string(),
            },
        );
        error
    }
}
