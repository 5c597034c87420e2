//! Evaluating expressions.

use super::{Flow, Machine, Object, Origin, Result, RuntimeError, TargetStep, Value};
use crate::diagnostics::{Code, did_you_mean};
use crate::json::{Map, Value as Json};
use crate::program::{Block, DefBody, Node, NodeKind};
use crate::stdlib::args::Args;
use crate::stdlib::{Absent, Function, Implementation, ListOp, sort_keyed};
use rust_decimal::Decimal;
use std::borrow::Cow;

impl<'a> Machine<'a> {
    pub(super) fn eval(&mut self, node: &'a Node) -> Result<Value<'a>> {
        self.spend(node, 1)?;
        let value = crate::stack::guard(|| self.eval_node(node))?;
        self.charge(node, &value)?;
        Ok(value)
    }

    /// Counts `n` evaluation steps against the record's budget.
    pub(super) fn spend(&mut self, node: &'a Node, n: u64) -> Result<()> {
        if self.exhausted {
            return Err(Flow::Reported);
        }
        self.steps += n;
        if self.steps > self.ambient.budget.steps {
            let message = format!(
                "the record takes more than {} evaluation steps",
                self.ambient.budget.steps
            );
            return Err(self.exhaust(node, message));
        }
        Ok(())
    }

    /// Counts the bytes of a value the mapping built (not of one read from
    /// the input) against the record's budget; a list or object counts
    /// its own slots, its elements were counted when they were built.
    fn charge(&mut self, node: &'a Node, value: &Value<'a>) -> Result<()> {
        const SLOT: u64 = std::mem::size_of::<Value<'static>>() as u64;
        let bytes = match value {
            Value::String(Cow::Owned(s)) => s.len() as u64,
            Value::List(items) => items.len() as u64 * SLOT,
            Value::Json(Cow::Owned(Json::Array(items))) => items.len() as u64 * SLOT,
            Value::Json(Cow::Owned(Json::Object(map))) => map.len() as u64 * SLOT * 2,
            _ => return Ok(()),
        };
        self.bytes += bytes;
        if self.bytes > self.ambient.budget.bytes {
            let message = format!(
                "the record builds more than {} bytes of values",
                self.ambient.budget.bytes
            );
            return Err(self.exhaust(node, message));
        }
        Ok(())
    }

    fn exhaust(&mut self, node: &'a Node, message: String) -> Flow {
        self.exhausted = true;
        let mut error = self.error(Code::Budget, node, message);
        error.help = Some(
            "the mapping does more work than the record's size explains (a loop over a list \
             inside a loop over it, a value doubled again and again); raise the budget with \
             `--max-steps` / `--max-record-bytes` or `Env::with_budget` if this is expected"
                .into(),
        );
        Flow::Error(Box::new(error))
    }

    fn eval_node(&mut self, node: &'a Node) -> Result<Value<'a>> {
        match &node.kind {
            NodeKind::Const(json) => Ok(Value::from_json(json)),
            NodeKind::Root => Ok(self.root.clone()),
            NodeKind::Local(slot) => self.read_let(*slot),
            NodeKind::Param(i) => Ok(self
                .params
                .get(*i)
                .map(Value::from_json)
                .unwrap_or_default()),
            NodeKind::Get(base, steps) => self.get(node, base, steps),
            NodeKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let v = self.eval(item)?;
                    if !v.is_missing() {
                        out.push(v);
                    }
                }
                Ok(Value::List(out))
            }
            NodeKind::Object(entries) => {
                let mut out = Map::new();
                for (key, value) in entries {
                    if let Some(json) = self.eval(value)?.into_json() {
                        out.insert(String::from(&**key), json);
                    }
                }
                Ok(Value::Json(Cow::Owned(Json::Object(out))))
            }
            NodeKind::Block(block) => Ok(self.object(block)),
            NodeKind::Call(function, args) => self.call(node, function, args),
            NodeKind::ListCall {
                op,
                list,
                slot,
                body,
            } => self.list_call(node, *op, list, *slot, body),
            NodeKind::Lookup { table, value } => self.lookup(node, *table, value),
            NodeKind::DefCall { def, args, .. } => self.def_call(node, *def, args),
            NodeKind::Neg(inner) => match self.eval(inner)? {
                Value::Number(n) => match n.to_decimal() {
                    Some(d) => Ok(Value::decimal(-d)),
                    None => {
                        let message = format!(
                            "number {} has more digits than exact arithmetic allows (28)",
                            n.text()
                        );
                        self.fail(Code::NumberRange, inner, message, None)
                    }
                },
                v @ (Value::Missing | Value::Null) => Ok(v),
                other => {
                    let message = format!(
                        "`-` needs a number, found {} {}",
                        other.type_name(),
                        other.describe()
                    );
                    self.fail(Code::TypeMismatch, inner, message, Some(&other))
                }
            },
            NodeKind::Not(inner) => Ok(Value::Bool(!self.condition(inner)?)),
            NodeKind::Binary(op, lhs, rhs) => self.binary(node, *op, lhs, rhs),
            NodeKind::If(condition, then, otherwise) => {
                if self.condition(condition)? {
                    self.eval(then)
                } else {
                    match otherwise {
                        Some(o) => self.eval(o),
                        None => Ok(Value::Missing),
                    }
                }
            }
            NodeKind::Match {
                subject,
                arms,
                fallback,
            } => {
                let value = self.eval(subject)?;
                for (patterns, result) in arms {
                    if patterns.iter().any(|p| value.equals_json(p, false)) {
                        return self.eval(result);
                    }
                }
                if let Some(fallback) = fallback {
                    return self.eval(fallback);
                }
                if value.is_missing() || value.is_null() {
                    return Ok(value);
                }
                let patterns: Vec<String> = arms
                    .iter()
                    .flat_map(|(p, _)| p.iter().map(Json::to_string))
                    .collect();
                let mut error = self.error(
                    Code::NoMatch,
                    node,
                    format!("no arm of the `match` matches {}", value.describe()),
                );
                error.set_value(&value);
                error.help = Some(format!(
                    "the arms match {}; add `_ => ...` for anything else",
                    shorten_list(&patterns)
                ));
                Err(Flow::Error(Box::new(error)))
            }
            NodeKind::For {
                item,
                index,
                list,
                filter,
                body,
            } => {
                let items = match self.elements(list, "`for` needs")? {
                    Ok(items) => items,
                    Err(unset) => return Ok(unset),
                };
                let mut out = Vec::with_capacity(items.len());
                for (i, element) in items.into_iter().enumerate() {
                    self.bind(*item, element, Origin::Element(list, i));
                    if let Some(index) = index {
                        self.bind(*index, Value::decimal(Decimal::from(i)), Origin::Unknown);
                    }
                    if let Some(filter) = filter {
                        match self.condition(filter) {
                            Ok(true) => {}
                            Ok(false) => continue,
                            Err(flow) => {
                                self.record(flow);
                                continue;
                            }
                        }
                    }
                    self.target.push(TargetStep::Index(out.len()));
                    let mut object = Object::default();
                    self.block(body, &mut object);
                    self.target.pop();
                    out.push(object.into_json());
                }
                Ok(Value::Json(Cow::Owned(Json::Array(out))))
            }
        }
    }

