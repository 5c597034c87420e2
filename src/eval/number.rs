//! Exact numbers. A number read from the input keeps its text, so an id like
//! `12345678901234567890` passes through untouched; it becomes a
//! [`Decimal`] only when arithmetic needs one, and a number that a decimal
//! cannot hold exactly is then an error, never a rounding.

use rust_decimal::Decimal;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::str::FromStr;

/// A number: exact decimal, or the JSON text it was read from.
#[derive(Clone, Debug)]
pub(crate) enum Num<'a> {
    /// A decimal (at most 28 significant digits).
    Dec(Decimal),
    /// A JSON number's text, not yet converted.
    Text(Cow<'a, str>),
}

impl Num<'_> {
    /// The exact decimal value, or `None` when it cannot be held exactly.
    pub(crate) fn to_decimal(&self) -> Option<Decimal> {
        match self {
            Num::Dec(d) => Some(*d),
            Num::Text(t) => parse_decimal(t),
        }
    }

    /// The number as JSON text (decimals keep their scale: `12.50`). A
    /// computed zero is never written with a sign (`-0.00` → `0.00`); a
    /// number copied from the input keeps its text.
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Num::Dec(d) if d.is_zero() => Cow::Owned(d.abs().to_string()),
            Num::Dec(d) => Cow::Owned(d.to_string()),
            Num::Text(t) => Cow::Borrowed(t),
        }
    }

    /// Numeric equality; numbers too large for a decimal compare by text.
    pub(crate) fn equals(&self, other: &Num<'_>) -> bool {
        match (self.to_decimal(), other.to_decimal()) {
            (Some(a), Some(b)) => a == b,
            _ => self.text() == other.text(),
        }
    }

    pub(crate) fn compare(&self, other: &Num<'_>) -> Option<Ordering> {
        Some(self.to_decimal()?.cmp(&other.to_decimal()?))
    }

    /// The value as a JSON number.
    pub(crate) fn to_json(&self) -> serde_json::Number {
        serde_json::Number::from_string_unchecked(self.text().into_owned())
    }
}

/// Parses JSON number text exactly (plain or scientific notation).
pub(crate) fn parse_decimal(text: &str) -> Option<Decimal> {
    if text.contains(['e', 'E']) {
        let d = Decimal::from_scientific(text).ok()?;
        // from_scientific may round away digits; check it round-trips
        let (mantissa, exponent) = text.split_once(['e', 'E'])?;
        let exponent: i64 = exponent.parse().ok()?;
        let digits = mantissa.trim_start_matches('-').replace('.', "");
        let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
        if significant > 28 || exponent.abs() > 60 {
            return None;
        }
        Some(d)
    } else {
        Decimal::from_str_exact(text).ok().or_else(|| {
            // from_str_exact rejects more than 28 fractional digits even when
            // they are trailing zeros; accept those
            let trimmed = text.strip_suffix('0')?;
            if trimmed.contains('.') {
                Decimal::from_str(trimmed)
                    .ok()
                    .filter(|_| parse_decimal(trimmed).is_some())
            } else {
                None
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly_or_not_at_all() {
        assert_eq!(
            parse_decimal("0.1").map(|d| d.to_string()),
            Some("0.1".into())
        );
        assert_eq!(
            parse_decimal("12.50").map(|d| d.to_string()),
            Some("12.50".into())
        );
        assert_eq!(
            parse_decimal("1.5e3").map(|d| d.normalize().to_string()),
            Some("1500".into())
        );
        assert_eq!(
            parse_decimal("12345678901234567890").map(|d| d.to_string()),
            Some("12345678901234567890".into())
        );
        // 30 significant digits do not fit
        assert_eq!(parse_decimal("123456789012345678901234567890"), None);
        assert_eq!(parse_decimal("1e400"), None);
    }

    #[test]
    fn big_numbers_compare_by_text() {
        let a = Num::Text(Cow::Borrowed("123456789012345678901234567890"));
        let b = Num::Text(Cow::Borrowed("123456789012345678901234567890"));
        assert!(a.equals(&b));
    }
}
