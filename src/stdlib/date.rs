//! Dates and times, exact and unambiguous.
//!
//! A date-time value is an RFC 3339 string with an offset
//! (`2026-03-29T03:30:00+02:00`, `Z` for UTC): that is what the functions
//! here return and what they take, and what lands in the output JSON. A
//! date is `YYYY-MM-DD`. Zones are IANA names (`Europe/Berlin`), from the
//! `chrono-tz` database.
//!
//! A value without an offset is read in the zone the mapping names, or in
//! the environment's default zone (`Env::with_time_zone`); never in the
//! machine's local zone. A local time that a daylight-saving change skips
//! (02:30 on a spring-forward night) or repeats (02:30 on a fall-back
//! night) is an error (E318) unless the mapping chooses with `dst`:
//! `"earlier"` takes the first of two repeated instants, and reads a
//! skipped time with the offset in force before the change (02:30 → 03:30,
//! as RFC 5545 does); `"later"` takes the second of two repeated instants,
//! and reads a skipped time with the offset after the change (02:30 →
//! 01:30). "Now" comes from the environment (`Env::with_now`), never from
//! the system clock.
//!
//! Two RFC 3339 strings with different offsets do not order correctly as
//! text: compare instants with `diff_datetime(a, b, "ns")` or
//! `to_unix(x, "ns")`.
//!
//! Unix time has no leap seconds: a leap second `23:59:60` is read as the
//! next day's `00:00:00`, as POSIX time does.

use super::args::{Args, FnError};
use super::signature::{Absent, Example, Ty};
use super::{builtin, one, opt};
use crate::diagnostics::{Code, did_you_mean};
use crate::eval::Value;
use chrono::format::Parsed;
use chrono::{
    DateTime, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    SecondsFormat, TimeDelta, TimeZone, Timelike,
};
use chrono_tz::Tz;

/// How to read a local time that a daylight-saving change skips or repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dst {
    Error,
    Earlier,
    Later,
}

/// The `dst` argument `i` (`"error"` when left out).
pub(crate) fn dst_policy(args: &Args<'_>, i: usize) -> Result<Dst, FnError> {
    match args.opt_str(i)? {
        None | Some("error") => Ok(Dst::Error),
        Some("earlier") => Ok(Dst::Earlier),
        Some("later") => Ok(Dst::Later),
        Some(other) => Err(args
            .error(
                i,
                Code::InvalidArgument,
                format!("unknown dst choice `{other}`"),
            )
            .with_help("the choices are \"error\", \"earlier\", \"later\"")),
    }
}

/// The IANA zone named by argument `i`, if given.
pub(crate) fn zone_arg(args: &Args<'_>, i: usize) -> Result<Option<Tz>, FnError> {
    let Some(name) = args.opt_str(i)? else {
        return Ok(None);
    };
    name.trim().parse::<Tz>().map(Some).map_err(|_| {
        let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
        let help = match did_you_mean(name, names) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => "use an IANA zone name such as \"Europe/Berlin\" or \"UTC\"".into(),
        };
        args.error(
            i,
            Code::UnknownTimeZone,
            format!("`{name}` is not an IANA time zone"),
        )
        .with_help(help)
    })
}

/// The zone named by argument `i`, or else the environment's default zone.
pub(crate) fn zone_or_default(args: &Args<'_>, i: usize) -> Result<Tz, FnError> {
    zone_arg(args, i)?.or(args.ambient.time_zone).ok_or_else(|| {
        FnError::new(
            Code::MissingEnvironment,
            "no time zone: the mapping names none and the environment has no default zone",
        )
        .with_help("name the zone, as in `zone: \"Europe/Berlin\"`, or set a default zone (CLI `--time-zone`, library `Env::with_time_zone`)")
    })
}

/// A local time's problem in a zone.
fn local_time_error(naive: NaiveDateTime, tz: Tz, repeated: bool) -> FnError {
    let what = if repeated {
        "occurs twice (the clocks go back)"
    } else {
        "does not exist (the clocks go forward)"
    };
    FnError::new(
        Code::LocalTime,
        format!("local time {naive} {what} in {}", tz.name()),
    )
    .with_help("choose with `dst: \"earlier\"` or `dst: \"later\"`")
}

