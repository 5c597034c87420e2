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
//! night) is an error (E318) unless the mapping chooses with `dst` (see
//! [`Dst`]): `"compatible"` (first occurrence; forward past a gap, as RFC
//! 5545 does), `"earlier_instant"` or `"later_instant"` (the earlier or
//! later of the two instants the time can mean, in both cases). "Now"
//! comes from the environment (`Env::with_now`), never from the system
//! clock.
//!
//! Two RFC 3339 strings with different offsets do not order correctly as
//! text: compare instants with `diff_datetime(a, b, "ns")` or
//! `to_unix(x, "ns")`.
//!
//! Unix time has no leap seconds: a leap second `23:59:60` is read as the
//! next day's `00:00:00`, as POSIX time does.

use super::args::{Args, FnError};
pub(crate) use super::date_read::{
    Reading, formats_arg, not_a_leap_second, parsed_pattern, read_any, real_second,
};
use super::signature::{Absent, Example, Ty};
use super::{builtin, one, opt};
use crate::diagnostics::{Code, did_you_mean};
use crate::value::Value;
use chrono::{
    DateTime, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, Offset, SecondsFormat,
    TimeDelta, TimeZone, Timelike,
};
use chrono_tz::Tz;

/// How to read a local time that a daylight-saving change skips (a gap:
/// 02:30 on a spring-forward night) or repeats (a fold: 02:30 on a
/// fall-back night). Each choice says what it does to both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dst {
    /// `"error"`: E318 for both.
    Error,
    /// `"compatible"`: a repeated time is its first occurrence; a skipped
    /// time moves forward by the gap (02:30 → 03:30). RFC 5545, java.time
    /// and JavaScript's Temporal do this. The old name `"earlier"` means
    /// this too.
    Compatible,
    /// `"earlier_instant"`: of the two instants the time can mean, the
    /// earlier: the first occurrence; a skipped time moves back by the gap
    /// (02:30 → 01:30).
    EarlierInstant,
    /// `"later_instant"`: the later: the second occurrence; a skipped time
    /// moves forward by the gap (02:30 → 03:30).
    LaterInstant,
    /// The old `"later"`: the second occurrence, but a skipped time moves
    /// back (02:30 → 01:30). Kept as it was; the checker warns (W260).
    OldLater,
}

/// The `dst` choices, for help and the checker.
pub(crate) const DST_CHOICES: &[&str] =
    &["error", "compatible", "earlier_instant", "later_instant"];

/// The old `dst` names, what they do in the new names' terms, and why they
/// went (the checker's warning W260).
pub(crate) fn old_dst_name(name: &str) -> Option<&'static str> {
    match name {
        "earlier" => Some(
            "`dst: \"earlier\"` is the old name of `dst: \"compatible\"`: a repeated time is its first occurrence, but a skipped time moves forward (02:30 → 03:30, the later instant)",
        ),
        "later" => Some(
            "`dst: \"later\"` takes the second occurrence of a repeated time but moves a skipped time back (02:30 → 01:30, the earlier instant)",
        ),
        _ => None,
    }
}

