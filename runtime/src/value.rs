//! The protocol-neutral value tree between typed shapes and wire protocols.
//!
//! Generated types convert into a [`Value`] (consuming, so nothing is cloned on the way out) and
//! back out of one, with one line per member. Protocols only ever see `Value` + schema, which is
//! what lets each protocol be written once. Structures are positional: member `i` of the schema is
//! `Value::Struct(v)[i]`, so lookups are by index, never by name.

use crate::types::{Blob, Body, DateTime, Document, UnknownValue};
use std::collections::HashMap;
use std::fmt;

/// A protocol-neutral value.
#[derive(Debug)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Blob(Blob),
    Timestamp(DateTime),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
    /// Members in schema order; `None` = not set. Unions use this too, with one member set.
    Struct(Vec<Option<Value>>),
    Document(Document),
    /// A streaming payload.
    Body(Body),
    /// The events of an event-stream output, read as they arrive.
    EventStream(Box<crate::types::RawEventStream>),
    /// The events of an event-stream input, sent as the caller produces them.
    EventInput(Box<crate::types::RawEventSender>),
}

impl Value {
    /// A short name of the variant for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::Str(_) => "string",
            Value::Blob(_) => "blob",
            Value::Timestamp(_) => "timestamp",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Struct(_) => "structure",
            Value::Document(_) => "document",
            Value::Body(_) => "stream",
            Value::EventStream(_) => "event stream",
            Value::EventInput(_) => "input event stream",
        }
    }
}

/// A value did not have the shape the target type needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    pub message: String,
}

impl ConvertError {
    pub fn new(message: impl Into<String>) -> Self {
        ConvertError {
            message: message.into(),
        }
    }
    fn mismatch(expected: &str, got: &Value) -> Self {
        ConvertError::new(format!("expected {expected}, found {}", got.type_name()))
    }
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConvertError {}

/// Consumes a typed value into a [`Value`].
pub trait IntoValue {
    fn into_value(self) -> Value;
}

/// Builds a typed value from a [`Value`].
pub trait FromValue: Sized {
    fn from_value(value: Value) -> Result<Self, ConvertError>;
}

/// Converts an optional member (the common case in generated `into_value`).
pub fn opt<T: IntoValue>(v: Option<T>) -> Option<Value> {
    v.map(IntoValue::into_value)
}

/// [`opt`] for a boxed (recursive) member.
pub fn opt_boxed<T: IntoValue>(v: Option<Box<T>>) -> Option<Value> {
    v.map(|b| (*b).into_value())
}

/// Positional structure members being moved into typed fields.
pub struct Members {
    values: std::vec::IntoIter<Option<Value>>,
    shape: &'static str,
    /// Index of the member [`Members::next`] reads next.
    index: usize,
    /// The first member that failed to convert.
    error: Option<ConvertError>,
}

impl Members {
    /// Takes a structure value apart; `shape` names it in errors.
    pub fn of(value: Value, shape: &'static str) -> Result<Members, ConvertError> {
        match value {
            Value::Struct(values) => Ok(Members {
                values: values.into_iter(),
                shape,
                index: 0,
                error: None,
            }),
            other => Err(ConvertError::new(format!(
                "{shape}: expected structure, found {}",
                other.type_name()
            ))),
        }
    }

