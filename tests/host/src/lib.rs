//! A host crate, as a Rust service that embeds mapc is: it depends on mapc
//! (without the CLI) and on plain serde_json. Cargo unifies a crate's
//! features over everything in one build, so had mapc turned on serde_json's
//! `arbitrary_precision` or `preserve_order`, this crate's own JSON would
//! change. The tests hold both sides in one binary: the host's serde_json
//! behaves as serde_json does by default, and mapc still keeps numbers'
//! texts and keys' order.

#[cfg(test)]
mod tests {
    use mapc::Mapping;

    #[test]
    fn the_hosts_serde_json_keeps_its_defaults() {
        // without `preserve_order` a parsed object's keys come out sorted
        let object: serde_json::Value =
            serde_json::from_str(r#"{"z": 1, "a": 2, "m": 3}"#).expect("parses");
        let keys: Vec<&String> = object.as_object().expect("an object").keys().collect();
        assert_eq!(keys, ["a", "m", "z"]);
        assert_eq!(object.to_string(), r#"{"a":2,"m":3,"z":1}"#);
        // without `arbitrary_precision` a number with a fraction is an f64,
        // with no text of its own
        let one: serde_json::Value = serde_json::from_str("1.0").expect("parses");
        assert!(one.is_f64() && !one.is_u64());
        assert_eq!(one.as_f64(), Some(1.0));
        let amount: serde_json::Value = serde_json::from_str("2.50").expect("parses");
        assert_eq!(amount.to_string(), "2.5");
        let exponent: serde_json::Value = serde_json::from_str("1E-2").expect("parses");
        assert_eq!(exponent.to_string(), "0.01");
        // an f64 cannot hold it (arbitrary_precision would keep the text)
        assert!(serde_json::from_str::<serde_json::Value>("1e400").is_err());
    }

    #[test]
    fn mapc_in_the_same_binary_maps_exactly_and_in_order() {
        let mapping =
            Mapping::compile("amount = .amount\nz = .z\na = .a\ntiny = .tiny").expect("compiles");
        let record =
            mapc::parse_json(r#"{"amount": 2.50, "z":1, "a":2, "tiny": 1E-2}"#).expect("parses");
        let out = mapping.apply(&record).expect("maps");
        assert_eq!(
            out.to_string(),
            r#"{"amount":2.50,"z":1,"a":2,"tiny":1E-2}"#
        );
        // written through the host's own serde_json, still exact
        assert_eq!(
            serde_json::to_string(&out).expect("serialises"),
            r#"{"amount":2.50,"z":1,"a":2,"tiny":1E-2}"#
        );
        // and read back through it into mapc's type
        let back: mapc::json::Value =
            serde_json::from_str(r#"{"amount": 2.50, "z": 1}"#).expect("deserialises");
        assert_eq!(back.to_string(), r#"{"amount":2.50,"z":1}"#);
    }

    #[test]
    fn a_hosts_serde_json_value_converts_with_its_own_semantics() {
        let host: serde_json::Value =
            serde_json::from_str(r#"{"z": 2.50, "a": 7}"#).expect("parses");
        let value = mapc::json::Value::from(host);
        // what the host's value held: sorted keys, the f64 2.5
        assert_eq!(value.to_string(), r#"{"a":7,"z":2.5}"#);
        let exact = mapc::parse_json(r#"{"z": 2.50, "a": 7}"#).expect("parses");
        let converted = serde_json::Value::try_from(exact).expect("converts");
        assert_eq!(converted.to_string(), r#"{"a":7,"z":2.5}"#);
    }

    /// mapc reads a number of any size as its text, where this host's
    /// serde_json refuses one no `f64` holds; the error of a bad record
    /// must name what is really wrong with it, where it is. (Found by the
    /// apply fuzz target: E400 "number out of range" for a record whose
    /// fault was a key twice. Only a build without `arbitrary_precision`
    /// shows it, which is why the test lives here.)
    #[test]
    fn a_huge_number_does_not_hide_the_real_error() {
        let twice = r#"{"id": "b", "amount": 2, "amount": 2E666666666666660}"#;
        let error = mapc::parse_json(twice).expect_err("a key twice");
        assert!(
            error.to_string().starts_with("duplicate key `amount`"),
            "{error}"
        );
        let digits = "1".repeat(400);
        let open = format!("{{\"a\": 1E400, \"b\":\n  [1e999, {digits}, }}");
        let brace = open
            .lines()
            .nth(1)
            .and_then(|l| l.find('}'))
            .expect("a brace")
            + 1;
        for error in [
            mapc::parse_json(&open).expect_err("a trailing comma"),
            mapc::json::from_str(&open).expect_err("a trailing comma"),
        ] {
            assert_eq!((error.line(), error.column()), (2, brace), "{error}");
            assert!(!error.to_string().contains("out of range"), "{error}");
        }
        // a number alone is read, as written
        let big = mapc::parse_json(r#"{"n": 2E666666666666660}"#).expect("reads");
        assert_eq!(big["n"].to_string(), "2E666666666666660");
    }
}
