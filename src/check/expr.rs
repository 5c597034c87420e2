//! Expressions: name resolution, calls, known types, and lowering.

use super::Checker;
use super::statements::Scope;
use crate::diagnostics::{Code, did_you_mean};
use crate::program::{Loc, Node, NodeKind, Step};
use crate::stdlib::{self, Arity, Function, Implementation, Ty};
use crate::syntax::{Accessor, ArgumentValue, BinaryOp, Expr, ExprKind, Ident, UnaryOp};
use serde_json::Value as Json;

/// An argument before it is checked: the piped value is one too.
struct ArgIn<'e> {
    name: Option<&'e Ident>,
    value: ArgRef<'e>,
    span: crate::syntax::Span,
}

enum ArgRef<'e> {
    Expr(&'e Expr),
    Lambda(&'e Ident, &'e Expr),
}

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
                Some((slot, _)) => NodeKind::Local(slot),
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
                    let slot = self.new_slot();
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
        } else if !name.starts_with('.') {
            d.help
                .push(format!("to read the input field, write `.{name}`"));
        }
    }

    fn call(
        &mut self,
        scope: &mut Scope<'_>,
        name: &Ident,
        args: Vec<ArgIn<'_>>,
        loc: Loc,
    ) -> Node {
        let file = scope.module.file;
        if let Some(def) = scope.module.defs.get(&name.name).copied() {
            return self.def_call(scope, def, name, args, loc);
        }
        let Some(function) = stdlib::function(&name.name) else {
            let nloc = self.loc(file, name.span);
            let candidates: Vec<&str> = stdlib::FUNCTIONS
                .iter()
                .map(|f| f.name)
                .chain(scope.module.defs.keys().map(String::as_str))
                .collect();
            let suggestion = did_you_mean(&name.name, candidates).map(str::to_string);
            let d = self.error(
                Code::UnknownFunction,
                nloc,
                format!("unknown function `{}`", name.name),
                "",
            );
            match suggestion {
                Some(s) => d.help.push(format!("did you mean `{s}`?")),
                None => d
                    .help
                    .push("`mapc functions` lists the built-in functions".into()),
            }
            // still check the arguments, for their own errors
            for arg in &args {
                if let ArgRef::Expr(e) = arg.value {
                    self.expr(scope, e);
                }
            }
            return Node {
                kind: NodeKind::Const(Json::Null),
                loc,
            };
        };
        let Some(ordered) = self.order_arguments(file, function, name, args, loc) else {
            return Node {
                kind: NodeKind::Const(Json::Null),
                loc,
            };
        };
        match function.implementation {
            Implementation::Lookup => self.lookup_call(scope, function, ordered, loc),
            Implementation::List(op) => {
                let mut it = ordered.into_iter();
                let (Some(Some(list)), Some(Some(lambda))) = (it.next(), it.next()) else {
                    return Node {
                        kind: NodeKind::Const(Json::Null),
                        loc,
                    };
                };
                let list = self.value_argument(scope, function, 0, list);
                let (ArgRef::Lambda(param, body), _) = (lambda.value, lambda.span) else {
                    let lloc = self.loc(file, lambda.span);
                    self.error(
                        Code::LambdaMisuse,
                        lloc,
                        format!(
                            "`{}` needs a function here, such as `x => x.price`",
                            function.name
                        ),
                        "not a function",
                    );
                    return Node {
                        kind: NodeKind::Const(Json::Null),
                        loc,
                    };
                };
                let slot = self.new_slot();
                scope.vars.push((param.name.clone(), slot, Ty::ANY));
                let body = self.expr(scope, body);
                scope.vars.pop();
                if matches!(
                    op,
                    stdlib::ListOp::Filter
                        | stdlib::ListOp::Any
                        | stdlib::ListOp::All
                        | stdlib::ListOp::Find
                ) {
                    self.expect_bool(&body);
                }
                Node {
                    kind: NodeKind::ListCall {
                        op,
                        list: Box::new(list),
                        slot,
                        body: Box::new(body),
                    },
                    loc,
                }
            }
            Implementation::Plain(_) => {
                let mut nodes = Vec::new();
                for (i, arg) in ordered.into_iter().enumerate() {
                    match arg {
                        Some(arg) => nodes.push(self.value_argument(scope, function, i, arg)),
                        None => nodes.push(Node {
                            kind: NodeKind::Const(Json::Null),
                            loc,
                        }),
                    }
                }
                // trailing optional arguments that were not given stay absent
                while nodes
                    .last()
                    .is_some_and(|n| matches!(n.kind, NodeKind::Const(Json::Null)) && n.loc == loc)
                {
                    nodes.pop();
                }
                // `coalesce(a, b, c)` is `a ?? b ?? c`, so the two can never
                // disagree (on blank strings under `policy blank`, say)
                if function.name == "coalesce" && !nodes.is_empty() {
                    let mut rest = nodes.into_iter().rev();
                    if let Some(last) = rest.next() {
                        return rest.fold(last, |acc, lhs| Node {
                            kind: NodeKind::Binary(
                                BinaryOp::Coalesce,
                                Box::new(lhs),
                                Box::new(acc),
                            ),
                            loc,
                        });
                    }
                    return Node {
                        kind: NodeKind::Const(Json::Null),
                        loc,
                    };
                }
                Node {
                    kind: NodeKind::Call(function, nodes),
                    loc,
                }
            }
        }
    }

    /// Puts arguments in parameter order (named ones by name); checks counts.
    fn order_arguments<'e>(
        &mut self,
        file: u32,
        function: &Function,
        name: &Ident,
        args: Vec<ArgIn<'e>>,
        loc: Loc,
    ) -> Option<Vec<Option<ArgIn<'e>>>> {
        let variadic = function
            .params
            .last()
            .is_some_and(|p| p.arity == Arity::Variadic);
        let mut slots: Vec<Option<ArgIn<'e>>> = Vec::new();
        let mut ok = true;
        let mut positional_done = false;
        for arg in args {
            match arg.name {
                None if positional_done => {
                    let aloc = self.loc(file, arg.span);
                    self.error(
                        Code::UnknownArgument,
                        aloc,
                        "positional argument after a named one",
                        "",
                    )
                    .help
                    .push("put named arguments last".into());
                    ok = false;
                }
                None => slots.push(Some(arg)),
                Some(arg_name) => {
                    positional_done = true;
                    match function.params.iter().position(|p| p.name == arg_name.name) {
                        Some(i) if function.params[i].arity != Arity::Variadic => {
                            while slots.len() <= i {
                                slots.push(None);
                            }
                            if slots[i].is_some() {
                                let aloc = self.loc(file, arg_name.span);
                                self.error(
                                    Code::UnknownArgument,
                                    aloc,
                                    format!("argument `{}` is given twice", arg_name.name),
                                    "",
                                );
                                ok = false;
                            }
                            slots[i] = Some(arg);
                        }
                        _ => {
                            let aloc = self.loc(file, arg_name.span);
                            let suggestion = did_you_mean(
                                &arg_name.name,
                                function.params.iter().map(|p| p.name),
                            );
                            let d = self.error(
                                Code::UnknownArgument,
                                aloc,
                                format!("`{}` has no argument `{}`", function.name, arg_name.name),
                                "",
                            );
                            d.help.push(match suggestion {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => format!("the signature is `{}`", function.signature()),
                            });
                            ok = false;
                        }
                    }
                }
            }
        }
        if !ok {
            // the argument errors already say what is wrong; a count error
            // on top would only repeat it
            return None;
        }
        let given = slots.len();
        let (min, max) = function.arity();
        let missing_required = function
            .params
            .iter()
            .enumerate()
            .filter(|(i, p)| p.arity == Arity::One && slots.get(*i).is_none_or(Option::is_none))
            .map(|(_, p)| p.name)
            .collect::<Vec<_>>();
        let too_many = max.is_some_and(|m| given > m) && !variadic;
        if too_many || !missing_required.is_empty() {
            let nloc = self.loc(file, name.span);
            let expected = match max {
                Some(m) if m == min => format!("{min}"),
                Some(m) => format!("{min} to {m}"),
                None => format!("at least {min}"),
            };
            let count = slots.iter().filter(|s| s.is_some()).count();
            let d = self.error(
                Code::ArgumentCount,
                nloc,
                format!(
                    "`{}` takes {expected} argument{}, but {count} {} given",
                    function.name,
                    if expected == "1" { "" } else { "s" },
                    if count == 1 { "was" } else { "were" }
                ),
                "",
            );
            if !missing_required.is_empty() && !too_many {
                d.notes
                    .push(format!("missing: {}", missing_required.join(", ")));
            }
            d.help
                .push(format!("the signature is `{}`", function.signature()));
            let _ = loc;
            return None;
        }
        Some(slots)
    }

    fn value_argument(
        &mut self,
        scope: &mut Scope<'_>,
        function: &Function,
        i: usize,
        arg: ArgIn<'_>,
    ) -> Node {
        let param = function.params.get(i).or(function.params.last());
        match arg.value {
            ArgRef::Lambda(..) => {
                let aloc = self.loc(scope.module.file, arg.span);
                self.error(
                    Code::LambdaMisuse,
                    aloc,
                    format!("`{}` does not take a function here", function.name),
                    "a lambda is only for list functions such as `map` and `filter`",
                );
                Node {
                    kind: NodeKind::Const(Json::Null),
                    loc: aloc,
                }
            }
            ArgRef::Expr(e) => {
                let node = self.expr(scope, e);
                if let Some(param) = param {
                    let found = self.infer(&node);
                    if found != Ty::ANY && !found.overlaps(param.ty.or(Ty::NULL)) {
                        let nloc = node.loc;
                        self.error(
                            Code::ArgumentType,
                            nloc,
                            format!(
                                "`{}` expects {} for `{}`, found {found}",
                                function.name, param.ty, param.name
                            ),
                            format!("this is {found}"),
                        )
                        .help
                        .push(format!("the signature is `{}`", function.signature()));
                    }
                }
                node
            }
        }
    }

    fn lookup_call(
        &mut self,
        scope: &mut Scope<'_>,
        function: &Function,
        args: Vec<Option<ArgIn<'_>>>,
        loc: Loc,
    ) -> Node {
        let mut it = args.into_iter();
        let (Some(Some(value)), Some(Some(table))) = (it.next(), it.next()) else {
            return Node {
                kind: NodeKind::Const(Json::Null),
                loc,
            };
        };
        let value = self.value_argument(scope, function, 0, value);
        let tloc = self.loc(scope.module.file, table.span);
        let ArgRef::Expr(Expr {
            kind: ExprKind::Variable(table_name),
            ..
        }) = table.value
        else {
            self.error(
                Code::UnknownTable,
                tloc,
                "the second argument of `lookup` must name a table",
                "not a table name",
            );
            return Node {
                kind: NodeKind::Const(Json::Null),
                loc,
            };
        };
        match scope.module.tables.get(table_name) {
            Some(index) => Node {
                kind: NodeKind::Lookup {
                    table: *index,
                    value: Box::new(value),
                },
                loc,
            },
            None => {
                let suggestion =
                    did_you_mean(table_name, scope.module.tables.keys().map(String::as_str))
                        .map(str::to_string);
                let d = self.error(
                    Code::UnknownTable,
                    tloc,
                    format!("unknown lookup table `{table_name}`"),
                    "",
                );
                d.help.push(match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("declare it: `table {table_name} {{ \"key\" => \"value\" }}`"),
                });
                Node {
                    kind: NodeKind::Const(Json::Null),
                    loc,
                }
            }
        }
    }

    fn def_call(
        &mut self,
        scope: &mut Scope<'_>,
        def: usize,
        name: &Ident,
        args: Vec<ArgIn<'_>>,
        loc: Loc,
    ) -> Node {
        let params = self.defs[def].param_names.clone();
        let expected = params.len();
        let def_name = self.defs[def].compiled.name.clone();
        let given = args.len();
        let mut nodes = Vec::new();
        for arg in args {
            match arg.value {
                ArgRef::Expr(e) if arg.name.is_none() => nodes.push(self.expr(scope, e)),
                _ => {
                    let aloc = self.loc(scope.module.file, arg.span);
                    self.error(
                        Code::LambdaMisuse,
                        aloc,
                        format!("def `{def_name}` takes plain values"),
                        "",
                    );
                }
            }
        }
        if let Some(current) = scope.def {
            self.defs[current].calls.push((def, loc));
        }
        if expected != given {
            let nloc = self.loc(scope.module.file, name.span);
            self.error(
                Code::ArgumentCount,
                nloc,
                format!(
                    "def `{def_name}` takes {expected} argument{}, but {given} {} given",
                    if expected == 1 { "" } else { "s" },
                    if given == 1 { "was" } else { "were" }
                ),
                "",
            )
            .help
            .push(format!(
                "the signature is `{def_name}({})`",
                params.join(", ")
            ));
        }
        Node {
            kind: NodeKind::DefCall { def, args: nodes },
            loc,
        }
    }

    /// The types a node can have, as far as the checker knows.
    pub(super) fn infer(&self, node: &Node) -> Ty {
        infer(node)
    }

    pub(super) fn expect_bool(&mut self, node: &Node) {
        self.expect_type(node, Ty::BOOL, "a condition must be a boolean");
    }

    fn expect_type(&mut self, node: &Node, expected: Ty, message: &str) {
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

    /// Reports defs that call themselves, directly or through other defs.
    pub(super) fn check_recursion(&mut self) {
        let n = self.defs.len();
        // 0 = unvisited, 1 = on the stack, 2 = done
        let mut state = vec![0u8; n];
        let mut reported = vec![false; n];
        for start in 0..n {
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            if state[start] != 0 {
                continue;
            }
            state[start] = 1;
            while let Some((def, next)) = stack.last().copied() {
                if let Some(&(callee, call_loc)) = self.defs[def].calls.get(next) {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    match state[callee] {
                        0 => {
                            state[callee] = 1;
                            stack.push((callee, 0));
                        }
                        1 if !reported[callee] => {
                            reported[callee] = true;
                            let cycle: Vec<String> = stack
                                .iter()
                                .skip_while(|(d, _)| *d != callee)
                                .map(|(d, _)| self.defs[*d].compiled.name.clone())
                                .chain(std::iter::once(self.defs[callee].compiled.name.clone()))
                                .collect();
                            let def_loc = self.defs[callee].loc;
                            let d = self.error(
                                Code::RecursiveDef,
                                call_loc,
                                format!(
                                    "def `{}` calls itself: {}",
                                    self.defs[callee].compiled.name,
                                    cycle.join(" → ")
                                ),
                                "recursive call",
                            );
                            d.notes.push(
                                "mappings are total: no recursion, so every mapping ends".into(),
                            );
                            let _ = def_loc;
                        }
                        _ => {}
                    }
                } else {
                    state[def] = 2;
                    stack.pop();
                }
            }
        }
    }
}

/// The types a node can have, as far as the checker knows.
pub(crate) fn infer(node: &Node) -> Ty {
    match &node.kind {
        NodeKind::Const(v) => match v {
            Json::Null => Ty::NULL,
            Json::Bool(_) => Ty::BOOL,
            Json::Number(_) => Ty::NUMBER,
            Json::String(_) => Ty::STRING,
            Json::Array(_) => Ty::LIST,
            Json::Object(_) => Ty::OBJECT,
        },
        NodeKind::List(_) | NodeKind::For { .. } => Ty::LIST,
        NodeKind::Object(_) | NodeKind::Block(_) | NodeKind::DefCall { .. } => Ty::OBJECT,
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
            BinaryOp::Coalesce => infer(l).or(infer(r)),
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
