//! Reading dates and times: named formats and strftime patterns (parsed
//! once per thread), ISO 8601 beyond RFC 3339, and the checks that keep a
//! damaged timestamp from passing: a leap second where none can be, a day
//! that does not exist.

use super::args::{Args, FnError};
use crate::diagnostics::Code;
use crate::value::Value;
use chrono::format::Parsed;
use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
};

/// Is `dt`'s second real? A second of 60 is a leap second, and one can only
/// be inserted at 23:59:60 UTC at the end of a month (IERS; so far only at
/// the end of June and December): `09:26:60` is refused, not read as
/// `09:27:00`.
pub(crate) fn real_second<T: TimeZone>(dt: &DateTime<T>) -> bool {
    if dt.nanosecond() < 1_000_000_000 {
        return true;
    }
    let utc = dt.naive_utc();
    let last_of_month = utc.date().succ_opt().is_none_or(|next| next.day() == 1);
    utc.hour() == 23 && utc.minute() == 59 && last_of_month
}

/// E314 for a second of 60 that cannot be a leap second.
pub(crate) fn not_a_leap_second(args: &Args<'_>, i: usize, text: &str) -> FnError {
    args.error(
        i,
        Code::Unparseable,
        format!("{text:?} is not a real time: a second of 60 is a leap second, which falls only at 23:59:60 UTC at the end of a month"),
    )
    .with_help("a leap second elsewhere is a damaged timestamp; it is not moved to the next minute")
}

/// Has `text` the form of `format` with a day, month or time that does
/// not exist (`2025-02-29`, `2026-13-01`, `25:00`)?
fn impossible(text: &str, format: &str) -> bool {
    use chrono::format::{ParseErrorKind, parse};
    let patterns: &[&str] = match format {
        "date" => &["%Y-%m-%d"],
        "rfc3339" | "rfc3339_strict" | "iso8601" => &[
            "%Y-%m-%dT%H:%M:%S%.f%#z",
            "%Y-%m-%d %H:%M:%S%.f%#z",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d",
            "%Y%m%dT%H%M%S%.f%#z",
            "%Y%m%d",
        ],
        "rfc2822" => return false,
        pattern => &[pattern],
    };
    let text = text.trim();
    patterns.iter().any(|pattern| {
        let Some(parsed_pattern) = parsed_pattern(pattern) else {
            return false;
        };
        let mut parsed = Parsed::new();
        match parse(&mut parsed, text, parsed_pattern.items.iter()) {
            // every field read, in range alone, but not together
            Ok(()) => parsed.to_naive_date().is_err_and(|e| {
                matches!(
                    e.kind(),
                    ParseErrorKind::OutOfRange | ParseErrorKind::Impossible
                )
            }),
            Err(e) => e.kind() == ParseErrorKind::OutOfRange,
        }
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
pub(crate) const NAMED_PARSE_FORMATS: &[&str] =
    &["iso8601", "rfc3339", "rfc3339_strict", "rfc2822", "date"];

/// ISO 8601 beyond RFC 3339 that `iso8601` reads: the extended format
/// without seconds or with an hour-only offset, the basic format
/// (`20260329T013000Z`), week dates (`2026-W13-7`) and ordinal dates
/// (`2026-088`).
const ISO_MORE: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%#z",
    "%Y%m%dT%H%M%S%.f%#z",
    "%Y%m%dT%H%M%#z",
    "%Y%m%dT%H%M%S%.f",
    "%Y%m%dT%H%M",
    "%Y%m%d",
    "%G-W%V-%u",
    "%GW%V%u",
    "%Y-%j",
    "%Y%j",
];

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
        // RFC 3339's own grammar: `T` between date and time, never a space
        "rfc3339_strict" => match text.as_bytes().get(10) {
            Some(b'T' | b't') => read(text, "rfc3339"),
            _ => None,
        },
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
            .or_else(|| read(text, "date"))
            .or_else(|| ISO_MORE.iter().find_map(|p| read(text, p))),
        pattern => {
            let mut parsed = Parsed::new();
            chrono::format::parse(&mut parsed, text, parsed_pattern(pattern)?.items.iter()).ok()?;
            if let Ok(dt) = parsed.to_datetime() {
                return Some(Reading::Instant(dt));
            }
            // an offset that was read but is out of range (`+25:00`) makes
            // no local time of the rest
            if parsed.offset().is_some() {
                return None;
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
        if let Reading::Instant(dt) = &reading
            && !real_second(dt)
        {
            return Err(not_a_leap_second(args, 0, text));
        }
        return Ok(reading);
    }
    if formats.iter().any(|f| f == "rfc3339_strict")
        && text.trim().as_bytes().get(10) == Some(&b' ')
        && read(text, "rfc3339").is_some()
    {
        return Err(args
            .error(
                0,
                Code::Unparseable,
                format!("{text:?} is not strict RFC 3339: a space stands where the grammar has `T`"),
            )
            .with_help("`rfc3339` accepts the space (RFC 3339 allows it by agreement); `rfc3339_strict` is for inputs whose contract says `T`"));
    }
    if let Some(format) = formats.iter().find(|f| impossible(text, f)) {
        return Err(args
            .error(
                0,
                Code::Unparseable,
                format!(
                    "{text:?} is not a real date: it has the form of `{format}`, but no such day or time exists (formats tried: {})",
                    formats.join(", ")
                ),
            )
            .with_help("check the day against the month (29 February exists only in leap years), the month (01–12) and the time (hours 00–23, minutes and seconds 00–59)"));
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
        error.with_help("pass the formats, tried in order: named (iso8601, rfc3339, rfc3339_strict, rfc2822, date) or strftime patterns such as \"%d.%m.%Y %H:%M\"")
    };
    Err(error)
}
