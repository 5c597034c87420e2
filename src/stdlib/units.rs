//! Units of measure: mass, length, volume and temperature, with exact
//! decimal factors (the international yard and pound of 1959, the US
//! gallon of 231 cubic inches, the imperial gallon of 4.54609 litres). A
//! result with no exact decimal (°F → °C, g → lb) is an error unless the
//! mapping names places and a rounding mode.

use super::args::{Args, FnError, choices_help, number};
use super::number::{round_to, rounding_mode};
use super::signature::{Absent, Example, Ty};
use super::{builtin, one, opt};
use crate::diagnostics::Code;
use rust_decimal::Decimal;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dimension {
    Mass,
    Length,
    Volume,
    Temperature,
}

impl Dimension {
    fn name(self) -> &'static str {
        match self {
            Dimension::Mass => "mass",
            Dimension::Length => "length",
            Dimension::Volume => "volume",
            Dimension::Temperature => "temperature",
        }
    }
}

/// A unit: names, dimension, and its size in the dimension's base unit
/// (gram, metre, millilitre) as decimal text; temperatures are converted
/// through kelvin by formula.
struct Unit {
    names: &'static [&'static str],
    dimension: Dimension,
    factor: &'static str,
}

const UNITS: &[Unit] = &[
    Unit {
        names: &["kg", "kilogram", "kilograms"],
        dimension: Dimension::Mass,
        factor: "1000",
    },
    Unit {
        names: &["g", "gram", "grams"],
        dimension: Dimension::Mass,
        factor: "1",
    },
    Unit {
        names: &["mg", "milligram", "milligrams"],
        dimension: Dimension::Mass,
        factor: "0.001",
    },
    Unit {
        names: &["lb", "lbs", "pound", "pounds"],
        dimension: Dimension::Mass,
        factor: "453.59237",
    },
    Unit {
        names: &["oz", "ounce", "ounces"],
        dimension: Dimension::Mass,
        factor: "28.349523125",
    },
    Unit {
        names: &["km", "kilometre", "kilometer"],
        dimension: Dimension::Length,
        factor: "1000",
    },
    Unit {
        names: &["m", "metre", "meter", "metres", "meters"],
        dimension: Dimension::Length,
        factor: "1",
    },
    Unit {
        names: &["cm", "centimetre", "centimeter"],
        dimension: Dimension::Length,
        factor: "0.01",
    },
    Unit {
        names: &["mm", "millimetre", "millimeter"],
        dimension: Dimension::Length,
        factor: "0.001",
    },
    Unit {
        names: &["in", "inch", "inches"],
        dimension: Dimension::Length,
        factor: "0.0254",
    },
    Unit {
        names: &["ft", "foot", "feet"],
        dimension: Dimension::Length,
        factor: "0.3048",
    },
    Unit {
        names: &["yd", "yard", "yards"],
        dimension: Dimension::Length,
        factor: "0.9144",
    },
    Unit {
        names: &["mi", "mile", "miles"],
        dimension: Dimension::Length,
        factor: "1609.344",
    },
    Unit {
        names: &["l", "litre", "liter", "litres", "liters"],
        dimension: Dimension::Volume,
        factor: "1000",
    },
    Unit {
        names: &["ml", "millilitre", "milliliter"],
        dimension: Dimension::Volume,
        factor: "1",
    },
    Unit {
        names: &["us_gal", "us_gallon"],
        dimension: Dimension::Volume,
        factor: "3785.411784",
    },
    Unit {
        names: &["imp_gal", "imperial_gallon"],
        dimension: Dimension::Volume,
        factor: "4546.09",
    },
    Unit {
        names: &["us_fl_oz"],
        dimension: Dimension::Volume,
        factor: "29.5735295625",
    },
    Unit {
        names: &["c", "°c", "celsius"],
        dimension: Dimension::Temperature,
        factor: "",
    },
    Unit {
        names: &["f", "°f", "fahrenheit"],
        dimension: Dimension::Temperature,
        factor: "",
    },
    Unit {
        names: &["k", "kelvin"],
        dimension: Dimension::Temperature,
        factor: "",
    },
];

