//! The messages of an event stream read as an operation's events, as botocore's
//! `EventStream` does: `:message-type` `event` is the union member named by `:event-type`,
//! `exception` the modeled error named by `:exception-type`, `error` an unmodeled service error.
//!
//! An event's members come from the message headers (`eventheader` members) and its payload:
//! the `eventpayload` member raw (blob, string) or parsed, or, without one, the payload parsed
//! as the whole event structure with the protocol's own body parser.

use super::{empty_slots, ParseError};
use crate::error::{Error, ErrorKind, RawModeled, ServiceError};
use crate::eventstream::{HeaderValue, Message, MessageType};
use crate::schema::{
    Kind, Member, Operation, Protocol, Service, Shape, EVENT_HEADER, EVENT_PAYLOAD, EVENT_STREAM,
    EXCEPTION,
};
use crate::types::{Blob, DateTime};
use crate::value::Value;

/// Reads one message of `op`'s output event stream as the output's
/// [`EventStream`](crate::EventStream) does: a value of the stream's union, or the error the
/// message carries. For fuzzing and tests; an operation without an output event stream is a
/// `ResponseParse` error.
pub fn parse_event(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    message: Message,
) -> Result<Value, Error<RawModeled>> {
    let Some(member) = op
        .output
        .members()
        .iter()
        .find(|m| m.target().has(EVENT_STREAM))
    else {
        return Err(Error::new(
            ErrorKind::ResponseParse,
            format!("{} has no event-stream output", op.name),
        ));
    };
    let events = Events {
        service,
        protocol,
        union: member.target(),
        operation: op.name,
        status: 200,
        request_id: None,
    };
    events.decode(message)
}

/// The event rpc protocols send first, carrying the output's other members.
pub(crate) const INITIAL_RESPONSE: &str = "initial-response";

/// What the messages of one stream are read against.
#[derive(Clone, Debug)]
pub(crate) struct Events {
    pub service: &'static Service,
    pub protocol: Protocol,
    /// The stream's union of event (and exception) members.
    pub union: &'static Shape,
    pub operation: &'static str,
    /// The HTTP status of the response that carries the stream (for service errors).
    pub status: u16,
    /// The request id of that response.
    pub request_id: Option<String>,
}

impl Events {
    /// One message as a value of the union, or the error it carries. An event type the union
    /// does not know is a union with no member set: the generated enum's `Unknown`.
    pub(crate) fn decode(&self, msg: Message) -> Result<Value, Error<RawModeled>> {
        match msg.message_type() {
            Some(MessageType::Event) => self.event(&msg).map_err(|e| self.parse_failure(e)),
            Some(MessageType::Exception) => Err(self.exception(&msg)),
            Some(MessageType::Error) => Err(self.service_error(
                msg.error_code().unwrap_or("EventStreamError"),
                msg.error_message().map(str::to_string),
                None,
            )),
            Some(MessageType::Unknown(other)) => {
                Err(self.parse_failure(ParseError(format!("unknown :message-type {other:?}"))))
            }
            None => Err(self.parse_failure(ParseError(
                "a message without a :message-type header".into(),
            ))),
        }
    }

    fn event(&self, msg: &Message) -> Result<Value, ParseError> {
        let members = self.union.members();
        let event_type = msg
            .event_type()
            .ok_or_else(|| ParseError("an event without an :event-type header".into()))?;
        match members.iter().position(|m| m.name == event_type) {
            Some(i) => {
                let value = self.event_value(members[i].target(), msg)?;
                Ok(crate::value::union(members.len(), i, value))
            }
            None => Ok(Value::Struct(empty_slots(members))),
        }
    }

    /// The members of event (or exception) structure `shape` from a message.
    fn event_value(&self, shape: &'static Shape, msg: &Message) -> Result<Value, ParseError> {
        let fields = shape.members();
        let has_payload_member = fields.iter().any(|m| m.has(EVENT_PAYLOAD));
        let mut slots = if has_payload_member || fields.iter().all(|m| m.has(EVENT_HEADER)) {
            empty_slots(fields)
        } else {
            match self.document(shape, &msg.payload)? {
                Value::Struct(slots) => slots,
                _ => empty_slots(fields),
            }
        };
        slots.resize_with(fields.len(), || None);
        for (m, slot) in fields.iter().zip(slots.iter_mut()) {
            if m.has(EVENT_HEADER) {
                *slot = match msg.header(m.name) {
                    Some(h) => Some(header_value(shape, m, h)?),
                    None => None,
                };
            } else if m.has(EVENT_PAYLOAD) {
                *slot = Some(self.payload_value(shape, m, &msg.payload)?);
            }
        }
        Ok(Value::Struct(slots))
    }

