//! Hostile input (issue 10): deep nesting, long chains, huge sizes and
//! quadratic traps must end in a coded error or a result, never in an
//! abort (stack overflow, out of memory) or a stall. Each test here failed
//! before its fix. The stack tests run on a 2 MiB thread, the stack a
//! library user's thread (and `mapc apply`'s NDJSON workers) has.

use mapc::json::{Value as Json, json};
use mapc::{Env, Mapping};

/// Runs `f` on a thread with a 2 MiB stack, as a library user's thread has.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the thread panicked")
}

/// The codes of a compile error, or of a record's errors.
fn compile_codes(source: String) -> Result<Mapping, Vec<String>> {
    Mapping::compile(&source).map_err(|e| {
        e.diagnostics()
            .iter()
            .map(|d| d.code.as_str().to_string())
            .collect()
    })
}

fn apply_codes(mapping: &Mapping, record: &Json) -> Result<Json, Vec<String>> {
    mapping.apply_with(record, &Env::new()).map_err(|e| {
        e.errors
            .iter()
            .map(|r| r.code.as_str().to_string())
            .collect()
    })
}

#[test]
fn nested_if_blocks_are_a_limit_error() {
    let depth = 5_000;
    let source = "if .a { ".repeat(depth) + "x = 1" + &" }".repeat(depth);
    let codes = on_small_stack(move || compile_codes(source).err());
    assert_eq!(codes, Some(vec!["E104".to_string()]));
}

#[test]
fn else_if_chains_are_a_limit_error_or_work() {
    let arms = 5_000;
    let mut source = String::new();
    for i in 0..arms {
        source.push_str(&format!("if .a == {i} {{ x = {i} }} else "));
    }
    source.push_str("{ x = -1 }");
    let out = on_small_stack(move || {
        let mapping = compile_codes(source)?;
        apply_codes(&mapping, &json!({"a": 4_321}))
    });
    assert_eq!(out, Err(vec!["E104".to_string()]));
}

#[test]
fn nested_brackets_are_a_limit_error() {
    for (open, close) in [("(", ")"), ("[", "]"), ("f(", ")"), ("{a: ", "}")] {
        let depth = 20_000;
        let source = format!(
            "def f(x) = x\nx = {}1{}",
            open.repeat(depth),
            close.repeat(depth)
        );
        let codes = on_small_stack(move || compile_codes(source).err());
        assert_eq!(codes, Some(vec!["E104".to_string()]), "{open}");
    }
}

#[test]
fn nested_if_expressions_are_a_limit_error() {
    let depth = 5_000;
    let source = format!("x = {}1", "if .a then ".repeat(depth));
    let codes = on_small_stack(move || compile_codes(source).err());
    assert_eq!(codes, Some(vec!["E104".to_string()]));
}

#[test]
fn long_def_chains_are_a_limit_error() {
    let mut source = String::from("def f0(x) = x + 1\n");
    for i in 1..1_000 {
        source.push_str(&format!("def f{i}(x) = f{}(x) + 1\n", i - 1));
    }
    source.push_str("out = f999(.a)\n");
    let codes = on_small_stack(move || compile_codes(source).err());
    assert_eq!(codes, Some(vec!["E220".to_string()]));
}
/// Every stage (compile, apply, format, describe, schema) on a mapping
/// nested as deeply as the limits allow, on a 2 MiB thread.
fn all_stages_on_small_stack(source: String, record: Json) -> Json {
    on_small_stack(move || {
        let mapping = Mapping::compile(&source).unwrap_or_else(|e| panic!("{e}"));
        mapc::format(&source).expect("formats");
        let description = mapping.describe();
        let _ = description.to_markdown();
        let _ = description.to_json();
        let _ = mapping.schema();
        mapping.apply(&record).unwrap_or_else(|e| panic!("{e}"))
    })
}

