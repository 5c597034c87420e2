//! Both directions (issue 14): the invertibility table, the derived reverse
//! mapping, the lens `put` and its laws.
//!
//! `tests/fixtures/reverse/every_row.map` has one field per row of the
//! table. The laws are checked with generated records: GetPut
//! `put(get(s), s) == s`, and PutGet `get(put(v, s)) == v` on every field
//! that writes back, for views `v` that are the image of another source.

use mapc::json::{Value as Json, json};
use mapc::reverse::{self, Kind, Reverse};
use mapc::{Env, Mapping};
use proptest::prelude::*;
use std::path::Path;
use std::str::FromStr;

fn every_row() -> Mapping {
    Mapping::from_file(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reverse/every_row.map"),
    )
    .expect("the fixture compiles")
}

#[test]
fn every_field_is_classified() {
    let analysis = reverse::analyse(&every_row());
    let got: Vec<(String, &str)> = analysis
        .fields
        .iter()
        .map(|f| (f.target.clone(), f.kind.name()))
        .collect();
    let expected = [
        ("id", "exact"),
        ("customer.name", "exact"),
        ("total", "exact"),
        ("cents", "exact"),
        ("price", "exact"),
        ("price_currency", "exact"),
        ("kg", "exact"),
        ("kg_rounded", "lossy"),
        ("local", "lossy"),
        ("stamp", "exact"),
        ("epoch", "exact"),
        ("unix", "lossy"),
        ("day", "lossy"),
        ("tags", "exact"),
        ("list", "exact"),
        ("sku", "exact"),
        ("wrapped", "exact"),
        ("qty", "exact"),
        ("qty_text", "exact"),
        ("plus", "exact"),
        ("minus", "exact"),
        ("major", "exact"),
        ("tripled", "lossy"),
        ("off", "exact"),
        ("negated", "exact"),
        ("colour", "exact"),
        ("size", "lossy"),
        ("level", "none"),
        ("code", "lossy"),
        ("state", "lossy"),
        ("pair", "none"),
        ("email", "lossy"),
        ("nick", "lossy"),
        ("fallback", "lossy"),
        ("gated", "lossy"),
        ("loud", "lossy"),
        ("cased", "lossy"),
        ("replaced", "none"),
        ("total_lines", "none"),
        ("lines", "exact"),
        ("paid", "none"),
        ("keyed", "exact"),
        ("full_name", "explicit"),
        ("kind", "dropped"),
        ("flag", "dropped"),
        ("tenant", "dropped"),
        ("tier", "none"),
    ];
    let expected: Vec<(String, &str)> = expected.iter().map(|(t, k)| (t.to_string(), *k)).collect();
    assert_eq!(got, expected);
    // every row of the table is met by the fixture
    for construct in reverse::Construct::ALL {
        assert!(
            analysis
                .fields
                .iter()
                .any(|f| f.constructs.contains(construct)),
            "no field of every_row.map is {construct:?}"
        );
    }
    // the ambiguous values are named, with their keys
    let levels = analysis
        .ambiguous
        .iter()
        .find(|t| t.table == "levels")
        .expect("levels");
    assert_eq!(
        levels.values,
        vec![(json!(1), vec![json!("lo"), json!("low")])]
    );
}

#[test]
fn a_shared_source_path_is_written_back_once() {
    let mapping = Mapping::compile("a = .x | trim\nb = .x\n").unwrap();
    let analysis = reverse::analyse(&mapping);
    assert_eq!(
        analysis.fields[0].kind,
        Kind::None,
        "{:?}",
        analysis.fields[0]
    );
    assert!(analysis.fields[0].why.contains("written back from `b`"));
    assert_eq!(analysis.fields[1].kind, Kind::Exact);
}

/// The derived mapping of the fixture and of every shipped mapping
/// compiles and is in the canonical layout.
#[test]
fn derived_mappings_compile_and_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![root.join("tests/fixtures/reverse/every_row.map")];
    for dir in std::fs::read_dir(root.join("mappings")).unwrap() {
        let dir = dir.unwrap().path();
        for file in std::fs::read_dir(&dir).into_iter().flatten() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "map") {
                paths.push(file);
            }
        }
    }
    assert!(paths.len() > 4);
    for path in paths {
        let mapping = Mapping::from_file(&path).unwrap();
        let text = reverse::analyse(&mapping).reverse_mapping("x.map");
        Mapping::compile(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()));
        assert_eq!(mapc::format(&text).unwrap(), text, "{}", path.display());
        Reverse::new(&mapping).unwrap();
    }
}

