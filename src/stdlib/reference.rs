//! The built-in reference as Markdown, generated from the one table, so the
//! README cannot drift from the code (a test compares them).

use super::{Category, FUNCTIONS, Function};
use std::fmt::Write;

/// The strftime patterns mapc reads and writes (chrono's syntax), for the
/// date functions' section.
const STRFTIME_TABLE: &str = "\
Patterns for `parse_datetime`, `parse_date` and `format_datetime` use chrono's strftime syntax:

| pattern | meaning | example |
|---|---|---|
| `%Y` | year, 4 digits | `2026` |
| `%y` | year, 2 digits (read: 00–69 → 2000–2069, 70–99 → 1970–1999) | `26` |
| `%m` | month, 01–12 | `03` |
| `%b` / `%B` | month name, short / full (English) | `Mar` / `March` |
| `%d` | day of month, 01–31 | `09` |
| `%e` | day of month, space-padded | ` 9` |
| `%j` | day of year, 001–366 | `088` |
| `%a` / `%A` | weekday name, short / full (English) | `Sun` / `Sunday` |
| `%H` | hour, 00–23 | `14` |
| `%I` | hour, 01–12 (with `%p`) | `02` |
| `%p` | `AM` / `PM` | `PM` |
| `%M` | minute, 00–59 | `05` |
| `%S` | second, 00–60 (60: a leap second) | `09` |
| `%f` | nanoseconds since the last whole second | `026490000` |
| `%.f` / `%.3f` / `%.6f` | fraction of a second with its dot: 0, 3, 6 or 9 digits as needed / 3 / 6 digits | `.026` |
| `%z` / `%:z` | offset from UTC | `+0100` / `+01:00` |
| `%Z` | output only: the zone's abbreviation when `format_datetime` names a zone (`CEST`; a zone the tz database gives no letters shows its offset, `-03`); without a zone, the instant's own offset, which has no abbreviation (`+02:00`) | `CET` |
| `%s` | Unix time in seconds | `1774744200` |
| `%F` | `%Y-%m-%d` | `2026-03-29` |
| `%T` | `%H:%M:%S` | `14:05:09` |
| `%%` | a literal `%` | `%` |

Named formats for reading: `iso8601` (RFC 3339, or the same without an offset or time; the extended form without seconds or with an hour-only offset, `2026-03-29T10:00+02`; the basic form, `20260329T013000Z`, `20260329T0130`, `20260329`; week dates, `2026-W13-7` and `2026W137`; ordinal dates, `2026-088` and `2026088`; not: durations, intervals, reduced precision such as `2026-03`, or week dates with a time), `rfc3339` (accepts a space for `T`, as RFC 3339 allows by agreement), `rfc3339_strict` (refuses it), `rfc2822` and `date` (`YYYY-MM-DD`). A second of 60 is read only where a leap second can be, at 23:59:60 UTC at a month's end (and then as the next day's 00:00:00, since Unix time has no leap seconds); anywhere else it is E314, never moved to the next minute. A value with the form of a format but a day or time that does not exist (`2025-02-29`, `2026-13-01`) is E314, \"not a real date\". For writing: `rfc3339`, `rfc3339_seconds`, `rfc3339_millis`, `rfc3339_micros`, `rfc3339_nanos`, `rfc2822`, `date`, `time`, `unix_s` and `unix_ms`. A list of formats is tried in order and the first that reads the whole text wins; text that none reads is error E314, which names the value and every format tried.
";

const CATEGORIES: &[Category] = &[
    Category::String,
    Category::Number,
    Category::Money,
    Category::Date,
    Category::Boolean,
    Category::Units,
    Category::Identifier,
    Category::Text,
    Category::Hash,
    Category::List,
    Category::Object,
    Category::Presence,
    Category::Lookup,
    Category::Control,
];

fn render(out: &mut String, f: &Function) {
    let _ = writeln!(out, "- **`{}`** — {}", f.signature(), f.doc);
    for example in f.examples {
        let _ = writeln!(out, "  - `{}` → `{}`", example.call, example.result);
    }
}

/// Every built-in as Markdown: a section per category, each function with
/// its signature, doc line and examples; the date section ends with the
/// strftime pattern table.
///
/// ```
/// let docs = mapc::stdlib::reference_markdown();
/// assert!(docs.contains("round_money("));
/// ```
pub fn reference_markdown() -> String {
    let mut out = format!(
        "Every example below runs as a test: `x = <call>` applied to `{{}}`, with \"now\" pinned to `{}`, the default time zone `{}`, `policy missing = omit` and the table `example_status {{ \"paid\" => \"PAID\" }}`. A result is JSON, `(missing)` or the error code.\n\n",
        super::EXAMPLE_NOW,
        super::EXAMPLE_TIME_ZONE
    );
    for category in CATEGORIES {
        let functions: Vec<&Function> = FUNCTIONS
            .iter()
            .copied()
            .filter(|f| f.category == *category)
            .collect();
        if functions.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {}\n", category.title());
        for f in functions {
            render(&mut out, f);
        }
        out.push('\n');
        if *category == Category::Date {
            out.push_str(STRFTIME_TABLE);
            out.push('\n');
        }
    }
    // functions in a category missing from the list above still appear
    for f in FUNCTIONS {
        if !CATEGORIES.contains(&f.category) {
            render(&mut out, f);
        }
    }
    out.trim_end().to_string() + "\n"
}
