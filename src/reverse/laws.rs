//! The lens laws checked on a user's own records: GetPut for each record
//! that maps, PutGet on the exact and explicit fields for each record's view written
//! into each other record.

use super::Reverse;
use crate::env::Env;
use crate::json::Value as Json;

/// A record the laws are checked on: a name for reports, the source
/// record and the environment it maps in.
#[derive(Clone, Debug)]
pub struct LawCase {
    /// How reports name it (a case folder).
    pub name: String,
    /// The source record.
    pub source: Json,
    /// Parameters and "now".
    pub env: Env,
}

/// A law that does not hold.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum LawFailure {
    /// `put(get(s), s) != s`, or the put failed.
    GetPut {
        /// The case.
        case: String,
        /// What came back, or why nothing did.
        got: Result<Json, String>,
    },
    /// `get(put(v, s))` differs from `v` in an exact field.
    PutGet {
        /// The case whose view was written.
        view: String,
        /// The case it was written into.
        into: String,
        /// The target field.
        field: String,
        /// The view's value.
        wanted: Json,
        /// What the forward mapping gave back.
        got: Option<Json>,
    },
}

impl std::fmt::Display for LawFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LawFailure::GetPut {
                case,
                got: Ok(json),
            } => {
                write!(f, "GetPut: {case}: put(get(s), s) gave {json}")
            }
            LawFailure::GetPut { case, got: Err(e) } => {
                write!(f, "GetPut: {case}: put(get(s), s) failed: {e}")
            }
            LawFailure::PutGet {
                view,
                into,
                field,
                wanted,
                got,
            } => write!(
                f,
                "PutGet: the view of {view} written into {into}: `{field}` is {}, wanted {wanted}",
                got.as_ref()
                    .map_or_else(|| "missing".to_string(), Json::to_string)
            ),
        }
    }
}

/// Checks the laws on `cases`; the records that do not map are left out.
/// Returns how many records mapped, and every failure.
pub fn check_laws(reverse: &Reverse, cases: &[LawCase]) -> (usize, Vec<LawFailure>) {
    let mut failures = Vec::new();
    let mut mapped = Vec::new();
    for case in cases {
        let Ok(view) = reverse.forward.apply_with(&case.source, &case.env) else {
            continue;
        };
        match reverse.put(&case.env, &view, &case.source) {
            Ok(back) if back == case.source => {}
            other => failures.push(LawFailure::GetPut {
                case: case.name.clone(),
                got: other.map_err(|e| e.to_string()),
            }),
        }
        mapped.push((case, view));
    }
    for (into, _) in &mapped {
        for (from, view) in &mapped {
            let Ok(written) = reverse.put(&into.env, view, &into.source) else {
                continue;
            };
            let Ok(again) = reverse.forward.apply_with(&written, &into.env) else {
                continue;
            };
            for field in reverse.analysis.fields.iter().filter(|f| f.kind.is_exact()) {
                let Some(wanted) = super::put::get(view, &field.target_path) else {
                    continue;
                };
                let got = super::put::get(&again, &field.target_path);
                if got != Some(wanted) {
                    failures.push(LawFailure::PutGet {
                        view: from.name.clone(),
                        into: into.name.clone(),
                        field: field.target.clone(),
                        wanted: wanted.clone(),
                        got: got.cloned(),
                    });
                }
            }
        }
    }
    (mapped.len(), failures)
}
