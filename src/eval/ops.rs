//! Operators: exact arithmetic (overflow and inexact division are errors),
//! comparison, and the boolean connectives.

use super::{Machine, Result, Value};
use crate::diagnostics::Code;
use crate::program::Node;
use crate::syntax::BinaryOp;
use rust_decimal::Decimal;

impl<'a> Machine<'a> {
    /// `value catch fallback`: the fallback when evaluating `value` raises
    /// an error, whether the error ends the expression or is recorded
    /// inside it (a rule of a nested block or `for` body that fails).
    /// Missing and null are values here, not errors: they pass through.
    /// An error recorded before (a `let` that failed) is not this
    /// expression's to recover, and still fails it. Fields the failed part
    /// counted (for `--stats`) are not counted: its output is dropped.
    fn catch(&mut self, lhs: &'a Node, rhs: &'a Node) -> Result<Value<'a>> {
        let recorded = self.errors.len();
        let counted = self.events.as_ref().map_or(0, Vec::len);
        let outcome = self.eval(lhs);
        // a spent budget is not an error a fallback recovers from
        if self.exhausted {
            return outcome;
        }
        let failed = self.errors.len() > recorded;
        match outcome {
            Ok(value) if !failed => Ok(value),
            Err(super::Flow::Poisoned(slot)) if !failed => Err(super::Flow::Poisoned(slot)),
            _ => {
                self.errors.truncate(recorded);
                if let Some(events) = self.events.as_mut() {
                    events.truncate(counted);
                }
                self.eval(rhs)
            }
        }
    }

    pub(super) fn binary(
        &mut self,
        node: &'a Node,
        op: BinaryOp,
        lhs: &'a Node,
        rhs: &'a Node,
    ) -> Result<Value<'a>> {
        match op {
            BinaryOp::Catch => self.catch(lhs, rhs),
            BinaryOp::Coalesce => {
                let left = self.eval(lhs)?;
                if self.is_unset(&left) {
                    self.eval(rhs)
                } else {
                    Ok(left)
                }
            }
            BinaryOp::And => Ok(Value::Bool(self.condition(lhs)? && self.condition(rhs)?)),
            BinaryOp::Or => Ok(Value::Bool(self.condition(lhs)? || self.condition(rhs)?)),
            // `== null` is true for a missing value too: comparing with null
            // asks "is there no value?" (`exists` and `is_null` tell them apart)
            BinaryOp::Eq => Ok(Value::Bool(null_equals(&self.eval(lhs)?, &self.eval(rhs)?))),
            BinaryOp::Ne => Ok(Value::Bool(!null_equals(
                &self.eval(lhs)?,
                &self.eval(rhs)?,
            ))),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let left = self.eval(lhs)?;
                let right = self.eval(rhs)?;
                if left.is_missing() || left.is_null() || right.is_missing() || right.is_null() {
                    return Ok(Value::Bool(false));
                }
                // a number a decimal cannot hold is out of range, not of the wrong type
                for (value, side) in [(&left, lhs), (&right, rhs)] {
                    if let Value::Number(n) = value
                        && n.to_decimal().is_none()
                    {
                        let message = format!(
                            "number {} has more digits than exact arithmetic allows (28)",
                            n.text()
                        );
                        return self.fail(Code::NumberRange, side, message, Some(value));
                    }
                }
                let Some(ordering) = left.compare(&right) else {
                    let message = format!(
                        "cannot compare {} {} with {} {}",
                        left.type_name(),
                        left.describe(),
                        right.type_name(),
                        right.describe()
                    );
                    return self.fail(Code::TypeMismatch, node, message, Some(&left));
                };
                Ok(Value::Bool(match op {
                    BinaryOp::Lt => ordering.is_lt(),
                    BinaryOp::Le => ordering.is_le(),
                    BinaryOp::Gt => ordering.is_gt(),
                    _ => ordering.is_ge(),
                }))
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                let left = self.eval(lhs)?;
                let right = self.eval(rhs)?;
                // no value in, no value out
                if left.is_missing() || right.is_missing() {
                    return Ok(Value::Missing);
                }
                if left.is_null() || right.is_null() {
                    return Ok(Value::Null);
                }
                if op == BinaryOp::Add
                    && let (Value::String(a), Value::String(b)) = (&left, &right)
                {
                    return Ok(Value::string(format!("{a}{b}")));
                }
                if op == BinaryOp::Add
                    && matches!(
                        (&left, &right),
                        (Value::String(_), Value::Number(_)) | (Value::Number(_), Value::String(_))
                    )
                {
                    // neither side is wrong alone: say so, and offer both fixes
                    let mut error = self.error(
                        Code::TypeMismatch,
                        node,
                        format!(
                            "`+` cannot add {} {} and {} {}",
                            left.type_name(),
                            left.describe(),
                            right.type_name(),
                            right.describe()
                        ),
                    );
                    error.help = Some(
                        "to join text, use `concat(a, b)`; to add, convert the text with `to_number(...)`"
                            .into(),
                    );
                    return Err(super::Flow::Error(Box::new(error)));
                }
                let a = self.operand(node, lhs, &left, op)?;
                let b = self.operand(node, rhs, &right, op)?;
                // the value an arithmetic error shows is the left operand's:
                // name where it was read
                self.arithmetic(node, op, a, b, &left, &right)
                    .map_err(|flow| match flow {
                        super::Flow::Error(mut error) if error.source_path.is_none() => {
                            error.source_path = self.source_path(lhs);
                            super::Flow::Error(error)
                        }
                        other => other,
                    })
            }
        }
    }

    fn operand(
        &self,
        node: &'a Node,
        side: &'a Node,
        value: &Value<'_>,
        op: BinaryOp,
    ) -> Result<Decimal> {
        match value {
            Value::Number(n) => match n.to_decimal() {
                Some(d) => Ok(d),
                None => {
                    let message = format!(
                        "number {} has more digits than exact arithmetic allows (28)",
                        n.text()
                    );
                    self.fail(Code::NumberRange, side, message, Some(value))
                }
            },
            other => {
                let message = if op == BinaryOp::Add {
                    format!(
                        "`+` adds two numbers or joins two strings, found {} {}",
                        other.type_name(),
                        other.describe()
                    )
                } else {
                    format!(
                        "`{}` needs numbers, found {} {}",
                        op.symbol(),
                        other.type_name(),
                        other.describe()
                    )
                };
                let mut error = self.error(Code::TypeMismatch, side, message);
                error.set_value(other);
                if other.as_str().is_some() {
                    error.help = Some("convert text with `to_number(...)`".into());
                }
                let _ = node;
                Err(super::Flow::Error(Box::new(error)))
            }
        }
    }

    fn arithmetic(
        &self,
        node: &'a Node,
        op: BinaryOp,
        a: Decimal,
        b: Decimal,
        left: &Value<'_>,
        right: &Value<'_>,
    ) -> Result<Value<'a>> {
        let overflow = || {
            let exact_digits_only = match op {
                BinaryOp::Add => a.checked_add(b).is_some(),
                BinaryOp::Sub => a.checked_sub(b).is_some(),
                BinaryOp::Mul => a.checked_mul(b).is_some(),
                _ => false,
            };
            format!(
                "{} {} {} {}",
                left.describe(),
                op.symbol(),
                right.describe(),
                if exact_digits_only {
                    "needs more digits than exact arithmetic allows (28)"
                } else {
                    "overflows"
                }
            )
        };
        let result = match op {
            BinaryOp::Add => super::number::exact_add(a, b),
            BinaryOp::Sub => super::number::exact_sub(a, b),
            BinaryOp::Mul => super::number::exact_mul(a, b),
            BinaryOp::Div | BinaryOp::Rem if b.is_zero() => {
                return self.fail(
                    Code::DivisionByZero,
                    node,
                    format!("{} {} 0: division by zero", left.describe(), op.symbol()),
                    Some(left),
                );
            }
            BinaryOp::Rem => a.checked_rem(b),
            _ => {
                let Some(quotient) = a.checked_div(b) else {
                    return self.fail(Code::Overflow, node, overflow(), Some(left));
                };
                // exact only if decimal division did not have to round (a
                // rounded quotient uses every digit) and it multiplies back
                let digits = quotient
                    .normalize()
                    .mantissa()
                    .unsigned_abs()
                    .checked_ilog10()
                    .unwrap_or(0)
                    + 1;
                let rounded = digits >= 28 && b.abs() != Decimal::ONE;
                if rounded || quotient.checked_mul(b) != Some(a) {
                    let mut error = self.error(
                        Code::InexactDivision,
                        node,
                        format!(
                            "{} / {} has no exact decimal result",
                            left.describe(),
                            right.describe()
                        ),
                    );
                    error.set_value(left);
                    error.help =
                        Some("round it with a named mode: `divide(a, b, 2, \"half_even\")`".into());
                    return Err(super::Flow::Error(Box::new(error)));
                }
                Some(quotient.normalize().max_scale_of(a, b))
            }
        };
        match result {
            Some(d) => Ok(Value::decimal(d)),
            None => self.fail(Code::Overflow, node, overflow(), Some(left)),
        }
    }
}

fn null_equals(a: &Value<'_>, b: &Value<'_>) -> bool {
    let unset = |v: &Value<'_>| v.is_missing() || v.is_null();
    if unset(a) || unset(b) {
        return unset(a) && unset(b);
    }
    a.equals(b)
}

trait Scale {
    fn max_scale_of(self, a: Decimal, b: Decimal) -> Decimal;
}

impl Scale for Decimal {
    /// A quotient keeps at least the scale of the dividend (`10.00 / 4` is
    /// `2.50`), so money stays money-shaped.
    fn max_scale_of(mut self, a: Decimal, _b: Decimal) -> Decimal {
        if self.scale() < a.scale() {
            self.rescale(a.scale());
        }
        self
    }
}
