//! The public API: compile once, apply many times, from many threads.

use mapc::json::json;
use mapc::{ApplyError, CompileError, Env, Mapping, RuntimeError};
use std::path::Path;

const fn assert_send_sync<T: Send + Sync>() {}
const fn assert_clone<T: Clone>() {}
const fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}

// compile-time checks: a compiled mapping is shared across threads, and
// every public error type is a proper error
const _: () = {
    assert_send_sync::<Mapping>();
    assert_clone::<Mapping>();
    assert_error::<CompileError>();
    assert_error::<ApplyError>();
    assert_error::<RuntimeError>();
};

const ORDER: &str = r#"
table status { "paid", "settled" => "PAID", _ => "OPEN" }
id     = .id required
status = lookup(.status, status)
total  = sum_by(.lines, l => l.price * l.qty)
"#;

#[test]
fn a_mapping_is_cloned_and_applied_from_several_threads() {
    let mapping = Mapping::compile(ORDER).unwrap();
    let records: Vec<mapc::json::Value> = (0..50)
        .map(|i| {
            json!({
                "id": i,
                "status": if i % 2 == 0 { "paid" } else { "new" },
                "lines": [{"price": 0.1, "qty": i}, {"price": 0.2, "qty": 1}]
            })
        })
        .collect();
    let expected: Vec<_> = records.iter().map(|r| mapping.apply(r).unwrap()).collect();
    let clone = mapping.clone();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let mapping = if t % 2 == 0 { &mapping } else { &clone };
                let records = &records;
                scope.spawn(move || {
                    records
                        .iter()
                        .map(|r| mapping.apply(r).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), expected);
        }
    });
    assert_eq!(
        expected[3],
        json!({"id": 3, "status": "OPEN", "total": mapc::json::from_str("0.5").unwrap()})
    );
}

#[test]
fn from_file_reads_imports_and_csv_relative_to_the_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api/customer.map");
    let mapping = Mapping::from_file(&path).unwrap();
    let out = mapping
        .apply(&json!({
            "status": "Paid",
            "country": "France",
            "address": {"line1": "Rue 1", "city": "Paris", "country": "Germany"}
        }))
        .unwrap();
    assert_eq!(
        out,
        json!({
            "status": "PAID",
            "country": "FR",
            "address": {"street": "Rue 1", "city": "Paris", "country": "DE"}
        })
    );
}

