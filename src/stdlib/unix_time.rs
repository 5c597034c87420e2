//! Unix time, always with a stated unit: there is no default unit, so a
//! value in milliseconds is never read as seconds.

use super::args::{Args, FnError, choices_help, number};
use super::date::{datetime_arg, rfc3339};
use super::percent::shift;
use super::signature::{Absent, Example, Ty};
use super::{builtin, one};
use crate::diagnostics::Code;
use crate::value::{Value, number::parse_decimal};
use chrono::{DateTime, TimeZone};
use rust_decimal::Decimal;

/// The units of Unix time, as powers of ten of a second.
const UNIX_UNITS: &[(&str, i32)] = &[
    ("s", 0),
    ("seconds", 0),
    ("ms", 3),
    ("milliseconds", 3),
    ("us", 6),
    ("microseconds", 6),
    ("ns", 9),
    ("nanoseconds", 9),
];

fn unix_unit(args: &Args<'_>, i: usize) -> Result<i32, FnError> {
    let name = args.str(i)?;
    UNIX_UNITS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, e)| *e)
        .ok_or_else(|| {
            args.error(i, Code::InvalidArgument, format!("unknown unit `{name}`"))
                .with_help(choices_help(name, UNIX_UNITS.iter().map(|(n, _)| *n)))
        })
}

/// Nanoseconds since 1970-01-01T00:00:00Z.
pub(crate) fn epoch_nanos<T: TimeZone>(dt: &DateTime<T>) -> i128 {
    i128::from(dt.timestamp()) * 1_000_000_000 + i128::from(dt.timestamp_subsec_nanos())
}

fn from_epoch_nanos(nanos: i128) -> Option<DateTime<chrono::Utc>> {
    let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).ok()?;
    let sub = u32::try_from(nanos.rem_euclid(1_000_000_000)).ok()?;
    DateTime::from_timestamp(secs, sub)
}

builtin!(
    Date,
    FROM_UNIX,
    "from_unix",
    &[
        one("time", Ty::NUMBER.or(Ty::STRING)),
        one("unit", Ty::STRING).read_with(|a, i| unix_unit(a, i).map(drop))
    ],
    Ty::STRING,
    Absent::Propagate,
    "An instant as RFC 3339 in UTC from Unix time in a stated unit (s, ms, us, ns; there is no default), from a number or a string of digits; fractions finer than a nanosecond are an error.",
    &[
        Example {
            call: r#"from_unix(1774744200, "s")"#,
            result: r#""2026-03-29T00:30:00Z""#
        },
        Example {
            call: r#"from_unix("1774744200123", "ms")"#,
            result: r#""2026-03-29T00:30:00.123Z""#
        },
        Example {
            call: r#"from_unix(-1.5, "s")"#,
            result: r#""1969-12-31T23:59:58.500Z""#
        },
        Example {
            call: r#"from_unix("soon", "s")"#,
            result: "error[E314]"
        },
    ],
    |args| {
        let unit = unix_unit(args, 1)?;
        let value = match args.get(0) {
            Value::Number(_) => args.decimal(0)?,
            _ => {
                let text = args.str(0)?.trim();
                let plain = text
                    .strip_prefix('-')
                    .unwrap_or(text)
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.');
                parse_decimal(text).filter(|_| plain && !text.is_empty()).ok_or_else(|| {
                    args.error(
                        0,
                        Code::Unparseable,
                        format!("{text:?} is not a Unix time (digits with an optional sign and fraction)"),
                    )
                })?
            }
        };
        let out_of_range = || {
            args.error(
                0,
                Code::InvalidArgument,
                format!("{value} is out of the range of dates"),
            )
        };
        let nanos = shift(value, 9 - unit).map_err(|_| out_of_range())?;
        if !nanos.fract().is_zero() {
            return Err(args.error(
                0,
                Code::InexactConversion,
                format!("{value} has a fraction finer than a nanosecond"),
            ));
        }
        let nanos = i128::try_from(nanos.trunc()).ok();
        let dt = nanos.and_then(from_epoch_nanos).ok_or_else(out_of_range)?;
        rfc3339(&dt)
    }
);

builtin!(
    Date,
    TO_UNIX,
    "to_unix",
    &[
        one("datetime", Ty::STRING),
        one("unit", Ty::STRING).read_with(|a, i| unix_unit(a, i).map(drop))
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "Unix time of an RFC 3339 instant in a stated unit (s, ms, us, ns; there is no default), exact: a fraction of the unit is kept as decimals, never cut.",
    &[
        Example {
            call: r#"to_unix("2026-03-29T01:30:00+01:00", "s")"#,
            result: "1774744200"
        },
        Example {
            call: r#"to_unix("2026-03-29T00:30:00.5Z", "ms")"#,
            result: "1774744200500"
        },
        Example {
            call: r#"to_unix("2026-03-29T00:30:00.5Z", "s")"#,
            result: "1774744200.5"
        },
    ],
    |args| {
        let unit = unix_unit(args, 1)?;
        let dt = datetime_arg(args, 0)?;
        let nanos = Decimal::from_i128_with_scale(epoch_nanos(&dt), 0);
        Ok(number(shift(nanos, unit - 9)?.normalize()))
    }
);
