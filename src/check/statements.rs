//! Statements: rules, `let`, `if` blocks, defs and the top level.

use super::{Checker, Module};
use crate::diagnostics::Code;
use crate::program::{self, Absent, Loc};
use crate::stdlib::Ty;
use crate::syntax::{self, RuleOption, Statement};

/// The main file's top level, checked.
#[derive(Default)]
pub(super) struct TopLevel {
    pub body: program::Block,
    pub guards: Vec<program::Guard>,
    pub emits: Vec<program::Emit>,
    /// Whether there is a rule or `if` (the rules' own record).
    pub header: bool,
}

fn statement_span(statement: &Statement) -> syntax::Span {
    match statement {
        Statement::Let(l) => l.span,
        Statement::If(i) => i.span,
        Statement::Rule(r) => r.span,
    }
}

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
    /// The top-level statements, guards and `emit`s of the main file. A
    /// guard or `emit` sees the top-level `let`s written before it.
    pub(super) fn top_level(&mut self, module: &Module, ast: &syntax::Ast) -> TopLevel {
        let mut scope = Scope {
            module,
            vars: Vec::new(),
            def: None,
        };
        let statements: Vec<&Statement> = ast.statements().collect();
        self.check_targets(module.file, statements.iter().copied());
        let mut top = TopLevel::default();
        // the first rule, `if` or `emit`: a guard after it is an error
        let mut first_rule: Option<syntax::Span> = None;
        for item in &ast.items {
            match item {
                syntax::Item::Statement(statement) => {
                    if !matches!(statement, Statement::Let(_)) {
                        top.header = true;
                        first_rule.get_or_insert(statement_span(statement));
                    }
                    if let Some(s) = self.statement(&mut scope, statement) {
                        top.body.statements.push(s);
                    }
                }
                syntax::Item::Guard(guard) => {
                    if let Some(rule) = first_rule {
                        self.guard_after_rule(module.file, guard.span, rule);
                    }
                    let condition = self.expr(&mut scope, &guard.condition);
                    self.expect_bool(&condition);
                    top.guards.push(program::Guard {
                        action: match &guard.action {
                            syntax::GuardAction::Reject(reason) => {
                                program::GuardAction::Reject(reason.value.clone())
                            }
                            syntax::GuardAction::Skip => program::GuardAction::Skip,
                            syntax::GuardAction::Keep => program::GuardAction::Keep,
                        },
                        condition,
                        loc: self.loc(module.file, guard.span),
                    });
                }
                syntax::Item::Emit(emit) => {
                    first_rule.get_or_insert(emit.span);
                    let value = self.expr(&mut scope, &emit.value);
                    let found = self.infer(&value);
                    if found != Ty::ANY && !found.overlaps(Ty::OBJECT.or(Ty::LIST)) {
                        let loc = value.loc;
                        self.error(
                            Code::EmitValue,
                            loc,
                            format!("`emit` needs an object or a list of objects, found {found}"),
                            format!("this is {found}"),
                        )
                        .help
                        .push(
                            "emit a block `{ field = ... }`, or `for item in .list { ... }`".into(),
                        );
                    }
                    top.emits.push(program::Emit { value });
                }
                _ => {}
            }
        }
        // constants that defs read are bound before the first rule
        let mut hoisted = std::mem::take(&mut self.hoisted);
        hoisted.append(&mut top.body.statements);
        top.body.statements = hoisted;
        // without `emit`, the rules' record is the one record (`{}` for a
        // mapping of no rules, as ever)
        top.header |= top.emits.is_empty();
        top
    }

    fn guard_after_rule(&mut self, file: u32, guard: syntax::Span, rule: syntax::Span) {
        let loc = self.loc(file, guard);
        let first = self.loc(file, rule);
        let source = std::sync::Arc::clone(self.file(file));
        let diagnostic = self.error(
            Code::GuardAfterRule,
            loc,
            "a `reject`, `skip` or `keep` guard must come before the rules",
            "",
        );
        diagnostic.labels.push(crate::diagnostics::Label {
            file: source,
            span: first.span,
            message: "the first rule".into(),
        });
        diagnostic.help.push(
            "guards run before any rule, whatever their place: move it above the first rule so \
             the file reads in the order it runs"
                .into(),
        );
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
                    let loc = self.loc(scope.module.file, binding.span);
                    let statement =
                        super::constants::constant_statement(&binding.name.name, loc, slot, value);
                    if self.hoist_constants() {
                        self.hoisted.push(statement);
                        return None;
                    }
                    return Some(statement);
                }
                let value = self.expr(scope, &binding.value);
                let ty = self.infer(&value);
                let slot = self.new_typed_slot(ty);
                scope.vars.push((binding.name.name.clone(), slot, ty));
                program::Statement::Let {
                    name: binding.name.name.clone().into_boxed_str(),
                    loc: self.loc(scope.module.file, binding.span),
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
        let mut on_conflict = None;
        let mut reverse = None;
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
                // checked on its own, as a mapping from the target record
                // (`reverse_rules.rs`)
                // checked with `reverse` (`reverse_rules.rs`)
                RuleOption::Key(_) => continue,
                RuleOption::Reverse(block) => {
                    let text = &self.file(file).text;
                    let inner = text
                        .get(block.span.start + 1..block.span.end.saturating_sub(1))
                        .unwrap_or_default();
                    let rules: Vec<&str> = inner
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .collect();
                    reverse = Some(rules.join("; "));
                    continue;
                }
                RuleOption::OnConflict(word) => {
                    if on_conflict.is_some() {
                        let loc = self.loc(file, word.span);
                        self.error(
                            Code::InvalidOption,
                            loc,
                            "a rule has one `on_conflict` at most",
                            "",
                        );
                    }
                    on_conflict = self.on_conflict(file, word).or(on_conflict);
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
            on_conflict,
            reverse,
        })
    }

    /// `on_conflict target|source|reject` (E280 for another word).
    fn on_conflict(&mut self, file: u32, word: &syntax::Ident) -> Option<program::Strategy> {
        let strategy = program::Strategy::parse(&word.name);
        if strategy.is_none() {
            let loc = self.loc(file, word.span);
            let suggestion = crate::diagnostics::did_you_mean(
                &word.name,
                program::Strategy::NAMES.iter().copied(),
            );
            let d = self.error(
                Code::UnknownConflictStrategy,
                loc,
                format!("unknown conflict strategy `{}`", word.name),
                "",
            );
            if let Some(s) = suggestion {
                d.help.push(format!("did you mean `{s}`?"));
            }
            d.notes.push(
                "the strategies are `target` (the target's value is written back), \
                 `source` (the original's value is kept) and `reject` (the record is \
                 reported as E462)"
                    .into(),
            );
        }
        strategy
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
