//! Exact numbers: decimals, never binary floating point. Every rounding
//! function names its rounding mode; there is no unnamed default.

use super::args::{Args, FnError, choices_help, number};
use super::signature::{Absent, Example, Ty};
use super::{builtin, many, one};
use crate::diagnostics::Code;
use crate::value::{Value, number::parse_decimal};
use rust_decimal::{Decimal, RoundingStrategy};

/// The rounding modes, by the name a mapping uses.
pub(crate) const ROUNDING_MODES: &[(&str, RoundingStrategy)] = &[
    ("half_even", RoundingStrategy::MidpointNearestEven),
    ("half_up", RoundingStrategy::MidpointAwayFromZero),
    ("half_down", RoundingStrategy::MidpointTowardZero),
    ("up", RoundingStrategy::AwayFromZero),
    ("down", RoundingStrategy::ToZero),
    ("ceiling", RoundingStrategy::ToPositiveInfinity),
    ("floor", RoundingStrategy::ToNegativeInfinity),
];

pub(crate) fn rounding_mode(args: &Args<'_>, i: usize) -> Result<RoundingStrategy, FnError> {
    let name = args.str(i)?;
    ROUNDING_MODES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
        .ok_or_else(|| {
            let names = ROUNDING_MODES.iter().map(|(n, _)| *n);
            args.error(
                i,
                Code::InvalidArgument,
                format!("unknown rounding mode `{name}`"),
            )
            .with_help(choices_help(name, names))
        })
}

/// Rounds to exactly `places` decimals (padding with zeros: `12.5` → `12.50`).
pub(crate) fn round_to(
    args: &Args<'_>,
    d: Decimal,
    places_arg: usize,
    mode: RoundingStrategy,
) -> Result<Decimal, FnError> {
    let places = args.count(places_arg)?;
    let places = u32::try_from(places)
        .ok()
        .filter(|p| *p <= 28)
        .ok_or_else(|| {
            args.error(
                places_arg,
                Code::InvalidArgument,
                "at most 28 decimal places",
            )
        })?;
    let mut rounded = d.round_dp_with_strategy(places, mode);
    rounded.rescale(places);
    Ok(rounded)
}

builtin!(
    Number,
    TO_NUMBER,
    "to_number",
    &[one("value", Ty::STRING.or(Ty::NUMBER))],
    Ty::NUMBER,
    Absent::Propagate,
    "An exact number from a number or from a string of plain digits (`-12.50`, `1e3`; surrounding spaces allowed); anything else is an error.",
    &[
        Example {
            call: r#"to_number(" 12.50 ")"#,
            result: "12.50"
        },
        Example {
            call: r#"to_number("0.1") + to_number("0.2")"#,
            result: "0.3"
        },
        Example {
            call: r#"to_number("12,50")"#,
            result: "error[E308]"
        },
    ],
    |args| {
        match args.get(0) {
            Value::Number(_) => Ok(args.take(0)),
            _ => {
                let text = args.str(0)?.trim();
                let plain = !text.is_empty()
                    && text
                        .trim_start_matches('-')
                        .starts_with(|c: char| c.is_ascii_digit())
                    && crate::json::is_json_number(text);
                if !plain {
                    return Err(args.error(
                        0,
                        Code::InvalidArgument,
                        format!("`{text}` is not a plain number"),
                    ));
                }
                parse_decimal(text).map(number).ok_or_else(|| {
                    args.error(
                        0,
                        Code::NumberRange,
                        format!("`{text}` has more digits than exact arithmetic allows (28)"),
                    )
                })
            }
        }
    }
);

builtin!(
    Number,
    ABS,
    "abs",
    &[one("number", Ty::NUMBER)],
    Ty::NUMBER,
    Absent::Propagate,
    "The absolute value.",
    &[Example {
        call: "abs(-12.50)",
        result: "12.50"
    }],
    |args| Ok(number(args.decimal(0)?.abs()))
);

builtin!(
    Number,
    ROUND,
    "round",
    &[
        one("number", Ty::NUMBER),
        one("places", Ty::NUMBER),
        one("mode", Ty::STRING).read_with(|a, i| rounding_mode(a, i).map(drop))
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "Rounds to exactly `places` decimals with a named mode: half_even (banker's), half_up, half_down, up (away from zero), down (toward zero), ceiling, floor.",
    &[
        Example {
            call: r#"round(2.345, 2, "half_even")"#,
            result: "2.34"
        },
        Example {
            call: r#"round(2.345, 2, "half_up")"#,
            result: "2.35"
        },
        Example {
            call: r#"round(-2.5, 0, "floor")"#,
            result: "-3"
        },
        Example {
            call: r#"round(12.5, 2, "half_even")"#,
            result: "12.50"
        },
    ],
    |args| {
        let mode = rounding_mode(args, 2)?;
        round_to(args, args.decimal(0)?, 1, mode).map(number)
    }
);

builtin!(
    Number,
    DIVIDE,
    "divide",
    &[
        one("dividend", Ty::NUMBER),
        one("divisor", Ty::NUMBER),
        one("places", Ty::NUMBER),
        one("mode", Ty::STRING).read_with(|a, i| rounding_mode(a, i).map(drop))
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "Divides and rounds to `places` decimals with a named mode (see `round`); use it where `/` would have no exact result.",
    &[
        Example {
            call: r#"divide(10, 3, 2, "half_even")"#,
            result: "3.33"
        },
        Example {
            call: r#"divide(1, 0, 2, "half_even")"#,
            result: "error[E304]"
        },
    ],
    |args| {
        let mode = rounding_mode(args, 3)?;
        let divisor = args.decimal(1)?;
        if divisor.is_zero() {
            return Err(args.error(1, Code::DivisionByZero, "division by zero"));
        }
        let quotient = args
            .decimal(0)?
            .checked_div(divisor)
            .ok_or_else(|| FnError::new(Code::Overflow, "the quotient is too large"))?;
        round_to(args, quotient, 2, mode).map(number)
    }
);

fn extreme(args: &mut Args<'_>, greatest: bool) -> Result<Value<'static>, FnError> {
    let mut best: Option<Decimal> = None;
    for i in 0..args.len() {
        if matches!(args.get(i), Value::Missing | Value::Null) {
            continue;
        }
        let d = args.decimal(i)?;
        best = Some(match best {
            Some(b) if (greatest && b >= d) || (!greatest && b <= d) => b,
            _ => d,
        });
    }
    Ok(best.map_or(Value::Missing, number))
}

builtin!(
    Number,
    MIN,
    "min",
    &[many("numbers", Ty::NUMBER)],
    Ty::NUMBER,
    Absent::Accept,
    "The smallest of the numbers; missing and null are skipped.",
    &[Example {
        call: "min(3, null, 1.5)",
        result: "1.5"
    }],
    |args| extreme(args, false)
);

builtin!(
    Number,
    MAX,
    "max",
    &[many("numbers", Ty::NUMBER)],
    Ty::NUMBER,
    Absent::Accept,
    "The largest of the numbers; missing and null are skipped.",
    &[Example {
        call: "max(3, null, 1.5)",
        result: "3"
    }],
    |args| extreme(args, true)
);