#[test]
fn the_deepest_accepted_mappings_run_on_a_small_stack() {
    let depth = 60;
    let blocks = "if .a { ".repeat(depth) + "x = 1" + &" }".repeat(depth);
    assert_eq!(
        all_stages_on_small_stack(blocks, json!({"a": true})),
        json!({"x": 1})
    );

    let parens = format!("x = {}.a{}", "(".repeat(95), ")".repeat(95));
    assert_eq!(
        all_stages_on_small_stack(parens, json!({"a": 2})),
        json!({"x": 2})
    );

    let arms = 120;
    let mut chain = String::new();
    for i in 0..arms {
        chain.push_str(&format!("if .a == {i} {{ x = {i} }} else "));
    }
    chain.push_str("{ x = -1 }");
    assert_eq!(
        all_stages_on_small_stack(chain, json!({"a": 119})),
        json!({"x": 119})
    );

    let mut expr = String::from("x = ");
    for i in 0..95 {
        expr.push_str(&format!("if .a == {i} then {i} else "));
    }
    expr.push_str("-1");
    assert_eq!(
        all_stages_on_small_stack(expr, json!({"a": 94})),
        json!({"x": 94})
    );
}

#[test]
fn the_longest_accepted_def_chain_with_deep_bodies_runs_on_a_small_stack() {
    // `+ 0 + 0 ...`: binary nodes nested 90 deep in each def's body
    let zeros = " + 0".repeat(90);
    let mut source = String::from("def f1(x) = x + 1\n");
    for i in 2..=64 {
        source.push_str(&format!("def f{i}(x) = f{}(x) + 1{zeros}\n", i - 1));
    }
    let block = "if .a > 0 { ".repeat(20) + "out = f64(.a)" + &" }".repeat(20);
    source.push_str(&block);
    let out = all_stages_on_small_stack(source.clone(), json!({"a": 1}));
    assert_eq!(out, json!({"out": 65}));
    // one more def is one too many
    source.push_str("\ndef f65(x) = f64(x)\nmore = f65(.a)\n");
    let codes = on_small_stack(move || compile_codes(source).err());
    assert_eq!(codes, Some(vec!["E220".to_string()]));
}

/// A JSON value nested `depth` arrays deep, around `inner`.
fn nested_arrays(depth: usize, inner: Json) -> Json {
    let mut value = inner;
    for _ in 0..depth {
        value = Json::Array(vec![value]);
    }
    value
}

/// `{key: value}`, built without `json!` (which serializes, recursively).
fn object_with(key: &str, value: Json) -> Json {
    let mut map = mapc::json::Map::new();
    map.insert(key.to_string(), value);
    Json::Object(map)
}

/// Takes a deep value apart without recursion (serde_json's drop recurses).
fn dismantle(value: Json) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Json::Array(items) => stack.extend(items),
            Json::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

#[test]
fn deeply_nested_json_values_given_to_the_library_are_refused() {
    let out = on_small_stack(|| {
        let mapping = Mapping::compile("out = .a\nn = count(.a)").expect("compiles");
        let record = object_with("a", nested_arrays(50_000, json!(1)));
        let result = apply_codes(&mapping, &record);
        let bound_env = Env::new();
        let bound = mapping.bind(&bound_env).expect("binds");
        let mut out = Vec::new();
        let to = bound
            .apply_to(&record, None, &mut out)
            .map_err(|e| e.errors[0].code);
        dismantle(record);
        // at the limit it maps
        let record = object_with("a", nested_arrays(mapc::MAX_INPUT_DEPTH - 1, json!(1)));
        let ok = mapping.apply(&record).is_ok();
        dismantle(record);
        (result, to, ok)
    });
    assert_eq!(out.0, Err(vec!["E330".to_string()]));
    assert_eq!(out.1, Err(mapc::Code::InputDepthLimit));
    assert!(out.2, "a record at the limit maps");
}

