//! Identifiers, text hygiene, patterns and deterministic keys: the cases
//! integrations trip over.

mod common;

use common::map;
use mapc::json::{Value as Json, json};

fn one(source: &str, value: Json) -> String {
    map(source, json!({ "v": value }))
}

#[test]
fn uuids_are_normalised_or_refused() {
    let source = r#"x = normalize_uuid(.v)"#;
    let expected = r#"{"x":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}"#;
    for form in [
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 ",
    ] {
        assert_eq!(one(source, json!(form)), expected, "{form}");
    }
    for bad in [
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
        "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "",
    ] {
        assert!(one(source, json!(bad)).starts_with("E314: "), "{bad}");
    }
}

#[test]
fn emails_keep_the_local_part_and_lowercase_the_domain() {
    let source = r#"x = normalize_email(.v)"#;
    assert_eq!(
        one(source, json!(" O'Brien+Tag@Mail.Example.IE ")),
        r#"{"x":"O'Brien+Tag@mail.example.ie"}"#
    );
    for bad in [
        "plainaddress",
        "a@b",
        "a@-b.com",
        ".a@b.com",
        "a.@b.com",
        "a b@c.com",
        "a@b..com",
        "a@b.c",
        "a@1.123",
        "\"quoted\"@example.com",
    ] {
        let out = one(source, json!(bad));
        assert!(out.starts_with("E314: "), "{bad}: {out}");
    }
    let long_local = format!("{}@example.com", "a".repeat(65));
    assert!(one(source, json!(long_local)).starts_with("E314: "));
}

