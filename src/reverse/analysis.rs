//! Which target fields can be mapped back, and how: one walk over the
//! syntax tree of a checked mapping, with the lookup tables the checker
//! loaded.
//!
//! Every construct the walk meets is a [`Construct`]; its row of
//! [`Construct::ALL`] says whether it reverses exactly, lossily or not at
//! all, and the README's table is printed from the same rows. A construct
//! the walk does not know is "not invertible", never guessed.

pub use super::constructs::Construct;
use super::constructs::{AGGREGATE, LOSSY};
use super::fields::{dotted, quote_key, resolve_currencies, settle_shared_paths};
use super::{Field, Kind, Strategy};
use crate::json::Value as Json;
use crate::program::{Program, Table};
use crate::syntax::{
    self, Accessor, ArgumentValue, Ast, BinaryOp, Block, DefBody, Expr, ExprKind, Item, RuleOption,
    Statement, UnaryOp,
};
use std::collections::HashMap;

/// The first key of a path read from a `for` loop's element.
const ELEMENT: &str = "\u{0}element";

/// Around a source path in an inverse template: "the target field that
/// copies this source path" (a currency read from the record).
pub(crate) const CURRENCY: &str = "\u{1}";
pub(crate) const SEPARATOR: &str = "\u{2}";

/// The placeholder for "the value coming back" in an inverse template.
pub(crate) const HOLE: &str = "\u{0}";

/// Where a value comes from, as far as the walk can tell.
#[derive(Clone, Debug)]
enum Flow {
    /// From one source path, through conversions whose inverse is the
    /// template (with [`HOLE`] for the value coming back).
    Path {
        path: Vec<String>,
        inverse: String,
        steps: Vec<Construct>,
    },
    /// A constant.
    Const(Json),
    /// A parameter.
    Param,
    /// Not invertible, and why.
    None(Construct, String),
}

impl Flow {
    fn root() -> Flow {
        Flow::Path {
            path: Vec::new(),
            inverse: HOLE.to_string(),
            steps: Vec::new(),
        }
    }

    /// Adds a step: the new inverse runs first on the way back.
    fn then(self, step: Construct, inverse: impl Fn(&str) -> String) -> Flow {
        match self {
            Flow::Path {
                path,
                inverse: inner,
                mut steps,
            } => {
                steps.push(step);
                Flow::Path {
                    path,
                    inverse: inner.replace(HOLE, &inverse(HOLE)),
                    steps,
                }
            }
            Flow::Const(_) | Flow::Param => Flow::None(
                Construct::Unknown,
                "a conversion of a constant or parameter".to_string(),
            ),
            none @ Flow::None(..) => none,
        }
    }
}

/// A lookup table's reverse, as the derived mapping writes it.
#[derive(Clone, Debug)]
pub(crate) struct ReverseTable {
    /// The forward table's name.
    pub name: String,
    /// value → the key it maps back to, in declaration order.
    pub rows: Vec<(Json, Json)>,
}

/// A table's name with its values that have more than one key, each
/// with its keys.
pub(crate) type Ambiguity = (String, Vec<(Json, Vec<Json>)>);

/// What [`analyse`] found.
pub(crate) struct Found {
    pub fields: Vec<Field>,
    pub tables: Vec<ReverseTable>,
    /// Table name → its ambiguous values with their keys.
    pub ambiguous: Vec<Ambiguity>,
}

struct Walker<'p> {
    program: &'p Program,
    ast: &'p Ast,
    text: &'p str,
    fields: Vec<Field>,
    tables: Vec<ReverseTable>,
    ambiguous: Vec<Ambiguity>,
}

/// Classifies every target field of a checked program.
pub(crate) fn analyse(program: &Program) -> Found {
    let Some(file) = program.files.first() else {
        return Found {
            fields: Vec::new(),
            tables: Vec::new(),
            ambiguous: Vec::new(),
        };
    };
    let (ast, _) = syntax::parse(file);
    let mut walker = Walker {
        program,
        ast: &ast,
        text: &file.text,
        fields: Vec::new(),
        tables: Vec::new(),
        ambiguous: Vec::new(),
    };
    let mut scope = HashMap::new();
    let statements: Vec<&Statement> = ast.statements().collect();
    walker.statements(&statements, &[], &mut scope, None);
    let mut fields = walker.fields;
    settle_shared_paths(&mut fields);
    resolve_currencies(&mut fields);
    Found {
        fields,
        tables: walker.tables,
        ambiguous: walker.ambiguous,
    }
}

