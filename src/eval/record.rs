//! What decides about a record as a whole: whether it is an object at all
//! (E420), the guards (`reject`, `skip`, `keep`), and the records `emit`
//! adds.

use super::output::Object;
use super::{ApplyError, Machine, RuntimeError, TargetStep, Value};
use crate::diagnostics::Code;
use crate::json::Value as Json;

/// One target record: the rules' own, or one that `emit` gave.
pub(super) enum Emitted<'a> {
    Object(Object<'a>),
    Json(Json),
}

impl Emitted<'_> {
    pub(super) fn into_json(self) -> Json {
        match self {
            Emitted::Object(object) => object.into_json(),
            Emitted::Json(json) => json,
        }
    }
}

/// Which guard skips `root` (for error E422's label), if one does.
pub(crate) fn skipping_guard<'a>(bindings: super::Bindings<'a>, root: Value<'a>) -> Option<usize> {
    let mut machine = Machine::new(bindings, root, None);
    machine.bind_lets(&bindings.program.body);
    machine.guards().ok().flatten()
}

impl<'a> Machine<'a> {
    /// A record that is not a JSON object is rejected before any guard or
    /// rule reads it.
    pub(super) fn not_an_object(&self) -> Result<(), ApplyError> {
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
        let mut error = RuntimeError {
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
            value: None,
            value_json: None,
            help: Some(help),
            notes: Vec::new(),
            file: std::sync::Arc::clone(&self.program.files[0]),
            span: crate::syntax::Span::default(),
        };
        error.set_value(&self.root);
        Err(ApplyError {
            errors: vec![error],
        })
    }

    /// Runs the guards in order: `Ok(Some(i))` when guard `i` skips the
    /// record; `Err` when one rejects it, or a condition fails.
    pub(super) fn guards(&mut self) -> Result<Option<usize>, ApplyError> {
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
                        error.set_value(&value);
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
    pub(super) fn emit(&mut self, records: &mut Vec<Emitted<'a>>) {
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
                            error.set_value(&item);
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
}

pub(super) fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
