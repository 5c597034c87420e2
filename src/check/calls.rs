//! Calls: built-in functions (arguments in parameter order, counts and
//! known types checked), lookups, list functions with lambdas, and defs.

use super::Checker;
use super::statements::Scope;
use crate::diagnostics::{Code, did_you_mean};
use crate::json::Value as Json;
use crate::program::{self, Loc, Node, NodeKind};
use crate::stdlib::{self, Arity, Function, Implementation, Param, Ty};
use crate::syntax::{BinaryOp, Expr, ExprKind, Ident};

/// An argument before it is checked: the piped value is one too.
pub(super) struct ArgIn<'e> {
    pub(super) name: Option<&'e Ident>,
    pub(super) value: ArgRef<'e>,
    pub(super) span: crate::syntax::Span,
}

pub(super) enum ArgRef<'e> {
    Expr(&'e Expr),
    Lambda(&'e Ident, &'e Expr),
}

impl Checker {
    pub(super) fn call(
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
                self.note_default_zone(function, &nodes, loc);
                self.warn_old_dst_name(function, &nodes);
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
                if function.name == "assert_type"
                    && let Some(Node {
                        kind: NodeKind::Const(Json::String(ty)),
                        loc: tloc,
                    }) = nodes.get(1)
                    && program::TypeCheck::named(ty).is_none()
                {
                    self.error(Code::InvalidType, *tloc, format!("unknown type `{ty}`"), "")
                        .help
                        .push(format!("the types are {}", program::TypeCheck::names()));
                }
                if function.name == "regex_replace" {
                    self.check_replacement(&nodes);
                }
                Node {
                    kind: NodeKind::Call(function, nodes),
                    loc,
                }
            }
        }
    }

    /// Remembers the first call that can read the environment's default
    /// time zone, so a run without one fails before its first record.
    fn note_default_zone(&mut self, function: &'static Function, nodes: &[Node], loc: Loc) {
        if self.default_zone.is_some() || !stdlib::DEFAULT_ZONE_READERS.contains(&function.name) {
            return;
        }
        // a literal, or a list of literals
        fn literal(node: &Node) -> Option<Json> {
            match &node.kind {
                NodeKind::Const(json) => Some(json.clone()),
                NodeKind::List(items) => items
                    .iter()
                    .map(literal)
                    .collect::<Option<_>>()
                    .map(Json::Array),
                _ => None,
            }
        }
        let literals: Vec<Option<Json>> = nodes.iter().map(literal).collect();
        let shapes: Vec<stdlib::ArgShape<'_>> = literals
            .iter()
            .map(|literal| match literal {
                Some(Json::Null) => stdlib::ArgShape::Absent,
                Some(json) => stdlib::ArgShape::Const(json),
                None => stdlib::ArgShape::Computed,
            })
            .collect();
        if stdlib::uses_default_zone(function.name, &shapes) {
            self.default_zone = Some((function.name, loc));
        }
    }

    /// W260 for a literal `dst` choice under an old name.
    fn warn_old_dst_name(&mut self, function: &Function, nodes: &[Node]) {
        let Some(at) = function.params.iter().position(|p| p.name == "dst") else {
            return;
        };
        let Some(node) = nodes.get(at) else {
            return;
        };
        let NodeKind::Const(Json::String(name)) = &node.kind else {
            return;
        };
        let Some(what) = stdlib::old_dst_name(name) else {
            return;
        };
        let file = std::sync::Arc::clone(self.file(node.loc.file));
        self.diagnostics.push(
            crate::diagnostics::Diagnostic::warning(
                Code::OldDstName,
                format!("`dst: \"{name}\"` is an old name that does not say what it does to a skipped time"),
            )
            .with_label(&file, node.loc.span, "old name")
            .with_note(what)
            .with_help("say it: `\"compatible\"` (first occurrence; forward past a gap, 02:30 → 03:30), `\"earlier_instant\"` (first occurrence; back past a gap, 02:30 → 01:30) or `\"later_instant\"` (second occurrence; forward past a gap)"),
        );
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
                    self.note_need(&node, param.ty);
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
                    } else {
                        self.constant_setting(function, i, param, &node);
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
        for (i, node) in nodes.iter().enumerate() {
            let Some(&slot) = self.defs[def].compiled.params.get(i) else {
                continue;
            };
            let Some(need) = self.slot_needs.get(slot).copied().flatten() else {
                continue;
            };
            let found = self.infer(node);
            if found != Ty::ANY && !found.overlaps(need.or(Ty::NULL)) {
                let param = params.get(i).cloned().unwrap_or_default();
                self.error(
                    Code::ArgumentType,
                    node.loc,
                    format!("def `{def_name}` uses `{param}` as {need}, found {found}"),
                    format!("this is {found}"),
                );
            }
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
            kind: NodeKind::DefCall {
                def,
                args: nodes,
                returns: match &self.defs[def].compiled.body {
                    program::DefBody::Block(_) => Ty::OBJECT,
                    // a def not checked yet has a null placeholder body
                    program::DefBody::Value(program::Node {
                        kind: NodeKind::Const(Json::Null),
                        ..
                    }) => Ty::ANY,
                    program::DefBody::Value(value) => self.infer(value),
                },
            },
            loc,
        }
    }

    /// A constant argument for a setting is read now, with the function the
    /// built-in reads it with on every record: `round(x, 2, "halfeven")`
    /// fails `check` instead of every record.
    fn constant_setting(&mut self, function: &Function, i: usize, param: &Param, node: &Node) {
        let Some(setting) = param.setting else {
            return;
        };
        let constant = match &node.kind {
            NodeKind::Const(Json::Null) => return,
            NodeKind::Const(constant) => constant.clone(),
            NodeKind::List(items) => {
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    let NodeKind::Const(c) = &item.kind else {
                        return;
                    };
                    list.push(c.clone());
                }
                Json::Array(list)
            }
            _ => return,
        };
        // a constant pattern is compiled once, now, into the program; the
        // built-in's own reading below then finds it there (and an invalid
        // one is compiled again only to report it)
        if let Json::String(pattern) = &constant
            && stdlib::PATTERN_READERS.contains(&function.name)
            && i == 1
        {
            self.patterns.compile(pattern);
        }
        let mut values = vec![crate::value::Value::Missing; i + 1];
        values[i] = crate::value::Value::from_json(&constant);
        let mut args = stdlib::args::Args {
            values,
            ambient: crate::env::Ambient::default(),
            patterns: &self.patterns,
        };
        let Err(problem) = setting(&mut args, i) else {
            return;
        };
        let d = self.error(
            Code::InvalidSetting,
            node.loc,
            format!("`{}`: {}", function.name, problem.message),
            format!(
                "every record would fail here with {}",
                problem.code.as_str()
            ),
        );
        if let Some(help) = problem.help {
            d.help.push(help);
        }
    }
}
