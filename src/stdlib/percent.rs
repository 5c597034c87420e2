//! Percent and basis points (exact: the decimal point moves, no digit is
//! rounded), and numbers written out as text with chosen places and marks.

use super::args::{Args, FnError, number};
use super::money::checked_mul;
use super::number::{round_to, rounding_mode};
use super::numeral::{NumeralError, parse_numeral};
use super::signature::{Absent, Example, Ty};
use super::{builtin, one, opt};
use crate::diagnostics::Code;
use crate::value::Value;
use rust_decimal::Decimal;

/// `d × 10^places` (`places` < 0 divides), moving the decimal point so the
/// digits stay exact: `0.125` → `12.5`, `12.50` → `0.1250`.
pub(crate) fn shift(d: Decimal, places: i32) -> Result<Decimal, FnError> {
    let scale = i64::from(d.scale()) - i64::from(places);
    if scale >= 0 {
        let mut out = d;
        u32::try_from(scale)
            .ok()
            .and_then(|s| out.set_scale(s).ok())
            .ok_or_else(|| {
                FnError::new(
                    Code::NumberRange,
                    format!("{d} ÷ 10^{} needs more than 28 decimals", -places),
                )
            })?;
        Ok(out)
    } else {
        let mut whole = d;
        whole.set_scale(0).ok();
        let factor = u32::try_from(-scale)
            .ok()
            .and_then(|e| 10_i128.checked_pow(e))
            .and_then(|f| Decimal::try_from_i128_with_scale(f, 0).ok())
            .ok_or_else(|| FnError::new(Code::Overflow, format!("{d} × 10^{places} overflows")))?;
        checked_mul(whole, factor)
    }
}

/// A number argument, or a string such as `12.5%` / `25 bp` when `suffix`
/// matches.
fn amount(args: &Args<'_>, i: usize, suffixes: &[&str]) -> Result<Decimal, FnError> {
    match args.get(i) {
        Value::Number(_) => args.decimal(i),
        Value::String(s) => {
            let mut t = s.trim();
            for suffix in suffixes {
                if let Some(rest) = t.strip_suffix(suffix) {
                    t = rest.trim_end();
                    break;
                }
            }
            parse_numeral(t, None).map_err(|e| {
                let why = match e {
                    NumeralError::Invalid(why) => why,
                    NumeralError::Ambiguous(a, b) => format!("it could be {a} or {b}"),
                    NumeralError::TooLarge => "too many digits".into(),
                };
                args.error(
                    i,
                    Code::Unparseable,
                    format!("`{s}` is not a number: {why}"),
                )
            })
        }
        _ => Err(args.type_error(i, "a number or a string")),
    }
}

builtin!(
    Money,
    TO_PERCENT,
    "to_percent",
    &[one("ratio", Ty::NUMBER)],
    Ty::NUMBER,
    Absent::Propagate,
    "A ratio as percent (× 100, exact: the decimal point moves).",
    &[
        Example {
            call: "to_percent(0.125)",
            result: "12.5"
        },
        Example {
            call: "to_percent(-0.5)",
            result: "-50"
        },
    ],
    |args| shift(args.decimal(0)?, 2).map(number)
);

builtin!(
    Money,
    FROM_PERCENT,
    "from_percent",
    &[one("percent", Ty::NUMBER.or(Ty::STRING))],
    Ty::NUMBER,
    Absent::Propagate,
    "A percent as a ratio (÷ 100, exact); a string may end in `%` and follows `parse_number`'s conventions.",
    &[
        Example {
            call: "from_percent(12.5)",
            result: "0.125"
        },
        Example {
            call: r#"from_percent("7,5 %")"#,
            result: "0.075"
        },
        Example {
            call: r#"from_percent("abc")"#,
            result: "error[E314]"
        },
    ],
    |args| shift(amount(args, 0, &["%"])?, -2).map(number)
);

builtin!(
    Money,
    TO_BASIS_POINTS,
    "to_basis_points",
    &[one("ratio", Ty::NUMBER)],
    Ty::NUMBER,
    Absent::Propagate,
    "A ratio in basis points (× 10 000, exact): 0.0025 → 25.",
    &[Example {
        call: "to_basis_points(0.0025)",
        result: "25"
    }],
    |args| shift(args.decimal(0)?, 4).map(number)
);

builtin!(
    Money,
    FROM_BASIS_POINTS,
    "from_basis_points",
    &[one("basis_points", Ty::NUMBER.or(Ty::STRING))],
    Ty::NUMBER,
    Absent::Propagate,
    "Basis points as a ratio (÷ 10 000, exact); a string may end in `bp` or `bps`.",
    &[
        Example {
            call: "from_basis_points(25)",
            result: "0.0025"
        },
        Example {
            call: r#"from_basis_points("150 bps")"#,
            result: "0.0150"
        },
    ],
    |args| shift(amount(args, 0, &["bps", "bp"])?, -4).map(number)
);

builtin!(
    Money,
    PERCENT_OF,
    "percent_of",
    &[one("amount", Ty::NUMBER), one("percent", Ty::NUMBER)],
    Ty::NUMBER,
    Absent::Propagate,
    "`percent` percent of `amount`, exact and not rounded (round it with `round` or `round_money`, naming the mode).",
    &[
        Example {
            call: "percent_of(19.99, 20)",
            result: "3.9980"
        },
        Example {
            call: r#"round_money(percent_of(19.99, 7.5), "USD", "half_even")"#,
            result: "1.50"
        },
    ],
    |args| {
        let product = checked_mul(args.decimal(0)?, args.decimal(1)?)?;
        shift(product, -2).map(number)
    }
);

/// Writes `d` with `mark` as decimal mark and `group` between thousands.
fn write_decimal(d: Decimal, mark: &str, group: &str) -> String {
    let text = d.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push_str(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push_str(mark);
        out.push_str(frac);
    }
    out
}

builtin!(
    Money,
    FORMAT_DECIMAL,
    "format_decimal",
    &[
        one("number", Ty::NUMBER),
        one("places", Ty::NUMBER),
        one("mode", Ty::STRING).read_with(|a, i| rounding_mode(a, i).map(drop)),
        opt("decimal_mark", Ty::STRING),
        opt("thousands", Ty::STRING)
    ],
    Ty::STRING,
    Absent::Propagate,
    "Text of a number rounded to exactly `places` decimals with a named mode (see `round`), with a decimal mark (`.` when left out) and a thousands separator (none when left out).",
    &[
        Example {
            call: r#"format_decimal(1234.5, 2, "half_even")"#,
            result: r#""1234.50""#
        },
        Example {
            call: r#"format_decimal(-1234567.891, 2, "half_up", ",", ".")"#,
            result: r#""-1.234.567,89""#
        },
        Example {
            call: r#"format_decimal(-0.001, 2, "half_even")"#,
            result: r#""0.00""#
        },
    ],
    |args| {
        let mode = rounding_mode(args, 2)?;
        let d = round_to(args, args.decimal(0)?, 1, mode)?;
        let d = if d.is_zero() { d.abs() } else { d };
        let mark = args.opt_str(3)?.unwrap_or(".");
        let group = args.opt_str(4)?.unwrap_or("");
        if mark == group || mark.is_empty() {
            return Err(args.error(
                3,
                Code::InvalidArgument,
                "the decimal mark must be non-empty and differ from the thousands separator",
            ));
        }
        Ok(Value::string(write_decimal(d, mark, group)))
    }
);
