//! An rpc (`json`) event-stream output through [`super::parse`]: the `initial-response` event
//! fills the output's other members, event headers and payload fill the event, and a stream
//! without an initial response loses nothing.

use super::*;
use crate::eventstream::{HeaderValue, Message};
use crate::schema::{prelude as p, Member, EVENT, EVENT_HEADER};
use crate::types::DateTime;

static TICK_MEMBERS: [Member; 3] = [
    Member::new("Count", &p::INTEGER).with(EVENT_HEADER),
    Member::new("At", &p::TIMESTAMP).with(EVENT_HEADER),
    Member::new("Note", &p::STRING),
];
static TICK: Shape = Shape::structure("TickEvent", &TICK_MEMBERS).with(EVENT);
static EVENTS: Shape =
    Shape::structure("ThingEvents", &[Member::new("Tick", &TICK)]).with(EVENT_STREAM);
static OUTPUT: Shape = Shape::structure(
    "WatchThingOutput",
    &[
        Member::new("SessionId", &p::STRING),
        Member::new("Events", &EVENTS),
    ],
);
static WATCH: Operation = Operation::new("WatchThing", "POST", "/", &p::UNIT, &OUTPUT);
static SERVICE: Service = Service {
    name: "thing",
    service_id: "Thing",
    api_version: "2024-01-01",
    endpoint_prefix: "thing",
    signing_name: "thing",
    protocols: &[Protocol::Json],
    json_version: Some("1.1"),
    target_prefix: Some("Thing"),
    ..Service::BLANK
};

fn event(event_type: &str, payload: &str) -> Message {
    Message::new(payload.as_bytes().to_vec())
        .with_header(":message-type", HeaderValue::String("event".into()))
        .with_header(":event-type", HeaderValue::String(event_type.into()))
}

fn tick() -> Message {
    event("Tick", "{\"Note\":\"n\"}")
        .with_header("Count", HeaderValue::Integer(3))
        .with_header("At", HeaderValue::Timestamp(1_700_000_000_250))
}

async fn watch(messages: &[Message]) -> Vec<Option<Value>> {
    let mut body = Vec::new();
    for m in messages {
        body.extend_from_slice(&m.encode().unwrap());
    }
    // Three-byte pieces: every frame, prelude and header is split.
    let chunks: Vec<Vec<u8>> = body.chunks(3).map(<[u8]>::to_vec).collect();
    let response = http::Response::builder()
        .status(200)
        .body(Body::from_chunks(chunks))
        .unwrap();
    match parse(&SERVICE, &WATCH, Protocol::Json, response, true).await {
        Ok((Value::Struct(slots), _)) => slots,
        Ok((other, _)) => panic!("expected a structure, got {other:?}"),
        Err(f) => panic!("{}", f.error),
    }
}

fn expect_tick(value: Value) {
    let Value::Struct(union) = value else {
        panic!("expected the union, got {value:?}")
    };
    match union.as_slice() {
        [Some(Value::Struct(tick))] => match tick.as_slice() {
            [Some(Value::Int(3)), Some(Value::Timestamp(at)), Some(Value::Str(note))] => {
                assert_eq!(
                    *at,
                    DateTime::from_secs_and_nanos(1_700_000_000, 250_000_000)
                );
                assert_eq!(note, "n");
            }
            other => panic!("unexpected tick {other:?}"),
        },
        other => panic!("unexpected union {other:?}"),
    }
}

#[tokio::test]
async fn the_initial_response_fills_the_other_output_members() {
    let mut slots = watch(&[event("initial-response", "{\"SessionId\":\"s-1\"}"), tick()]).await;
    assert!(
        matches!(&slots[0], Some(Value::Str(s)) if s == "s-1"),
        "{slots:?}"
    );
    let Some(Value::EventStream(mut stream)) = slots[1].take() else {
        panic!("the stream is in its member: {slots:?}")
    };
    expect_tick(stream.recv().await.unwrap().unwrap());
    assert!(stream.recv().await.is_none());
}

#[tokio::test]
async fn without_an_initial_response_the_first_event_is_kept() {
    let mut slots = watch(&[tick(), tick()]).await;
    assert!(slots[0].is_none());
    let Some(Value::EventStream(mut stream)) = slots[1].take() else {
        panic!("the stream is in its member: {slots:?}")
    };
    expect_tick(stream.recv().await.unwrap().unwrap());
    expect_tick(stream.recv().await.unwrap().unwrap());
    assert!(stream.recv().await.is_none());
}

#[tokio::test]
async fn a_header_of_another_type_than_its_member_is_a_parse_error() {
    let bad = event("Tick", "{}").with_header("Count", HeaderValue::String("3".into()));
    let mut slots = watch(&[bad]).await;
    let Some(Value::EventStream(mut stream)) = slots[1].take() else {
        panic!("the stream is in its member")
    };
    let err = stream
        .recv()
        .await
        .unwrap()
        .expect_err("a string is not an integer");
    assert_eq!(err.kind(), ErrorKind::ResponseParse);
    assert!(err.to_string().contains("TickEvent.Count"), "{err}");
    assert!(
        stream.recv().await.is_none(),
        "the stream ends after an error"
    );
}
