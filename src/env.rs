//! What a mapping may know of the world besides the record: parameter
//! values and "now". Nothing ambient is read: no clock, no time zone, no
//! environment variables.

use chrono::{DateTime, FixedOffset};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// The environment a record is mapped in.
///
/// ```
/// use mapc::Env;
/// let env = Env::new().with_param("tenant_id", "acme");
/// assert_eq!(env.param("tenant_id"), Some(&serde_json::json!("acme")));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Env {
    params: BTreeMap<String, Json>,
    now: Option<DateTime<FixedOffset>>,
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

    /// Sets "now" (the CLI passes the real clock; tests pin it).
    pub fn with_now(mut self, now: DateTime<FixedOffset>) -> Self {
        self.now = Some(now);
        self
    }

    /// "Now", if set.
    pub fn now(&self) -> Option<DateTime<FixedOffset>> {
        self.now
    }
}
