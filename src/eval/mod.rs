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
mod ops;
mod output;
mod paths;
mod record;

pub use error::{ApplyError, RuntimeError};

// the runtime value lives below eval, program and stdlib (`crate::value`);
// its old paths stay for code written against them
pub use crate::value::MAX_INPUT_DEPTH;
#[allow(unused_imports)]
pub(crate) use crate::value::Num;
pub(crate) use crate::value::number;
pub(crate) use crate::value::{Value, too_deep};

use crate::diagnostics::Code;
use crate::json::Value as Json;
use crate::program::{Absent, Block, Node, Program, Statement};
use output::Object;
use record::Emitted;
pub(crate) use record::skipping_guard;

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
    /// The record's budget is spent and its error recorded: everything
    /// after fails at once, with nothing more to say.
    Reported,
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
    /// The parameters' values, in declaration order.
    params: &'a [Json],
    /// The entries of `supplied` tables, by table index (`None` for the
    /// others, whose entries the program holds).
    supplied: &'a [Option<crate::program::Table>],
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
    /// Steps taken and bytes built for this record, against
    /// `ambient.budget`.
    steps: u64,
    bytes: u64,
    /// The budget is spent: every evaluation now fails at once (the error
    /// is recorded once).
    exhausted: bool,
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

/// What a record is mapped with: the checked program and what was bound
/// once for many records (parameter values, the entries of `supplied`
/// tables, "now", the default zone and the budget).
#[derive(Clone, Copy)]
pub(crate) struct Bindings<'a> {
    pub(crate) program: &'a Program,
    /// The parameters' values, in declaration order, checked.
    pub(crate) params: &'a [Json],
    /// The entries of `supplied` tables, by table index (`None` for the
    /// others, whose entries the program holds).
    pub(crate) supplied: &'a [Option<crate::program::Table>],
    pub(crate) ambient: crate::env::Ambient,
}

/// Where [`apply`] puts a record's target records.
pub(crate) enum Output<'o> {
    /// As JSON values, appended.
    Values(&'o mut Vec<Json>),
    /// Appended as compact JSON text, `separator` between two, none after
    /// the last: the bytes `serde_json::to_writer` writes for each value.
    Text { out: &'o mut Vec<u8>, separator: u8 },
}

/// Applies the program to the record `root`: its target records (the
/// rules' one first, then what `emit` adds) go to `output`, and their
/// number is given; or `Skipped`. Nothing reaches `output` when the record
/// fails or is skipped. With `events`, also which fields were written as
/// null, from their default, or left out (target paths, `[]` for list
/// elements), added only when the record maps.
pub(crate) fn apply<'a>(
    bindings: Bindings<'a>,
    root: Value<'a>,
    events: Option<&mut Vec<(String, FieldEvent)>>,
    output: Output<'_>,
) -> Result<Outcome<usize>, ApplyError> {
    let program = bindings.program;
    let (records, found) = match run(bindings, root, events.is_some().then(Vec::new))? {
        (Outcome::Skipped, _) => return Ok(Outcome::Skipped),
        (Outcome::Mapped(records), found) => (records, found),
    };
    let count = records.len();
    match output {
        Output::Values(values) => values.extend(records.into_iter().map(Emitted::into_json)),
        Output::Text { out, separator } => write(
            program,
            bindings.ambient.budget.output_bytes,
            &records,
            separator,
            out,
        )?,
    }
    if let (Some(events), Some(found)) = (events, found) {
        events.extend(found);
    }
    Ok(Outcome::Mapped(count))
}

/// Appends `records` to `out` as compact JSON, `separator` between two;
/// nothing when one passes the output size limit.
fn write(
    program: &Program,
    limit: u64,
    records: &[Emitted<'_>],
    separator: u8,
    out: &mut Vec<u8>,
) -> Result<(), ApplyError> {
    let start = out.len();
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        // each output record is held to the limit while it is written,
        // not after it is built whole
        let mut writer = Limited {
            out: &mut *out,
            left: limit,
        };
        let written = match record {
            Emitted::Object(object) => crate::json::to_writer(&mut writer, object),
            Emitted::Json(json) => crate::json::to_writer(&mut writer, json),
        };
        if let Err(error) = written {
            // an output object holds no value without a JSON form, and a Vec
            // takes every byte: only the size limit stops the writing
            out.truncate(start);
            let (code, message) = if error.is_io() {
                (
                    Code::SizeLimit,
                    format!(
                        "the output record is longer than {limit} bytes (the limit; `--max-output-bytes`)"
                    ),
                )
            } else {
                (
                    Code::Limit,
                    format!("cannot write the output record: {error}"),
                )
            };
            return Err(ApplyError {
                errors: vec![RuntimeError {
                    code,
                    message,
                    target: None,
                    source_path: None,
                    value: None,
                    value_json: None,
                    help: None,
                    notes: Vec::new(),
                    file: std::sync::Arc::clone(&program.files[0]),
                    span: crate::syntax::Span::default(),
                }],
            });
        }
    }
    Ok(())
}

