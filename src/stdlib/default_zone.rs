//! Which calls can read the environment's default time zone: the checker
//! asks for each call, so that a run without a default zone fails before
//! its first record (`Mapping::check_env`) instead of on every record.

use super::date_ops::parse_duration;
use chrono::NaiveDate;

/// The built-ins that can read the default zone (see [`uses_default_zone`]).
pub(crate) const DEFAULT_ZONE_READERS: &[&str] = &[
    "today",
    "parse_datetime",
    "add_duration",
    "truncate_datetime",
];

/// An argument of a call as the checker sees it, for [`uses_default_zone`].
pub(crate) enum ArgShape<'a> {
    /// Not given (or a literal `null`, which means the same).
    Absent,
    /// A literal.
    Const(&'a crate::json::Value),
    /// Computed per record.
    Computed,
}

/// Can this call of built-in `name` read the environment's default time
/// zone (see `zone_or_default`)? Decided from the call's shape: a zone
/// argument given (literal or computed) names one; otherwise the call
/// needs the default unless its literal arguments show it never reads a
/// local time (formats that all carry an offset, a duration without
/// calendar days or months).
pub(crate) fn uses_default_zone(name: &str, args: &[ArgShape<'_>]) -> bool {
    if !DEFAULT_ZONE_READERS.contains(&name) {
        return false;
    }
    let arg = |i: usize| args.get(i).unwrap_or(&ArgShape::Absent);
    let zone = match name {
        "today" => 0,
        "parse_datetime" | "add_duration" | "truncate_datetime" => 2,
        _ => return false,
    };
    if !matches!(arg(zone), ArgShape::Absent) {
        return false;
    }
    match name {
        "parse_datetime" => {
            let offset_format = |f: &crate::json::Value| {
                f.as_str().is_some_and(|f| {
                    matches!(f, "rfc3339" | "rfc3339_strict" | "rfc2822")
                        || ["%z", "%:z", "%::z", "%#z", "%+", "%s"]
                            .iter()
                            .any(|z| f.contains(z))
                })
            };
            match arg(1) {
                ArgShape::Const(crate::json::Value::Array(formats)) => {
                    formats.is_empty() || !formats.iter().all(offset_format)
                }
                ArgShape::Const(format) => !offset_format(format),
                _ => true,
            }
        }
        "add_duration" => match (arg(0), arg(1)) {
            (ArgShape::Const(crate::json::Value::String(date)), _)
                if NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").is_ok() =>
            {
                false
            }
            (_, ArgShape::Const(crate::json::Value::String(duration))) => {
                parse_duration(duration).is_none_or(|d| d.months != 0 || d.days != 0)
            }
            _ => true,
        },
        _ => true,
    }
}
