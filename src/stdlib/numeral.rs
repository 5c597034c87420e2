//! Reading numbers written by people: `1,234.56`, `1.234,56`, `1 234,56`,
//! `1'234.56`, `(12.50)`, `-0,5`. The conventions accepted:
//!
//! - a sign: a leading `-`, `+` or `−` (U+2212), or accounting parentheses;
//! - a decimal mark: `.` or `,`, at most one;
//! - thousands separators: `,` or `.` (whichever is not the decimal mark),
//!   a space, a no-break space (U+00A0, U+202F) or `'`; one kind per number,
//!   groups of exactly three digits after the first group of one to three;
//! - digits `0`–`9` only, no exponent.
//!
//! Without a stated decimal mark, a number whose only separator is one `.`
//! or one `,` followed by exactly three digits (`1,234`, `1.234`) could be
//! either thousands or a fraction: that is an error, never a guess.

use rust_decimal::Decimal;

/// Why a text is not a number.
#[derive(Debug)]
pub(crate) enum NumeralError {
    /// Not a number in any accepted convention; the reason.
    Invalid(String),
    /// Could be read two ways; the two readings.
    Ambiguous(String, String),
    /// More digits than exact arithmetic holds (28).
    TooLarge,
}

const GROUPING: &[char] = &[' ', '\u{a0}', '\u{202f}', '\''];

/// Strips a sign (leading `-`/`+`/`−` or parentheses); returns the rest
/// and whether it was negative.
pub(crate) fn strip_sign(text: &str) -> (&str, Option<bool>) {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        return (inner.trim(), Some(true));
    }
    if let Some(rest) = t.strip_prefix('-').or_else(|| t.strip_prefix('−')) {
        return (rest.trim_start(), Some(true));
    }
    if let Some(rest) = t.strip_prefix('+') {
        return (rest.trim_start(), Some(false));
    }
    (t, None)
}

/// Parses a number written by a person; `mark` is the decimal mark when
/// the author states it (`.` or `,`).
pub(crate) fn parse_numeral(text: &str, mark: Option<char>) -> Result<Decimal, NumeralError> {
    let (body, sign) = strip_sign(text);
    let negative = sign == Some(true);
    parse_unsigned(body, mark).and_then(|d| {
        let text = if negative { format!("-{d}") } else { d };
        crate::value::number::parse_decimal(&text)
            .map(|d| if d.is_zero() { d.abs() } else { d })
            .ok_or(NumeralError::TooLarge)
    })
}

/// The plain decimal text (`1234.56`) of an unsigned human-written number.
fn parse_unsigned(body: &str, mark: Option<char>) -> Result<String, NumeralError> {
    if body.is_empty() {
        return Err(NumeralError::Invalid("there are no digits".into()));
    }
    if let Some(bad) = body
        .chars()
        .find(|c| !c.is_ascii_digit() && *c != '.' && *c != ',' && !GROUPING.contains(c))
    {
        return Err(NumeralError::Invalid(format!("unexpected `{bad}`")));
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let mark = match mark {
        Some(m) => Some(m),
        None => match (dots, commas) {
            (0, 0) => None,
            (_, 0) if dots > 1 => None,
            (0, _) if commas > 1 => None,
            (1, 0) | (0, 1) => {
                let m = if dots == 1 { '.' } else { ',' };
                let (int, frac) = body.split_once(m).unwrap_or((body, ""));
                let has_other_grouping = int.contains(GROUPING);
                let int_digits = int.trim_start_matches('0');
                if frac.len() == 3 && !has_other_grouping && !int_digits.is_empty() {
                    let other = if m == '.' { ',' } else { '.' };
                    return Err(NumeralError::Ambiguous(
                        format!("{int}{frac} (`{m}` as thousands separator)"),
                        format!("{int}.{frac} (`{m}` as decimal mark, `{other}` for thousands)"),
                    ));
                }
                Some(m)
            }
            _ => {
                // both kinds: the last one is the decimal mark
                let last = body.rfind(['.', ',']).map(|i| &body[i..i + 1]);
                match last {
                    Some(".") => Some('.'),
                    _ => Some(','),
                }
            }
        },
    };
    let (int, frac) = match mark {
        Some(m) => {
            if body.matches(m).count() > 1 {
                return Err(NumeralError::Invalid(format!(
                    "the decimal mark `{m}` appears more than once"
                )));
            }
            body.split_once(m).unwrap_or((body, ""))
        }
        None => (body, ""),
    };
    if let Some(bad) = frac.chars().find(|c| !c.is_ascii_digit()) {
        return Err(NumeralError::Invalid(format!(
            "unexpected `{bad}` after the decimal mark"
        )));
    }
    let separators: Vec<char> = int.chars().filter(|c| !c.is_ascii_digit()).collect();
    if let Some(first) = separators.first()
        && separators.iter().any(|c| c != first)
    {
        return Err(NumeralError::Invalid(
            "more than one kind of thousands separator".into(),
        ));
    }
    let digits: String = if let Some(sep) = separators.first() {
        let groups: Vec<&str> = int.split(*sep).collect();
        let well_grouped = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3);
        if !well_grouped {
            return Err(NumeralError::Invalid(format!(
                "`{sep}` does not separate groups of three digits"
            )));
        }
        groups.concat()
    } else {
        int.to_string()
    };
    if digits.is_empty() && frac.is_empty() {
        return Err(NumeralError::Invalid("there are no digits".into()));
    }
    let int = if digits.is_empty() { "0" } else { &digits };
    Ok(if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, mark: Option<char>) -> String {
        match parse_numeral(text, mark) {
            Ok(d) => d.to_string(),
            Err(e) => format!("{e:?}"),
        }
    }

    #[test]
    fn reads_the_common_conventions() {
        assert_eq!(ok("1,234.56", None), "1234.56");
        assert_eq!(ok("1.234,56", None), "1234.56");
        assert_eq!(ok(" 1 234,56 ", None), "1234.56");
        assert_eq!(ok("1'234.50", None), "1234.50");
        assert_eq!(ok("1\u{a0}234", None), "1234");
        assert_eq!(ok("1,234,567", None), "1234567");
        assert_eq!(ok("1.234.567,8", None), "1234567.8");
        assert_eq!(ok("12,5", None), "12.5");
        assert_eq!(ok("0,125", None), "0.125");
        assert_eq!(ok(".5", None), "0.5");
        assert_eq!(ok("(12.50)", None), "-12.50");
        assert_eq!(ok("−3", None), "-3");
        assert_eq!(ok("-0", None), "0");
        assert_eq!(ok("-0,00", None), "0.00");
    }

    #[test]
    fn refuses_to_guess() {
        assert!(ok("1,234", None).starts_with("Ambiguous"));
        assert!(ok("1.234", None).starts_with("Ambiguous"));
        assert_eq!(ok("1,234", Some('.')), "1234");
        assert_eq!(ok("1,234", Some(',')), "1.234");
        assert!(ok("1,23,456", None).starts_with("Invalid"));
        assert!(ok("1.2.3", Some('.')).starts_with("Invalid"));
        assert!(ok("12a", None).starts_with("Invalid"));
        assert!(ok("", None).starts_with("Invalid"));
        assert!(ok("1 234'567", None).starts_with("Invalid"));
        assert!(ok("1e5", None).starts_with("Invalid"));
        assert!(ok("123456789012345678901234567890", None).starts_with("TooLarge"));
    }
}
