//! Input event streams (Polly `StartSpeechSynthesisStream`, Transcribe streaming, Lex): each
//! event of the input's stream union becomes a message, signed with
//! [`ChunkSigner`](crate::eventstream::ChunkSigner) on the request's signature, and the body
//! ends with the signed empty frame.
//!
//! Only the body is built here. Sending it needs a request body that is produced while the
//! response is already being read (HTTP/2 for the bidirectional operations), which the
//! pipeline does not do yet: it refuses a set input event stream with a typed error.

use std::time::SystemTime;

use bytes::{Bytes, BytesMut};

use super::SerializeError;
use crate::eventstream::{ChunkSigner, HeaderValue, Message};
use crate::schema::EVENT_STREAM;
use crate::schema::{Kind, Member, Operation, Protocol, Shape, EVENT_HEADER, EVENT_PAYLOAD};
use crate::value::Value;

/// The whole signed body of `op`'s input event stream: each of `events` (values of the
/// stream's union, one member set) as a signed frame, then the signed end-of-stream frame,
/// all signed at `time`.
pub fn signed_body(
    protocol: Protocol,
    op: &'static Operation,
    events: impl IntoIterator<Item = Value>,
    signer: &mut ChunkSigner,
    time: SystemTime,
) -> Result<Bytes, SerializeError> {
    let union = op
        .input
        .members()
        .iter()
        .find(|m| m.target().has(EVENT_STREAM))
        .map(Member::target)
        .ok_or_else(|| SerializeError(format!("{} has no input event stream", op.name)))?;
    let signing = |e: crate::eventstream::EventStreamError| SerializeError(e.to_string());
    let mut body = BytesMut::new();
    for event in events {
        let message = encode_event(protocol, union, event)?;
        let envelope = signer.sign(&message, time).map_err(signing)?;
        body.extend_from_slice(&envelope.encode().map_err(signing)?);
    }
    let end = signer.finish(time).map_err(signing)?;
    body.extend_from_slice(&end.encode().map_err(signing)?);
    Ok(body.freeze())
}

/// One event of stream union `union` as a message: `:event-type` is the member set, header
/// members become typed headers, and the payload is the `eventpayload` member (raw when a blob
/// or string) or the other members serialized as the protocol's document.
pub fn encode_event(
    protocol: Protocol,
    union: &'static Shape,
    event: Value,
) -> Result<Message, SerializeError> {
    let members = union.members();
    let Value::Struct(slots) = event else {
        return Err(SerializeError(format!(
            "{}: an event must be one member of the union, found {}",
            union.name,
            event.type_name()
        )));
    };
    let Some((i, value)) = slots
        .into_iter()
        .enumerate()
        .find_map(|(i, v)| v.map(|v| (i, v)))
        .filter(|(i, _)| *i < members.len())
    else {
        return Err(SerializeError(format!(
            "{}: an event with no known member set (Unknown) cannot be sent",
            union.name
        )));
    };
    let member = &members[i];
    let shape = member.target();
    let Value::Struct(mut fields) = value else {
        return Err(SerializeError(format!(
            "{}.{}: an event is a structure",
            union.name, member.name
        )));
    };
    fields.resize_with(shape.members().len(), || None);
    let mut message = Message::new(Bytes::new())
        .with_header(":message-type", HeaderValue::String("event".into()))
        .with_header(":event-type", HeaderValue::String(member.name.into()));
    let mut body_fields = Vec::with_capacity(fields.len());
    let mut payload = None;
    for (m, slot) in shape.members().iter().zip(fields) {
        match slot {
            Some(v) if m.has(EVENT_HEADER) => {
                let h = header_value(shape, m, v)?;
                message = message.with_header(m.name, h);
                body_fields.push(None);
            }
            Some(v) if m.has(EVENT_PAYLOAD) => {
                payload = Some((m, v));
                body_fields.push(None);
            }
            other => body_fields.push(other),
        }
    }
    let has_body = shape
        .members()
        .iter()
        .any(|m| !m.has(EVENT_HEADER) && !m.has(EVENT_PAYLOAD));
    let (content_type, bytes) = match payload {
        Some((m, Value::Blob(b))) if matches!(m.target().kind, Kind::Blob) => {
            ("application/octet-stream", b.into_inner())
        }
        Some((m, Value::Str(s))) if matches!(m.target().kind, Kind::String) => {
            ("text/plain", Bytes::from(s))
        }
        Some((m, v)) => document(protocol, m.target(), &v)?,
        None if has_body => document(protocol, shape, &Value::Struct(body_fields))?,
        None => return Ok(message),
    };
    message.payload = bytes;
    Ok(message.with_header(":content-type", HeaderValue::String(content_type.into())))
}

fn document(
    protocol: Protocol,
    shape: &'static Shape,
    value: &Value,
) -> Result<(&'static str, Bytes), SerializeError> {
    Ok(match protocol {
        Protocol::Json | Protocol::RestJson => (
            "application/json",
            super::json::ser::to_json_body(shape, value)?.into(),
        ),
        #[cfg(not(feature = "cbor"))]
        Protocol::SmithyRpcV2Cbor => return Err(SerializeError(super::cbor_missing())),
        #[cfg(feature = "cbor")]
        Protocol::SmithyRpcV2Cbor => {
            let mut buf = Vec::with_capacity(64);
            super::cbor::ser::write_value(&mut buf, shape, value, 0)
                .map_err(|f| SerializeError(f.render(shape.name)))?;
            ("application/cbor", buf.into())
        }
        Protocol::RestXml | Protocol::Query | Protocol::Ec2 => (
            "application/xml",
            super::xml::write_document(
                shape,
                value,
                shape.location_name.unwrap_or(shape.name),
                shape.xml_namespace,
                None,
            )?
            .into(),
        ),
    })
}

fn header_value(shape: &Shape, m: &Member, v: Value) -> Result<HeaderValue, SerializeError> {
    let out_of_range = || {
        SerializeError(format!(
            "{}.{}: out of range for its header type",
            shape.name, m.name
        ))
    };
    Ok(match (&m.target().kind, v) {
        (Kind::Boolean, Value::Bool(b)) => HeaderValue::Bool(b),
        (Kind::Byte, Value::Int(i)) => {
            HeaderValue::Byte(i8::try_from(i).map_err(|_| out_of_range())?)
        }
        (Kind::Short, Value::Int(i)) => {
            HeaderValue::Short(i16::try_from(i).map_err(|_| out_of_range())?)
        }
        (Kind::Integer, Value::Int(i)) => {
            HeaderValue::Integer(i32::try_from(i).map_err(|_| out_of_range())?)
        }
        (Kind::Long, Value::Int(i)) => HeaderValue::Long(i),
        (Kind::Blob, Value::Blob(b)) => HeaderValue::ByteArray(b.into_inner()),
        (Kind::String, Value::Str(s)) => HeaderValue::String(s),
        (Kind::Timestamp, Value::Timestamp(t)) => HeaderValue::Timestamp(
            t.secs()
                .checked_mul(1000)
                .and_then(|ms| ms.checked_add(i64::from(t.subsec_nanos() / 1_000_000)))
                .ok_or_else(out_of_range)?,
        ),
        (_, other) => {
            return Err(SerializeError(format!(
                "{}.{}: cannot send {} as an event header",
                shape.name,
                m.name,
                other.type_name()
            )))
        }
    })
}