#[test]
fn countries_by_any_code_or_name() {
    let source = r#"
        a2 = country_alpha2(.v)
        a3 = country_alpha3(.v)
        name = country_name(.v)
    "#;
    for input in ["DE", "de", "DEU", "deu", "Germany", "GERMANY"] {
        assert_eq!(
            one(source, json!(input)),
            r#"{"a2":"DE","a3":"DEU","name":"Germany"}"#,
            "{input}"
        );
    }
    assert_eq!(
        one(source, json!("TW")),
        r#"{"a2":"TW","a3":"TWN","name":"Taiwan, Province of China"}"#
    );
    for bad in ["UK", "XX", "Deutschland", ""] {
        let out = one(r#"x = country_alpha2(.v)"#, json!(bad));
        assert!(out.starts_with("E320: "), "{bad}: {out}");
    }
}

#[test]
fn phones_to_e164() {
    let cases = [
        (json!({"v": "+49 30 1234567"}), "+49301234567"),
        (json!({"v": "0049-30-1234567"}), "+49301234567"),
        (json!({"v": "030/1234567", "cc": "49"}), "+49301234567"),
        (json!({"v": "(030) 123 4567", "cc": "+49"}), "+49301234567"),
        (json!({"v": "1 (415) 555-0100", "cc": 1}), "+14155550100"),
        (json!({"v": "415.555.0100", "cc": "1"}), "+14155550100"),
        (json!({"v": "07700 900123", "cc": "44"}), "+447700900123"),
        (json!({"v": "+44 (0)20 7946 0958"}), "+442079460958"),
        (json!({"v": "0049 (0)30 1234567"}), "+49301234567"),
    ];
    for (record, expected) in cases {
        assert_eq!(
            map(r#"x = normalize_phone(.v, .cc)"#, record.clone()),
            format!(r#"{{"x":"{expected}"}}"#),
            "{record}"
        );
    }
    for (record, code) in [
        (json!({"v": "030 1234567"}), "E315"),
        (json!({"v": "+49 30 1234567 ext. 12"}), "E314"),
        (json!({"v": "+1234"}), "E314"),
        (json!({"v": "+49 30 12345678901234"}), "E314"),
        (json!({"v": "12345678", "cc": "abc"}), "E308"),
    ] {
        let out = map(r#"x = normalize_phone(.v, .cc)"#, record.clone());
        assert!(out.starts_with(code), "{record}: {out}");
    }
}

#[test]
fn text_hygiene_for_legacy_targets() {
    let source = r#"
        nfc = normalize_nfc(.v) == "Café"
        nfc_length = length(normalize_nfc(.v))
        raw_length = length(.v) # user-perceived: e + combining accent is one
        ascii = to_ascii(.v)
        ascii_more = to_ascii("Łódź Ærø Øresund naïve – “quotes” 北京")
        clean = strip_control("a\u{0}\u{1b}[31mb\r\n\u{200b}c\u{85}")
        html = strip_html("<div class=\"x\">5 &lt; 6 &amp;&amp; <i>true</i></div><!-- note --><style>p{}</style>&unknown;")
        escaped = escape_html("O'Neil <b>")
        bytes = truncate_bytes("日本語", 7)
    "#;
    assert_eq!(
        one(source, json!("Cafe\u{301}")),
        r#"{"nfc":true,"nfc_length":4,"raw_length":4,"ascii":"Cafe","ascii_more":"Lodz AEro Oresund naive - \"quotes\" Bei Jing","clean":"a[31mb\r\nc","html":"5 < 6 && true &unknown;","escaped":"O&#39;Neil &lt;b&gt;","bytes":"日本"}"#
    );
}

#[test]
fn patterns_are_linear_time_and_errors_are_named() {
    // a pattern that backtracking engines take exponential time on
    let evil = format!("{}!", "a".repeat(5000));
    assert_eq!(
        one(r#"x = matches(.v, "^(a+)+$")"#, json!(evil)),
        r#"{"x":false}"#
    );
    assert_eq!(
        one(
            r#"x = regex_extract(.v, "(?P<year>\\d{4})-(?P<month>\\d{2})", "month")"#,
            json!("due 2026-03")
        ),
        r#"{"x":"03"}"#
    );
    assert_eq!(
        one(
            r#"x = regex_replace(.v, "(\\w+)@(\\w+)", "$2 at $1")"#,
            json!("ada@home")
        ),
        r#"{"x":"home at ada"}"#
    );
    let out = map(r#"x = matches(.v, .p)"#, json!({"v": "ab", "p": "(?<=a)b"}));
    assert!(
        out.starts_with("E308: `matches`: invalid regular expression"),
        "{out}"
    );
    let out = one(r#"x = matches(.v, "(?<=a)b")"#, json!("ab"));
    assert!(
        out.starts_with("E217: `matches`: invalid regular expression"),
        "{out}"
    );
    let out = one(r#"x = regex_extract(.v, "(a)", 2)"#, json!("a"));
    assert!(out.starts_with("E308: "), "{out}");
}

#[test]
fn constraints_name_the_value_and_the_limit() {
    assert_eq!(
        one(r#"x = check_length(.v, 1, 3)"#, json!("abcd")),
        "E321: `check_length`: length 4 is outside 1 to 3"
    );
    assert_eq!(
        one(r#"x = check_range(.v, 0, 100)"#, json!(100.01)),
        "E321: `check_range`: 100.01 is outside the range 0 to 100"
    );
    assert_eq!(
        one(r#"x = check_range(.v, null, 10)"#, json!(-5)),
        r#"{"x":-5}"#
    );
    assert_eq!(
        one(r#"x = check_length(.v, 2, 2)"#, json!(["a", "b"])),
        r#"{"x":["a","b"]}"#
    );
}

#[test]
fn deterministic_keys() {
    let source = r#"
        single = sha256_hex(.id)
        pair = sha256_hex(.id, .line)
        swapped = sha256_hex("ord_", "1", .line) == sha256_hex("ord", "_1", .line)
        absent = sha256_hex(.id, .nope)
        uuid = uuid_v5("url", .id, .line)
        uuid_again = uuid_v5("url", .id, .line) == uuid_v5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", .id, .line)
        b64 = base64_decode(base64_encode(.id, "url"), "url")
    "#;
    assert_eq!(
        map(source, json!({"id": "ord_1", "line": 2})),
        r#"{"single":"341fb35e2c016788d2106af198a41b2e61581e5d018095fb5abad7f58890c145","pair":"65e76d3e7024818a3a58b768c5bb4810389d328fc7e246fcd03c7e927778b973","swapped":false,"absent":null,"uuid":"b7ae7735-4f16-55fa-95c6-74da855b361c","uuid_again":true,"b64":"ord_1"}"#
    );
    let out = map(r#"x = base64_decode("/w==")"#, json!({}));
    assert!(out.starts_with("E314: "), "{out}");
}
