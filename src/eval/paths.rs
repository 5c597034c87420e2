//! Reading paths from values, and naming where a value came from.

use super::{Flow, Machine, Origin, Result, Value};
use crate::diagnostics::Code;
use crate::program::{Node, NodeKind, Step};

impl<'a> Machine<'a> {
    /// `base.a[0].b[*].c`
    pub(super) fn get(
        &mut self,
        node: &'a Node,
        base: &'a Node,
        steps: &'a [Step],
    ) -> Result<Value<'a>> {
        let mut current = self.eval(base)?;
        let mut spread: Option<Vec<Value<'a>>> = None;
        for (i, step) in steps.iter().enumerate() {
            if let Some(items) = spread.as_mut() {
                let mut next = Vec::with_capacity(items.len());
                // one value per element, in order: an element without the
                // field (or index) gives null in its place, as jq's
                // `[.[].field]` does, so `[*].a` and `[*].b` stay aligned; a
                // nested `[*]` splices lists, and a null element has none
                for item in items.drain(..) {
                    match step {
                        Step::All => match item {
                            Value::Missing | Value::Null => {}
                            item => match item.into_elements() {
                                Ok(inner) => next.extend(inner),
                                Err(other) => {
                                    return self.step_error(node, base, steps, i, &other);
                                }
                            },
                        },
                        _ => match self.step(&item, step) {
                            Ok(Value::Missing) => next.push(Value::Null),
                            Ok(v) => next.push(v),
                            Err(()) => return self.step_error(node, base, steps, i, &item),
                        },
                    }
                }
                *items = next;
                continue;
            }
            current = match step {
                Step::All => match std::mem::take(&mut current) {
                    Value::Missing => return Ok(Value::Missing),
                    Value::Null => return Ok(Value::Missing),
                    other => match other.into_elements() {
                        Ok(items) => {
                            spread = Some(items);
                            continue;
                        }
                        Err(other) => return self.step_error(node, base, steps, i, &other),
                    },
                },
                _ => match self.step(&current, step) {
                    Ok(v) => v,
                    Err(()) => return self.step_error(node, base, steps, i, &current),
                },
            };
            if current.is_missing() {
                return Ok(Value::Missing);
            }
        }
        Ok(match spread {
            Some(items) => Value::List(items),
            None => current,
        })
    }

    fn step(&self, value: &Value<'a>, step: &Step) -> std::result::Result<Value<'a>, ()> {
        match step {
            Step::Field(key) => value.field(key),
            Step::Index(i) => value.index(*i),
            Step::All => Err(()),
        }
    }

    fn step_error<T>(
        &self,
        node: &'a Node,
        base: &'a Node,
        steps: &[Step],
        at: usize,
        value: &Value<'_>,
    ) -> Result<T> {
        let what = match &steps[at] {
            Step::Field(key) => format!("field `{key}`"),
            Step::Index(i) => format!("index [{i}]"),
            Step::All => "elements `[*]`".to_string(),
        };
        let mut error = self.error(
            Code::TypeMismatch,
            node,
            format!(
                "cannot read {what} of {} {}",
                article(value.type_name()),
                value.type_name()
            ),
        );
        let base_path = if self.is_input_path(base) {
            self.source_path(base)
        } else {
            None
        };
        error.source_path = base_path.map(|mut p| {
            for step in &steps[..at] {
                push_step(&mut p, step);
            }
            p
        });
        error.set_value(value);
        Err(Flow::Error(Box::new(error)))
    }

    /// Where in the input the value of `node` was read, if it was: a
    /// JSONPath such as `$.line_items[2].price`.
    pub(super) fn source_path(&self, node: &Node) -> Option<String> {
        match &node.kind {
            NodeKind::Root => Some("$".to_string()),
            NodeKind::Get(base, steps) => {
                // `xs[1]` of a filtered list is not `$.items[1]`, and
                // `first(.items).price` is not `$.items.price`
                if !self.is_input_path(base) {
                    return None;
                }
                let mut path = self.source_path(base)?;
                for step in steps {
                    push_step(&mut path, step);
                }
                Some(path)
            }
            NodeKind::Local(slot) => match self.origins.get(*slot)? {
                Origin::Unknown => None,
                Origin::Node(n) => self.source_path(n),
                Origin::Element(n, i) if self.is_input_path(n) => {
                    let mut path = self.source_path(n)?;
                    path.push_str(&format!("[{i}]"));
                    Some(path)
                }
                Origin::Element(..) => None,
            },
            NodeKind::Param(i) => Some(format!("${}", self.program.params.get(*i)?.name)),
            NodeKind::Call(_, args) | NodeKind::DefCall { args, .. } => {
                self.source_path(args.first()?)
            }
            NodeKind::Lookup { value, .. } => self.source_path(value),
            NodeKind::ListCall { list, .. } => self.source_path(list),
            NodeKind::Neg(inner) | NodeKind::Not(inner) => self.source_path(inner),
            // which side gave the value is known only at run time: name none
            // rather than a wrong one
            _ => None,
        }
    }
}

impl Machine<'_> {
    /// Is this node's value the very value at its source path in the
    /// input, so that its fields and elements are at that path too? Not
    /// for what a function built (filtered, sorted, first of) or a `[*]`
    /// spread, whose indexes are their own.
    fn is_input_path(&self, node: &Node) -> bool {
        match &node.kind {
            NodeKind::Root | NodeKind::Param(_) => true,
            NodeKind::Get(base, steps) => {
                !steps.iter().any(|s| matches!(s, Step::All)) && self.is_input_path(base)
            }
            NodeKind::Local(slot) => match self.origins.get(*slot) {
                Some(Origin::Node(n) | Origin::Element(n, _)) => self.is_input_path(n),
                _ => false,
            },
            _ => false,
        }
    }
}

pub(super) fn push_step(path: &mut String, step: &Step) {
    match step {
        Step::Field(key) => {
            let plain = key
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if plain {
                path.push('.');
                path.push_str(key);
            } else {
                path.push_str(&format!(
                    "[{}]",
                    crate::json::Value::String(key.to_string())
                ));
            }
        }
        Step::Index(i) => path.push_str(&format!("[{i}]")),
        Step::All => path.push_str("[*]"),
    }
}

fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
