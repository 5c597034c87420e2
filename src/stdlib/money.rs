//! Money: minor and major units by ISO 4217 exponent, rounding to a
//! currency's places with a named mode, and amounts written by people.
//! Money never passes through binary floating point.
//!
//! The currency table is the `iso_currency` crate's, generated from the ISO
//! 4217 list (maintained by SIX Financial Information for ISO): every active
//! code with its exponent (JPY 0, USD 2, KWD 3, CLF 4). A code not in the
//! table is an error, never a guess of 2.

use super::args::{Args, FnError, number};
use super::number::rounding_mode;
use super::numeral::{NumeralError, parse_numeral, strip_sign};
use super::signature::{Absent, Example, Ty};
use super::{builtin, one, opt};
use crate::diagnostics::Code;
use iso_currency::Currency;
use rust_decimal::Decimal;

/// The currency named by argument `i` (case-insensitive ISO 4217 code).
pub(crate) fn currency(args: &Args<'_>, i: usize) -> Result<Currency, FnError> {
    let code = args.str(i)?.trim();
    Currency::from_code(&code.to_ascii_uppercase()).ok_or_else(|| {
        args.error(
            i,
            Code::UnknownCurrency,
            format!("`{code}` is not an ISO 4217 currency code"),
        )
        .with_help("use a three-letter code such as USD, EUR, JPY or KWD")
    })
}

/// The number of minor-unit decimals of argument `i`'s currency.
fn exponent(args: &Args<'_>, i: usize) -> Result<(Currency, u32), FnError> {
    let c = currency(args, i)?;
    match c.exponent() {
        Some(e) => Ok((c, u32::from(e))),
        None => Err(args.error(
            i,
            Code::UnknownCurrency,
            format!("{} ({}) has no minor unit", c.code(), c.name()),
        )),
    }
}

/// The decimal mark named by argument `i`, if given.
fn decimal_mark(args: &Args<'_>, i: usize) -> Result<Option<char>, FnError> {
    match args.opt_str(i)? {
        None => Ok(None),
        Some(".") => Ok(Some('.')),
        Some(",") => Ok(Some(',')),
        Some(other) => Err(args.error(
            i,
            Code::InvalidArgument,
            format!("the decimal mark must be \".\" or \",\", found `{other}`"),
        )),
    }
}

/// A numeral error as a function error about argument 0.
fn numeral_error(args: &Args<'_>, e: NumeralError, what: &str) -> FnError {
    let text = args.get(0).describe();
    match e {
        NumeralError::Invalid(why) => args
            .error(
                0,
                Code::Unparseable,
                format!("{text} is not {what}: {why}"),
            )
            .with_help(
                "accepted: digits with an optional sign or (parentheses), one decimal mark `.` or `,`, thousands separated by `,` `.` space or `'` in groups of three",
            ),
        NumeralError::Ambiguous(a, b) => args
            .error(
                0,
                Code::Ambiguous,
                format!("{text} is ambiguous: it could be {a} or {b}"),
            )
            .with_help("state the decimal mark: `decimal_mark: \".\"` or `decimal_mark: \",\"`"),
        NumeralError::TooLarge => args.error(
            0,
            Code::NumberRange,
            format!("{text} has more digits than exact arithmetic allows (28)"),
        ),
    }
}

/// `a * b`, or an overflow error.
pub(crate) fn checked_mul(a: Decimal, b: Decimal) -> Result<Decimal, FnError> {
    a.checked_mul(b)
        .ok_or_else(|| FnError::new(Code::Overflow, format!("{a} × {b} overflows")))
}