    /// A call of a def. An error inside its body is reported at the call
    /// (the author's rule), with a note for the line in the def, and with
    /// the first argument's source path and value when it has none.
    fn def_call(&mut self, node: &'a Node, index: usize, args: &'a [Node]) -> Result<Value<'a>> {
        let def = &self.program.defs[index];
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.eval(arg)?);
        }
        // no value in, no value out, exactly as for a built-in: a blank
        // string under `policy blank = missing` stops it too
        if let Some(first) = values.first()
            && self.is_unset(first)
        {
            return Ok(unset_result(values.swap_remove(0)));
        }
        let first = values.first().map(Value::describe);
        for ((slot, value), arg) in def.params.iter().zip(values).zip(args) {
            self.bind(*slot, value, Origin::Node(arg));
        }
        let recorded = self.errors.len();
        let result = match &def.body {
            DefBody::Block(block) => Ok(self.object(block)),
            DefBody::Value(value) => self.eval(value),
        };
        let at_call = |machine: &Self, error: &mut RuntimeError| {
            if error.span == node.loc.span
                && error.file.name == machine.program.files[node.loc.file as usize].name
            {
                return;
            }
            let (line, column) = error.line_col();
            error.notes.push(format!(
                "in def `{}`, at line {line}, column {column}{}",
                def.name,
                if error.file.name == machine.program.files[node.loc.file as usize].name {
                    String::new()
                } else {
                    format!(" of `{}`", error.file.name)
                }
            ));
            error.file = std::sync::Arc::clone(&machine.program.files[node.loc.file as usize]);
            error.span = node.loc.span;
            if error.source_path.is_none() {
                error.source_path = machine.source_path(args.first().unwrap_or(node));
                if error.value.is_none() {
                    error.value.clone_from(&first);
                }
            }
        };
        // errors of a block def's rules are recorded as they happen
        let mut inner = self.errors.split_off(recorded);
        for error in &mut inner {
            at_call(self, error);
        }
        self.errors.extend(inner);
        result.map_err(|flow| match flow {
            Flow::Error(mut error) => {
                at_call(self, &mut error);
                Flow::Error(error)
            }
            other => other,
        })
    }

    /// "No value in, no value out": missing and null, and a blank string
    /// under `policy blank = missing` (so `lookup("", t)` is no value, not
    /// a key that is not in the table).
    /// The elements of a list operand, or (as `Err`) the value to give back
    /// when it has none; anything but a list is an error.
    fn elements(
        &mut self,
        list: &'a Node,
        expected: &str,
    ) -> Result<std::result::Result<Vec<Value<'a>>, Value<'a>>> {
        match self.eval(list)? {
            v if self.is_unset(&v) => Ok(Err(unset_result(v))),
            other => match other.into_elements() {
                Ok(items) => Ok(Ok(items)),
                Err(other) => {
                    let message = format!(
                        "{expected} a list, found {} {}",
                        other.type_name(),
                        other.describe()
                    );
                    self.fail(Code::TypeMismatch, list, message, Some(&other))
                }
            },
        }
    }

    pub(super) fn bind(&mut self, slot: usize, value: Value<'a>, origin: Origin<'a>) {
        self.frame[slot] = value;
        self.origins[slot] = origin;
        self.pending[slot] = None;
        self.poisoned[slot] = None;
    }

    /// A block as an object value.
    fn object(&mut self, block: &'a Block) -> Value<'a> {
        let mut out = Object::default();
        self.block(block, &mut out);
        Value::Json(Cow::Owned(out.into_json()))
    }

    fn call(
        &mut self,
        node: &'a Node,
        function: &'static Function,
        args: &'a [Node],
    ) -> Result<Value<'a>> {
        let Implementation::Plain(implementation) = function.implementation else {
            return Ok(Value::Missing);
        };
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.eval(arg)?);
        }
        if function.absent == Absent::Propagate
            && let Some(first) = values.first()
            && self.is_unset(first)
        {
            return Ok(unset_result(values.swap_remove(0)));
        }
        if function.absent == Absent::PropagateAny && values.iter().any(|v| self.is_unset(v)) {
            return Ok(Value::Missing);
        }
        let mut call_args = Args {
            values,
            ambient: self.ambient,
            patterns: &self.program.patterns,
        };
        match implementation(&mut call_args) {
            Ok(v) => Ok(v),
            Err(e) => {
                let at = e.arg.and_then(|i| args.get(i)).unwrap_or(node);
                // `fail("...")` speaks for itself; other functions name themselves
                let message = if e.code == Code::Fail {
                    e.message
                } else {
                    format!("`{}`: {}", function.name, e.message)
                };
                let mut error = self.error(e.code, node, message);
                if e.arg.is_some() {
                    // the value shown is that argument's: name its source,
                    // not the first argument's
                    error.source_path = self.source_path(at);
                }
                error.value = e.value;
                if let Some(value) = e.arg.and_then(|i| call_args.values.get(i)) {
                    error.keep_value_json(value);
                }
                error.help = e.help;
                if e.arg.is_some() && at.loc.file == node.loc.file {
                    error.span = at.loc.span;
                }
                Err(Flow::Error(Box::new(error)))
            }
        }
    }

    fn lookup(&mut self, node: &'a Node, table: usize, value: &'a Node) -> Result<Value<'a>> {
        let table = match self.supplied.get(table) {
            Some(Some(supplied)) => supplied,
            _ => &self.program.tables[table],
        };
        let v = self.eval(value)?;
        if self.is_unset(&v) {
            return Ok(unset_result(v));
        }
        if !crate::program::Table::can_hold(&v) {
            let message = format!(
                "cannot look up {} {} in table `{}`",
                v.type_name(),
                v.describe(),
                table.name
            );
            return self.fail(Code::TypeMismatch, value, message, Some(&v));
        };
        if let Some(found) = table.get(&v) {
            return Ok(Value::from_json(found));
        }
        if let Some(fallback) = &table.fallback {
            return Ok(Value::from_json(fallback));
        }
        // only the keys shown are written out: a miss on an 800,000-key
        // table must not cost a pass over every key
        let shown: Vec<String> = table.keys.iter().take(8).map(Json::to_string).collect();
        let keys_text = match table.keys.len() {
            // a big table (a supplied customer list) says its size first
            total if total > MAX_SUGGESTION_KEYS => format!(
                "the table has {total} keys: {}",
                shorten_shown(&shown, total)
            ),
            total => format!("the keys are {}", shorten_shown(&shown, total)),
        };
        let mut error = self.error(
            Code::NotInTable,
            node,
            format!("{} is not a key of table `{}`", v.describe(), table.name),
        );
        error.set_value(&v);
        // `1` and `"1"` are different keys: say so when that is the miss
        let decimal = |text: &str| super::number::parse_decimal(text.trim());
        let other_type = match &v {
            Value::Number(n) => n
                .to_decimal()
                .filter(|d| table.has_numeric_string(*d))
                .map(|_| "the table has this key as a string: convert with `to_string(...)`; "),
            Value::String(s) => decimal(s)
                .filter(|d| table.get(&Value::decimal(*d)).is_some())
                .map(|_| "the table has this key as a number: convert with `to_number(...)`; "),
            _ => None,
        };
        let suggestion = match other_type {
            Some(hint) => hint.to_string(),
            None if table.keys.len() > MAX_SUGGESTION_KEYS => v
                .as_str()
                .and_then(|s| table.same_but_case(s))
                .map(|s| format!("did you mean \"{s}\"? "))
                .unwrap_or_default(),
            None => v
                .as_str()
                .and_then(|s| {
                    // an ignore_case table compares lowercase: suggest so too
                    let fold = |k: &str| {
                        if table.ignore_case {
                            k.to_lowercase()
                        } else {
                            k.to_string()
                        }
                    };
                    let keys: Vec<(String, &str)> = table
                        .keys
                        .iter()
                        .filter_map(Json::as_str)
                        .map(|k| (fold(k), k))
                        .collect();
                    let folded = fold(s);
                    let best = did_you_mean(&folded, keys.iter().map(|(f, _)| f.as_str()))?;
                    keys.iter().find(|(f, _)| f == best).map(|(_, k)| *k)
                })
                .map(|s| format!("did you mean \"{s}\"? "))
                .unwrap_or_default(),
        };
        error.help = Some(format!(
            "{suggestion}{keys_text}; add the key, or a fallback `_ => value`"
        ));
        Err(Flow::Error(Box::new(error)))
    }

    fn list_call(
        &mut self,
        node: &'a Node,
        op: ListOp,
        list: &'a Node,
        slot: usize,
        body: &'a Node,
    ) -> Result<Value<'a>> {
        let items = match self.elements(list, "expected")? {
            Ok(items) => items,
            Err(unset) => return Ok(unset),
        };
        let mut out = Vec::new();
        let mut keyed = Vec::new();
        let mut total = Decimal::ZERO;
        for (i, element) in items.into_iter().enumerate() {
            self.bind(slot, element.clone(), Origin::Element(list, i));
            match op {
                ListOp::Map => {
                    let v = self.eval(body)?;
                    if !v.is_missing() {
                        out.push(v);
                    }
                }
                ListOp::Filter => {
                    if self.condition(body)? {
                        out.push(element);
                    }
                }
                ListOp::Any => {
                    if self.condition(body)? {
                        return Ok(Value::Bool(true));
                    }
                }
                ListOp::All => {
                    if !self.condition(body)? {
                        return Ok(Value::Bool(false));
                    }
                }
                ListOp::Find => {
                    if self.condition(body)? {
                        return Ok(element);
                    }
                }
                ListOp::SortBy => keyed.push((self.eval(body)?, element)),
                ListOp::SumBy => match self.eval(body)? {
                    Value::Missing | Value::Null => {}
                    Value::Number(n) => {
                        let Some(d) = n.to_decimal() else {
                            let message = format!(
                                "number {} has more digits than exact arithmetic allows (28)",
                                n.text()
                            );
                            return self.fail(Code::NumberRange, body, message, None);
                        };
                        let Some(sum) = super::number::exact_add(total, d) else {
                            return self.fail(
                                Code::Overflow,
                                node,
                                "the sum overflows exact arithmetic (28 digits)".into(),
                                None,
                            );
                        };
                        total = sum;
                    }
                    other => {
                        let message = format!(
                            "`sum_by` needs numbers, found {} {}",
                            other.type_name(),
                            other.describe()
                        );
                        return self.fail(Code::TypeMismatch, body, message, Some(&other));
                    }
                },
            }
        }
        Ok(match op {
            ListOp::Map | ListOp::Filter => Value::List(out),
            ListOp::Any => Value::Bool(false),
            ListOp::All => Value::Bool(true),
            ListOp::Find => Value::Missing,
            ListOp::SumBy => Value::decimal(total),
            ListOp::SortBy => {
                if let Err(e) = sort_keyed(&mut keyed) {
                    return self.fail(e.code, node, format!("`sort_by`: {}", e.message), None);
                }
                Value::List(keyed.into_iter().map(|(_, v)| v).collect())
            }
        })
    }
}

/// `"a", "b", "c" … and 12 more`
/// Above this many keys, a lookup miss suggests only a key that differs in
/// case (from an index), not the nearest by edit distance (a pass over
/// every key, per miss).
const MAX_SUGGESTION_KEYS: usize = 2_000;

/// The first keys of a table of `total`, and how many more there are.
fn shorten_shown(shown: &[String], total: usize) -> String {
    let mut out = shown.join(", ");
    if total > shown.len() {
        out.push_str(&format!(" and {} more", total - shown.len()));
    }
    out
}

fn shorten_list(items: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut out = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        out.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    out
}

/// What "no value in" gives out: missing stays missing and null stays null;
/// a blank string (under `policy blank = missing`) becomes missing, so the
/// next step does not trip over a string it did not expect.
fn unset_result(value: Value<'_>) -> Value<'_> {
    match value {
        Value::String(_) => Value::Missing,
        other => other,
    }
}
