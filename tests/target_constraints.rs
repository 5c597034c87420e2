//! Constraints on target fields: a value that breaks one fails the record
//! with E321 naming the field, the constraint and the value.

use mapc::Mapping;
use mapc::json::{Value as Json, json};

const SOURCE: &str = r#"
name     = .name | trim          required  max_length 10  min_length 2
country  = .country | upper      matches "^[A-Z]{2}$"
discount = .discount             between 0 and 100
status   = .status               one_of ["PAID", "PENDING"]
qty      = .qty                  is integer
due      = .due                  is date
tags     = .tags                 optional  max_length 2
"#;

fn map(source: &str, record: Json) -> String {
    let mapping = Mapping::compile(source).unwrap_or_else(|e| panic!("{e}"));
    match mapping.apply(&record) {
        Ok(out) => out.to_string(),
        Err(e) => e
            .errors
            .iter()
            .map(|r| {
                format!(
                    "{} [{}] {}",
                    r.code.as_str(),
                    r.target.as_deref().unwrap_or("-"),
                    r.message
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn good() -> Json {
    json!({"name": " Ada ", "country": "de", "discount": 12.5, "status": "PAID",
           "qty": 3, "due": "2026-02-28", "tags": ["a"]})
}

#[test]
fn a_valid_record_passes_unchanged() {
    assert_eq!(
        map(SOURCE, good()),
        r#"{"name":"Ada","country":"DE","discount":12.5,"status":"PAID","qty":3,"due":"2026-02-28","tags":["a"]}"#
    );
}

#[test]
fn every_broken_constraint_is_reported_with_field_and_value() {
    let bad = json!({"name": "Ada Lovelace-Byron", "country": "DEU", "discount": -0.01,
                     "status": "paid", "qty": 2.5, "due": "2026-02-30", "tags": ["a", "b", "c"]});
    assert_eq!(
        map(SOURCE, bad),
        [
            r#"E321 [name] field `name` breaks `max_length 10`: "Ada Lovelace-Byron": it has 18 characters"#,
            r#"E321 [country] field `country` breaks `matches "^[A-Z]{2}$"`: "DEU": it does not match"#,
            r#"E321 [discount] field `discount` breaks `between 0 and 100`: -0.01: it is less than 0"#,
            r#"E321 [status] field `status` breaks `one_of ["PAID","PENDING"]`: "paid": it is none of them"#,
            r#"E321 [qty] field `qty` breaks `is integer`: 2.5: it is written with a fraction"#,
            r#"E321 [due] field `due` breaks `is date`: "2026-02-30": it is not a YYYY-MM-DD date"#,
            r#"E321 [tags] field `tags` breaks `max_length 2`: ["a","b","c"]: it has 3 elements"#,
        ]
        .join("\n")
    );
}

#[test]
fn absent_values_are_left_to_the_field_s_option() {
    // constraints apply to values written; no value is the option's business
    let out = map(SOURCE, json!({"name": "Al"}));
    assert_eq!(
        out,
        r#"{"name":"Al","country":null,"discount":null,"status":null,"qty":null,"due":null}"#
    );
    let out = map(SOURCE, json!({"name": "A"}));
    assert_eq!(
        out,
        r#"E321 [name] field `name` breaks `min_length 2`: "A": it has 1 character"#
    );
}

#[test]
fn the_boundaries_are_inclusive() {
    let source = r#"x = .x  between -5 and 5.5"#;
    for ok in [json!(-5), json!(5.5), json!(0), json!(5.50)] {
        assert_eq!(map(source, json!({ "x": ok })), format!(r#"{{"x":{ok}}}"#));
    }
    assert!(map(source, json!({"x": 5.51})).starts_with("E321"));
    assert!(map(source, json!({"x": "3"})).contains("it applies to numbers, found a string"));
}

#[test]
fn option_words_stay_usable_as_field_names() {
    let source = r#"
        max_length = .a
        matches = .b   max_length 3
        is = .c
        between = .d
    "#;
    assert_eq!(
        map(source, json!({"a": 1, "b": "xy", "c": true, "d": 2})),
        r#"{"max_length":1,"matches":"xy","is":true,"between":2}"#
    );
}

#[test]
fn bad_constraints_are_compile_errors() {
    for (source, code) in [
        (r#"x = .x  matches "(a""#, "E212"),
        (r#"x = .x  between 10 and 1"#, "E212"),
        (r#"x = .x  one_of []"#, "E212"),
        (r#"x = .x  is text"#, "E215"),
        (r#"x = .x  max_length -1"#, "E100"),
    ] {
        let err = Mapping::compile(source).expect_err(source);
        let codes: Vec<&str> = err.diagnostics().iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(&code), "{source}: {codes:?}");
    }
}

#[test]
fn a_mapping_with_compiled_patterns_is_still_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    let mapping = Mapping::compile(r#"x = .x  matches "^a+$""#).expect("compiles");
    assert_send_sync(&mapping);
    let shared = std::sync::Arc::new(mapping);
    let handles: Vec<_> = (0..2)
        .map(|i| {
            let m = std::sync::Arc::clone(&shared);
            std::thread::spawn(move || m.apply(&json!({"x": "a".repeat(i + 1)})).is_ok())
        })
        .collect();
    for h in handles {
        assert!(h.join().expect("thread"));
    }
}