    /// The next member converted to `T`, or `None` when absent. A member that does not convert
    /// is remembered for [`Members::finish`] and reads as `None`, so generated code needs no
    /// branch per member.
    #[allow(clippy::should_implement_trait)] // not an iterator: each call yields its own type
    #[inline]
    pub fn next<T: FromValue>(&mut self) -> Option<T> {
        // Only the conversion itself is per type: this runs once per member type in every
        // service crate, so the bookkeeping lives in the non-generic `take` and `fail`.
        match T::from_value(self.take()?) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    /// The next member's value, if set.
    fn take(&mut self) -> Option<Value> {
        self.index += 1;
        self.values.next()?
    }

    /// Remembers the first member that failed to convert, with its position.
    #[cold]
    fn fail(&mut self, e: ConvertError) {
        if self.error.is_none() {
            let i = self.index - 1;
            self.error = Some(ConvertError::new(format!(
                "{}[{i}]: {}",
                self.shape, e.message
            )));
        }
    }

    /// `value`, unless a member failed to convert.
    #[inline]
    pub fn finish<T>(self, value: T) -> Result<T, ConvertError> {
        self.check().map(|()| value)
    }

    fn check(self) -> Result<(), ConvertError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// [`Members::next`] for a boxed (recursive) member.
    #[inline]
    pub fn next_boxed<T: FromValue>(&mut self) -> Option<Box<T>> {
        self.next().map(Box::new)
    }

    /// The set member of a union: its index and value.
    pub fn take_union(self) -> Option<(usize, Value)> {
        self.values.enumerate().find_map(|(i, v)| v.map(|v| (i, v)))
    }
}

/// Builds a union value: `members` slots with only `index` set.
pub fn union(members: usize, index: usize, value: Value) -> Value {
    let mut slots: Vec<Option<Value>> = (0..members).map(|_| None).collect();
    if let Some(slot) = slots.get_mut(index) {
        *slot = Some(value);
    }
    Value::Struct(slots)
}

macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl IntoValue for $t {
            fn into_value(self) -> Value {
                Value::Int(i64::from(self))
            }
        }
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, ConvertError> {
                match value {
                    Value::Int(i) => <$t>::try_from(i).map_err(|_| {
                        ConvertError::new(format!("{i} is out of range for {}", stringify!($t)))
                    }),
                    other => Err(ConvertError::mismatch("integer", &other)),
                }
            }
        }
    )*};
}
int_value!(i8, i16, i32, i64);

impl IntoValue for f64 {
    fn into_value(self) -> Value {
        Value::Float(self)
    }
}
impl FromValue for f64 {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Float(f) => Ok(f),
            // JSON and XML cannot tell 1.0 from 1.
            Value::Int(i) => Ok(i as f64),
            other => Err(ConvertError::mismatch("number", &other)),
        }
    }
}
impl IntoValue for f32 {
    fn into_value(self) -> Value {
        // Widen through the shortest decimal that round-trips, so 4.1f32 goes on the wire as
        // 4.1 (as botocore, which only has doubles, would send it), not 4.099999904632568.
        let shortest = self.to_string().parse::<f64>().unwrap_or(f64::from(self));
        Value::Float(shortest)
    }
}
impl FromValue for f32 {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        // Narrowing is the documented meaning of a `float` shape.
        f64::from_value(value).map(|f| f as f32)
    }
}

impl IntoValue for bool {
    fn into_value(self) -> Value {
        Value::Bool(self)
    }
}
impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(ConvertError::mismatch("boolean", &other)),
        }
    }
}

impl IntoValue for String {
    fn into_value(self) -> Value {
        Value::Str(self)
    }
}
impl FromValue for String {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Str(s) => Ok(s),
            other => Err(ConvertError::mismatch("string", &other)),
        }
    }
}

impl IntoValue for Blob {
    fn into_value(self) -> Value {
        Value::Blob(self)
    }
}
impl FromValue for Blob {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Blob(b) => Ok(b),
            other => Err(ConvertError::mismatch("blob", &other)),
        }
    }
}

impl IntoValue for DateTime {
    fn into_value(self) -> Value {
        Value::Timestamp(self)
    }
}
impl FromValue for DateTime {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Timestamp(t) => Ok(t),
            other => Err(ConvertError::mismatch("timestamp", &other)),
        }
    }
}

impl IntoValue for Document {
    fn into_value(self) -> Value {
        Value::Document(self)
    }
}
impl FromValue for Document {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Document(d) => Ok(d),
            other => Err(ConvertError::mismatch("document", &other)),
        }
    }
}

impl IntoValue for Body {
    fn into_value(self) -> Value {
        Value::Body(self)
    }
}
impl FromValue for Body {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::Body(b) => Ok(b),
            // A payload that arrived whole (e.g. an error body) is still a body to the user.
            Value::Blob(b) => Ok(Body::from(b.into_inner())),
            Value::Str(s) => Ok(Body::from(s)),
            other => Err(ConvertError::mismatch("stream", &other)),
        }
    }
}

/// Operations without an output shape return `()`; whatever the body held is ignored.
impl FromValue for () {
    fn from_value(_: Value) -> Result<Self, ConvertError> {
        Ok(())
    }
}

