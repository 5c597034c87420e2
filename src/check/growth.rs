//! W220: growth the checker can see (issue 10 §2). Every mapping ends, but
//! not every mapping ends soon; the per-record budget (E332) stops a record
//! that runs too long, and this warning says so at compile time, where the
//! mapping can still be changed:
//!
//! - a list read from the record (`.products`, or a `let` of one) scanned
//!   inside a loop over another list of the record (a `for`, or the
//!   function of `map`, `filter`, ...): a `filter`, `find`, `for`, `unique`,
//!   ... runs once per element of the outer list, so the time grows with
//!   the product of the two lengths. A loop over the outer element's own
//!   list (`for line in order.lines`) reads each value once and is not
//!   reported;
//! - a def whose value holds its argument more than once (`concat(v, v)`,
//!   `[v, v]`) called on the value of another such def, directly or through
//!   a chain of defs: each call multiplies the size, so the chain grows
//!   exponentially. Reported once, where the growth first reaches 4×.
//!
//! Both are warnings: a small list inside a loop is fine, and
//! `# mapc: allow(W220)` says so.

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::{
    self, Accessor, ArgumentValue, Block, Child, DefBody, Else, Expr, ExprKind, IfStatement, Item,
    RuleOption, Span, Statement,
};
use std::collections::{HashMap, HashSet};

/// List built-ins that visit every element of their first argument.
const SCANS: &[&str] = &[
    "unique", "sort", "sum", "join", "compact", "flatten", "reverse", "contains",
];

/// Growth a def multiplies its argument by, capped.
const CAP: u64 = 1 << 32;

/// An enclosing loop over a list.
struct Loop {
    /// The list looped over.
    list: Span,
    /// Names the loop binds (its element, index, lambda parameter and the
    /// `let`s in its body).
    bound: Vec<String>,
    /// Is its list data (read from the record), not a constant?
    data: bool,
}

struct Walk<'a> {
    text: &'a str,
    loops: Vec<Loop>,
    /// `let`s whose value is read from the record.
    record_lets: HashSet<String>,
    /// For each def of the file: how many copies of its arguments its value
    /// may hold.
    growth: HashMap<String, u64>,
    found: Vec<Pending>,
    /// Lists already reported (by where they start).
    reported: HashSet<usize>,
    /// Def calls already reported, or part of a reported chain.
    reported_calls: HashSet<usize>,
}

impl Checker {
    /// Adds the W220 warnings of the main file `file` with syntax tree `ast`.
    pub(super) fn growth_warnings(&mut self, file: u32, ast: &syntax::Ast) {
        let source = std::sync::Arc::clone(self.file(file));
        let growth = def_growth(ast);
        let mut walk = Walk {
            text: &source.text,
            loops: Vec::new(),
            record_lets: HashSet::new(),
            growth,
            found: Vec::new(),
            reported: HashSet::new(),
            reported_calls: HashSet::new(),
        };
        let mut diagnostics = Vec::new();
        for item in &ast.items {
            match item {
                Item::Def(def) => {
                    walk.def_chain(def);
                    match &def.body {
                        DefBody::Block(block) => walk.block(block),
                        DefBody::Value(value) => walk.expr(value),
                    }
                }
                Item::Statement(statement) => walk.statement(statement),
                Item::Guard(guard) => walk.expr(&guard.condition),
                Item::Emit(emit) => walk.expr(&emit.value),
                _ => {}
            }
            for d in walk.found.drain(..) {
                diagnostics.push(d.into_labels(&source));
            }
        }
        self.diagnostics.extend(diagnostics);
    }
}

/// A warning before its labels are attached to the file.
struct Pending {
    message: String,
    labels: Vec<(Span, String)>,
    help: String,
}

trait IntoLabels {
    fn into_labels(self, source: &std::sync::Arc<crate::diagnostics::SourceFile>) -> Diagnostic;
}

