//! Generated hostile mappings (issue 10, "keep finding them"): mappings
//! built from an arbitrary syntax tree, so that deep nesting and long
//! chains are reached (byte-level fuzz inputs capped at a few kilobytes
//! never reach them). Every stage runs on a 2 MiB thread and must end in a
//! result or a coded error, never a panic or an abort. A proptest, with a
//! bounded case count, so it runs in `cargo test` (cargo-fuzz needs a
//! nightly toolchain).

use mapc::Mapping;
use mapc::json::json;
use proptest::prelude::*;

/// An expression as text, from a generated tree.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(".a".to_string()),
        Just(".b.c".to_string()),
        Just(".xs".to_string()),
        Just("x".to_string()),
        (0i64..1000).prop_map(|n| n.to_string()),
        "[a-z]{0,8}".prop_map(|s| format!("{s:?}")),
        Just("null".to_string()),
        Just("true".to_string()),
    ];
    leaf.prop_recursive(24, 256, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "==", "and", "or", "??", "<"])
            )
                .prop_map(|(a, b, op)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("not {a}")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, t, e)| format!("if {c} then {t} else {e}")),
            inner.clone().prop_map(|a| format!("[{a}, {a}]")),
            inner.clone().prop_map(|a| format!("{{k: {a}}}")),
            inner.clone().prop_map(|a| format!("trim(to_string({a}))")),
            inner
                .clone()
                .prop_map(|a| format!("count(filter(.xs, y => y == {a}))")),
            inner.clone().prop_map(|a| format!("unique([{a}, 1, 1])")),
            inner
                .clone()
                .prop_map(|a| format!("match {a} {{ 1 => 2, _ => 3 }}")),
            inner
                .clone()
                .prop_map(|a| format!("for x in .xs {{ v = {a} }}")),
            inner.prop_map(|a| format!("pad_start(to_string({a}), 3)")),
        ]
    })
}

/// Deep or long shapes the tree rarely reaches by chance: nesting around
/// the limits, long `else if` chains, def chains.
fn shape() -> impl Strategy<Value = String> {
    prop_oneof![
        (1usize..300).prop_map(|n| format!("x = {}.a{}", "(".repeat(n), ")".repeat(n))),
        (1usize..200).prop_map(|n| "if .a { ".repeat(n) + "x = 1" + &" }".repeat(n)),
        (1usize..300).prop_map(|n| {
            let mut s = String::new();
            for i in 0..n {
                s.push_str(&format!("if .a == {i} {{ x = {i} }} else "));
            }
            s + "{ x = 0 }"
        }),
        (1usize..200).prop_map(|n| format!("x = {}1", "if .a then ".repeat(n))),
        (1usize..120).prop_map(|n| {
            let mut s = String::from("def f0(v) = v + 1\n");
            for i in 1..n {
                s.push_str(&format!("def f{i}(v) = f{}(v) + 1\n", i - 1));
            }
            s + &format!("x = f{}(.a)", n - 1)
        }),
    ]
}

fn mapping_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(expr(), 1..4).prop_map(|exprs| {
            exprs
                .iter()
                .enumerate()
                .map(|(i, e)| format!("f{i} = {e}\n"))
                .collect()
        }),
        2 => shape(),
    ]
}

/// Every stage on a 2 MiB thread: compile, format, describe, schema, apply.
fn run_all(source: String) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let _ = mapc::format(&source);
            let Ok(mapping) = Mapping::compile(&source) else {
                return;
            };
            let description = mapping.describe();
            let _ = description.to_markdown();
            let _ = mapping.schema();
            for record in [
                json!({}),
                json!({"a": 1, "b": {"c": "x"}, "xs": [1, 2, 2, "a"]}),
                json!({"a": "ab", "xs": []}),
                json!({"a": true, "xs": [[1], {"k": 1}]}),
            ] {
                let _ = mapping.apply(&record);
            }
        })
        .expect("spawn")
        .join()
        .expect("a stage panicked on a generated mapping");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_mappings_never_crash(source in mapping_text()) {
        run_all(source);
    }
}