// The collection impls below are plain loops rather than iterator chains: they are
// instantiated for every element type of every service, and `collect` into a `Result` or in
// place costs several times the compiler work of a loop.
impl<T: IntoValue> IntoValue for Vec<T> {
    fn into_value(self) -> Value {
        let mut items = Vec::with_capacity(self.len());
        for item in self {
            items.push(item.into_value());
        }
        Value::List(items)
    }
}
impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        let items = list_items(value)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(T::from_value(item)?);
        }
        Ok(out)
    }
}

fn list_items(value: Value) -> Result<Vec<Value>, ConvertError> {
    match value {
        Value::List(items) => Ok(items),
        other => Err(ConvertError::mismatch("list", &other)),
    }
}

fn map_entries(value: Value) -> Result<Vec<(String, Value)>, ConvertError> {
    match value {
        Value::Map(entries) => Ok(entries),
        other => Err(ConvertError::mismatch("map", &other)),
    }
}

/// Deterministic wire output (and so signatures and snapshots) despite `HashMap` order.
fn sorted_map(mut entries: Vec<(String, Value)>) -> Value {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Map(entries)
}

impl<T: IntoValue> IntoValue for HashMap<String, T> {
    fn into_value(self) -> Value {
        let mut entries = Vec::with_capacity(self.len());
        for (k, v) in self {
            entries.push((k, v.into_value()));
        }
        sorted_map(entries)
    }
}
impl<T: FromValue> FromValue for HashMap<String, T> {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        let entries = map_entries(value)?;
        let mut out = HashMap::with_capacity(entries.len());
        for (k, v) in entries {
            out.insert(k, T::from_value(v)?);
        }
        Ok(out)
    }
}

// String enums convert through their wire value. (These blanket impls are why boxed members
// convert through `opt_boxed`/`next_boxed` rather than impls for `Box<T>`: two per enum were a
// measurable share of a service crate's compile time and memory.)
impl<E: StringEnum> IntoValue for E {
    #[inline]
    fn into_value(self) -> Value {
        Value::Str(enum_as_str(&self).to_owned())
    }
}
impl<E: StringEnum> FromValue for E {
    #[inline]
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        String::from_value(value).map(enum_from_wire)
    }
}

/// Generated string enums implement this: a variant is an index into `VALUES` (its wire value)
/// and `NAMES` (its Rust name), or an [`UnknownValue`]. The enums' `as_str`, `Clone`, `Debug`,
/// comparisons and parsing are written once, below, in terms of it.
pub trait StringEnum: Sized {
    const VALUES: &'static [&'static str];
    const NAMES: &'static [&'static str];
    fn index(&self) -> Result<usize, &UnknownValue>;
    fn from_index(index: usize) -> Self;
    fn unknown(value: UnknownValue) -> Self;
}

// The helpers below are instantiated once per enum of every service, so each keeps its
// generic part to a call of `index`/`from_index` and leaves the rest to non-generic code.

/// A string enum's wire value.
#[inline]
pub fn enum_as_str<E: StringEnum>(e: &E) -> &str {
    wire_value(E::VALUES, e.index())
}

fn wire_value<'a>(
    values: &'static [&'static str],
    index: Result<usize, &'a UnknownValue>,
) -> &'a str {
    match index {
        Ok(i) => values.get(i).copied().unwrap_or_default(),
        Err(unknown) => unknown.as_str(),
    }
}

/// Parses a wire value: its variant, or `Unknown`.
#[inline]
pub fn enum_from_wire<E: StringEnum>(s: String) -> E {
    match wire_index(E::VALUES, s) {
        Ok(i) => E::from_index(i),
        Err(unknown) => E::unknown(unknown),
    }
}

fn wire_index(values: &[&str], s: String) -> Result<usize, UnknownValue> {
    match values.iter().position(|v| *v == s) {
        Some(i) => Ok(i),
        None => Err(UnknownValue::new(s)),
    }
}

/// A string enum's `Clone`.
#[inline]
pub fn enum_clone<E: StringEnum>(e: &E) -> E {
    match e.index() {
        Ok(i) => E::from_index(i),
        Err(unknown) => E::unknown(unknown.clone()),
    }
}

/// A string enum's `Debug`: the variant's name, as derived `Debug` prints it.
#[inline]
pub fn enum_debug<E: StringEnum>(e: &E, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    debug_variant(E::NAMES, e.index(), f)
}