#[test]
fn put_keeps_what_the_mapping_does_not_cover_and_what_did_not_change() {
    let mapping = Mapping::compile(
        "email = .email | trim | lower\nname = .profile.name\nstatus = \"open\"\n",
    )
    .unwrap();
    let original = json!({"id": 9, "email": " Ada@X.org ", "profile": {"name": "Ada", "age": 36}});
    let reverse = Reverse::new(&mapping).unwrap();
    // unchanged target: the original comes back as it was (GetPut)
    let same = mapping.apply(&original).unwrap();
    assert_eq!(
        reverse.put(&Env::new(), &same, &original).unwrap(),
        original
    );
    // changed fields are written; the rest stays
    let edited = json!({"email": "ada@y.org", "name": "Ada L.", "status": "closed"});
    assert_eq!(
        reverse.put(&Env::new(), &edited, &original).unwrap(),
        json!({"id": 9, "email": "ada@y.org", "profile": {"name": "Ada L.", "age": 36}})
    );
    // the free function gives the same
    assert_eq!(
        reverse::put(&mapping, &Env::new(), &edited, &original).unwrap(),
        reverse.put(&Env::new(), &edited, &original).unwrap()
    );
}

#[test]
fn a_fallback_value_that_changed_is_rejected() {
    let mapping = every_row();
    let reverse = Reverse::new(&mapping).unwrap();
    let original = json!({"id": 1, "code": "a"});
    let target = json!({"code": "Other"});
    let error = reverse.put(&Env::new(), &target, &original).unwrap_err();
    assert!(error.to_string().contains("code"), "{error}");
    // unchanged, it keeps the original's key
    let original = json!({"id": 1, "code": "zzz"});
    assert_eq!(
        reverse.put(&Env::new(), &target, &original).unwrap(),
        original
    );
}

#[test]
fn a_loop_is_written_back_element_by_element() {
    let mapping = Mapping::compile("lines = for l in .items {\n  sku = l.sku | trim\n}\n").unwrap();
    let reverse = Reverse::new(&mapping).unwrap();
    let original = json!({"items": [{"sku": " A ", "note": "x"}, {"sku": "B", "note": "y"}]});
    // the first element unchanged, the second changed, a third added
    let target = json!({"lines": [{"sku": "A"}, {"sku": "C"}, {"sku": "D"}]});
    assert_eq!(
        reverse.put(&Env::new(), &target, &original).unwrap(),
        json!({"items": [{"sku": " A ", "note": "x"}, {"sku": "C", "note": "y"}, {"sku": "D"}]})
    );
    // a shorter list drops the original's extra elements
    let target = json!({"lines": [{"sku": "A"}]});
    assert_eq!(
        reverse.put(&Env::new(), &target, &original).unwrap(),
        json!({"items": [{"sku": " A ", "note": "x"}]})
    );
}

/// The shipped example both ways: `mappings/webform_lead/profile.map`'s
/// reverse cases, `profile.reverse/<case>/` with `target.json` (the Lead),
/// `original.json` (the CMS profile), optionally `previous.json` (the Lead
/// at the last sync), and `expected.json` (the profile written back) or
/// `expected_error.json` (the conflicts).
#[test]
fn the_webform_profile_syncs_both_ways() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings/webform_lead");
    let mapping = Mapping::from_file(dir.join("profile.map")).unwrap();
    let reverse = Reverse::new(&mapping).unwrap();
    let read = |path: &Path| -> Option<Json> {
        let text = std::fs::read_to_string(path).ok()?;
        Some(mapc::json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    };
    let mut cases = 0;
    for case in std::fs::read_dir(dir.join("profile.reverse")).unwrap() {
        let case = case.unwrap().path();
        let target = read(&case.join("target.json")).expect("target.json");
        let original = read(&case.join("original.json")).expect("original.json");
        let previous = read(&case.join("previous.json"));
        let sync = reverse::Sync {
            previous: previous.as_ref(),
            ..reverse::Sync::default()
        };
        let result = reverse.sync(&Env::new(), &target, &original, &sync);
        match (
            read(&case.join("expected.json")),
            read(&case.join("expected_error.json")),
        ) {
            (Some(expected), None) => {
                let got = result.unwrap_or_else(|e| panic!("{}: {e}", case.display()));
                assert_eq!(got, expected, "{}", case.display());
                // and forward again, the Lead comes back (PutGet), or, where
                // the mapping's `on_conflict source` kept the profile's
                // value, the Lead in `forward.json`
                let lead = mapping.apply(&got).unwrap();
                let forward = read(&case.join("forward.json")).unwrap_or_else(|| target.clone());
                assert_eq!(lead, forward, "{}", case.display());
            }
            (None, Some(expected)) => {
                let Err(reverse::PutError::Conflict(conflicts)) = result else {
                    panic!("{}: expected a conflict, got {result:?}", case.display());
                };
                let got: Vec<Json> = conflicts
                    .iter()
                    .map(|c| json!({"code": "E462", "field": c.target, "previous": c.previous, "source_value": c.source_value, "target_value": c.target_value}))
                    .collect();
                assert_eq!(Json::Array(got), expected, "{}", case.display());
            }
            _ => panic!("{}: expected.json or expected_error.json", case.display()),
        }
        cases += 1;
    }
    assert_eq!(cases, 4);
}

