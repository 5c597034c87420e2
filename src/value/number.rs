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
    pub(crate) fn to_json(&self) -> crate::json::Number {
        crate::json::Number::from_string_unchecked(self.text().into_owned())
    }
}

/// `a + b` exactly: `None` when it overflows or when the exact sum has
/// more digits than a decimal holds (rust_decimal would round it).
pub(crate) fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let sum = a.checked_add(b)?;
    let (a, b) = (a.normalize(), b.normalize());
    let scale = a.scale().max(b.scale());
    if sum.scale() >= scale {
        // every digit of both operands is within the sum's scale
        return Some(sum);
    }
    // digits below the sum's scale were dropped: exact only if they are 0.
    // With different scales the last digit comes from one operand and is
    // not 0; with equal scales the mantissas add up at that scale.
    if a.scale() != b.scale() {
        return None;
    }
    let dropped = scale - sum.scale();
    let exact = (a.mantissa() + b.mantissa()) % 10i128.pow(dropped) == 0;
    exact.then_some(sum)
}

/// `a - b` exactly (see [`exact_add`]).
pub(crate) fn exact_sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    exact_add(a, -b)
}

/// `a * b` exactly: `None` when it overflows or when the exact product has
/// more digits than a decimal holds (rust_decimal would round it).
pub(crate) fn exact_mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let product = a.checked_mul(b)?;
    let (a, b) = (a.normalize(), b.normalize());
    if a.is_zero() || b.is_zero() {
        return Some(product);
    }
    let scale = a.scale() + b.scale();
    if product.scale() >= scale {
        return Some(product);
    }
    // the dropped digits are 0 only if 10^dropped divides the product of
    // the mantissas: count its factors of 2 and 5
    let dropped = scale - product.scale();
    let (x, y) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    let twos = x.trailing_zeros() + y.trailing_zeros();
    let fives = factors_of_five(x) + factors_of_five(y);
    (twos.min(fives) >= dropped).then_some(product)
}

fn factors_of_five(mut n: u128) -> u32 {
    let mut count = 0;
    while n != 0 && n.is_multiple_of(5) {
        n /= 5;
        count += 1;
    }
    count
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
    fn arithmetic_is_exact_or_refused() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let text = |r: Option<Decimal>| r.map(|d| d.to_string());
        assert_eq!(text(exact_add(d("0.1"), d("0.2"))), Some("0.3".into()));
        assert_eq!(text(exact_add(d("0.15"), d("0.05"))), Some("0.20".into()));
        assert_eq!(text(exact_sub(d("12.50"), d("0.50"))), Some("12.00".into()));
        // 32 significant digits: rust_decimal rounds the last ones away
        assert_eq!(
            exact_add(d("0.1234567890123456789012345678"), d("1000")),
            None
        );
        // trailing zeros may be dropped: still exact
        assert_eq!(
            exact_add(d("1.0000000000000000000000000000"), d("1000")),
            Some(d("1001"))
        );
        assert_eq!(text(exact_mul(d("12.50"), d("2"))), Some("25.00".into()));
        assert_eq!(exact_mul(d("3.3333333333333333333333333333"), d("3")), None);
        assert_eq!(
            exact_mul(d("1.000000000000001"), d("1.000000000000001")),
            None
        );
        assert_eq!(
            exact_mul(
                d("0.0000000000000000000000000001"),
                d("0.0000000000000000000000000001")
            ),
            None
        );
        // the exact product fits once its trailing zeros go
        assert_eq!(
            exact_mul(d("0.50000000000000000000"), d("0.2000000000")),
            Some(d("0.1"))
        );
        assert_eq!(
            exact_mul(d("0"), d("0.0000000000000000000000000001")),
            Some(d("0"))
        );
        assert_eq!(exact_mul(d("79228162514264337593543950335"), d("2")), None);
    }

    #[test]
    fn big_numbers_compare_by_text() {
        let a = Num::Text(Cow::Borrowed("123456789012345678901234567890"));
        let b = Num::Text(Cow::Borrowed("123456789012345678901234567890"));
        assert!(a.equals(&b));
    }
}
