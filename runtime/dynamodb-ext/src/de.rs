//! DynamoDB attribute values → Rust values through serde (boto3's `TypeDeserializer`).

use crate::error::ItemError;
use crate::number::{FromNumber, NUMBER_TOKEN};
use crate::sets::{BINARY_SET_TOKEN, NUMBER_SET_TOKEN, STRING_SET_TOKEN};
use crate::value::Typed;
use rboto_dynamodb::types::AttributeValue;
use serde::de::{self, DeserializeOwned, IntoDeserializer, Unexpected, Visitor};
use std::collections::HashMap;

/// Deserializes one attribute value into `T`.
///
/// `N` reads into any integer or float type (an error names the overflow or the fraction an
/// integer cannot hold) and exactly into [`crate::Number`]; `B` into serde bytes,
/// [`crate::Binary`] or `Vec<u8>`; `SS`/`NS`/`BS` into the set newtypes or any sequence;
/// `NULL` into `None` or `()`; `S` into a unit enum variant by name. A type with no natural
/// target (`N` asked for by `deserialize_any`, as `serde_json::Value` does) gives an `i64`, a
/// `u64`, or else an `f64`.
pub fn from_attribute_value<T: DeserializeOwned>(value: AttributeValue) -> Result<T, ItemError> {
    T::deserialize(ValueDeserializer(value))
}

/// Deserializes an item (as `GetItem`, `Query` and `Scan` return it) into `T`.
pub fn from_item<T: DeserializeOwned>(
    item: HashMap<String, AttributeValue>,
) -> Result<T, ItemError> {
    from_attribute_value(AttributeValue::default().m(item))
}

struct ValueDeserializer(AttributeValue);

/// Values named by type only: a mismatched attribute's content stays out of the message.
fn unexpected(t: &Typed) -> Unexpected<'static> {
    Unexpected::Other(match t {
        Typed::S(_) => "a string (S)",
        Typed::N(_) => "a number (N)",
        Typed::B(_) => "binary (B)",
        Typed::Ss(_) => "a string set (SS)",
        Typed::Ns(_) => "a number set (NS)",
        Typed::Bs(_) => "a binary set (BS)",
        Typed::M(_) => "a map (M)",
        Typed::L(_) => "a list (L)",
        Typed::Null => "null (NULL)",
        Typed::Bool(_) => "a boolean (BOOL)",
    })
}

fn visit<'de, V: Visitor<'de>>(t: Typed, visitor: V) -> Result<V::Value, ItemError> {
    match t {
        Typed::S(s) => visitor.visit_string(s),
        Typed::N(n) => {
            if let Ok(v) = i64::from_number_text(&n) {
                visitor.visit_i64(v)
            } else if let Ok(v) = u64::from_number_text(&n) {
                visitor.visit_u64(v)
            } else {
                visitor.visit_f64(f64::from_number_text(&n)?)
            }
        }
        Typed::B(b) => visitor.visit_byte_buf(b.into_inner().to_vec()),
        Typed::Ss(ss) => visit_list(
            ss.into_iter().map(|s| AttributeValue::default().s(s)),
            visitor,
        ),
        Typed::Ns(ns) => visit_list(
            ns.into_iter().map(|n| AttributeValue::default().n(n)),
            visitor,
        ),
        Typed::Bs(bs) => visit_list(
            bs.into_iter().map(|b| AttributeValue::default().b(b)),
            visitor,
        ),
        Typed::L(l) => visit_list(l.into_iter(), visitor),
        Typed::M(m) => {
            let mut access = MapAccess {
                entries: m.into_iter(),
                current: None,
            };
            let v = visitor.visit_map(&mut access)?;
            Ok(v)
        }
        Typed::Null => visitor.visit_unit(),
        Typed::Bool(b) => visitor.visit_bool(b),
    }
}

fn visit_list<'de, V: Visitor<'de>>(
    items: impl Iterator<Item = AttributeValue>,
    visitor: V,
) -> Result<V::Value, ItemError> {
    let mut access = SeqAccess {
        items: items.enumerate(),
    };
    visitor.visit_seq(&mut access)
}

