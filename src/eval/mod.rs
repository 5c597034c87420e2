//! Stage 3: apply a checked program to one record.
//!
//! The evaluator walks the program once per record. A record that is not
//! an object fails at once (E420); then the guards run, in order (`reject`
//! fails the record, `skip`/`keep` leave it out); then the rules, then each
//! `emit`. A `let` is evaluated when a rule first reads it, once. A rule
//! that fails is recorded and the next rule runs, so one pass reports every
//! error of the record; the record then fails as a whole (nothing
//! half-mapped escapes, none of its target records is given).

mod causes;
mod constraints;
mod error;
mod expr;
pub(crate) mod number;
mod ops;
mod output;
mod paths;
mod value;

pub use error::{ApplyError, RuntimeError};

pub(crate) use number::Num;
pub(crate) use value::Value;

use crate::diagnostics::Code;
use crate::program::{Absent, Block, Node, Program, Statement};
use output::Object;
use serde_json::Value as Json;

/// Where a variable's value came from, to name source paths in errors.
#[derive(Clone, Copy)]
enum Origin<'a> {
    Unknown,
    /// The value of this node.
    Node(&'a Node),
    /// Element `i` of the list this node gave.
    Element(&'a Node, usize),
}

/// A step of the target path being written: `lines[2].sku`.
#[derive(Clone, Copy)]
enum TargetStep<'a> {
    Key(&'a str),
    Index(usize),
}

/// An expression failed: with a new error, or because the `let` in this
/// slot, which it reads, failed already.
pub(crate) enum Flow {
    Error(Box<RuntimeError>),
    Poisoned(usize),
}

/// A `let` not evaluated yet: it is, when a rule first reads it.
#[derive(Clone, Copy)]
struct Pending<'a> {
    value: &'a Node,
    name: &'a str,
    loc: crate::program::Loc,
}

/// What became of one input record: mapped, or skipped on purpose. (Not
/// `non_exhaustive`: a caller must handle both, and can.)
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<T> {
    /// The record mapped, to this (its target records).
    Mapped(T),
    /// A `skip` or `keep` guard left the record out: not an error, and
    /// nothing is written.
    Skipped,
}

type Result<T, E = Flow> = std::result::Result<T, E>;

pub(crate) struct Machine<'a> {
    program: &'a Program,
    root: Value<'a>,
    params: Vec<Value<'a>>,
    frame: Vec<Value<'a>>,
    origins: Vec<Origin<'a>>,
    /// `let`s bound but not evaluated yet.
    pending: Vec<Option<Pending<'a>>>,
    /// `let`s whose value failed: the error, to report once.
    poisoned: Vec<Option<Box<RuntimeError>>>,
    target: Vec<TargetStep<'a>>,
    errors: Vec<RuntimeError>,
    ambient: crate::env::Ambient,
    /// Fields written as null or from their default, when counted.
    events: Option<Vec<(String, FieldEvent)>>,
}

/// What happened to a target field that got no value from its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldEvent {
    /// Written as `null`.
    Null,
    /// Written from its `default`.
    Defaulted,
    /// Left out (`optional`, or `policy missing = omit`).
    Omitted,
}

/// Applies `program` to `record` with parameter values already bound and
/// "now" and the default zone from `ambient`: its target records (the
/// rules' one first, then what `emit` adds), or `Skipped`. With `events`,
/// also which fields were written as null, from their default, or left out
/// (target paths, `[]` for list elements).
pub(crate) fn apply<'a>(
    program: &'a Program,
    root: Value<'a>,
    params: Vec<Value<'a>>,
    ambient: crate::env::Ambient,
    events: Option<&mut Vec<(String, FieldEvent)>>,
) -> Result<Outcome<Vec<Json>>, ApplyError> {
    let counting = events.is_some();
    let (records, found) = match run(program, root, params, ambient, counting.then(Vec::new))? {
        (Outcome::Skipped, _) => return Ok(Outcome::Skipped),
        (Outcome::Mapped(records), found) => (records, found),
    };
    if let (Some(events), Some(found)) = (events, found) {
        events.extend(found);
    }
    Ok(Outcome::Mapped(
        records.into_iter().map(Emitted::into_json).collect(),
    ))
}

