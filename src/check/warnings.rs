//! Warnings: things that compile but are probably mistakes. They never
//! stop a mapping from compiling.
//!
//! - W200: a table declared and never used;
//! - W201: a parameter declared and never used;
//! - W202: a `let` never used;
//! - W203: a name (`let`, `for` variable, lambda or def parameter) that
//!   shadows another one in scope;
//! - W210: a `for` index never used;
//! - W205: in an `if`/`else if`/`else` chain of three branches or more, a
//!   target field written on every branch but one;
//! - W250: `.path catch fallback`: reading a path fails only on a value
//!   that is not an object or list, never on a missing or null one, which is
//!   what `??` and `default` are for;
//! - W251: `concat("SO-", .number) required` (or `default`): `concat`
//!   skips missing parts, and with a constant part it always has a value,
//!   so the option never applies; `concat_all` is probably meant.
//!
//! W204 (a table key listed twice with the same value) is found with the
//! tables, W206 (an imported file's top-level rules) with the imports.
//!
//! A file with no rules is a library of tables and defs for others to
//! import: its tables and parameters are not reported as unused.

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::{
    self, ArgumentValue, Block, Child, DefBody, Else, Expr, ExprKind, Ident, IfStatement, Item,
    RuleOption, Statement,
};
use std::collections::HashSet;

/// A name in scope while walking.
struct Binding {
    name: String,
    span: syntax::Span,
    used: bool,
    /// What is reported when it is never used: a `let` (W202), a `for`
    /// index (W210); a loop variable, lambda or def parameter is not.
    unused: Option<Code>,
}

#[derive(Default)]
struct Walk {
    scope: Vec<Binding>,
    tables: HashSet<String>,
    params: HashSet<String>,
    /// The file's text, to quote expressions.
    text: String,
    /// Constant `let`s that a def reads: used, whatever the rules do.
    read_by_defs: Vec<String>,
    /// (code, message, span, label, help)
    found: Vec<(Code, String, syntax::Span, String, Option<String>)>,
}

impl Checker {
    /// Adds the warnings of the main file `file` with syntax tree `ast`.
    pub(super) fn warnings(&mut self, file: u32, ast: &syntax::Ast) {
        let mut walk = Walk {
            text: self.file(file).text.clone(),
            ..Walk::default()
        };
        for item in &ast.items {
            if let Item::Def(def) = item {
                let depth = walk.scope.len();
                for param in &def.params {
                    walk.bind(param, None);
                }
                match &def.body {
                    DefBody::Block(block) => walk.block(block),
                    DefBody::Value(value) => walk.expr(value),
                }
                walk.close(depth);
            }
        }
        walk.read_by_defs = self.constants_read_by_defs();
        // the top level in order: guards and `emit`s read its `let`s too
        let mut top_level = false;
        let depth = walk.scope.len();
        for item in &ast.items {
            match item {
                Item::Statement(statement) => walk.statement(statement),
                Item::Guard(guard) => walk.expr(&guard.condition),
                Item::Emit(emit) => walk.expr(&emit.value),
                _ => continue,
            }
            top_level = true;
        }
        walk.close(depth);
        walk.close(0);
        if top_level {
            for item in &ast.items {
                match item {
                    Item::Table(table) if !walk.tables.contains(&table.name.name) => {
                        walk.found.push((
                            Code::UnusedTable,
                            format!("table `{}` is never used", table.name.name),
                            table.name.span,
                            "declared here".into(),
                            Some(format!(
                                "use it with `lookup(value, {})`, or remove it",
                                table.name.name
                            )),
                        ));
                    }
                    Item::Param(param) if !walk.params.contains(&param.name.name) => {
                        walk.found.push((
                            Code::UnusedParameter,
                            format!("parameter `${}` is never used", param.name.name),
                            param.name.span,
                            "declared here".into(),
                            Some(format!("use it as `${}`, or remove it", param.name.name)),
                        ));
                    }
                    _ => {}
                }
            }
        }
        let source = std::sync::Arc::clone(self.file(file));
        walk.found.sort_by_key(|(_, _, span, _, _)| span.start);
        for (code, message, span, label, help) in walk.found {
            let mut d = Diagnostic::warning(code, message).with_label(&source, span, label);
            if let Some(help) = help {
                d = d.with_help(help);
            }
            self.diagnostics.push(d);
        }
    }
}

