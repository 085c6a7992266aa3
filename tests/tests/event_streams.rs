//! Event-stream outputs through the whole pipeline, from frames built here and served by the
//! stub connector in odd-sized pieces: the typed events, the errors a stream can carry, and the
//! damaged streams that must end in a clear error rather than a panic.

use rboto::eventstream::{HeaderValue, Message};
use rboto::{Config, Credentials, ErrorKind};
use rboto_tests::stub::{StubConnector, StubResponse};

use rboto_s3::types::SelectObjectContentEventStream as S3Event;

fn config(stub: &StubConnector) -> Config {
    Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(stub.clone())
        .build()
}

fn string(s: &str) -> HeaderValue {
    HeaderValue::String(s.to_string())
}

fn event(event_type: &str, payload: &[u8]) -> Message {
    Message::new(payload.to_vec())
        .with_header(":message-type", string("event"))
        .with_header(":event-type", string(event_type))
}

fn frames(messages: &[Message]) -> Vec<u8> {
    messages
        .iter()
        .flat_map(|m| m.encode().expect("a test message encodes").to_vec())
        .collect()
}

fn stream_response(body: Vec<u8>) -> StubResponse {
    StubResponse::new(
        200,
        vec![
            ("x-amz-request-id".into(), "req-es".into()),
            (
                "content-type".into(),
                "application/vnd.amazon.eventstream".into(),
            ),
        ],
        body,
    )
}

fn select_input(stub: &StubConnector) -> rboto_s3::input::SelectObjectContentInput {
    use rboto_s3::types::{CsvInput, CsvOutput, ExpressionType};
    use rboto_s3::types::{InputSerialization, OutputSerialization};
    rboto_s3::Client::new(&config(stub))
        .select_object_content()
        .bucket("bucket")
        .key("data.csv")
        .expression("select * from s3object")
        .expression_type(ExpressionType::Sql)
        .input_serialization(InputSerialization::default().csv(CsvInput::default()))
        .output_serialization(OutputSerialization::default().csv(CsvOutput::default()))
}

async fn select(stub: &StubConnector) -> rboto_s3::output::SelectObjectContentOutput {
    select_input(stub)
        .send()
        .await
        .expect("the response head is a success")
}

/// Every event (or error) of an S3 select stream, in order.
async fn select_events(body: Vec<u8>, chunks: &[usize]) -> Vec<Result<S3Event, rboto_s3::Error>> {
    let stub = StubConnector::new();
    stub.push(stream_response(body).in_chunks(chunks));
    let mut out = select(&stub).await;
    let mut events = out.payload.take().expect("the output holds the stream");
    let mut seen = Vec::new();
    while let Some(e) = events.recv().await {
        seen.push(e);
    }
    // Once ended, it stays ended.
    assert!(events.recv().await.is_none());
    seen
}

fn s3_select_stream() -> Vec<u8> {
    frames(&[
        event("Records", b"a,1\nb,2\n"),
        event("Records", b"c,3\n"),
        event(
            "Stats",
            b"<Stats><BytesScanned>100</BytesScanned><BytesProcessed>90</BytesProcessed>\
              <BytesReturned>12</BytesReturned></Stats>",
        ),
        event(
            "Progress",
            b"<Progress><BytesScanned>50</BytesScanned></Progress>",
        ),
        event("End", b""),
    ])
}

#[tokio::test]
async fn s3_select_events_arrive_typed_from_odd_sized_chunks() {
    let body = s3_select_stream();
    // Whole, byte by byte, and pieces that split preludes, headers and CRCs.
    for chunks in [&[][..], &[1][..], &[7, 3, 13][..], &[11, 64, 2][..]] {
        let events: Vec<S3Event> = select_events(body.clone(), chunks)
            .await
            .into_iter()
            .map(|e| e.expect("every event decodes"))
            .collect();
        assert_eq!(events.len(), 5, "chunks {chunks:?}: {events:?}");
        let records: Vec<u8> = events
            .iter()
            .filter_map(|e| match e {
                S3Event::Records(r) => r.payload.as_ref().map(|p| p.as_bytes().to_vec()),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(records, b"a,1\nb,2\nc,3\n");
        match &events[2] {
            S3Event::Stats(s) => {
                let d = s.details.as_ref().expect("stats details");
                assert_eq!(
                    (d.bytes_scanned, d.bytes_processed, d.bytes_returned),
                    (Some(100), Some(90), Some(12))
                );
            }
            other => panic!("expected Stats, got {other:?}"),
        }
        match &events[3] {
            S3Event::Progress(p) => {
                let d = p.details.as_ref().expect("progress details");
                assert_eq!((d.bytes_scanned, d.bytes_returned), (Some(50), None));
            }
            other => panic!("expected Progress, got {other:?}"),
        }
        assert!(matches!(events[4], S3Event::End(_)));
    }
}

#[tokio::test]
async fn the_output_implements_stream_and_keeps_its_metadata() {
    use std::future::poll_fn;
    use std::pin::Pin;
    let stub = StubConnector::new();
    stub.push(stream_response(s3_select_stream()).in_chunks(&[5]));
    let mut out = select(&stub).await;
    assert_eq!(
        out.response_metadata().request_id.as_deref(),
        Some("req-es")
    );
    let mut events = out.payload.take().unwrap();
    let mut n = 0;
    while let Some(e) =
        poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut events), cx)).await
    {
        e.unwrap();
        n += 1;
    }
    assert_eq!(n, 5);
    // The request is an ordinary signed POST.
    let sent = stub.only_request();
    assert_eq!(sent.method, "POST");
    assert!(
        sent.uri.to_string().contains("select&select-type=2"),
        "{}",
        sent.uri
    );
}

