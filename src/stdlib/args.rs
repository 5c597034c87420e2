//! The arguments a built-in receives, with typed accessors whose errors
//! name the argument, its value and what was expected.

use crate::diagnostics::Code;
use crate::value::{Num, Value};
use rust_decimal::Decimal;

/// An error from a built-in; the evaluator adds the mapping location, the
/// target field and the source path.
#[derive(Debug)]
pub(crate) struct FnError {
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
    /// The argument at fault, if one is.
    pub arg: Option<usize>,
    /// The offending value, shortened.
    pub value: Option<String>,
}

impl FnError {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        FnError {
            code,
            message: message.into(),
            help: None,
            arg: None,
            value: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The help for a name that is not one of `choices`: "did you mean" the
/// closest, else the whole list.
pub(crate) fn choices_help<'c>(
    name: &str,
    choices: impl Iterator<Item = &'c str> + Clone,
) -> String {
    match crate::diagnostics::did_you_mean(name, choices.clone()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => {
            let all: Vec<&str> = choices.collect();
            format!("the choices are {}", all.join(", "))
        }
    }
}

/// The evaluated arguments of one call.
pub(crate) struct Args<'a> {
    pub(crate) values: Vec<Value<'a>>,
    /// "Now" and the default time zone.
    pub(crate) ambient: crate::env::Ambient,
    /// The mapping's constant patterns, compiled.
    pub(crate) patterns: &'a super::Patterns,
}

impl<'a> Args<'a> {
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// The argument, or `Missing` past the end.
    pub(crate) fn get(&self, i: usize) -> &Value<'a> {
        const MISSING: &Value<'static> = &Value::Missing;
        self.values.get(i).unwrap_or(MISSING)
    }

    /// Takes the argument out (leaving `Missing`).
    pub(crate) fn take(&mut self, i: usize) -> Value<'a> {
        self.values
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// An error about argument `i`.
    pub(crate) fn error(&self, i: usize, code: Code, message: impl Into<String>) -> FnError {
        FnError {
            code,
            message: message.into(),
            help: None,
            arg: Some(i),
            value: Some(self.get(i).describe()),
        }
    }

    /// "expected a string, found number 12"
    pub(crate) fn type_error(&self, i: usize, expected: &str) -> FnError {
        let found = self.get(i);
        self.error(
            i,
            Code::TypeMismatch,
            format!(
                "expected {expected}, found {} {}",
                found.type_name(),
                found.describe()
            ),
        )
    }

    pub(crate) fn str(&self, i: usize) -> Result<&str, FnError> {
        self.get(i)
            .as_str()
            .ok_or_else(|| self.type_error(i, "a string"))
    }

    /// A string argument, or `None` when it was not given (a skipped
    /// optional argument arrives as null, as in `f(x, b: 1)`).
    pub(crate) fn opt_str(&self, i: usize) -> Result<Option<&str>, FnError> {
        match self.get(i) {
            Value::Missing | Value::Null => Ok(None),
            _ => self.str(i).map(Some),
        }
    }

    /// Takes a string argument, without copying when it is owned.
    pub(crate) fn take_string(&mut self, i: usize) -> Result<std::borrow::Cow<'a, str>, FnError> {
        match self.take(i) {
            Value::String(s) => Ok(s),
            other => {
                self.values[i] = other;
                Err(self.type_error(i, "a string"))
            }
        }
    }

    pub(crate) fn decimal(&self, i: usize) -> Result<Decimal, FnError> {
        match self.get(i) {
            Value::Number(n) => n.to_decimal().ok_or_else(|| {
                self.error(
                    i,
                    Code::NumberRange,
                    format!(
                        "number `{}` has more digits than exact arithmetic allows (28)",
                        n.text()
                    ),
                )
            }),
            _ => Err(self.type_error(i, "a number")),
        }
    }

    /// A whole number that fits in `i64`.
    pub(crate) fn integer(&self, i: usize) -> Result<i64, FnError> {
        let d = self.decimal(i)?;
        if !d.fract().is_zero() {
            return Err(self.error(
                i,
                Code::InvalidArgument,
                format!("expected a whole number, found `{d}`"),
            ));
        }
        i64::try_from(d)
            .map_err(|_| self.error(i, Code::InvalidArgument, format!("`{d}` is out of range")))
    }

    /// A whole number ≥ 0.
    pub(crate) fn count(&self, i: usize) -> Result<usize, FnError> {
        let n = self.integer(i)?;
        usize::try_from(n).map_err(|_| {
            self.error(
                i,
                Code::InvalidArgument,
                format!("expected 0 or more, found {n}"),
            )
        })
    }

    pub(crate) fn opt_count(&self, i: usize) -> Result<Option<usize>, FnError> {
        match self.get(i) {
            Value::Missing | Value::Null => Ok(None),
            _ => self.count(i).map(Some),
        }
    }

    pub(crate) fn list(&mut self, i: usize) -> Result<Vec<Value<'a>>, FnError> {
        match self.take(i).into_elements() {
            Ok(items) => Ok(items),
            Err(other) => {
                self.values[i] = other;
                Err(self.type_error(i, "a list"))
            }
        }
    }
}

/// A number value from a decimal.
pub(crate) fn number<'a>(d: Decimal) -> Value<'a> {
    Value::Number(Num::Dec(d))
}