/// Applies `program` to `record` and appends its target records to `out`
/// as compact JSON, `separator` between two: the bytes
/// `serde_json::to_writer` writes for each of [`apply`]'s records.
/// Nothing is appended when the record fails or is skipped. Gives the
/// number of records written.
pub(crate) fn apply_to<'a>(
    program: &'a Program,
    root: Value<'a>,
    params: Vec<Value<'a>>,
    ambient: crate::env::Ambient,
    events: Option<&mut Vec<(String, FieldEvent)>>,
    separator: u8,
    out: &mut Vec<u8>,
) -> Result<Outcome<usize>, ApplyError> {
    let counting = events.is_some();
    let (records, found) = match run(program, root, params, ambient, counting.then(Vec::new))? {
        (Outcome::Skipped, _) => return Ok(Outcome::Skipped),
        (Outcome::Mapped(records), found) => (records, found),
    };
    let start = out.len();
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        let written = match record {
            Emitted::Object(object) => serde_json::to_writer(&mut *out, object),
            Emitted::Json(json) => serde_json::to_writer(&mut *out, json),
        };
        if let Err(error) = written {
            // an output object holds no value without a JSON form, and a Vec
            // takes every byte: this does not happen
            out.truncate(start);
            return Err(ApplyError {
                errors: vec![RuntimeError {
                    code: Code::Limit,
                    message: format!("cannot write the output record: {error}"),
                    target: None,
                    source_path: None,
                    value: None,
                    help: None,
                    notes: Vec::new(),
                    file: std::sync::Arc::clone(&program.files[0]),
                    span: crate::syntax::Span::default(),
                }],
            });
        }
    }
    if let (Some(events), Some(found)) = (events, found) {
        events.extend(found);
    }
    Ok(Outcome::Mapped(records.len()))
}

type Events = Option<Vec<(String, FieldEvent)>>;

/// One target record: the rules' own, or one that `emit` gave.
enum Emitted<'a> {
    Object(Object<'a>),
    Json(Json),
}

impl Emitted<'_> {
    fn into_json(self) -> Json {
        match self {
            Emitted::Object(object) => object.into_json(),
            Emitted::Json(json) => json,
        }
    }
}

/// Which guard skips `root` (for error E422's label), if one does.
pub(crate) fn skipping_guard<'a>(
    program: &'a Program,
    root: Value<'a>,
    params: Vec<Value<'a>>,
    ambient: crate::env::Ambient,
) -> Option<usize> {
    let mut machine = Machine {
        program,
        root,
        params,
        frame: vec![Value::Missing; program.slots],
        origins: vec![Origin::Unknown; program.slots],
        pending: vec![None; program.slots],
        poisoned: vec![None; program.slots],
        target: Vec::new(),
        errors: Vec::new(),
        ambient,
        events: None,
    };
    machine.bind_lets(&program.body);
    machine.guards().ok().flatten()
}

fn run<'a>(
    program: &'a Program,
    root: Value<'a>,
    params: Vec<Value<'a>>,
    ambient: crate::env::Ambient,
    events: Events,
) -> Result<(Outcome<Vec<Emitted<'a>>>, Events), ApplyError> {
    let mut machine = Machine {
        program,
        root,
        params,
        frame: vec![Value::Missing; program.slots],
        origins: vec![Origin::Unknown; program.slots],
        pending: vec![None; program.slots],
        poisoned: vec![None; program.slots],
        target: Vec::new(),
        errors: Vec::new(),
        ambient,
        events,
    };
    machine.not_an_object()?;
    // the top-level `let`s first, so that guards can read them: each is
    // evaluated when first read
    machine.bind_lets(&program.body);
    if machine.guards()?.is_some() {
        return Ok((Outcome::Skipped, None));
    }
    let mut out = Object::with_capacity(program.body.statements.len());
    machine.statements(&program.body, &mut out, false);
    let mut records = Vec::with_capacity(1 + program.emits.len());
    if program.header {
        records.push(Emitted::Object(out));
    }
    machine.emit(&mut records);
    if machine.errors.is_empty() {
        Ok((Outcome::Mapped(records), machine.events))
    } else {
        Err(ApplyError {
            errors: machine.errors,
        })
    }
}

