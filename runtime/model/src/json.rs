//! A JSON tree that keeps object members in document order.
//!
//! A botocore model's member order is meaningful (generated structures convert member by member,
//! in that order), and `serde_json`'s own `Value` sorts keys unless a feature is on that a user's
//! build may not have; so the reader keeps its own order here. The accessors are `#[inline]`:
//! the runtime's schema builder calls them across this crate's boundary for every shape.

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

/// A parsed JSON value; objects are `(key, value)` pairs in document order.
///
/// Kept compact because a generated crate's model tree lives for the whole program (the
/// schema borrows its names from it): strings are borrowed from the document's text when it is
/// `'static` and they have no escapes ([`Json::parse_static`]), and arrays and objects are boxed
/// slices, with no spare capacity.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(Str),
    Array(Box<[Json]>),
    Object(Box<[(Str, Json)]>),
}

/// A string of a [`Json`] tree: a slice of a `'static` document's text, or its own copy (for a
/// string with escapes, or any string of a document that is not `'static`). Compares and
/// hashes as its text.
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Owned(Box<str>),
}

impl Str {
    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Owned(s) => s,
        }
    }

    /// The text, when it is a slice of a `'static` document (see [`Json::parse_static`]).
    #[inline]
    pub fn as_static(&self) -> Option<&'static str> {
        match self.0 {
            Repr::Static(s) => Some(s),
            Repr::Owned(_) => None,
        }
    }
}

impl Deref for Str {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str(Repr::Owned(s.into()))
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str(Repr::Owned(s.into_boxed_str()))
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl std::hash::Hash for Str {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == other.as_str()
    }
}

static NULL: Json = Json::Null;

impl Json {
    /// Parses a document; every string is copied out of `text`.
    pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
        parse_with::<Copied>(text)
    }

    /// Parses a document that lives for the rest of the program (a generated crate's embedded
    /// model): strings without escapes are borrowed from `text` instead of copied, which saves
    /// an allocation for nearly every key and value of the tree.
    pub fn parse_static(text: &'static str) -> Result<Json, serde_json::Error> {
        parse_with::<Borrowed>(text)
    }

    /// The member `key` of an object, or `Null`.
    #[inline]
    pub fn get(&self, key: &str) -> &Json {
        match self {
            Json::Object(members) => members
                .iter()
                .find(|(k, _)| k.as_str() == key)
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
            Json::String(s) => Some(s.as_str()),
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
    pub fn members(&self) -> &[(Str, Json)] {
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
                // New members are gathered apart (the members are a boxed slice) and searched
                // too, so a key the overlay repeats merges into its first copy as before.
                let mut added: Vec<(Str, Json)> = Vec::new();
                for (key, value) in extra.iter() {
                    match base
                        .iter_mut()
                        .chain(added.iter_mut())
                        .find(|(k, _)| k == key)
                    {
                        Some((_, existing)) if matches!(value, Json::Object(_)) => {
                            existing.merge(value)
                        }
                        Some((_, existing)) => *existing = value.clone(),
                        None => added.push((key.clone(), value.clone())),
                    }
                }
                if !added.is_empty() {
                    let mut all = std::mem::take(base).into_vec();
                    all.extend(added);
                    *base = all.into_boxed_slice();
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
        Tree::<Copied>(PhantomData).deserialize(deserializer)
    }
}

fn parse_with<'de, S: Strings<'de>>(text: &'de str) -> Result<Json, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Tree::<S>(PhantomData).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// How a string the parser can lend (one without escapes) goes into the tree.
trait Strings<'de> {
    fn lent(text: &'de str) -> Str;
}

/// Copied: the document does not outlive the tree.
struct Copied;

impl<'de> Strings<'de> for Copied {
    fn lent(text: &'de str) -> Str {
        Str::from(text)
    }
}

/// Borrowed: the document is `'static`.
struct Borrowed;

impl Strings<'static> for Borrowed {
    fn lent(text: &'static str) -> Str {
        Str(Repr::Static(text))
    }
}

/// Reads one value (and everything in it) with the string rule `S`.
struct Tree<S>(PhantomData<S>);

impl<'de, S: Strings<'de>> DeserializeSeed<'de> for Tree<S> {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, S: Strings<'de>> Visitor<'de> for Tree<S> {
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
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json, E> {
        Ok(Json::String(S::lent(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(Str::from(v)))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(Str::from(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Tree::<S>(PhantomData))? {
            items.push(item);
        }
        Ok(Json::Array(items.into_boxed_slice()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key_seed(Key::<S>(PhantomData))? {
            let value = map.next_value_seed(Tree::<S>(PhantomData))?;
            members.push((key, value));
        }
        Ok(Json::Object(members.into_boxed_slice()))
    }
}

/// Reads an object's key with the string rule `S`.
struct Key<S>(PhantomData<S>);

impl<'de, S: Strings<'de>> DeserializeSeed<'de> for Key<S> {
    type Value = Str;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Str, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, S: Strings<'de>> Visitor<'de> for Key<S> {
    type Value = Str;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str, E> {
        Ok(S::lent(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Str, E> {
        Ok(Str::from(v))
    }
    fn visit_string<E>(self, v: String) -> Result<Str, E> {
        Ok(Str::from(v))
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
        assert!(Json::parse_static("{\"a\": ").is_err());
        assert!(Json::parse_static("{} x").is_err());
    }

    /// Whether `s` lies inside `text` (borrowed) rather than in an allocation of its own.
    fn inside(text: &str, s: &str) -> bool {
        let range = text.as_bytes().as_ptr_range();
        range.contains(&s.as_ptr())
    }

    #[test]
    fn static_documents_lend_their_strings_unless_escaped() {
        const TEXT: &str = r#"{"plain": "value", "esc\u0041ped": "a\"b", "list": ["x"]}"#;
        let j = Json::parse_static(TEXT).unwrap();
        let (key, value) = &j.members()[0];
        assert!(inside(TEXT, key) && inside(TEXT, value.as_str().unwrap()));
        assert!(inside(TEXT, j.get("list").items()[0].as_str().unwrap()));
        // Escapes are decoded into a copy.
        let (key, value) = &j.members()[1];
        assert_eq!((key.as_str(), value.as_str()), ("escAped", Some("a\"b")));
        assert!(!inside(TEXT, key));
        // The same tree as a copying parse gives.
        assert_eq!(j, Json::parse(TEXT).unwrap());
        let copied = Json::parse(TEXT).unwrap();
        assert!(!inside(TEXT, copied.members()[0].0.as_str()));
    }

    #[test]
    fn the_tree_is_compact() {
        // A value is a tag and two words; a member a key and a value.
        assert_eq!(std::mem::size_of::<Json>(), 24);
        assert_eq!(std::mem::size_of::<(super::Str, Json)>(), 48);
    }

    #[test]
    fn merge_adds_new_members_last_and_merges_objects() {
        let mut base = Json::parse(r#"{"a": {"x": 1, "y": 2}, "b": 3}"#).unwrap();
        let overlay = Json::parse(r#"{"c": {"k": 1}, "a": {"y": 5, "z": 6}, "c": {"l": 2}}"#);
        base.merge(&overlay.unwrap());
        let want = Json::parse(r#"{"a": {"x": 1, "y": 5, "z": 6}, "b": 3, "c": {"k": 1, "l": 2}}"#);
        assert_eq!(base, want.unwrap());
    }
}
