//! What a mapping may know of the world besides the record: parameter
//! values, "now" and the default time zone. Nothing ambient is read: no
//! clock, no local time zone, no environment variables.

use crate::json::Value as Json;
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The environment a record is mapped in.
///
/// ```
/// use mapc::Env;
/// let env = Env::new().with_param("tenant_id", "acme");
/// assert_eq!(env.param("tenant_id"), Some(&mapc::json::json!("acme")));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Env {
    params: BTreeMap<String, Json>,
    tables: BTreeMap<String, Arc<[(Json, Json)]>>,
    now: Option<DateTime<FixedOffset>>,
    time_zone: Option<Tz>,
    budget: Budget,
}

/// The work one record may cost: a mapping can be superlinear (a `filter`
/// over a list inside a `for` over the same list; defs that each double a
/// list), so evaluation counts what it does. A record that passes a limit
/// fails with error E332 (E331 for the output size) and the next record is
/// mapped as usual. The defaults are generous: an ordinary mapping takes a
/// few hundred steps and a few kilobytes per record.
///
/// ```
/// use mapc::{Budget, Env};
/// let mut budget = Budget::default();
/// budget.steps = 1_000_000;
/// let env = Env::new().with_budget(budget);
/// assert_eq!(env.budget().steps, 1_000_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Budget {
    /// Evaluation steps (one per expression evaluated, one per list element
    /// a `for`, `map` or `filter` visits). Default 100 million.
    pub steps: u64,
    /// Bytes of values the mapping builds (strings, lists, objects; each
    /// copy counts). Default 256 MiB.
    pub bytes: u64,
    /// Bytes of the output record as written by `BoundMapping::apply_to` (the
    /// writing stops as soon as it passes). Default 64 MiB.
    pub output_bytes: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            steps: 100_000_000,
            bytes: 256 << 20,
            output_bytes: 64 << 20,
        }
    }
}

impl Env {
    /// An empty environment.
    pub fn new() -> Self {
        Env::default()
    }

    /// Sets a parameter's value.
    pub fn with_param(mut self, name: impl Into<String>, value: impl Into<Json>) -> Self {
        self.set_param(name, value);
        self
    }

    /// Sets a parameter's value.
    pub fn set_param(&mut self, name: impl Into<String>, value: impl Into<Json>) {
        self.params.insert(name.into(), value.into());
    }

    /// A parameter's value, if set.
    pub fn param(&self, name: &str) -> Option<&Json> {
        self.params.get(name)
    }

    /// The parameters that are set.
    pub fn params(&self) -> impl Iterator<Item = (&str, &Json)> {
        self.params.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Supplies the entries (key, value) of a table the mapping declares
    /// `supplied` (`table customers (supplied) {}`): code lists and
    /// customer lists that change without the mapping changing. They are
    /// checked once, when the mapping is bound (a key given twice, a key
    /// that is not a string, number, boolean or null, a table the mapping
    /// does not declare: error E382), and looked up by hash, O(1).
    ///
    /// ```
    /// use mapc::{Env, Mapping};
    /// use mapc::json::json;
    /// let mapping = Mapping::compile("table plans (supplied) { _ => \"FREE\" }\nplan = .plan | lookup(plans)").unwrap();
    /// let env = Env::new().with_table("plans", [(json!("p1"), json!("PRO"))]);
    /// assert_eq!(mapping.apply_with(&json!({"plan": "p1"}), &env).unwrap(), json!({"plan": "PRO"}));
    /// assert_eq!(mapping.apply_with(&json!({"plan": "x"}), &env).unwrap(), json!({"plan": "FREE"}));
    /// ```
    pub fn with_table(
        mut self,
        name: impl Into<String>,
        entries: impl IntoIterator<Item = (Json, Json)>,
    ) -> Self {
        self.set_table(name, entries);
        self
    }

    /// Supplies a table's entries (see [`Env::with_table`]).
    pub fn set_table(
        &mut self,
        name: impl Into<String>,
        entries: impl IntoIterator<Item = (Json, Json)>,
    ) {
        self.tables
            .insert(name.into(), entries.into_iter().collect::<Vec<_>>().into());
    }

    /// A supplied table's entries, if set.
    pub fn table(&self, name: &str) -> Option<&[(Json, Json)]> {
        self.tables.get(name).map(|t| &**t)
    }

    /// The names of the supplied tables.
    pub fn tables(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }

    /// Sets "now" (the CLI passes the real clock; tests pin it).
    pub fn with_now(mut self, now: DateTime<FixedOffset>) -> Self {
        self.now = Some(now);
        self
    }

    /// "Now", if set.
    pub fn now(&self) -> Option<DateTime<FixedOffset>> {
        self.now
    }

    /// Sets the default time zone: the zone a date or time without an
    /// offset is read in when the mapping names none. Without it, such a
    /// value is an error; the machine's local zone is never used.
    ///
    /// ```
    /// use mapc::{Env, Tz};
    /// let env = Env::new().with_time_zone("Europe/Berlin".parse::<Tz>().unwrap());
    /// assert_eq!(env.time_zone(), Some(Tz::Europe__Berlin));
    /// ```
    pub fn with_time_zone(mut self, zone: Tz) -> Self {
        self.time_zone = Some(zone);
        self
    }

    /// The default time zone, if set.
    pub fn time_zone(&self) -> Option<Tz> {
        self.time_zone
    }

    /// Sets the work one record may cost (see [`Budget`]).
    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// The work one record may cost.
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// What built-ins may read of the environment.
    pub(crate) fn ambient(&self) -> Ambient {
        Ambient {
            now: self.now,
            time_zone: self.time_zone,
            budget: self.budget,
        }
    }
}

/// The part of the environment a built-in may read ("now" and the default
/// zone), cheap to copy into every call.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ambient {
    pub(crate) now: Option<DateTime<FixedOffset>>,
    pub(crate) time_zone: Option<Tz>,
    pub(crate) budget: Budget,
}