#[test]
fn conflict_strategies() {
    let mapping = Mapping::compile("a = .x\nb = .y\n").unwrap();
    let reverse = Reverse::new(&mapping).unwrap();
    let original = json!({"x": "source", "y": "source"});
    let previous = json!({"a": "old", "b": "old"});
    let target = json!({"a": "target", "b": "target"});
    let sync = |default, fields: Vec<(String, reverse::Strategy)>| reverse::Sync {
        previous: Some(&previous),
        default,
        fields,
    };
    use reverse::Strategy::*;
    let got = reverse.sync(
        &Env::new(),
        &target,
        &original,
        &sync(TargetWins, vec![("b".into(), SourceWins)]),
    );
    assert_eq!(got.unwrap(), json!({"x": "target", "y": "source"}));
    let got = reverse.sync(
        &Env::new(),
        &target,
        &original,
        &sync(Reject, vec![("a".into(), TargetWins)]),
    );
    let Err(reverse::PutError::Conflict(c)) = got else {
        panic!("{got:?}")
    };
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].target, "b");
    // changed on one side only: no conflict
    let original = json!({"x": "old", "y": "old"});
    let got = reverse.sync(&Env::new(), &target, &original, &sync(Reject, vec![]));
    assert_eq!(got.unwrap(), json!({"x": "target", "y": "target"}));
}

/// The mapping's own `on_conflict` per field: it stands against the
/// default strategy, and a strategy named for the field overrides it.
#[test]
fn conflict_strategies_in_the_mapping() {
    let mapping =
        Mapping::compile("a = .x  on_conflict target\nb = .y  on_conflict source\nc = .z\n")
            .unwrap();
    let reverse = Reverse::new(&mapping).unwrap();
    let strategies: Vec<Option<reverse::Strategy>> = reverse
        .analysis()
        .fields
        .iter()
        .map(|f| f.on_conflict)
        .collect();
    use reverse::Strategy::*;
    assert_eq!(strategies, [Some(TargetWins), Some(SourceWins), None]);
    let original = json!({"x": "source", "y": "source", "z": "source"});
    let previous = json!({"a": "old", "b": "old", "c": "old"});
    let target = json!({"a": "target", "b": "target", "c": "target"});
    let sync = |default, fields: Vec<(String, reverse::Strategy)>| reverse::Sync {
        previous: Some(&previous),
        default,
        fields,
    };
    // the default strategy applies to `c` alone
    let got = reverse.sync(&Env::new(), &target, &original, &sync(TargetWins, vec![]));
    assert_eq!(
        got.unwrap(),
        json!({"x": "target", "y": "source", "z": "target"})
    );
    let got = reverse.sync(&Env::new(), &target, &original, &sync(Reject, vec![]));
    let Err(reverse::PutError::Conflict(c)) = got else {
        panic!("{got:?}")
    };
    let fields: Vec<&str> = c.iter().map(|c| c.target.as_str()).collect();
    assert_eq!(fields, ["c"]);
    // a field named on the command line overrides the mapping
    let got = reverse.sync(
        &Env::new(),
        &target,
        &original,
        &sync(
            SourceWins,
            vec![("a".into(), SourceWins), ("b".into(), TargetWins)],
        ),
    );
    assert_eq!(
        got.unwrap(),
        json!({"x": "source", "y": "target", "z": "source"})
    );
}

