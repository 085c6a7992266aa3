//! Rust values → DynamoDB attribute values through serde (boto3's `TypeSerializer`).

use crate::error::ItemError;
use crate::number::{format_float, format_float32, Number, NUMBER_TOKEN};
use crate::sets::{BINARY_SET_TOKEN, NUMBER_SET_TOKEN, STRING_SET_TOKEN};
use crate::value::Typed;
use rboto::Blob;
use rboto_dynamodb::types::AttributeValue;
use serde::ser::{self, Serialize};
use std::collections::HashMap;

/// Serializes `value` into one attribute value.
///
/// | Rust (serde)                          | DynamoDB |
/// |---------------------------------------|----------|
/// | `bool`                                | `BOOL`   |
/// | integers, floats, [`Number`]          | `N` (exact text; NaN and ±∞ are errors) |
/// | `str`, `char`, unit enum variants     | `S`      |
/// | serde bytes, [`crate::Binary`]        | `B`      |
/// | [`crate::StringSet`], [`crate::NumberSet`], [`crate::BinarySet`] | `SS`, `NS`, `BS` (not empty) |
/// | sequences, tuples                     | `L`      |
/// | structs, maps (string or integer keys)| `M`      |
/// | `None`, `()`                          | `NULL`   |
/// | other enum variants                   | `M` of one key, the variant name |
pub fn to_attribute_value<T: Serialize + ?Sized>(value: &T) -> Result<AttributeValue, ItemError> {
    value.serialize(ValueSerializer)
}

/// Serializes `value` (a struct or map) into an item: the map of attribute names to values that
/// `PutItem` takes.
pub fn to_item<T: Serialize + ?Sized>(
    value: &T,
) -> Result<HashMap<String, AttributeValue>, ItemError> {
    match Typed::of(to_attribute_value(value)?)? {
        Typed::M(m) => Ok(m),
        other => Err(ItemError::new(format!(
            "an item must serialize to a map (a struct or map), not {}",
            other.type_name()
        ))),
    }
}

fn number(text: String) -> Result<AttributeValue, ItemError> {
    Ok(AttributeValue::default().n(Number::new(text)?.into_string()))
}

struct ValueSerializer;