#[test]
fn from_file_reports_an_unreadable_file() {
    let error = Mapping::from_file("tests/fixtures/api/no_such_file.map").unwrap_err();
    assert!(matches!(error, CompileError::Read { .. }));
    assert!(error.diagnostics().is_empty());
    assert!(
        error
            .to_string()
            .starts_with("cannot read `tests/fixtures/api/no_such_file.map`"),
        "{error}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn apply_with_takes_parameters_from_env() {
    let mapping = Mapping::compile(
        r#"
        param tenant: string
        param region: string = "eu"
        tenant = $tenant
        region = $region
        "#,
    )
    .unwrap();
    let params = mapping.params();
    assert_eq!(params.len(), 2);
    assert_eq!(
        (params[0].name.as_str(), params[0].ty, params[0].has_default),
        ("tenant", "string", false)
    );
    assert!(params[1].has_default);

    let env = Env::new().with_param("tenant", "acme");
    assert!(mapping.check_env(&env).is_ok());
    assert_eq!(
        mapping.apply_with(&json!({}), &env).unwrap(),
        json!({"tenant": "acme", "region": "eu"})
    );
    let env = env.with_param("region", "us");
    assert_eq!(
        mapping.apply_with(&json!({}), &env).unwrap(),
        json!({"tenant": "acme", "region": "us"})
    );

    // without the parameter: E311, before any record is read
    let error = mapping.check_env(&Env::new()).unwrap_err();
    assert_eq!(error.errors.len(), 1);
    assert_eq!(error.errors[0].code, mapc::Code::ParameterValue);
    assert!(mapping.apply(&json!({})).is_err());
}

#[test]
fn a_default_zone_the_mapping_can_need_is_checked_before_the_first_record() {
    let zone = Env::new().with_time_zone(mapc::Tz::Europe__Berlin);
    for (source, needs) in [
        ("t = parse_datetime(.at)", true),
        ("t = parse_datetime(.at, \"%Y-%m-%d %H:%M\")", true),
        (
            "t = parse_datetime(.at, [\"rfc3339\", \"%d/%m/%Y %H:%M\"])",
            true,
        ),
        ("t = today()", true),
        ("t = truncate_datetime(.at, \"day\")", true),
        ("t = add_duration(.at, \"P1D\")", true),
        ("t = add_duration(.at, .duration)", true),
        ("def f(x) { t = parse_datetime(x) }\nout = f(.at)", true),
        ("t = parse_datetime(.at, zone: \"UTC\")", false),
        ("t = parse_datetime(.at, zone: .zone)", false),
        (
            "t = parse_datetime(.at, [\"rfc3339\", \"%d/%m/%Y %H:%M %z\"])",
            false,
        ),
        ("t = today(\"UTC\")", false),
        ("t = add_duration(.at, \"PT24H\")", false),
        ("t = add_duration(\"2024-01-31\", \"P1M\")", false),
        ("t = format_datetime(.at, \"%Y\")", false),
    ] {
        let mapping = Mapping::compile(source).unwrap_or_else(|e| panic!("{source}: {e}"));
        assert!(mapping.check_env(&zone).is_ok(), "{source}");
        match mapping.check_env(&Env::new()) {
            Ok(()) => assert!(!needs, "{source}: passes without a zone"),
            Err(error) => {
                assert!(needs, "{source}: {error}");
                assert_eq!(error.errors.len(), 1);
                assert_eq!(error.errors[0].code, mapc::Code::MissingEnvironment);
            }
        }
    }
    // applying still works on a record that needs no zone
    let mapping = Mapping::compile("t = parse_datetime(.at)").unwrap();
    assert_eq!(
        mapping
            .apply(&json!({"at": "2026-01-02T03:04:05Z"}))
            .unwrap(),
        json!({"t": "2026-01-02T03:04:05Z"})
    );
}

#[test]
fn runtime_errors_carry_target_source_value_and_location() {
    let mapping = Mapping::compile("total = .price * 2\nid = .id required\n").unwrap();
    let error = mapping.apply(&json!({"price": "12.50"})).unwrap_err();
    assert_eq!(error.errors.len(), 2, "every error of the record: {error}");
    let first = &error.errors[0];
    assert_eq!(first.code, mapc::Code::TypeMismatch);
    assert_eq!(first.target.as_deref(), Some("total"));
    assert_eq!(first.source_path.as_deref(), Some("$.price"));
    assert_eq!(first.value.as_deref(), Some("\"12.50\""));
    assert_eq!(first.line_col(), (1, 9));
    assert_eq!(
        first.to_string(),
        "E301: `*` needs numbers, found string \"12.50\" at <mapping>:1:9, \
         target `total`, source `$.price`, value \"12.50\""
    );
    let diagnostic = first.to_diagnostic(Some("record 3"));
    assert_eq!(diagnostic.notes[0], "record 3, target field `total`");
    assert_eq!(error.errors[1].code, mapc::Code::RequiredMissing);
    // the Display of ApplyError lists every error, one per line
    assert_eq!(error.to_string().lines().count(), 2);
}

#[test]
fn a_compile_error_lists_every_diagnostic() {
    let error =
        Mapping::compile("a = .x | trmi\nb = $nope\nc = = 1\nd = lookup(.x, t)\n").unwrap_err();
    let codes: Vec<&str> = error
        .diagnostics()
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E100", "E200", "E204", "E203"]);
    let text = error.to_string();
    for code in ["E100", "E200", "E204", "E203"] {
        assert!(text.contains(&format!("error[{code}]")), "{text}");
    }
    assert!(text.contains("did you mean `trim`?"), "{text}");
    assert!(!text.ends_with('\n'));
    assert!(error.diagnostics().iter().all(mapc::Diagnostic::is_error));
    assert_eq!(
        error.diagnostics()[1].location(),
        Some(("<mapping>", 1, 10))
    );
}

#[test]
fn imports_need_a_directory() {
    let error = Mapping::compile("import t from \"common.map\"\n").unwrap_err();
    let text = error.to_string();
    assert!(text.contains("error[E208]"), "{text}");
    assert!(text.contains("this mapping has no directory"), "{text}");
}

#[test]
fn output_is_independent_of_earlier_records() {
    // a record's `let` values and loop variables do not leak into the next
    let mapping = Mapping::compile(
        "let name = .name\nname = name optional\nlines = for l in .lines { sku = l.sku }\n",
    )
    .unwrap();
    assert_eq!(
        mapping
            .apply(&json!({"name": "a", "lines": [{"sku": "x"}]}))
            .unwrap(),
        json!({"name": "a", "lines": [{"sku": "x"}]})
    );
    assert_eq!(mapping.apply(&json!({})).unwrap(), json!({"lines": null}));
}

#[test]
fn windows_line_endings_are_whitespace() {
    let mapping = Mapping::compile(
        "# comment\r\nname = .name\r\n  | trim\r\n  | upper\r\nid = .id required\r\n",
    )
    .unwrap();
    assert_eq!(
        mapping.apply(&json!({"name": " ada ", "id": 1})).unwrap(),
        json!({"name": "ADA", "id": 1})
    );
    let error = Mapping::compile("a = .x\r\nb = = 1\r\n").unwrap_err();
    let text = error.to_string();
    assert!(text.contains("2 | b = = 1\n"), "{text:?}");
    assert!(!text.contains('\r'), "{text:?}");
}

#[test]
fn deep_expressions_are_refused_not_a_stack_overflow() {
    // runs on a test thread (2 MiB of stack): what compiles must also run
    let near_limit = [
        format!("x = {}", vec!["1"; 95].join(" + ")),
        format!("x = {}1", "-".repeat(95)),
        format!("x = {}1{}", "(".repeat(95), ")".repeat(95)),
        format!("x = {}{}", "[".repeat(95), "]".repeat(95)),
        format!("x = {}.a{}", "trim(".repeat(95), ")".repeat(95)),
    ];
    for source in &near_limit {
        let mapping = Mapping::compile(source).unwrap_or_else(|e| panic!("{e}"));
        mapping.apply(&json!({"a": " b "})).unwrap();
    }
    let too_deep = [
        format!("x = {}", vec!["1"; 5000].join(" + ")),
        format!("x = {}1", "-".repeat(5000)),
        format!("x = {}1{}", "(".repeat(1000), ")".repeat(1000)),
        format!("x = {}.a{}", "trim(".repeat(1000), ")".repeat(1000)),
    ];
    for source in &too_deep {
        let error = Mapping::compile(source).unwrap_err();
        let codes: Vec<&str> = error
            .diagnostics()
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert!(
            !codes.is_empty() && codes.iter().all(|c| *c == "E312" || *c == "E104"),
            "{codes:?}"
        );
    }
}

#[test]
fn a_mapping_without_rules_gives_an_empty_object_and_one_that_only_emits_gives_its_records() {
    let empty = Mapping::compile("# nothing yet").unwrap();
    assert_eq!(empty.apply(&json!({"a": 1})).unwrap(), json!({}));
    let guarded = Mapping::compile("skip if .a == 2").unwrap();
    assert_eq!(guarded.apply(&json!({"a": 1})).unwrap(), json!({}));
    let only = Mapping::compile("emit for x in .xs { v = x }").unwrap();
    assert!(only.emits());
    assert_eq!(
        only.apply(&json!({"xs": [1, 2]})).unwrap(),
        json!([{"v": 1}, {"v": 2}])
    );
    assert_eq!(only.apply(&json!({"xs": []})).unwrap(), json!([]));
    let env = mapc::Env::new();
    assert_eq!(
        only.apply_all_with(&json!({}), &env).unwrap(),
        mapc::Outcome::Mapped(vec![])
    );
    let skipped = guarded.apply(&json!({"a": 2})).unwrap_err();
    assert_eq!(skipped.errors[0].code, mapc::Code::Skipped);
    assert_eq!(
        guarded.apply_all_with(&json!({"a": 2}), &env).unwrap(),
        mapc::Outcome::Skipped
    );
}

#[test]
fn catch_drops_the_field_counts_of_the_part_that_failed() {
    // the loop's first element writes `note` as null, the second fails:
    // `catch` drops the whole loop, and its null `note` is not counted
    let mapping = Mapping::compile(
        r#"
        lines = for l in .lines {
          note = l.note  nullable
          sku  = l.sku   required
        } catch []
        kept = .kept  nullable
        "#,
    )
    .unwrap();
    let env = Env::new();
    let bound = mapping.bind(&env).unwrap();
    let mut counts = mapc::FieldCounts::default();
    let record = json!({"lines": [{"sku": "A"}, {"note": "x"}]});
    let out = bound.apply_counting(&record, &mut counts).unwrap();
    assert_eq!(out, json!({"lines": [], "kept": null}));
    let fields: Vec<&str> = counts.fields.keys().map(String::as_str).collect();
    assert_eq!(fields, ["kept"]);
}

/// A number copied from the input is written as it was read, on both paths:
/// the record read from text (`Mapping::read`, `BoundMapping::apply_record_to`)
/// and the record parsed with `mapc::parse_json` (`Mapping::apply_with`).
/// `mapc::json::from_str` keeps the texts as well (serde_json's own parse
/// would re-spell an exponent or, with its default features, read an `f64`).
#[test]
fn numbers_keep_their_text_on_both_paths() {
    let text = r#"{"a": 1E-2, "b": 1e3, "c": 2.50, "d": 5e+2, "whole": {"x": [1E3]}}"#;
    let mapping =
        Mapping::compile("a = .a\nb = .b\nc = .c\nd = .d\nwhole = .whole\ns = to_string(.a)")
            .unwrap();
    let expected = r#"{"a":1E-2,"b":1e3,"c":2.50,"d":5e+2,"whole":{"x":[1E3]},"s":"1E-2"}"#;
    let env = Env::new();
    let bound = mapping.bind(&env).unwrap();
    let mut out = Vec::new();
    bound
        .apply_record_to(&mapping.read(text).unwrap(), None, &mut out)
        .unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), expected);
    let record = mapc::parse_json(text).unwrap();
    assert_eq!(
        record.to_string(),
        r#"{"a":1E-2,"b":1e3,"c":2.50,"d":5e+2,"whole":{"x":[1E3]}}"#
    );
    assert_eq!(
        mapping.apply_with(&record, &env).unwrap().to_string(),
        expected
    );
    let parsed = mapc::json::from_str(text).unwrap();
    assert_eq!(mapping.apply(&parsed).unwrap().to_string(), expected);
}