#[test]
fn deeply_nested_parameters_are_refused() {
    let env = Env::new().with_param("p", nested_arrays(50_000, json!(1)));
    // applied on a small stack; the environment comes back to be dropped
    // here (serde_json drops a value recursively)
    let (codes, env) = on_small_stack(move || {
        let mapping = Mapping::compile("param p\nout = $p").expect("compiles");
        let codes: Vec<String> = match mapping.apply_with(&json!({}), &env) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .errors
                .iter()
                .map(|r| r.code.as_str().to_string())
                .collect(),
        };
        (codes, env)
    });
    assert_eq!(codes, vec!["E330".to_string()]);
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || drop(env))
        .expect("spawn")
        .join()
        .expect("drops");
}

/// `mapping` applied to each record in `env`: the output, or the codes.
fn apply_each(mapping: &Mapping, env: &Env, records: &[Json]) -> Vec<Result<Json, Vec<String>>> {
    records
        .iter()
        .map(|r| {
            mapping.apply_with(r, env).map_err(|e| {
                e.errors
                    .iter()
                    .map(|r| r.code.as_str().to_string())
                    .collect()
            })
        })
        .collect()
}

#[test]
fn pad_widths_from_the_record_are_limited() {
    let mapping =
        Mapping::compile("a = pad_start(.s, .w)\nb = pad_end(.s, .w, \"*\")").expect("compiles");
    let out = apply_each(
        &mapping,
        &Env::new(),
        &[
            json!({"s": "x", "w": 1_000_000_000_000u64}),
            json!({"s": "x", "w": 3}),
        ],
    );
    assert_eq!(out[0], Err(vec!["E331".to_string(), "E331".to_string()]));
    assert_eq!(out[1], Ok(json!({"a": "  x", "b": "x**"})));
}

#[test]
fn defs_that_double_a_list_pass_the_budget_and_the_next_record_maps() {
    let mut source = String::from("def d0(x) = x\n");
    for i in 1..=40 {
        source.push_str(&format!(
            "def d{i}(x) = flatten([d{p}(x), d{p}(x)])\n",
            p = i - 1
        ));
    }
    source.push_str("out = if .n > 0 then d40([1]) else .n\n");
    let mapping = Mapping::compile(&source).expect("compiles");
    let mut budget = mapc::Budget::default();
    budget.bytes = 4 << 20;
    let env = Env::new().with_budget(budget);
    let out = apply_each(&mapping, &env, &[json!({"n": 1}), json!({"n": 0})]);
    assert_eq!(out[0], Err(vec!["E332".to_string()]));
    assert_eq!(out[1], Ok(json!({"out": 0})));
}

#[test]
fn a_filter_inside_a_for_over_the_same_list_passes_the_step_budget() {
    let mapping = Mapping::compile("out = for x in .xs { n = count(filter(.xs, y => y == x)) }")
        .expect("compiles");
    let mut budget = mapc::Budget::default();
    budget.steps = 200_000;
    let env = Env::new().with_budget(budget);
    let big: Vec<u32> = (0..2_000).collect();
    let out = apply_each(&mapping, &env, &[json!({"xs": big}), json!({"xs": [1, 1]})]);
    assert_eq!(out[0], Err(vec!["E332".to_string()]));
    assert_eq!(out[1], Ok(json!({"out": [{"n": 2}, {"n": 2}]})));
}

#[test]
fn writing_the_output_stops_at_the_output_limit() {
    let mapping = Mapping::compile("out = .s\nmore = .s").expect("compiles");
    let mut budget = mapc::Budget::default();
    budget.output_bytes = 1_000;
    let env = Env::new().with_budget(budget);
    let bound = mapping.bind(&env).expect("binds");
    let mut out = b"before".to_vec();
    let error = bound
        .apply_to(&json!({"s": "x".repeat(800)}), None, &mut out)
        .expect_err("too long");
    assert_eq!(error.errors[0].code, mapc::Code::SizeLimit);
    assert_eq!(
        out, b"before",
        "nothing of the record is left in the output"
    );
    bound
        .apply_to(&json!({"s": "x".repeat(400)}), None, &mut out)
        .expect("fits");
}