/// `key sku`: a target element goes into the original's element with the
/// same key, wherever it is; a new key is a new element.
#[test]
fn a_keyed_loop_pairs_elements_by_their_key() {
    let mapping = Mapping::compile(
        "lines = for l in .items {\n  sku = l.sku | trim\n  qty = l.qty\n}  key sku\n",
    )
    .unwrap();
    let reverse = Reverse::new(&mapping).unwrap();
    assert!(
        reverse.analysis().fields[0].why.contains("paired by `sku`"),
        "{}",
        reverse.analysis().fields[0].why
    );
    let original = json!({"items": [
        {"sku": " A ", "qty": 1, "note": "x"},
        {"sku": "B", "qty": 2, "note": "y"},
    ]});
    // reordered, B changed, A unchanged, C new
    let target = json!({"lines": [
        {"sku": "B", "qty": 5},
        {"sku": "C", "qty": 1},
        {"sku": "A", "qty": 1},
    ]});
    assert_eq!(
        reverse.put(&Env::new(), &target, &original).unwrap(),
        json!({"items": [
            {"sku": "B", "qty": 5, "note": "y"},
            {"sku": "C", "qty": 1},
            {"sku": " A ", "qty": 1, "note": "x"},
        ]})
    );
    // a key that does not map back: the loop does not
    let mapping = Mapping::compile(
        "lines = for l in .items {\n  sku = sum(l.parts)\n  qty = l.qty\n}  key sku\n",
    )
    .unwrap();
    assert_eq!(reverse::analyse(&mapping).fields[0].kind, Kind::None);
}

/// The laws on every shipped mapping, with its own test cases as sources:
/// GetPut for every case that maps, and PutGet on the exact fields for the
/// view of every other case written into it.
#[test]
fn the_laws_hold_on_the_shipped_mappings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings");
    let mut checked = 0;
    for example in std::fs::read_dir(&root).unwrap() {
        let example = example.unwrap().path();
        for file in std::fs::read_dir(&example).into_iter().flatten() {
            let map = file.unwrap().path();
            if map.extension().is_none_or(|e| e != "map") {
                continue;
            }
            let cases = map.with_extension("tests");
            let Ok(dirs) = std::fs::read_dir(&cases) else {
                continue;
            };
            let mapping = Mapping::from_file(&map).unwrap();
            let reverse = Reverse::new(&mapping).unwrap();
            let mut sources = Vec::new();
            for case in dirs {
                let case = case.unwrap().path();
                if !case.join("expected.json").exists() || case.join("params.json").exists() {
                    continue;
                }
                let text = std::fs::read_to_string(case.join("input.json")).unwrap();
                let input: Json = mapc::json::from_str(&text).unwrap();
                let now = std::fs::read_to_string(case.join("now.txt")).ok();
                let mut env = Env::new();
                if let Some(now) = &now {
                    env = env.with_now(chrono::DateTime::parse_from_rfc3339(now.trim()).unwrap());
                }
                if let Ok(view) = mapping.apply_with(&input, &env) {
                    sources.push((case, input, view, env));
                }
            }
            for (case, s, view, env) in &sources {
                let back = reverse
                    .put(env, view, s)
                    .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
                assert_eq!(&back, s, "GetPut: {}", case.display());
                checked += 1;
                for (other, _, v, _) in &sources {
                    let Ok(written) = reverse.put(env, v, s) else {
                        continue;
                    };
                    let Ok(again) = mapping.apply_with(&written, env) else {
                        continue;
                    };
                    for field in reverse
                        .analysis()
                        .fields
                        .iter()
                        .filter(|f| f.kind.is_exact())
                    {
                        let want = field.target_path.iter().try_fold(v, |j, k| j.get(k));
                        let got = field.target_path.iter().try_fold(&again, |j, k| j.get(k));
                        assert!(
                            match (want, got) {
                                (Some(a), Some(b)) => same(a, b),
                                (a, b) => a == b,
                            },
                            "PutGet: {} written into {}: `{}` wanted {want:?}, got {got:?}",
                            other.display(),
                            case.display(),
                            field.target
                        );
                    }
                }
            }
        }
    }
    assert!(checked >= 10, "only {checked} cases");
}