/// A table declared `supplied` takes its entries from the `Env`, checked
/// once when the mapping is bound.
#[test]
fn supplied_tables_come_from_the_environment() {
    let mapping = Mapping::compile(
        "table plans (supplied, ignore_case) { _ => \"FREE\" }\nplan = .plan | lookup(plans)",
    )
    .unwrap();
    assert_eq!(mapping.supplied_tables(), ["plans"]);
    let codes = |env: &Env| -> Vec<String> {
        match mapping.bind(env) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .errors
                .iter()
                .map(|e| e.code.as_str().to_string())
                .collect(),
        }
    };
    // missing, given a key twice (case folded), a key that is a list, unknown
    assert_eq!(codes(&Env::new()), ["E382"]);
    let twice = Env::new().with_table("plans", [(json!("P1"), json!(1)), (json!("p1"), json!(2))]);
    assert_eq!(codes(&twice), ["E382"]);
    let list_key = Env::new().with_table("plans", [(json!([1]), json!(1))]);
    assert_eq!(codes(&list_key), ["E382"]);
    let unknown = Env::new()
        .with_table("plans", [(json!("p1"), json!("PRO"))])
        .with_table("other", [(json!("x"), json!("y"))]);
    assert_eq!(codes(&unknown), ["E382"]);

    let env = Env::new().with_table("plans", [(json!("p1"), json!("PRO"))]);
    let bound = mapping.bind(&env).unwrap();
    assert_eq!(
        bound.apply(&json!({"plan": "P1"})).unwrap(),
        json!({"plan": "PRO"})
    );
    assert_eq!(
        bound.apply(&json!({"plan": "zz"})).unwrap(),
        json!({"plan": "FREE"})
    );
    // the values come at apply time: the schema lists none
    let schema = mapping.schema();
    assert!(
        schema["properties"]["plan"].get("enum").is_none(),
        "{schema}"
    );
}

