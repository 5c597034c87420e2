//! Money and human-written numbers: the nasty cases (negative amounts,
//! `-0`, 28-digit decimals, JPY and KWD, unknown currencies, ambiguous
//! separators), checked digit for digit.

mod common;

use common::map;
use mapc::json::{Value as Json, json};

fn json(text: &str) -> Json {
    mapc::json::from_str(text).expect("test JSON")
}

#[test]
fn minor_units_follow_the_iso_exponent() {
    let source = r#"
        usd = from_minor_units(.cents, "usd")
        jpy = from_minor_units(.cents, "JPY")
        kwd = from_minor_units(.cents, "KWD")
        clf = from_minor_units(.cents, "CLF")
        back_usd = to_minor_units(from_minor_units(.cents, "USD"), "USD")
        back_kwd = to_minor_units(from_minor_units(.cents, "KWD"), "KWD")
    "#;
    assert_eq!(
        map(source, json(r#"{"cents": 1234}"#)),
        r#"{"usd":12.34,"jpy":1234,"kwd":1.234,"clf":0.1234,"back_usd":1234,"back_kwd":1234}"#
    );
    assert_eq!(
        map(source, json(r#"{"cents": -1}"#)),
        r#"{"usd":-0.01,"jpy":-1,"kwd":-0.001,"clf":-0.0001,"back_usd":-1,"back_kwd":-1}"#
    );
    assert_eq!(
        map(source, json(r#"{"cents": 0}"#)),
        r#"{"usd":0.00,"jpy":0,"kwd":0.000,"clf":0.0000,"back_usd":0,"back_kwd":0}"#
    );
}

#[test]
fn jq_floor_trap_is_exact() {
    // in binary floating point 19.99 * 100 is 1998.9999999999998
    assert_eq!(
        map(
            r#"cents = to_minor_units(.price, "USD")
               floor = round(.price * 100, 0, "floor")"#,
            json(r#"{"price": 19.99}"#)
        ),
        r#"{"cents":1999,"floor":1999}"#
    );
}

#[test]
fn unknown_and_unitless_currencies_are_errors() {
    let out = map(
        r#"a = from_minor_units(1, .cur)"#,
        json(r#"{"cur": "usdollar"}"#),
    );
    assert_eq!(
        out,
        "E313: `from_minor_units`: `usdollar` is not an ISO 4217 currency code"
    );
    let out = map(r#"a = to_minor_units(1, "XAU")"#, json("{}"));
    assert_eq!(
        out,
        "E313: `to_minor_units`: XAU (Gold (one troy ounce)) has no minor unit"
    );
}

#[test]
fn sub_minor_amounts_need_an_explicit_rounding() {
    let out = map(r#"a = to_minor_units(.x, "JPY")"#, json(r#"{"x": 12.5}"#));
    assert_eq!(
        out,
        "E316: `to_minor_units`: 12.5 JPY has more than 0 decimals: it is not a whole number of minor units"
    );
    assert_eq!(
        map(
            r#"even = round_money(.x, "JPY", "half_even")
               up = round_money(.x, "JPY", "half_up")
               down = round_money(.x, "JPY", "half_down")
               ceiling = round_money(-2.5, "JPY", "ceiling")
               floor = round_money(-2.5, "JPY", "floor")
               away = round_money(-2.5, "JPY", "up")
               toward = round_money(-2.5, "JPY", "down")"#,
            json(r#"{"x": 12.5}"#)
        ),
        r#"{"even":12,"up":13,"down":12,"ceiling":-2,"floor":-3,"away":-3,"toward":-2}"#
    );
}

#[test]
fn negative_zero_is_written_as_zero_when_computed() {
    assert_eq!(
        map(
            r#"copied = .z
               computed = .z + 0
               rounded = round(-0.004, 2, "half_even")
               money = round_money(-0.0004, "KWD", "half_up")
               negated = -0
               parsed = parse_number("-0,00")
               text = format_decimal(-0.004, 2, "half_even")"#,
            json(r#"{"z": -0}"#)
        ),
        // a number copied from the input keeps its text exactly
        r#"{"copied":-0,"computed":0,"rounded":0.00,"money":0.000,"negated":0,"parsed":0.00,"text":"0.00"}"#
    );
}

#[test]
fn twenty_eight_digits_are_exact_and_more_are_errors() {
    assert_eq!(
        map(
            r#"big = from_minor_units(.max, "USD")
               sum = .a + .b
               rounded = round(.a, 27, "half_even")"#,
            json(
                r#"{"max": 79228162514264337593543950335,
                    "a": 0.1234567890123456789012345678,
                    "b": 0.0000000000000000000000000001}"#
            )
        ),
        r#"{"big":792281625142643375935439503.35,"sum":0.1234567890123456789012345679,"rounded":0.123456789012345678901234568}"#
    );
    assert_eq!(
        map(
            r#"a = to_minor_units(.max, "USD")"#,
            json(r#"{"max": 79228162514264337593543950335}"#)
        ),
        "E303: `to_minor_units`: 79228162514264337593543950335 × 100 overflows"
    );
    let out = map(
        r#"a = parse_number(.t)"#,
        json(r#"{"t": "792,281,625,142,643,375,935,439,503,350"}"#),
    );
    assert!(out.starts_with("E306: "), "{out}");
}

#[test]
fn scale_is_kept_and_strings_on_request() {
    assert_eq!(
        map(
            r#"amount = .amount
               doubled = .amount * 2
               as_text = to_string(.amount)
               formatted = format_decimal(.amount, 3, "half_even")
               german = format_decimal(1234567.5, 2, "half_even", ",", ".")
               swiss = format_decimal(1234567.5, 2, "half_even", ".", "'")
               big_id = .id"#,
            json(r#"{"amount": 12.50, "id": 123456789012345678901234567890}"#)
        ),
        r#"{"amount":12.50,"doubled":25.00,"as_text":"12.50","formatted":"12.500","german":"1.234.567,50","swiss":"1'234'567.50","big_id":123456789012345678901234567890}"#
    );
}

#[test]
fn human_numbers_state_their_conventions_and_refuse_to_guess() {
    let source = r#"x = parse_number(.t)"#;
    let cases = [
        ("1,234.56", r#"{"x":1234.56}"#),
        ("1.234,56", r#"{"x":1234.56}"#),
        ("1 234 567,5", r#"{"x":1234567.5}"#),
        ("1\u{a0}234,5", r#"{"x":1234.5}"#),
        ("1'234.5", r#"{"x":1234.5}"#),
        ("  -12  ", r#"{"x":-12}"#),
        ("(1,234.00)", r#"{"x":-1234.00}"#),
        ("0.125", r#"{"x":0.125}"#),
        ("12,5", r#"{"x":12.5}"#),
    ];
    for (text, expected) in cases {
        assert_eq!(map(source, json!({ "t": text })), expected, "{text}");
    }
    assert_eq!(
        map(source, json!({"t": "1,234"})),
        "E315: `parse_number`: \"1,234\" is ambiguous: it could be 1234 (`,` as thousands separator) or 1.234 (`,` as decimal mark, `.` for thousands)"
    );
    for bad in [
        "1,2345,678",
        "12.34.56,7,8",
        "1.2e3",
        "--1",
        "",
        "12 %",
        "1,,2",
    ] {
        let out = map(source, json!({ "t": bad }));
        assert!(out.starts_with("E314: "), "{bad}: {out}");
        assert!(out.contains(&format!("{bad:?}")), "names the value: {out}");
    }
}

#[test]
fn money_strings_carry_their_own_currency_only() {
    let source = r#"x = parse_money(.t, .c)"#;
    let cases = [
        ("€ 1.234,56", "EUR", r#"{"x":1234.56}"#),
        ("1.234,56 €", "EUR", r#"{"x":1234.56}"#),
        ("eur 12,50", "EUR", r#"{"x":12.50}"#),
        ("-$1,234.50", "USD", r#"{"x":-1234.50}"#),
        ("$-5.00", "USD", r#"{"x":-5.00}"#),
        ("(USD 5.00)", "USD", r#"{"x":-5.00}"#),
        ("KWD 1.250", "KWD", "E315"),
        ("£0.99", "GBP", r#"{"x":0.99}"#),
    ];
    for (text, currency, expected) in cases {
        let out = map(source, json!({ "t": text, "c": currency }));
        assert!(out.starts_with(expected), "{text}: {out}");
    }
    for (text, currency) in [("12.50 EUR", "USD"), ("€12", "USD"), ("-$-5", "USD")] {
        let out = map(source, json!({ "t": text, "c": currency }));
        assert!(out.starts_with("E314: "), "{text}: {out}");
    }
    assert_eq!(
        map(source, json!({"t": "12,50 EUR", "c": "USD"})),
        "E314: `parse_money`: \"12,50 EUR\" is in EUR, not in USD"
    );
    let out = map(source, json!({"t": "12", "c": "EURO"}));
    assert!(out.starts_with("E313: "), "{out}");
}

#[test]
fn integers_are_range_checked() {
    let source = r#"x = parse_integer(.t, .r)"#;
    let cases = [
        ("127", "i8", r#"{"x":127}"#),
        ("128", "i8", "E303"),
        ("-1", "u64", "E303"),
        (
            "18446744073709551615",
            "u64",
            r#"{"x":18446744073709551615}"#,
        ),
        ("+7", "i16", r#"{"x":7}"#),
        ("1,000", "i64", "E314"),
        ("1.0", "i64", "E314"),
        ("99999999999999999999999999999999999999999", "i64", "E303"),
    ];
    for (text, range, expected) in cases {
        let out = map(source, json!({ "t": text, "r": range }));
        assert!(out.starts_with(expected), "{text} {range}: {out}");
    }
    let out = map(source, json!({"t": "1", "r": "int"}));
    assert!(out.starts_with("E308: "), "{out}");
}

#[test]
fn percent_and_basis_points_move_the_point_exactly() {
    assert_eq!(
        map(
            r#"pct = to_percent(.rate)
               back = from_percent(to_percent(.rate))
               bps = to_basis_points(.rate)
               tax = percent_of(.net, 19)
               text = from_percent("19 %")
               tiny = from_basis_points(0.5)"#,
            json(r#"{"rate": 0.0725, "net": 100.10}"#)
        ),
        r#"{"pct":7.25,"back":0.0725,"bps":725,"tax":19.0190,"text":0.19,"tiny":0.00005}"#
    );
}
