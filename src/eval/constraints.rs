//! Checking a rule's constraints on the value it is about to write: a value
//! that breaks one fails the record with E321, naming the field, the
//! constraint and the value.

use super::{Flow, Machine, Result, Value};
use crate::diagnostics::Code;
use crate::json::Value as Json;
use crate::program::{Check, Rule, TypeCheck};

/// Why `value` breaks `check`, if it does.
fn broken(check: &Check, value: &Value<'_>) -> Option<String> {
    let length = || match value {
        // user-perceived characters, as `length` counts them
        Value::String(s) => Some((crate::stdlib::unicode::count(s), "characters")),
        v if v.is_list() => v
            .clone()
            .into_elements()
            .ok()
            .map(|e| (e.len(), "elements")),
        _ => None,
    };
    let wrong_type = |what: &str| {
        Some(format!(
            "it applies to {what}, found a {}",
            value.type_name()
        ))
    };
    match check {
        Check::MaxLength(max) | Check::MinLength(max) => {
            let Some((n, unit)) = length() else {
                return wrong_type("strings and lists");
            };
            let too_long = matches!(check, Check::MaxLength(_)) && n > *max;
            let too_short = matches!(check, Check::MinLength(_)) && n < *max;
            let unit = if n == 1 {
                unit.trim_end_matches('s')
            } else {
                unit
            };
            (too_long || too_short).then(|| format!("it has {n} {unit}"))
        }
        Check::MaxBytes(max) => match value {
            Value::String(s) if s.len() > *max => Some(format!(
                "it has {} bytes of UTF-8 ({} characters)",
                s.len(),
                crate::stdlib::unicode::count(s)
            )),
            Value::String(_) => None,
            _ => wrong_type("strings"),
        },
        Check::Matches(re) => match value {
            Value::String(s) => (!re.is_match(s)).then(|| "it does not match".to_string()),
            _ => wrong_type("strings"),
        },
        Check::Between(low, high) => match value {
            Value::Number(n) => match n.to_decimal() {
                Some(d) if d < *low => Some(format!("it is less than {low}")),
                Some(d) if d > *high => Some(format!("it is more than {high}")),
                Some(_) => None,
                None => Some("it has more digits than exact arithmetic allows".into()),
            },
            _ => wrong_type("numbers"),
        },
        Check::OneOf(items) => (!items.iter().any(|c| value.equals_json(c, false)))
            .then(|| "it is none of them".to_string()),
        Check::Is(ty) => (!ty.accepts(value)).then(|| match (ty, value) {
            (TypeCheck::Date, Value::String(_)) => "it is not a YYYY-MM-DD date".to_string(),
            (TypeCheck::DateTime, Value::String(_)) => {
                "it is not an RFC 3339 date-time".to_string()
            }
            (TypeCheck::Integer, Value::Number(n)) if n.text().contains(['e', 'E']) => {
                "it is written with an exponent".to_string()
            }
            (TypeCheck::Integer, Value::Number(_)) => "it is written with a fraction".to_string(),
            (TypeCheck::Whole, Value::Number(_)) => "it has a fractional part".to_string(),
            _ => format!("it is a {}", value.type_name()),
        }),
    }
}

impl TypeCheck {
    /// Does `value` have this type? Missing and null have none of them.
    pub(crate) fn accepts(self, value: &Value<'_>) -> bool {
        match self {
            TypeCheck::String => matches!(value, Value::String(_)),
            TypeCheck::Number => matches!(value, Value::Number(_)),
            TypeCheck::Integer => match value {
                Value::Number(n) => is_integer_text(&n.text()),
                _ => false,
            },
            TypeCheck::Whole => match value {
                Value::Number(n) => is_whole_text(&n.text()),
                _ => false,
            },
            TypeCheck::Bool => matches!(value, Value::Bool(_)),
            TypeCheck::List => value.is_list(),
            TypeCheck::Object => {
                matches!(value, Value::Json(j) if matches!(j.as_ref(), Json::Object(_)))
            }
            TypeCheck::Date => value
                .as_str()
                .is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
            TypeCheck::DateTime => value
                .as_str()
                .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()),
        }
    }
}

/// A JSON integer as written: `-`, then digits; no fraction, no exponent.
fn is_integer_text(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A JSON number whose value has no fractional part, from its text alone
/// (so that `1e400` is whole although no decimal holds it): the digits,
/// trailing zeros dropped, end at or left of the decimal point once the
/// exponent has moved it.
fn is_whole_text(text: &str) -> bool {
    let text = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, "0"),
    };
    let (int, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{fraction}");
    let significant = digits.trim_end_matches('0');
    if significant.trim_start_matches('0').is_empty() {
        return true; // zero
    }
    let dropped = (digits.len() - significant.len()) as i128;
    // digits right of the point: the fraction's, less the exponent, less
    // the zeros dropped
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    match exponent.parse::<i64>() {
        Ok(e) => fraction.len() as i128 - i128::from(e) - dropped <= 0,
        // beyond i64: a huge positive exponent makes any digits whole
        Err(_) => !exponent.starts_with('-'),
    }
}

impl<'a> Machine<'a> {
    /// Checks every constraint of `rule` on `value`; the first broken one
    /// is an error.
    pub(super) fn check_constraints(&mut self, rule: &'a Rule, value: &Value<'_>) -> Result<()> {
        for constraint in &rule.constraints {
            if let Some(why) = broken(&constraint.check, value) {
                let mut error = self.error(
                    Code::Constraint,
                    &rule.value,
                    format!(
                        "field `{}` breaks `{}`: {}: {why}",
                        self.target_path(),
                        constraint.text,
                        value.describe()
                    ),
                );
                error.set_value(value);
                error.span = constraint.loc.span;
                return Err(Flow::Error(Box::new(error)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{is_integer_text, is_whole_text};

    #[test]
    fn integer_as_written_and_whole_numbers() {
        for text in ["0", "-12", "12345678901234567890123456789012345"] {
            assert!(is_integer_text(text), "{text}");
            assert!(is_whole_text(text), "{text}");
        }
        for text in [
            "2.0", "1e3", "1E+3", "-2.500e3", "1.5e1", "1e400", "0.0", "100e-2", "0e-5",
        ] {
            assert!(!is_integer_text(text), "{text}");
            assert!(is_whole_text(text), "{text}");
        }
        for text in [
            "2.5",
            "1e-3",
            "10e-2",
            "1.25e1",
            "-0.1",
            "1e-99999999999999999999",
        ] {
            assert!(!is_integer_text(text), "{text}");
            assert!(!is_whole_text(text), "{text}");
        }
    }
}
