//! Formatting and arithmetic on dates and times (see `date.rs` for how
//! values and zones work).

use super::args::{Args, FnError, choices_help, number};
use super::date::{
    Dst, date_arg, datetime_arg, dst_policy, parsed_pattern, resolve, rfc3339, zone_arg,
    zone_or_default,
};
use super::percent::shift;
use super::signature::{Absent, Example, Ty};
use super::unix_time::epoch_nanos;
use super::{builtin, one, opt};
use crate::diagnostics::Code;
use crate::diagnostics::did_you_mean;
use crate::value::Value;
use chrono::format::{Item, Numeric, Pad};
use chrono::{
    DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, SecondsFormat, TimeDelta, TimeZone,
    Timelike,
};
use rust_decimal::Decimal;
use std::fmt::Write;

/// The named output formats of `format_datetime`.
const NAMED_OUTPUT_FORMATS: &[&str] = &[
    "rfc3339",
    "rfc3339_seconds",
    "rfc3339_millis",
    "rfc3339_micros",
    "rfc3339_nanos",
    "rfc2822",
    "date",
    "time",
    "unix_s",
    "unix_ms",
];

fn format_instant<T: TimeZone>(dt: &DateTime<T>, format: &str) -> Option<String>
where
    T::Offset: std::fmt::Display,
{
    let rfc = |p| Some(dt.to_rfc3339_opts(p, true));
    match format {
        "rfc3339" => rfc(SecondsFormat::AutoSi),
        "rfc3339_seconds" => rfc(SecondsFormat::Secs),
        "rfc3339_millis" => rfc(SecondsFormat::Millis),
        "rfc3339_micros" => rfc(SecondsFormat::Micros),
        "rfc3339_nanos" => rfc(SecondsFormat::Nanos),
        "rfc2822" => Some(dt.to_rfc2822()),
        "date" => Some(dt.format("%Y-%m-%d").to_string()),
        "time" => Some(dt.format("%H:%M:%S").to_string()),
        "unix_s" => Some(dt.timestamp().to_string()),
        "unix_ms" => Some(dt.timestamp_millis().to_string()),
        pattern => {
            let pattern = parsed_pattern(pattern)?;
            let items = &pattern.items;
            let mut out = String::new();
            // chrono renders the offset to a string before formatting; a
            // pattern that shows no offset, zone or timestamp is formatted
            // from the local time without it
            if pattern.shows_offset {
                write!(out, "{}", dt.format_with_items(items.iter())).ok()?;
            } else {
                let local = dt.naive_local();
                match format_numeric(&local, items) {
                    Some(text) => out = text,
                    None => write!(out, "{}", local.format_with_items(items.iter())).ok()?,
                }
            }
            Some(out)
        }
    }
}

