//! Binding: checking an [`Env`] against the mapping's declarations once
//! (parameters, `supplied` tables, the default zone), before any record.

use super::Mapping;
use crate::diagnostics::Code;
use crate::env::Env;
use crate::eval::{self, ApplyError, RuntimeError};
use crate::json::Value as Json;
use crate::program::ParamType;
use std::sync::Arc;

impl Mapping {
    /// Checks `env` once, so a caller can fail fast before the first
    /// record: its parameters against the declarations, and a default time
    /// zone when the mapping has a call that can read one (`today()`,
    /// `truncate_datetime` or `parse_datetime` without `zone:`, and
    /// `add_duration` by days or months without a zone). Applying without
    /// that zone fails only on the records that need it (E319).
    ///
    /// # Errors
    /// A parameter that is missing, unknown or of the wrong type; a default
    /// zone the mapping can need and `env` lacks (E319).
    pub fn check_env(&self, env: &Env) -> Result<(), ApplyError> {
        let params = self.bind(env).map(|_| ());
        let Some((name, loc)) = self
            .program
            .default_zone
            .filter(|_| env.time_zone().is_none())
        else {
            return params;
        };
        let zone = RuntimeError {
            code: Code::MissingEnvironment,
            message: format!(
                "`{name}` can read a time in the default time zone, and the environment has none"
            ),
            target: None,
            source_path: None,
            value: None,
            value_json: None,
            help: Some(
                "name the zone in the call, as in `zone: \"Europe/Berlin\"`, or set a default zone (CLI `--time-zone`, library `Env::with_time_zone`)".into(),
            ),
            file: Arc::clone(&self.program.files[loc.file as usize]),
            span: loc.span,
            notes: Vec::new(),
        };
        match params {
            Ok(()) => Err(ApplyError { errors: vec![zone] }),
            Err(mut error) => {
                error.errors.push(zone);
                Err(error)
            }
        }
    }

    /// Builds the `supplied` tables from `env`, checked: each one given,
    /// no key twice, every key a scalar, no table the mapping does not
    /// declare supplied.
    pub(super) fn bind_tables(
        &self,
        env: &Env,
    ) -> Result<Vec<Option<crate::program::Table>>, ApplyError> {
        let mut errors = Vec::new();
        let mut tables = Vec::with_capacity(self.program.tables.len());
        for declared in &self.program.tables {
            let Some(loc) = declared.supplied else {
                tables.push(None);
                continue;
            };
            let error = |message: String| RuntimeError {
                code: Code::TableValue,
                message,
                target: None,
                source_path: None,
                value: None,
                value_json: None,
                help: Some(
                    "supply it with `--table NAME=FILE` (CLI) or `Env::with_table` (library)"
                        .into(),
                ),
                notes: Vec::new(),
                file: Arc::clone(&self.program.files[loc.file as usize]),
                span: loc.span,
            };
            let Some(entries) = env.table(&declared.name) else {
                errors.push(error(format!(
                    "table `{}` is supplied at apply time and has no entries",
                    declared.name
                )));
                tables.push(None);
                continue;
            };
            let mut table =
                crate::program::Table::new(declared.name.clone(), declared.ignore_case, None);
            table.fallback = declared.fallback.clone();
            table.supplied = declared.supplied;
            for (key, value) in entries {
                match table.insert(key.clone(), value.clone()) {
                    Ok(None) => {}
                    Ok(Some(_)) => {
                        errors.push(error(format!(
                            "table `{}` is given key {key} twice",
                            declared.name
                        )));
                        break;
                    }
                    Err(()) => {
                        errors.push(error(format!(
                            "table `{}`: a key must be a string, number, boolean or null, not {key}",
                            declared.name
                        )));
                        break;
                    }
                }
            }
            tables.push(Some(table));
        }
        for name in env.tables() {
            let declared = self
                .program
                .tables
                .iter()
                .any(|t| t.name == name && t.supplied.is_some());
            if !declared {
                errors.push(RuntimeError {
                    code: Code::TableValue,
                    message: format!("the mapping has no supplied table `{name}`"),
                    target: None,
                    source_path: None,
                    value: None,
                    value_json: None,
                    help: Some(
                        "declare it with `table NAME (supplied) {}` to take its entries at apply time"
                            .into(),
                    ),
                    notes: Vec::new(),
                    file: Arc::clone(&self.program.files[0]),
                    span: crate::syntax::Span::default(),
                });
            }
        }
        if errors.is_empty() {
            Ok(tables)
        } else {
            Err(ApplyError { errors })
        }
    }