/// A fresh directory under the system's temporary one.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mapc-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn compile_in(dir: &std::path::Path, source: &str) -> Result<Mapping, Vec<(String, String)>> {
    compile_allowing(dir, &[], source)
}

/// Compiles `source` as a mapping in `dir` that may also read from `allowed`.
fn compile_allowing(
    dir: &std::path::Path,
    allowed: &[&str],
    source: &str,
) -> Result<Mapping, Vec<(String, String)>> {
    let options = mapc::Options {
        base_dir: Some(dir.to_path_buf()),
        allowed_dirs: allowed.iter().map(std::path::PathBuf::from).collect(),
    };
    Mapping::compile_with("main.map", source, &options).map_err(|e| {
        e.diagnostics()
            .iter()
            .map(|d| (d.code.as_str().to_string(), d.message.clone()))
            .collect()
    })
}

#[test]
fn imports_are_read_with_a_size_limit() {
    let dir = temp_dir("size");
    let big = "# padding\n".repeat(200_000);
    std::fs::write(dir.join("big.map"), &big).expect("write");
    let errors = compile_in(&dir, "import f from \"big.map\"\nx = 1").expect_err("too big");
    // the main mapping's limit, and its code (E312)
    assert_eq!(errors[0].0, "E312");
    assert!(errors[0].1.contains("larger than the limit"), "{errors:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn an_import_or_table_that_never_ends_is_an_error() {
    let dir = temp_dir("zero");
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.map")).expect("symlink");
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.csv")).expect("symlink");
    // a link out of the mapping's folder is not followed (E230) ...
    let errors = compile_in(&dir, "import f from \"zero.map\"\nx = 1").expect_err("outside");
    assert_eq!(errors[0].0, "E230");
    let errors = compile_in(
        &dir,
        "table t from csv \"zero.csv\" key \"k\" value \"v\"\nx = .a | t",
    )
    .expect_err("outside");
    assert_eq!(errors[0].0, "E230");
    // ... and where its target's folder is allowed, the endless file is an error
    let errors = compile_allowing(&dir, &["/dev"], "import f from \"zero.map\"\nx = 1")
        .expect_err("never ends");
    assert_eq!(errors[0].0, "E208");
    let errors = compile_allowing(
        &dir,
        &["/dev"],
        "table t from csv \"zero.csv\" key \"k\" value \"v\"\nx = .a | t",
    )
    .expect_err("never ends");
    assert_eq!(errors[0].0, "E209");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn strip_html_respects_quoted_attributes() {
    let mapping = Mapping::compile("out = strip_html(.h)").expect("compiles");
    let out = mapping
        .apply(&json!({"h": "<a title=\"x>y\">link</a> and <img alt='1 > 0'>text"}))
        .expect("maps");
    assert_eq!(out, json!({"out": "link and text"}));
}

#[test]
fn unique_keeps_first_occurrences_by_value() {
    let mapping = Mapping::compile("out = unique(.xs)").expect("compiles");
    let out = mapping
        .apply(&json!({"xs": [1, 1.0, "1", [1, 2], [1.0, 2], {"a": 1, "b": 2}, {"b": 2, "a": 1.00}, null, 2, "1", null]}))
        .expect("maps");
    assert_eq!(
        out,
        json!({"out": [1, "1", [1, 2], {"a": 1, "b": 2}, null, 2]})
    );
    // 20,000 numbers took 12.6 s (each compared with every one kept)
    let many: Vec<u32> = (0..20_000).chain(0..20_000).collect();
    let out = mapping.apply(&json!({ "xs": many })).expect("maps");
    assert_eq!(out["out"].as_array().map(Vec::len), Some(20_000));
}

#[test]
fn a_lookup_miss_on_a_big_table_is_cheap_and_still_helps() {
    let dir = temp_dir("table");
    let mut csv = String::from("code,name\n");
    for i in 0..50_000 {
        csv.push_str(&format!("K{i:06},name {i}\n"));
    }
    std::fs::write(dir.join("t.csv"), csv).expect("write");
    let mapping = compile_in(
        &dir,
        "table t from csv \"t.csv\" key \"code\" value \"name\"\nx = .k | lookup(t)",
    )
    .expect("compiles");
    // 500 misses: each was a pass over every key (0.5 s per miss at 800k)
    for i in 0..2_000 {
        let error = mapping
            .apply(&json!({"k": format!("Z{i}")}))
            .expect_err("miss");
        assert_eq!(error.errors[0].code, mapc::Code::NotInTable);
    }
    let error = mapping.apply(&json!({"k": "k000042"})).expect_err("miss");
    let help = error.errors[0].help.clone().unwrap_or_default();
    assert!(help.starts_with("did you mean \"K000042\"?"), "{help}");
    assert!(help.contains("and 49992 more"), "{help}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compile_time_grows_linearly_with_junk_lines() {
    // 40,000 junk lines took 51 s: pest's error scanned the rest of the
    // file, and every line number was counted from the start (see
    // BENCHMARKS.md for the growth; this runs in about a second)
    let junk: String = (0..10_000)
        .map(|i| format!("a{i} = ) junk {i} (\n"))
        .collect();
    let error = Mapping::compile(&junk).expect_err("junk");
    assert_eq!(error.diagnostics().len(), 10_000);
    let text = error.to_string();
    assert!(
        text.contains("--> <mapping>:10000:9"),
        "line numbers are right"
    );
}

#[test]
fn error_messages_shorten_the_offending_value() {
    let long = "x".repeat(1_000_000);
    let sources = [
        "out = to_number(.s)",
        "out = parse_date(.s)",
        "out = .s + 1",
        "table t { \"a\" => 1 }\nout = .s | lookup(t)",
        "out = normalize_email(.s)",
        "out = currency_code(.s)",
        "out = to_zone(\"2024-01-01T00:00:00Z\", .s)",
        "out = regex_extract(.s, \"^y\") ?? fail(.s)",
        "out = .s max_length 3",
        "out = .s one_of [\"a\"]",
        "out = if .s then 1 else 2",
        "out = parse_money(.s, \"USD\")",
        "out = country_name(.s)",
    ];
    for source in sources {
        let mapping = Mapping::compile(source).unwrap_or_else(|e| panic!("{source}: {e}"));
        let error = mapping.apply(&json!({ "s": long })).expect_err(source);
        for e in &error.errors {
            let shown = format!(
                "{} {} {}",
                e.message,
                e.value.clone().unwrap_or_default(),
                e.help.clone().unwrap_or_default()
            );
            assert!(
                shown.len() < 5_000,
                "{source}: {} bytes: {}",
                shown.len(),
                &shown[..200]
            );
            let rendered = e.to_diagnostic(Some("record 1")).to_string();
            assert!(
                rendered.len() < 5_000,
                "{source}: rendered {} bytes",
                rendered.len()
            );
        }
    }
}

#[test]
fn a_mapping_with_300_constant_patterns_maps_correctly() {
    // 300 patterns thrashed a 256-entry per-thread cache (60x slower); the
    // constant ones are now compiled once, when the mapping is checked
    let source: String = (0..300)
        .map(|i| format!("m{i} = matches(.s, \"^a{i}$\")\n"))
        .collect();
    let mapping = Mapping::compile(&source).expect("compiles");
    for record in 0..5 {
        let out = mapping
            .apply(&json!({"s": format!("a{}", record * 7)}))
            .expect("maps");
        let hits: Vec<&str> = out
            .as_object()
            .expect("object")
            .iter()
            .filter(|(_, v)| **v == json!(true))
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(hits, vec![format!("m{}", record * 7)]);
    }
}
