//! Mappings built from an arbitrary syntax tree (issue 10 §5): byte-level
//! inputs never build 200 nested `if` blocks or a 70-def chain, a generated
//! tree does. The input is a program for a small stack machine (so neither
//! `arbitrary` nor the printer recurses, however deep the tree): leaves,
//! operators, calls, lambdas, `for`, `match`, `catch`, blocks, `if`/`else
//! if` chains, lets, defs and def chains, tables, guards and `emit`, plus
//! `Nest` and chain operations that repeat a shape hundreds of times, past
//! the nesting limit (128, E104) and the def-chain limit (64, E220).
//!
//! The printed mapping is parsed, checked, formatted (the format formats to
//! itself and maps the record as the original does), described, turned into
//! a schema, and applied to a generated record both from the value and from
//! its text through the projected read (`Mapping::read`, as `mapc apply`
//! streams): the two agree. Every stage runs on a 2 MiB thread, the stack a
//! library user's thread has; every diagnostic renders.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mapc::{Env, Mapping, Outcome};
use mapc::json::{Map, Value};

/// Printed mappings stop growing at this size (a `Nest` inside a `Nest`
/// would otherwise multiply). 400 levels of nesting take a few kilobytes;
/// a megabyte-long flat chain (`.a % .a % ...`) is only slow (linear, but
/// five parses under the sanitizer pass libFuzzer's timeout), so the text
/// stays well under the 1 MiB a mapping may have.
const MAX_TEXT: usize = 64 << 10;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Leaf {
    Path(u8),
    Var(u8),
    Num(u16),
    Decimal(u16, u8),
    Big(u8),
    Str(u8),
    Null,
    True,
    False,
    Param,
    Root,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Unary {
    Not,
    Neg,
    Group,
    List,
    Object,
    Trim,
    Upper,
    ToString,
    Count,
    Unique,
    Sort,
    Pad(u8),
    Filter,
    Map,
    Find,
    SumBy,
    For,
    ForWhere,
    Match,
    CatchNull,
    OrZero,
    Lookup(u8),
    CallDef(u8),
    Block,
    PipeTrim,
    IfThen,
    Index(i8),
    Field(u8),
    All,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Ge,
    And,
    Or,
    Coalesce,
    Catch,
    Pair,
    Concat,
    Join,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum RuleOption {
    None,
    Required,
    Optional,
    Nullable,
    Default,
    When,
    MaxLength,
    Matches,
    Between,
    OneOf,
    IsInteger,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum DefKind {
    /// `def g_i(v) = g_{i-1}(v) + 1`
    Add,
    /// `def g_i(v) = concat(g_{i-1}(v), g_{i-1}(v))`: a list that doubles
    Double,
    /// `def g_i(v) { x = g_{i-1}(v) }`: objects nested in objects
    Object,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Op {
    Leaf(Leaf),
    Unary(Unary),
    Binary(Binary),
    /// `if c then a else b`
    IfExpr,
    /// the unary operation, `n` times over
    Nest(Unary, u16),
    /// the binary operation, `n` times over with the same right-hand side
    Chain(Binary, u16),
    Rule(u8, RuleOption),
    Let(u8),
    /// `if c { last n } else { the n before }`
    If(u8, u8),
    /// `if c0 { } else if c1 { } ...`, `n` arms
    ElseIfChain(u16),
    /// the last statement inside `n` nested `if` blocks
    NestIf(u16),
    /// `for y in .xs { last n statements }` as a rule's value
    ForRule(u8, u8),
    DefValue(u8),
    DefBlock(u8, u8),
    DefChain(DefKind, u16),
    Table(u8, bool),
    Guard(u8),
    Emit(u8),
    Param(bool),
}

#[derive(Arbitrary, Debug, Clone)]
enum RecOp {
    Int(i64),
    Decimal(u64, u8),
    BigNumber(u8),
    Str(u8, u8),
    Bool(bool),
    Null,
    List(u8),
    Object(u8),
    /// the top value inside `n` nested lists
    Deep(u16),
    Item,
}

#[derive(Arbitrary, Debug)]
struct Input {
    ops: Vec<Op>,
    record: Vec<RecOp>,
}

const PATHS: &[&str] = &[
    ".a",
    ".b.c",
    ".xs",
    ".items",
    ".items[*].sku",
    ".items[0].qty",
    ".s",
    ".n",
    ".deep",
    ".\"odd key\"",
    ".xs[-1]",
    ".items[*].price",
];
const VARS: &[&str] = &["x", "y", "it", "v", "l0", "l1", "l2", "i"];
const STRS: &[&str] = &[
    "",
    "a",
    "Ab",
    " pad ",
    "&amp;&lt;",
    "2026-01-31",
    "x\\u{1F600}",
    "\\n\\t\\\"",
    "é",
    "10.50",
];
const TARGETS: &[&str] = &["t0", "t1", "t2", "o.a", "o.b", "\"q r\"", "t0", "items"];
const KEYS: &[&str] = &[
    "a", "b", "c", "xs", "items", "s", "n", "deep", "odd key", "sku", "qty", "price",
];

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[usize::from(i) % list.len()]
}

/// Prints the program as mapping text.
struct Printer {
    exprs: Vec<String>,
    stmts: Vec<String>,
    items: Vec<String>,
    defs: usize,
    size: usize,
}

impl Printer {
    fn pop(&mut self) -> String {
        self.exprs.pop().unwrap_or_else(|| ".a".to_string())
    }

    fn push(&mut self, e: String) {
        self.size += e.len();
        self.exprs.push(e);
    }

    fn take_stmts(&mut self, n: u8) -> String {
        let n = usize::from(n % 8).min(self.stmts.len());
        let at = self.stmts.len() - n;
        self.stmts.split_off(at).join("\n")
    }

    fn leaf(&self, leaf: Leaf) -> String {
        match leaf {
            Leaf::Path(i) => pick(PATHS, i).to_string(),
            Leaf::Var(i) => pick(VARS, i).to_string(),
            Leaf::Num(n) => n.to_string(),
            Leaf::Decimal(n, f) => format!("{n}.{f}"),
            Leaf::Big(n) => "9".repeat(usize::from(n) % 40 + 1),
            Leaf::Str(i) => format!("\"{}\"", pick(STRS, i)),
            Leaf::Null => "null".into(),
            Leaf::True => "true".into(),
            Leaf::False => "false".into(),
            Leaf::Param => "$p0".into(),
            Leaf::Root => ".".into(),
        }
    }

    fn unary(&self, op: Unary, a: &str) -> String {
        match op {
            Unary::Not => format!("not {a}"),
            Unary::Neg => format!("-{a}"),
            Unary::Group => format!("({a})"),
            Unary::List => format!("[{a}]"),
            Unary::Object => format!("{{k: {a}}}"),
            Unary::Trim => format!("trim({a})"),
            Unary::Upper => format!("upper(to_string({a}))"),
            Unary::ToString => format!("to_string({a})"),
            Unary::Count => format!("count({a})"),
            Unary::Unique => format!("unique({a})"),
            Unary::Sort => format!("sort({a})"),
            Unary::Pad(n) => format!("pad_start(to_string({a}), {n})"),
            Unary::Filter => format!("filter(.xs, y => y == {a})"),
            Unary::Map => format!("map(.items, y => {a})"),
            Unary::Find => format!("find(.xs, y => y != {a})"),
            Unary::SumBy => format!("sum_by(.items, y => {a})"),
            Unary::For => format!("for it in .items {{ v = {a} }}"),
            Unary::ForWhere => format!("for it, i in .xs where i < 3 {{ v = {a}\nw = it }}"),
            Unary::Match => format!("match {a} {{ 1, \"a\" => 2, [1] => {{k: 1}}, _ => 3 }}"),
            Unary::CatchNull => format!("{a} catch null"),
            Unary::OrZero => format!("{a} ?? 0"),
            Unary::Lookup(t) => format!("lookup({a}, tb{})", t % 3),
            Unary::CallDef(d) => {
                let n = self.defs.max(1);
                format!("f{}({a})", usize::from(d) % n)
            }
            Unary::Block => format!("{{ k = {a} }}"),
            Unary::PipeTrim => format!("{a} | to_string | trim"),
            Unary::IfThen => format!("if {a} then 1"),
            Unary::Index(i) => format!("({a})[{i}]"),
            Unary::Field(i) => format!("({a}).{}", pick(KEYS, i).replace(' ', "_")),
            Unary::All => format!("({a})[*]"),
        }
    }

    fn binary(op: Binary, a: &str, b: &str) -> String {
        match op {
            Binary::Add => format!("{a} + {b}"),
            Binary::Sub => format!("{a} - {b}"),
            Binary::Mul => format!("{a} * {b}"),
            Binary::Div => format!("{a} / {b}"),
            Binary::Rem => format!("{a} % {b}"),
            Binary::Eq => format!("{a} == {b}"),
            Binary::Ne => format!("{a} != {b}"),
            Binary::Lt => format!("{a} < {b}"),
            Binary::Ge => format!("{a} >= {b}"),
            Binary::And => format!("{a} and {b}"),
            Binary::Or => format!("{a} or {b}"),
            Binary::Coalesce => format!("{a} ?? {b}"),
            Binary::Catch => format!("{a} catch {b}"),
            Binary::Pair => format!("[{a}, {b}]"),
            Binary::Concat => format!("concat({a}, {b})"),
            Binary::Join => format!("join({a}, to_string({b}))"),
        }
    }

    fn option(&mut self, option: RuleOption) -> String {
        match option {
            RuleOption::None => String::new(),
            RuleOption::Required => " required".into(),
            RuleOption::Optional => " optional".into(),
            RuleOption::Nullable => " nullable".into(),
            RuleOption::Default => format!(" default {}", self.pop()),
            RuleOption::When => format!(" when {}", self.pop()),
            RuleOption::MaxLength => " max_length 3".into(),
            RuleOption::Matches => " matches \"^[a-z]+$\"".into(),
            RuleOption::Between => " between -1 and 10.5".into(),
            RuleOption::OneOf => " one_of [1, \"a\", null]".into(),
            RuleOption::IsInteger => " is integer".into(),
        }
    }

    fn run(&mut self, op: Op) {
        match op {
            Op::Leaf(leaf) => {
                let e = self.leaf(leaf);
                self.push(e);
            }
            Op::Unary(u) => {
                let a = self.pop();
                let e = self.unary(u, &a);
                self.push(e);
            }
            Op::Binary(b) => {
                let r = self.pop();
                let l = self.pop();
                self.push(Self::binary(b, &l, &r));
            }
            Op::IfExpr => {
                let e = self.pop();
                let t = self.pop();
                let c = self.pop();
                self.push(format!("if {c} then {t} else {e}"));
            }
            Op::Nest(u, n) => {
                let mut a = self.pop();
                for _ in 0..usize::from(n) % 400 {
                    a = self.unary(u, &a);
                    if a.len() > MAX_TEXT {
                        break;
                    }
                }
                self.push(a);
            }
            Op::Chain(b, n) => {
                let r = self.pop();
                let mut a = self.pop();
                for _ in 0..usize::from(n) % 400 {
                    a = Self::binary(b, &a, &r);
                    if a.len() > MAX_TEXT {
                        break;
                    }
                }
                self.push(a);
            }
            Op::Rule(t, option) => {
                let e = self.pop();
                let o = self.option(option);
                self.stmts.push(format!("{} = {e}{o}", pick(TARGETS, t)));
            }
            Op::Let(i) => {
                let e = self.pop();
                self.stmts.push(format!("let l{} = {e}", i % 3));
            }
            Op::If(then_n, else_n) => {
                let c = self.pop();
                let then = self.take_stmts(then_n);
                let otherwise = self.take_stmts(else_n);
                self.stmts
                    .push(format!("if {c} {{\n{then}\n}} else {{\n{otherwise}\n}}"));
            }
            Op::ElseIfChain(n) => {
                let c = self.pop();
                let body = self.stmts.pop().unwrap_or_else(|| "t0 = 1".into());
                let mut s = format!("if {c} {{\n{body}\n}}");
                for i in 0..usize::from(n) % 400 {
                    s.push_str(&format!(" else if .n == {i} {{ t1 = {i} }}"));
                }
                s.push_str(" else { t1 = 0 }");
                self.size += s.len();
                self.stmts.push(s);
            }
            Op::NestIf(n) => {
                let c = self.pop();
                let mut s = self.stmts.pop().unwrap_or_else(|| "t0 = 1".into());
                for _ in 0..usize::from(n) % 400 {
                    s = format!("if {c} {{ {s} }}");
                    if s.len() > MAX_TEXT {
                        break;
                    }
                }
                self.size += s.len();
                self.stmts.push(s);
            }
            Op::ForRule(t, n) => {
                let body = self.take_stmts(n);
                self.stmts.push(format!(
                    "{} = for it in .items {{\n{body}\n}}",
                    pick(TARGETS, t)
                ));
            }
            Op::DefValue(params) => {
                let e = self.pop();
                let params = ["v", "v, y", ""][usize::from(params) % 3];
                self.items
                    .push(format!("def f{}({params}) = {e}", self.defs));
                self.defs += 1;
            }
            Op::DefBlock(params, n) => {
                let body = self.take_stmts(n);
                let params = ["v", "v, y", ""][usize::from(params) % 3];
                self.items
                    .push(format!("def f{}({params}) {{\n{body}\n}}", self.defs));
                self.defs += 1;
            }
            Op::DefChain(kind, n) => {
                let a = self.pop();
                let chain = self.items.len();
                let n = usize::from(n) % 200 + 1;
                self.items.push(format!("def g{chain}_0(v) = v"));
                for i in 1..n {
                    let prev = format!("g{chain}_{}(v)", i - 1);
                    self.items.push(match kind {
                        DefKind::Add => format!("def g{chain}_{i}(v) = {prev} + 1"),
                        DefKind::Double => format!("def g{chain}_{i}(v) = concat({prev}, {prev})"),
                        DefKind::Object => format!("def g{chain}_{i}(v) {{ x = {prev} }}"),
                    });
                }
                self.size += n * 40;
                self.push(format!("g{chain}_{}({a})", n - 1));
            }
            Op::Table(i, options) => {
                let options = if options { " (ignore_case)" } else { "" };
                self.items.push(format!(
                    "table tb{}{options} {{\n  \"a\", \"b\" => 1\n  2 => \"two\"\n  _ => null\n}}",
                    i % 3
                ));
            }
            Op::Guard(kind) => {
                let c = self.pop();
                self.items.push(match kind % 3 {
                    0 => format!("reject \"bad {}\" if {c}", kind),
                    1 => format!("skip if {c}"),
                    _ => format!("keep if {c}"),
                });
            }
            Op::Emit(n) => {
                let body = self.take_stmts(n);
                self.items
                    .push(format!("emit for it in .items {{\n{body}\n}}"));
            }
            Op::Param(typed) => {
                self.items.push(if typed {
                    "param p0: number = 2".into()
                } else {
                    "param p0".into()
                });
            }
        }
    }
}

fn mapping_text(ops: &[Op]) -> String {
    let mut printer = Printer {
        exprs: Vec::new(),
        stmts: Vec::new(),
        items: Vec::new(),
        defs: 0,
        size: 0,
    };
    for &op in ops {
        if printer.size > MAX_TEXT {
            break;
        }
        printer.run(op);
    }
    // leftover expressions become rules
    let leftover: Vec<String> = printer.exprs.drain(..).collect();
    for (i, e) in leftover.into_iter().enumerate() {
        printer.stmts.push(format!("r{i} = {e}"));
    }
    let mut text = printer.items.join("\n");
    text.push('\n');
    text.push_str(&printer.stmts.join("\n"));
    text.push('\n');
    text
}

fn number(text: &str) -> Value {
    mapc::json::from_str(text).unwrap_or(Value::Null)
}

/// A record from its own small stack machine; `Deep` nests lists past
/// the input depth limit (127).
fn record(ops: &[RecOp]) -> Value {
    let mut stack: Vec<Value> = Vec::new();
    for op in ops.iter().take(4096) {
        let value = match op {
            RecOp::Int(n) => Value::from(*n),
            RecOp::Decimal(n, f) => number(&format!("{n}.{f}")),
            RecOp::BigNumber(n) => number(&"7".repeat(usize::from(*n) % 60 + 1)),
            RecOp::Str(i, n) => Value::from(pick(STRS, *i).repeat(usize::from(*n) % 8)),
            RecOp::Bool(b) => Value::from(*b),
            RecOp::Null => Value::Null,
            RecOp::List(n) => {
                let n = usize::from(*n % 6).min(stack.len());
                Value::Array(stack.split_off(stack.len() - n))
            }
            RecOp::Object(n) => {
                let shift = usize::from(*n);
                let n = usize::from(*n % 6).min(stack.len());
                let values = stack.split_off(stack.len() - n);
                let map: Map<String, Value> = values
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (KEYS[(i + shift) % KEYS.len()].to_string(), v))
                    .collect();
                Value::Object(map)
            }
            RecOp::Deep(n) => {
                let mut v = stack.pop().unwrap_or(Value::Null);
                for _ in 0..usize::from(*n) % 200 {
                    v = Value::Array(vec![v]);
                }
                v
            }
            RecOp::Item => {
                let qty = stack.pop().unwrap_or(Value::from(1));
                let sku = stack.pop().unwrap_or(Value::from("A"));
                mapc::json::json!({"sku": sku, "qty": qty, "price": "9.99"})
            }
        };
        stack.push(value);
    }
    let mut map = Map::new();
    for (i, v) in stack.into_iter().rev().enumerate() {
        map.insert(KEYS[i % KEYS.len()].to_string(), v);
    }
    Value::Object(map)
}

/// Applies the mapping to the record from its value and, when its text
/// parses, through the projected read; the two agree.
fn apply_both(mapping: &Mapping, record: &Value, text: &str) -> Result<Outcome<Vec<Value>>, usize> {
    let mut env = Env::new();
    for param in mapping.params() {
        env.set_param(param.name, mapc::json::json!(2));
    }
    let whole = mapping.apply_all_with(record, &env);
    for error in whole
        .as_ref()
        .err()
        .map(|e| e.errors.as_slice())
        .unwrap_or(&[])
    {
        assert!(!error.to_string().is_empty());
    }
    if let (Ok(projected), Ok(bound)) = (mapping.read(text), mapping.bind(&env)) {
        let part = bound.apply_record_all(&projected);
        match (&whole, &part) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "projection changed the output"),
            (Err(a), Err(b)) => assert_eq!(a.errors.len(), b.errors.len()),
            (a, b) => panic!("projection changed the outcome: {a:?} vs {b:?}"),
        }
    }
    match whole {
        Ok(outcome) => Ok(outcome),
        Err(error) => Err(error.errors.len()),
    }
}

