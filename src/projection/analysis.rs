//! Which source paths a program reads, and which of them it uses whole.

use super::Need;
use crate::program::{Block, DefBody, Node, NodeKind, Program, Statement, Step};

/// A root path: object keys from the record (array steps are transparent).
type Path = Vec<Box<str>>;

/// The need of the whole program.
pub(crate) fn analyse(program: &Program) -> Need {
    let mut analysis = Analysis {
        program,
        need: Need::nothing(),
        slots: vec![Vec::new(); program.slots],
        changed: true,
    };
    // def parameters learn their paths from call sites, which may be in
    // other defs: repeat until nothing changes (defs do not recurse, so this
    // ends after at most as many rounds as there are defs, plus one)
    let mut rounds = 0;
    while analysis.changed && rounds <= program.defs.len() + 1 {
        analysis.changed = false;
        analysis.need = Need::nothing();
        analysis.block(&program.body);
        // guards and `emit`s read the record like rules (and may read the
        // top-level `let`s bound just above)
        for guard in &program.guards {
            analysis.used(&guard.condition);
        }
        for emit in &program.emits {
            analysis.used(&emit.value);
        }
        for def in &program.defs {
            match &def.body {
                DefBody::Block(block) => analysis.block(block),
                // what the call gives is used as a rule's value would be
                DefBody::Value(value) => analysis.used(value),
            }
        }
        rounds += 1;
    }
    if analysis.changed {
        // should not happen; be safe rather than wrong
        return Need::All;
    }
    analysis.need
}

struct Analysis<'p> {
    program: &'p Program,
    need: Need,
    /// The root paths a variable's value is (a union over binding sites).
    slots: Vec<Vec<Path>>,
    changed: bool,
}

impl Analysis<'_> {
    fn block(&mut self, block: &Block) {
        for statement in &block.statements {
            match statement {
                Statement::Let { slot, value, .. } => self.bind(*slot, value),
                Statement::If {
                    condition,
                    then,
                    otherwise,
                } => {
                    self.used(condition);
                    self.block(then);
                    self.block(otherwise);
                }
                Statement::Rule(rule) => {
                    self.used(&rule.value);
                    if let Some(d) = &rule.default {
                        self.used(d);
                    }
                    if let Some(w) = &rule.when {
                        self.used(w);
                    }
                }
            }
        }
    }

    /// Binds `slot` to the paths `value` is, if it is a path; otherwise the
    /// value is computed, and its inputs are used.
    fn bind(&mut self, slot: usize, value: &Node) {
        match self.paths(value) {
            Some(paths) => {
                for path in paths {
                    if !self.slots[slot].contains(&path) {
                        self.slots[slot].push(path);
                        self.changed = true;
                    }
                }
                // the path must be read even if the variable is only tested
                // for presence; its subtree is added by the uses
                self.touch(value);
            }
            None => self.used(value),
        }
    }

    /// Marks the paths of a path-like node as present (shape only).
    fn touch(&mut self, node: &Node) {
        if let Some(paths) = self.paths(node) {
            for path in paths {
                self.need.add(&path, Need::nothing());
            }
        }
    }

    /// The root paths a node's value is, when it is a path (`.a.b`,
    /// `item.sku` with `item` bound to paths); `None` when it is computed.
    fn paths(&self, node: &Node) -> Option<Vec<Path>> {
        match &node.kind {
            NodeKind::Root => Some(vec![Vec::new()]),
            NodeKind::Local(slot) => {
                let paths = self.slots.get(*slot)?;
                if paths.is_empty() {
                    None
                } else {
                    Some(paths.clone())
                }
            }
            NodeKind::Get(base, steps) => {
                let mut paths = self.paths(base)?;
                for path in &mut paths {
                    for step in steps {
                        if let Step::Field(key) = step {
                            path.push(key.clone());
                        }
                    }
                }
                Some(paths)
            }
            _ => None,
        }
    }

    /// The node's value is used whole: every path it is, or reads, is kept.
    fn used(&mut self, node: &Node) {
        if let Some(paths) = self.paths(node) {
            for path in paths {
                self.need.add(&path, Need::All);
            }
            return;
        }
        match &node.kind {
            NodeKind::Const(_) | NodeKind::Param(_) | NodeKind::Root | NodeKind::Local(_) => {}
            NodeKind::Get(base, _) => self.used(base),
            NodeKind::List(items) => items.iter().for_each(|i| self.used(i)),
            NodeKind::Object(entries) => entries.iter().for_each(|(_, v)| self.used(v)),
            NodeKind::Block(block) => self.block(block),
            NodeKind::Call(_, args) => args.iter().for_each(|a| self.used(a)),
            NodeKind::ListCall {
                list, slot, body, ..
            } => {
                self.bind(*slot, list);
                if self.paths(list).is_some() {
                    // the elements are bound; what the body reads of them is
                    // added by the body's own uses
                } else {
                    self.used(list);
                }
                self.used(body);
            }
            NodeKind::Lookup { value, .. } => self.used(value),
            NodeKind::DefCall { def, args, .. } => {
                let params = &self.program.defs[*def].params;
                for (arg, slot) in args.iter().zip(params) {
                    self.bind(*slot, arg);
                }
                // the def's body is analysed with the defs
            }
            NodeKind::Neg(inner) | NodeKind::Not(inner) => self.used(inner),
            NodeKind::Binary(_, lhs, rhs) => {
                self.used(lhs);
                self.used(rhs);
            }
            NodeKind::If(condition, then, otherwise) => {
                self.used(condition);
                self.used(then);
                if let Some(o) = otherwise {
                    self.used(o);
                }
            }
            NodeKind::Match {
                subject,
                arms,
                fallback,
            } => {
                self.used(subject);
                arms.iter().for_each(|(_, v)| self.used(v));
                if let Some(f) = fallback {
                    self.used(f);
                }
            }
            NodeKind::For {
                item,
                list,
                filter,
                body,
                ..
            } => {
                self.bind(*item, list);
                if let Some(f) = filter {
                    self.used(f);
                }
                self.block(body);
            }
        }
    }
}