impl IntoLabels for Pending {
    fn into_labels(self, source: &std::sync::Arc<crate::diagnostics::SourceFile>) -> Diagnostic {
        let mut d = Diagnostic::warning(Code::Growth, self.message);
        for (span, label) in self.labels {
            d = d.with_label(source, span, label);
        }
        d.with_help(self.help)
    }
}

impl Walk<'_> {
    fn quote(&self, span: Span) -> String {
        let text = self.text.get(span.start..span.end).unwrap_or("the list");
        crate::diagnostics::shorten(text, 40)
    }

    fn bound_in_loop(&self, name: &str) -> bool {
        self.loops.iter().any(|l| l.bound.iter().any(|b| b == name))
    }

    /// A path from the record (`.a.b`, `orders.lines` for a `let orders =
    /// .orders`), not from a loop's element.
    fn is_record_path(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Root => true,
            ExprKind::Variable(name) => {
                self.record_lets.contains(name) && !self.bound_in_loop(name)
            }
            ExprKind::Access(base, _) | ExprKind::Group(base) => self.is_record_path(base),
            _ => false,
        }
    }

    /// A path from a loop's element (`line.items`).
    fn is_element_path(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Variable(name) => self.bound_in_loop(name),
            ExprKind::Access(base, _) | ExprKind::Group(base) => self.is_element_path(base),
            _ => false,
        }
    }

    /// A list read from the record, the same for every element of the
    /// loops around it: `.products`, `compact(.tags)`, `.items[*].sku`.
    fn record_list(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Root => false,
            ExprKind::Access(..) | ExprKind::Variable(_) | ExprKind::Group(_) => {
                self.is_record_path(e)
            }
            ExprKind::Pipe(value, _) => self.record_list(value),
            ExprKind::Call(_, args) => match args.first().map(|a| &a.value) {
                Some(ArgumentValue::Expr(first)) => self.record_list(first),
                _ => false,
            },
            _ => false,
        }
    }

    /// Does the expression read the record?
    fn reads_record(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Root => true,
            ExprKind::Variable(name) => self.record_lets.contains(name),
            _ => {
                let mut reads = false;
                e.for_each_child(|child| {
                    if let Child::Expr(inner) = child {
                        reads = reads || self.reads_record(inner);
                    }
                });
                reads
            }
        }
    }

    /// A loop over `list` starts inside the loops around it: reported when
    /// `list` is the record's and one of those loops is over data.
    fn scan(&mut self, what: &str, list: &Expr) {
        let Some(outer) = self.loops.iter().rev().find(|l| l.data) else {
            return;
        };
        // a path, not a call: `unique(compact(.xs))` scans `.xs` in
        // `compact`, where it is reported
        if !self.is_record_path(list)
            || matches!(list.kind, ExprKind::Root)
            || !self.reported.insert(list.span.start)
        {
            return;
        }
        let inner = self.quote(list.span);
        let outer_text = self.quote(outer.list);
        self.found.push(Pending {
            message: format!(
                "{what} over `{inner}` runs once for every element of `{outer_text}`: the time grows with the product of their lengths"
            ),
            labels: vec![
                (list.span, format!("`{inner}` is read whole for each element")),
                (outer.list, "of this list".into()),
            ],
            help: format!(
                "build an index once, outside the loop (`let by_key = from_entries(map({inner}, x => {{key: x.id, value: x}}))`, then `get(by_key, ...)`); otherwise the per-record budget (--max-steps, 100 million steps by default) rejects a record that runs too long (E332)"
            ),
        });
    }

    fn open(&mut self, list: &Expr) {
        let data = self.record_list(list) || self.is_element_path(list);
        self.loops.push(Loop {
            list: list.span,
            bound: Vec::new(),
            data,
        });
    }

    fn bind(&mut self, name: &str) {
        if let Some(l) = self.loops.last_mut() {
            l.bound.push(name.to_string());
        }
    }

    fn block(&mut self, block: &Block) {
        for statement in &block.statements {
            self.statement(statement);
        }
    }

    fn statement(&mut self, statement: &Statement) {
        match statement {
            Statement::Let(binding) => {
                self.expr(&binding.value);
                let name = &binding.name.name;
                if self.loops.is_empty() {
                    if self.reads_record(&binding.value) {
                        self.record_lets.insert(name.clone());
                    }
                } else {
                    self.bind(name);
                }
            }
            Statement::Rule(rule) => {
                self.expr(&rule.value);
                for option in &rule.options {
                    if let RuleOption::Default(e) | RuleOption::When(e) = option {
                        self.expr(e);
                    }
                }
            }
            Statement::If(s) => self.if_statement(s),
        }
    }

    fn if_statement(&mut self, s: &IfStatement) {
        let mut current = s;
        loop {
            self.expr(&current.condition);
            self.block(&current.then);
            match &current.otherwise {
                None => return,
                Some(Else::Block(b)) => return self.block(b),
                Some(Else::If(nested)) => current = nested,
            }
        }
    }

    fn call(&mut self, name: &syntax::Ident, list: Option<&Expr>, args: &[syntax::Argument]) {
        self.def_call(name, list, args);
        let list = list.or_else(|| {
            args.first().and_then(|a| match &a.value {
                ArgumentValue::Expr(e) => Some(e),
                ArgumentValue::Lambda(..) => None,
            })
        });
        let lambda = args
            .iter()
            .any(|a| matches!(a.value, ArgumentValue::Lambda(..)));
        if let Some(list) = list
            && (lambda || SCANS.contains(&name.name.as_str()))
        {
            self.scan(&format!("`{}`", name.name), list);
        }
        for arg in args {
            match &arg.value {
                ArgumentValue::Expr(e) => self.expr(e),
                ArgumentValue::Lambda(param, body) => {
                    match list {
                        Some(list) => self.open(list),
                        None => self.loops.push(Loop {
                            list: name.span,
                            bound: Vec::new(),
                            data: false,
                        }),
                    }
                    self.bind(&param.name);
                    self.expr(body);
                    self.loops.pop();
                }
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        crate::stack::guard(|| self.expr_inner(e));
    }

    fn expr_inner(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::For(for_loop) => {
                self.expr(&for_loop.list);
                self.scan("a `for`", &for_loop.list);
                self.open(&for_loop.list);
                self.bind(&for_loop.item.name);
                if let Some(index) = &for_loop.index {
                    self.bind(&index.name);
                }
                if let Some(filter) = &for_loop.filter {
                    self.expr(filter);
                }
                self.block(&for_loop.body);
                self.loops.pop();
            }
            ExprKind::Access(base, Accessor::All) => {
                self.expr(base);
                self.scan("`[*]`", base);
            }
            ExprKind::Call(name, args) => self.call(name, None, args),
            ExprKind::Pipe(value, call) => {
                self.expr(value);
                match &call.kind {
                    ExprKind::Call(name, args) => self.call(name, Some(value), args),
                    _ => self.expr(call),
                }
            }
            _ => e.for_each_child(|child| match child {
                Child::Expr(inner) => self.expr(inner),
                Child::Block(block) => self.block(block),
            }),
        }
    }

    /// A call of a def that copies its argument, on a value that already
    /// grew: reported where the growth first reaches 4×.
    fn def_call(&mut self, name: &syntax::Ident, piped: Option<&Expr>, args: &[syntax::Argument]) {
        let Some(&factor) = self.growth.get(&name.name) else {
            return;
        };
        if factor < 2 {
            return;
        }
        let inner = args
            .iter()
            .filter_map(|a| match &a.value {
                ArgumentValue::Expr(e) => Some(growth_of(e, &self.growth, &[])),
                ArgumentValue::Lambda(..) => None,
            })
            .chain(piped.map(|e| growth_of(e, &self.growth, &[])))
            .max()
            .unwrap_or(0);
        if inner < 2 || !self.reported_calls.insert(name.span.start) {
            return;
        }
        // the calls in the argument are part of this chain: reported once
        for arg in args {
            if let ArgumentValue::Expr(e) = &arg.value {
                def_calls(e, &mut self.reported_calls);
            }
        }
        let total = factor.saturating_mul(inner).min(CAP);
        self.found.push(Pending {
            message: format!(
                "`{}` holds its argument {factor} times, and is called on a value that already grew {inner}×: the size grows {}",
                name.name,
                times(total)
            ),
            labels: vec![(name.span, "each call multiplies the size".into())],
            help: budget_help(),
        });
    }

    /// A def whose body calls a copying def on a copied value: the start
    /// of a chain that grows exponentially.
    fn def_chain(&mut self, def: &syntax::Def) {
        let factor = self.growth.get(&def.name.name).copied().unwrap_or(0);
        if factor < 4 {
            return;
        }
        let callees_grow = calls(def)
            .iter()
            .any(|c| self.growth.get(c).is_some_and(|&g| g >= 4));
        if callees_grow {
            return;
        }
        self.found.push(Pending {
            message: format!(
                "def `{}` holds its argument {} over: each def that calls it in a chain multiplies the size again",
                def.name.name,
                copies(factor)
            ),
            labels: vec![(def.name.span, "its value grows with every call".into())],
            help: budget_help(),
        });
    }
}