impl Walk {
    fn bind(&mut self, ident: &Ident, unused: Option<Code>) {
        if self.scope.iter().any(|b| b.name == ident.name) {
            self.found.push((
                Code::ShadowedName,
                format!("`{}` shadows an earlier `{}`", ident.name, ident.name),
                ident.span,
                "the earlier one cannot be used after this".into(),
                Some("give it another name".into()),
            ));
        }
        self.scope.push(Binding {
            name: ident.name.clone(),
            span: ident.span,
            used: false,
            unused,
        });
    }

    /// Leaves a scope: the `let`s and `for` indexes bound since `depth`
    /// that were never used are reported.
    fn close(&mut self, depth: usize) {
        for binding in self.scope.drain(depth..).collect::<Vec<_>>() {
            let read_by_def = depth == 0 && self.read_by_defs.contains(&binding.name);
            if binding.used || read_by_def || binding.name.starts_with('_') {
                continue;
            }
            match binding.unused {
                Some(Code::UnusedLet) => self.found.push((
                    Code::UnusedLet,
                    format!("`let {}` is never used", binding.name),
                    binding.span,
                    "bound here".into(),
                    Some(format!(
                        "use it, remove it, or name it `_{}` to keep it unused",
                        binding.name
                    )),
                )),
                Some(code) => self.found.push((
                    code,
                    format!("`for` index `{}` is never used", binding.name),
                    binding.span,
                    "bound here".into(),
                    Some("remove it: `for item in list { ... }`".into()),
                )),
                None => {}
            }
        }
    }

    fn block(&mut self, block: &Block) {
        self.statements(block.statements.iter());
    }