/// Names that mean two different units.
const AMBIGUOUS: &[(&str, &str)] = &[
    ("gal", "us_gal (3.785411784 l) or imp_gal (4.54609 l)"),
    ("gallon", "us_gal (3.785411784 l) or imp_gal (4.54609 l)"),
    ("fl_oz", "us_fl_oz, or oz for mass"),
];

fn unit(args: &Args<'_>, i: usize) -> Result<&'static Unit, FnError> {
    let name = args.str(i)?.trim().to_lowercase();
    if let Some((_, choices)) = AMBIGUOUS.iter().find(|(n, _)| *n == name) {
        return Err(args
            .error(i, Code::Ambiguous, format!("unit `{name}` is ambiguous"))
            .with_help(format!("say {choices}")));
    }
    UNITS
        .iter()
        .find(|u| u.names.contains(&name.as_str()))
        .ok_or_else(|| {
            let names = UNITS.iter().flat_map(|u| u.names.iter().copied());
            args.error(i, Code::InvalidArgument, format!("unknown unit `{name}`"))
                .with_help(choices_help(&name, names))
        })
}

fn factor(u: &Unit) -> Result<Decimal, FnError> {
    Decimal::from_str_exact(u.factor)
        .map_err(|_| FnError::new(Code::InvalidArgument, "temperature has no factor"))
}

fn overflow() -> FnError {
    FnError::new(Code::Overflow, "the conversion overflows")
}

/// `a / b`: `Ok(Ok(q))` exact, `Ok(Err(q))` when `q` is only the nearest
/// 28-digit decimal.
fn divide(a: Decimal, b: Decimal) -> Result<Result<Decimal, Decimal>, FnError> {
    let q = a.checked_div(b).ok_or_else(overflow)?;
    Ok(super::money::exact_quotient(a, b).ok_or(q))
}

/// A temperature in kelvin, as `numerator / denominator`.
fn to_kelvin(name: &str, v: Decimal) -> Result<(Decimal, Decimal), FnError> {
    let c = |d: Decimal| d.checked_add(Decimal::new(27315, 2)).ok_or_else(overflow);
    Ok(match name {
        "c" => (c(v)?, Decimal::ONE),
        // K = (F − 32) × 5/9 + 273.15 = ((F − 32) × 5 + 2458.35) / 9
        "f" => {
            let n = v
                .checked_sub(Decimal::from(32))
                .and_then(|d| d.checked_mul(Decimal::from(5)))
                .and_then(|d| d.checked_add(Decimal::new(245835, 2)))
                .ok_or_else(overflow)?;
            (n, Decimal::from(9))
        }
        _ => (v, Decimal::ONE),
    })
}

/// Kelvin `n / d` in the unit `name`, as `numerator / denominator`.
fn from_kelvin(name: &str, n: Decimal, d: Decimal) -> Result<(Decimal, Decimal), FnError> {
    let kelvin_offset = Decimal::new(27315, 2).checked_mul(d).ok_or_else(overflow)?;
    Ok(match name {
        "c" => (n.checked_sub(kelvin_offset).ok_or_else(overflow)?, d),
        // F = (K − 273.15) × 9/5 + 32
        "f" => {
            let num = n
                .checked_sub(kelvin_offset)
                .and_then(|x| x.checked_mul(Decimal::from(9)))
                .and_then(|x| x.checked_add(Decimal::from(32 * 5).checked_mul(d)?))
                .ok_or_else(overflow)?;
            (num, d.checked_mul(Decimal::from(5)).ok_or_else(overflow)?)
        }
        _ => (n, d),
    })
}

builtin!(
    Units,
    CONVERT_UNIT,
    "convert_unit",
    &[
        one("value", Ty::NUMBER),
        one("from", Ty::STRING).read_with(|a, i| unit(a, i).map(drop)),
        one("to", Ty::STRING).read_with(|a, i| unit(a, i).map(drop)),
        opt("places", Ty::NUMBER),
        opt("mode", Ty::STRING).read_with(|a, i| rounding_mode(a, i).map(drop))
    ],
    Ty::NUMBER,
    Absent::Propagate,
    "Converts between units of one dimension — mass kg g mg lb oz; length km m cm mm in ft yd mi; volume l ml us_gal imp_gal us_fl_oz (`gal` alone is ambiguous); temperature c f k — exactly (an exact result is written without trailing zeros); a result with no exact decimal is E316 unless `places` and a rounding `mode` (see `round`) are given.",
    &[
        Example {
            call: r#"convert_unit(2, "lb", "kg")"#,
            result: "0.90718474"
        },
        Example {
            call: r#"convert_unit(12, "in", "cm")"#,
            result: "30.48"
        },
        Example {
            call: r#"convert_unit(1, "kg", "lb")"#,
            result: "error[E316]"
        },
        Example {
            call: r#"convert_unit(1, "kg", "lb", 4, "half_even")"#,
            result: "2.2046"
        },
        Example {
            call: r#"convert_unit(100, "C", "F")"#,
            result: "212"
        },
        Example {
            call: r#"convert_unit(100, "°F", "°C", 2, "half_up")"#,
            result: "37.78"
        },
        Example {
            call: r#"convert_unit(1, "gal", "l")"#,
            result: "error[E217]"
        },
        Example {
            call: r#"convert_unit(1, "kg", "m")"#,
            result: "error[E308]"
        },
    ],
    |args| {
        let value = args.decimal(0)?;
        let from = unit(args, 1)?;
        let to = unit(args, 2)?;
        if from.dimension != to.dimension {
            return Err(args.error(
                2,
                Code::InvalidArgument,
                format!(
                    "cannot convert {} ({}) to {} ({})",
                    from.names[0],
                    from.dimension.name(),
                    to.names[0],
                    to.dimension.name()
                ),
            ));
        }
        let (n, d) = if from.dimension == Dimension::Temperature {
            let (n, d) = to_kelvin(from.names[0], value)?;
            if n.is_sign_negative() && !n.is_zero() {
                return Err(args.error(
                    0,
                    Code::InvalidArgument,
                    format!("{value} {} is below absolute zero", from.names[0]),
                ));
            }
            from_kelvin(to.names[0], n, d)?
        } else {
            let n = value.checked_mul(factor(from)?).ok_or_else(overflow)?;
            (n, factor(to)?)
        };
        let rounding = match args.opt_str(4)? {
            Some(_) => Some(rounding_mode(args, 4)?),
            None => None,
        };
        let places_given = args.opt_count(3)?.is_some();
        match (divide(n, d)?, rounding) {
            (Ok(exact), None) if !places_given => Ok(number(exact.normalize())),
            (Ok(q) | Err(q), Some(mode)) if places_given => round_to(args, q, 3, mode).map(number),
            (Err(_), None) if !places_given => Err(args
                .error(
                    0,
                    Code::InexactConversion,
                    format!(
                        "{value} {} in {} has no exact decimal",
                        from.names[0], to.names[0]
                    ),
                )
                .with_help("give places and a rounding mode, as in `convert_unit(x, \"kg\", \"lb\", 3, \"half_even\")`")),
            _ => Err(args.error(
                3,
                Code::InvalidArgument,
                "give both `places` and `mode`, or neither",
            )),
        }
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_factor_is_an_exact_decimal() {
        for u in UNITS {
            if u.dimension != Dimension::Temperature {
                assert!(Decimal::from_str_exact(u.factor).is_ok(), "{}", u.names[0]);
            }
        }
    }
}