/// The start of every call in `e`.
fn def_calls(e: &Expr, out: &mut HashSet<usize>) {
    crate::stack::guard(|| def_calls_inner(e, out));
}

fn def_calls_inner(e: &Expr, out: &mut HashSet<usize>) {
    if let ExprKind::Call(name, _) = &e.kind {
        out.insert(name.span.start);
    }
    e.for_each_child(|child| {
        if let Child::Expr(inner) = child {
            def_calls(inner, out);
        }
    });
}

fn copies(n: u64) -> String {
    if n >= CAP {
        "more than 4 billion times".into()
    } else {
        format!("{n} times")
    }
}

fn times(n: u64) -> String {
    if n >= CAP {
        "more than 4 billion times".into()
    } else {
        format!("{n}×")
    }
}

fn budget_help() -> String {
    "compute the value once and reuse it; otherwise the per-record budget (--max-record-bytes, 256 MiB by default) rejects a record that builds too much (E332)".into()
}

/// The defs a def's body calls.
fn calls(def: &syntax::Def) -> Vec<String> {
    fn walk(e: &Expr, out: &mut Vec<String>) {
        if let ExprKind::Call(name, _) = &e.kind {
            out.push(name.name.clone());
        }
        e.for_each_child(|child| match child {
            Child::Expr(inner) => crate::stack::guard(|| walk(inner, out)),
            Child::Block(block) => block_walk(block, out),
        });
    }
    fn block_walk(block: &Block, out: &mut Vec<String>) {
        for statement in &block.statements {
            statement_exprs(statement, &mut |e| walk(e, out));
        }
    }
    let mut out = Vec::new();
    match &def.body {
        DefBody::Block(block) => block_walk(block, &mut out),
        DefBody::Value(value) => walk(value, &mut out),
    }
    out
}

