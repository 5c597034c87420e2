//! The mapping's constants: top-level `let`s of the main file whose value
//! does not depend on the record (literals, parameters, tables, built-in
//! functions and earlier constants; no `.` path and no def call). Defs see
//! them by name, as they see parameters. A mapping whose defs use one has
//! all its constants evaluated first, in order, before any rule, so that a
//! def called by any rule finds them bound; that moves no meaning, since a
//! constant reads nothing a rule writes.

use super::statements::Scope;
use super::{Checker, Module};
use crate::program::{self, Node};
use crate::stdlib::Ty;
use crate::syntax::{self, ArgumentValue, Child, Expr, ExprKind, Statement};

/// A constant `let` of the main file.
pub(super) struct ConstantLet {
    pub(super) name: String,
    pub(super) slot: usize,
    pub(super) ty: Ty,
    /// The `let` statement's span in the main file.
    pub(super) span: syntax::Span,
    /// Its checked value, until the top level takes it.
    pub(super) value: Option<Node>,
    /// Can defs see it? Not once a later `let` of the same name shadows it.
    pub(super) visible: bool,
    /// Does a def read it?
    pub(super) used_by_def: bool,
}

impl Checker {
    /// Finds and checks the constants of the main file, before its defs
    /// are checked.
    pub(super) fn constants(&mut self, module: &Module, ast: &syntax::Ast) {
        let mut scope = Scope {
            module,
            vars: Vec::new(),
            def: None,
        };
        for statement in ast.statements() {
            let Statement::Let(binding) = statement else {
                continue;
            };
            let name = &binding.name.name;
            for c in &mut self.constants {
                if c.name == *name {
                    c.visible = false;
                }
            }
            let known: Vec<&str> = scope.vars.iter().map(|(n, _, _)| n.as_str()).collect();
            if !is_constant(&binding.value, module, &known, &mut Vec::new()) {
                scope.vars.retain(|(n, _, _)| n != name);
                self.record_lets.push(name.clone());
                continue;
            }
            let value = self.expr(&mut scope, &binding.value);
            let ty = self.infer(&value);
            let slot = self.new_slot();
            scope.vars.push((name.clone(), slot, ty));
            self.constants.push(ConstantLet {
                name: name.clone(),
                slot,
                ty,
                span: binding.span,
                value: Some(value),
                visible: true,
                used_by_def: false,
            });
        }
    }

    /// The constants a def of `module` sees: name, slot, type.
    pub(super) fn constants_for(&self, module: &Module) -> Vec<(String, usize, Ty)> {
        if module.file != 0 {
            return Vec::new();
        }
        self.constants
            .iter()
            .filter(|c| c.visible)
            .map(|c| (c.name.clone(), c.slot, c.ty))
            .collect()
    }

    /// A def read the variable in `slot`: if it is a constant, note it.
    pub(super) fn constant_read_by_def(&mut self, slot: usize) {
        if let Some(c) = self.constants.iter_mut().find(|c| c.slot == slot) {
            c.used_by_def = true;
        }
    }

    /// The checked value and slot of the constant `let` at `span` of the
    /// main file, taken once.
    pub(super) fn take_constant(
        &mut self,
        file: u32,
        span: syntax::Span,
    ) -> Option<(usize, Ty, Node)> {
        if file != 0 {
            return None;
        }
        let c = self.constants.iter_mut().find(|c| c.span == span)?;
        Some((c.slot, c.ty, c.value.take()?))
    }

    /// Should constants be evaluated before every rule (a def reads one)?
    pub(super) fn hoist_constants(&self) -> bool {
        self.constants.iter().any(|c| c.used_by_def)
    }

    /// The names of constants some def reads (they count as used).
    pub(super) fn constants_read_by_defs(&self) -> Vec<String> {
        self.constants
            .iter()
            .filter(|c| c.used_by_def)
            .map(|c| c.name.clone())
            .collect()
    }
}

/// Does `e` read nothing of the record? `known` are the constants before
/// it, `locals` the names bound inside it (lambda and loop variables).
fn is_constant(e: &Expr, module: &Module, known: &[&str], locals: &mut Vec<String>) -> bool {
    let is_def = |name: &str| module.defs.contains_key(name);
    match &e.kind {
        ExprKind::Root | ExprKind::Block(_) | ExprKind::For(_) => false,
        ExprKind::Literal(_) | ExprKind::Param(_) => true,
        // a table's name is an argument of `lookup`
        ExprKind::Variable(name) => {
            locals.iter().any(|l| l == name)
                || known.contains(&name.as_str())
                || module.tables.contains_key(name)
        }
        ExprKind::Call(name, args) => {
            !is_def(&name.name) && args.iter().all(|a| argument(a, module, known, locals))
        }
        ExprKind::Pipe(lhs, rhs) => {
            let function_ok = match &rhs.kind {
                ExprKind::Variable(name) => !is_def(name),
                ExprKind::Call(name, args) => {
                    !is_def(&name.name) && args.iter().all(|a| argument(a, module, known, locals))
                }
                _ => false,
            };
            function_ok && is_constant(lhs, module, known, locals)
        }
        _ => {
            let mut all = true;
            e.for_each_child(|child| match child {
                Child::Expr(c) => all &= is_constant(c, module, known, locals),
                Child::Block(_) => all = false,
            });
            all
        }
    }
}

fn argument(
    a: &syntax::Argument,
    module: &Module,
    known: &[&str],
    locals: &mut Vec<String>,
) -> bool {
    match &a.value {
        ArgumentValue::Expr(e) => is_constant(e, module, known, locals),
        ArgumentValue::Lambda(param, body) => {
            locals.push(param.name.clone());
            let ok = is_constant(body, module, known, locals);
            locals.pop();
            ok
        }
    }
}

/// The `let` statement that binds a hoisted constant.
pub(super) fn constant_statement(
    name: &str,
    loc: program::Loc,
    slot: usize,
    value: Node,
) -> program::Statement {
    program::Statement::Let {
        name: name.into(),
        loc,
        slot,
        value,
    }
}