impl<'p> Walker<'p> {
    fn statements(
        &mut self,
        statements: &[&Statement],
        prefix: &[String],
        scope: &mut HashMap<String, Flow>,
        inside_if: Option<&str>,
    ) {
        for statement in statements {
            match statement {
                Statement::Let(l) => {
                    let flow = self.expr(&l.value, scope);
                    scope.insert(l.name.name.clone(), flow);
                }
                Statement::If(i) => {
                    let mut blocks: Vec<&Block> = vec![&i.then];
                    let mut other = i.otherwise.as_ref();
                    while let Some(o) = other {
                        match o {
                            syntax::Else::Block(b) => {
                                blocks.push(b);
                                other = None;
                            }
                            syntax::Else::If(inner) => {
                                blocks.push(&inner.then);
                                other = inner.otherwise.as_ref();
                            }
                        }
                    }
                    for block in blocks {
                        let inner: Vec<&Statement> = block.statements.iter().collect();
                        self.statements(&inner, prefix, &mut scope.clone(), Some("if"));
                    }
                }
                Statement::Rule(rule) => {
                    let mut target = prefix.to_vec();
                    target.extend(rule.target.keys.iter().map(|k| k.name.clone()));
                    if let Some(block) = rule.options.iter().find_map(|o| match o {
                        RuleOption::Reverse(b) => Some(b),
                        _ => None,
                    }) {
                        let (line, column) = line_column(self.text, rule.span.start);
                        let mut f = self.explicit(target, block, line, column);
                        f.on_conflict = on_conflict(rule);
                        self.fields.push(f);
                        continue;
                    }
                    if let ExprKind::Block(block) = &rule.value.kind {
                        let inner: Vec<&Statement> = block.statements.iter().collect();
                        self.statements(&inner, &target, &mut scope.clone(), inside_if);
                        continue;
                    }
                    if let (ExprKind::For(for_loop), None) = (&rule.value.kind, inside_if) {
                        let (line, column) = line_column(self.text, rule.span.start);
                        let mut f = self.for_loop(target, for_loop, scope, line, column);
                        f.on_conflict = on_conflict(rule);
                        if let Some(key) = rule.options.iter().find_map(|o| match o {
                            RuleOption::Key(t) => Some(t),
                            _ => None,
                        }) {
                            pair_by_key(&mut f, key.keys.iter().map(|k| k.name.clone()).collect());
                        }
                        self.fields.push(f);
                        continue;
                    }
                    let mut flow = if inside_if.is_some() {
                        Flow::None(
                            Construct::IfStatement,
                            "written inside an `if` statement".to_string(),
                        )
                    } else {
                        self.expr(&rule.value, scope)
                    };
                    for option in &rule.options {
                        // a constant stays a constant, whatever its options
                        if matches!(flow, Flow::Const(_) | Flow::Param) {
                            break;
                        }
                        match option {
                            RuleOption::Default(_) => {
                                flow = flow.then(Construct::Default, |h| h.to_string());
                            }
                            RuleOption::When(_) => {
                                flow = flow.then(Construct::When, |h| h.to_string());
                            }
                            RuleOption::Required(_)
                            | RuleOption::Optional(_)
                            | RuleOption::Nullable(_)
                            | RuleOption::OnConflict(_)
                            | RuleOption::Key(_)
                            | RuleOption::Reverse(_)
                            | RuleOption::Constraint(_) => {}
                            // an option added to the language later: not
                            // guessed
                            #[allow(unreachable_patterns)]
                            _ => {
                                flow = Flow::None(
                                    Construct::Unknown,
                                    "a rule option `mapc reverse` does not know".to_string(),
                                );
                            }
                        }
                    }
                    let (line, column) = line_column(self.text, rule.span.start);
                    let mut f = field(target, flow, line, column);
                    f.on_conflict = on_conflict(rule);
                    self.fields.push(f);
                }
                // a statement added to the language later: reported, not
                // guessed
                #[allow(unreachable_patterns)]
                _ => {
                    let mut at = prefix.to_vec();
                    at.push("(statement)".to_string());
                    self.fields.push(field(
                        at,
                        Flow::None(
                            Construct::Unknown,
                            "a statement `mapc reverse` does not know".to_string(),
                        ),
                        0,
                        0,
                    ));
                }
            }
        }
    }

    /// A rule with its own `reverse { ... }`: the author's rules, pasted
    /// into the derived mapping; they write the source paths their rules
    /// name.
    fn explicit(&self, target: Vec<String>, block: &Block, line: usize, column: usize) -> Field {
        let mut writes = Vec::new();
        written_paths(&block.statements, &[], &mut writes);
        let inner = self
            .text
            .get(block.span.start + 1..block.span.end.saturating_sub(1))
            .unwrap_or_default();
        let shown: Vec<String> = writes.iter().map(|w| dotted_source(w)).collect();
        Field {
            target: dotted(&target),
            target_path: target,
            kind: Kind::Explicit,
            source: None,
            why: format!(
                "explicit: the rule's own `reverse` writes `{}`",
                shown.join("`, `")
            ),
            constructs: vec![Construct::Explicit],
            inverse: inner.trim().to_string(),
            line,
            column,
            elements: Vec::new(),
            item: String::new(),
            reads: Vec::new(),
            on_conflict: None,
            writes,
            pair_key: None,
        }
    }