#[tokio::test]
async fn an_unknown_event_type_is_the_unknown_variant_and_the_stream_goes_on() {
    let body = frames(&[
        event("Records", b"x"),
        event("Telemetry", b"<Telemetry/>"),
        event("End", b""),
    ]);
    let events = select_events(body, &[9]).await;
    assert_eq!(events.len(), 3);
    assert!(matches!(events[1], Ok(S3Event::Unknown)), "{:?}", events[1]);
    assert!(matches!(events[2], Ok(S3Event::End(_))));
}

#[tokio::test]
async fn an_error_message_is_an_unmodeled_service_error_that_ends_the_stream() {
    let error = Message::new(Vec::new())
        .with_header(":message-type", string("error"))
        .with_header(":error-code", string("InternalError"))
        .with_header(
            ":error-message",
            string("We encountered an internal error."),
        );
    let body = frames(&[event("Records", b"x"), error, event("End", b"")]);
    let events = select_events(body, &[4, 17]).await;
    assert_eq!(
        events.len(),
        2,
        "nothing is read after the error: {events:?}"
    );
    assert!(matches!(events[0], Ok(S3Event::Records(_))));
    let err = events[1].as_ref().expect_err("the error message");
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some("InternalError"));
    assert_eq!(err.request_id(), Some("req-es"));
    assert!(err.modeled().is_none());
    assert!(
        err.to_string()
            .contains("We encountered an internal error.")
            && err.to_string().contains("SelectObjectContent"),
        "{err}"
    );
}

/// A damaged stream ends with a `ResponseParse` error naming what was wrong, after the events
/// that came before the damage.
async fn damaged(body: Vec<u8>, chunks: &[usize], expect: &str) {
    let events = select_events(body, chunks).await;
    let (last, before) = events.split_last().expect("at least the error");
    assert!(before.iter().all(Result::is_ok), "{before:?}");
    let err = last.as_ref().expect_err("the damage is an error");
    assert_eq!(err.kind(), ErrorKind::ResponseParse, "{err}");
    assert!(err.to_string().contains(expect), "{err}");
}

#[tokio::test]
async fn a_corrupted_prelude_crc_is_a_clear_error() {
    let mut body = frames(&[event("Records", b"ok"), event("End", b"")]);
    let first_len = u32::from_be_bytes(body[..4].try_into().unwrap()) as usize;
    body[first_len + 9] ^= 0x40; // inside the second frame's prelude CRC
    damaged(body, &[3], "prelude CRC32 mismatch").await;
}

#[tokio::test]
async fn a_corrupted_message_crc_is_a_clear_error() {
    let mut body = frames(&[event("Records", b"ok"), event("Records", b"payload")]);
    let len = body.len();
    body[len - 6] ^= 0x01; // a payload byte of the last frame
    damaged(body, &[6], "message CRC32 mismatch").await;
}

#[tokio::test]
async fn a_truncated_frame_is_a_clear_error() {
    let mut body = frames(&[event("Records", b"ok"), event("Records", b"cut short")]);
    body.truncate(body.len() - 5);
    damaged(body, &[10], "truncated frame").await;
}

#[tokio::test]
async fn a_message_without_a_message_type_is_a_clear_error() {
    let body = frames(&[Message::new(b"x".to_vec()).with_header(":event-type", string("Records"))]);
    damaged(body, &[], ":message-type").await;
}

