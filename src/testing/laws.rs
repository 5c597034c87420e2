//! Round trips in `mapc test`: the lens laws on a mapping's own cases.
//!
//! A case asks for them with a file `round_trip.json` holding `true` in
//! its folder (`mapc test --laws` asks for every case): GetPut
//! `put(get(s), s) == s` on its input, and PutGet `get(put(v, s)) == v`
//! on the exact and explicit fields for its view written into every other
//! case's input, and every other case's view written into it.

use super::Case;
use crate::mapping::Mapping;
use crate::reverse::{self, LawCase, LawFailure, Reverse};
use chrono::{DateTime, FixedOffset};
use std::path::{Path, PathBuf};

/// A law that does not hold, with the case it is reported on.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RoundTripFailure {
    /// The case folder the failure is reported on (for PutGet, the case
    /// whose view was written).
    pub dir: PathBuf,
    /// What does not hold, with the field and both values.
    pub message: String,
}

/// Does the case in `dir` ask for the round-trip checks (`round_trip.json`
/// holding `true`)?
///
/// # Errors
/// `round_trip.json` is there but does not hold `true` or `false`.
pub fn asks_for_round_trip(dir: &Path) -> Result<bool, String> {
    let path = dir.join("round_trip.json");
    match super::read_optional(&path)? {
        None => Ok(false),
        Some(crate::json::Value::Bool(on)) => Ok(on),
        Some(_) => Err(format!("`{}` must hold `true` or `false`", path.display())),
    }
}

/// Checks the laws on the cases in `dirs` that ask for them (all of them
/// when `all`); the cases that do not map, or cannot be read, are left to
/// [`super::run_case`]. A mapping that cannot be mapped back (it `emit`s)
/// fails every case that asks, naming why.
pub fn round_trips(
    mapping: &Mapping,
    dirs: &[PathBuf],
    all: bool,
    now: Option<DateTime<FixedOffset>>,
) -> Vec<RoundTripFailure> {
    let mut failures = Vec::new();
    let mut asked = Vec::new();
    let mut cases = Vec::new();
    for dir in dirs {
        let wants = match asks_for_round_trip(dir) {
            Ok(wants) => wants || all,
            Err(message) => {
                failures.push(RoundTripFailure {
                    dir: dir.clone(),
                    message,
                });
                continue;
            }
        };
        let Ok(case) = Case::load(dir, now) else {
            continue;
        };
        let name = dir.file_name().map_or_else(
            || dir.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        if wants {
            asked.push((name.clone(), dir.clone()));
        }
        cases.push(LawCase {
            name,
            source: case.input,
            env: case.env,
        });
    }
    if asked.is_empty() {
        return failures;
    }
    let reverse = match Reverse::new(mapping) {
        Ok(reverse) => reverse,
        Err(error) => {
            let why = reverse::refusal(mapping).map_or_else(
                || format!("the mapping does not map back: {error}"),
                |d| format!("{}: {}", d.code.as_str(), d.message),
            );
            for (_, dir) in asked {
                failures.push(RoundTripFailure {
                    dir,
                    message: format!("round trip: {why}"),
                });
            }
            return failures;
        }
    };
    let (_, found) = reverse::check_laws(&reverse, &cases);
    for failure in found {
        let (dir, other) = match &failure {
            LawFailure::GetPut { case, .. } => (case.clone(), None),
            LawFailure::PutGet { view, into, .. } => (view.clone(), Some(into.clone())),
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        // reported on a case that asked: the view's, else the one it was
        // written into
        let find = |name: &String| asked.iter().find(|(n, _)| n == name).map(|(_, d)| d);
        let Some(on) = find(&dir).or_else(|| other.as_ref().and_then(find)) else {
            continue;
        };
        failures.push(RoundTripFailure {
            dir: on.clone(),
            message: failure.to_string(),
        });
    }
    failures
}
