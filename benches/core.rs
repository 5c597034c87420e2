//! `cargo bench`: the core of mapc without the CLI.
//!
//! * `compile/300_lines`: checking and lowering a 300-line mapping (target:
//!   under 5 ms).
//! * `apply/charges/*`: one Stripe-like record (`benches/charge.json`, as
//!   made by the peer benchmark's generator) through `benches/charges.map`:
//!   parsed whole into `mapc::json::Value`, mapped and serialised (what a
//!   caller with a `Value` in hand does), or read with `Mapping::read` and
//!   written with `Bound::apply_record_to` (what `mapc apply` does per
//!   NDJSON line); `eval_only` maps an already read record.

use criterion::{Criterion, criterion_group, criterion_main};
use mapc::{Env, Mapping};
use std::hint::black_box;

mod mappings;
use mappings::big_mapping;

const CHARGES: &str = include_str!("charges.map");
const RECORD: &str = include_str!("charge.json");

fn compile(c: &mut Criterion) {
    let source = big_mapping();
    assert!(
        Mapping::compile(&source).is_ok(),
        "the 300-line mapping compiles"
    );
    c.bench_function("compile/300_lines", |b| {
        b.iter(|| Mapping::compile(black_box(&source)).is_ok())
    });
    c.bench_function("compile/charges", |b| {
        b.iter(|| Mapping::compile(black_box(CHARGES)).is_ok())
    });
}

fn apply(c: &mut Criterion) {
    let mapping = Mapping::compile(CHARGES).expect("charges.map compiles");
    let env = Env::new();
    let bound = mapping.bind(&env).expect("no parameters");
    let mut out = Vec::with_capacity(1024);
    c.bench_function("apply/charges/full_parse", |b| {
        b.iter(|| {
            let record: mapc::json::Value =
                mapc::json::from_str(black_box(RECORD)).expect("valid JSON");
            let value = bound.apply(&record).expect("maps");
            out.clear();
            mapc::json::to_writer(&mut out, &value).expect("serialises");
        })
    });
    c.bench_function("apply/charges/read_and_write", |b| {
        b.iter(|| {
            let record = mapping.read(black_box(RECORD)).expect("valid JSON");
            out.clear();
            bound
                .apply_record_to(&record, None, &mut out)
                .expect("maps");
        })
    });
    let record = mapping.read(RECORD).expect("valid JSON");
    c.bench_function("apply/charges/eval_only", |b| {
        b.iter(|| {
            out.clear();
            bound
                .apply_record_to(black_box(&record), None, &mut out)
                .is_ok()
        })
    });
}

criterion_group!(benches, compile, apply);
criterion_main!(benches);