#[tokio::test]
async fn an_event_payload_that_does_not_fit_its_structure_is_a_clear_error() {
    let complete = Message::new(b"{\"ErrorCode\":\"x\",\"LogResult\":1}".to_vec())
        .with_header(":message-type", string("event"))
        .with_header(":event-type", string("InvokeComplete"));
    let stub = StubConnector::new();
    stub.push(stream_response(frames(&[complete])));
    let lambda = rboto_lambda::Client::new(&config(&stub));
    let mut out = lambda
        .invoke_with_response_stream()
        .function_name("f")
        .send()
        .await
        .unwrap();
    let mut events = out.event_stream.take().unwrap();
    let err = events
        .recv()
        .await
        .unwrap()
        .expect_err("LogResult is a string");
    assert_eq!(err.kind(), ErrorKind::ResponseParse, "{err}");
    assert!(err.to_string().contains("LogResult"), "{err}");
    assert!(events.recv().await.is_none());
}

#[tokio::test]
async fn lambda_response_stream_chunks_and_completion() {
    use rboto_lambda::types::InvokeWithResponseStreamResponseEvent as LambdaEvent;
    let body = frames(&[
        event("PayloadChunk", b"{\"hello\":"),
        event("PayloadChunk", b"\"world\"}"),
        Message::new(b"{\"LogResult\":\"bG9n\"}".to_vec())
            .with_header(":message-type", string("event"))
            .with_header(":event-type", string("InvokeComplete"))
            .with_header(":content-type", string("application/json")),
    ]);
    let stub = StubConnector::new();
    let mut response = stream_response(body).in_chunks(&[3, 29]);
    response
        .headers
        .push(("x-amz-executed-version".into(), "7".into()));
    stub.push(response);
    let lambda = rboto_lambda::Client::new(&config(&stub));
    let mut out = lambda
        .invoke_with_response_stream()
        .function_name("f")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.executed_version.as_deref(),
        Some("7"),
        "headers still fill members"
    );
    assert_eq!(out.status_code, Some(200));
    let mut events = out.event_stream.take().unwrap();
    let mut payload = Vec::new();
    let mut complete = None;
    while let Some(e) = events.recv().await {
        match e.unwrap() {
            LambdaEvent::PayloadChunk(c) => {
                payload.extend_from_slice(c.payload.unwrap().as_bytes());
            }
            LambdaEvent::InvokeComplete(c) => complete = Some(c),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(payload, b"{\"hello\":\"world\"}");
    assert_eq!(complete.unwrap().log_result.as_deref(), Some("bG9n"));
    let sent = stub.only_request();
    assert_eq!(
        sent.uri.path(),
        "/2021-11-15/functions/f/response-streaming-invocations"
    );
}

#[tokio::test]
async fn kinesis_exception_events_are_the_modeled_service_errors() {
    use rboto_kinesis::types::SubscribeToShardEventStream as KinesisEvent;
    use rboto_kinesis::Exception;
    let initial = event("initial-response", b"{}");
    let records = event(
        "SubscribeToShardEvent",
        b"{\"Records\":[{\"SequenceNumber\":\"1\",\"Data\":\"aGk=\",\"PartitionKey\":\"p\"}],\
          \"ContinuationSequenceNumber\":\"2\",\"MillisBehindLatest\":0}",
    );
    let exception = Message::new(b"{\"message\":\"Shard shard-1 not found\"}".to_vec())
        .with_header(":message-type", string("exception"))
        .with_header(":exception-type", string("ResourceNotFoundException"));
    let stub = StubConnector::new();
    let mut response = stream_response(frames(&[initial, records, exception]));
    response.headers[0] = ("x-amzn-requestid".into(), "req-k".into());
    stub.push(response.in_chunks(&[2, 5, 31]));
    let kinesis = rboto_kinesis::Client::new(&config(&stub));
    let mut out = kinesis
        .subscribe_to_shard()
        .consumer_arn("arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1")
        .shard_id("shard-1")
        .starting_position(
            rboto_kinesis::types::StartingPosition::default()
                .type_(rboto_kinesis::types::ShardIteratorType::Latest),
        )
        .send()
        .await
        .unwrap();
    let mut events = out.event_stream.take().unwrap();
    // The initial-response is the output's, not an event.
    match events.recv().await.unwrap().unwrap() {
        KinesisEvent::SubscribeToShardEvent(e) => {
            let records = e.records.unwrap();
            assert_eq!(records[0].data.as_ref().unwrap().as_bytes(), b"hi");
            assert_eq!(e.continuation_sequence_number.as_deref(), Some("2"));
        }
        other => panic!("expected SubscribeToShardEvent, got {other:?}"),
    }
    let err = events.recv().await.unwrap().expect_err("the exception");
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(err.request_id(), Some("req-k"));
    match err.modeled() {
        Some(Exception::ResourceNotFoundException(e)) => {
            assert_eq!(e.message.as_deref(), Some("Shard shard-1 not found"));
        }
        other => panic!("expected the modeled exception, got {other:?}"),
    }
    assert!(err.to_string().contains("Shard shard-1 not found"), "{err}");
    assert!(events.recv().await.is_none());
}

#[tokio::test]
async fn an_error_response_to_an_event_stream_call_is_an_ordinary_service_error() {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        404,
        vec![],
        "<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>",
    ));
    let err = select_input(&stub).send().await.expect_err("404");
    assert_eq!(err.code(), Some("NoSuchKey"));
}