impl ser::Serializer for ValueSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;
    type SerializeSeq = SeqSerializer;
    type SerializeTuple = SeqSerializer;
    type SerializeTupleStruct = SeqSerializer;
    type SerializeTupleVariant = VariantSerializer<SeqSerializer>;
    type SerializeMap = MapSerializer;
    type SerializeStruct = MapSerializer;
    type SerializeStructVariant = VariantSerializer<MapSerializer>;

    fn serialize_bool(self, v: bool) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::default().bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<AttributeValue, ItemError> {
        number(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<AttributeValue, ItemError> {
        number(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<AttributeValue, ItemError> {
        number(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<AttributeValue, ItemError> {
        number(v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<AttributeValue, ItemError> {
        number(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<AttributeValue, ItemError> {
        number(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<AttributeValue, ItemError> {
        number(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<AttributeValue, ItemError> {
        number(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<AttributeValue, ItemError> {
        number(v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<AttributeValue, ItemError> {
        number(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<AttributeValue, ItemError> {
        number(format_float32(v)?)
    }
    fn serialize_f64(self, v: f64) -> Result<AttributeValue, ItemError> {
        number(format_float(v)?)
    }
    fn serialize_char(self, v: char) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::default().s(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::default().s(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::default().b(Blob::new(v.to_vec())))
    }
    fn serialize_none(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::default().null(true))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<AttributeValue, ItemError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::default().null(true))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::default().null(true))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::default().s(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<AttributeValue, ItemError> {
        match name {
            NUMBER_TOKEN => match Typed::of(v.serialize(self)?)? {
                Typed::S(text) => number(text),
                other => Err(ItemError::new(format!(
                    "a Number must hold text, not {}",
                    other.type_name()
                ))),
            },
            STRING_SET_TOKEN => set(v, "SS", |t| match t {
                Typed::S(s) => Ok(s),
                other => Err(other),
            })
            .map(|ss| AttributeValue::default().ss(ss)),
            NUMBER_SET_TOKEN => set(v, "NS", |t| match t {
                Typed::N(n) => Ok(n),
                other => Err(other),
            })
            .map(|ns| AttributeValue::default().ns(ns)),
            BINARY_SET_TOKEN => set(v, "BS", |t| match t {
                Typed::B(b) => Ok(b),
                other => Err(other),
            })
            .map(|bs| AttributeValue::default().bs(bs)),
            _ => v.serialize(self),
        }
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<AttributeValue, ItemError> {
        let inner = v
            .serialize(ValueSerializer)
            .map_err(|e| e.at_key(variant))?;
        Ok(AttributeValue::default().m(HashMap::from([(variant.to_string(), inner)])))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSerializer, ItemError> {
        Ok(SeqSerializer(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSerializer, ItemError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<SeqSerializer, ItemError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSerializer<SeqSerializer>, ItemError> {
        Ok(VariantSerializer {
            variant,
            inner: SeqSerializer(Vec::with_capacity(len)),
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapSerializer, ItemError> {
        Ok(MapSerializer::default())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapSerializer, ItemError> {
        Ok(MapSerializer::default())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<VariantSerializer<MapSerializer>, ItemError> {
        Ok(VariantSerializer {
            variant,
            inner: MapSerializer::default(),
        })
    }
}

/// Serializes a set newtype's contents (a sequence) and checks every element has the set's
/// element type; an empty set is an error, as DynamoDB has none (boto3 sends it and fails).
fn set<T: Serialize + ?Sized, E>(
    v: &T,
    set_type: &str,
    element: impl Fn(Typed) -> Result<E, Typed>,
) -> Result<Vec<E>, ItemError> {
    let list = match Typed::of(v.serialize(ValueSerializer)?)? {
        Typed::L(list) => list,
        other => {
            return Err(ItemError::new(format!(
                "a {set_type} set must hold a sequence, not {}",
                other.type_name()
            )))
        }
    };
    if list.is_empty() {
        return Err(ItemError::new(format!(
            "an empty set cannot be stored: DynamoDB has no empty {set_type}"
        )));
    }
    list.into_iter()
        .enumerate()
        .map(|(i, av)| {
            let typed = Typed::of(av).map_err(|e| e.at_index(i))?;
            element(typed).map_err(|other| {
                ItemError::new(format!(
                    "a {set_type} element must be {}, not {}",
                    &set_type[..1],
                    other.type_name()
                ))
                .at_index(i)
            })
        })
        .collect()
}

struct SeqSerializer(Vec<AttributeValue>);

impl SeqSerializer {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ItemError> {
        let index = self.0.len();
        self.0.push(
            v.serialize(ValueSerializer)
                .map_err(|e| e.at_index(index))?,
        );
        Ok(())
    }
}

impl ser::SerializeSeq for SeqSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ItemError> {
        self.push(v)
    }
    fn end(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::default().l(self.0))
    }
}

impl ser::SerializeTuple for SeqSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ItemError> {
        self.push(v)
    }
    fn end(self) -> Result<AttributeValue, ItemError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ItemError> {
        self.push(v)
    }
    fn end(self) -> Result<AttributeValue, ItemError> {
        ser::SerializeSeq::end(self)
    }
}

#[derive(Default)]
struct MapSerializer {
    map: HashMap<String, AttributeValue>,
    key: Option<String>,
}

impl MapSerializer {
    fn insert<T: Serialize + ?Sized>(&mut self, key: String, v: &T) -> Result<(), ItemError> {
        let value = v.serialize(ValueSerializer).map_err(|e| e.at_key(&key))?;
        self.map.insert(key, value);
        Ok(())
    }
}

impl ser::SerializeMap for MapSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ItemError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ItemError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ItemError::new("map value serialized before its key"))?;
        self.insert(key, v)
    }
    fn end(self) -> Result<AttributeValue, ItemError> {
        Ok(AttributeValue::default().m(self.map))
    }
}

impl ser::SerializeStruct for MapSerializer {
    type Ok = AttributeValue;
    type Error = ItemError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), ItemError> {
        self.insert(key.to_string(), v)
    }
    fn end(self) -> Result<AttributeValue, ItemError> {
        ser::SerializeMap::end(self)
    }
}

/// An enum variant with content: `{variant: content}`.
struct VariantSerializer<I> {
    variant: &'static str,
    inner: I,
}

impl<I> VariantSerializer<I> {
    fn wrap(variant: &'static str, inner: AttributeValue) -> AttributeValue {
        AttributeValue::default().m(HashMap::from([(variant.to_string(), inner)]))
    }
}

impl ser::SerializeTupleVariant for VariantSerializer<SeqSerializer> {
    type Ok = AttributeValue;
    type Error = ItemError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ItemError> {
        let variant = self.variant;
        self.inner.push(v).map_err(|e| e.at_key(variant))
    }
    fn end(self) -> Result<AttributeValue, ItemError> {
        let inner = ser::SerializeSeq::end(self.inner)?;
        Ok(Self::wrap(self.variant, inner))
    }
}

impl ser::SerializeStructVariant for VariantSerializer<MapSerializer> {
    type Ok = AttributeValue;
    type Error = ItemError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), ItemError> {
        let variant = self.variant;
        self.inner
            .insert(key.to_string(), v)
            .map_err(|e| e.at_key(variant))
    }
    fn end(self) -> Result<AttributeValue, ItemError> {
        let inner = ser::SerializeMap::end(self.inner)?;
        Ok(Self::wrap(self.variant, inner))
    }
}

/// Map keys: attribute names are strings; integer keys are written as their decimal text, as
/// serde_json does.
struct KeySerializer;

fn key_error(what: &str) -> ItemError {
    ItemError::new(format!("a map key must be a string, not {what}"))
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = ItemError;
    type SerializeSeq = ser::Impossible<String, ItemError>;
    type SerializeTuple = ser::Impossible<String, ItemError>;
    type SerializeTupleStruct = ser::Impossible<String, ItemError>;
    type SerializeTupleVariant = ser::Impossible<String, ItemError>;
    type SerializeMap = ser::Impossible<String, ItemError>;
    type SerializeStruct = ser::Impossible<String, ItemError>;
    type SerializeStructVariant = ser::Impossible<String, ItemError>;

    fn serialize_str(self, v: &str) -> Result<String, ItemError> {
        Ok(v.to_string())
    }
    fn serialize_char(self, v: char) -> Result<String, ItemError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, ItemError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, ItemError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, ItemError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, ItemError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, ItemError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, ItemError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, ItemError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, ItemError> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, ItemError> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, ItemError> {
        v.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<String, ItemError> {
        Err(key_error("a boolean"))
    }
    fn serialize_f32(self, _: f32) -> Result<String, ItemError> {
        Err(key_error("a float"))
    }
    fn serialize_f64(self, _: f64) -> Result<String, ItemError> {
        Err(key_error("a float"))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, ItemError> {
        Err(key_error("binary"))
    }
    fn serialize_none(self) -> Result<String, ItemError> {
        Err(key_error("null"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<String, ItemError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, ItemError> {
        Err(key_error("null"))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, ItemError> {
        Err(key_error("null"))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, ItemError> {
        Err(key_error("an enum variant with data"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, ItemError> {
        Err(key_error("a sequence"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, ItemError> {
        Err(key_error("a tuple"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, ItemError> {
        Err(key_error("a tuple"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, ItemError> {
        Err(key_error("an enum variant with data"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, ItemError> {
        Err(key_error("a map"))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, ItemError> {
        Err(key_error("a struct"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, ItemError> {
        Err(key_error("an enum variant with data"))
    }
}