fn run(source: &str, record: &Value) {
    let file = mapc::diagnostics::SourceFile::new("fuzz.map", source);
    let _ = mapc::syntax::parse(&file);
    let text = mapc::json::to_string(record).unwrap_or_default();
    let compiled = Mapping::compile(source);
    let result = match &compiled {
        Ok(mapping) => {
            assert!(
                mapping
                    .warnings()
                    .iter()
                    .all(|w| !mapc::diagnostics::render(w).is_empty())
            );
            let description = mapping.describe();
            let _ = description.to_markdown();
            let _ = mapping.schema();
            Some(apply_both(mapping, record, &text))
        }
        Err(error) => {
            for d in error.diagnostics() {
                assert!(!mapc::diagnostics::render(d).is_empty(), "{d:?}");
            }
            None
        }
    };
    if let Ok(formatted) = mapc::format(source) {
        let again = mapc::format(&formatted).expect("a formatted mapping formats again");
        assert_eq!(again, formatted, "format is not idempotent");
        match (Mapping::compile(&formatted), result) {
            (Ok(mapping), Some(before)) => {
                let after = apply_both(&mapping, record, &text);
                match (before, after) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "formatting changed the output"),
                    (Err(_), Err(_)) => {}
                    (a, b) => panic!("formatting changed the outcome: {a:?} vs {b:?}"),
                }
            }
            (Err(_), None) => {}
            (Ok(_), None) => panic!("formatting made a failing mapping compile"),
            (Err(e), Some(_)) => panic!(
                "formatting broke a mapping:\n{}",
                mapc::diagnostics::render_all(e.diagnostics())
            ),
        }
    }
}

fuzz_target!(|input: Input| {
    let source = mapping_text(&input.ops);
    let record = record(&input.record);
    // `MAPC_FUZZ_PRINT=1 .../generated artifact` shows what an input builds
    if std::env::var_os("MAPC_FUZZ_PRINT").is_some() {
        eprintln!("--- mapping\n{source}--- record\n{record}");
    }
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || run(&source, &record))
        .expect("spawn a 2 MiB thread")
        .join()
        .expect("a stage panicked or overflowed on a generated mapping");
});
