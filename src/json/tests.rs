//! The JSON type against the texts mapc must keep exactly.

use super::{Error, Map, Number, Value, from_slice, from_str, json, to_string, to_string_pretty};

#[test]
fn numbers_keep_their_text() {
    for text in [
        "2.50",
        "1E-2",
        "1e+5",
        "-0",
        "0.10",
        "123456789012345678901234567890.000",
    ] {
        let value = from_str(text).expect("a number");
        assert_eq!(value.as_number().map(Number::as_str), Some(text));
        assert_eq!(value.to_string(), text);
        let nested = format!("{{\"a\": [{text}, {{\"b\": {text}}}]}}");
        let value = from_str(&nested).expect("an object");
        assert_eq!(
            value.to_string(),
            format!("{{\"a\":[{text},{{\"b\":{text}}}]}}")
        );
    }
    assert!("01".parse::<Number>().is_err());
    assert!("1.".parse::<Number>().is_err());
    assert!(" 1".parse::<Number>().is_err());
    assert_eq!(
        "1E-2".parse::<Number>().map(|n| n.to_string()),
        Ok("1E-2".into())
    );
    assert_ne!(json!(1.0), from_str("1.00").expect("a number"));
}

#[test]
fn objects_keep_their_key_order() {
    let value = from_str(r#"{"z": 1, "a": 2, "m": {"y": true, "b": null}}"#).expect("object");
    assert_eq!(
        value.to_string(),
        r#"{"z":1,"a":2,"m":{"y":true,"b":null}}"#
    );
    let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["z", "a", "m"]);
    let built = json!({"z": 1, "a": [1, "x", null], "m": {}});
    assert_eq!(built.to_string(), r#"{"z":1,"a":[1,"x",null],"m":{}}"#);
    // equal whatever the order, as serde_json's maps
    assert_eq!(json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1}));
}

#[test]
fn a_key_twice_keeps_its_first_place_and_last_value() {
    let value = from_str(r#"{"a": 1, "b": 2, "a": 3}"#).expect("object");
    assert_eq!(value.to_string(), r#"{"a":3,"b":2}"#);
    assert!(crate::parse_json(r#"{"a": 1, "a": 3}"#).is_err());
}

#[test]
fn errors_name_the_line_and_column() {
    let error: Error = from_str("{\n  \"a\": 1,\n  \"b\": }").expect_err("not JSON");
    assert_eq!((error.line(), error.column()), (3, 8));
    assert_eq!(error.message(), "expected value");
    assert_eq!(error.to_string(), "expected value at line 3 column 8");
    let error = crate::parse_json(r#"{"a": 1, "a": 3}"#).expect_err("a key twice");
    assert_eq!(error.message(), "duplicate key `a`");
    let error = from_slice(b"{\"a\": \"\xff\"}").expect_err("not UTF-8");
    assert!(error.message().contains("unicode"), "{error}");
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let error = from_str(&deep).expect_err("too deep");
    assert_eq!(error.message(), "recursion limit exceeded");
}

#[test]
fn written_as_serde_json_writes() {
    let value = json!({"s": "a\"b\\c\n\u{1}é", "n": [1, -2, 3.5], "t": true, "o": {"k": null}});
    assert_eq!(
        to_string(&value).expect("written"),
        r#"{"s":"a\"b\\c\n\u0001é","n":[1,-2,3.5],"t":true,"o":{"k":null}}"#
    );
    assert_eq!(
        to_string_pretty(&json!({"a": [1, {"b": 2.50}], "e": []})).expect("written"),
        "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2.5\n    }\n  ],\n  \"e\": []\n}"
    );
    let exact = from_str(r#"{"b": 2.50}"#).expect("object");
    assert_eq!(format!("{exact:#}"), "{\n  \"b\": 2.50\n}");
    assert_eq!(format!("{:?}", exact), "Object {\"b\": Number(2.50)}");
}

#[test]
fn accessors_and_indexing_as_serde_json() {
    let mut value = json!({"a": [10, {"b": "x"}], "n": 12, "f": 1.5});
    assert_eq!(value["a"][1]["b"], "x");
    assert_eq!(value["missing"]["deeper"], Value::Null);
    assert_eq!(value.get("n").and_then(Value::as_i64), Some(12));
    assert_eq!(value["f"].as_f64(), Some(1.5));
    assert!(value["f"].is_f64() && value["n"].is_u64());
    assert_eq!(value.pointer("/a/1/b"), Some(&json!("x")));
    assert_eq!(value.pointer("/a/01"), None);
    value["new"] = json!([1]);
    assert_eq!(value["new"], json!([1]));
    let mut map = Map::new();
    map.insert("k".into(), Value::from(1u8));
    assert_eq!(Value::Object(map), json!({"k": 1}));
}

#[test]
fn serde_round_trips_through_serde_json_exactly() {
    let value = from_str(r#"{"z": 2.50, "a": [1E-2, 12345678901234567890123]}"#).expect("object");
    let text = serde_json::to_string(&value).expect("serialised");
    assert_eq!(text, r#"{"z":2.50,"a":[1E-2,12345678901234567890123]}"#);
    let back: Value = serde_json::from_str(&text).expect("deserialised");
    assert_eq!(back.to_string(), text);
    // nested in a host's own type
    #[derive(serde::Deserialize)]
    struct Host {
        payload: Value,
    }
    let host: Host = serde_json::from_str(r#"{"payload": {"b": 1.10, "a": 1}}"#).expect("host");
    assert_eq!(host.payload.to_string(), r#"{"b":1.10,"a":1}"#);
}
