//! The lens `put`: a target record written back into its original.

use super::{Field, Reverse};
use crate::eval::ApplyError;
use crate::json::{Map, Value as Json};
use std::fmt;

/// Why a target record could not be written back.
#[derive(Debug)]
#[non_exhaustive]
pub enum PutError {
    /// The derived reverse mapping failed on the record: the error, and
    /// the same in words naming the forward mapping's target fields.
    Reverse(ApplyError, String),
    /// The derived reverse mapping did not compile (a bug in mapc).
    Derive(String),
    /// Fields changed on both sides since the last sync, with the
    /// strategy `reject`.
    Conflict(Vec<Conflict>),
}

/// A field changed on both sides since the last sync: the original's
/// forward image differs from the previous target, and so does the new
/// target.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Conflict {
    /// The target field.
    pub target: String,
    /// Its value in the previous target (the last sync).
    pub previous: Option<Json>,
    /// Its value in the new target.
    pub target_value: Option<Json>,
    /// The forward image of the original's value (the source side's
    /// change).
    pub source_value: Option<Json>,
}

pub use crate::program::Strategy;

/// The last sync's target record and the conflict strategy per target
/// field, for [`Reverse::sync`](super::Reverse::sync).
///
/// A field's strategy is the one `fields` names for it, else the rule's
/// own `on_conflict` in the mapping, else `default`: the mapping's choice
/// stands against a blanket default, and only a field named here
/// overrides it.
#[derive(Clone, Debug, Default)]
pub struct Sync<'a> {
    /// The target record as it was after the last sync.
    pub previous: Option<&'a Json>,
    /// The strategy for fields neither listed in `fields` nor given one
    /// by the mapping (`on_conflict`).
    pub default: Strategy,
    /// Target field (dotted) → its strategy, over the mapping's.
    pub fields: Vec<(String, Strategy)>,
}

impl Sync<'_> {
    /// The strategy for `field`: named here, else the mapping's, else the
    /// default.
    pub fn strategy(&self, field: &Field) -> Strategy {
        self.fields
            .iter()
            .find(|(t, _)| *t == field.target)
            .map(|(_, s)| *s)
            .or(field.on_conflict)
            .unwrap_or(self.default)
    }
}

impl fmt::Display for PutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutError::Reverse(_, message) => f.write_str(message),
            PutError::Derive(e) => write!(f, "the derived reverse mapping is invalid: {e}"),
            PutError::Conflict(conflicts) => {
                let parts: Vec<String> = conflicts
                    .iter()
                    .map(|c| {
                        let show = |v: &Option<Json>| {
                            v.as_ref().map_or_else(|| "(none)".to_string(), Json::to_string)
                        };
                        format!(
                            "`{}` changed on both sides since the last sync: was {}, the source now gives {}, the target has {}",
                            c.target,
                            show(&c.previous),
                            show(&c.source_value),
                            show(&c.target_value)
                        )
                    })
                    .collect();
                f.write_str(&parts.join("; "))
            }
        }
    }
}

impl std::error::Error for PutError {}

pub(crate) fn put(
    reverse: &Reverse,
    env: &crate::Env,
    target: &Json,
    original: &Json,
    sync: &Sync<'_>,
) -> Result<Json, PutError> {
    // the original's forward image; when the original does not map, every
    // covered field is written from the target
    let image = reverse.forward.apply_with(original, env).ok();
    // a field whose target value equals the original's image keeps the
    // original's value (GetPut): it is not mapped back at all, so that a
    // value with no reverse (a table's fallback) cannot fail the record
    let mut changed = target.clone();
    let mut write = Vec::new();
    let mut conflicts = Vec::new();
    for field in &reverse.analysis.fields {
        if !field.kind.writes_back() {
            continue;
        }
        if field.source.is_none() && field.writes.is_empty() {
            continue;
        }
        let wanted = get(target, &field.target_path);
        let had = image.as_ref().and_then(|i| get(i, &field.target_path));
        // a field is unchanged when it and every field its reverse reads
        // (a currency) are
        let reads_changed = field
            .reads
            .iter()
            .any(|path| get(target, path) != image.as_ref().and_then(|i| get(i, path)));
        if wanted.is_none() || (wanted == had && !reads_changed) {
            // unchanged, or not in the target: the original's value stays;
            // it is taken out of the target unless another field's reverse
            // reads it
            let read = reverse
                .analysis
                .fields
                .iter()
                .any(|f| f.reads.contains(&field.target_path));
            if !read {
                remove(&mut changed, &field.target_path);
            }
            continue;
        }
        if let Some(previous) = sync.previous {
            let was = get(previous, &field.target_path);
            if had != was && wanted != was {
                match sync.strategy(field) {
                    Strategy::TargetWins => {}
                    Strategy::SourceWins => {
                        remove(&mut changed, &field.target_path);
                        continue;
                    }
                    Strategy::Reject => {
                        conflicts.push(Conflict {
                            target: field.target.clone(),
                            previous: was.cloned(),
                            target_value: wanted.cloned(),
                            source_value: had.cloned(),
                        });
                        continue;
                    }
                }
            }
        }
        write.push(field);
    }
    if !conflicts.is_empty() {
        return Err(PutError::Conflict(conflicts));
    }
    let back = reverse.get_back(&changed)?;
    let mut out = original.clone();
    for field in write {
        // the author's `reverse` block: every path it writes
        for path in &field.writes {
            if let Some(value) = get(&back, path) {
                set(&mut out, path, value.clone());
            }
        }
        let Some(source) = &field.source else {
            continue;
        };
        let Some(value) = get(&back, source) else {
            continue;
        };
        let value = if field.elements.is_empty() {
            value.clone()
        } else {
            // element by element, by position: each element of the target
            // written into the original's element at the same position
            let wanted = get(target, &field.target_path);
            let had = image.as_ref().and_then(|i| get(i, &field.target_path));
            elements(field, wanted, had, get(original, source), value)
        };
        set(&mut out, source, value);
    }
    Ok(out)
}

