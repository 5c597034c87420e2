//! Expressions: name resolution, paths, operators, known types, and
//! lowering (calls are in `calls.rs`).

use super::Checker;
use super::calls::{ArgIn, ArgRef};
use super::statements::Scope;
use crate::diagnostics::{Code, did_you_mean};
use crate::json::Value as Json;
use crate::program::{Loc, Node, NodeKind, Step};
use crate::stdlib::{self, Ty};
use crate::syntax::{Accessor, ArgumentValue, BinaryOp, Expr, ExprKind, Ident, UnaryOp};

impl Checker {
    pub(super) fn expr(&mut self, scope: &mut Scope<'_>, e: &Expr) -> Node {
        let loc = self.loc(scope.module.file, e.span);
        let kind = match &e.kind {
            ExprKind::Literal(v) => NodeKind::Const(v.clone()),
            ExprKind::Root => NodeKind::Root,
            ExprKind::Param(name) => match self.params.iter().position(|p| p.decl.name == *name) {
                Some(i) => NodeKind::Param(i),
                None => {
                    let names: Vec<String> =
                        self.params.iter().map(|p| p.decl.name.clone()).collect();
                    let suggestion =
                        did_you_mean(name, names.iter().map(String::as_str)).map(str::to_string);
                    let d = self.error(
                        Code::UnknownParameter,
                        loc,
                        format!("unknown parameter `${name}`"),
                        "not declared",
                    );
                    d.help.push(match suggestion {
                        Some(s) => format!("did you mean `${s}`?"),
                        None => format!("declare it: `param {name}: string`"),
                    });
                    NodeKind::Const(Json::Null)
                }
            },
            ExprKind::Variable(name) => match scope.variable(name) {
                Some((slot, _)) => {
                    if scope.def.is_some() {
                        self.constant_read_by_def(slot);
                    }
                    NodeKind::Local(slot)
                }
                None => {
                    self.unknown_variable(scope, name, loc);
                    NodeKind::Const(Json::Null)
                }
            },
            ExprKind::Access(..) => return self.path(scope, e),
            ExprKind::List(items) => {
                NodeKind::List(items.iter().map(|i| self.expr(scope, i)).collect())
            }
            ExprKind::Object(entries) => {
                let mut seen: Vec<&str> = Vec::new();
                let mut out = Vec::new();
                for (key, value) in entries {
                    if seen.contains(&key.name.as_str()) {
                        let kloc = self.loc(scope.module.file, key.span);
                        self.error(
                            Code::DuplicateTarget,
                            kloc,
                            format!("key `{}` is written twice", key.name),
                            "",
                        );
                    }
                    seen.push(&key.name);
                    out.push((key.name.clone().into_boxed_str(), self.expr(scope, value)));
                }
                NodeKind::Object(out)
            }
            ExprKind::Block(block) => NodeKind::Block(self.block(scope, block)),
            ExprKind::Call(name, args) => {
                let args: Vec<ArgIn<'_>> = args
                    .iter()
                    .map(|a| ArgIn {
                        name: a.name.as_ref(),
                        value: match &a.value {
                            ArgumentValue::Expr(e) => ArgRef::Expr(e),
                            ArgumentValue::Lambda(p, body) => ArgRef::Lambda(p, body),
                        },
                        span: a.span,
                    })
                    .collect();
                return self.call(scope, name, args, loc);
            }
            ExprKind::Pipe(lhs, rhs) => {
                let piped = ArgIn {
                    name: None,
                    value: ArgRef::Expr(lhs),
                    span: lhs.span,
                };
                match &rhs.kind {
                    ExprKind::Variable(name) => {
                        let ident = Ident {
                            name: name.clone(),
                            span: rhs.span,
                        };
                        return self.call(scope, &ident, vec![piped], loc);
                    }
                    ExprKind::Call(name, args) => {
                        let mut all = vec![piped];
                        all.extend(args.iter().map(|a| ArgIn {
                            name: a.name.as_ref(),
                            value: match &a.value {
                                ArgumentValue::Expr(e) => ArgRef::Expr(e),
                                ArgumentValue::Lambda(p, body) => ArgRef::Lambda(p, body),
                            },
                            span: a.span,
                        }));
                        return self.call(scope, name, all, loc);
                    }
                    _ => {
                        let rloc = self.loc(scope.module.file, rhs.span);
                        self.error(
                            Code::PipeTarget,
                            rloc,
                            "the right-hand side of `|` must be a function",
                            "not a function",
                        )
                        .help
                        .push("write `value | function` or `value | function(more, args)`".into());
                        NodeKind::Const(Json::Null)
                    }
                }
            }
            ExprKind::Unary(op, operand) => {
                let operand = Box::new(self.expr(scope, operand));
                match op {
                    UnaryOp::Neg => {
                        self.expect_type(&operand, Ty::NUMBER, "`-` needs a number");
                        NodeKind::Neg(operand)
                    }
                    UnaryOp::Not => {
                        self.expect_bool(&operand);
                        NodeKind::Not(operand)
                    }
                }
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let lhs = self.expr(scope, lhs);
                let rhs = self.expr(scope, rhs);
                match op {
                    BinaryOp::And | BinaryOp::Or => {
                        self.expect_bool(&lhs);
                        self.expect_bool(&rhs);
                    }
                    BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                        let message = format!("`{}` needs numbers", op.symbol());
                        self.expect_type(&lhs, Ty::NUMBER, &message);
                        self.expect_type(&rhs, Ty::NUMBER, &message);
                    }
                    BinaryOp::Add => {
                        let message = "`+` adds numbers or joins strings";
                        self.expect_type(&lhs, Ty::NUMBER.or(Ty::STRING), message);
                        self.expect_type(&rhs, Ty::NUMBER.or(Ty::STRING), message);
                        self.expect_same_kind_for_add(&lhs, &rhs, loc);
                    }
                    _ => {}
                }
                NodeKind::Binary(*op, Box::new(lhs), Box::new(rhs))
            }
            ExprKind::If(condition, then, otherwise) => {
                let condition = self.expr(scope, condition);
                self.expect_bool(&condition);
                let then = self.expr(scope, then);
                let otherwise = otherwise.as_ref().map(|o| Box::new(self.expr(scope, o)));
                NodeKind::If(Box::new(condition), Box::new(then), otherwise)
            }
            ExprKind::Match(subject, arms) => {
                let subject = Box::new(self.expr(scope, subject));
                let mut compiled = Vec::new();
                let mut fallback = None;
                for arm in arms {
                    let value = self.expr(scope, &arm.value);
                    if arm.patterns.is_empty() {
                        if fallback.is_some() {
                            let aloc = self.loc(scope.module.file, arm.span);
                            self.error(
                                Code::InvalidOption,
                                aloc,
                                "a `match` has one `_` arm at most",
                                "",
                            );
                        }
                        fallback = Some(Box::new(value));
                    } else {
                        compiled.push((
                            arm.patterns.iter().map(|p| p.value.clone()).collect(),
                            value,
                        ));
                    }
                }
                NodeKind::Match {
                    subject,
                    arms: compiled,
                    fallback,
                }
            }
            ExprKind::For(for_loop) => {
                let list = Box::new(self.expr(scope, &for_loop.list));
                self.expect_type(&list, Ty::LIST, "`for` needs a list");
                let depth = scope.vars.len();
                let item = self.new_slot();
                scope.vars.push((for_loop.item.name.clone(), item, Ty::ANY));
                let index = for_loop.index.as_ref().map(|ident| {
                    let slot = self.new_typed_slot(Ty::NUMBER);
                    scope.vars.push((ident.name.clone(), slot, Ty::NUMBER));
                    slot
                });
                let filter = for_loop.filter.as_ref().map(|f| {
                    let node = self.expr(scope, f);
                    self.expect_bool(&node);
                    Box::new(node)
                });
                let body = self.block(scope, &for_loop.body);
                scope.vars.truncate(depth);
                NodeKind::For {
                    item,
                    index,
                    list,
                    filter,
                    body,
                }
            }
            ExprKind::Group(inner) => return self.expr(scope, inner),
        };
        Node { kind, loc }
    }

    /// `base.a[0].b` → one `Get` with the steps, so paths are walked without
    /// re-dispatching per step.
    fn path(&mut self, scope: &mut Scope<'_>, e: &Expr) -> Node {
        let mut steps = Vec::new();
        let mut current = e;
        while let ExprKind::Access(base, accessor) = &current.kind {
            steps.push(match accessor {
                Accessor::Field(name) => Step::Field(name.clone().into_boxed_str()),
                Accessor::Index(i) => Step::Index(*i),
                Accessor::All => Step::All,
            });
            current = base;
        }
        steps.reverse();
        let base = self.expr(scope, current);
        Node {
            kind: NodeKind::Get(Box::new(base), steps),
            loc: self.loc(scope.module.file, e.span),
        }
    }

    fn unknown_variable(&mut self, scope: &Scope<'_>, name: &str, loc: Loc) {
        let is_function = stdlib::function(name).is_some() || scope.module.defs.contains_key(name);
        let is_table = scope.module.tables.contains_key(name);
        let names: Vec<String> = scope.vars.iter().map(|(n, _, _)| n.clone()).collect();
        let suggestion = did_you_mean(name, names.iter().map(String::as_str)).map(str::to_string);
        let is_target = self.target_names.contains(name);
        let is_record_let = scope.def.is_some()
            && scope.module.file == 0
            && self.record_lets.iter().any(|l| l == name);
        let def_signature = scope
            .def
            .and_then(|i| self.defs.get(i))
            .map(|d| (d.compiled.name.clone(), d.param_names.clone()));
        let d = self.error(
            Code::UnknownVariable,
            loc,
            format!("unknown variable `{name}`"),
            "not defined here",
        );
        if is_function {
            d.help.push(format!(
                "`{name}` is a function: call it as `{name}(...)` or pipe into it: `value | {name}`"
            ));
        } else if is_table {
            d.help.push(format!(
                "`{name}` is a lookup table: use it as `lookup(value, {name})`"
            ));
        } else if let Some(s) = suggestion {
            d.help.push(format!("did you mean `{s}`?"));
        } else if is_record_let {
            d.notes.push(format!(
                "`let {name}` reads the record: a def sees only the mapping's constants \
                 (top-level `let`s of literals, parameters, tables and functions)"
            ));
            d.help.push(match def_signature {
                Some((def, params)) if params.is_empty() => {
                    format!("pass it to the def as an argument: `def {def}({name})`")
                }
                Some((def, params)) => format!(
                    "pass it to the def as an argument: `def {def}({}, {name})`",
                    params.join(", ")
                ),
                None => "pass it to the def as an argument".into(),
            });
        } else if is_target {
            d.notes.push(format!(
                "`{name}` is a target field: rules write the output, they cannot read it back"
            ));
            d.help.push(format!(
                "bind the value once with `let {name} = ...` and use it in both rules, or read the input field `.{name}`"
            ));
        } else if !name.starts_with('.') {
            d.help
                .push(format!("to read the input field, write `.{name}`"));
        }
    }

    /// The types a node can have, as far as the checker knows.
    /// The types a node can have, knowing the types of the names in scope.
    pub(super) fn infer(&self, node: &Node) -> Ty {
        infer_in(node, &|slot| {
            self.slot_types.get(slot).copied().unwrap_or(Ty::ANY)
        })
    }

    /// `"a" + 1`: a string and a number never add, whatever the record.
    fn expect_same_kind_for_add(&mut self, lhs: &Node, rhs: &Node, loc: Loc) {
        let (l, r) = (self.infer(lhs), self.infer(rhs));
        let mixed = (l == Ty::STRING && r == Ty::NUMBER) || (l == Ty::NUMBER && r == Ty::STRING);
        if mixed {
            self.error(
                Code::ArgumentType,
                loc,
                format!("`+` cannot add {l} and {r}"),
                format!("{l} + {r}"),
            )
            .help
            .push(
                "join text with `concat(a, b)`, or convert first with `to_string` or `to_number`"
                    .into(),
            );
        }
    }

    pub(super) fn expect_bool(&mut self, node: &Node) {
        self.expect_type(node, Ty::BOOL, "a condition must be a boolean");
    }

    /// Notes that a name's value is used as `expected` here. The needs of
    /// all uses add up (a def may test a value's type and use it two ways),
    /// so a def called with a value that no use accepts fails `check` (see
    /// `def_call`).
    pub(super) fn note_need(&mut self, node: &Node, expected: Ty) {
        if let NodeKind::Local(slot) = node.kind
            && let Some(need) = self.slot_needs.get_mut(slot)
        {
            *need = Some(need.map_or(expected, |n| n.or(expected)));
        }
    }

    fn expect_type(&mut self, node: &Node, expected: Ty, message: &str) {
        self.note_need(node, expected);
        let found = self.infer(node);
        if found != Ty::ANY && !found.overlaps(expected.or(Ty::NULL)) {
            let loc = node.loc;
            self.error(
                Code::ArgumentType,
                loc,
                format!("{message}, found {found}"),
                format!("this is {found}"),
            );
        }
    }
}