    fn statements<'s>(&mut self, statements: impl Iterator<Item = &'s Statement>) {
        let depth = self.scope.len();
        for statement in statements {
            self.statement(statement);
        }
        self.close(depth);
    }

    fn statement(&mut self, statement: &Statement) {
        match statement {
            Statement::Let(binding) => {
                self.expr(&binding.value);
                self.bind(&binding.name, Some(Code::UnusedLet));
            }
            Statement::Rule(rule) => {
                self.concat_never_missing(rule);
                self.expr(&rule.value);
                for option in &rule.options {
                    if let RuleOption::Default(e) | RuleOption::When(e) = option {
                        self.expr(e);
                    }
                }
            }
            Statement::If(s) => {
                self.branches_but_one(s);
                self.if_statement(s);
            }
        }
    }

    fn if_statement(&mut self, s: &IfStatement) {
        self.expr(&s.condition);
        self.block(&s.then);
        match &s.otherwise {
            None => {}
            Some(Else::Block(b)) => self.block(b),
            Some(Else::If(nested)) => self.if_statement(nested),
        }
    }

    /// W205 for a chain `if .. else if .. else ..` of three branches or
    /// more (two branches that write different fields are ordinary).
    fn branches_but_one(&mut self, s: &IfStatement) {
        let mut branches: Vec<&Block> = vec![&s.then];
        let mut current = s;
        loop {
            match &current.otherwise {
                None => return,
                Some(Else::Block(b)) => {
                    branches.push(b);
                    break;
                }
                Some(Else::If(nested)) => {
                    branches.push(&nested.then);
                    current = nested;
                }
            }
        }
        if branches.len() < 3 {
            return;
        }
        let targets = |b: &Block| -> Vec<String> {
            b.statements
                .iter()
                .filter_map(|s| match s {
                    Statement::Rule(r) => Some(
                        r.target
                            .keys
                            .iter()
                            .map(|k| k.name.as_str())
                            .collect::<Vec<_>>()
                            .join("."),
                    ),
                    _ => None,
                })
                .collect()
        };
        let written: Vec<Vec<String>> = branches.iter().map(|b| targets(b)).collect();
        let mut seen = Vec::new();
        for field in written.iter().flatten() {
            if seen.contains(field) {
                continue;
            }
            seen.push(field.clone());
            let without: Vec<usize> = (0..written.len())
                .filter(|i| !written[*i].contains(field))
                .collect();
            if let [missing] = without.as_slice() {
                self.found.push((
                    Code::BranchMissingField,
                    format!("target field `{field}` is written on every branch but one"),
                    branches[*missing].span,
                    format!("`{field}` is not written in this branch"),
                    Some("write it here too (perhaps `nullable`), or say why in a comment".into()),
                ));
            }
        }
    }

    fn use_variable(&mut self, name: &str) {
        if let Some(binding) = self.scope.iter_mut().rev().find(|b| b.name == name) {
            binding.used = true;
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Literal(_) | ExprKind::Root => {}
            ExprKind::Param(name) => {
                self.params.insert(name.clone());
            }
            ExprKind::Variable(name) => {
                self.use_variable(name);
                // a bare table name as an argument: `lookup(.x, statuses)`
                self.tables.insert(name.clone());
            }
            ExprKind::Call(_, args) => {
                for arg in args {
                    match &arg.value {
                        ArgumentValue::Expr(e) => self.expr(e),
                        ArgumentValue::Lambda(param, body) => {
                            let depth = self.scope.len();
                            self.bind(param, None);
                            self.expr(body);
                            self.close(depth);
                        }
                    }
                }
            }
            ExprKind::Binary(syntax::BinaryOp::Catch, value, fallback) => {
                if is_plain_path(value) {
                    let text = self
                        .text
                        .get(value.span.start..value.span.end)
                        .unwrap_or("the path")
                        .to_string();
                    self.found.push((
                        Code::CatchOnPath,
                        format!(
                            "`catch` catches errors only: a missing or null `{text}` goes through"
                        ),
                        value.span,
                        "a plain path fails only on a value that is not an object or list".into(),
                        Some(format!(
                            "for a missing or null value write `{text} ?? fallback`, or the rule option `default`"
                        )),
                    ));
                }
                self.expr(value);
                self.expr(fallback);
            }
            ExprKind::For(for_loop) => {
                self.expr(&for_loop.list);
                let depth = self.scope.len();
                self.bind(&for_loop.item, None);
                if let Some(index) = &for_loop.index {
                    self.bind(index, Some(Code::UnusedIndex));
                }
                if let Some(filter) = &for_loop.filter {
                    self.expr(filter);
                }
                self.block(&for_loop.body);
                self.close(depth);
            }
            _ => e.for_each_child(|child| match child {
                Child::Expr(inner) => self.expr(inner),
                Child::Block(block) => self.block(block),
            }),
        }
    }
}

/// `.a.b[0]`, `x.y`, `$p`: reading that raises no error on a missing value.
fn is_plain_path(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Root | ExprKind::Variable(_) | ExprKind::Param(_) => true,
        ExprKind::Access(base, _) | ExprKind::Group(base) => is_plain_path(base),
        _ => false,
    }
}

impl Walk {
    /// W251: a `required` or `default` that a `concat` with a constant
    /// part never lets apply.
    fn concat_never_missing(&mut self, rule: &syntax::Rule) {
        let Some(option) = rule.options.iter().find_map(|o| match o {
            RuleOption::Required(_) => Some("required"),
            RuleOption::Default(_) => Some("default"),
            _ => None,
        }) else {
            return;
        };
        let ExprKind::Call(name, args) = &rule.value.kind else {
            return;
        };
        let constant_part = args.iter().any(|a| {
            matches!(&a.value, ArgumentValue::Expr(Expr { kind: ExprKind::Literal(v), .. })
                if v.as_str().is_some_and(|s| !s.is_empty()) || v.is_number() || v.is_boolean())
        });
        if name.name != "concat" || !constant_part {
            return;
        }
        self.found.push((
            Code::ConcatNeverMissing,
            format!(
                "`{option}` never applies: `concat` skips missing parts, and its constant part always gives a value"
            ),
            name.span,
            "a missing part leaves a half-built value".into(),
            Some("write `concat_all(...)`, which has no value when any part has none".into()),
        ));
    }
}
