//! Field counts: how often each target field got no value from its source.

use crate::eval::FieldEvent;
use std::collections::BTreeMap;

/// Per target field, how often it got no value from its source, over the
/// records mapped with [`BoundMapping::apply_counting`](crate::BoundMapping::apply_counting). Fields inside a list are
/// named with `[]`: `lines[].sku`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldCounts {
    /// By target path, in order.
    pub fields: BTreeMap<String, FieldCount>,
}

impl FieldCounts {
    /// Counts one record's field events.
    pub(super) fn add(&mut self, events: Vec<(String, FieldEvent)>) {
        for (field, event) in events {
            let count = self.fields.entry(field).or_default();
            match event {
                FieldEvent::Null => count.null += 1,
                FieldEvent::Defaulted => count.defaulted += 1,
                FieldEvent::Omitted => count.omitted += 1,
            }
        }
    }

    /// Adds another set of counts (from another thread) to these.
    pub fn merge(&mut self, other: FieldCounts) {
        for (field, count) in other.fields {
            let mine = self.fields.entry(field).or_default();
            mine.null += count.null;
            mine.defaulted += count.defaulted;
            mine.omitted += count.omitted;
        }
    }
}

/// How often one target field got no value from its source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldCount {
    /// Written as `null`.
    pub null: u64,
    /// Written from its `default`.
    pub defaulted: u64,
    /// Left out.
    pub omitted: u64,
}
