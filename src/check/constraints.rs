//! Checking the constraints a rule states on its written value, once, at
//! compile time: limits parse, patterns compile, types exist.

use super::Checker;
use crate::diagnostics::Code;
use crate::program::{Check, Constraint, TypeCheck};
use crate::syntax::{self, ConstraintKind};
use crate::value::number::parse_decimal;

impl Checker {
    /// The checked constraint, or `None` (with a diagnostic).
    pub(super) fn constraint(&mut self, file: u32, c: &syntax::Constraint) -> Option<Constraint> {
        let loc = self.loc(file, c.span);
        let (check, text) = match &c.kind {
            ConstraintKind::MaxBytes(n) => {
                let Ok(limit) = n.parse::<usize>() else {
                    self.error(
                        Code::InvalidOption,
                        loc,
                        format!("`{n}` is not a number of bytes"),
                        "",
                    )
                    .help
                    .push("a limit in bytes is a whole number".into());
                    return None;
                };
                (Check::MaxBytes(limit), format!("max_bytes {n}"))
            }
            ConstraintKind::MaxLength(n) | ConstraintKind::MinLength(n) => {
                let Ok(limit) = n.parse::<usize>() else {
                    self.error(
                        Code::InvalidOption,
                        loc,
                        format!("`{n}` is not a length"),
                        "",
                    )
                    .help
                    .push("a length is a whole number of characters or elements".into());
                    return None;
                };
                if matches!(c.kind, ConstraintKind::MaxLength(_)) {
                    (Check::MaxLength(limit), format!("max_length {n}"))
                } else {
                    (Check::MinLength(limit), format!("min_length {n}"))
                }
            }
            ConstraintKind::Matches(pattern) => match regex::Regex::new(pattern) {
                Ok(re) => (Check::Matches(re), format!("matches {pattern:?}")),
                Err(e) => {
                    let why = e.to_string();
                    let last = why.lines().last().unwrap_or("").trim().to_string();
                    self.error(
                        Code::InvalidOption,
                        loc,
                        format!("invalid regular expression: {last}"),
                        "",
                    );
                    return None;
                }
            },
            ConstraintKind::Between(low, high) => {
                let (Some(a), Some(b)) = (parse_decimal(low), parse_decimal(high)) else {
                    self.error(Code::InvalidOption, loc, "limits out of range", "");
                    return None;
                };
                if a > b {
                    self.error(
                        Code::InvalidOption,
                        loc,
                        format!("`between {low} and {high}` is empty: {low} is more than {high}"),
                        "",
                    );
                    return None;
                }
                (Check::Between(a, b), format!("between {low} and {high}"))
            }
            ConstraintKind::OneOf(list) => {
                let items = list.value.as_array().cloned().unwrap_or_default();
                if items.is_empty() {
                    self.error(
                        Code::InvalidOption,
                        loc,
                        "`one_of` needs at least one value",
                        "",
                    );
                    return None;
                }
                (Check::OneOf(items), format!("one_of {}", list.value))
            }
            ConstraintKind::Is(ty) => {
                let Some(check) = TypeCheck::named(&ty.name) else {
                    let tloc = self.loc(file, ty.span);
                    self.error(
                        Code::InvalidType,
                        tloc,
                        format!("unknown type `{}`", ty.name),
                        "",
                    )
                    .help
                    .push(format!("the types are {}", TypeCheck::names()));
                    return None;
                };
                (Check::Is(check), format!("is {}", ty.name))
            }
        };
        Some(Constraint { check, text, loc })
    }
}