/// Calls `visit` on each expression a statement holds, at its top.
fn statement_exprs(statement: &Statement, visit: &mut dyn FnMut(&Expr)) {
    match statement {
        Statement::Let(binding) => visit(&binding.value),
        Statement::Rule(rule) => visit(&rule.value),
        Statement::If(s) => {
            let mut current = s;
            loop {
                visit(&current.condition);
                for statement in &current.then.statements {
                    statement_exprs(statement, visit);
                }
                match &current.otherwise {
                    None => return,
                    Some(Else::Block(b)) => {
                        for statement in &b.statements {
                            statement_exprs(statement, visit);
                        }
                        return;
                    }
                    Some(Else::If(nested)) => current = nested,
                }
            }
        }
    }
}

/// How many copies of its arguments each def's value may hold. Each def
/// is computed once, after the defs it calls (where a cycle, which the
/// recursion check reports, meets a def again, the call counts as a
/// built-in's), so the work is linear in the size of the defs.
fn def_growth(ast: &syntax::Ast) -> HashMap<String, u64> {
    let defs: HashMap<&str, &syntax::Def> = ast
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Def(d) => Some((d.name.name.as_str(), d)),
            _ => None,
        })
        .collect();
    let mut memo = HashMap::new();
    let mut busy = HashSet::new();
    for item in &ast.items {
        if let Item::Def(def) = item {
            resolve(&def.name.name, &defs, &mut memo, &mut busy);
        }
    }
    memo
}