fn shifted(naive: NaiveDateTime, seconds: i64) -> Option<NaiveDateTime> {
    naive.checked_add_signed(TimeDelta::try_seconds(seconds)?)
}

/// The instant of a local time in `tz`, by the `dst` policy.
pub(crate) fn resolve(naive: NaiveDateTime, tz: Tz, dst: Dst) -> Result<DateTime<Tz>, FnError> {
    match tz.from_local_datetime(&naive) {
        MappedLocalTime::Single(d) => Ok(d),
        MappedLocalTime::Ambiguous(a, b) => match dst {
            Dst::Earlier => Ok(a.min(b)),
            Dst::Later => Ok(a.max(b)),
            Dst::Error => Err(local_time_error(naive, tz, true)),
        },
        MappedLocalTime::None => {
            if dst == Dst::Error {
                return Err(local_time_error(naive, tz, false));
            }
            let day = 86_400;
            let probe = if dst == Dst::Earlier { -day } else { day };
            let offset = shifted(naive, probe)
                .map(|p| tz.offset_from_utc_datetime(&p).fix().local_minus_utc())
                .ok_or_else(|| FnError::new(Code::InvalidArgument, "date out of range"))?;
            shifted(naive, -i64::from(offset))
                .map(|utc| tz.from_utc_datetime(&utc))
                .ok_or_else(|| FnError::new(Code::InvalidArgument, "date out of range"))
        }
    }
}

/// A leap second read as the next second (POSIX time has none).
pub(crate) fn no_leap<T: TimeZone>(dt: DateTime<T>) -> DateTime<T> {
    let nanos = dt.nanosecond();
    if nanos < 1_000_000_000 {
        return dt;
    }
    dt.with_nanosecond(nanos - 1_000_000_000)
        .and_then(|d| d.checked_add_signed(TimeDelta::seconds(1)))
        .unwrap_or(dt)
}

/// RFC 3339 text of an instant, with `Z` for UTC and as many fractional
/// digits as needed.
pub(crate) fn rfc3339<T: TimeZone>(dt: &DateTime<T>) -> Result<Value<'static>, FnError>
where
    T::Offset: std::fmt::Display,
{
    writable_year(chrono::Datelike::year(dt))?;
    Ok(Value::string(
        dt.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    ))
}

/// Error E340 unless `year` is one RFC 3339 can write (0000 to 9999):
/// chrono would write `+10000-01-01`, which no RFC 3339 reader takes.
pub(crate) fn writable_year(year: i32) -> Result<(), FnError> {
    if (0..=9999).contains(&year) {
        Ok(())
    } else {
        Err(FnError::new(
            Code::DateRange,
            format!("the result falls in year {year}; RFC 3339 writes only years 0000 to 9999"),
        ))
    }
}

/// A date-time argument: RFC 3339 with an offset.
pub(crate) fn datetime_arg(args: &Args<'_>, i: usize) -> Result<DateTime<FixedOffset>, FnError> {
    let text = args.str(i)?;
    DateTime::parse_from_rfc3339(text.trim())
        .map(no_leap)
        .map_err(|_| {
            args.error(
                i,
                Code::Unparseable,
                format!("{text:?} is not an RFC 3339 date-time with an offset"),
            )
            .with_help("read it first with `parse_datetime(text, formats, zone: ...)`")
        })
}

/// A date argument: `YYYY-MM-DD`.
pub(crate) fn date_arg(args: &Args<'_>, i: usize) -> Result<NaiveDate, FnError> {
    let text = args.str(i)?;
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        args.error(
            i,
            Code::Unparseable,
            format!("{text:?} is not a date (YYYY-MM-DD)"),
        )
        .with_help("read it first with `parse_date(text, formats)`")
    })
}

/// What one format read from a text.
pub(crate) enum Reading {
    /// An instant (the text had an offset).
    Instant(DateTime<FixedOffset>),
    /// A local date and time (no offset).
    Local(NaiveDateTime),
}

/// The named formats `parse_datetime` and `parse_date` know.
pub(crate) const NAMED_PARSE_FORMATS: &[&str] = &["iso8601", "rfc3339", "rfc2822", "date"];

const ISO_LOCAL: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

