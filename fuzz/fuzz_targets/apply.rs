//! Arbitrary JSON records against the shipped mappings: never a panic, the
//! projected read (`Mapping::read`, as `mapc apply` streams) maps every
//! record exactly as the full parse does, and `Bound::apply_record_to`
//! writes exactly the bytes serde_json writes for that output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapc::{Env, Mapping};
use std::sync::OnceLock;

const MAPPINGS: &[&str] = &[
    include_str!("../../benches/charges.map"),
    include_str!("../../tests/cli/apply_ndjson_errors/order.map"),
    include_str!("../../tests/cli/param_good/invoice.map"),
    include_str!("../mappings/everything.map"),
];

/// Each mapping with a value for every parameter it declares.
fn mappings() -> &'static [(Mapping, Env)] {
    static COMPILED: OnceLock<Vec<(Mapping, Env)>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        MAPPINGS
            .iter()
            .map(|source| {
                let mapping = Mapping::compile(source).expect("a shipped mapping compiles");
                let mut env = Env::new();
                for param in mapping.params() {
                    let value = match param.ty {
                        "string" => mapc::json::json!("t"),
                        "number" => mapc::json::json!(2),
                        "bool" => mapc::json::json!(true),
                        _ => mapc::json::json!(null),
                    };
                    env.set_param(param.name, value);
                }
                (mapping, env)
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if mapc::json::from_str(text).is_err() {
        return;
    }
    // the whole parse as mapc reads a document: numbers keep their text
    // (`1E5` stays `1E5`, where serde_json re-spells it `1e+5`), and a key
    // twice is refused (E411), where serde_json keeps the last value
    let full = match mapc::parse_json(text) {
        Ok(full) => full,
        Err(e) => {
            assert!(e.to_string().starts_with("duplicate key"), "{e}");
            return;
        }
    };
    for (mapping, env) in mappings() {
        let whole = mapping.apply_with(&full, env);
        let record = match mapping.read(text) {
            Ok(record) => record,
            // a key twice: serde_json keeps the last value, mapc refuses
            // the record (E411, issue 10 §4), in the projection and the
            // whole parse alike
            Err(e) if e.to_string().starts_with("duplicate key") => {
                assert!(
                    mapc::parse_json(text).is_err(),
                    "only the projection refuses"
                );
                return;
            }
            Err(e) => panic!("a text serde_json parses is a text the projection parses: {e}"),
        };
        let bound = mapping.bind(env).expect("every parameter has a value");
        let part = bound.apply_record(&record);
        let mut written = Vec::new();
        match (&part, bound.apply_record_to(&record, None, &mut written)) {
            (Ok(json), Ok(())) => assert_eq!(
                written,
                mapc::json::to_vec(json).expect("serialises"),
                "apply_record_to wrote other bytes"
            ),
            (Err(_), Err(_)) => assert!(written.is_empty(), "a failed record wrote output"),
            (a, b) => panic!("apply_record_to changed the outcome: {a:?} vs {b:?}"),
        }
        match (whole, part) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "projection changed the output"),
            (Err(a), Err(b)) => assert_eq!(a.errors.len(), b.errors.len()),
            (a, b) => panic!("projection changed the outcome: {a:?} vs {b:?}"),
        }
    }
});