/// Every apply fixture (`tests/fixtures/apply/*.test`, each with all sorts
/// of constructs): the derived reverse compiles, and GetPut holds on every
/// input record that maps.
#[test]
fn every_apply_fixture_reverses_and_get_put_holds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/apply");
    let options = mapc::Options {
        base_dir: Some(dir.clone()),
        ..mapc::Options::default()
    };
    let (mut compiled, mut records, mut emitting) = (0, 0, 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "test") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (source, rest) = match text.find("\n--- ") {
            Some(i) => (&text[..=i], &text[i + 1..]),
            None => (text.as_str(), ""),
        };
        let Ok(mapping) = Mapping::compile_with(&path.display().to_string(), source, &options)
        else {
            continue;
        };
        // a mapping that `emit`s several records per input has no one view
        // to write back: it is refused (E283), never reversed half
        if mapping.emits() {
            let refused = Reverse::new(&mapping).expect_err("an emitting mapping is refused");
            let codes: Vec<&str> = refused
                .diagnostics()
                .iter()
                .map(|d| d.code.as_str())
                .collect();
            assert_eq!(codes, ["E283"], "{}", path.display());
            emitting += 1;
            continue;
        }
        let reverse = Reverse::new(&mapping)
            .unwrap_or_else(|e| panic!("{}: the derived mapping: {e}", path.display()));
        compiled += 1;
        let mut env = Env::new()
            .with_now(chrono::DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z").unwrap());
        let mut inputs = Vec::new();
        for section in rest.split("--- ").filter(|s| !s.is_empty()) {
            let (header, body) = section.split_once('\n').unwrap_or((section, ""));
            let Ok(json) = mapc::json::from_str(body) else {
                continue;
            };
            match header.trim() {
                "input" => inputs.push(json),
                "params" => {
                    for (k, v) in json.as_object().into_iter().flatten() {
                        env = env.with_param(k.clone(), v.clone());
                    }
                }
                _ => {}
            }
        }
        let mut mapped = Vec::new();
        for input in inputs {
            let Ok(view) = mapping.apply_with(&input, &env) else {
                continue;
            };
            let back = reverse
                .put(&env, &view, &input)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(back, input, "GetPut: {}", path.display());
            records += 1;
            mapped.push((input, view));
        }
        // PutGet on the exact fields: each record's view written into each
        // other record
        for (s, _) in &mapped {
            for (_, v) in &mapped {
                let Ok(written) = reverse.put(&env, v, s) else {
                    continue;
                };
                let Ok(again) = mapping.apply_with(&written, &env) else {
                    continue;
                };
                for field in reverse
                    .analysis()
                    .fields
                    .iter()
                    .filter(|f| f.kind.is_exact())
                {
                    // a field the view lacks keeps the original's value (a
                    // partial target deletes nothing): the law is on the
                    // fields the view has
                    let Some(want) = field.target_path.iter().try_fold(v, |j, k| j.get(k)) else {
                        continue;
                    };
                    let got = field.target_path.iter().try_fold(&again, |j, k| j.get(k));
                    assert!(
                        got.is_some_and(|g| same(want, g)),
                        "PutGet: {}: `{}` wanted {want:?}, got {got:?}",
                        path.display(),
                        field.target
                    );
                }
            }
        }
    }
    assert!(
        compiled >= 40 && records >= 30 && emitting >= 2,
        "{compiled} mappings, {records} records, {emitting} refused for `emit`"
    );
}

/// Awkward records never panic the reverse: non-objects, lists where
/// objects were, wrong types.
#[test]
fn awkward_records_do_not_panic() {
    let mapping = every_row();
    let reverse = Reverse::new(&mapping).unwrap();
    let awkward = [
        json!(null),
        json!([]),
        json!("x"),
        json!({"lines": "not a list"}),
        json!({"lines": [1, [2], null]}),
        json!({"customer": 5, "total": "ten", "off": "yes", "tags": 5, "sku": 7}),
        json!({"customer": {"name": {"deep": true}}, "qty": "1e999999", "major": -0.0}),
    ];
    for target in &awkward {
        let _ = reverse.get_back(target);
        for original in &awkward {
            let _ = reverse.put(&Env::new(), target, original);
        }
    }
}