type Events = Option<Vec<(String, FieldEvent)>>;

/// A writer that refuses to pass `left` bytes: writing an output record
/// stops as soon as it passes the limit, not after it is built whole.
struct Limited<'o> {
    out: &'o mut Vec<u8>,
    left: u64,
}

impl std::io::Write for Limited<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() as u64 > self.left {
            return Err(std::io::Error::other("output size limit"));
        }
        self.left -= buf.len() as u64;
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `message` with each long quoted part cut (see
/// [`crate::diagnostics::shorten_message`]).
pub(crate) fn shorten_message(message: &str) -> String {
    crate::diagnostics::shorten_message(message)
}

/// The error for an input record (or parameter, named by `what`) nested
/// more deeply than [`MAX_INPUT_DEPTH`].
pub(crate) fn too_deep_error(program: &Program, what: &str) -> RuntimeError {
    RuntimeError {
        code: Code::InputDepthLimit,
        message: format!("{what} nests more than {MAX_INPUT_DEPTH} levels of arrays and objects"),
        target: None,
        source_path: None,
        value: None,
        value_json: None,
        help: Some("mapc reads JSON nested at most as deeply as serde_json parses it".into()),
        file: std::sync::Arc::clone(&program.files[0]),
        notes: Vec::new(),
        span: crate::syntax::Span::default(),
    }
}

fn run<'a>(
    bindings: Bindings<'a>,
    root: Value<'a>,
    events: Events,
) -> Result<(Outcome<Vec<Emitted<'a>>>, Events), ApplyError> {
    let program = bindings.program;
    let mut machine = Machine::new(bindings, root, events);
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
    fn new(bindings: Bindings<'a>, root: Value<'a>, events: Events) -> Self {
        let Bindings {
            program,
            params,
            supplied,
            ambient,
        } = bindings;
        Machine {
            program,
            root,
            params,
            supplied,
            frame: vec![Value::Missing; program.slots],
            origins: vec![Origin::Unknown; program.slots],
            pending: vec![None; program.slots],
            poisoned: vec![None; program.slots],
            target: Vec::new(),
            errors: Vec::new(),
            ambient,
            events,
            steps: 0,
            bytes: 0,
            exhausted: false,
        }
    }

    fn record(&mut self, flow: Flow) {
        let mut error = match flow {
            Flow::Error(error) => error,
            // a `let` that failed is reported once, where it was first
            // read; again only if that read swallowed its error
            Flow::Poisoned(slot) => match &self.poisoned[slot] {
                Some(error) if !self.errors.iter().any(|e| same_error(e, error)) => error.clone(),
                _ => return,
            },
            Flow::Reported => return,
        };
        // a value quoted in a message is shortened: a 50 MB string must not
        // be repeated whole in stderr and the reject file
        error.message = shorten_message(&error.message);
        if let Some(help) = &error.help {
            error.help = Some(shorten_message(help));
        }
        if let Some(value) = &error.value {
            error.value = Some(shorten_message(value));
        }
        if let Some(path) = &error.source_path {
            // a path names the record's keys, which may be long too
            error.source_path = Some(shorten_message(path));
        }
        for note in &mut error.notes {
            *note = shorten_message(note);
        }
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
                // the budget is spent: nothing after it is evaluated
                Err(Flow::Reported) => return Err(Flow::Reported),
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
                                if error.value.is_none() {
                                    error.set_value(&value);
                                }
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
                error.set_value(&other);
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
            value_json: None,
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
        if let Some(value) = value {
            error.set_value(value);
        }
        Err(Flow::Error(Box::new(error)))
    }
}

/// The same error (a `let`'s, recorded once already)?
fn same_error(a: &RuntimeError, b: &RuntimeError) -> bool {
    a.code == b.code && a.span == b.span && a.message == b.message && a.notes == b.notes
}