/// `a / b` when it is a decimal of at most 28 digits, exactly; `None` when
/// the quotient does not terminate (1/3) or does not fit, or `b` is zero.
/// A quotient terminates when the divisor's part not shared with the
/// dividend has no prime factors but 2 and 5.
pub(crate) fn exact_quotient(a: Decimal, b: Decimal) -> Option<Decimal> {
    fn gcd(mut x: u128, mut y: u128) -> u128 {
        while y != 0 {
            (x, y) = (y, x % y);
        }
        x
    }
    let (ma, mb) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    if mb == 0 {
        return None;
    }
    let mut rest = mb / gcd(ma, mb).max(1);
    for p in [2, 5] {
        while rest.is_multiple_of(p) {
            rest /= p;
        }
    }
    if rest != 1 {
        return None;
    }
    let q = a.checked_div(b)?;
    (q.checked_mul(b) == Some(a)).then_some(q)
}

/// `10^e`, or an overflow error.
fn pow10(e: u32) -> Result<Decimal, FnError> {
    10_i128
        .checked_pow(e)
        .and_then(|p| Decimal::try_from_i128_with_scale(p, 0).ok())
        .ok_or_else(|| FnError::new(Code::Overflow, format!("10^{e} overflows")))
}

builtin!(
    Money,
    CURRENCY_EXPONENT,
    "currency_exponent",
    &[one("currency", Ty::STRING).read_with(|a, i| currency(a, i).map(drop))],
    Ty::NUMBER,
    Absent::Propagate,
    "The number of minor-unit decimals of an ISO 4217 currency (case-insensitive code); an unknown code, or one with no minor unit (XAU), is an error.",
    &[
        Example {
            call: r#"currency_exponent("usd")"#,
            result: "2"
        },
        Example {
            call: r#"currency_exponent("JPY")"#,
            result: "0"
        },
        Example {
            call: r#"currency_exponent("KWD")"#,
            result: "3"
        },
        Example {
            call: r#"currency_exponent("XYZ")"#,
            result: "error[E217]"
        },
    ],
    |args| Ok(number(Decimal::from(exponent(args, 0)?.1)))
);