/// The common patterns made only of zero-padded numbers and literals
/// (`%Y-%m-%dT%H:%M:%SZ`, `%d/%m/%Y`), written directly: chrono's general
/// formatter costs more than the rest of a typical rule. `None` for any
/// other pattern, a year outside 0–9999 or a leap second (chrono then
/// formats it).
fn format_numeric(local: &chrono::NaiveDateTime, items: &[Item<'static>]) -> Option<String> {
    let mut out = String::with_capacity(32);
    for item in items {
        match item {
            Item::Literal(text) | Item::Space(text) => out.push_str(text),
            Item::OwnedLiteral(text) | Item::OwnedSpace(text) => out.push_str(text),
            Item::Numeric(numeric, Pad::Zero) => {
                let (value, width) = match numeric {
                    Numeric::Year => (u32::try_from(local.year()).ok()?, 4),
                    Numeric::Month => (local.month(), 2),
                    Numeric::Day => (local.day(), 2),
                    Numeric::Hour => (local.hour(), 2),
                    Numeric::Minute => (local.minute(), 2),
                    Numeric::Second if local.nanosecond() < 1_000_000_000 => (local.second(), 2),
                    _ => return None,
                };
                if value > 9999 {
                    return None;
                }
                // zero-padded digits, most significant first
                for place in [1000, 100, 10, 1].into_iter().skip(4 - width) {
                    out.push(char::from(b'0' + u8::try_from(value / place % 10).ok()?));
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

builtin!(
    Date,
    FORMAT_DATETIME,
    "format_datetime",
    &[
        one("datetime", Ty::STRING),
        one("format", Ty::STRING).read_with(|a, i| output_format(a, i).map(drop)),
        opt("zone", Ty::STRING).read_with(|a, i| super::date::zone_arg(a, i).map(drop))
    ],
    Ty::STRING,
    Absent::Propagate,
    "Text of an RFC 3339 instant (or a `YYYY-MM-DD` date) in a named format (rfc3339, rfc3339_seconds/_millis/_micros/_nanos, rfc2822, date, time, unix_s, unix_ms; finer digits are cut, not rounded) or a strftime pattern, shown in `zone` (its own offset when left out). `%Z` is the zone's abbreviation (`CEST`) when `zone` is named, and the offset (`+02:00`) when it is not: an offset alone has no abbreviation.",
    &[
        Example {
            call: r#"format_datetime("2026-03-29T01:30:00.123456Z", "rfc3339_millis")"#,
            result: r#""2026-03-29T01:30:00.123Z""#
        },
        Example {
            call: r#"format_datetime("2026-03-29T01:30:00Z", "%d.%m.%Y %H:%M %Z", "Europe/Berlin")"#,
            result: r#""29.03.2026 03:30 CEST""#
        },
        Example {
            call: r#"format_datetime("2026-03-29T03:30:00+02:00", "%H:%M %Z")"#,
            result: r#""03:30 +02:00""#
        },
        Example {
            call: r#"format_datetime("2026-03-29T01:30:00Z", "unix_ms")"#,
            result: r#""1774747800000""#
        },
        Example {
            call: r#"format_datetime("2024-02-29", "%A %e %B %Y")"#,
            result: r#""Thursday 29 February 2024""#
        },
        Example {
            call: r#"format_datetime("2026-03-29T01:30:00Z", "%Q")"#,
            result: "error[E217]"
        },
    ],
    |args| {
        let format = output_format(args, 1)?;
        // a `YYYY-MM-DD` date has at most 10 characters; an instant has more
        let input = args.str(0)?.trim();
        let date = (input.len() <= 10)
            .then(|| NaiveDate::parse_from_str(input, "%Y-%m-%d").ok())
            .flatten();
        let text = if let Some(date) = date {
            super::date::writable_year(date.year())?;
            let mut out = String::new();
            match format {
                "date" => Some(date.format("%Y-%m-%d").to_string()),
                f if NAMED_OUTPUT_FORMATS.contains(&f) => None,
                pattern => write!(out, "{}", date.format(pattern)).ok().map(|()| out),
            }
        } else {
            let dt = datetime_arg(args, 0)?;
            match zone_arg(args, 2)? {
                Some(tz) => {
                    let dt = dt.with_timezone(&tz);
                    super::date::writable_year(dt.year())?;
                    format_instant(&dt, format)
                }
                None => {
                    super::date::writable_year(dt.year())?;
                    format_instant(&dt, format)
                }
            }
        };
        text.map(Value::string).ok_or_else(|| {
            args.error(
                1,
                Code::InvalidArgument,
                format!("`{format}` cannot format {}", args.get(0).describe()),
            )
            .with_help(
                "a date has no time of day or offset: use date fields only (%Y %m %d %A %B …)",
            )
        })
    }
);

/// An ISO 8601 duration: calendar months and days, and exact time.
pub(super) struct Duration {
    pub(super) months: i64,
    pub(super) days: i64,
    exact: TimeDelta,
}

/// Reads `P1Y2M3W4DT5H6M7.5S` (a leading `-` negates it all).
pub(super) fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let body = t.strip_prefix(['P', 'p'])?;
    let (date_part, time_part) = match body.split_once(['T', 't']) {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (body, None),
    };
    let mut months = 0_i64;
    let mut days = 0_i64;
    let mut nanos = 0_i128;
    let mut any = false;
    let mut number = String::new();
    for c in date_part.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        any = true;
        match c.to_ascii_uppercase() {
            'Y' => months = months.checked_add(n.checked_mul(12)?)?,
            'M' => months = months.checked_add(n)?,
            'W' => days = days.checked_add(n.checked_mul(7)?)?,
            'D' => days = days.checked_add(n)?,
            _ => return None,
        }
    }
    if !number.is_empty() {
        return None;
    }
    for c in time_part.unwrap_or("").chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let n = Decimal::from_str_exact(&number).ok()?;
        number.clear();
        any = true;
        let unit: i64 = match c.to_ascii_uppercase() {
            'H' => 3600,
            'M' => 60,
            'S' => 1,
            _ => return None,
        };
        let n = n.checked_mul(Decimal::from(unit))?;
        let part = shift(n, 9).ok()?;
        if !part.fract().is_zero() {
            return None;
        }
        nanos = nanos.checked_add(i128::try_from(part).ok()?)?;
    }
    if !number.is_empty() || !any {
        return None;
    }
    let sign = if negative { -1 } else { 1 };
    let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).ok()?;
    let sub = u32::try_from(nanos.rem_euclid(1_000_000_000)).ok()?;
    let exact = TimeDelta::new(secs, sub)?;
    Some(Duration {
        months: months * sign,
        days: days * sign,
        exact: if negative { -exact } else { exact },
    })
}

fn add_calendar(
    local: chrono::NaiveDateTime,
    months: i64,
    days: i64,
) -> Option<chrono::NaiveDateTime> {
    let m = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
    let local = if months >= 0 {
        local.checked_add_months(m)?
    } else {
        local.checked_sub_months(m)?
    };
    let d = Days::new(days.unsigned_abs());
    if days >= 0 {
        local.checked_add_days(d)
    } else {
        local.checked_sub_days(d)
    }
}

builtin!(
    Date,
    ADD_DURATION,
    "add_duration",
    &[
        one("datetime", Ty::STRING),
        one("duration", Ty::STRING).read_with(|a, i| duration_arg(a, i).map(drop)),
        opt("zone", Ty::STRING).read_with(|a, i| super::date::zone_arg(a, i).map(drop)),
        opt("dst", Ty::STRING).read_with(|a, i| super::date::dst_policy(a, i).map(drop))
    ],
    Ty::STRING,
    Absent::Propagate,
    "Adds an ISO 8601 duration (`P1D`, `PT90M`, `-P1M`) to an RFC 3339 instant or a date: years, months, weeks and days are calendar steps in `zone` (the default zone when left out; a day past the month's end becomes its last day), hours, minutes and seconds are exact; the result has `zone`'s offset when named, else the input's; a skipped or repeated result is E318 unless `dst` chooses.",
    &[
        Example {
            call: r#"add_duration("2026-03-28T12:00:00+01:00", "P1D", "Europe/Berlin")"#,
            result: r#""2026-03-29T12:00:00+02:00""#
        },
        Example {
            call: r#"add_duration("2026-03-28T12:00:00+01:00", "PT24H", "Europe/Berlin")"#,
            result: r#""2026-03-29T13:00:00+02:00""#
        },
        Example {
            call: r#"add_duration("2026-03-28T12:00:00+01:00", "PT24H")"#,
            result: r#""2026-03-29T12:00:00+01:00""#
        },
        Example {
            call: r#"add_duration("2024-01-31", "P1M")"#,
            result: r#""2024-02-29""#
        },
        Example {
            call: r#"add_duration("2026-03-28T02:30:00+01:00", "P1D", "Europe/Berlin")"#,
            result: "error[E318]"
        },
        Example {
            call: r#"add_duration("2026-03-29", "1 day")"#,
            result: "error[E217]"
        },
    ],
    |args| {
        let duration = duration_arg(args, 1)?;
        let overflow = || FnError::new(Code::Overflow, "the date is out of range");
        if let Ok(date) = NaiveDate::parse_from_str(args.str(0)?.trim(), "%Y-%m-%d") {
            if duration.exact != TimeDelta::zero() {
                return Err(args.error(
                    1,
                    Code::InvalidArgument,
                    "a date can only move by years, months, weeks and days",
                ));
            }
            let moved = add_calendar(
                date.and_time(NaiveTime::MIN),
                duration.months,
                duration.days,
            )
            .ok_or_else(overflow)?;
            super::date::writable_year(moved.year())?;
            return Ok(Value::string(moved.format("%Y-%m-%d").to_string()));
        }
        let dt = datetime_arg(args, 0)?;
        let dt = if duration.months != 0 || duration.days != 0 {
            let tz = zone_or_default(args, 2)?;
            let local = dt.with_timezone(&tz).naive_local();
            let moved = add_calendar(local, duration.months, duration.days).ok_or_else(overflow)?;
            resolve(moved, tz, dst_policy(args, 3)?)?.fixed_offset()
        } else {
            dt
        };
        let dt = dt.checked_add_signed(duration.exact).ok_or_else(overflow)?;
        match zone_arg(args, 2)? {
            Some(tz) => rfc3339(&dt.with_timezone(&tz)),
            None => rfc3339(&dt),
        }
    }
);

builtin!(
    Date,
    TRUNCATE_DATETIME,
    "truncate_datetime",
    &[
        one("datetime", Ty::STRING),
        one("unit", Ty::STRING).read_with(|a, i| truncate_unit(a, i).map(drop)),
        opt("zone", Ty::STRING).read_with(|a, i| super::date::zone_arg(a, i).map(drop))
    ],
    Ty::STRING,
    Absent::Propagate,
    "The start of the year, month, day, hour or minute holding an RFC 3339 instant, in `zone`'s local time (the default zone when left out); a start skipped by daylight saving is the first instant after the gap.",
    &[
        Example {
            call: r#"truncate_datetime("2026-03-29T15:45:10+02:00", "day", "Europe/Berlin")"#,
            result: r#""2026-03-29T00:00:00+01:00""#
        },
        Example {
            call: r#"truncate_datetime("2026-03-29T15:45:10Z", "hour", "Asia/Kolkata")"#,
            result: r#""2026-03-29T21:00:00+05:30""#
        },
        Example {
            call: r#"truncate_datetime("2026-03-29T15:45:10Z", "week", "UTC")"#,
            result: "error[E217]"
        },
    ],
    |args| {
        let dt = datetime_arg(args, 0)?;
        let unit = truncate_unit(args, 1)?;
        let tz = zone_or_default(args, 2)?;
        let zoned = dt.with_timezone(&tz);
        let local = zoned.naive_local();
        let date = local.date();
        let truncated = match unit {
            "year" => date
                .with_day(1)
                .and_then(|d| d.with_month(1))
                .map(|d| d.and_time(NaiveTime::MIN)),
            "month" => date.with_day(1).map(|d| d.and_time(NaiveTime::MIN)),
            "day" => Some(date.and_time(NaiveTime::MIN)),
            "hour" => local
                .with_minute(0)
                .and_then(|t| t.with_second(0))
                .and_then(|t| t.with_nanosecond(0)),
            "minute" => local.with_second(0).and_then(|t| t.with_nanosecond(0)),
            _ => {
                return Err(args
                    .error(1, Code::InvalidArgument, format!("unknown unit `{unit}`"))
                    .with_help("the units are year, month, day, hour, minute"));
            }
        };
        let truncated =
            truncated.ok_or_else(|| FnError::new(Code::InvalidArgument, "date out of range"))?;
        let start = match tz.from_local_datetime(&truncated) {
            chrono::MappedLocalTime::Ambiguous(a, b) => {
                // keep the offset the instant had, else the first
                if b.offset() == zoned.offset() { b } else { a }
            }
            _ => resolve(truncated, tz, Dst::Compatible)?,
        };
        rfc3339(&start)
    }
);

/// Seconds per unit of `diff_datetime`.
const DIFF_UNITS: &[(&str, i64)] = &[
    ("seconds", 1),
    ("minutes", 60),
    ("hours", 3600),
    ("days", 86_400),
];

builtin!(
    Date,
    DIFF_DATETIME,
    "diff_datetime",
    &[
        one("start", Ty::STRING),
        one("end", Ty::STRING),
        one("unit", Ty::STRING).read_with(|a, i| diff_unit(a, i).map(drop))
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "The exact time from `start` to `end` (RFC 3339 instants; negative when `end` is earlier) in ns, us, ms, seconds, minutes, hours or days of 24 hours; a result that is not a whole multiple of the unit is kept as exact decimals, or is E305 when it has none.",
    &[
        Example {
            call: r#"diff_datetime("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", "hours")"#,
            result: "23"
        },
        Example {
            call: r#"diff_datetime("2026-03-29T00:00:00Z", "2026-03-29T00:00:01.5Z", "ms")"#,
            result: "1500"
        },
        Example {
            call: r#"diff_datetime("2026-03-29T00:00:00Z", "2026-03-29T00:00:01Z", "hours")"#,
            result: "error[E305]"
        },
    ],
    |args| {
        let start = datetime_arg(args, 0)?;
        let end = datetime_arg(args, 1)?;
        let unit = diff_unit(args, 2)?;
        let nanos = Decimal::from_i128_with_scale(epoch_nanos(&end) - epoch_nanos(&start), 0);
        let seconds = shift(nanos, -9)?;
        let value = if let Some(e) = ["s", "ms", "us", "ns"].iter().position(|u| *u == unit) {
            shift(seconds, 3 * i32::try_from(e).unwrap_or(0))?
        } else if let Some((_, per)) = DIFF_UNITS.iter().find(|(n, _)| *n == unit) {
            let per = Decimal::from(*per);
            let q = super::money::exact_quotient(seconds, per);
            q.ok_or_else(|| {
                FnError::new(
                    Code::InexactDivision,
                    format!("{seconds} seconds is not an exact number of {unit}"),
                )
                .with_help(format!("take seconds and round: `divide(diff_datetime(a, b, \"s\"), {per}, 2, \"half_even\")`"))
            })?
        } else {
            return Err(args
                .error(2, Code::InvalidArgument, format!("unknown unit `{unit}`"))
                .with_help("the units are ns, us, ms, s, seconds, minutes, hours, days"));
        };
        Ok(number(value.normalize()))
    }
);

builtin!(
    Date,
    DAYS_BETWEEN,
    "days_between",
    &[one("start", Ty::STRING), one("end", Ty::STRING)],
    Ty::NUMBER,
    Absent::Propagate,
    "The number of calendar days from one `YYYY-MM-DD` date to another (negative when `end` is earlier).",
    &[
        Example {
            call: r#"days_between("2024-02-28", "2024-03-01")"#,
            result: "2"
        },
        Example {
            call: r#"days_between("2025-02-28", "2025-03-01")"#,
            result: "1"
        },
    ],
    |args| {
        let start = date_arg(args, 0)?;
        let end = date_arg(args, 1)?;
        Ok(number(Decimal::from((end - start).num_days())))
    }
);

/// The output format argument `i`: a named format or a strftime pattern.
fn output_format<'s>(args: &'s Args<'_>, i: usize) -> Result<&'s str, FnError> {
    let format = args.str(i)?;
    if NAMED_OUTPUT_FORMATS.contains(&format) || parsed_pattern(format).is_some() {
        return Ok(format);
    }
    let help = match did_you_mean(format, NAMED_OUTPUT_FORMATS.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => format!(
            "use a named format ({}) or a strftime pattern",
            NAMED_OUTPUT_FORMATS.join(", ")
        ),
    };
    Err(args
        .error(
            i,
            Code::InvalidArgument,
            format!("`{format}` is not a valid format"),
        )
        .with_help(help))
}

/// The ISO 8601 duration argument `i`.
fn duration_arg(args: &Args<'_>, i: usize) -> Result<Duration, FnError> {
    let text = args.str(i)?;
    parse_duration(text).ok_or_else(|| {
        args.error(
            i,
            Code::Unparseable,
            format!("{text:?} is not an ISO 8601 duration"),
        )
        .with_help("write it as P[n]Y[n]M[n]W[n]DT[n]H[n]M[n]S, as in \"P1D\", \"PT90M\", \"-P1M\"")
    })
}

/// The units `truncate_datetime` truncates to.
const TRUNCATE_UNITS: &[&str] = &["year", "month", "day", "hour", "minute"];

/// The unit argument `i` of `truncate_datetime`.
fn truncate_unit<'s>(args: &'s Args<'_>, i: usize) -> Result<&'s str, FnError> {
    let unit = args.str(i)?;
    if TRUNCATE_UNITS.contains(&unit) {
        return Ok(unit);
    }
    Err(args
        .error(i, Code::InvalidArgument, format!("unknown unit `{unit}`"))
        .with_help(choices_help(unit, TRUNCATE_UNITS.iter().copied())))
}

/// The unit argument `i` of `diff_datetime`.
fn diff_unit<'s>(args: &'s Args<'_>, i: usize) -> Result<&'s str, FnError> {
    let unit = args.str(i)?;
    let names = ["ns", "us", "ms", "s"]
        .into_iter()
        .chain(DIFF_UNITS.iter().map(|(n, _)| *n));
    if names.clone().any(|n| n == unit) {
        return Ok(unit);
    }
    Err(args
        .error(i, Code::InvalidArgument, format!("unknown unit `{unit}`"))
        .with_help(choices_help(unit, names)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stdlib::date::no_leap;

    #[test]
    fn numeric_patterns_are_written_as_chrono_writes_them() {
        let instants = [
            "2026-07-04T18:05:09Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z",
            "2016-12-31T23:59:60Z",
            "2026-03-29T01:30:00+05:45",
        ];
        let patterns = [
            "%Y-%m-%dT%H:%M:%SZ",
            "%d/%m/%Y",
            "%Y%m%d %H%M%S",
            "at %H:%M on %d.%m.%Y",
            "%e %b",
            "%-d/%-m",
            "%Y-%m-%d %H:%M:%S%.3f",
        ];
        for instant in instants {
            let dt = DateTime::parse_from_rfc3339(instant).expect("an instant");
            let local = dt.naive_local();
            for pattern in patterns {
                let parsed = parsed_pattern(pattern).expect("a pattern");
                let chrono = local.format_with_items(parsed.items.iter()).to_string();
                if let Some(fast) = format_numeric(&local, &parsed.items) {
                    assert_eq!(fast, chrono, "{pattern} of {instant}");
                }
            }
        }
        // the fast path is taken for the plain patterns, not for the others
        let dt = DateTime::parse_from_rfc3339("2026-07-04T18:05:09Z").expect("an instant");
        let taken = |p| {
            format_numeric(
                &dt.naive_local(),
                &parsed_pattern(p).expect("a pattern").items,
            )
        };
        assert_eq!(taken("%d/%m/%Y").as_deref(), Some("04/07/2026"));
        assert_eq!(taken("%-d/%-m"), None);
        assert_eq!(taken("%e %b"), None);
        let leap = DateTime::parse_from_rfc3339("2016-12-31T23:59:60Z").expect("a leap second");
        assert_eq!(
            format_numeric(
                &leap.naive_local(),
                &parsed_pattern("%S").expect("a pattern").items
            ),
            None
        );
    }

    #[test]
    fn durations() {
        let d = parse_duration("P1Y2M3W4DT5H6M7.5S").map(|d| (d.months, d.days, d.exact));
        assert_eq!(
            d,
            Some((
                14,
                25,
                TimeDelta::new(5 * 3600 + 6 * 60 + 7, 500_000_000).unwrap_or_default()
            ))
        );
        assert!(parse_duration("P").is_none());
        assert!(parse_duration("PT").is_none());
        assert!(parse_duration("P1.5D").is_none());
        assert!(parse_duration("1D").is_none());
        assert_eq!(
            parse_duration("-PT1M").map(|d| d.exact),
            Some(TimeDelta::minutes(-1))
        );
    }

    #[test]
    fn leap_seconds_become_the_next_second() {
        let dt = DateTime::parse_from_rfc3339("2016-12-31T23:59:60Z").map(no_leap);
        assert_eq!(
            dt.map(|d| d.to_rfc3339()).ok(),
            Some("2017-01-01T00:00:00+00:00".to_string())
        );
    }
}
