//! Statements: rules, `let`, `if` blocks, defs and the top level.

use super::{Checker, Module};
use crate::diagnostics::Code;
use crate::program::{self, Absent, Loc};
use crate::stdlib::Ty;
use crate::syntax::{self, RuleOption, Statement};

/// The names visible where an expression is checked.
pub(super) struct Scope<'m> {
    pub module: &'m Module,
    /// Variables in scope: name, slot, type. Later entries shadow earlier.
    pub vars: Vec<(String, usize, Ty)>,
    /// The def being checked, for the call graph.
    pub def: Option<usize>,
}

impl Scope<'_> {
    pub fn variable(&self, name: &str) -> Option<(usize, Ty)> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, slot, ty)| (*slot, *ty))
    }
}

impl Checker {
    /// The top-level statements of the main file.
    pub(super) fn top_level(&mut self, module: &Module, ast: &syntax::Ast) -> program::Block {
        let mut scope = Scope {
            module,
            vars: Vec::new(),
            def: None,
        };
        let statements: Vec<&Statement> = ast.statements().collect();
        self.check_targets(module.file, statements.iter().copied());
        let mut body = self.statements(&mut scope, statements.into_iter());
        let mut hoisted = std::mem::take(&mut self.hoisted);
        hoisted.append(&mut body.statements);
        body.statements = hoisted;
        body
    }

    pub(super) fn def(&mut self, module: &Module, index: usize, def: &syntax::Def) {
        let mut scope = Scope {
            module,
            vars: self.constants_for(module),
            def: Some(index),
        };
        // the def's parameters shadow the mapping's constants
        let constants = scope.vars.len();
        let mut params = Vec::new();
        for param in &def.params {
            if scope.vars[constants..]
                .iter()
                .any(|(n, _, _)| *n == param.name)
            {
                let loc = self.loc(module.file, param.span);
                self.error(
                    Code::DuplicateName,
                    loc,
                    format!("parameter `{}` is declared twice", param.name),
                    "",
                );
            }
            let slot = self.new_slot();
            params.push(slot);
            scope.vars.push((param.name.clone(), slot, Ty::ANY));
        }
        let body = match &def.body {
            syntax::DefBody::Block(block) => program::DefBody::Block(self.block(&mut scope, block)),
            syntax::DefBody::Value(value) => program::DefBody::Value(self.expr(&mut scope, value)),
        };
        let entry = &mut self.defs[index];
        entry.compiled.params = params;
        entry.compiled.body = body;
    }

    pub(super) fn block(&mut self, scope: &mut Scope<'_>, block: &syntax::Block) -> program::Block {
        self.check_targets(scope.module.file, block.statements.iter());
        self.statements(scope, block.statements.iter())
    }

    fn statements<'s>(
        &mut self,
        scope: &mut Scope<'_>,
        statements: impl Iterator<Item = &'s Statement>,
    ) -> program::Block {
        let depth = scope.vars.len();
        let mut out = Vec::new();
        for statement in statements {
            if let Some(s) = self.statement(scope, statement) {
                out.push(s);
            }
        }
        scope.vars.truncate(depth);
        program::Block { statements: out }
    }

    fn statement(
        &mut self,
        scope: &mut Scope<'_>,
        statement: &Statement,
    ) -> Option<program::Statement> {
        Some(match statement {
            Statement::Let(binding) => {
                if scope.def.is_none()
                    && let Some((slot, ty, value)) =
                        self.take_constant(scope.module.file, binding.span)
                {
                    scope.vars.push((binding.name.name.clone(), slot, ty));
                    let statement =
                        super::constants::constant_statement(&binding.name.name, slot, value);
                    if self.hoist_constants() {
                        self.hoisted.push(statement);
                        return None;
                    }
                    return Some(statement);
                }
                let value = self.expr(scope, &binding.value);
                let ty = self.infer(&value);
                let slot = self.new_slot();
                scope.vars.push((binding.name.name.clone(), slot, ty));
                program::Statement::Let {
                    label: format!("(let {})", binding.name.name).into_boxed_str(),
                    slot,
                    value,
                }
            }
            Statement::If(if_statement) => self.if_statement(scope, if_statement),
            Statement::Rule(rule) => program::Statement::Rule(Box::new(self.rule(scope, rule)?)),
        })
    }

    fn if_statement(
        &mut self,
        scope: &mut Scope<'_>,
        s: &syntax::IfStatement,
    ) -> program::Statement {
        let condition = self.expr(scope, &s.condition);
        self.expect_bool(&condition);
        let then = self.statements(scope, s.then.statements.iter());
        let otherwise = match &s.otherwise {
            None => program::Block::default(),
            Some(syntax::Else::Block(b)) => self.statements(scope, b.statements.iter()),
            Some(syntax::Else::If(nested)) => program::Block {
                statements: vec![self.if_statement(scope, nested)],
            },
        };
        program::Statement::If {
            condition,
            then,
            otherwise,
        }
    }

    fn rule(&mut self, scope: &mut Scope<'_>, rule: &syntax::Rule) -> Option<program::Rule> {
        let file = scope.module.file;
        let value = self.expr(scope, &rule.value);
        let mut absent = None;
        let mut default = None;
        let mut when = None;
        let mut constraints = Vec::new();
        for option in &rule.options {
            let (span, chosen) = match option {
                RuleOption::Required(span) => (*span, Some(Absent::Error)),
                RuleOption::Optional(span) => (*span, Some(Absent::Omit)),
                RuleOption::Nullable(span) => (*span, Some(Absent::Null)),
                RuleOption::Default(e) => {
                    if default.is_some() || absent.is_some() {
                        self.conflicting_option(file, e.span, "default");
                    }
                    default = Some(self.expr(scope, e));
                    continue;
                }
                RuleOption::Constraint(c) => {
                    constraints.extend(self.constraint(file, c));
                    continue;
                }
                RuleOption::When(e) => {
                    if when.is_some() {
                        let loc = self.loc(file, e.span);
                        self.error(
                            Code::InvalidOption,
                            loc,
                            "a rule has one `when` at most",
                            "",
                        )
                        .help
                        .push("combine the conditions with `and`".into());
                    }
                    let condition = self.expr(scope, e);
                    self.expect_bool(&condition);
                    when = Some(condition);
                    continue;
                }
            };
            if absent.is_some() || default.is_some() {
                self.conflicting_option(file, span, "");
            }
            absent = chosen;
        }
        Some(program::Rule {
            target: rule
                .target
                .keys
                .iter()
                .map(|k| k.name.clone().into_boxed_str())
                .collect(),
            loc: Loc {
                file,
                span: rule.target.span,
            },
            value,
            absent,
            default,
            when,
            constraints,
        })
    }

    fn conflicting_option(&mut self, file: u32, span: crate::syntax::Span, _what: &str) {
        let loc = self.loc(file, span);
        self.error(
            Code::InvalidOption,
            loc,
            "a rule takes one of `required`, `optional`, `nullable` and `default`",
            "conflicts with an earlier option",
        )
        .help
        .push("each says what happens when the value is missing; keep one".into());
    }
}