// ---------------------------------------------------------------------------------------------
// Input event streams: the signed body built in memory (sending one through a client is in
// event_stream_input.rs)
// ---------------------------------------------------------------------------------------------

mod input {
    use std::time::{Duration, UNIX_EPOCH};

    use rboto::__private::IntoValue;
    use rboto::eventstream::{ChunkSigner, Decoder, HeaderValue, Message};
    use rboto::protocol::event_input::signed_body;
    use rboto::Protocol;
    use rboto_polly::types::StartSpeechSynthesisStreamActionStream as Action;
    use rboto_polly::types::{CloseStreamEvent, TextEvent, TextType};

    const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

    fn envelopes(seed: &str, events: Vec<Action>) -> (Vec<Message>, String) {
        let op = rboto_polly::schema::SERVICE.operation("StartSpeechSynthesisStream");
        let mut signer = ChunkSigner::new("SECRET", "us-east-1", "polly", seed).unwrap();
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let values = events.into_iter().map(IntoValue::into_value);
        let body = signed_body(Protocol::RestJson, op, values, &mut signer, time).unwrap();
        let mut decoder = Decoder::new();
        decoder.push(&body);
        decoder.end();
        let mut out = Vec::new();
        while let Some(m) = decoder.next_message().unwrap() {
            out.push(m);
        }
        (out, signer.prior_signature())
    }

    fn signature(envelope: &Message) -> Vec<u8> {
        match envelope.header(":chunk-signature") {
            Some(HeaderValue::ByteArray(b)) => b.to_vec(),
            other => panic!("no chunk signature: {other:?}"),
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn events() -> Vec<Action> {
        vec![
            Action::TextEvent(TextEvent::default().text("Hello").text_type(TextType::Text)),
            Action::CloseStreamEvent(CloseStreamEvent::default()),
        ]
    }

    #[test]
    fn polly_input_events_become_signed_frames_ending_with_the_empty_one() {
        let (envelopes, last) = envelopes(SEED, events());
        assert_eq!(envelopes.len(), 3, "two events and the end frame");
        for e in &envelopes {
            assert_eq!(
                e.header(":date"),
                Some(&HeaderValue::Timestamp(1_700_000_000_000))
            );
            assert_eq!(signature(e).len(), 32);
        }
        assert!(envelopes[2].payload.is_empty());
        assert_eq!(hex(&signature(&envelopes[2])), last);

        let text = Message::decode(&envelopes[0].payload).unwrap();
        assert_eq!(text.string_header(":message-type"), Some("event"));
        assert_eq!(text.event_type(), Some("TextEvent"));
        assert_eq!(text.content_type(), Some("application/json"));
        let json: serde_json::Value = serde_json::from_slice(&text.payload).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"Text": "Hello", "TextType": "text"})
        );
        let close = Message::decode(&envelopes[1].payload).unwrap();
        assert_eq!(close.event_type(), Some("CloseStreamEvent"));
    }

    #[test]
    fn every_signature_is_chained_on_the_seed_and_the_ones_before() {
        let (a, _) = envelopes(SEED, events());
        let other_seed = SEED.replace('4', "5");
        let (b, _) = envelopes(&other_seed, events());
        // Same messages, another seed: every signature differs, the last included.
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.payload, y.payload);
            assert_ne!(signature(x), signature(y));
        }
        // Same seed, another first event: the second (identical) event's signature changes.
        let mut changed = events();
        changed[0] = Action::TextEvent(TextEvent::default().text("Bye"));
        let (c, _) = envelopes(SEED, changed);
        assert_eq!(a[1].payload, c[1].payload);
        assert_ne!(signature(&a[1]), signature(&c[1]));
    }

    #[test]
    fn an_unknown_input_event_is_a_typed_error() {
        let op = rboto_polly::schema::SERVICE.operation("StartSpeechSynthesisStream");
        let mut signer = ChunkSigner::new("SECRET", "us-east-1", "polly", SEED).unwrap();
        let err = signed_body(
            Protocol::RestJson,
            op,
            [Action::Unknown.into_value()],
            &mut signer,
            UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        )
        .expect_err("Unknown cannot be sent");
        assert!(err.to_string().contains("Unknown"), "{err}");
    }
}
