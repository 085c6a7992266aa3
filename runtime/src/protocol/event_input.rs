//! Input event streams (Polly `StartSpeechSynthesisStream`, Lex `StartConversation`, Bedrock
//! `InvokeModelWithBidirectionalStream`): each event of the input's stream union becomes a
//! message, signed with `ChunkSigner` on the request's
//! signature, and the body ends with the signed empty frame.
//!
//! `EventBody` is the request body that does this lazily, one event at a time as the caller
//! produces them, so the response can be read while events are still being sent;
//! [`signed_body`] builds the same bytes in memory.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use http_body::Frame;

use super::SerializeError;
use crate::error::{Error, ErrorKind};
use crate::eventstream::{ChunkSigner, HeaderValue, Message};
use crate::schema::EVENT_STREAM;
use crate::schema::{Kind, Member, Operation, Protocol, Shape, EVENT_HEADER, EVENT_PAYLOAD};
use crate::types::{BodyError, RawEventSender};
use crate::value::Value;

/// The payload hash a request with an input event stream is signed with (the AWS SDKs'; the
/// body is signed message by message instead).
pub(crate) const EVENTS_PAYLOAD_HASH: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";
/// The request's `Content-Type`.
pub(crate) const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// Why sending the events stopped, kept for whoever reads the response: once the body has
/// failed, the connection only reports that it broke.
#[derive(Clone, Default)]
pub(crate) struct SendFailure(Arc<Mutex<Option<(ErrorKind, String)>>>);

impl SendFailure {
    fn set(&self, kind: ErrorKind, message: String) {
        let mut slot = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        slot.get_or_insert((kind, message));
    }

    /// The error that ended the events, if one did.
    pub(crate) fn error(&self) -> Option<Error> {
        let slot = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        slot.as_ref()
            .map(|(kind, message)| Error::new(*kind, message.clone()))
    }
}

/// The request body of an operation with an input event stream: the caller's events, encoded
/// as they come, each in an envelope signed when it is sent, then the signed end frame.
/// Without a signature to seed it (anonymous or bearer auth) the messages go out unwrapped.
pub(crate) struct EventBody {
    events: RawEventSender,
    protocol: Protocol,
    union: &'static Shape,
    /// The signer, the request's signing time and when that was, by the monotonic clock: each
    /// message is signed at the request's (clock-skew corrected) time plus what has elapsed.
    signer: Option<(ChunkSigner, SystemTime, Instant)>,
    failure: SendFailure,
    done: bool,
}

impl EventBody {
    pub(crate) fn new(events: RawEventSender, protocol: Protocol, union: &'static Shape) -> Self {
        EventBody {
            events,
            protocol,
            union,
            signer: None,
            failure: SendFailure::default(),
            done: false,
        }
    }

    /// Signs the messages with `signer`, seeded by the request signed at `time`.
    pub(crate) fn seed(&mut self, signer: ChunkSigner, time: SystemTime) {
        self.signer = Some((signer, time, Instant::now()));
    }

    pub(crate) fn failure(&self) -> SendFailure {
        self.failure.clone()
    }

    pub(crate) fn is_end_stream(&self) -> bool {
        self.done
    }

    pub(crate) fn poll_frame(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        if self.done {
            return Poll::Ready(None);
        }
        let next = std::task::ready!(self.events.poll_next(cx));
        let frame = match next {
            Some(event) => self.encode(event),
            None => {
                self.done = true;
                match &mut self.signer {
                    Some((signer, time, start)) => {
                        let at = *time + start.elapsed();
                        signer
                            .finish(at)
                            .and_then(|m| m.encode())
                            .map_err(|e| (ErrorKind::Signing, e.to_string()))
                    }
                    None => return Poll::Ready(None),
                }
            }
        };
        Poll::Ready(Some(match frame {
            Ok(bytes) => Ok(Frame::data(bytes)),
            Err((kind, message)) => {
                self.done = true;
                let message = format!("could not send an event of {}: {message}", self.union.name);
                self.failure.set(kind, message.clone());
                Err(BodyError::event(kind, message))
            }
        }))
    }

    fn encode(&mut self, event: Value) -> Result<Bytes, (ErrorKind, String)> {
        let message = encode_event(self.protocol, self.union, event)
            .map_err(|e| (ErrorKind::ParamValidation, e.0))?;
        let Some((signer, time, start)) = &mut self.signer else {
            return message
                .encode()
                .map_err(|e| (ErrorKind::ParamValidation, e.to_string()));
        };
        let at = *time + start.elapsed();
        let envelope = signer.sign(&message, at).map_err(|e| {
            let kind = match e {
                crate::eventstream::EventStreamError::Signing(_) => ErrorKind::Signing,
                _ => ErrorKind::ParamValidation,
            };
            (kind, e.to_string())
        })?;
        envelope
            .encode()
            .map_err(|e| (ErrorKind::ParamValidation, e.to_string()))
    }
}

