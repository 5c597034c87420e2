//! Booleans and units of measure: every accepted spelling, the refusals,
//! exact factors and explicit rounding.

mod common;

use common::map;
use mapc::json::json;

#[test]
fn booleans_from_the_usual_spellings_only() {
    let source = r#"x = parse_bool(.v)"#;
    for yes in [
        json!("Y"),
        json!("yes"),
        json!("TRUE"),
        json!(" on "),
        json!("1"),
        json!(1),
        json!(true),
    ] {
        assert_eq!(map(source, json!({ "v": yes })), r#"{"x":true}"#, "{yes}");
    }
    for no in [
        json!("n"),
        json!("No"),
        json!("false"),
        json!("OFF"),
        json!("0"),
        json!(0),
        json!(false),
    ] {
        assert_eq!(map(source, json!({ "v": no })), r#"{"x":false}"#, "{no}");
    }
    for bad in [
        json!("yep"),
        json!("2"),
        json!(""),
        json!(" "),
        json!("t"),
        json!(1.5),
        json!(-1),
        json!("0.0"),
    ] {
        let out = map(source, json!({ "v": bad }));
        assert!(out.starts_with("E314: "), "{bad}: {out}");
    }
    // no value in, no value out
    assert_eq!(map(source, json!({})), r#"{"x":null}"#);
    assert_eq!(map(source, json!({"v": null})), r#"{"x":null}"#);
}

#[test]
fn booleans_back_to_the_target_spelling() {
    assert_eq!(
        map(
            r#"yn = format_bool(parse_bool(.v), "Y", "N")
               bit = format_bool(parse_bool(.v), 1, 0)
               word = format_bool(parse_bool(.v), "active", "inactive")"#,
            json!({"v": "yes"})
        ),
        r#"{"yn":"Y","bit":1,"word":"active"}"#
    );
    let out = map(r#"x = format_bool(.v, "Y", "N")"#, json!({"v": "yes"}));
    assert!(out.starts_with("E301: "), "{out}");
}

#[test]
fn unit_factors_are_exact() {
    let source = r#"
        kg = convert_unit(.lb, "lb", "kg")
        g = convert_unit(.oz, "oz", "g")
        lb = convert_unit(convert_unit(.lb, "lb", "kg"), "kg", "lb")
        cm = convert_unit(.inches, "in", "cm")
        ft = convert_unit(.mm, "mm", "ft", 3, "half_even")
        mi = convert_unit(1, "mi", "km")
        l = convert_unit(1, "us_gal", "l")
        imp = convert_unit(1, "imp_gal", "ml")
        ml = convert_unit(2.5, "l", "ml")
    "#;
    assert_eq!(
        map(
            source,
            json!({"lb": 10, "oz": 16, "inches": -1.5, "mm": 1000})
        ),
        r#"{"kg":4.5359237,"g":453.59237,"lb":10,"cm":-3.81,"ft":3.281,"mi":1.609344,"l":3.785411784,"imp":4546.09,"ml":2500}"#
    );
}

#[test]
fn temperatures_are_exact_or_rounded_by_name() {
    let source = r#"
        c_to_k = convert_unit(.c, "c", "k")
        c_to_f = convert_unit(.c, "celsius", "fahrenheit")
        f_to_c = convert_unit(.f, "°F", "°C", 1, "half_even")
        k_to_c = convert_unit(0, "K", "C")
        minus_forty = convert_unit(-40, "F", "C")
    "#;
    assert_eq!(
        map(source, json!({"c": 36.6, "f": 98.6})),
        r#"{"c_to_k":309.75,"c_to_f":97.88,"f_to_c":37.0,"k_to_c":-273.15,"minus_forty":-40}"#
    );
    let out = map(r#"x = convert_unit(1, "F", "C")"#, json!({}));
    assert_eq!(out, "E316: `convert_unit`: 1 f in c has no exact decimal");
}

#[test]
fn unit_mistakes_are_named() {
    let cases = [
        (
            r#"x = convert_unit(1, "gal", "l")"#,
            "E217: `convert_unit`: unit `gal` is ambiguous",
        ),
        (
            r#"x = convert_unit(1, "kg", "ft")"#,
            "E308: `convert_unit`: cannot convert kg (mass) to ft (length)",
        ),
        (
            r#"x = convert_unit(1, "stone", "kg")"#,
            "E217: `convert_unit`: unknown unit `stone`",
        ),
        (
            r#"x = convert_unit(-273.16, "C", "K")"#,
            "E308: `convert_unit`: -273.16 c is below absolute zero",
        ),
        (
            r#"x = convert_unit(-459.68, "F", "C", 2, "half_even")"#,
            "E308: `convert_unit`: -459.68 f is below absolute zero",
        ),
        (
            r#"x = convert_unit(1, "kg", "lb", 2)"#,
            "E308: `convert_unit`: give both `places` and `mode`, or neither",
        ),
        (
            r#"x = convert_unit(79228162514264337593543950335, "kg", "g")"#,
            "E303: `convert_unit`: the conversion overflows",
        ),
    ];
    for (source, expected) in cases {
        assert_eq!(map(source, json!({})), expected, "{source}");
    }
}
