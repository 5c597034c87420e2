//! `mapc schema`: the JSON Schema (draft 2020-12) of the record a mapping
//! produces, so that the receiving team can validate against it.
//!
//! [`schema`] reads a [`Description`]: each field gives a property with its
//! type (`["T", "null"]` when a missing value is written as null), the
//! fields that every record has are `required` (required fields, fields
//! with a default and nullable fields, unless a `when` or an `if` decides),
//! nested blocks and defs are objects, `for` blocks arrays of objects, a
//! direct lookup gives an `enum` of the table's values, and a rule's
//! constraints give their keywords (`minLength`, `maxLength` from
//! `max_bytes`, `pattern`, `minimum`/`maximum`, `enum`, `integer`, date
//! formats). `max_length` and `truncate` count user-perceived characters,
//! which JSON Schema cannot state, so they give no `maxLength`. Objects the
//! mapping builds take no other properties.
//!
//! ```
//! let mapping = mapc::Mapping::compile(r#"
//!     id    = .id | to_string   required
//!     email = .email | lower    optional
//! "#)?;
//! let schema = mapping.schema();
//! assert_eq!(schema["required"], mapc::json::json!(["id"]));
//! assert_eq!(schema["properties"]["email"]["type"], "string");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::describe::{Description, Field, PathKey, Presence, Shape};
use crate::json::{Map, Value as Json, json};
use crate::mapping::Mapping;

/// The `$schema` of the schemas mapc writes.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The JSON Schema of the target record described by `description`.
pub fn schema(description: &Description) -> Json {
    let mut root = object_schema(None);
    let containers: Vec<Vec<&str>> = description
        .fields
        .iter()
        .filter(|f| f.shape != Shape::Value)
        .map(|f| f.keys.iter().map(|k| k.name.as_str()).collect())
        .collect();
    for field in &description.fields {
        let property = property(description, field);
        insert(&mut root, &field.keys, 0, field, property, &containers);
    }
    let mut out = Map::new();
    out.insert("$schema".into(), Json::String(DIALECT.into()));
    out.insert(
        "title".into(),
        Json::String(format!("target record of {}", file_name(&description.name))),
    );
    if let Json::Object(body) = root {
        out.extend(body);
    }
    Json::Object(out)
}

/// `orders.map` for `mappings/shop/orders.map`.
fn file_name(path: &str) -> &str {
    std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

impl Mapping {
    /// The JSON Schema of the records this mapping produces (see
    /// [`schema`]).
    pub fn schema(&self) -> Json {
        schema(&self.describe())
    }
}

/// `{"type": "object", "properties": {}, "required": [],
/// "additionalProperties": false}`, with `types` if given.
fn object_schema(types: Option<&[&str]>) -> Json {
    json!({
        "type": type_value(types.unwrap_or(&["object"])),
        "properties": {},
        "required": [],
        "additionalProperties": false,
    })
}

fn type_value(types: &[&str]) -> Json {
    match types {
        [one] => Json::String((*one).to_string()),
        many => Json::Array(many.iter().map(|t| Json::String((*t).into())).collect()),
    }
}

/// The schema of one field (for a container: its empty object or array).
fn property(description: &Description, field: &Field) -> Json {
    let mut p = Map::new();
    let mut text = field.transformation.replace(", fields below", "");
    if !field.sources.is_empty() {
        text = format!("from {}: {text}", field.sources.join(", "));
    }
    if let Some(comment) = &field.comment {
        text = format!("{comment} ({text})");
    }
    p.insert("description".into(), Json::String(text));
    match field.shape {
        Shape::Object => {
            if let Json::Object(o) = object_schema(Some(&field.types)) {
                p.extend(o);
            }
        }
        Shape::List => {
            p.insert("type".into(), type_value(&field.types));
            p.insert("items".into(), object_schema(None));
        }
        Shape::Value => {
            if !field.types.is_empty() {
                p.insert("type".into(), type_value(&field.types));
            }
            if let Some(values) = enum_values(description, field) {
                p.insert("enum".into(), Json::Array(values));
            }
            for (key, value) in &field.limits {
                p.insert(key.clone(), value.clone());
            }
        }
    }
    Json::Object(p)
}

/// The values of a direct lookup: the table's values and fallback, the
/// default when it is a constant, and `null` when the field can be null.
fn enum_values(description: &Description, field: &Field) -> Option<Vec<Json>> {
    let table = field.lookup.as_ref()?;
    let table = description.tables.iter().find(|t| &t.name == table)?;
    if table.supplied {
        // its values come at apply time
        return None;
    }
    let mut values = table.values();
    if let Presence::Default(text) = &field.presence {
        let default: Json = crate::json::from_str(text).ok()?;
        if !values.contains(&default) {
            values.push(default);
        }
    }
    if field.types.contains(&"null") && !values.contains(&Json::Null) {
        values.push(Json::Null);
    }
    Some(values)
}

/// Puts `property` at `keys[depth..]` under the object schema `object`,
/// creating the objects (and arrays, for `lines[]`) on the way.
fn insert(
    object: &mut Json,
    keys: &[PathKey],
    depth: usize,
    field: &Field,
    property: Json,
    containers: &[Vec<&str>],
) {
    let Some(key) = keys.get(depth) else { return };
    let is_last = depth + 1 == keys.len();
    let is_container = containers
        .iter()
        .any(|c| c.len() == depth + 1 && c.iter().zip(keys).all(|(a, b)| *a == b.name.as_str()));
    if field.always_written()
        && (is_last || !is_container)
        && let Some(Json::Array(required)) = object.get_mut("required")
    {
        let name = Json::String(key.name.clone());
        if !required.contains(&name) {
            required.push(name);
        }
    }
    let Some(Json::Object(properties)) = object.get_mut("properties") else {
        return;
    };
    if is_last {
        match properties.get_mut(&key.name) {
            // the two branches of an `if` write the same field
            Some(existing) => merge(existing, &property),
            None => {
                properties.insert(key.name.clone(), property);
            }
        }
        return;
    }
    let child = properties.entry(key.name.clone()).or_insert_with(|| {
        if key.each {
            json!({"type": "array", "items": object_schema(None)})
        } else {
            object_schema(None)
        }
    });
    let next = if key.each {
        match child.get_mut("items") {
            Some(items) => items,
            None => return,
        }
    } else {
        child
    };
    insert(next, keys, depth + 1, field, property, containers);
}

/// Two rules write one field (in two branches): either schema holds.
fn merge(existing: &mut Json, other: &Json) {
    if existing == other {
        return;
    }
    let types = |v: &Json| -> Option<Vec<Json>> {
        match v.get("type")? {
            Json::Array(a) => Some(a.clone()),
            t => Some(vec![t.clone()]),
        }
    };
    let merged_type = match (types(existing), types(other)) {
        (Some(mut a), Some(b)) => {
            for t in b {
                if !a.contains(&t) {
                    a.push(t);
                }
            }
            Some(a)
        }
        _ => None,
    };
    if let Json::Object(map) = existing {
        // a limit holds of the field only when both rules state it
        let keep = ["type", "description"];
        map.retain(|k, v| keep.contains(&k.as_str()) || other.get(k) == Some(v));
        match merged_type {
            Some(t) if t.len() == 1 => {
                map.insert("type".into(), t.into_iter().next().unwrap_or_default());
            }
            Some(t) => {
                map.insert("type".into(), Json::Array(t));
            }
            None => {
                map.remove("type");
            }
        }
    }
}