builtin!(
    Money,
    FROM_MINOR_UNITS,
    "from_minor_units",
    &[
        one("minor", Ty::NUMBER),
        one("currency", Ty::STRING).read_with(|a, i| currency(a, i).map(drop))
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "Major units from a whole number of minor units, by the currency's ISO 4217 exponent, keeping that many decimals (USD 1234 → 12.34, JPY 1234 → 1234, KWD 1234 → 1.234); exact, no rounding.",
    &[
        Example {
            call: r#"from_minor_units(1234, "usd")"#,
            result: "12.34"
        },
        Example {
            call: r#"from_minor_units(1250, "EUR")"#,
            result: "12.50"
        },
        Example {
            call: r#"from_minor_units(1234, "JPY")"#,
            result: "1234"
        },
        Example {
            call: r#"from_minor_units(1234, "KWD")"#,
            result: "1.234"
        },
        Example {
            call: r#"from_minor_units(-5, "USD")"#,
            result: "-0.05"
        },
        Example {
            call: r#"from_minor_units(12.5, "USD")"#,
            result: "error[E308]"
        },
        Example {
            call: r#"from_minor_units(1234, "ABC")"#,
            result: "error[E217]"
        },
    ],
    |args| {
        let (_, e) = exponent(args, 1)?;
        let minor = args.decimal(0)?;
        if !minor.fract().is_zero() {
            return Err(args.error(
                0,
                Code::InvalidArgument,
                format!("minor units must be a whole number, found `{minor}`"),
            ));
        }
        let mut major = minor.trunc();
        major
            .set_scale(e)
            .map_err(|_| args.error(0, Code::NumberRange, "too many decimals"))?;
        Ok(number(major))
    }
);

builtin!(
    Money,
    TO_MINOR_UNITS,
    "to_minor_units",
    &[
        one("amount", Ty::NUMBER),
        one("currency", Ty::STRING).read_with(|a, i| currency(a, i).map(drop))
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "A whole number of minor units from a major amount, by the currency's ISO 4217 exponent (USD 12.34 → 1234, JPY 1234 → 1234); an amount with more decimals than the currency has is an error (E316): round it first with `round_money`.",
    &[
        Example {
            call: r#"to_minor_units(12.34, "USD")"#,
            result: "1234"
        },
        Example {
            call: r#"to_minor_units(19.99, "usd")"#,
            result: "1999"
        },
        Example {
            call: r#"to_minor_units(1234, "JPY")"#,
            result: "1234"
        },
        Example {
            call: r#"to_minor_units(1.5, "KWD")"#,
            result: "1500"
        },
        Example {
            call: r#"to_minor_units(12.345, "USD")"#,
            result: "error[E316]"
        },
        Example {
            call: r#"to_minor_units(round_money(12.345, "USD", "half_even"), "USD")"#,
            result: "1234"
        },
    ],
    |args| {
        let (c, e) = exponent(args, 1)?;
        let amount = args.decimal(0)?;
        let minor = checked_mul(amount, pow10(e)?)?;
        if !minor.fract().is_zero() {
            return Err(args
                .error(
                    0,
                    Code::InexactConversion,
                    format!(
                        "{amount} {} has more than {e} decimals: it is not a whole number of minor units",
                        c.code()
                    ),
                )
                .with_help(format!(
                    "round first: `round_money(amount, \"{}\", \"half_even\")`",
                    c.code()
                )));
        }
        Ok(number(minor.trunc()))
    }
);

builtin!(
    Money,
    ROUND_MONEY,
    "round_money",
    &[
        one("amount", Ty::NUMBER),
        one("currency", Ty::STRING).read_with(|a, i| currency(a, i).map(drop)),
        one("mode", Ty::STRING).read_with(|a, i| super::number::rounding_mode(a, i).map(drop))
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "Rounds to the currency's ISO 4217 exponent with a named mode (half_even, half_up, half_down, up, down, ceiling, floor), keeping exactly that many decimals.",
    &[
        Example {
            call: r#"round_money(2.345, "EUR", "half_even")"#,
            result: "2.34"
        },
        Example {
            call: r#"round_money(2.345, "EUR", "half_up")"#,
            result: "2.35"
        },
        Example {
            call: r#"round_money(1234.5, "JPY", "half_even")"#,
            result: "1234"
        },
        Example {
            call: r#"round_money(12, "KWD", "half_even")"#,
            result: "12.000"
        },
        Example {
            call: r#"round_money(-0.004, "USD", "half_even")"#,
            result: "0.00"
        },
    ],
    |args| {
        let mode = rounding_mode(args, 2)?;
        let (_, e) = exponent(args, 1)?;
        let mut rounded = args.decimal(0)?.round_dp_with_strategy(e, mode);
        rounded.rescale(e);
        Ok(number(rounded))
    }
);

builtin!(
    Money,
    PARSE_NUMBER,
    "parse_number",
    &[
        one("text", Ty::STRING.or(Ty::NUMBER)),
        opt("decimal_mark", Ty::STRING).read_with(|a, i| decimal_mark(a, i).map(drop))
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "A number written by a person: optional sign or accounting (parentheses), thousands separated by `,` `.` space or `'` in groups of three, decimal mark `.` or `,`; `1,234` and `1.234` are ambiguous (E315) unless `decimal_mark` is given.",
    &[
        Example {
            call: r#"parse_number("1.234,56")"#,
            result: "1234.56"
        },
        Example {
            call: r#"parse_number(" 1,234,567.5 ")"#,
            result: "1234567.5"
        },
        Example {
            call: r#"parse_number("(12.50)")"#,
            result: "-12.50"
        },
        Example {
            call: r#"parse_number("1,234")"#,
            result: "error[E315]"
        },
        Example {
            call: r#"parse_number("1,234", decimal_mark: ",")"#,
            result: "1.234"
        },
        Example {
            call: r#"parse_number("12 apples")"#,
            result: "error[E314]"
        },
    ],
    |args| {
        if let crate::value::Value::Number(_) = args.get(0) {
            return Ok(args.take(0));
        }
        let mark = decimal_mark(args, 1)?;
        parse_numeral(args.str(0)?, mark)
            .map(number)
            .map_err(|e| numeral_error(args, e, "a number"))
    }
);

/// Removes the currency's code or symbol from the start or the end of `t`.
fn strip_currency(t: &str, c: Currency) -> &str {
    let code = c.code();
    let symbol = c.symbol().symbol;
    let t = t.trim();
    for token in [code, symbol.as_str()] {
        if token.is_empty() {
            continue;
        }
        if t.len() >= token.len()
            && t.is_char_boundary(token.len())
            && t[..token.len()].eq_ignore_ascii_case(token)
        {
            return t[token.len()..].trim();
        }
        let cut = t.len().saturating_sub(token.len());
        if t.len() >= token.len() && t.is_char_boundary(cut) && t[cut..].eq_ignore_ascii_case(token)
        {
            return t[..cut].trim();
        }
    }
    t
}

builtin!(
    Money,
    PARSE_MONEY,
    "parse_money",
    &[
        one("text", Ty::STRING.or(Ty::NUMBER)),
        one("currency", Ty::STRING).read_with(|a, i| currency(a, i).map(drop)),
        opt("decimal_mark", Ty::STRING).read_with(|a, i| decimal_mark(a, i).map(drop))
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "An amount of the named currency written by a person: the number conventions of `parse_number`, with the currency's ISO code or symbol before or after it (`€1.234,56`, `-$5`, `12.50 USD`); another currency's code or symbol is an error; the amount is exact, not rounded.",
    &[
        Example {
            call: r#"parse_money("€1.234,56", "EUR")"#,
            result: "1234.56"
        },
        Example {
            call: r#"parse_money(" USD 1,234.50 ", "usd")"#,
            result: "1234.50"
        },
        Example {
            call: r#"parse_money("-$5", "USD")"#,
            result: "-5"
        },
        Example {
            call: r#"parse_money("12,50 EUR", "USD")"#,
            result: "error[E314]"
        },
        Example {
            call: r#"parse_money("¥1,234", "JPY")"#,
            result: "error[E315]"
        },
        Example {
            call: r#"parse_money("¥1,234", "JPY", decimal_mark: ".")"#,
            result: "1234"
        },
    ],
    |args| {
        let c = currency(args, 1)?;
        if let crate::value::Value::Number(_) = args.get(0) {
            return Ok(args.take(0));
        }
        let mark = decimal_mark(args, 2)?;
        let text = args.str(0)?;
        let (rest, sign1) = strip_sign(text);
        let rest = strip_currency(rest, c);
        let (rest, sign2) = strip_sign(rest);
        let rest = strip_currency(rest, c);
        if sign1.is_some() && sign2.is_some() {
            return Err(args.error(0, Code::Unparseable, format!("{text:?} has two signs")));
        }
        let negative = sign1.or(sign2) == Some(true);
        let amount = parse_numeral(rest, mark).map_err(|e| {
            if let Some(other) = other_currency(rest, c) {
                return args
                    .error(
                        0,
                        Code::Unparseable,
                        format!("{text:?} is in {other}, not in {}", c.code()),
                    )
                    .with_help(
                        "convert currencies before mapping, or read the currency from the record",
                    );
            }
            numeral_error(args, e, &format!("an amount in {}", c.code()))
        })?;
        Ok(number(if negative { -amount } else { amount }))
    }
);

/// Another currency's ISO code written in `text` (a three-letter word).
fn other_currency(text: &str, expected: Currency) -> Option<&'static str> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() == 3)
        .filter_map(|w| Currency::from_code(&w.to_ascii_uppercase()))
        .find(|c| *c != expected)
        .map(|c| c.code())
}

/// The integer types `parse_integer` can check against.
const INTEGER_RANGES: &[(&str, i128, i128)] = &[
    ("i8", i8::MIN as i128, i8::MAX as i128),
    ("i16", i16::MIN as i128, i16::MAX as i128),
    ("i32", i32::MIN as i128, i32::MAX as i128),
    ("i64", i64::MIN as i128, i64::MAX as i128),
    ("u8", 0, u8::MAX as i128),
    ("u16", 0, u16::MAX as i128),
    ("u32", 0, u32::MAX as i128),
    ("u64", 0, u64::MAX as i128),
];

builtin!(
    Money,
    PARSE_INTEGER,
    "parse_integer",
    &[
        one("text", Ty::STRING.or(Ty::NUMBER)),
        opt("range", Ty::STRING)
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "A whole number from plain digits with an optional sign (surrounding spaces allowed), checked against `range`: i8, i16, i32, i64 (when left out), u8, u16, u32, u64; out of range is an overflow error (E303), a fraction or other text is E314.",
    &[
        Example {
            call: r#"parse_integer(" 42 ")"#,
            result: "42"
        },
        Example {
            call: r#"parse_integer("-9223372036854775808")"#,
            result: "-9223372036854775808"
        },
        Example {
            call: r#"parse_integer("9223372036854775808")"#,
            result: "error[E303]"
        },
        Example {
            call: r#"parse_integer("300", "u8")"#,
            result: "error[E303]"
        },
        Example {
            call: r#"parse_integer("12.5")"#,
            result: "error[E314]"
        },
    ],
    |args| {
        let range = args.opt_str(1)?.unwrap_or("i64");
        let Some(&(name, min, max)) = INTEGER_RANGES.iter().find(|(n, _, _)| *n == range) else {
            let names: Vec<&str> = INTEGER_RANGES.iter().map(|(n, _, _)| *n).collect();
            return Err(args
                .error(1, Code::InvalidArgument, format!("unknown range `{range}`"))
                .with_help(format!("the ranges are {}", names.join(", "))));
        };
        let text = match args.get(0) {
            crate::value::Value::Number(n) => n.text().into_owned(),
            _ => args.str(0)?.trim().to_string(),
        };
        let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(args.error(
                0,
                Code::Unparseable,
                format!("`{text}` is not a whole number (digits with an optional sign)"),
            ));
        }
        let value = text
            .parse::<i128>()
            .ok()
            .filter(|v| (min..=max).contains(v));
        match value {
            Some(v) => Ok(number(Decimal::from_i128_with_scale(v, 0))),
            None => Err(args.error(
                0,
                Code::Overflow,
                format!("`{text}` is out of range for {name} ({min} to {max})"),
            )),
        }
    }
);

#[cfg(test)]
mod tests {
    #[test]
    fn currency_table_has_the_iso_exponents() {
        use iso_currency::Currency;
        let exponent = |c: &str| Currency::from_code(c).and_then(|c| c.exponent());
        assert_eq!(exponent("JPY"), Some(0));
        assert_eq!(exponent("KRW"), Some(0));
        assert_eq!(exponent("USD"), Some(2));
        assert_eq!(exponent("KWD"), Some(3));
        assert_eq!(exponent("BHD"), Some(3));
        assert_eq!(exponent("CLF"), Some(4));
        assert_eq!(exponent("XAU"), None);
        assert_eq!(Currency::from_code("XYZ"), None);
    }

    #[test]
    fn exact_quotients_only() {
        use super::exact_quotient;
        use rust_decimal::Decimal;
        let d = |s: &str| Decimal::from_str_exact(s).unwrap_or_default();
        assert_eq!(exact_quotient(d("1"), d("8")), Some(d("0.125")));
        assert_eq!(exact_quotient(d("1"), d("3")), None);
        assert_eq!(exact_quotient(d("1000"), d("453.59237")), None);
        assert_eq!(exact_quotient(d("1"), d("3600")), None);
        assert_eq!(exact_quotient(d("7200"), d("3600")), Some(d("2")));
        assert_eq!(
            exact_quotient(d("0.3048"), d("0.01")).map(|q| q.normalize()),
            Some(d("30.48"))
        );
        assert_eq!(exact_quotient(d("1"), d("0")), None);
        assert_eq!(exact_quotient(d("0"), d("7")), Some(d("0")));
    }
}
