//! Building expressions: the Pratt parser for operators, terms with
//! accessors, atoms and call arguments.

use super::ast::*;
use super::parser::{Builder, Rule, children};
use super::parser::{MAX_DEPTH, PRATT};
use crate::diagnostics::Code;
use crate::diagnostics::Diagnostic;
use crate::json::Value as Json;
use pest::iterators::{Pair, Pairs};

impl Builder<'_, '_> {
    pub(super) fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let pairs = pair.into_inner();
        let operators = pairs.clone().filter(|p| p.as_rule() != Rule::term).count();
        self.depth += operators + 1;
        let expr = if self.depth > MAX_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                let diagnostic = Diagnostic::error(
                    Code::Limit,
                    format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
                )
                .with_label(self.file, span, "")
                .with_help("split it with `let` bindings");
                self.diagnostics.push(diagnostic);
            }
            Expr {
                kind: ExprKind::Literal(Json::Null),
                span,
            }
        } else {
            self.pratt(pairs)
        };
        self.depth -= operators + 1;
        expr
    }

    pub(super) fn pratt(&mut self, pairs: Pairs<'_, Rule>) -> Expr {
        // the pratt parser's closures each need the builder; a RefCell keeps
        // the borrow checker satisfied without cloning the builder
        let this = std::cell::RefCell::new(self);
        PRATT
            .map_primary(|p| this.borrow_mut().term(p))
            .map_prefix(|op, rhs| {
                let b = this.borrow();
                let span = b.span(&op).to(rhs.span);
                let op = if op.as_rule() == Rule::neg {
                    UnaryOp::Neg
                } else {
                    UnaryOp::Not
                };
                Expr {
                    kind: ExprKind::Unary(op, Box::new(rhs)),
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span.to(rhs.span);
                let op = match op.as_rule() {
                    Rule::pipe => {
                        return Expr {
                            kind: ExprKind::Pipe(Box::new(lhs), Box::new(rhs)),
                            span,
                        };
                    }
                    Rule::coalesce => BinaryOp::Coalesce,
                    Rule::catch => BinaryOp::Catch,
                    Rule::or => BinaryOp::Or,
                    Rule::and => BinaryOp::And,
                    Rule::eq => BinaryOp::Eq,
                    Rule::ne => BinaryOp::Ne,
                    Rule::lt => BinaryOp::Lt,
                    Rule::le => BinaryOp::Le,
                    Rule::gt => BinaryOp::Gt,
                    Rule::ge => BinaryOp::Ge,
                    Rule::add => BinaryOp::Add,
                    Rule::sub => BinaryOp::Sub,
                    Rule::mul => BinaryOp::Mul,
                    Rule::div => BinaryOp::Div,
                    _ => BinaryOp::Rem,
                };
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            })
            .parse(pairs)
    }

    /// `term = atom accessor*`
    pub(super) fn term(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let mut it = pair.into_inner();
        let Some(atom) = it.next() else {
            return Expr {
                kind: ExprKind::Literal(Json::Null),
                span: Span::default(),
            };
        };
        let mut expr = self.atom(atom);
        for accessor in it {
            let span = expr.span.to(self.span(&accessor));
            let accessor = self.accessor(accessor);
            expr = Expr {
                kind: ExprKind::Access(Box::new(expr), accessor),
                span,
            };
        }
        expr
    }

    pub(super) fn accessor(&mut self, pair: Pair<'_, Rule>) -> Accessor {
        let Some(inner) = pair.into_inner().next() else {
            return Accessor::All;
        };
        match inner.as_rule() {
            Rule::field => self.field(inner),
            _ => {
                let Some(index) = inner.into_inner().next() else {
                    return Accessor::All;
                };
                let span = self.span(&index);
                match index.as_rule() {
                    Rule::all => Accessor::All,
                    Rule::string => Accessor::Field(self.string_value(index)),
                    _ => match index.as_str().parse::<i64>() {
                        Ok(i) => Accessor::Index(i),
                        Err(_) => {
                            self.error(
                                Code::InvalidNumber,
                                span,
                                format!("index `{}` is out of range", index.as_str()),
                                "",
                            );
                            Accessor::Index(0)
                        }
                    },
                }
            }
        }
    }

    pub(super) fn field(&mut self, pair: Pair<'_, Rule>) -> Accessor {
        let Some(name) = pair.into_inner().next() else {
            return Accessor::All;
        };
        Accessor::Field(self.key(name))
    }

    pub(super) fn atom(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let Some(inner) = children(pair).next() else {
            return Expr {
                kind: ExprKind::Literal(Json::Null),
                span,
            };
        };
        let span = self.span(&inner);
        let kind = match inner.as_rule() {
            Rule::root => match inner.into_inner().next() {
                None => ExprKind::Root,
                Some(field) => {
                    let root_span = Span::new(span.start, span.start + 1);
                    let accessor = self.field(field);
                    ExprKind::Access(
                        Box::new(Expr {
                            kind: ExprKind::Root,
                            span: root_span,
                        }),
                        accessor,
                    )
                }
            },
            Rule::param_ref => ExprKind::Param(inner.as_str()[1..].to_string()),
            Rule::variable => ExprKind::Variable(inner.as_str().to_string()),
            Rule::group => {
                let Some(e) = inner.into_inner().next() else {
                    return Expr {
                        kind: ExprKind::Literal(Json::Null),
                        span,
                    };
                };
                ExprKind::Group(Box::new(self.expr(e)))
            }
            Rule::list => ExprKind::List(inner.into_inner().map(|p| self.expr(p)).collect()),
            Rule::object => {
                let mut entries = Vec::new();
                for entry in inner.into_inner() {
                    let mut it = entry.into_inner();
                    let (Some(key), Some(value)) = (it.next(), it.next()) else {
                        continue;
                    };
                    let key_span = self.span(&key);
                    let name = self.key(key);
                    entries.push((
                        Ident {
                            name,
                            span: key_span,
                        },
                        self.expr(value),
                    ));
                }
                ExprKind::Object(entries)
            }
            Rule::block => ExprKind::Block(self.block(inner)),
            Rule::call => {
                let mut it = inner.into_inner();
                let name = match it.next() {
                    Some(p) => self.ident(p),
                    None => Ident {
                        name: String::new(),
                        span,
                    },
                };
                let args = it.map(|a| self.argument(a)).collect();
                ExprKind::Call(name, args)
            }
            Rule::if_expr => {
                let mut it = children(inner);
                let (Some(c), Some(t)) = (it.next(), it.next()) else {
                    return Expr {
                        kind: ExprKind::Literal(Json::Null),
                        span,
                    };
                };
                let condition = self.expr(c);
                let then = self.expr(t);
                let otherwise = it.next().map(|e| Box::new(self.expr(e)));
                ExprKind::If(Box::new(condition), Box::new(then), otherwise)
            }
            Rule::match_expr => {
                let mut it = children(inner);
                let Some(subject) = it.next() else {
                    return Expr {
                        kind: ExprKind::Literal(Json::Null),
                        span,
                    };
                };
                let subject = self.expr(subject);
                let mut arms = Vec::new();
                for arm in it {
                    let arm_span = self.span(&arm);
                    let mut patterns = Vec::new();
                    let mut value = None;
                    for part in arm.into_inner() {
                        match part.as_rule() {
                            Rule::wildcard | Rule::arrow => {}
                            Rule::expr => value = Some(self.expr(part)),
                            _ => patterns.push(self.constant(part)),
                        }
                    }
                    if let Some(value) = value {
                        arms.push(MatchArm {
                            patterns,
                            value,
                            span: arm_span,
                        });
                    }
                }
                ExprKind::Match(Box::new(subject), arms)
            }
            Rule::for_expr => {
                let mut idents = Vec::new();
                let mut exprs = Vec::new();
                let mut body = None;
                for part in children(inner) {
                    match part.as_rule() {
                        Rule::ident => idents.push(self.ident(part)),
                        Rule::expr => exprs.push(self.expr(part)),
                        _ => body = Some(self.block(part)),
                    }
                }
                let mut idents = idents.into_iter();
                let mut exprs = exprs.into_iter();
                let (Some(item), Some(list), Some(body)) = (idents.next(), exprs.next(), body)
                else {
                    return Expr {
                        kind: ExprKind::Literal(Json::Null),
                        span,
                    };
                };
                ExprKind::For(Box::new(ForLoop {
                    item,
                    index: idents.next(),
                    list,
                    filter: exprs.next(),
                    body,
                }))
            }
            _ => ExprKind::Literal(self.scalar(inner)),
        };
        Expr { kind, span }
    }

    pub(super) fn argument(&mut self, pair: Pair<'_, Rule>) -> Argument {
        let span = self.span(&pair);
        let mut name = None;
        let mut value = ArgumentValue::Expr(Expr {
            kind: ExprKind::Literal(Json::Null),
            span,
        });
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::named => {
                    if let Some(word) = part.into_inner().next() {
                        name = Some(self.ident(word));
                    }
                }
                Rule::lambda => {
                    let mut it = part.into_inner();
                    if let (Some(param), Some(body)) = (it.next(), it.next()) {
                        let param = self.ident(param);
                        value = ArgumentValue::Lambda(param, self.expr(body));
                    }
                }
                _ => value = ArgumentValue::Expr(self.expr(part)),
            }
        }
        Argument { name, value, span }
    }
}