/// Keys that need quoting, or are keywords, survive the derived mapping.
#[test]
fn odd_keys_are_quoted_in_the_derived_mapping() {
    let mapping = Mapping::compile(
        "\"Lead Source\" = .\"how \\\"did\\\" you hear\"\n\"if\".\"a.b\" = .\"if\"\n",
    )
    .unwrap();
    let reverse = Reverse::new(&mapping).unwrap();
    let original = json!({"how \"did\" you hear": "web", "if": "x", "other": 1});
    let view = mapping.apply(&original).unwrap();
    assert_eq!(view, json!({"Lead Source": "web", "if": {"a.b": "x"}}));
    let target = json!({"Lead Source": "ad", "if": {"a.b": "y"}});
    assert_eq!(
        reverse.put(&Env::new(), &target, &original).unwrap(),
        json!({"how \"did\" you hear": "ad", "if": "y", "other": 1})
    );
}

/// A currency read from the record: the reverse reads it from the target
/// field that copies it, and a changed currency rewrites the amount even
/// when the amount's text did not change.
#[test]
fn a_currency_from_the_record_reverses_through_its_target_field() {
    let mapping =
        Mapping::compile("price = from_minor_units(.minor, .currency)\ncurrency = .currency\n")
            .unwrap();
    let reverse = Reverse::new(&mapping).unwrap();
    assert_eq!(reverse.analysis().fields[0].kind, Kind::Exact);
    let original = json!({"minor": 1999, "currency": "EUR"});
    let target = json!({"price": 19.99, "currency": "KWD"});
    let back = reverse.put(&Env::new(), &target, &original).unwrap();
    assert_eq!(back, json!({"minor": 19990, "currency": "KWD"}));
    assert!(same(&mapping.apply(&back).unwrap()["price"], &json!(19.99)));
    // not copied to the target: not invertible
    let mapping = Mapping::compile("price = from_minor_units(.minor, .currency)\n").unwrap();
    let analysis = reverse::analyse(&mapping);
    assert_eq!(analysis.fields[0].kind, Kind::None);
    assert!(
        analysis.fields[0].why.contains("`.currency` is not copied"),
        "{}",
        analysis.fields[0].why
    );
}

/// Numbers compare by value (`2.50` == `2.5`), everything else exactly.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            let d = |n: &mapc::json::Number| {
                rust_decimal::Decimal::from_str(&n.to_string()).map(|d| d.normalize())
            };
            match (d(x), d(y)) {
                (Ok(x), Ok(y)) => x == y,
                _ => x == y,
            }
        }
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn word() -> impl Strategy<Value = String> {
    "[a-c]{1,3}"
}