macro_rules! deserialize_number {
    ($($method:ident $t:ty => $visit:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
            match Typed::of(self.0)? {
                Typed::N(n) => visitor.$visit(<$t>::from_number_text(&n)?),
                other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for ValueDeserializer {
    type Error = ItemError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        visit(Typed::of(self.0)?, visitor)
    }

    deserialize_number! {
        deserialize_i8 i8 => visit_i8,
        deserialize_i16 i16 => visit_i16,
        deserialize_i32 i32 => visit_i32,
        deserialize_i64 i64 => visit_i64,
        deserialize_i128 i128 => visit_i128,
        deserialize_u8 u8 => visit_u8,
        deserialize_u16 u16 => visit_u16,
        deserialize_u32 u32 => visit_u32,
        deserialize_u64 u64 => visit_u64,
        deserialize_u128 u128 => visit_u128,
        deserialize_f32 f32 => visit_f32,
        deserialize_f64 f64 => visit_f64,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match Typed::of(self.0)? {
            Typed::Null => visitor.visit_none(),
            other => visitor.visit_some(ValueDeserializer(other.into_value())),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match Typed::of(self.0)? {
            Typed::Null => visitor.visit_unit(),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match Typed::of(self.0)? {
            Typed::Bool(b) => visitor.visit_bool(b),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match Typed::of(self.0)? {
            Typed::S(s) => visitor.visit_string(s),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match Typed::of(self.0)? {
            Typed::B(b) => visitor.visit_byte_buf(b.into_inner().to_vec()),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match Typed::of(self.0)? {
            // A `Vec<u8>` field (no serde_bytes) asks for a sequence of bytes.
            Typed::B(b) => {
                let bytes = b.into_inner();
                visitor.visit_seq(de::value::SeqDeserializer::new(bytes.iter().copied()))
            }
            t @ (Typed::L(_) | Typed::Ss(_) | Typed::Ns(_) | Typed::Bs(_)) => visit(t, visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        match Typed::of(self.0)? {
            t @ Typed::M(_) => visit(t, visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        let wanted = match name {
            NUMBER_TOKEN => "N",
            STRING_SET_TOKEN => "SS",
            NUMBER_SET_TOKEN => "NS",
            BINARY_SET_TOKEN => "BS",
            _ => return visitor.visit_newtype_struct(self),
        };
        let t = Typed::of(self.0)?;
        match t {
            Typed::N(n) if wanted == "N" => visitor.visit_string(n),
            Typed::Ss(_) | Typed::Ns(_) | Typed::Bs(_) if t.type_name() == wanted => {
                visit(t, visitor)
            }
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        match Typed::of(self.0)? {
            Typed::S(variant) => visitor.visit_enum(EnumAccess {
                variant,
                value: None,
            }),
            Typed::M(m) if m.len() == 1 => {
                let (variant, value) = m.into_iter().next().expect("one entry");
                visitor
                    .visit_enum(EnumAccess {
                        variant: variant.clone(),
                        value: Some(value),
                    })
                    .map_err(|e| e.at_key(&variant))
            }
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ItemError> {
        visitor.visit_unit()
    }
}

struct SeqAccess<I> {
    items: std::iter::Enumerate<I>,
}

impl<'de, I: Iterator<Item = AttributeValue>> de::SeqAccess<'de> for SeqAccess<I> {
    type Error = ItemError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ItemError> {
        match self.items.next() {
            None => Ok(None),
            Some((i, av)) => seed
                .deserialize(ValueDeserializer(av))
                .map(Some)
                .map_err(|e| e.at_index(i)),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.items.size_hint().1
    }
}

struct MapAccess {
    entries: std::collections::hash_map::IntoIter<String, AttributeValue>,
    current: Option<(String, AttributeValue)>,
}

impl<'de> de::MapAccess<'de> for MapAccess {
    type Error = ItemError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ItemError> {
        match self.entries.next() {
            None => Ok(None),
            Some((key, value)) => {
                let k = seed
                    .deserialize(key.as_str().into_deserializer())
                    .map_err(|e: ItemError| e.at_key(&key))?;
                self.current = Some((key, value));
                Ok(Some(k))
            }
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ItemError> {
        let (key, value) = self
            .current
            .take()
            .ok_or_else(|| ItemError::new("map value read before its key"))?;
        seed.deserialize(ValueDeserializer(value))
            .map_err(|e| e.at_key(&key))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct EnumAccess {
    variant: String,
    value: Option<AttributeValue>,
}

impl<'de> de::EnumAccess<'de> for EnumAccess {
    type Error = ItemError;
    type Variant = VariantAccess;

    fn variant_seed<V: de::DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantAccess), ItemError> {
        let variant = seed.deserialize(self.variant.as_str().into_deserializer())?;
        Ok((variant, VariantAccess(self.value)))
    }
}

struct VariantAccess(Option<AttributeValue>);

impl VariantAccess {
    fn content(self) -> Result<ValueDeserializer, ItemError> {
        self.0
            .map(ValueDeserializer)
            .ok_or_else(|| ItemError::new("enum variant has no content (it was a plain string)"))
    }
}

impl<'de> de::VariantAccess<'de> for VariantAccess {
    type Error = ItemError;

    fn unit_variant(self) -> Result<(), ItemError> {
        match self.0 {
            None => Ok(()),
            Some(v) => de::Deserialize::deserialize(ValueDeserializer(v)),
        }
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, ItemError> {
        seed.deserialize(self.content()?)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, ItemError> {
        de::Deserializer::deserialize_seq(self.content()?, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ItemError> {
        de::Deserializer::deserialize_map(self.content()?, visitor)
    }
}