/// The `dst` argument `i` (`"error"` when left out).
pub(crate) fn dst_policy(args: &Args<'_>, i: usize) -> Result<Dst, FnError> {
    match args.opt_str(i)? {
        None | Some("error") => Ok(Dst::Error),
        Some("compatible" | "earlier") => Ok(Dst::Compatible),
        Some("earlier_instant") => Ok(Dst::EarlierInstant),
        Some("later_instant") => Ok(Dst::LaterInstant),
        Some("later") => Ok(Dst::OldLater),
        Some(other) => Err(args
            .error(
                i,
                Code::InvalidArgument,
                format!("unknown dst choice `{other}`"),
            )
            .with_help(format!(
                "the choices are {}",
                DST_CHOICES
                    .iter()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
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
    .with_help("choose with `dst: \"compatible\"` (first occurrence, or forward past a gap), `dst: \"earlier_instant\"` or `dst: \"later_instant\"`")
}

fn shifted(naive: NaiveDateTime, seconds: i64) -> Option<NaiveDateTime> {
    naive.checked_add_signed(TimeDelta::try_seconds(seconds)?)
}

/// The instant of a local time in `tz`, by the `dst` policy.
pub(crate) fn resolve(naive: NaiveDateTime, tz: Tz, dst: Dst) -> Result<DateTime<Tz>, FnError> {
    match tz.from_local_datetime(&naive) {
        MappedLocalTime::Single(d) => Ok(d),
        MappedLocalTime::Ambiguous(a, b) => match dst {
            Dst::Compatible | Dst::EarlierInstant => Ok(a.min(b)),
            Dst::LaterInstant | Dst::OldLater => Ok(a.max(b)),
            Dst::Error => Err(local_time_error(naive, tz, true)),
        },
        MappedLocalTime::None => {
            // read the skipped time with the offset in force before the
            // change (it lands after the gap: forward) or after it (back)
            let forward = match dst {
                Dst::Error => return Err(local_time_error(naive, tz, false)),
                Dst::Compatible | Dst::LaterInstant => true,
                Dst::EarlierInstant | Dst::OldLater => false,
            };
            let day = 86_400;
            let probe = if forward { -day } else { day };
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
    let parsed = DateTime::parse_from_rfc3339(text.trim());
    if let Ok(dt) = &parsed
        && !real_second(dt)
    {
        return Err(not_a_leap_second(args, i, text));
    }
    parsed.map(no_leap).map_err(|_| {
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

builtin!(
    Date,
    PARSE_DATETIME,
    "parse_datetime",
    &[
        one("text", Ty::STRING),
        opt("formats", Ty::STRING.or(Ty::LIST)).read_with(|a, i| formats_arg(a, i, &[]).map(drop)),
        opt("zone", Ty::STRING).read_with(|a, i| zone_arg(a, i).map(drop)),
        opt("dst", Ty::STRING).read_with(|a, i| dst_policy(a, i).map(drop))
    ],
    Ty::STRING,
    Absent::Propagate,
    "An instant as RFC 3339, read with the first matching format (named iso8601, rfc3339, rfc3339_strict, rfc2822, date, or strftime patterns; iso8601 then rfc2822 when left out); a value without an offset is read in `zone` (the environment's default zone when left out) and a skipped or repeated local time is an error unless `dst` chooses: \"compatible\" (first occurrence; forward past a gap), \"earlier_instant\" or \"later_instant\" (the old \"earlier\" and \"later\" still work, with warning W260). A second of 60 is read only where a leap second can be (23:59:60 UTC at a month's end).",
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
            call: r#"parse_datetime("2026-03-29 02:30", zone: "Europe/Berlin", dst: "compatible")"#,
            result: r#""2026-03-29T03:30:00+02:00""#
        },
        Example {
            call: r#"parse_datetime("2026-03-29 02:30", zone: "Europe/Berlin", dst: "earlier_instant")"#,
            result: r#""2026-03-29T01:30:00+01:00""#
        },
        Example {
            call: r#"parse_datetime("2026-10-25 02:30", zone: "Europe/Berlin", dst: "later_instant")"#,
            result: r#""2026-10-25T02:30:00+01:00""#
        },
        Example {
            call: r#"parse_datetime("2016-12-31T23:59:60Z")"#,
            result: r#""2017-01-01T00:00:00Z""#
        },
        Example {
            call: r#"parse_datetime("2026-03-29T09:26:60Z")"#,
            result: "error[E314]"
        },
        Example {
            call: r#"parse_datetime("2026-03-29 09:26:00Z", "rfc3339_strict")"#,
            result: "error[E314]"
        },
        Example {
            call: r#"parse_datetime("20260329T013000Z")"#,
            result: r#""2026-03-29T01:30:00Z""#
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
                if !real_second(&dt) {
                    return Err(not_a_leap_second(args, 0, args.str(0)?));
                }
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
        opt("formats", Ty::STRING.or(Ty::LIST)).read_with(|a, i| formats_arg(a, i, &[]).map(drop))
    ],
    Ty::STRING,
    Absent::Propagate,
    "A calendar date as `YYYY-MM-DD`, read with the first matching format (named or strftime patterns, iso8601 when left out: also basic `20260329`, week dates `2026-W13-7` and ordinal dates `2026-088`); a date-time gives its date in its own offset; a date that does not exist (29 February outside leap years) is E314 \"not a real date\".",
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
            call: r#"parse_date("2026-W13-7")"#,
            result: r#""2026-03-29""#
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
    &[opt("zone", Ty::STRING).read_with(|a, i| zone_arg(a, i).map(drop))],
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
    &[
        one("datetime", Ty::STRING),
        one("zone", Ty::STRING).read_with(|a, i| zone_arg(a, i).map(drop))
    ],
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
            result: "error[E217]"
        },
    ],
    |args| {
        let dt = datetime_arg(args, 0)?;
        let tz = zone_arg(args, 1)?.ok_or_else(|| args.type_error(1, "a zone name"))?;
        rfc3339(&dt.with_timezone(&tz))
    }
);
