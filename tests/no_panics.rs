//! The library never panics on data: every built-in is called with awkward
//! values (empty, huge, negative zero, control characters, wrong types) in
//! every argument position, and must answer with a value or an error.

use mapc::Mapping;
use mapc::json::{Value as Json, json};
use mapc::stdlib::{FUNCTIONS, Ty};

fn samples() -> Vec<Json> {
    let big: Json = mapc::json::from_str("79228162514264337593543950335").expect("big");
    let bigger: Json = mapc::json::from_str("123456789012345678901234567890123").expect("bigger");
    let tiny: Json = mapc::json::from_str("0.0000000000000000000000000001").expect("tiny");
    let negative_zero: Json = mapc::json::from_str("-0").expect("-0");
    vec![
        json!(""),
        json!(" "),
        json!("-"),
        json!("0"),
        json!("１２"),
        json!("\u{0}\u{202e}"),
        json!("9".repeat(60)),
        json!("2026-03-29T02:30:00"),
        json!("2026-03-29T01:30:00Z"),
        json!("2024-02-29"),
        json!("P"),
        json!("%"),
        json!("(a"),
        json!("USD"),
        json!("Europe/Berlin"),
        json!("half_even"),
        json!("ms"),
        json!("<a&"),
        json!("é".repeat(10)),
        json!(0),
        json!(-1),
        json!(28),
        json!(1e300),
        big,
        bigger,
        tiny,
        negative_zero,
        json!(true),
        json!(null),
        json!([]),
        json!([1, "a", null]),
        json!({}),
    ]
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n
    }
}

#[test]
fn no_builtin_panics_on_awkward_values() {
    let samples = samples();
    let mut random = Lcg(7);
    let mut calls = 0;
    let mut compiled = 0;
    for function in FUNCTIONS {
        if function
            .params
            .iter()
            .any(|p| p.ty == Ty::TABLE || p.ty == Ty::LAMBDA)
        {
            continue;
        }
        let (min, max) = function.arity();
        let max = max.unwrap_or(min + 3).max(min);
        for count in min..=max {
            let args: Vec<String> = (0..count).map(|i| format!(".a{i}")).collect();
            let source = format!("x = {}({})", function.name, args.join(", "));
            let Ok(mapping) = Mapping::compile(&source) else {
                continue;
            };
            compiled += 1;
            // each position through every sample, the others random
            for position in 0..count.max(1) {
                for sample in &samples {
                    let mut record = mapc::json::Map::new();
                    for i in 0..count {
                        let value = if i == position {
                            sample.clone()
                        } else {
                            samples[random.next(samples.len())].clone()
                        };
                        record.insert(format!("a{i}"), value);
                    }
                    let record = Json::Object(record);
                    calls += 1;
                    let outcome = std::panic::catch_unwind(|| mapping.apply(&record).is_ok());
                    assert!(
                        outcome.is_ok(),
                        "{} panicked on {record}",
                        function.signature()
                    );
                }
            }
        }
    }
    // every plain built-in was reached at each arity it takes
    assert!(
        compiled >= FUNCTIONS.len(),
        "only {compiled} mappings compiled"
    );
    assert!(calls > 5_000, "only {calls} calls");
}