fn resolve(
    name: &str,
    defs: &HashMap<&str, &syntax::Def>,
    memo: &mut HashMap<String, u64>,
    busy: &mut HashSet<String>,
) {
    let Some(def) = defs.get(name) else {
        return;
    };
    if memo.contains_key(name) || !busy.insert(name.to_string()) {
        return;
    }
    for callee in calls(def) {
        crate::stack::guard(|| resolve(&callee, defs, memo, busy));
    }
    let params: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
    let g = match &def.body {
        DefBody::Value(value) => growth_of(value, memo, &params),
        DefBody::Block(block) => block_growth(block, memo, &params),
    };
    memo.insert(name.to_string(), g);
}

fn block_growth(block: &Block, growth: &HashMap<String, u64>, params: &[&str]) -> u64 {
    let mut total: u64 = 0;
    for statement in &block.statements {
        statement_exprs(statement, &mut |e| {
            total = total.saturating_add(growth_of(e, growth, params)).min(CAP);
        });
    }
    total
}

/// How many copies of the parameters (or, with none given, of any grown
/// value: a call of a copying def) an expression's value may hold.
fn growth_of(e: &Expr, growth: &HashMap<String, u64>, params: &[&str]) -> u64 {
    crate::stack::guard(|| growth_of_inner(e, growth, params))
}

fn growth_of_inner(e: &Expr, growth: &HashMap<String, u64>, params: &[&str]) -> u64 {
    let sum = |children: &mut dyn Iterator<Item = &Expr>| {
        children
            .map(|c| growth_of(c, growth, params))
            .fold(0u64, |a, b| a.saturating_add(b).min(CAP))
    };
    match &e.kind {
        ExprKind::Variable(name) => u64::from(params.contains(&name.as_str())),
        // a part of an argument (`v.a`) is not counted: `[v.a, v.b]` holds
        // two parts, not two copies
        ExprKind::Literal(_) | ExprKind::Root | ExprKind::Param(_) | ExprKind::Access(..) => 0,
        ExprKind::List(items) => sum(&mut items.iter()),
        ExprKind::Object(fields) => sum(&mut fields.iter().map(|(_, v)| v)),
        ExprKind::Block(block) => block_growth(block, growth, params),
        ExprKind::Call(name, args) => {
            let exprs = args.iter().filter_map(|a| match &a.value {
                ArgumentValue::Expr(e) => Some(e),
                ArgumentValue::Lambda(..) => None,
            });
            if let Some(&factor) = growth.get(&name.name) {
                let inner = exprs
                    .map(|c| growth_of(c, growth, params))
                    .max()
                    .unwrap_or(0);
                // with no parameters (a rule), a call of a def on a plain
                // value holds the def's growth of it
                let inner = if params.is_empty() {
                    inner.max(1)
                } else {
                    inner
                };
                factor.saturating_mul(inner).min(CAP)
            } else if matches!(name.name.as_str(), "concat" | "concat_all" | "flatten") {
                sum(&mut exprs.into_iter())
            } else {
                exprs
                    .map(|c| growth_of(c, growth, params))
                    .max()
                    .unwrap_or(0)
            }
        }
        _ => {
            let mut most = 0;
            e.for_each_child(|child| {
                let g = match child {
                    Child::Expr(inner) => growth_of(inner, growth, params),
                    Child::Block(block) => block_growth(block, growth, params),
                };
                most = most.max(g);
            });
            most
        }
    }
}