    fn payload_value(
        &self,
        shape: &Shape,
        m: &Member,
        payload: &bytes::Bytes,
    ) -> Result<Value, ParseError> {
        Ok(match m.target().kind {
            Kind::Blob => Value::Blob(Blob::from(payload.clone())),
            Kind::String => Value::Str(String::from_utf8(payload.to_vec()).map_err(|_| {
                ParseError(format!(
                    "{}.{}: the payload is not UTF-8",
                    shape.name, m.name
                ))
            })?),
            _ => self.document(m.target(), payload)?,
        })
    }

    /// A payload parsed as `shape` by the protocol's body parser; empty is no members.
    fn document(&self, shape: &'static Shape, payload: &[u8]) -> Result<Value, ParseError> {
        match self.protocol {
            Protocol::Json | Protocol::RestJson => super::json::de::parse_body(shape, payload),
            #[cfg(feature = "cbor")]
            Protocol::SmithyRpcV2Cbor => super::cbor::de::parse_body(shape, payload),
            #[cfg(not(feature = "cbor"))]
            Protocol::SmithyRpcV2Cbor => Err(ParseError(super::cbor_missing())),
            Protocol::RestXml | Protocol::Query | Protocol::Ec2 => {
                if payload.trim_ascii().is_empty() {
                    return Ok(Value::Struct(empty_slots(shape.members())));
                }
                super::xml::decode(shape, &super::xml::parse(payload)?)
            }
        }
    }

    /// An `exception` message: the union member it names, typed as the service's modeled
    /// error when it is one of them; its members are read like an event's.
    fn exception(&self, msg: &Message) -> Error<RawModeled> {
        let code = msg.exception_type().unwrap_or("EventStreamException");
        let member = self
            .union
            .members()
            .iter()
            .find(|m| m.name == code && m.target().has(EXCEPTION));
        let parsed = member.and_then(|m| {
            let shape = m.target();
            self.event_value(shape, msg).ok().map(|v| (shape, v))
        });
        let Some((shape, value)) = parsed else {
            return self.service_error(code, None, None);
        };
        let message = message_of(shape, &value);
        let modeled = self
            .service
            .errors
            .iter()
            .position(|s| std::ptr::eq(*s, shape) || s.name == shape.name)
            .map(|index| RawModeled { index, value });
        self.service_error(code, message, modeled)
    }

    fn service_error(
        &self,
        code: &str,
        message: Option<String>,
        modeled: Option<RawModeled>,
    ) -> Error<RawModeled> {
        Error::service(ServiceError {
            code: code.to_string(),
            message,
            request_id: self.request_id.clone(),
            status: self.status,
            modeled,
        })
        .with_context(self.operation, None)
    }

    fn parse_failure(&self, e: ParseError) -> Error<RawModeled> {
        Error::new(
            ErrorKind::ResponseParse,
            format!("unable to parse an event of the {}: {e}", self.union.name),
        )
        .with_context(self.operation, None)
    }
}

/// The `Message`/`message` member of a parsed exception, as botocore reads error messages.
fn message_of(shape: &Shape, value: &Value) -> Option<String> {
    let Value::Struct(slots) = value else {
        return None;
    };
    shape
        .members()
        .iter()
        .zip(slots)
        .find_map(|(m, v)| match v {
            Some(Value::Str(s)) if m.name.eq_ignore_ascii_case("message") => Some(s.clone()),
            _ => None,
        })
}

/// An `eventheader` member's value from its typed header. A header of another type than the
/// member's is an error rather than a guess, as for any malformed response.
fn header_value(shape: &Shape, m: &Member, h: &HeaderValue) -> Result<Value, ParseError> {
    let kind = &m.target().kind;
    Ok(match (kind, h) {
        (Kind::Boolean, HeaderValue::Bool(b)) => Value::Bool(*b),
        (Kind::Byte | Kind::Short | Kind::Integer | Kind::Long, HeaderValue::Byte(i)) => {
            Value::Int(i64::from(*i))
        }
        (Kind::Byte | Kind::Short | Kind::Integer | Kind::Long, HeaderValue::Short(i)) => {
            Value::Int(i64::from(*i))
        }
        (Kind::Byte | Kind::Short | Kind::Integer | Kind::Long, HeaderValue::Integer(i)) => {
            Value::Int(i64::from(*i))
        }
        (Kind::Byte | Kind::Short | Kind::Integer | Kind::Long, HeaderValue::Long(i)) => {
            Value::Int(*i)
        }
        (Kind::Blob, HeaderValue::ByteArray(b)) => Value::Blob(Blob::from(b.clone())),
        (Kind::String, HeaderValue::String(s)) => Value::Str(s.clone()),
        (Kind::Timestamp, HeaderValue::Timestamp(ms)) => {
            Value::Timestamp(DateTime::from_secs_and_nanos(
                ms.div_euclid(1000),
                (ms.rem_euclid(1000) * 1_000_000) as u32,
            ))
        }
        _ => {
            return Err(ParseError(format!(
                "{}.{}: header of type {} does not fit the member",
                shape.name,
                m.name,
                h.type_byte()
            )))
        }
    })
}