    /// A `for` loop: its body's fields, relative to one element.
    fn for_loop(
        &mut self,
        target: Vec<String>,
        for_loop: &syntax::ForLoop,
        scope: &HashMap<String, Flow>,
        line: usize,
        column: usize,
    ) -> Field {
        let none = |why: &str| {
            field(
                target.clone(),
                Flow::None(Construct::ForFiltered, why.to_string()),
                line,
                column,
            )
        };
        if for_loop.filter.is_some() {
            return none("a `for` with `where` drops elements, so positions do not pair");
        }
        if for_loop.index.is_some() {
            return none("a `for` with an index variable");
        }
        let list = match self.expr(&for_loop.list, scope) {
            Flow::Path {
                path,
                inverse,
                steps,
            } if inverse == HOLE
                && steps.iter().all(|s| *s == Construct::Copy)
                && path.first().is_none_or(|k| k != ELEMENT) =>
            {
                path
            }
            Flow::None(_, why) => return none(&why),
            _ => return none("a `for` over a converted list or a list in a `for`"),
        };
        let mut inner = scope.clone();
        inner.insert(
            for_loop.item.name.clone(),
            Flow::Path {
                path: vec![ELEMENT.to_string()],
                inverse: HOLE.to_string(),
                steps: Vec::new(),
            },
        );
        let outer = std::mem::take(&mut self.fields);
        let body: Vec<&Statement> = for_loop.body.statements.iter().collect();
        self.statements(&body, &[], &mut inner, None);
        let mut elements = std::mem::replace(&mut self.fields, outer);
        for f in &mut elements {
            match f.source.as_mut() {
                Some(path) if path.first().is_some_and(|k| k == ELEMENT) => {
                    path.remove(0);
                    let sentinel = format!(".{}", quote_key(ELEMENT));
                    f.why = f.why.replace(&sentinel, &for_loop.item.name);
                }
                Some(_) => {
                    f.kind = Kind::None;
                    f.why = "not invertible: reads outside the loop's element".to_string();
                    f.constructs.push(Construct::ForFiltered);
                    f.source = None;
                }
                None => {}
            }
        }
        settle_shared_paths(&mut elements);
        let back = elements.iter().filter(|f| f.kind.writes_back()).count();
        let kind = if back == 0 {
            Kind::None
        } else if elements
            .iter()
            .all(|f| matches!(f.kind, Kind::Exact | Kind::Dropped))
        {
            Kind::Exact
        } else {
            Kind::Lossy
        };
        let mut constructs = vec![Construct::ForLoop];
        if kind == Kind::None {
            constructs.push(Construct::ForFiltered);
        }
        let why = match kind {
            Kind::None => "not invertible: no field of an element maps back".to_string(),
            _ => format!(
                "{}: from `{}`, element by element (by position); {back} of {} element fields map back",
                kind.name(),
                dotted_source(&list),
                elements.len()
            ),
        };
        Field {
            target: dotted(&target),
            target_path: target,
            kind,
            source: (kind != Kind::None).then_some(list),
            why,
            constructs,
            inverse: HOLE.to_string(),
            line,
            column,
            elements,
            item: for_loop.item.name.clone(),
            reads: Vec::new(),
            on_conflict: None,
            writes: Vec::new(),
            pair_key: None,
        }
    }