/// The types a node can have, as far as the checker knows.
pub(crate) fn infer(node: &Node) -> Ty {
    infer_in(node, &|_| Ty::ANY)
}

/// [`infer`], with `local` giving what is known of each name's slot.
fn infer_in(node: &Node, local: &dyn Fn(usize) -> Ty) -> Ty {
    let infer = |n: &Node| infer_in(n, local);
    match &node.kind {
        NodeKind::Local(slot) => local(*slot),
        NodeKind::Const(v) => Ty::of_json(v),
        NodeKind::List(_) | NodeKind::For { .. } => Ty::LIST,
        NodeKind::Object(_) | NodeKind::Block(_) => Ty::OBJECT,
        NodeKind::DefCall { returns, .. } => *returns,
        // `assert_type(x, "integer")` gives what it asserts
        NodeKind::Call(f, args) if f.name == "assert_type" => match args.get(1).map(|a| &a.kind) {
            Some(NodeKind::Const(Json::String(name))) => {
                match crate::program::TypeCheck::named(name) {
                    Some(ty) => ty.value_type(),
                    None => Ty::ANY,
                }
            }
            _ => Ty::ANY,
        },
        NodeKind::Call(f, _) => f.returns,
        NodeKind::ListCall { op, .. } => match op {
            stdlib::ListOp::Map | stdlib::ListOp::Filter | stdlib::ListOp::SortBy => Ty::LIST,
            stdlib::ListOp::Any | stdlib::ListOp::All => Ty::BOOL,
            stdlib::ListOp::SumBy => Ty::NUMBER,
            stdlib::ListOp::Find => Ty::ANY,
        },
        NodeKind::Neg(_) => Ty::NUMBER,
        NodeKind::Not(_) => Ty::BOOL,
        NodeKind::Binary(op, l, r) => match op {
            BinaryOp::Coalesce | BinaryOp::Catch => infer(l).or(infer(r)),
            BinaryOp::Add => {
                let (l, r) = (infer(l), infer(r));
                if l == Ty::STRING || r == Ty::STRING {
                    Ty::STRING
                } else if l == Ty::NUMBER || r == Ty::NUMBER {
                    Ty::NUMBER
                } else {
                    Ty::NUMBER.or(Ty::STRING)
                }
            }
            BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => Ty::NUMBER,
            _ => Ty::BOOL,
        },
        NodeKind::If(_, t, e) => match e {
            Some(e) => infer(t).or(infer(e)),
            None => infer(t),
        },
        NodeKind::Match { arms, fallback, .. } => {
            let mut ty = fallback.as_ref().map_or(Ty(0), |f| infer(f));
            for (_, value) in arms {
                ty = ty.or(infer(value));
            }
            if ty == Ty(0) { Ty::ANY } else { ty }
        }
        _ => Ty::ANY,
    }
}
