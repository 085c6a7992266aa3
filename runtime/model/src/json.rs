//! A JSON tree that keeps object members in document order.
//!
//! A botocore model's member order is meaningful (generated structures convert member by member,
//! in that order), and `serde_json`'s own `Value` sorts keys unless a feature is on that a user's
//! build may not have; so the reader keeps its own order here. The accessors are `#[inline]`:
//! the runtime's schema builder calls them across this crate's boundary for every shape.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A parsed JSON value; objects are `(key, value)` pairs in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

static NULL: Json = Json::Null;

impl Json {
    /// Parses a document.
    pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The member `key` of an object, or `Null`.
    #[inline]
    pub fn get(&self, key: &str) -> &Json {
        match self {
            Json::Object(members) => members
                .iter()
                .find(|(k, _)| k == key)
                .map_or(&NULL, |(_, v)| v),
            _ => &NULL,
        }
    }

    #[inline]
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// `true` only for a JSON `true`.
    #[inline]
    pub fn is_true(&self) -> bool {
        matches!(self, Json::Bool(true))
    }

    #[inline]
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) if *n >= 0.0 && n.fract() == 0.0 => Some(*n as u64),
            _ => None,
        }
    }

    /// An array's items (none for anything else).
    #[inline]
    pub fn items(&self) -> &[Json] {
        match self {
            Json::Array(items) => items,
            _ => &[],
        }
    }

    /// An object's members in document order (none for anything else).
    #[inline]
    pub fn members(&self) -> &[(String, Json)] {
        match self {
            Json::Object(members) => members,
            _ => &[],
        }
    }
}

impl Json {
    /// Merges `overlay` into `self` as botocore's `merge_dicts` merges a `.sdk-extras.json`
    /// overlay into a model: objects member by member (new members last, existing ones keep
    /// their place), anything else replaced.
    pub fn merge(&mut self, overlay: &Json) {
        match (self, overlay) {
            (Json::Object(base), Json::Object(extra)) => {
                for (key, value) in extra {
                    match base.iter_mut().find(|(k, _)| k == key) {
                        Some((_, existing)) if matches!(value, Json::Object(_)) => {
                            existing.merge(value)
                        }
                        Some((_, existing)) => *existing = value.clone(),
                        None => base.push((key.clone(), value.clone())),
                    }
                }
            }
            (base, overlay) => *base = overlay.clone(),
        }
    }

    /// The value of a number.
    #[inline]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => Some(*n),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            members.push((k, v));
        }
        Ok(Json::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn objects_keep_document_order() {
        let j = Json::parse(r#"{"z": 1, "a": [true, null, "s"], "m": {"y": 2, "b": 3}}"#).unwrap();
        let keys: Vec<&str> = j.members().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["z", "a", "m"]);
        let inner: Vec<&str> = j
            .get("m")
            .members()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(inner, ["y", "b"]);
        assert_eq!(j.get("a").items()[2].as_str(), Some("s"));
        assert!(j.get("missing").is_null());
        assert_eq!(j.get("z").as_u64(), Some(1));
    }

    #[test]
    fn malformed_documents_are_errors() {
        assert!(Json::parse("{\"a\": ").is_err());
        assert!(Json::parse("[1,]").is_err());
    }
}
