//! Where a field's value comes from: the input paths and parameters an
//! expression reads, through `let`s, def parameters, loop and lambda
//! variables.

use super::walk::{Binding, Walker};
use super::words::Words;
use crate::json::Value as Json;
use crate::program::{Node, NodeKind, Step};
use crate::stdlib::ListOp;

impl Walker<'_> {
    /// Binds the element variable of every list function's lambda in
    /// `node` (`map(.items, i => i.sku)`: `i` is `$.items[*]`).
    pub(super) fn bind_lambdas(&mut self, node: &Node) {
        if let NodeKind::ListCall { list, slot, .. } = &node.kind {
            self.bind_lambdas(list);
            let binding = self.element_binding(list);
            self.env.insert(*slot, binding);
        }
        for child in children(node) {
            self.bind_lambdas(child);
        }
    }

    /// What a `let` or an argument binds: its sources and words.
    pub(super) fn binding(&mut self, value: &Node) -> Binding {
        self.bind_lambdas(value);
        let (paths, exact) = self.sources(value);
        let words = if exact { None } else { Some(self.words(value)) };
        Binding {
            paths,
            exact,
            words,
            elements: self.elements(value),
        }
    }

    /// The paths of a list's elements, when they are known: a path's
    /// `[*]`, or the elements of a list that a filter or sort keeps.
    fn elements(&self, list: &Node) -> Option<Vec<String>> {
        match &list.kind {
            NodeKind::ListCall {
                op: ListOp::Filter | ListOp::SortBy,
                list,
                ..
            } => self.elements(list),
            NodeKind::Call(f, args)
                if matches!(f.name, "sort" | "unique" | "reverse" | "compact") =>
            {
                self.elements(args.first()?)
            }
            NodeKind::Local(slot) => match self.env.get(slot) {
                Some(b) if b.exact => Some(b.paths.iter().map(|p| format!("{p}[*]")).collect()),
                Some(b) => b.elements.clone(),
                None => None,
            },
            _ => match self.sources(list) {
                (paths, true) => Some(paths.iter().map(|p| format!("{p}[*]")).collect()),
                _ => None,
            },
        }
    }

    /// What the element variable of a `for` or a lambda over `list` is.
    pub(super) fn element_binding(&self, list: &Node) -> Binding {
        match self.elements(list) {
            Some(paths) => Binding {
                paths,
                exact: true,
                words: None,
                elements: None,
            },
            None => Binding {
                paths: self.sources(list).0,
                exact: false,
                words: Some(format!("an element of `{}`", self.text(list))),
                elements: None,
            },
        }
    }

    /// The input paths and parameters a node reads, and whether it is
    /// exactly one path (a copy).
    pub(super) fn sources(&self, node: &Node) -> (Vec<String>, bool) {
        let mut out = Vec::new();
        let exact = self.collect(node, &mut out);
        out.dedup();
        (out, exact)
    }

    fn collect(&self, node: &Node, out: &mut Vec<String>) -> bool {
        match &node.kind {
            NodeKind::Root => {
                out.push("$".into());
                true
            }
            NodeKind::Param(i) => {
                if let Some(p) = self.program.params.get(*i) {
                    out.push(format!("${}", p.name));
                }
                true
            }
            NodeKind::Local(slot) => match self.env.get(slot) {
                Some(b) => {
                    out.extend(b.paths.iter().cloned());
                    b.exact
                }
                None => false,
            },
            NodeKind::Get(base, steps) => {
                let mut inner = Vec::new();
                let exact = self.collect(base, &mut inner);
                if exact {
                    let suffix = steps_text(steps);
                    out.extend(inner.into_iter().map(|p| format!("{p}{suffix}")));
                } else {
                    out.extend(inner);
                }
                exact
            }
            NodeKind::Const(_) => false,
            // alternatives: `if c then .a else .b`, `.a ?? .b` read `.a` or
            // `.b`, and a path after them goes on from either
            NodeKind::If(c, t, Some(e)) => {
                let mut alternatives = Vec::new();
                let exact = self.collect(t, &mut alternatives) & self.collect(e, &mut alternatives);
                if !exact {
                    self.collect(c, &mut alternatives);
                }
                for p in alternatives {
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
                exact
            }
            NodeKind::Binary(
                crate::syntax::BinaryOp::Coalesce | crate::syntax::BinaryOp::Catch,
                l,
                r,
            ) => {
                let mut alternatives = Vec::new();
                let exact = self.collect(l, &mut alternatives) & self.collect(r, &mut alternatives);
                for p in alternatives {
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
                exact
            }
            _ => {
                for child in children(node) {
                    let mut inner = Vec::new();
                    self.collect(child, &mut inner);
                    for p in inner {
                        if !out.contains(&p) {
                            out.push(p);
                        }
                    }
                }
                false
            }
        }
    }
}

/// `.a.b[0][*]`; keys that are not plain words as `["key"]`.
fn steps_text(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Field(name) if crate::format::is_plain_key(name) => {
                out.push('.');
                out.push_str(name);
            }
            Step::Field(name) => out.push_str(&format!("[{}]", Json::String(name.to_string()))),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::All => out.push_str("[*]"),
        }
    }
    out
}

/// The direct children of a node (not the statements of blocks).
pub(super) fn children(node: &Node) -> Vec<&Node> {
    match &node.kind {
        NodeKind::Const(_) | NodeKind::Root | NodeKind::Local(_) | NodeKind::Param(_) => Vec::new(),
        NodeKind::Get(base, _) => vec![base],
        NodeKind::List(items) => items.iter().collect(),
        NodeKind::Object(entries) => entries.iter().map(|(_, v)| v).collect(),
        NodeKind::Block(_) => Vec::new(),
        NodeKind::Call(_, args) | NodeKind::DefCall { args, .. } => args.iter().collect(),
        NodeKind::ListCall { list, body, .. } => vec![list, body],
        NodeKind::Lookup { value, .. } => vec![value],
        NodeKind::Neg(x) | NodeKind::Not(x) => vec![x],
        NodeKind::Binary(_, l, r) => vec![l, r],
        NodeKind::If(c, t, e) => {
            let mut v: Vec<&Node> = vec![c, t];
            if let Some(e) = e {
                v.push(e);
            }
            v
        }
        NodeKind::Match {
            subject,
            arms,
            fallback,
        } => {
            let mut v: Vec<&Node> = vec![subject];
            v.extend(arms.iter().map(|(_, n)| n));
            if let Some(f) = fallback {
                v.push(f);
            }
            v
        }
        NodeKind::For { list, filter, .. } => {
            let mut v: Vec<&Node> = vec![list];
            if let Some(f) = filter {
                v.push(f);
            }
            v
        }
    }
}
