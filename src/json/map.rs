//! An object's keys and values, in the order they were inserted.

use super::Value;
use indexmap::IndexMap;
use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;

/// A JSON object: string keys and their values, kept in insertion order
/// (a record's fields come out in the order they were read, an output's in
/// the mapping's order). Its methods are named as serde_json's `Map`'s.
///
/// Two maps are equal when they hold the same keys with equal values, in
/// any order (as serde_json's are).
#[derive(Clone, Default)]
pub struct Map<K = String, V = Value> {
    map: IndexMap<K, V>,
}

impl Map<String, Value> {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Map {
            map: IndexMap::new(),
        }
    }

    /// An empty map with room for `capacity` entries.
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Map {
            map: IndexMap::with_capacity(capacity),
        }
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.map.clear();
    }

    /// The value of `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&Value>
    where
        String: Borrow<Q>,
        Q: ?Sized + Hash + Eq,
    {
        self.map.get(key)
    }

    /// The value of `key`, to change it.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut Value>
    where
        String: Borrow<Q>,
        Q: ?Sized + Hash + Eq,
    {
        self.map.get_mut(key)
    }

    /// The stored key and value of `key`.
    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&String, &Value)>
    where
        String: Borrow<Q>,
        Q: ?Sized + Hash + Eq,
    {
        self.map.get_key_value(key)
    }

    /// Whether the map has `key`.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        String: Borrow<Q>,
        Q: ?Sized + Hash + Eq,
    {
        self.map.contains_key(key)
    }

    /// Sets `key` to `value`: a new key goes last, a key already there
    /// keeps its place. Returns the value it replaced.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        self.map.insert(key, value)
    }

    /// Removes `key`, moving the last entry into its place (as serde_json's
    /// `remove` does with `preserve_order`); see [`Map::shift_remove`].
    pub fn remove<Q>(&mut self, key: &Q) -> Option<Value>
    where
        String: Borrow<Q>,
        Q: ?Sized + Hash + Eq,
    {
        self.map.swap_remove(key)
    }

    /// Removes `key`, moving the last entry into its place.
    pub fn swap_remove<Q>(&mut self, key: &Q) -> Option<Value>
    where
        String: Borrow<Q>,
        Q: ?Sized + Hash + Eq,
    {
        self.map.swap_remove(key)
    }

    /// Removes `key`, keeping the other entries' order.
    pub fn shift_remove<Q>(&mut self, key: &Q) -> Option<Value>
    where
        String: Borrow<Q>,
        Q: ?Sized + Hash + Eq,
    {
        self.map.shift_remove(key)
    }

    /// Removes `key` and returns it with its value, keeping the other
    /// entries' order.
    pub fn remove_entry<Q>(&mut self, key: &Q) -> Option<(String, Value)>
    where
        String: Borrow<Q>,
        Q: ?Sized + Hash + Eq,
    {
        self.map.shift_remove_entry(key)
    }

    /// Moves every entry of `other` into this map.
    pub fn append(&mut self, other: &mut Self) {
        self.map.extend(other.map.drain(..));
    }

    /// The entry of `key`, to read, insert or change it in place.
    pub fn entry(&mut self, key: impl Into<String>) -> indexmap::map::Entry<'_, String, Value> {
        self.map.entry(key.into())
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the map has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The entries in order.
    pub fn iter(&self) -> indexmap::map::Iter<'_, String, Value> {
        self.map.iter()
    }

    /// The entries in order, their values to change.
    pub fn iter_mut(&mut self) -> indexmap::map::IterMut<'_, String, Value> {
        self.map.iter_mut()
    }

    /// The keys in order.
    pub fn keys(&self) -> indexmap::map::Keys<'_, String, Value> {
        self.map.keys()
    }

    /// The values in order.
    pub fn values(&self) -> indexmap::map::Values<'_, String, Value> {
        self.map.values()
    }

    /// The values in order, to change them.
    pub fn values_mut(&mut self) -> indexmap::map::ValuesMut<'_, String, Value> {
        self.map.values_mut()
    }

    /// The values in order, owned.
    pub fn into_values(self) -> indexmap::map::IntoValues<String, Value> {
        self.map.into_values()
    }

    /// Keeps only the entries for which `keep` says so, in their order.
    pub fn retain<F: FnMut(&String, &mut Value) -> bool>(&mut self, keep: F) {
        self.map.retain(keep);
    }

    /// Sorts the entries by key.
    pub fn sort_keys(&mut self) {
        self.map.sort_keys();
    }
}

impl PartialEq for Map<String, Value> {
    fn eq(&self, other: &Self) -> bool {
        self.map == other.map
    }
}

impl Eq for Map<String, Value> {}

impl fmt::Debug for Map<String, Value> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.map.iter()).finish()
    }
}

impl<Q> std::ops::Index<&Q> for Map<String, Value>
where
    String: Borrow<Q>,
    Q: ?Sized + Hash + Eq,
{
    type Output = Value;

    /// The value of `key`; panics when there is none (as serde_json's).
    fn index(&self, key: &Q) -> &Value {
        &self.map[key]
    }
}

impl<Q> std::ops::IndexMut<&Q> for Map<String, Value>
where
    String: Borrow<Q>,
    Q: ?Sized + Hash + Eq,
{
    fn index_mut(&mut self, key: &Q) -> &mut Value {
        self.map.get_mut(key).expect("no entry found for key")
    }
}

impl FromIterator<(String, Value)> for Map<String, Value> {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Map {
            map: IndexMap::from_iter(iter),
        }
    }
}

impl Extend<(String, Value)> for Map<String, Value> {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        self.map.extend(iter);
    }
}

impl IntoIterator for Map<String, Value> {
    type Item = (String, Value);
    type IntoIter = indexmap::map::IntoIter<String, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map<String, Value> {
    type Item = (&'a String, &'a Value);
    type IntoIter = indexmap::map::Iter<'a, String, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map<String, Value> {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = indexmap::map::IterMut<'a, String, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.iter_mut()
    }
}
