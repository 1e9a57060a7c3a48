//! JavaScript-shaped values, as npm holds config values after parsing.
//!
//! npm's config layers are plain JS objects: a value can be a string, a
//! boolean, `null`, `undefined`, a number, an array, an object (from an ini
//! `[section]` or a JSON-quoted value) or a `Date`. Everything the engine
//! produces is one of these, so comparisons with npm are exact.

use std::fmt;

/// A JavaScript value as npm's config code would see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `undefined` (e.g. `key=undefined` on an unknown key).
    Undefined,
    Null,
    Bool(bool),
    /// A JS number (always `f64`).
    Number(f64),
    Str(String),
    Array(Vec<Value>),
    /// An object with JS property order (see [`JsObject`]).
    Object(JsObject),
    /// A `Date`, kept as milliseconds since the epoch (`NaN` for invalid).
    Date(f64),
}

impl Value {
    /// The JS `typeof`-like name used in JSON output (`"string"`, `"array"`, …).
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::Str(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Date(_) => "date",
        }
    }

    /// JS truthiness.
    #[must_use]
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            Value::Array(_) | Value::Object(_) | Value::Date(_) => true,
        }
    }

    /// The string inside a `Value::Str`.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `String(value)` as JavaScript computes it.
    #[must_use]
    pub fn js_string(&self) -> String {
        match self {
            Value::Undefined => "undefined".into(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => js_number_to_string(*n),
            Value::Str(s) => s.clone(),
            Value::Array(items) => items
                .iter()
                .map(|v| match v {
                    Value::Undefined | Value::Null => String::new(),
                    other => other.js_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
            Value::Object(_) => "[object Object]".into(),
            Value::Date(ms) => crate::config::js_number::date_to_string(*ms),
        }
    }

    /// Converts to `serde_json::Value` the way `JSON.stringify` would
    /// (`undefined` and `NaN` become `null`, dates become ISO strings when valid).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Undefined | Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => {
                if n.is_finite() {
                    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
                        #[allow(clippy::cast_possible_truncation)]
                        J::from(*n as i64)
                    } else {
                        serde_json::Number::from_f64(*n).map_or(J::Null, J::Number)
                    }
                } else {
                    J::Null
                }
            }
            Value::Str(s) => J::String(s.clone()),
            Value::Array(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Object(obj) => J::Object(
                obj.iter()
                    .filter(|(_, v)| !matches!(v, Value::Undefined))
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
            Value::Date(ms) => {
                // `Date#toJSON`: the ISO string, null when invalid
                crate::config::js_number::date_to_iso(*ms).map_or(J::Null, J::String)
            }
        }
    }

    /// Converts parsed JSON (e.g. from `JSON.parse` of a quoted ini value).
    #[must_use]
    pub fn from_json(v: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match v {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            J::String(s) => Value::Str(s.clone()),
            J::Array(a) => Value::Array(a.iter().map(Value::from_json).collect()),
            J::Object(o) => {
                let mut obj = JsObject::default();
                for (k, v) in o {
                    obj.insert(k.clone(), Value::from_json(v));
                }
                Value::Object(obj)
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.js_string())
    }
}

/// `Number.prototype.toString()` (exact, including exponent forms).
#[must_use]
pub fn js_number_to_string(n: f64) -> String {
    crate::npmrc::js::number_to_string(n)
}

/// Whether `key` is a JS "array index" property name (canonical `u32` < 2^32-1),
/// which JS objects enumerate first, in ascending numeric order.
#[must_use]
pub fn is_array_index(key: &str) -> bool {
    if key.is_empty() || key.len() > 10 {
        return false;
    }
    if key != "0" && key.starts_with('0') {
        return false;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    key.parse::<u64>().is_ok_and(|n| n < u64::from(u32::MAX))
}

/// An object with JavaScript property-order semantics: array-index keys
/// first in ascending numeric order, then string keys in insertion order.
/// Re-assigning an existing key keeps its position. Lookups are O(1).
#[derive(Debug, Clone, Default)]
pub struct JsObject {
    entries: Vec<(String, Value)>,
    index: std::collections::HashMap<String, usize>,
}

impl PartialEq for JsObject {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl JsObject {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn reindex(&mut self) {
        self.index = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.clone(), i))
            .collect();
    }

    /// `obj[key] = value`.
    pub fn insert(&mut self, key: String, value: Value) {
        if let Some(slot) = self.index.get(&key).and_then(|i| self.entries.get_mut(*i)) {
            slot.1 = value;
            return;
        }
        if is_array_index(&key) {
            let n: u64 = key.parse().unwrap_or(0);
            let pos = self
                .entries
                .iter()
                .position(|(k, _)| !is_array_index(k) || k.parse::<u64>().unwrap_or(0) > n)
                .unwrap_or(self.entries.len());
            self.entries.insert(pos, (key, value));
            self.reindex();
        } else {
            self.index.insert(key.clone(), self.entries.len());
            self.entries.push((key, value));
        }
    }

    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.index
            .get(key)
            .and_then(|i| self.entries.get(*i))
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = *self.index.get(key)?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }

    /// `delete obj[key]`.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let pos = *self.index.get(key)?;
        let (_, v) = self.entries.remove(pos);
        self.reindex();
        Some(v)
    }

    /// `Object.entries(obj)` order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    #[must_use]
    pub fn keys(&self) -> Vec<&str> {
        self.entries.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_serialise_like_to_json() {
        // `before=2020-01-01` → `"2020-01-01T00:00:00.000Z"`, not the ms count
        assert_eq!(
            Value::Date(1_577_836_800_000.0).to_json(),
            serde_json::json!("2020-01-01T00:00:00.000Z")
        );
        assert_eq!(Value::Date(f64::NAN).to_json(), serde_json::Value::Null);
    }

    #[test]
    fn object_orders_index_keys_first() {
        let mut o = JsObject::new();
        o.insert("b".into(), Value::Null);
        o.insert("2".into(), Value::Null);
        o.insert("a".into(), Value::Null);
        o.insert("1".into(), Value::Null);
        o.insert("01".into(), Value::Null);
        o.insert("b".into(), Value::Bool(true));
        assert_eq!(o.keys(), vec!["1", "2", "b", "a", "01"]);
        assert_eq!(o.get("b"), Some(&Value::Bool(true)));
    }

    #[test]
    fn js_string_and_truthiness() {
        assert_eq!(Value::Number(3.0).js_string(), "3");
        assert_eq!(Value::Number(0.5).js_string(), "0.5");
        assert_eq!(
            Value::Array(vec![
                Value::Str("a".into()),
                Value::Null,
                Value::Number(1.0)
            ])
            .js_string(),
            "a,,1"
        );
        assert!(!Value::Str(String::new()).is_truthy());
        assert!(Value::Str("0".into()).is_truthy());
        assert!(!Value::Number(0.0).is_truthy());
    }
}