/// Is `pattern` a valid strftime pattern?
pub(crate) fn valid_pattern(pattern: &str) -> bool {
    parsed_pattern(pattern).is_some()
}

/// A parsed strftime pattern.
pub(crate) struct Pattern {
    pub(crate) items: Vec<chrono::format::Item<'static>>,
    /// Does it show an offset, a zone or a timestamp (which depend on the
    /// instant's zone, not only on its local time)?
    pub(crate) shows_offset: bool,
}

thread_local! {
    /// Parsed strftime patterns: a mapping formats with the same few
    /// patterns on every record, so each is parsed once per thread.
    static PATTERNS: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<Pattern>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// A strftime pattern, from the per-thread cache; `None` when it has an
/// error item.
pub(crate) fn parsed_pattern(pattern: &str) -> Option<std::rc::Rc<Pattern>> {
    use chrono::format::{Fixed, Item, Numeric};
    PATTERNS.with(|cache| {
        if let Some(parsed) = cache.try_borrow().ok()?.get(pattern) {
            return Some(std::rc::Rc::clone(parsed));
        }
        let items = chrono::format::StrftimeItems::new(pattern)
            .parse_to_owned()
            .ok()?;
        let shows_offset = items.iter().any(|item| {
            matches!(
                item,
                Item::Fixed(
                    Fixed::TimezoneName
                        | Fixed::TimezoneOffset
                        | Fixed::TimezoneOffsetColon
                        | Fixed::TimezoneOffsetDoubleColon
                        | Fixed::TimezoneOffsetTripleColon
                        | Fixed::TimezoneOffsetColonZ
                        | Fixed::TimezoneOffsetZ
                        | Fixed::RFC2822
                        | Fixed::RFC3339
                        | Fixed::Internal(_)
                ) | Item::Numeric(Numeric::Timestamp, _)
            )
        });
        let parsed = std::rc::Rc::new(Pattern {
            items,
            shows_offset,
        });
        let Ok(mut cache) = cache.try_borrow_mut() else {
            return Some(parsed);
        };
        // patterns come from the mapping, so there are few; bound it anyway
        if cache.len() >= 256 {
            cache.clear();
        }
        cache.insert(pattern.to_string(), std::rc::Rc::clone(&parsed));
        Some(parsed)
    })
}

/// Reads `text` with one named format or strftime pattern.
pub(crate) fn read(text: &str, format: &str) -> Option<Reading> {
    let text = text.trim();
    match format {
        "rfc3339" => DateTime::parse_from_rfc3339(text)
            .ok()
            .map(Reading::Instant),
        "rfc2822" => DateTime::parse_from_rfc2822(text)
            .ok()
            .map(Reading::Instant),
        "date" => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(|d| Reading::Local(d.and_time(NaiveTime::MIN))),
        "iso8601" => read(text, "rfc3339")
            .or_else(|| {
                ISO_LOCAL.iter().find_map(|p| {
                    NaiveDateTime::parse_from_str(text, p)
                        .ok()
                        .map(Reading::Local)
                })
            })
            .or_else(|| read(text, "date")),
        pattern => {
            let mut parsed = Parsed::new();
            chrono::format::parse(&mut parsed, text, parsed_pattern(pattern)?.items.iter()).ok()?;
            if let Ok(dt) = parsed.to_datetime() {
                return Some(Reading::Instant(dt));
            }
            let date = parsed.to_naive_date().ok()?;
            let time = parsed.to_naive_time().unwrap_or(NaiveTime::MIN);
            Some(Reading::Local(date.and_time(time)))
        }
    }
}

/// The formats argument `i`: one string, a list of strings, or `default`.
pub(crate) fn formats_arg(
    args: &mut Args<'_>,
    i: usize,
    default: &[&str],
) -> Result<Vec<String>, FnError> {
    let formats: Vec<String> = match args.get(i) {
        Value::Missing | Value::Null => default.iter().map(|s| s.to_string()).collect(),
        Value::String(s) => vec![s.to_string()],
        _ => {
            let items = args.list(i)?;
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str() {
                    Some(s) => out.push(s.to_string()),
                    None => return Err(args.type_error(i, "a format or a list of formats")),
                }
            }
            out
        }
    };
    if formats.is_empty() {
        return Err(args.error(i, Code::InvalidArgument, "the list of formats is empty"));
    }
    for f in &formats {
        if !NAMED_PARSE_FORMATS.contains(&f.as_str()) && (!f.contains('%') || !valid_pattern(f)) {
            return Err(args
                .error(
                    i,
                    Code::InvalidArgument,
                    format!("`{f}` is not a valid format"),
                )
                .with_help(format!(
                    "use a named format ({}) or a strftime pattern such as \"%d.%m.%Y %H:%M\"",
                    NAMED_PARSE_FORMATS.join(", ")
                )));
        }
    }
    Ok(formats)
}