/// A miss in a big table answers without searching every key for a
/// suggestion.
#[test]
fn a_miss_in_a_big_supplied_table_names_its_size() {
    let mapping = Mapping::compile("table ids (supplied) {}\nid = .id | lookup(ids)").unwrap();
    let entries = (0..5_000).map(|i| (json!(format!("k{i}")), json!(i)));
    let env = Env::new().with_table("ids", entries);
    let bound = mapping.bind(&env).unwrap();
    assert_eq!(
        bound.apply(&json!({"id": "k4999"})).unwrap(),
        json!({"id": 4999})
    );
    let error = bound.apply(&json!({"id": "k5000"})).unwrap_err();
    assert_eq!(error.errors[0].code.as_str(), "E302");
    let help = error.errors[0].help.clone().unwrap_or_default();
    assert!(help.contains("5000 keys"), "{help}");
}

/// Supplied tables reach the guards and `emit` as they reach the rules, and
/// `apply_all_with` checks them as `bind` does.
#[test]
fn supplied_tables_reach_guards_and_emit() {
    let mapping = Mapping::compile(
        "table plans (supplied) { _ => \"FREE\" }\nskip if .plan | lookup(plans) == \"GONE\"\nemit for p in .plans { plan = p | lookup(plans) }",
    )
    .unwrap();
    let env = Env::new().with_table(
        "plans",
        [(json!("p1"), json!("PRO")), (json!("p0"), json!("GONE"))],
    );
    assert_eq!(
        mapping
            .apply_all_with(&json!({"plan": "p1", "plans": ["p1", "zz"]}), &env)
            .unwrap(),
        mapc::Outcome::Mapped(vec![json!({"plan": "PRO"}), json!({"plan": "FREE"})])
    );
    assert_eq!(
        mapping
            .apply_all_with(&json!({"plan": "p0", "plans": []}), &env)
            .unwrap(),
        mapc::Outcome::Skipped
    );
    let skipped = mapping
        .apply_with(&json!({"plan": "p0", "plans": []}), &env)
        .unwrap_err();
    assert_eq!(skipped.errors[0].code, mapc::Code::Skipped);
    let missing = mapping
        .apply_all_with(&json!({"plan": "p1", "plans": []}), &Env::new())
        .unwrap_err();
    assert_eq!(missing.errors[0].code.as_str(), "E382");
}
