//! The generated `AttributeValue` is a struct of ten optional members; exactly one must be set.
//! [`Typed`] is that one member, so the serializer and deserializer can match on it.

use crate::error::ItemError;
use rboto::Blob;
use rboto_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// An attribute value by its one DynamoDB type.
pub(crate) enum Typed {
    S(String),
    N(String),
    B(Blob),
    Ss(Vec<String>),
    Ns(Vec<String>),
    Bs(Vec<Blob>),
    M(HashMap<String, AttributeValue>),
    L(Vec<AttributeValue>),
    Null,
    Bool(bool),
}

impl Typed {
    /// The DynamoDB type name (`S`, `NS`, `NULL`…), for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Typed::S(_) => "S",
            Typed::N(_) => "N",
            Typed::B(_) => "B",
            Typed::Ss(_) => "SS",
            Typed::Ns(_) => "NS",
            Typed::Bs(_) => "BS",
            Typed::M(_) => "M",
            Typed::L(_) => "L",
            Typed::Null => "NULL",
            Typed::Bool(_) => "BOOL",
        }
    }

    /// The one member that is set; none or several is an error (DynamoDB rejects both).
    pub(crate) fn of(av: AttributeValue) -> Result<Typed, ItemError> {
        let AttributeValue {
            s,
            n,
            b,
            ss,
            ns,
            bs,
            m,
            l,
            null,
            bool,
            ..
        } = av;
        let mut found: Vec<Typed> = Vec::with_capacity(1);
        found.extend(s.map(Typed::S));
        found.extend(n.map(Typed::N));
        found.extend(b.map(Typed::B));
        found.extend(ss.map(Typed::Ss));
        found.extend(ns.map(Typed::Ns));
        found.extend(bs.map(Typed::Bs));
        found.extend(m.map(Typed::M));
        found.extend(l.map(Typed::L));
        // `NULL: false` is not a value DynamoDB sends or accepts; treat it as null all the same.
        found.extend(null.map(|_| Typed::Null));
        found.extend(bool.map(Typed::Bool));
        match found.len() {
            1 => Ok(found.pop().expect("one element")),
            0 => Err(ItemError::new("attribute value has no type set")),
            _ => Err(ItemError::new(format!(
                "attribute value has {} types set ({}); exactly one is allowed",
                found.len(),
                found
                    .iter()
                    .map(Typed::type_name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    pub(crate) fn into_value(self) -> AttributeValue {
        let v = AttributeValue::default();
        match self {
            Typed::S(s) => v.s(s),
            Typed::N(n) => v.n(n),
            Typed::B(b) => v.b(b),
            Typed::Ss(ss) => v.ss(ss),
            Typed::Ns(ns) => v.ns(ns),
            Typed::Bs(bs) => v.bs(bs),
            Typed::M(m) => v.m(m),
            Typed::L(l) => v.l(l),
            Typed::Null => v.null(true),
            Typed::Bool(b) => v.bool(b),
        }
    }
}
