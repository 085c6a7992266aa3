//! What the schema-driven body codecs (the `json` and `smithy-rpc-v2-cbor` protocols, and
//! rest-json's body) share: a depth limit, errors that name the member path they happened at,
//! and the same reading of "document" and of shape kinds in messages.

use super::ParseError;
use crate::schema::{Kind, Operation, Shape, DOCUMENT, PAYLOAD};
use crate::types::Body;
use crate::value::Value;

/// Deepest nesting of structures, lists, maps and documents accepted in either direction.
pub(crate) const MAX_DEPTH: usize = 100;

/// A failure deep in a value; the path is collected on the way back up.
pub(crate) struct Fail {
    /// Path segments, innermost first.
    pub path: Vec<String>,
    pub msg: String,
}

impl Fail {
    pub fn new(msg: impl Into<String>) -> Fail {
        Fail {
            path: Vec::new(),
            msg: msg.into(),
        }
    }
    pub fn at(mut self, segment: String) -> Fail {
        self.path.push(segment);
        self
    }
    pub fn render(self, root: &str) -> String {
        let mut s = root.to_string();
        for seg in self.path.iter().rev() {
            s.push_str(seg);
        }
        format!("{s}: {}", self.msg)
    }
}

pub(crate) fn too_deep() -> Fail {
    Fail::new(format!("nested deeper than {MAX_DEPTH} levels"))
}

/// A value that does not fit its shape.
pub(crate) fn mismatch(shape: &Shape, value: &Value) -> Fail {
    Fail::new(format!(
        "expected {} for shape {}, found {}",
        kind_name(&shape.kind),
        shape.name,
        value.type_name()
    ))
}

pub(crate) fn is_document(shape: &Shape) -> bool {
    matches!(shape.kind, Kind::Document) || shape.has(DOCUMENT)
}

pub(crate) fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Structure(_) => "structure",
        Kind::Union(_) => "union",
        Kind::List(_) => "list",
        Kind::Map(..) => "map",
        Kind::String => "string",
        Kind::Boolean => "boolean",
        Kind::Byte => "byte",
        Kind::Short => "short",
        Kind::Integer => "integer",
        Kind::Long => "long",
        Kind::Float => "float",
        Kind::Double => "double",
        Kind::BigInteger => "big integer",
        Kind::BigDecimal => "big decimal",
        Kind::Blob => "blob",
        Kind::Timestamp => "timestamp",
        Kind::Document => "document",
    }
}

/// The output of an RPC protocol (json, cbor) that is not in its body. The RPC protocols have no
/// payload members, but should a model stream one anyway it is handed over rather than lost;
/// an event stream is put in its member by the pipeline. `None`: parse the body.
pub(crate) fn rpc_output_outside_body(
    op: &'static Operation,
    payload: Option<Body>,
) -> Result<Option<Value>, ParseError> {
    let shape = op.output;
    let members = shape.members();
    if let Some(body) = payload {
        if let Some(i) = members
            .iter()
            .position(|m| m.has(PAYLOAD) && m.is_streaming())
        {
            let mut slots = super::empty_slots(members);
            slots[i] = Some(Value::Body(body));
            return Ok(Some(Value::Struct(slots)));
        }
    }
    Ok(None)
}
