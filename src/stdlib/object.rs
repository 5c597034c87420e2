//! Object functions.

use super::args::FnError;
use super::signature::{Absent, Example, Ty};
use super::{builtin, many, one, opt};
use crate::diagnostics::Code;
use crate::json::Value as Json;
use crate::value::Value;

fn object<'a>(
    args: &mut super::args::Args<'a>,
    i: usize,
) -> Result<crate::json::Map<String, Json>, FnError> {
    match args.get(i) {
        Value::Json(j) if j.is_object() => match args.take(i).into_json() {
            Some(Json::Object(map)) => Ok(map),
            _ => Err(FnError::new(Code::TypeMismatch, "expected an object")),
        },
        _ => Err(args.type_error(i, "an object")),
    }
}

builtin!(
    Object,
    KEYS,
    "keys",
    &[one("object", Ty::OBJECT)],
    Ty::LIST,
    Absent::Propagate,
    "The keys of an object, in order.",
    &[Example {
        call: r#"keys({"b": 1, "a": 2})"#,
        result: r#"["b","a"]"#
    }],
    |args| Ok(Value::List(
        object(args, 0)?
            .into_iter()
            .map(|(k, _)| Value::string(k))
            .collect()
    ))
);

builtin!(
    Object,
    VALUES,
    "values",
    &[one("object", Ty::OBJECT)],
    Ty::LIST,
    Absent::Propagate,
    "The values of an object, in order.",
    &[Example {
        call: r#"values({"b": 1, "a": 2})"#,
        result: "[1,2]"
    }],
    |args| Ok(Value::List(
        object(args, 0)?
            .into_iter()
            .map(|(_, v)| Value::from_json_owned(v))
            .collect()
    ))
);

builtin!(
    Object,
    MERGE,
    "merge",
    &[many("objects", Ty::OBJECT)],
    Ty::OBJECT,
    Absent::Accept,
    "One object with the keys of all; a later object's key wins. Missing and null are skipped.",
    &[Example {
        call: r#"merge({"a": 1, "b": 1}, null, {"b": 2})"#,
        result: r#"{"a":1,"b":2}"#
    }],
    |args| {
        let mut out = crate::json::Map::new();
        for i in 0..args.len() {
            if matches!(args.get(i), Value::Missing | Value::Null) {
                continue;
            }
            out.extend(object(args, i)?);
        }
        Ok(Value::from_json_owned(Json::Object(out)))
    }
);

builtin!(
    Object,
    GET,
    "get",
    &[one("object", Ty::OBJECT), one("key", Ty::STRING)],
    Ty::ANY,
    Absent::Propagate,
    "The value under a key computed at run time; missing if there is none.",
    &[Example {
        call: r#"get({"x-id": 7}, "x-id")"#,
        result: "7"
    }],
    |args| {
        let key = args.str(1)?.to_string();
        args.get(0)
            .field(&key)
            .map_err(|()| args.type_error(0, "an object"))
    }
);

builtin!(
    Object,
    FROM_ENTRIES,
    "from_entries",
    &[
        one("list", Ty::LIST),
        opt("key", Ty::STRING),
        opt("value", Ty::STRING)
    ],
    Ty::OBJECT,
    Absent::Propagate,
    "An object built from a list of `{key, value}` objects (field names `key` and `value` unless given); a later entry with the same key wins, an entry whose value is missing is left out.",
    &[Example {
        call: r#"from_entries([{"name": "gift", "value": "yes"}, {"name": "note", "value": "ring twice"}], "name", "value")"#,
        result: r#"{"gift":"yes","note":"ring twice"}"#
    }],
    |args| {
        let key_field = args.opt_str(1)?.unwrap_or("key").to_string();
        let value_field = args.opt_str(2)?.unwrap_or("value").to_string();
        let mut out = crate::json::Map::new();
        for entry in args.list(0)? {
            let key = match entry.field(&key_field) {
                Ok(Value::String(k)) => k.into_owned(),
                Ok(other) => {
                    return Err(FnError::new(
                        Code::TypeMismatch,
                        format!(
                            "entry key `{key_field}` must be a string, found {} {}",
                            other.type_name(),
                            other.describe()
                        ),
                    ));
                }
                Err(()) => {
                    return Err(FnError::new(
                        Code::TypeMismatch,
                        format!(
                            "entries must be objects, found {} {}",
                            entry.type_name(),
                            entry.describe()
                        ),
                    ));
                }
            };
            if let Some(value) = entry.field(&value_field).ok().and_then(Value::into_json) {
                out.insert(key, value);
            }
        }
        Ok(Value::from_json_owned(Json::Object(out)))
    }
);