    pub(super) fn bind_params(&self, env: &Env) -> Result<Vec<Json>, ApplyError> {
        let mut errors = Vec::new();
        let mut values = Vec::with_capacity(self.program.params.len());
        for decl in &self.program.params {
            match env.param(&decl.name).or(decl.default.as_ref()) {
                Some(value) if eval::too_deep(value) => {
                    let mut error =
                        eval::too_deep_error(&self.program, &format!("parameter `${}`", decl.name));
                    error.file = Arc::clone(&self.program.files[decl.loc.file as usize]);
                    error.span = decl.loc.span;
                    errors.push(error);
                    values.push(Json::Null);
                }
                Some(Json::Number(n))
                    if decl.ty == ParamType::Number
                        && crate::eval::number::parse_decimal(n.as_str()).is_none() =>
                {
                    // found now, not in every record that reads it
                    errors.push(self.param_error(format!(
                        "parameter `${}` is {n}, too large or too precise for exact \
                         arithmetic (at most 28 significant digits)",
                        decl.name
                    )));
                    values.push(Json::Null);
                }
                Some(value) if crate::check::param_type_accepts(decl.ty, value) => {
                    values.push(value.clone())
                }
                Some(value) => {
                    errors.push(self.param_error(format!(
                        "parameter `${}` must be a {}, found {value}",
                        decl.name,
                        decl.ty.name()
                    )));
                    values.push(Json::Null);
                }
                None => {
                    errors
                        .push(self.param_error(format!("parameter `${}` has no value", decl.name)));
                    values.push(Json::Null);
                }
            }
        }
        for (name, _) in env.params() {
            if !self.program.params.iter().any(|p| p.name == name) {
                let mut error = self.param_error(format!("the mapping has no parameter `{name}`"));
                let declared: Vec<&str> = self
                    .program
                    .params
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                let suggestion = crate::diagnostics::did_you_mean(name, declared.iter().copied());
                // point at the declaration it was probably meant for, or at
                // the first one (not at the top of the file)
                if let Some(decl) = suggestion.or(declared.first().copied())
                    && let Some(decl) = self.program.params.iter().find(|p| p.name == decl)
                {
                    error.file = Arc::clone(&self.program.files[decl.loc.file as usize]);
                    error.span = decl.loc.span;
                }
                error.help = Some(match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if declared.is_empty() => "the mapping declares no parameters".into(),
                    None => format!("declared parameters: {}", declared.join(", ")),
                });
                errors.push(error);
            }
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            Err(ApplyError { errors })
        }
    }

    fn param_error(&self, message: String) -> RuntimeError {
        // the declaration the message is about, in whichever file it is
        let decl = self
            .program
            .params
            .iter()
            .find(|p| message.contains(&format!("`${}`", p.name)));
        let file = Arc::clone(&self.program.files[decl.map_or(0, |d| d.loc.file as usize)]);
        let span = decl.map(|d| d.loc.span).unwrap_or_default();
        RuntimeError {
            code: Code::ParameterValue,
            message,
            target: None,
            source_path: None,
            value: None,
            value_json: None,
            help: Some(
                "pass it with `--param name=value` (CLI) or `Env::with_param` (library)".into(),
            ),
            notes: Vec::new(),
            file,
            span,
        }
    }
}