/// The union of `op`'s input event stream member, and the member's index.
pub(crate) fn stream_member(op: &Operation) -> Option<(usize, &'static Shape)> {
    op.input
        .members()
        .iter()
        .position(|m| m.target().has(EVENT_STREAM))
        .map(|i| (i, op.input.members()[i].target()))
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eventstream::Decoder;
    use crate::schema::{prelude as p, EVENT};
    use crate::types::Body;
    use std::time::{Duration, UNIX_EPOCH};

    static NOTE_MEMBERS: [Member; 1] = [Member::new("Text", &p::STRING)];
    static NOTE: Shape = Shape::structure("Note", &NOTE_MEMBERS).with(EVENT);
    static EVENTS: Shape =
        Shape::structure("Notes", &[Member::new("Note", &NOTE)]).with(EVENT_STREAM);

    fn note(text: &str) -> Value {
        let note = Value::Struct(vec![Some(Value::Str(text.into()))]);
        Value::Struct(vec![Some(note)])
    }

    fn body(events: Vec<Value>) -> Body {
        let stream = futures_stream(events);
        Body::events(EventBody::new(
            RawEventSender::new(Box::pin(stream)),
            Protocol::RestJson,
            &EVENTS,
        ))
    }

    fn futures_stream(events: Vec<Value>) -> impl futures_core::Stream<Item = Value> + Send {
        struct S(std::vec::IntoIter<Value>);
        impl futures_core::Stream for S {
            type Item = Value;
            fn poll_next(
                self: std::pin::Pin<&mut Self>,
                _: &mut Context<'_>,
            ) -> Poll<Option<Value>> {
                Poll::Ready(self.get_mut().0.next())
            }
        }
        S(events.into_iter())
    }

    fn messages(bytes: &[u8]) -> Vec<Message> {
        let mut decoder = Decoder::new();
        decoder.push(bytes);
        decoder.end();
        std::iter::from_fn(|| decoder.next_message().unwrap()).collect()
    }

    #[tokio::test]
    async fn unseeded_events_go_out_as_plain_messages_with_no_end_frame() {
        // Anonymous and bearer calls have no SigV4 signature to chain on.
        let sent = body(vec![note("a"), note("b")]).collect().await.unwrap();
        let sent = messages(&sent);
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].event_type(), Some("Note"));
        assert_eq!(&sent[1].payload[..], br#"{"Text":"b"}"#);
    }

    #[tokio::test]
    async fn seeded_events_match_the_in_memory_signed_body() {
        let seed = "ab".repeat(32);
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let signer = || ChunkSigner::new("SECRET", "us-east-1", "svc", &seed).unwrap();
        let mut streamed = body(vec![note("a")]);
        streamed.events_mut().unwrap().seed(signer(), time);
        let streamed = messages(&streamed.collect().await.unwrap());
        assert_eq!(streamed.len(), 2, "one event and the end frame");
        assert!(streamed[1].payload.is_empty());
        // Same envelope payload as the in-memory body; signatures differ only by the time.
        let op: &'static Operation = Box::leak(Box::new(Operation::new(
            "Op",
            "POST",
            "/",
            Box::leak(Box::new(Shape::structure(
                "In",
                Box::leak(Box::new([Member::new("S", &EVENTS)])),
            ))),
            &p::UNIT,
        )));
        let whole = signed_body(Protocol::RestJson, op, [note("a")], &mut signer(), time).unwrap();
        assert_eq!(messages(&whole)[0].payload, streamed[0].payload);
    }

    #[tokio::test]
    async fn an_unsendable_event_fails_the_body_and_is_kept_for_the_reader() {
        let mut b = body(vec![note("a"), Value::Struct(vec![None])]);
        let failure = b.events_mut().unwrap().failure();
        assert!(failure.error().is_none());
        let err = b.collect().await.unwrap_err().into_error();
        assert_eq!(err.kind(), ErrorKind::ParamValidation);
        assert!(err.message().contains("Notes"), "{err}");
        let kept = failure.error().unwrap();
        assert_eq!(kept.kind(), ErrorKind::ParamValidation);
        assert_eq!(kept.message(), err.message());
    }
}