/// Reads argument 0 with the first format that matches; the error names
/// the value and every format tried.
pub(crate) fn read_any(args: &Args<'_>, formats: &[String]) -> Result<Reading, FnError> {
    let text = args.str(0)?;
    if let Some(reading) = formats.iter().find_map(|f| read(text, f)) {
        return Ok(reading);
    }
    let mut error = args.error(
        0,
        Code::Unparseable,
        format!(
            "{text:?} does not match any format tried: {}",
            formats.join(", ")
        ),
    );
    error = if text.contains('/') {
        error.with_help("name the order: \"%d/%m/%Y\" (day first) or \"%m/%d/%Y\" (month first); 01/02/2026 is 1 February in one and 2 January in the other")
    } else {
        error.with_help("pass the formats, tried in order: named (iso8601, rfc3339, rfc2822, date) or strftime patterns such as \"%d.%m.%Y %H:%M\"")
    };
    Err(error)
}

builtin!(
    Date,
    PARSE_DATETIME,
    "parse_datetime",
    &[
        one("text", Ty::STRING),
        opt("formats", Ty::STRING.or(Ty::LIST)),
        opt("zone", Ty::STRING),
        opt("dst", Ty::STRING)
    ],
    Ty::STRING,
    Absent::Propagate,
    "An instant as RFC 3339, read with the first matching format (named iso8601, rfc3339, rfc2822, date, or strftime patterns; iso8601 then rfc2822 when left out); a value without an offset is read in `zone` (the environment's default zone when left out) and a skipped or repeated local time is an error unless `dst` is \"earlier\" or \"later\".",
    &[
        Example {
            call: r#"parse_datetime("2026-03-29T01:30:00.250Z")"#,
            result: r#""2026-03-29T01:30:00.250Z""#
        },
        Example {
            call: r#"parse_datetime("2026-07-01 09:00", zone: "America/New_York")"#,
            result: r#""2026-07-01T09:00:00-04:00""#
        },
        Example {
            call: r#"parse_datetime("29.03.2026 01:30", "%d.%m.%Y %H:%M", "Europe/Berlin")"#,
            result: r#""2026-03-29T01:30:00+01:00""#
        },
        Example {
            call: r#"parse_datetime("Sun, 29 Mar 2026 10:00:00 +0200")"#,
            result: r#""2026-03-29T10:00:00+02:00""#
        },
        Example {
            call: r#"parse_datetime("2026-03-29 02:30", zone: "Europe/Berlin")"#,
            result: "error[E318]"
        },
        Example {
            call: r#"parse_datetime("2026-03-29 02:30", zone: "Europe/Berlin", dst: "earlier")"#,
            result: r#""2026-03-29T03:30:00+02:00""#
        },
        Example {
            call: r#"parse_datetime("2026-10-25 02:30", zone: "Europe/Berlin", dst: "later")"#,
            result: r#""2026-10-25T02:30:00+01:00""#
        },
        Example {
            call: r#"parse_datetime("01/02/2026")"#,
            result: "error[E314]"
        },
        Example {
            call: r#"parse_datetime("01/02/2026", ["%Y-%m-%d", "%d/%m/%Y"], zone: "UTC")"#,
            result: r#""2026-02-01T00:00:00Z""#
        },
    ],
    |args| {
        let formats = formats_arg(args, 1, &["iso8601", "rfc2822"])?;
        match read_any(args, &formats)? {
            Reading::Instant(dt) => rfc3339(&no_leap(dt)),
            Reading::Local(naive) => {
                let tz = zone_or_default(args, 2)?;
                let dst = dst_policy(args, 3)?;
                let dt = resolve(naive, tz, dst).map_err(|mut e| {
                    e.arg = Some(0);
                    e.value = Some(args.get(0).describe());
                    e
                })?;
                rfc3339(&no_leap(dt))
            }
        }
    }
);