impl<'a> Machine<'a> {
    fn record(&mut self, flow: Flow) {
        let mut error = match flow {
            Flow::Error(error) => error,
            // a `let` that failed is reported once, where it was first
            // read; again only if that read swallowed its error
            Flow::Poisoned(slot) => match &self.poisoned[slot] {
                Some(error) if !self.errors.iter().any(|e| same_error(e, error)) => error.clone(),
                _ => return,
            },
        };
        if error.target.is_none() && !self.target.is_empty() {
            error.target = Some(self.target_path());
        }
        self.errors.push(*error);
    }

    /// Evaluates the `let` in `slot` the first time it is read, and
    /// remembers its value, or its error: a failing `let` is reported at
    /// the rule that first reads it, with a note naming the `let`.
    pub(super) fn read_let(&mut self, slot: usize) -> Result<Value<'a>> {
        if let Some(pending) = self.pending[slot].take() {
            match self.eval(pending.value) {
                Ok(value) => self.bind(slot, value, Origin::Node(pending.value)),
                Err(Flow::Poisoned(other)) => {
                    // an earlier `let` it reads failed: that one error
                    // stands for both
                    self.frame[slot] = Value::Missing;
                    self.poisoned[slot] = self.poisoned[other].clone();
                    return Err(Flow::Poisoned(slot));
                }
                Err(Flow::Error(mut error)) => {
                    let file = &self.program.files[pending.loc.file as usize];
                    let (line, _) =
                        crate::diagnostics::line_col(&file.text, pending.loc.span.start);
                    error.notes.push(format!(
                        "in `let {}` (line {line}), evaluated for the first rule that reads it",
                        pending.name
                    ));
                    self.frame[slot] = Value::Missing;
                    self.poisoned[slot] = Some(error.clone());
                    return Err(Flow::Error(error));
                }
            }
        }
        if self.poisoned[slot].is_some() {
            return Err(Flow::Poisoned(slot));
        }
        Ok(self.frame[slot].clone())
    }

    /// Binds every `let` of `block` (not evaluated yet).
    fn bind_lets(&mut self, block: &'a Block) {
        for statement in &block.statements {
            if let Statement::Let {
                name,
                loc,
                slot,
                value,
            } = statement
            {
                self.pending[*slot] = Some(Pending {
                    value,
                    name,
                    loc: *loc,
                });
                self.poisoned[*slot] = None;
                self.frame[*slot] = Value::Missing;
            }
        }
    }

    /// A record that is not an JSON object is rejected before any guard or
    /// rule reads it.
    fn not_an_object(&self) -> Result<(), ApplyError> {
        if matches!(self.root.type_name(), "object") {
            return Ok(());
        }
        let mut help = "each input record must be a JSON object `{...}`".to_string();
        if self.root.is_list() {
            help.push_str(
                "; a JSON document of records is an array of objects, one record per element \
                 (NDJSON: one object per line)",
            );
        }
        Err(ApplyError {
            errors: vec![RuntimeError {
                code: Code::NotAnObject,
                message: match self.root.type_name() {
                    "null" => "the input record is null, not an object".to_string(),
                    name => format!(
                        "the input record is {} {name}, not an object",
                        article(name)
                    ),
                },
                target: None,
                source_path: Some("$".into()),
                value: Some(self.root.describe()),
                help: Some(help),
                notes: Vec::new(),
                file: std::sync::Arc::clone(&self.program.files[0]),
                span: crate::syntax::Span::default(),
            }],
        })
    }

    /// Runs the guards in order: `Ok(Some(i))` when guard `i` skips the
    /// record; `Err` when one rejects it, or a condition fails.
    fn guards(&mut self) -> Result<Option<usize>, ApplyError> {
        use crate::program::GuardAction;
        for (index, guard) in self.program.guards.iter().enumerate() {
            let fired = match self.condition(&guard.condition) {
                Ok(holds) => holds,
                Err(flow) => {
                    self.record(flow);
                    return Err(ApplyError {
                        errors: std::mem::take(&mut self.errors),
                    });
                }
            };
            match &guard.action {
                GuardAction::Skip if fired => return Ok(Some(index)),
                GuardAction::Keep if !fired => return Ok(Some(index)),
                GuardAction::Reject(reason) if fired => {
                    let mut error = self.error(Code::Rejected, &guard.condition, reason.clone());
                    error.span = guard.loc.span;
                    error.file =
                        std::sync::Arc::clone(&self.program.files[guard.loc.file as usize]);
                    // the input the condition read, to show what set it off
                    if let Some((path, value)) = self.first_source(&guard.condition) {
                        error.source_path = Some(path);
                        error.value = Some(value);
                    }
                    return Err(ApplyError {
                        errors: vec![error],
                    });
                }
                _ => {}
            }
        }
        Ok(None)
    }

    /// Adds the records of each `emit`: an object is one record, a list
    /// one per element; missing and null add none. Errors are named
    /// `emit[i].field`.
    fn emit(&mut self, records: &mut Vec<Emitted<'a>>) {
        for emit in &self.program.emits {
            self.target.push(TargetStep::Key("emit"));
            match self.eval(&emit.value) {
                Ok(value) => {
                    let items = match value {
                        Value::Missing | Value::Null => Vec::new(),
                        v if v.is_list() => v.into_elements().unwrap_or_default(),
                        v => vec![v],
                    };
                    for (i, item) in items.into_iter().enumerate() {
                        if item.type_name() != "object" {
                            let message = format!(
                                "`emit` gave {} {} {} as a record: each record must be an object",
                                article(item.type_name()),
                                item.type_name(),
                                item.describe()
                            );
                            let mut error = self.error(Code::EmitNotObject, &emit.value, message);
                            error.target = Some(format!("emit[{i}]"));
                            error.value = Some(item.describe());
                            self.errors.push(error);
                            continue;
                        }
                        if let Some(json) = item.into_json() {
                            records.push(Emitted::Json(json));
                        }
                    }
                }
                Err(flow) => self.record(flow),
            }
            self.target.pop();
        }
    }

    fn target_path(&self) -> String {
        let mut out = String::new();
        for step in &self.target {
            match step {
                TargetStep::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                TargetStep::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// Counts a field event under the target's path, list indices as `[]`.
    fn count(&mut self, event: FieldEvent) {
        let Some(events) = self.events.as_mut() else {
            return;
        };
        let mut name = String::new();
        for step in &self.target {
            match step {
                TargetStep::Key(k) => {
                    if !name.is_empty() {
                        name.push('.');
                    }
                    name.push_str(k);
                }
                TargetStep::Index(_) => name.push_str("[]"),
            }
        }
        events.push((name, event));
    }

    /// Runs the statements of a block, writing its fields into `out`.
    fn block(&mut self, block: &'a Block, out: &mut Object<'a>) {
        self.statements(block, out, true);
    }

    /// Runs the statements of a block; its `let`s are bound as they come
    /// (`bind`), or were bound before (the top level, for the guards).
    fn statements(&mut self, block: &'a Block, out: &mut Object<'a>, bind: bool) {
        for statement in &block.statements {
            match statement {
                Statement::Let {
                    name,
                    loc,
                    slot,
                    value,
                } => {
                    if bind {
                        self.pending[*slot] = Some(Pending {
                            value,
                            name,
                            loc: *loc,
                        });
                        self.poisoned[*slot] = None;
                        self.frame[*slot] = Value::Missing;
                    }
                }
                Statement::If {
                    condition,
                    then,
                    otherwise,
                } => match self.condition(condition) {
                    Ok(true) => self.block(then, out),
                    Ok(false) => self.block(otherwise, out),
                    Err(flow) => self.record(flow),
                },
                Statement::Rule(rule) => {
                    let depth = self.target.len();
                    self.target
                        .extend(rule.target.iter().map(|k| TargetStep::Key(k)));
                    let write = match &rule.when {
                        None => Ok(true),
                        Some(when) => self.condition(when),
                    };
                    let result = match write {
                        Ok(true) => self.rule_value(rule),
                        Ok(false) => Ok(None),
                        Err(flow) => Err(flow),
                    };
                    match result {
                        Ok(Some(value)) => out.insert(&rule.target, value),
                        Ok(None) => {}
                        Err(Flow::Error(mut error))
                            if error.code == Code::Fail && error.source_path.is_none() =>
                        {
                            // `fail("...")` names no input: name the one the
                            // rule reads, with its value
                            if let Some((path, value)) = self.first_source(&rule.value) {
                                error.source_path = Some(path);
                                error.value.get_or_insert(value);
                            }
                            self.record(Flow::Error(error));
                        }
                        Err(flow) => self.record(flow),
                    }
                    self.target.truncate(depth);
                }
            }
        }
    }

    /// The value a rule writes; `None` to leave the field out.
    fn rule_value(&mut self, rule: &'a crate::program::Rule) -> Result<Option<Value<'a>>> {
        let mut value = self.eval(&rule.value)?;
        if self.is_absent(&value)
            && let Some(default) = &rule.default
        {
            value = self.eval(default)?;
            if self.events.is_some() && !self.is_absent(&value) {
                self.count(FieldEvent::Defaulted);
            }
        }
        if !self.is_absent(&value) {
            self.check_constraints(rule, &value)?;
            if self.events.is_some() && value.is_null() {
                self.count(FieldEvent::Null);
            }
            return Ok(Some(value));
        }
        let absent = rule.absent.unwrap_or(self.program.policy.missing);
        match absent {
            Absent::Null => {
                self.count(FieldEvent::Null);
                Ok(Some(Value::Null))
            }
            Absent::Omit => {
                self.count(FieldEvent::Omitted);
                Ok(None)
            }
            Absent::Error => Err(Flow::Error(Box::new(self.required_error(rule, &value)))),
        }
    }

    /// E300: the field has no value. Names the input path that has none
    /// (missing, null or blank), not merely the first the rule reads: in
    /// `.amount * lookup(.currency, rates)` it is `$.currency`.
    fn required_error(
        &mut self,
        rule: &'a crate::program::Rule,
        value: &Value<'a>,
    ) -> RuntimeError {
        // required by the rule, or by `policy missing = error`
        let by_policy = rule.absent.is_none();
        let sources = self.sources(&rule.value);
        let causes: Vec<_> = sources
            .iter()
            .filter_map(|s| Some((s, s.absence()?)))
            .collect();
        let own = match value {
            Value::Null => causes::Absence::Null,
            Value::String(_) => causes::Absence::Blank,
            _ => causes::Absence::Missing,
        };
        // a source shown as "although it is ..." is a plain value, not the
        // record or an object
        let scalars: Vec<_> = sources
            .iter()
            .filter(|s| !matches!(s.value.type_name(), "object" | "list"))
            .collect();
        let why = match causes.as_slice() {
            [] => match scalars.first() {
                // the inputs are there: a step of the expression gave nothing
                Some(source) => format!(
                    "the expression gives {} although `{}` is {}",
                    match own {
                        causes::Absence::Missing => "no value".to_string(),
                        other => format!("a {} value", other.word()),
                    },
                    source.path,
                    source.value.describe()
                ),
                None => format!("the source is {}", own.word()),
            },
            [(source, absence)] => format!("`{}` is {}", source.path, absence.word()),
            many => {
                let parts: Vec<String> = many
                    .iter()
                    .take(3)
                    .map(|(s, a)| format!("`{}` is {}", s.path, a.word()))
                    .collect();
                parts.join(", ")
            }
        };
        let mut error = self.error(
            Code::RequiredMissing,
            &rule.value,
            format!(
                "{}field `{}` has no value: {why}",
                if by_policy { "" } else { "required " },
                self.target_path()
            ),
        );
        error.span = rule.loc.span.to(rule.value.loc.span);
        let first = causes.first().map(|(s, _)| *s).or(scalars.first().copied());
        error.source_path = first.map(|s| s.path.clone());
        error.value = first
            .filter(|s| !s.value.is_missing())
            .map(|s| s.value.describe());
        if first.is_none() && matches!(value, Value::Null | Value::String(_)) {
            error.value = Some(value.describe());
        }
        let fix = if by_policy {
            "`policy missing = error` requires a value for every field without an option: \
             add `default <value>`, or make the field `optional` or `nullable`"
        } else {
            "add `default <value>`, or make the field `optional` or `nullable`"
        };
        // a key absent from the record is likelier a typo than a policy
        error.help = Some(
            match causes
                .first()
                .filter(|(_, a)| *a == causes::Absence::Missing)
                .and_then(|(s, _)| s.help())
            {
                Some(keys) => format!("{keys}; otherwise {fix}"),
                None => fix.to_string(),
            },
        );
        error
    }

    /// Does a rule's value count as "no value" under the mapping's
    /// policies? Unlike [`Machine::is_unset`], a source null is a value
    /// here when `policy null = keep` (the field is then written as null).
    fn is_absent(&self, value: &Value<'_>) -> bool {
        match value {
            Value::Missing => true,
            Value::Null => self.program.policy.null_is_missing,
            Value::String(s) => self.program.policy.blank_is_missing && s.trim().is_empty(),
            _ => false,
        }
    }

    /// Is this "no value" for `??`, lookups and functions: missing, null
    /// (whatever `policy null` says: `null ?? x` is `x`), or blank when
    /// `policy blank = missing`?
    fn is_unset(&self, value: &Value<'_>) -> bool {
        match value {
            Value::Missing | Value::Null => true,
            Value::String(s) => self.program.policy.blank_is_missing && s.trim().is_empty(),
            _ => false,
        }
    }

    /// A condition: true, false, or missing/null (false); anything else is
    /// an error.
    fn condition(&mut self, node: &'a Node) -> Result<bool> {
        match self.eval(node)? {
            Value::Bool(b) => Ok(b),
            Value::Missing | Value::Null => Ok(false),
            other => {
                let message = format!(
                    "a condition must be a boolean, found {} {}",
                    other.type_name(),
                    other.describe()
                );
                let mut error = self.error(Code::NotBoolean, node, message);
                error.value = Some(other.describe());
                error.help = Some(
                    "compare the value, as in `.status == \"paid\"`, or test it with `exists(...)`"
                        .into(),
                );
                Err(Flow::Error(Box::new(error)))
            }
        }
    }

    /// A new error at `node`, with its source path.
    fn error(&self, code: Code, node: &'a Node, message: String) -> RuntimeError {
        RuntimeError {
            code,
            message,
            target: None,
            source_path: self.source_path(node),
            value: None,
            help: None,
            notes: Vec::new(),
            file: std::sync::Arc::clone(&self.program.files[node.loc.file as usize]),
            span: node.loc.span,
        }
    }

    fn fail<T>(
        &self,
        code: Code,
        node: &'a Node,
        message: String,
        value: Option<&Value<'_>>,
    ) -> Result<T> {
        let mut error = self.error(code, node, message);
        error.value = value.map(Value::describe);
        Err(Flow::Error(Box::new(error)))
    }
}

/// The same error (a `let`'s, recorded once already)?
fn same_error(a: &RuntimeError, b: &RuntimeError) -> bool {
    a.code == b.code && a.span == b.span && a.message == b.message && a.notes == b.notes
}

fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
