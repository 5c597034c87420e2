//! Building declarations and statements: items, tables, defs, blocks, rules.

use super::ast::*;
use super::parser::{Builder, Rule, children};
use pest::iterators::Pair;

// `Rule` (the grammar's rule enum) and `Rule` (a mapping rule) collide here.
use super::ast::Rule as Rule_;

impl Builder<'_, '_> {
    pub(super) fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let inner = children(pair).next()?;
        Some(match inner.as_rule() {
            Rule::import => Item::Import(self.import(inner)),
            Rule::param => Item::Param(self.param(inner)),
            Rule::policy => {
                let span = self.span(&inner);
                let mut it = children(inner);
                let name = self.ident(it.next()?);
                let value = self.ident(it.next()?);
                Item::Policy(Policy { name, value, span })
            }
            Rule::table => Item::Table(self.table(inner)),
            Rule::def => Item::Def(self.def(inner)),
            Rule::guard => {
                let span = self.span(&inner);
                let mut it = children(inner);
                let head = it.next()?;
                let action = match head.as_rule() {
                    Rule::reject_guard => GuardAction::Reject(self.text(children(head).next()?)),
                    Rule::skip_guard => GuardAction::Skip,
                    _ => GuardAction::Keep,
                };
                let condition = self.expr(it.next()?);
                Item::Guard(Guard {
                    action,
                    condition,
                    span,
                })
            }
            Rule::emit => {
                let span = self.span(&inner);
                let value = self.expr(children(inner).next()?);
                Item::Emit(Emit { value, span })
            }
            _ => Item::Statement(self.statement(inner)?),
        })
    }

    pub(super) fn import(&mut self, pair: Pair<'_, Rule>) -> Import {
        let span = self.span(&pair);
        let mut names = Vec::new();
        let mut path = None;
        for child in children(pair) {
            match child.as_rule() {
                Rule::ident => names.push(self.ident(child)),
                _ => path = Some(self.text(child)),
            }
        }
        Import {
            names,
            path: path.unwrap_or_else(|| Text {
                value: String::new(),
                span,
            }),
            span,
        }
    }

    pub(super) fn param(&mut self, pair: Pair<'_, Rule>) -> Param {
        let span = self.span(&pair);
        let mut name = None;
        let mut ty = None;
        let mut default = None;
        for child in children(pair) {
            match child.as_rule() {
                Rule::ident => name = Some(self.ident(child)),
                Rule::type_name => ty = Some(self.ident(child)),
                _ => default = Some(self.constant(child)),
            }
        }
        Param {
            name: name.unwrap_or(Ident {
                name: String::new(),
                span,
            }),
            ty,
            default,
            span,
        }
    }

    pub(super) fn table(&mut self, pair: Pair<'_, Rule>) -> Table {
        let span = self.span(&pair);
        let mut table = Table {
            name: Ident {
                name: String::new(),
                span,
            },
            options: Vec::new(),
            csv: None,
            entries: Vec::new(),
            span,
        };
        for child in children(pair) {
            match child.as_rule() {
                Rule::ident => table.name = self.ident(child),
                Rule::table_options => {
                    table.options = children(child).map(|p| self.ident(p)).collect()
                }
                Rule::table_csv => {
                    let csv_span = self.span(&child);
                    let mut texts = children(child).map(|p| self.text(p));
                    if let (Some(path), Some(key), Some(value)) =
                        (texts.next(), texts.next(), texts.next())
                    {
                        table.csv = Some(CsvSource {
                            path,
                            key,
                            value,
                            span: csv_span,
                        });
                    }
                }
                _ => {
                    for entry in children(child) {
                        let entry_span = self.span(&entry);
                        let mut constants: Vec<Constant> = Vec::new();
                        for part in children(entry) {
                            if part.as_rule() != Rule::wildcard {
                                constants.push(self.constant(part));
                            }
                        }
                        if let Some(value) = constants.pop() {
                            table.entries.push(TableEntry {
                                keys: constants,
                                value,
                                span: entry_span,
                            });
                        }
                    }
                }
            }
        }
        table
    }

    pub(super) fn def(&mut self, pair: Pair<'_, Rule>) -> Def {
        let span = self.span(&pair);
        let mut idents = Vec::new();
        let mut body = DefBody::Block(Block {
            statements: Vec::new(),
            span,
        });
        for child in children(pair) {
            match child.as_rule() {
                Rule::ident => idents.push(self.ident(child)),
                Rule::expr => body = DefBody::Value(self.expr(child)),
                _ => body = DefBody::Block(self.block(child)),
            }
        }
        let name = if idents.is_empty() {
            Ident {
                name: String::new(),
                span,
            }
        } else {
            idents.remove(0)
        };
        Def {
            name,
            params: idents,
            body,
            span,
        }
    }

    pub(super) fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let span = self.span(&pair);
        let statements = children(pair).filter_map(|p| self.statement(p)).collect();
        Block { statements, span }
    }

    pub(super) fn statement(&mut self, pair: Pair<'_, Rule>) -> Option<Statement> {
        let span = self.span(&pair);
        Some(match pair.as_rule() {
            Rule::let_stmt => {
                let mut it = children(pair);
                let name = self.ident(it.next()?);
                let value = self.expr(it.next()?);
                Statement::Let(Let { name, value, span })
            }
            Rule::if_stmt => Statement::If(self.if_statement(pair)?),
            Rule::rule => Statement::Rule(self.rule(pair)?),
            _ => return None,
        })
    }

    pub(super) fn if_statement(&mut self, pair: Pair<'_, Rule>) -> Option<IfStatement> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let condition = self.expr(it.next()?);
        let then = self.block(it.next()?);
        let otherwise = match it.next() {
            None => None,
            Some(p) if p.as_rule() == Rule::if_stmt => {
                Some(Else::If(Box::new(self.if_statement(p)?)))
            }
            Some(p) => Some(Else::Block(self.block(p))),
        };
        Some(IfStatement {
            condition,
            then,
            otherwise,
            span,
        })
    }

    pub(super) fn rule(&mut self, pair: Pair<'_, Rule>) -> Option<Rule_> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let target = self.target(it.next()?);
        let value = self.expr(it.next()?);
        let mut options = Vec::new();
        for option in it {
            let option_span = self.span(&option);
            options.push(match option.as_rule() {
                Rule::required => RuleOption::Required(option_span),
                Rule::optional => RuleOption::Optional(option_span),
                Rule::nullable => RuleOption::Nullable(option_span),
                Rule::default => RuleOption::Default(self.expr(children(option).next()?)),
                Rule::constraint => RuleOption::Constraint(self.constraint(option)?),
                Rule::reverse_rules => RuleOption::Reverse(self.block(children(option).next()?)),
                Rule::pair_key => RuleOption::Key(self.target(children(option).next()?)),
                Rule::on_conflict => {
                    let word = children(option).next()?;
                    RuleOption::OnConflict(Ident {
                        name: word.as_str().to_string(),
                        span: self.span(&word),
                    })
                }
                _ => RuleOption::When(self.expr(children(option).next()?)),
            });
        }
        Some(Rule_ {
            target,
            value,
            options,
            span,
        })
    }

    /// A target path: `a.b."c d"`.
    pub(super) fn target(&mut self, target_pair: Pair<'_, Rule>) -> Target {
        let target_span = self.span(&target_pair);
        let keys = children(target_pair)
            .map(|key| {
                let key_span = self.span(&key);
                let inner = key.into_inner().next();
                let name = match inner {
                    Some(p) if p.as_rule() == Rule::string => self.string_value(p),
                    Some(p) => p.as_str().to_string(),
                    None => String::new(),
                };
                Ident {
                    name,
                    span: key_span,
                }
            })
            .collect();
        Target {
            keys,
            span: target_span,
        }
    }

    /// `max_length 80`, `matches "..."`, `between 0 and 100`, ...
    pub(super) fn constraint(&mut self, pair: Pair<'_, Rule>) -> Option<Constraint> {
        let span = self.span(&pair);
        let inner = children(pair).next()?;
        let which = inner.as_rule();
        let mut parts = children(inner).filter(|p| p.as_rule() != Rule::and);
        let mut next = || parts.next();
        let kind = match which {
            Rule::max_length => ConstraintKind::MaxLength(next()?.as_str().to_string()),
            Rule::min_length => ConstraintKind::MinLength(next()?.as_str().to_string()),
            Rule::max_bytes => ConstraintKind::MaxBytes(next()?.as_str().to_string()),
            Rule::pattern => {
                let pattern = next()?;
                ConstraintKind::Matches(self.string_value(pattern))
            }
            Rule::between => {
                let (low, high) = (next()?, next()?);
                ConstraintKind::Between(low.as_str().to_string(), high.as_str().to_string())
            }
            Rule::one_of => {
                let list = next()?;
                ConstraintKind::OneOf(self.constant(list))
            }
            _ => {
                let word = next()?;
                ConstraintKind::Is(Ident {
                    name: word.as_str().to_string(),
                    span: self.span(&word),
                })
            }
        };
        Some(Constraint { kind, span })
    }
}
