//! The description as JSON, for other tools.

use super::{Description, Field, Presence, Shape, TableDoc};
use crate::json::{Value as Json, json};

fn field(f: &Field) -> Json {
    let default = match &f.presence {
        Presence::Default(text) => Json::String(text.clone()),
        _ => Json::Null,
    };
    let mut doc = json!({
        "path": f.path(),
        "keys": f.keys.iter().map(|k| json!({"name": k.name, "each": k.each})).collect::<Vec<_>>(),
        "shape": match f.shape {
            Shape::Value => "value",
            Shape::Object => "object",
            Shape::List => "list",
        },
        "types": f.types,
        "sources": f.sources,
        "transformation": f.transformation,
        "presence": f.presence.keyword(),
        "presence_from_policy": f.presence_from_policy,
        "default": default,
        "when": f.when,
        "conditions": f.conditions,
        "always_written": f.always_written(),
        "in_every_branch": f.in_every_branch,
        "lookup": f.lookup,
        "constraints": f.constraints,
        "max_length": f.max_length,
        "limits": f.limits,
        "description": f.comment,
    });
    // only where the mapping gives one, so that other descriptions stay as
    // they were
    if let Some(strategy) = f.on_conflict {
        doc["on_conflict"] = json!(strategy);
    }
    if let Some(reverse) = &f.reverse {
        doc["reverse"] = json!(reverse);
    }
    doc
}

fn table(t: &TableDoc) -> Json {
    let mut doc = json!({
        "name": t.name,
        "ignore_case": t.ignore_case,
        "csv": t.csv.as_ref().map(|(path, key, value)| json!({"path": path, "key": key, "value": value})),
        "entries": t.entries.iter().map(|r| json!({"keys": r.keys, "value": r.value})).collect::<Vec<_>>(),
        "fallback": t.fallback,
    });
    if t.supplied {
        doc["supplied"] = json!(true);
    }
    doc
}

impl Description {
    /// The description as a JSON value (fields, tables, parameters and
    /// policies), for other tools.
    pub fn to_json(&self) -> Json {
        let mut out = json!({
            "mapping": self.name,
            "params": self.params.iter().map(|p| json!({"name": p.name, "type": p.ty, "default": p.default})).collect::<Vec<_>>(),
            "policy": {
                "missing": match self.policy.missing {
                    Presence::Required => "error",
                    Presence::Optional => "omit",
                    _ => "null",
                },
                "null": if self.policy.null_is_missing { "missing" } else { "keep" },
                "blank": if self.policy.blank_is_missing { "missing" } else { "keep" },
            },
            "fields": self.fields.iter().map(field).collect::<Vec<_>>(),

            "tables": self.tables.iter().map(table).collect::<Vec<_>>(),
        });
        // only for mappings that have them, so that other mappings'
        // descriptions stay as they were
        if let Some(map) = out.as_object_mut() {
            if !self.guards.is_empty() {
                let guards = self.guards.iter().map(|g| {
                    json!({"action": g.action, "reason": g.reason, "condition": g.condition, "sources": g.sources})
                });
                map.insert("guards".into(), Json::Array(guards.collect()));
            }
            if !self.emitted.is_empty() {
                map.insert("emitted".into(), self.emitted.iter().map(field).collect());
            }
        }
        out
    }
}
