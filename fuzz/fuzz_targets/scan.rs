//! Arbitrary text (valid JSON or not) through the fast projected parse
//! behind `Mapping::read`: it must accept exactly what serde_json accepts,
//! and read the same value, for what each shipped mapping reads and for a
//! mapping that reads the whole record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapc::Mapping;
use std::sync::OnceLock;

const MAPPINGS: &[&str] = &[
    include_str!("../../benches/charges.map"),
    include_str!("../../tests/cli/apply_ndjson_errors/order.map"),
    include_str!("../mappings/everything.map"),
    // the whole record
    "all = .",
    // a few keys at a few depths, and arrays
    "a = .a.b\nc = for i in .c { d = i.d.e }\nf = .a.g",
];

fn mappings() -> &'static [Mapping] {
    static COMPILED: OnceLock<Vec<Mapping>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        MAPPINGS
            .iter()
            .map(|source| Mapping::compile(source).expect("a fuzz mapping compiles"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for mapping in mappings() {
        if let Err(difference) = mapping.fuzz_scanner_agrees(text) {
            panic!("{text:?}: {difference}");
        }
    }
});