    fn expr(&mut self, expr: &Expr, scope: &HashMap<String, Flow>) -> Flow {
        match &expr.kind {
            ExprKind::Literal(value) => Flow::Const(value.clone()),
            ExprKind::Root => Flow::root(),
            ExprKind::Param(_) => Flow::Param,
            ExprKind::Variable(name) => scope.get(name).cloned().unwrap_or_else(|| {
                Flow::None(Construct::Unknown, format!("`{name}` is not a `let` name"))
            }),
            ExprKind::Group(inner) => self.expr(inner, scope),
            ExprKind::Access(base, accessor) => {
                let base = self.expr(base, scope);
                match (base, accessor) {
                    (
                        Flow::Path {
                            mut path,
                            inverse,
                            steps,
                        },
                        Accessor::Field(name),
                    ) if inverse == HOLE && steps.iter().all(|s| *s == Construct::Copy) => {
                        path.push(name.clone());
                        Flow::Path {
                            path,
                            inverse,
                            steps,
                        }
                    }
                    (none @ Flow::None(..), _) => none,
                    (_, Accessor::Field(name)) => Flow::None(
                        Construct::Unknown,
                        format!("`.{name}` read from a converted value"),
                    ),
                    _ => Flow::None(
                        Construct::Unknown,
                        "an index (`[0]`, `[*]`) into a list".to_string(),
                    ),
                }
            }
            ExprKind::Pipe(value, call) => match &call.kind {
                ExprKind::Variable(name) => self.call(name, &[value], scope),
                ExprKind::Call(name, args) => {
                    let mut all: Vec<&Expr> = vec![value];
                    for a in args {
                        match &a.value {
                            ArgumentValue::Expr(e) if a.name.is_none() => all.push(e),
                            _ => {
                                return Flow::None(
                                    Construct::Unknown,
                                    format!("`{}` with a named or lambda argument", name.name),
                                );
                            }
                        }
                    }
                    self.call(&name.name, &all, scope)
                }
                _ => Flow::None(Construct::Unknown, "a pipe into a non-call".to_string()),
            },
            ExprKind::Call(name, args) => {
                let mut all: Vec<&Expr> = Vec::new();
                for a in args {
                    match &a.value {
                        ArgumentValue::Expr(e) if a.name.is_none() => all.push(e),
                        _ => {
                            return Flow::None(
                                Construct::Unknown,
                                format!("`{}` with a named or lambda argument", name.name),
                            );
                        }
                    }
                }
                self.call(&name.name, &all, scope)
            }
            ExprKind::Unary(op, inner) => {
                let flow = self.expr(inner, scope);
                match op {
                    UnaryOp::Not => flow.then(Construct::Negation, |h| format!("not {h}")),
                    UnaryOp::Neg => flow.then(Construct::Negation, |h| format!("-{h}")),
                }
            }
            ExprKind::Binary(op, left, right) => self.binary(*op, left, right, scope),
            ExprKind::If(_, then, otherwise) => {
                let Some(otherwise) = otherwise else {
                    return Flow::None(Construct::Unknown, "`if` without `else`".to_string());
                };
                let (a, b) = (self.expr(then, scope), self.expr(otherwise, scope));
                match (a, b) {
                    (Flow::Path { path: p, .. }, Flow::Path { path: q, .. }) if p == q => {
                        Flow::Path {
                            path: p,
                            inverse: HOLE.to_string(),
                            steps: vec![Construct::Conditional],
                        }
                    }
                    _ => Flow::None(
                        Construct::Unknown,
                        "an `if` whose branches are not one source value".to_string(),
                    ),
                }
            }
            ExprKind::For(_) => Flow::None(
                Construct::ForFiltered,
                "a `for` loop inside an expression".to_string(),
            ),
            ExprKind::Block(_) => Flow::None(Construct::Unknown, "a nested block".to_string()),
            ExprKind::Match(subject, arms) => self.match_expr(subject, arms, expr, scope),
            ExprKind::List(_) | ExprKind::Object(_) => Flow::None(
                Construct::Unknown,
                "a list or object expression".to_string(),
            ),
            #[allow(unreachable_patterns)]
            _ => Flow::None(
                Construct::Unknown,
                "an expression mapc cannot reverse".to_string(),
            ),
        }
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        scope: &HashMap<String, Flow>,
    ) -> Flow {
        let (a, b) = (self.expr(left, scope), self.expr(right, scope));
        match (op, a, b) {
            (BinaryOp::Coalesce, path @ Flow::Path { .. }, Flow::Const(_)) => {
                path.then(Construct::Default, |h| h.to_string())
            }
            (op, path @ Flow::Path { .. }, Flow::Const(Json::Number(n))) => {
                let n = n.to_string();
                match op {
                    BinaryOp::Add => path.then(Construct::Arithmetic, |h| format!("({h} - {n})")),
                    BinaryOp::Sub => path.then(Construct::Arithmetic, |h| format!("({h} + {n})")),
                    BinaryOp::Div => path.then(Construct::Arithmetic, |h| format!("({h} * {n})")),
                    BinaryOp::Mul => path.then(Construct::Multiply, |h| format!("({h} / {n})")),
                    other => Flow::None(
                        Construct::Unknown,
                        format!("the operator `{}`", other.symbol()),
                    ),
                }
            }
            (BinaryOp::Add, Flow::Const(Json::Number(n)), path @ Flow::Path { .. }) => {
                path.then(Construct::Arithmetic, |h| format!("({h} - {n})"))
            }
            (_, none @ Flow::None(..), _) | (_, _, none @ Flow::None(..)) => none,
            (op, Flow::Path { .. }, Flow::Path { .. }) => Flow::None(
                Construct::Unknown,
                format!("`{}` over more than one source value", op.symbol()),
            ),
            (op, _, _) => Flow::None(
                Construct::Unknown,
                format!("the operator `{}` has no known inverse here", op.symbol()),
            ),
        }
    }

