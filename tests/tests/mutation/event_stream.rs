//! The event-stream target: frames of S3, Lambda, Kinesis and CloudWatch Logs streams, mutated,
//! fed to the incremental decoder in pieces and each decoded message read as its service's
//! event, then typed. Half the inputs get their lengths' CRCs recomputed after mutation, so the
//! mutations also reach the header and payload parsers behind the CRC checks.

use rboto::__private::schema::{LazyService, Operation, Protocol, Service};
use rboto::__private::{FromValue, Value};
use rboto::eventstream::{Decoder, HeaderValue, Message};
use rboto::protocol::event_stream::parse_event;
use rboto::ErrorKind;

use super::harness::Target;
use super::mutate::{self, Grammar, Rng};

/// Inputs per run.
pub const INPUTS: usize = 20_000;

/// Selector bit: recompute the frames' CRCs after mutating.
const FIX_CRCS: u8 = 0x80;

pub const EVENT_STREAM_GRAMMAR: Grammar = Grammar {
    tokens: &[
        b":message-type",
        b":event-type",
        b":exception-type",
        b":error-code",
        b":content-type",
        b"\x07\x00\x05event",
        b"\x07\x00\x09exception",
        b"\x07\x00\x05error",
        b"\x00\x00\x00\x10",
        b"\xff\xff\xff\xff",
        b"\x00\x00\x00\x00",
        b"\x00\x01\x00\x00",
        b"\x06\xff\xff",
        b"\x0a",
        b"\x08",
        b"\"",
        b"{}",
        b"null",
        b"<Stats>",
        b"</Stats>",
        b"\xc3\x28",
    ],
    nests: &[(b"{\"a\":", b"}"), (b"<Stats>", b"</Stats>"), (b"[", b"]")],
    cbor: false,
    lines: false,
};

fn message(kind: &str, name: &str, payload: &[u8]) -> Message {
    let s = |v: &str| HeaderValue::String(v.to_string());
    let name_header = match kind {
        "event" => ":event-type",
        "exception" => ":exception-type",
        _ => ":error-code",
    };
    Message::new(payload.to_vec())
        .with_header(":message-type", s(kind))
        .with_header(name_header, s(name))
        .with_header(":content-type", s("application/octet-stream"))
}

fn stream(selector: u8, messages: &[Message]) -> Vec<u8> {
    let mut out = vec![selector];
    for m in messages {
        out.extend_from_slice(&m.encode().expect("a seed message encodes"));
    }
    out
}

pub fn seeds() -> Vec<Vec<u8>> {
    vec![
        stream(
            0,
            &[
                message("event", "Records", b"a,1\nb,2\n"),
                message(
                    "event",
                    "Stats",
                    b"<Stats><BytesScanned>100</BytesScanned><BytesReturned>3</BytesReturned></Stats>",
                ),
                message("event", "Progress", b"<Progress><BytesProcessed>1</BytesProcessed></Progress>"),
                message("event", "End", b""),
            ],
        ),
        stream(
            0x11,
            &[
                message("event", "PayloadChunk", b"{\"x\":1}"),
                message("event", "InvokeComplete", b"{\"ErrorCode\":\"E\",\"LogResult\":\"bG9n\"}"),
                message("error", "InternalError", b""),
            ],
        ),
        stream(
            0x22,
            &[
                message(
                    "event",
                    "SubscribeToShardEvent",
                    b"{\"Records\":[{\"SequenceNumber\":\"1\",\"Data\":\"aGk=\",\
                      \"PartitionKey\":\"p\",\"ApproximateArrivalTimestamp\":1.5}],\
                      \"ContinuationSequenceNumber\":\"2\",\"MillisBehindLatest\":0}",
                ),
                message("exception", "ResourceNotFoundException", b"{\"message\":\"gone\"}"),
            ],
        ),
        stream(
            0x33,
            &[
                message(
                    "event",
                    "sessionStart",
                    b"{\"requestId\":\"r\",\"logGroupIdentifiers\":[\"g\"]}",
                ),
                message(
                    "event",
                    "sessionUpdate",
                    b"{\"sessionMetadata\":{\"sampled\":true},\"sessionResults\":[{\"message\":\"m\",\
                      \"timestamp\":5}]}",
                ),
                message("exception", "SessionTimeoutException", b"{\"message\":\"t\"}"),
            ],
        ),
    ]
}