/// A loop's list written back: as long as the target's list; element `i`
/// is the original's element `i` with the element fields that changed
/// written from the reversed element `i`.
fn elements(
    field: &Field,
    wanted: Option<&Json>,
    had: Option<&Json>,
    original: Option<&Json>,
    back: &Json,
) -> Json {
    let (Some(Json::Array(wanted)), Json::Array(back)) = (wanted, back) else {
        return back.clone();
    };
    let at = |list: Option<&Json>, i: usize| list.and_then(|l| l.as_array()?.get(i)).cloned();
    // the original's element a target element goes into: the same
    // position, or with `key`, the first whose image has the same key
    let pair = |i: usize, element: &Json| -> Option<usize> {
        let Some(key) = &field.pair_key else {
            return Some(i);
        };
        let value = get(element, key)?;
        had?.as_array()?
            .iter()
            .position(|image| get(image, key) == Some(value))
    };
    let mut out = Vec::with_capacity(wanted.len());
    for (i, element) in wanted.iter().enumerate() {
        let reversed = back.get(i).cloned().unwrap_or(Json::Null);
        let Some(j) = pair(i, element) else {
            out.push(reversed);
            continue;
        };
        let Some(mut kept) = at(original, j).filter(Json::is_object) else {
            out.push(reversed);
            continue;
        };
        let image = at(had, j);
        for sub in field.elements.iter().filter(|f| f.kind.writes_back()) {
            let Some(source) = &sub.source else { continue };
            let w = get(element, &sub.target_path);
            let h = image.as_ref().and_then(|im| get(im, &sub.target_path));
            if w.is_none() || w == h {
                continue;
            }
            if let Some(v) = get(&reversed, source) {
                set(&mut kept, source, v.clone());
            }
        }
        out.push(kept);
    }
    Json::Array(out)
}

fn remove(json: &mut Json, path: &[String]) {
    let Some((last, init)) = path.split_last() else {
        return;
    };
    let mut node = json;
    for key in init {
        match node.as_object_mut().and_then(|m| m.get_mut(key)) {
            Some(next) => node = next,
            None => return,
        }
    }
    if let Some(map) = node.as_object_mut() {
        map.remove(last);
    }
}

pub(crate) fn get<'j>(json: &'j Json, path: &[String]) -> Option<&'j Json> {
    path.iter().try_fold(json, |j, k| j.as_object()?.get(k))
}

/// Sets `path` in `json`, making objects on the way; a non-object on the
/// way is replaced by an object.
pub(crate) fn set(json: &mut Json, path: &[String], value: Json) {
    let Some((last, init)) = path.split_last() else {
        *json = value;
        return;
    };
    let mut node = json;
    for key in init {
        if !node.is_object() {
            *node = Json::Object(Map::new());
        }
        let Json::Object(map) = node else { return };
        node = map
            .entry(key.clone())
            .or_insert_with(|| Json::Object(Map::new()));
    }
    if !node.is_object() {
        *node = Json::Object(Map::new());
    }
    if let Json::Object(map) = node {
        map.insert(last.clone(), value);
    }
}
