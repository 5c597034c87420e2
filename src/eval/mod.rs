//! Stage 3: apply a checked program to one record.
//!
//! The evaluator walks the program once per record. A rule that fails is
//! recorded and the next rule runs, so one pass reports every error of the
//! record; the record then fails as a whole (nothing half-mapped escapes).

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

/// An expression failed: with a new error, or because of one already
/// recorded (a `let` it reads failed).
pub(crate) enum Flow {
    Error(Box<RuntimeError>),
    Reported,
}

type Result<T, E = Flow> = std::result::Result<T, E>;

pub(crate) struct Machine<'a> {
    program: &'a Program,
    root: Value<'a>,
    params: Vec<Value<'a>>,
    /// The entries of `supplied` tables, by table index (`None` for the
    /// others, whose entries the program holds).
    supplied: &'a [Option<crate::program::Table>],
    frame: Vec<Value<'a>>,
    origins: Vec<Origin<'a>>,
    poisoned: Vec<bool>,
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

/// Applies `program` to `record`, and says which fields were written as
/// null, from their default, or left out (target paths, `[]` for list
/// elements).
pub(crate) fn apply_counting<'a>(
    program: &'a Program,
    root: Value<'a>,
    params: Vec<Value<'a>>,
    supplied: &'a [Option<crate::program::Table>],
    ambient: crate::env::Ambient,
) -> Result<(Json, Vec<(String, FieldEvent)>), ApplyError> {
    run(program, root, params, supplied, ambient, Some(Vec::new()))
        .map(|(out, events)| (out.into_json(), events.unwrap_or_default()))
}

/// Applies `program` to `record` with parameter values already bound and
/// "now" and the default zone from `ambient`.
pub(crate) fn apply<'a>(
    program: &'a Program,
    root: Value<'a>,
    params: Vec<Value<'a>>,
    supplied: &'a [Option<crate::program::Table>],
    ambient: crate::env::Ambient,
) -> Result<Json, ApplyError> {
    run(program, root, params, supplied, ambient, None).map(|(out, _)| out.into_json())
}

/// Applies `program` to `record` and appends the output to `out` as
/// compact JSON: the bytes `serde_json::to_writer` writes for
/// [`apply`]'s result. Nothing is appended when the record fails. The
/// field events are counted when `counting`.
pub(crate) fn apply_to<'a>(
    program: &'a Program,
    root: Value<'a>,
    params: Vec<Value<'a>>,
    supplied: &'a [Option<crate::program::Table>],
    ambient: crate::env::Ambient,
    counting: bool,
    out: &mut Vec<u8>,
) -> Result<Vec<(String, FieldEvent)>, ApplyError> {
    let events = counting.then(Vec::new);
    let (object, events) = run(program, root, params, supplied, ambient, events)?;
    let start = out.len();
    if let Err(error) = serde_json::to_writer(&mut *out, &object) {
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
                file: std::sync::Arc::clone(&program.files[0]),
                span: crate::syntax::Span::default(),
            }],
        });
    }
    Ok(events.unwrap_or_default())
}

type Events = Option<Vec<(String, FieldEvent)>>;

fn run<'a>(
    program: &'a Program,
    root: Value<'a>,
    params: Vec<Value<'a>>,
    supplied: &'a [Option<crate::program::Table>],
    ambient: crate::env::Ambient,
    events: Events,
) -> Result<(Object<'a>, Events), ApplyError> {
    let mut machine = Machine {
        program,
        root,
        params,
        supplied,
        frame: vec![Value::Missing; program.slots],
        origins: vec![Origin::Unknown; program.slots],
        poisoned: vec![false; program.slots],
        target: Vec::new(),
        errors: Vec::new(),
        ambient,
        events,
    };
    let mut out = Object::with_capacity(program.body.statements.len());
    machine.block(&program.body, &mut out);
    if machine.errors.is_empty() {
        Ok((out, machine.events))
    } else {
        Err(ApplyError {
            errors: machine.errors,
        })
    }
}

impl<'a> Machine<'a> {
    fn record(&mut self, flow: Flow) {
        if let Flow::Error(mut error) = flow {
            if error.target.is_none() && !self.target.is_empty() {
                error.target = Some(self.target_path());
            }
            self.errors.push(*error);
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
        for statement in &block.statements {
            match statement {
                Statement::Let { label, slot, value } => {
                    // errors inside the value (a `for`, say) name the variable
                    self.target.push(TargetStep::Key(label));
                    match self.eval(value) {
                        Ok(v) => {
                            self.frame[*slot] = v;
                            self.origins[*slot] = Origin::Node(value);
                            self.poisoned[*slot] = false;
                        }
                        Err(flow) => {
                            self.record(flow);
                            self.frame[*slot] = Value::Missing;
                            self.poisoned[*slot] = true;
                        }
                    }
                    self.target.pop();
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
            Absent::Error => {
                let what = match &value {
                    Value::Null => "is null",
                    Value::String(_) => "is blank",
                    _ => "is missing",
                };
                // required by the rule, or by `policy missing = error`
                let by_policy = rule.absent.is_none();
                let mut error = self.error(
                    Code::RequiredMissing,
                    &rule.value,
                    format!(
                        "{}field `{}` has no value: the source {what}",
                        if by_policy { "" } else { "required " },
                        self.target_path()
                    ),
                );
                error.value = None;
                if matches!(value, Value::Null | Value::String(_)) {
                    error.value = Some(value.describe());
                }
                error.span = rule.loc.span.to(rule.value.loc.span);
                error.help = Some(if by_policy {
                    "`policy missing = error` requires a value for every field without an option: \
                     add `default <value>`, or make the field `optional` or `nullable`"
                        .into()
                } else {
                    "add `default <value>`, or make the field `optional` or `nullable`".into()
                });
                Err(Flow::Error(Box::new(error)))
            }
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