/// Rewrites each whole frame's prelude and message CRCs, as far as the lengths allow.
fn fix_crcs(data: &mut [u8]) {
    let mut at = 0;
    while let Some(prelude) = data.get(at..at + 12) {
        let total = u32::from_be_bytes([prelude[0], prelude[1], prelude[2], prelude[3]]) as usize;
        if total < 16 || at + total > data.len() {
            return;
        }
        let crc = crc32fast::hash(&data[at..at + 8]).to_be_bytes();
        data[at + 8..at + 12].copy_from_slice(&crc);
        let end = at + total;
        let crc = crc32fast::hash(&data[at..end - 4]).to_be_bytes();
        data[end - 4..end].copy_from_slice(&crc);
        at = end;
    }
}

struct Stream {
    protocol: Protocol,
    service: &'static LazyService,
    op: &'static str,
    /// Converts an event value to the service's union, as the typed stream does.
    typed: fn(Value) -> bool,
}

fn typed<T: FromValue>(v: Value) -> bool {
    T::from_value(v).is_ok()
}

fn stream_for(selector: u8) -> Stream {
    match selector & 3 {
        0 => Stream {
            protocol: Protocol::RestXml,
            service: &rboto_s3::schema::SERVICE,
            op: "SelectObjectContent",
            typed: typed::<rboto_s3::types::SelectObjectContentEventStream>,
        },
        1 => Stream {
            protocol: Protocol::RestJson,
            service: &rboto_lambda::schema::SERVICE,
            op: "InvokeWithResponseStream",
            typed: typed::<rboto_lambda::types::InvokeWithResponseStreamResponseEvent>,
        },
        2 => Stream {
            protocol: Protocol::Json,
            service: &rboto_kinesis::schema::SERVICE,
            op: "SubscribeToShard",
            typed: typed::<rboto_kinesis::types::SubscribeToShardEventStream>,
        },
        _ => Stream {
            protocol: Protocol::Json,
            service: &rboto_logs::schema::SERVICE,
            op: "StartLiveTail",
            typed: typed::<rboto_logs::types::StartLiveTailResponseStream>,
        },
    }
}

/// Decodes a whole input: `ok` when every frame and event read cleanly (service errors carried
/// by exception and error messages included), else whether a frame (`frame error`) or an
/// event inside a sound frame (`event error`) was malformed first.
fn decode(data: &[u8]) -> &'static str {
    let Some((&selector, body)) = data.split_first() else {
        return "frame error";
    };
    let mut body = body.to_vec();
    if selector & FIX_CRCS != 0 {
        fix_crcs(&mut body);
    }
    let s = stream_for(selector);
    let service: &'static Service = s.service.get();
    let op: &'static Operation = s.service.operation(s.op);
    let read = |decoder: &mut Decoder| -> Result<(), &'static str> {
        while let Some(msg) = decoder.next_message().map_err(|_| "frame error")? {
            match parse_event(s.protocol, service, op, msg) {
                Ok(v) => {
                    if !(s.typed)(v) {
                        return Err("event error");
                    }
                }
                Err(e) if e.kind() == ErrorKind::Service => {
                    let _ = e.to_string();
                }
                Err(_) => return Err("event error"),
            }
        }
        Ok(())
    };
    let mut decoder = Decoder::new();
    let chunk = 1 + usize::from((selector >> 2) & 0x1f);
    for piece in body.chunks(chunk) {
        decoder.push(piece);
        if let Err(outcome) = read(&mut decoder) {
            return outcome;
        }
    }
    decoder.end();
    read(&mut decoder).err().unwrap_or("ok")
}

pub fn target() -> Target<Vec<u8>> {
    let seeds = seeds();
    Target {
        name: "event_stream",
        seed: 0x6576_656e,
        inputs: INPUTS,
        generate: Box::new(move |rng: &mut Rng| {
            let mut data = mutate::mutate(&seeds, &EVENT_STREAM_GRAMMAR, rng);
            // The selector is the seed's service; the mutator picks the chunking and whether
            // the CRCs are repaired.
            if let Some(first) = data.first_mut() {
                *first = (*first & 3) | ((rng.next_u64() as u8) & !3);
            }
            data
        }),
        call: Box::new(|data: &Vec<u8>| decode(data)),
    }
}