fn debug_variant(
    names: &'static [&'static str],
    index: Result<usize, &UnknownValue>,
    f: &mut std::fmt::Formatter<'_>,
) -> std::fmt::Result {
    match index {
        Ok(i) => f.write_str(names.get(i).copied().unwrap_or_default()),
        Err(unknown) => f.debug_tuple("Unknown").field(unknown).finish(),
    }
}

/// Generated int enums implement this.
pub trait IntEnum: Sized {
    fn as_i32(&self) -> i32;
    fn from_wire(i: i32) -> Self;
}

/// Implements the value conversions for a generated enum via [`StringEnum`] or [`IntEnum`];
/// kept as a macro so the generated file carries one line per enum, not two impls.
#[macro_export]
macro_rules! enum_value {
    (str $t:ty) => {
        impl $t {
            /// Every value the model lists.
            pub const VALUES: &'static [&'static str] =
                <$t as $crate::__private::StringEnum>::VALUES;
            /// The value as sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                $crate::__private::enum_as_str(self)
            }
        }
        impl ::core::clone::Clone for $t {
            #[inline]
            fn clone(&self) -> Self {
                $crate::__private::enum_clone(self)
            }
        }
        impl ::core::fmt::Debug for $t {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::__private::enum_debug(self, f)
            }
        }
        // Compared and hashed by wire value: the same relation as derived impls, since
        // `Unknown` never holds a value that has a variant. No `Ord`: an order of wire values
        // means nothing, and each impl per enum cost measurable compile memory.
        impl ::core::cmp::PartialEq for $t {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl ::core::cmp::Eq for $t {}
        impl ::core::hash::Hash for $t {
            #[inline]
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }
        impl ::std::convert::From<&str> for $t {
            #[inline]
            fn from(s: &str) -> Self {
                $crate::__private::enum_from_wire(s.to_owned())
            }
        }
        impl ::std::fmt::Display for $t {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    (int $t:ty) => {
        impl $crate::__private::IntoValue for $t {
            #[inline]
            fn into_value(self) -> $crate::Value {
                $crate::Value::Int(i64::from($crate::__private::IntEnum::as_i32(&self)))
            }
        }
        impl $crate::__private::FromValue for $t {
            #[inline]
            fn from_value(
                v: $crate::Value,
            ) -> ::std::result::Result<Self, $crate::__private::ConvertError> {
                <i32 as $crate::__private::FromValue>::from_value(v)
                    .map(<$t as $crate::__private::IntEnum>::from_wire)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A parsed response is a tree of thousands of values, each moved several times on its
    /// way into typed fields: a large variant held inline (a response stream was) makes every
    /// one of them, and every unset member slot, that large.
    #[test]
    fn a_value_is_five_words() {
        assert_eq!(std::mem::size_of::<Value>(), 40);
        assert_eq!(std::mem::size_of::<Option<Value>>(), 40);
        assert_eq!(std::mem::size_of::<Body>(), 40);
    }

    #[test]
    fn out_of_range_integer_is_an_error_not_a_wrap() {
        assert!(i32::from_value(Value::Int(i64::from(i32::MAX) + 1)).is_err());
        assert_eq!(i8::from_value(Value::Int(-5)), Ok(-5));
    }

    #[test]
    fn members_report_the_first_bad_member_with_its_path() {
        let value = Value::Struct(vec![
            Some(Value::Str("ok".into())),
            Some(Value::Bool(true)),
            Some(Value::Int(1)),
        ]);
        let mut m = Members::of(value, "Foo").unwrap();
        assert_eq!(m.next::<String>(), Some("ok".to_string()));
        assert_eq!(m.next::<String>(), None);
        assert_eq!(m.next::<String>(), None);
        assert_eq!(m.next::<String>(), None, "past the last member");
        let err = m.finish(()).unwrap_err();
        assert_eq!(err.message, "Foo[1]: expected string, found boolean");
        let mut fine = Members::of(Value::Struct(vec![None]), "Foo").unwrap();
        assert_eq!(fine.next::<String>(), None);
        assert_eq!(fine.finish(7), Ok(7));
    }

    #[test]
    fn maps_serialize_in_key_order() {
        let mut m = HashMap::new();
        m.insert("b".to_string(), 2i32);
        m.insert("a".to_string(), 1i32);
        match m.into_value() {
            Value::Map(e) => assert_eq!(e[0].0, "a"),
            other => panic!("{other:?}"),
        }
    }
}