builtin!(
    Date,
    PARSE_DATE,
    "parse_date",
    &[
        one("text", Ty::STRING),
        opt("formats", Ty::STRING.or(Ty::LIST))
    ],
    Ty::STRING,
    Absent::Propagate,
    "A calendar date as `YYYY-MM-DD`, read with the first matching format (named or strftime patterns, iso8601 when left out); a date-time gives its date in its own offset; 29 February exists only in leap years.",
    &[
        Example {
            call: r#"parse_date("2024-02-29")"#,
            result: r#""2024-02-29""#
        },
        Example {
            call: r#"parse_date("2025-02-29")"#,
            result: "error[E314]"
        },
        Example {
            call: r#"parse_date("02/01/2026", "%m/%d/%Y")"#,
            result: r#""2026-02-01""#
        },
        Example {
            call: r#"parse_date("2026-03-29T23:30:00-05:00")"#,
            result: r#""2026-03-29""#
        },
    ],
    |args| {
        let formats = formats_arg(args, 1, &["iso8601"])?;
        let date = match read_any(args, &formats)? {
            Reading::Instant(dt) => dt.date_naive(),
            Reading::Local(naive) => naive.date(),
        };
        writable_year(chrono::Datelike::year(&date))?;
        Ok(Value::string(date.format("%Y-%m-%d").to_string()))
    }
);

builtin!(
    Date,
    NOW,
    "now",
    &[],
    Ty::STRING,
    Absent::Accept,
    "The current instant as RFC 3339 in UTC, from the environment (`Env::with_now`; the CLI passes the real clock); an environment without it is an error (E319).",
    &[Example {
        call: "now()",
        result: r#""2026-03-29T00:30:00Z""#
    }],
    |args| {
        let now = args.ambient.now.ok_or_else(|| {
            FnError::new(
                Code::MissingEnvironment,
                "\"now\" is not set in the environment",
            )
            .with_help("the CLI sets it; in the library use `Env::with_now`")
        })?;
        rfc3339(&now.to_utc())
    }
);

builtin!(
    Date,
    TODAY,
    "today",
    &[opt("zone", Ty::STRING)],
    Ty::STRING,
    Absent::Accept,
    "Today's date (`YYYY-MM-DD`) in `zone` (the environment's default zone when left out), from the environment's \"now\".",
    &[
        Example {
            call: "today()",
            result: r#""2026-03-29""#
        },
        Example {
            call: r#"today("America/Los_Angeles")"#,
            result: r#""2026-03-28""#
        },
    ],
    |args| {
        let now = args.ambient.now.ok_or_else(|| {
            FnError::new(
                Code::MissingEnvironment,
                "\"now\" is not set in the environment",
            )
        })?;
        let tz = zone_or_default(args, 0)?;
        let today = now.with_timezone(&tz);
        writable_year(chrono::Datelike::year(&today))?;
        Ok(Value::string(today.format("%Y-%m-%d").to_string()))
    }
);

builtin!(
    Date,
    TO_ZONE,
    "to_zone",
    &[one("datetime", Ty::STRING), one("zone", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "The same instant as RFC 3339 with the offset the IANA `zone` has at that instant (daylight saving included).",
    &[
        Example {
            call: r#"to_zone("2026-03-29T00:30:00Z", "Europe/Berlin")"#,
            result: r#""2026-03-29T01:30:00+01:00""#
        },
        Example {
            call: r#"to_zone("2026-03-29T01:30:00Z", "Europe/Berlin")"#,
            result: r#""2026-03-29T03:30:00+02:00""#
        },
        Example {
            call: r#"to_zone("2026-03-29T01:30:00Z", "Europe/Berlín")"#,
            result: "error[E317]"
        },
    ],
    |args| {
        let dt = datetime_arg(args, 0)?;
        let tz = zone_arg(args, 1)?.ok_or_else(|| args.type_error(1, "a zone name"))?;
        rfc3339(&dt.with_timezone(&tz))
    }
);