prop_compose! {
    fn source()(
        id in 1u32..1000,
        name in "[A-Za-z ]{0,8}",
        cents in 0u32..1_000_000,
        amount in (0u32..10_000, 0u32..100),
        lb in (0u32..500, 0u32..1000),
        lb2 in 0u32..500,
        hour in 0u32..24,
        tags in proptest::collection::vec(word(), 1..4),
        list in proptest::collection::vec(word(), 1..4),
        sku in "[A-Z0-9]{0,5}",
        w in "[a-z]{0,5}",
        qty_text in "[1-9][0-9]{0,3}",
        qty in 0u32..10_000,
        p in -1000i32..1000,
        m in -1000i32..1000,
        d in 0u32..100_000,
        x3 in 0u32..1000,
        on in any::<bool>(),
        n in -1000i32..1000,
        colour in prop::sample::select(vec!["r", "g"]),
        size in prop::sample::select(vec!["s", "small", "m"]),
        level in prop::sample::select(vec!["lo", "low", "hi"]),
        code in prop::sample::select(vec!["a", "A"]),
        email in "( )?[A-Za-z]{1,5}@[a-z]{1,5}\\.org( )?",
        nick in proptest::option::of("[a-z]{1,4}"),
        dflt in proptest::option::of("[a-z]{1,4}"),
        loud in "[a-zA-Z]{1,4}",
        cased in "[a-zA-Z]{1,4}",
        extra in "[a-z]{0,6}",
        state in prop::sample::select(vec!["fulfilled", "partial"]),
        price_minor in 0u32..100_000,
        price_currency in prop::sample::select(vec!["EUR", "JPY", "KWD"]),
        items in proptest::collection::vec(("[A-Z]{1,3}", "[a-z]{0,3}", any::<bool>()), 0..4),
        given in "[A-Z][a-z]{0,5}",
        moment in (1u32..29, 0u32..24, 0u32..60, -12i32..13),
        epoch in 0i64..4_000_000_000,
        family in "[A-Z][a-z']{0,7}",
    ) -> Json {
        let mut s = json!({
            "id": id,
            "customer": {"name": name, "since": 2019},
            "cents": cents,
            "s": state,
            "pr": "c",
            "price_minor": price_minor,
            "price_currency": price_currency,
            "amount": Json::Number(mapc::json::Number::from_str(&format!("{}.{:02}", amount.0, amount.1)).unwrap()),
            "lb": Json::Number(mapc::json::Number::from_str(&format!("{}.{:03}", lb.0, lb.1)).unwrap()),
            "lb2": lb2,
            "at": format!("2026-03-29T{hour:02}:30:00Z"),
            "tags": tags.join(","),
            "list": list,
            "sku": sku,
            "w": w,
            "qty_text": qty_text,
            "qty": qty,
            "p": p, "m": m, "d": d, "x3": x3, "on": on, "n": n,
            "colour": colour, "size": size, "level": level, "code": code,
            "email": email,
            "gated": "g",
            "loud": loud,
            "cased": cased,
            "r": "banana",
            "numbers": [1, 2],
            "items": items.iter().map(|(sku, note, paid)| json!({"sku": sku, "note": note, "paid": paid})).collect::<Vec<_>>(),
            "vip": false,
            "not_mapped": {"kept": extra},
        });
        s["keyed"] = json!(items.iter().rev().map(|(sku, note, _)| json!({"sku": sku, "qty": note.len(), "note": note})).collect::<Vec<_>>());
        s["given"] = json!(given);
        s["family"] = json!(family);
        let sign = if moment.3 < 0 { '-' } else { '+' };
        s["stamp"] = json!(format!("2026-02-{:02}T{:02}:{:02}:07{sign}{:02}:00", moment.0, moment.1, moment.2, moment.3.abs()));
        s["epoch"] = json!(epoch);
        s["at2"] = json!(format!("2026-02-{:02}T{:02}:{:02}:00Z", moment.0, moment.1, moment.2));
        s["at3"] = json!(format!("2025-12-{:02}T{:02}:15:00+01:00", moment.0, moment.1));
        if let Some(nick) = nick { s["nick"] = json!(nick); }
        if let Some(dflt) = dflt { s["dflt"] = json!(dflt); }
        s
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn get_put(s in source()) {
        let mapping = every_row();
        let reverse = Reverse::new(&mapping).unwrap();
        let env = Env::new();
        let view = mapping.apply_with(&s, &env).unwrap();
        let back = reverse.put(&env, &view, &s).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn put_get(s in source(), other in source()) {
        let mapping = every_row();
        let reverse = Reverse::new(&mapping).unwrap();
        let env = Env::new();
        let view = mapping.apply_with(&other, &env).unwrap();
        let written = reverse.put(&env, &view, &s).unwrap();
        let again = mapping.apply_with(&written, &env).unwrap();
        // exact fields, and the lossy ones whose reverse writes the target's
        // value as it is or the first key of a table (not the rounding ones)
        let lossy_put_get = ["unix", "day", "state", "lines", "local", "size", "code", "email", "nick", "fallback", "gated", "loud", "cased"];
        for field in reverse.analysis().fields.iter().filter(|f| f.kind.is_exact() || lossy_put_get.contains(&f.target.as_str())) {
            let want = field.target_path.iter().try_fold(&view, |j, k| j.get(k));
            let got = field.target_path.iter().try_fold(&again, |j, k| j.get(k));
            prop_assert!(
                match (want, got) { (Some(a), Some(b)) => same(a, b), (a, b) => a == b },
                "{}: wanted {:?}, got {:?}", field.target, want, got
            );
        }
        // what the mapping does not read is the original's
        prop_assert_eq!(&written["not_mapped"], &s["not_mapped"]);
    }
}

const MARKERS: (&str, &str) = ("<!-- reverse:start -->\n", "<!-- reverse:end -->");

/// The README's invertibility table is the one the analysis reads.
#[test]
fn the_readme_table_is_generated() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let start = readme.find(MARKERS.0).expect("a reverse:start marker") + MARKERS.0.len();
    let end = readme[start..]
        .find(MARKERS.1)
        .expect("a reverse:end marker")
        + start;
    let expected = reverse::table_markdown();
    if readme[start..end] == expected {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    panic!(
        "the README's invertibility table is stale; run `UPDATE_README=1 cargo test --test reverse`"
    );
}
