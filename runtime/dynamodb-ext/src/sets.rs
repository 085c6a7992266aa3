//! DynamoDB's set types and binary: newtypes whose serde form the item serializer recognises
//! (`SS`, `NS`, `BS`, `B`), since serde's data model has no set or "this is binary" marker that
//! every collection uses. Through other serde formats they are plain sequences and bytes.

use crate::number::Number;
use std::collections::BTreeSet;
use std::fmt;

pub(crate) const STRING_SET_TOKEN: &str = "$rboto_dynamodb_ext::StringSet";
pub(crate) const NUMBER_SET_TOKEN: &str = "$rboto_dynamodb_ext::NumberSet";
pub(crate) const BINARY_SET_TOKEN: &str = "$rboto_dynamodb_ext::BinarySet";

/// A string set (`SS`). DynamoDB has no empty set: serializing an empty one is an error, as in
/// boto3.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct StringSet(pub BTreeSet<String>);

/// A number set (`NS`), each number as its exact text. Not empty when written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NumberSet(pub BTreeSet<Number>);

/// A binary set (`BS`). Not empty when written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BinarySet(pub BTreeSet<Vec<u8>>);

/// Bytes written as a DynamoDB binary (`B`) — boto3's `Binary`. A plain `Vec<u8>` is a serde
/// sequence and would become a list of numbers; `serde_bytes` types work too.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Binary(pub Vec<u8>);

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl<S: Into<String>> FromIterator<S> for StringSet {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        StringSet(iter.into_iter().map(Into::into).collect())
    }
}

impl<N: Into<Number>> FromIterator<N> for NumberSet {
    fn from_iter<I: IntoIterator<Item = N>>(iter: I) -> Self {
        NumberSet(iter.into_iter().map(Into::into).collect())
    }
}

impl<B: Into<Vec<u8>>> FromIterator<B> for BinarySet {
    fn from_iter<I: IntoIterator<Item = B>>(iter: I) -> Self {
        BinarySet(iter.into_iter().map(Into::into).collect())
    }
}

impl From<Vec<u8>> for Binary {
    fn from(v: Vec<u8>) -> Self {
        Binary(v)
    }
}

impl From<&[u8]> for Binary {
    fn from(v: &[u8]) -> Self {
        Binary(v.to_vec())
    }
}

/// Serializes bytes as serde bytes (not a sequence).
struct BytesRef<'a>(&'a [u8]);

impl serde::Serialize for BytesRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// The elements in order, wrapped so each serializes through `Item`.
struct Elements<'a, T, I: Fn(&'a T) -> U, U>(&'a BTreeSet<T>, I);

impl<'a, T, I, U> serde::Serialize for Elements<'a, T, I, U>
where
    I: Fn(&'a T) -> U,
    U: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(&self.1))
    }
}

impl serde::Serialize for StringSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(STRING_SET_TOKEN, &self.0)
    }
}

impl serde::Serialize for NumberSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(NUMBER_SET_TOKEN, &self.0)
    }
}

impl serde::Serialize for BinarySet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(
            BINARY_SET_TOKEN,
            &Elements(&self.0, |b: &Vec<u8>| BytesRef(b)),
        )
    }
}

impl serde::Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

/// Reads the set's elements from whatever sequence the deserializer offers (`SS`/`NS`/`BS` in
/// an item; a list elsewhere).
struct SetVisitor<T>(&'static str, std::marker::PhantomData<T>);

impl<'de, T> serde::de::Visitor<'de> for SetVisitor<T>
where
    T: serde::Deserialize<'de> + Ord,
{
    type Value = BTreeSet<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeSet::new();
        while let Some(v) = seq.next_element()? {
            out.insert(v);
        }
        Ok(out)
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::Deserialize<'de> for StringSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(
            STRING_SET_TOKEN,
            SetVisitor("a string set (SS)", std::marker::PhantomData),
        )
        .map(StringSet)
    }
}

impl<'de> serde::Deserialize<'de> for NumberSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(
            NUMBER_SET_TOKEN,
            SetVisitor("a number set (NS)", std::marker::PhantomData),
        )
        .map(NumberSet)
    }
}

impl<'de> serde::Deserialize<'de> for BinarySet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let set: BTreeSet<Binary> = d.deserialize_newtype_struct(
            BINARY_SET_TOKEN,
            SetVisitor("a binary set (BS)", std::marker::PhantomData),
        )?;
        Ok(BinarySet(set.into_iter().map(|b| b.0).collect()))
    }
}

struct BinaryVisitor;

impl<'de> serde::de::Visitor<'de> for BinaryVisitor {
    type Value = Binary;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a binary (B)")
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Binary, E> {
        Ok(Binary(v.to_vec()))
    }

    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Binary, E> {
        Ok(Binary(v))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Binary, A::Error> {
        let mut out = Vec::new();
        while let Some(b) = seq.next_element()? {
            out.push(b);
        }
        Ok(Binary(out))
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_byte_buf(BinaryVisitor)
    }
}