    fn call(&mut self, name: &str, args: &[&Expr], scope: &HashMap<String, Flow>) -> Flow {
        let Some(first) = args.first() else {
            return Flow::None(Construct::Unknown, format!("`{name}()` reads no value"));
        };
        let consts: Option<Vec<Json>> = args[1..]
            .iter()
            .map(|a| match &a.kind {
                ExprKind::Literal(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        let lit = |i: usize| -> String {
            consts
                .as_ref()
                .and_then(|c| c.get(i))
                .map_or_else(String::new, Json::to_string)
        };
        if let Some(def) = self.value_def(name) {
            return self.inline_def(def, args, scope);
        }
        if name == "lookup" {
            return self.lookup(first, args.get(1), scope);
        }
        if name == "concat" {
            return self.concat(args, scope);
        }
        let flow = self.expr(first, scope);
        if let ("from_minor_units" | "to_minor_units", [_, currency]) = (name, args)
            && !matches!(currency.kind, ExprKind::Literal(_))
        {
            return self.minor_units_from_record(name, flow, currency, scope);
        }
        if consts.is_none() {
            return match flow {
                none @ Flow::None(..) => none,
                _ => Flow::None(
                    Construct::Unknown,
                    format!("`{name}` with a setting read from the record"),
                ),
            };
        }
        match (name, args.len()) {
            ("from_minor_units", 2) => flow.then(Construct::MinorUnits, |h| {
                format!("to_minor_units({h}, {})", lit(0))
            }),
            ("to_minor_units", 2) => flow.then(Construct::MinorUnits, |h| {
                format!("from_minor_units({h}, {})", lit(0))
            }),
            ("convert_unit", 3) => flow.then(Construct::ConvertUnit, |h| {
                format!("convert_unit({h}, {}, {})", lit(1), lit(0))
            }),
            ("convert_unit", 5) => flow.then(Construct::ConvertUnitRounded, |h| {
                format!(
                    "convert_unit({h}, {}, {}, {}, {})",
                    lit(1),
                    lit(0),
                    lit(2),
                    lit(3)
                )
            }),
            ("to_zone", 2) => flow.then(Construct::ToZone, |h| h.to_string()),
            ("from_unix", 2) => {
                flow.then(Construct::UnixTime, |h| format!("to_unix({h}, {})", lit(0)))
            }
            ("to_unix", 2) => flow.then(Construct::InstantKept, |h| {
                format!("from_unix({h}, {})", lit(0))
            }),
            ("format_datetime", 2 | 3) => {
                let format = consts
                    .as_ref()
                    .and_then(|c| c.first())
                    .and_then(Json::as_str)
                    .unwrap_or_default();
                match date_format(format, args.len() == 3) {
                    Some((step, inverse)) => flow.then(step, |h| inverse.replace(HOLE, h)),
                    None => match flow {
                        none @ Flow::None(..) => none,
                        _ => Flow::None(
                            Construct::Unknown,
                            format!(
                                "`format_datetime` with {format:?} keeps neither the instant nor the date"
                            ),
                        ),
                    },
                }
            }
            ("split", 2) => flow.then(Construct::SplitJoin, |h| format!("join({h}, {})", lit(0))),
            ("join", 2) => flow.then(Construct::SplitJoin, |h| format!("split({h}, {})", lit(0))),
            ("to_number", 1) => flow.then(Construct::NumberText, |h| format!("to_string({h})")),
            ("to_string", 1) => flow.then(Construct::NumberText, |h| format!("to_number({h})")),
            (lossy, _) if LOSSY.contains(&lossy) => {
                flow.then(Construct::LossyFunction, |h| h.to_string())
            }
            (aggregate, _) if AGGREGATE.contains(&aggregate) => Flow::None(
                Construct::Aggregate,
                format!("`{aggregate}` makes one value of many"),
            ),
            _ => match flow {
                none @ Flow::None(..) => none,
                _ => Flow::None(Construct::Unknown, format!("`{name}` has no known inverse")),
            },
        }
    }

    /// `from_minor_units(x, .currency)`: the reverse reads the currency
    /// from the target field that copies `.currency` (found once every
    /// field is known; see [`resolve_currencies`]).
    fn minor_units_from_record(
        &mut self,
        name: &str,
        flow: Flow,
        currency: &Expr,
        scope: &HashMap<String, Flow>,
    ) -> Flow {
        let path = match self.expr(currency, scope) {
            Flow::Path {
                path,
                inverse,
                steps,
            } if inverse == HOLE && steps.iter().all(|s| *s == Construct::Copy) => path,
            _ => {
                return Flow::None(
                    Construct::Unknown,
                    format!("`{name}` with a currency that is not copied from the record"),
                );
            }
        };
        let other = if name == "from_minor_units" {
            "to_minor_units"
        } else {
            "from_minor_units"
        };
        let placeholder = format!("{CURRENCY}{}{CURRENCY}", path.join(SEPARATOR));
        flow.then(Construct::MinorUnits, |h| {
            format!("{other}({h}, {placeholder})")
        })
    }

    /// `match x { "a" => "A", ... }` with constant arms: a lookup table
    /// written inline, reversed like one (a pattern that no arm's value
    /// maps back to rejects the record, as a table's missing key does).
    fn match_expr(
        &mut self,
        subject: &Expr,
        arms: &[syntax::MatchArm],
        expr: &Expr,
        scope: &HashMap<String, Flow>,
    ) -> Flow {
        let mut rows: Vec<(Json, Vec<Json>)> = Vec::new();
        let mut fallback = false;
        for arm in arms {
            let ExprKind::Literal(value) = &arm.value.kind else {
                return Flow::None(
                    Construct::Unknown,
                    "a `match` whose arms are not constants".to_string(),
                );
            };
            if matches!(value, Json::Array(_) | Json::Object(_)) {
                return Flow::None(
                    Construct::Unknown,
                    "a `match` giving lists or objects".to_string(),
                );
            }
            if arm.patterns.is_empty() {
                fallback = true;
                continue;
            }
            for pattern in &arm.patterns {
                match rows.iter_mut().find(|(v, _)| v == value) {
                    Some((_, keys)) => keys.push(pattern.value.clone()),
                    None => rows.push((value.clone(), vec![pattern.value.clone()])),
                }
            }
        }
        let flow = self.expr(subject, scope);
        let ambiguous = rows.iter().filter(|(_, k)| k.len() > 1).count();
        if ambiguous > 0 {
            return match flow {
                none @ Flow::None(..) => none,
                _ => Flow::None(
                    Construct::LookupAmbiguous,
                    format!("a `match` with {ambiguous} value(s) from more than one pattern"),
                ),
            };
        }
        let (line, column) = line_column(self.text, expr.span.start);
        let name = format!("match_{line}_{column}");
        let reverse = reverse_table_name(&name);
        if !matches!(flow, Flow::Path { .. }) {
            return flow.then(Construct::LookupOneToOne, |h| h.to_string());
        }
        if !self.tables.iter().any(|t| t.name == name) {
            self.tables.push(ReverseTable {
                name,
                rows: rows
                    .into_iter()
                    .map(|(v, mut k)| (v, k.swap_remove(0)))
                    .collect(),
            });
        }
        let mut flow = flow.then(Construct::LookupOneToOne, |h| {
            format!("lookup({h}, {reverse})")
        });
        if fallback {
            flow = flow.then(Construct::Fallback, |h| h.to_string());
        }
        flow
    }

    fn value_def(&self, name: &str) -> Option<&'p syntax::Def> {
        let ast: &'p Ast = self.ast;
        ast.items.iter().find_map(|item| match item {
            Item::Def(def) if def.name.name == name && matches!(def.body, DefBody::Value(_)) => {
                Some(def)
            }
            _ => None,
        })
    }

    fn inline_def(
        &mut self,
        def: &syntax::Def,
        args: &[&Expr],
        scope: &HashMap<String, Flow>,
    ) -> Flow {
        let DefBody::Value(body) = &def.body else {
            return Flow::None(Construct::Unknown, "a block def".to_string());
        };
        if def.params.len() != args.len() {
            return Flow::None(Construct::Unknown, "a def call".to_string());
        }
        let mut inner: HashMap<String, Flow> = HashMap::new();
        for (param, arg) in def.params.iter().zip(args) {
            inner.insert(param.name.clone(), self.expr(arg, scope));
        }
        self.expr(body, &inner)
            .then(Construct::ValueDef, |h| h.to_string())
    }

    fn concat(&mut self, args: &[&Expr], scope: &HashMap<String, Flow>) -> Flow {
        let mut prefix = String::new();
        let mut suffix = String::new();
        let mut value: Option<Flow> = None;
        for arg in args {
            match (&arg.kind, &value) {
                (ExprKind::Literal(Json::String(s)), None) => prefix.push_str(s),
                (ExprKind::Literal(Json::String(s)), Some(_)) => suffix.push_str(s),
                (_, None) => value = Some(self.expr(arg, scope)),
                (_, Some(_)) => {
                    return Flow::None(
                        Construct::Unknown,
                        "`concat` of more than one value".to_string(),
                    );
                }
            }
        }
        let Some(flow) = value else {
            return Flow::Const(Json::String(prefix + &suffix));
        };
        let (p, s) = (prefix.chars().count(), suffix.chars().count());
        flow.then(Construct::Concat, |h| {
            if s == 0 {
                format!("substring({h}, {p})")
            } else {
                format!("substring({h}, {p}, length({h}) - {})", p + s)
            }
        })
    }

    fn lookup(
        &mut self,
        value: &Expr,
        table: Option<&&Expr>,
        scope: &HashMap<String, Flow>,
    ) -> Flow {
        let name = match table.map(|t| &t.kind) {
            Some(ExprKind::Variable(name)) => name.clone(),
            _ => return Flow::None(Construct::Unknown, "a lookup of no named table".to_string()),
        };
        let Some(table) = self.program.tables.iter().find(|t| t.name == name) else {
            return Flow::None(Construct::Unknown, format!("table `{name}` is imported"));
        };
        let marked = self.ast.items.iter().any(|item| match item {
            Item::Table(t) => {
                t.name.name == name && t.options.iter().any(|o| o.name == "reverse_first")
            }
            _ => false,
        });
        let (rows, ambiguous) = reverse_rows(table);
        if !ambiguous.is_empty() && !self.ambiguous.iter().any(|(n, _)| *n == name) {
            self.ambiguous.push((name.clone(), ambiguous.clone()));
        }
        let flow = self.expr(value, scope);
        if !ambiguous.is_empty() && !marked {
            return match flow {
                none @ Flow::None(..) => none,
                _ => Flow::None(
                    Construct::LookupAmbiguous,
                    format!(
                        "table `{name}` has {} value(s) with more than one key \
                         (mark the table `reverse_first` to map each back to its first key)",
                        ambiguous.len()
                    ),
                ),
            };
        }
        if !self.tables.iter().any(|t| t.name == name) {
            self.tables.push(ReverseTable {
                name: name.clone(),
                rows,
            });
        }
        let step = if ambiguous.is_empty() {
            Construct::LookupOneToOne
        } else {
            Construct::LookupMarked
        };
        let reverse = reverse_table_name(&name);
        let mut flow = flow.then(step, |h| format!("lookup({h}, {reverse})"));
        if table.ignore_case {
            flow = flow.then(Construct::IgnoreCase, |h| h.to_string());
        }
        if table.fallback.is_some() {
            flow = flow.then(Construct::Fallback, |h| h.to_string());
        }
        flow
    }
}

/// A `for` loop with `key FIELD`: its elements pair by that element
/// field, which must map back (else the loop does not).
fn pair_by_key(field: &mut Field, key: Vec<String>) {
    if field.kind == Kind::None {
        return;
    }
    let shown = dotted(&key);
    let back = field
        .elements
        .iter()
        .any(|e| e.target_path == key && e.kind.writes_back());
    if !back {
        field.kind = Kind::None;
        field.source = None;
        field.why = format!("not invertible: the key `{shown}` does not map back");
        field.constructs.push(Construct::ForFiltered);
        return;
    }
    field.why = field
        .why
        .replace("(by position)", &format!("(paired by `{shown}`)"));
    field.constructs.push(Construct::ForKeyed);
    field.pair_key = Some(key);
}

/// How `format_datetime(x, format)` reverses (`zoned`: with a zone
/// argument, which moves the instant to another offset): the step and the
/// inverse template, or `None` when the text keeps neither the instant nor
/// the date.
fn date_format(format: &str, zoned: bool) -> Option<(Construct, String)> {
    let quoted = Json::String(format.to_string()).to_string();
    let keeps_instant = |inverse: String| {
        if zoned {
            (Construct::InstantKept, inverse)
        } else {
            (Construct::DateFormatFull, inverse)
        }
    };
    Some(match format {
        "rfc3339" | "rfc3339_nanos" | "rfc3339_seconds" | "rfc3339_millis" | "rfc3339_micros" => {
            keeps_instant(HOLE.to_string())
        }
        "rfc2822" => keeps_instant(format!("parse_datetime({HOLE}, \"rfc2822\")")),
        "unix_s" => (Construct::InstantKept, format!("from_unix({HOLE}, \"s\")")),
        "unix_ms" => (Construct::InstantKept, format!("from_unix({HOLE}, \"ms\")")),
        "date" => (Construct::DateOnly, HOLE.to_string()),
        "time" => return None,
        pattern if pattern.contains('%') => {
            let has = |items: &[&str]| items.iter().all(|i| pattern.contains(i));
            let date = has(&["%Y", "%m", "%d"]) || pattern.contains("%F");
            let time = has(&["%H", "%M", "%S"]) || pattern.contains("%T");
            let offset = pattern.contains("%z") || pattern.contains("%:z");
            match (date, time, offset) {
                (true, true, true) => keeps_instant(format!("parse_datetime({HOLE}, {quoted})")),
                (true, false, _) => (Construct::DateOnly, format!("parse_date({HOLE}, {quoted})")),
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// The paths the rules of a `reverse` block write, nested blocks and
/// `if` branches included.
fn written_paths(statements: &[Statement], prefix: &[String], out: &mut Vec<Vec<String>>) {
    for statement in statements {
        match statement {
            Statement::Let(_) => {}
            Statement::If(i) => {
                written_paths(&i.then.statements, prefix, out);
                let mut other = i.otherwise.as_ref();
                while let Some(o) = other {
                    match o {
                        syntax::Else::Block(b) => {
                            written_paths(&b.statements, prefix, out);
                            other = None;
                        }
                        syntax::Else::If(inner) => {
                            written_paths(&inner.then.statements, prefix, out);
                            other = inner.otherwise.as_ref();
                        }
                    }
                }
            }
            Statement::Rule(rule) => {
                let mut path = prefix.to_vec();
                path.extend(rule.target.keys.iter().map(|k| k.name.clone()));
                if let ExprKind::Block(b) = &rule.value.kind {
                    written_paths(&b.statements, &path, out);
                } else if !out.contains(&path) {
                    out.push(path);
                }
            }
        }
    }
}

/// The rule's `on_conflict` strategy (the checker refused other words).
fn on_conflict(rule: &syntax::Rule) -> Option<Strategy> {
    rule.options.iter().rev().find_map(|o| match o {
        RuleOption::OnConflict(word) => Strategy::parse(&word.name),
        _ => None,
    })
}

/// The name of a table's reverse in the derived mapping.
pub(crate) fn reverse_table_name(name: &str) -> String {
    format!("{name}_reverse")
}

/// value → first key, and the values with more than one key.
#[allow(clippy::type_complexity)]
fn reverse_rows(table: &Table) -> (Vec<(Json, Json)>, Vec<(Json, Vec<Json>)>) {
    let mut rows: Vec<(Json, Vec<Json>)> = Vec::new();
    for key in &table.keys {
        let Some(value) = table.get(&crate::eval::Value::from_json(key)) else {
            continue;
        };
        match rows.iter_mut().find(|(v, _)| v == value) {
            Some((_, keys)) => keys.push(key.clone()),
            None => rows.push((value.clone(), vec![key.clone()])),
        }
    }
    let ambiguous = rows.iter().filter(|(_, k)| k.len() > 1).cloned().collect();
    let rows = rows
        .into_iter()
        .map(|(v, mut k)| (v, k.swap_remove(0)))
        .collect();
    (rows, ambiguous)
}

fn field(target: Vec<String>, flow: Flow, line: usize, column: usize) -> Field {
    let name = dotted(&target);
    match flow {
        Flow::Path {
            path,
            inverse,
            steps,
        } => {
            let mut steps = steps;
            if steps.is_empty() {
                steps.push(Construct::Copy);
            }
            let kind = steps.iter().map(|s| s.kind()).max().unwrap_or(Kind::Exact);
            let mut lossy: Vec<&str> = Vec::new();
            for s in steps.iter().filter(|s| s.kind() == Kind::Lossy) {
                if !lossy.contains(&s.reverse()) {
                    lossy.push(s.reverse());
                }
            }
            let why = if lossy.is_empty() {
                format!("exact: from `{}`", dotted_source(&path))
            } else {
                format!(
                    "lossy: from `{}`; {}",
                    dotted_source(&path),
                    lossy.join("; ")
                )
            };
            Field {
                target: name,
                target_path: target,
                kind,
                source: Some(path),
                why,
                constructs: steps,
                inverse,
                line,
                column,
                elements: Vec::new(),
                item: String::new(),
                reads: Vec::new(),
                on_conflict: None,
                writes: Vec::new(),
                pair_key: None,
            }
        }
        Flow::Const(_) | Flow::Param => Field {
            target: name,
            target_path: target,
            kind: Kind::Dropped,
            source: None,
            why: if matches!(flow, Flow::Param) {
                "dropped: a parameter".to_string()
            } else {
                "dropped: a constant".to_string()
            },
            constructs: vec![if matches!(flow, Flow::Param) {
                Construct::Parameter
            } else {
                Construct::Constant
            }],
            inverse: String::new(),
            line,
            column,
            elements: Vec::new(),
            item: String::new(),
            reads: Vec::new(),
            on_conflict: None,
            writes: Vec::new(),
            pair_key: None,
        },
        Flow::None(construct, why) => Field {
            target: name,
            target_path: target,
            kind: Kind::None,
            source: None,
            why: format!("not invertible: {why}"),
            constructs: vec![construct],
            inverse: String::new(),
            line,
            column,
            elements: Vec::new(),
            item: String::new(),
            reads: Vec::new(),
            on_conflict: None,
            writes: Vec::new(),
            pair_key: None,
        },
    }
}

pub(crate) fn dotted_source(path: &[String]) -> String {
    if path.is_empty() {
        ".".to_string()
    } else {
        format!(".{}", dotted(path))
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
