//! Input event streams sent through a generated client (polly `StartSpeechSynthesisStream`) to a
//! loopback HTTP/1.1 server that reads the chunked body frame by frame, checks every chunk
//! signature by recomputing the chain from the request's own signature and the secret key
//! (with `ring`, independently of the runtime's signer), and answers with an output event
//! stream while the client is still sending.

use std::collections::HashMap;
use std::time::Duration;

use rboto::eventstream::{Decoder, HeaderValue, Message};
use rboto::{Config, Credentials, DateTime, ErrorKind, EventStreamSender};
use rboto_polly::types::{
    CloseStreamEvent, Engine, OutputFormat, StartSpeechSynthesisStreamActionStream as Action,
    StartSpeechSynthesisStreamEventStream as Out, TextEvent, VoiceId,
};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-west-2";
const LIMIT: Duration = Duration::from_secs(20);

fn client(url: &str) -> rboto_polly::Client {
    let config = Config::builder()
        .region(REGION)
        .credentials(Credentials::new("AKIDEXAMPLE", SECRET, None))
        .endpoint_url(url)
        .build();
    rboto_polly::Client::new(&config)
}

/// The call with its required parameters.
fn synthesis(url: &str) -> rboto_polly::input::StartSpeechSynthesisStreamInput {
    client(url)
        .start_speech_synthesis_stream()
        .engine(Engine::Generative)
        .output_format(OutputFormat::Mp3)
        .voice_id(VoiceId::Joanna)
}

fn text(s: &str) -> Action {
    Action::TextEvent(TextEvent::default().text(s))
}

// ---------------------------------------------------------------------------------------------
// The server side: HTTP/1.1 chunked body, event-stream frames, signature chain
// ---------------------------------------------------------------------------------------------

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    ring::hmac::sign(&key, data).as_ref().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(data: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, data).as_ref())
}

/// Verifies signed envelopes one after another, from the request's seed signature.
struct Chain {
    prior: String,
}

impl Chain {
    /// Checks `envelope`'s `:chunk-signature`; returns the message it carries (`None` for the
    /// end frame).
    fn verify(&mut self, envelope: &Message) -> Option<Message> {
        assert_eq!(envelope.headers.len(), 2, "{envelope:?}");
        let Some(HeaderValue::Timestamp(millis)) = envelope.header(":date").cloned() else {
            panic!("no :date header: {envelope:?}");
        };
        let Some(HeaderValue::ByteArray(sig)) = envelope.header(":chunk-signature") else {
            panic!("no :chunk-signature header: {envelope:?}");
        };
        // The `:date` header as encoded: name length, name, type 8 (timestamp), i64 BE.
        let mut date_header = vec![5u8];
        date_header.extend_from_slice(b":date");
        date_header.push(8);
        date_header.extend_from_slice(&millis.to_be_bytes());
        let amz_date = DateTime::from_secs(millis.div_euclid(1000)).to_amz_date();
        let day = &amz_date[..8];
        let scope = format!("{day}/{REGION}/polly/aws4_request");
        let string_to_sign = [
            "AWS4-HMAC-SHA256-PAYLOAD",
            &amz_date,
            &scope,
            &self.prior,
            &sha256_hex(&date_header),
            &sha256_hex(&envelope.payload),
        ]
        .join("\n");
        let mut key = hmac(format!("AWS4{SECRET}").as_bytes(), day.as_bytes());
        for part in [REGION, "polly", "aws4_request"] {
            key = hmac(&key, part.as_bytes());
        }
        let expected = hmac(&key, string_to_sign.as_bytes());
        assert_eq!(hex(sig), hex(&expected), "chunk signature of {envelope:?}");
        // Signed around now, not at some fixed time.
        let now = DateTime::now().secs();
        assert!((millis / 1000 - now).abs() < 60, "{millis} vs {now}");
        self.prior = hex(&expected);
        (!envelope.payload.is_empty())
            .then(|| Message::decode(&envelope.payload).expect("the envelope carries a frame"))
    }
}

/// What the server saw of one request.
#[derive(Debug, Default)]
struct Seen {
    head: HashMap<String, String>,
    request_line: String,
    /// The inner messages, in order: (event type, content type, payload).
    events: Vec<(String, String, Vec<u8>)>,
    /// Frames received, the end frame included.
    frames: usize,
    end_frame: bool,
    /// How many output events the server had sent before each input event arrived.
    replies_before: Vec<usize>,
}

async fn read_head(stream: &mut BufReader<TcpStream>) -> (String, HashMap<String, String>) {
    let mut request_line = String::new();
    stream.read_line(&mut request_line).await.unwrap();
    let mut head = HashMap::new();
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        head.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    (request_line.trim().to_string(), head)
}

/// The next chunk of a chunked body; `None` at its end (or when the client hung up).
async fn read_chunk(stream: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut size = String::new();
    if stream.read_line(&mut size).await.ok()? == 0 {
        return None;
    }
    let size = usize::from_str_radix(size.trim(), 16).ok()?;
    let mut data = vec![0; size + 2];
    stream.read_exact(&mut data).await.ok()?;
    assert_eq!(&data[size..], b"\r\n");
    data.truncate(size);
    (size > 0).then_some(data)
}

async fn write_chunk(stream: &mut BufReader<TcpStream>, data: &[u8]) {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    stream.get_mut().write_all(&out).await.unwrap();
}

async fn start_response(stream: &mut BufReader<TcpStream>) {
    let head = "HTTP/1.1 200 OK\r\nx-amzn-requestid: req-evin\r\n\
                content-type: application/vnd.amazon.eventstream\r\n\
                transfer-encoding: chunked\r\n\r\n";
    stream.get_mut().write_all(head.as_bytes()).await.unwrap();
}

fn event(event_type: &str, content_type: &str, payload: &[u8]) -> Vec<u8> {
    let s = |v: &str| HeaderValue::String(v.to_string());
    Message::new(payload.to_vec())
        .with_header(":message-type", s("event"))
        .with_header(":event-type", s(event_type))
        .with_header(":content-type", s(content_type))
        .encode()
        .unwrap()
        .to_vec()
}

fn audio(bytes: &[u8]) -> Vec<u8> {
    event("AudioEvent", "application/octet-stream", bytes)
}

/// When the server answers.
#[derive(Clone, Copy, PartialEq)]
enum Reply {
    /// The head and a first event at once, then an `AudioEvent` per `TextEvent` as it arrives,
    /// and `StreamClosedEvent` after the end frame.
    AtOnce,
    /// Nothing until the end frame, then the head and `StreamClosedEvent`.
    AfterBody,
}

/// Serves one request; what it saw arrives on the returned channel when it is done.
async fn serve(reply: Reply) -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (done, seen_rx) = mpsc::channel(1);
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut stream = BufReader::new(stream);
        let (request_line, head) = read_head(&mut stream).await;
        if request_line.is_empty() {
            // The client gave up before its request head went out.
            done.send(Seen::default()).await.unwrap();
            return;
        }
        let authorization = head.get("authorization").cloned().unwrap_or_default();
        let seed = authorization
            .rsplit_once("Signature=")
            .unwrap()
            .1
            .to_string();
        let mut chain = Chain { prior: seed };
        let mut seen = Seen {
            head,
            request_line,
            ..Seen::default()
        };
        let mut replies = 0;
        if reply == Reply::AtOnce {
            start_response(&mut stream).await;
            write_chunk(&mut stream, &audio(b"ready")).await;
            replies += 1;
        }
        let mut decoder = Decoder::new();
        let mut characters = 0;
        'body: while let Some(chunk) = read_chunk(&mut stream).await {
            decoder.push(&chunk);
            while let Some(envelope) = decoder.next_message().expect("a valid frame") {
                seen.frames += 1;
                let Some(inner) = chain.verify(&envelope) else {
                    seen.end_frame = true;
                    break 'body;
                };
                let event_type = inner.string_header(":event-type").unwrap().to_string();
                let content_type = inner.string_header(":content-type").unwrap_or("");
                assert_eq!(inner.string_header(":message-type"), Some("event"));
                seen.events.push((
                    event_type.clone(),
                    content_type.to_string(),
                    inner.payload.to_vec(),
                ));
                seen.replies_before.push(replies);
                if event_type == "TextEvent" && reply == Reply::AtOnce {
                    let body: serde_json::Value = serde_json::from_slice(&inner.payload).unwrap();
                    let text = body["Text"].as_str().unwrap();
                    characters += text.len();
                    write_chunk(&mut stream, &audio(format!("audio:{text}").as_bytes())).await;
                    replies += 1;
                }
            }
        }
        if seen.end_frame {
            // Nothing may follow the end frame.
            assert_eq!(decoder.buffered_len(), 0);
            assert_eq!(read_chunk(&mut stream).await, None);
            if reply == Reply::AfterBody {
                start_response(&mut stream).await;
            }
            let closed = format!("{{\"RequestCharacters\":{characters}}}");
            let closed = event("StreamClosedEvent", "application/json", closed.as_bytes());
            write_chunk(&mut stream, &closed).await;
            stream.get_mut().write_all(b"0\r\n\r\n").await.unwrap();
        }
        done.send(seen).await.unwrap();
    });
    (url, seen_rx)
}

fn check_request_head(seen: &Seen) {
    let header = |n: &str| seen.head.get(n).map(String::as_str);
    assert_eq!(seen.request_line, "POST /v1/synthesisStream HTTP/1.1");
    assert_eq!(
        header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    assert_eq!(
        header("x-amz-content-sha256"),
        Some("STREAMING-AWS4-HMAC-SHA256-EVENTS")
    );
    assert_eq!(header("transfer-encoding"), Some("chunked"));
    assert_eq!(header("content-length"), None);
    let authorization = header("authorization").unwrap();
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        "{authorization}"
    );
    assert!(
        authorization.contains("/us-west-2/polly/aws4_request"),
        "{authorization}"
    );
    let signed = authorization
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    assert!(
        signed.split(';').any(|h| h == "x-amz-content-sha256"),
        "{signed}"
    );
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn events_are_signed_in_a_chain_and_answered_while_the_client_is_still_sending() {
    tokio::time::timeout(LIMIT, async {
        let (url, mut seen) = serve(Reply::AtOnce).await;
        let (tx, sender) = EventStreamSender::channel(1);
        let mut out = synthesis(&url)
            .action_stream(sender)
            .send()
            .await
            .expect("the response head arrives before any event is sent");
        assert_eq!(
            out.response_metadata().request_id.as_deref(),
            Some("req-evin")
        );
        let mut events = out.event_stream.take().unwrap();
        let audio_of = |e: Option<Result<Out, rboto_polly::Error>>| match e {
            Some(Ok(Out::AudioEvent(a))) => a.audio_chunk.unwrap().into_inner().to_vec(),
            other => panic!("expected an audio event, got {other:?}"),
        };
        // The service's first event, read while the request body is still open.
        assert_eq!(audio_of(events.recv().await), b"ready");
        // Each event is sent only after the answer to the one before has been read.
        for word in ["one", "two", "three"] {
            tx.send(text(word)).await.unwrap();
            assert_eq!(
                audio_of(events.recv().await),
                format!("audio:{word}").as_bytes()
            );
        }
        tx.send(Action::CloseStreamEvent(CloseStreamEvent::default()))
            .await
            .unwrap();
        drop(tx);
        match events.recv().await {
            Some(Ok(Out::StreamClosedEvent(c))) => assert_eq!(c.request_characters, Some(11)),
            other => panic!("expected StreamClosedEvent, got {other:?}"),
        }
        assert!(events.recv().await.is_none());

        let seen = seen.recv().await.unwrap();
        check_request_head(&seen);
        let json = "application/json";
        assert_eq!(
            seen.events,
            vec![
                (
                    "TextEvent".into(),
                    json.into(),
                    br#"{"Text":"one"}"#.to_vec()
                ),
                (
                    "TextEvent".into(),
                    json.into(),
                    br#"{"Text":"two"}"#.to_vec()
                ),
                (
                    "TextEvent".into(),
                    json.into(),
                    br#"{"Text":"three"}"#.to_vec()
                ),
                // A structure with no members: no payload, so no content type either.
                ("CloseStreamEvent".into(), String::new(), Vec::new()),
            ]
        );
        // Four events and the end frame, every signature checked along the chain.
        assert_eq!(seen.frames, 5);
        assert!(seen.end_frame);
        // The server had answered 1, 2, 3, 4 times when each event arrived: the events were
        // produced while the response was being read.
        assert_eq!(seen.replies_before, vec![1, 2, 3, 4]);
    })
    .await
    .expect("the exchange finishes");
}

#[tokio::test]
async fn a_stream_that_ends_at_once_sends_only_the_signed_end_frame() {
    tokio::time::timeout(LIMIT, async {
        let (url, mut seen) = serve(Reply::AfterBody).await;
        let mut out = synthesis(&url)
            .action_stream(EventStreamSender::from_events(Vec::<Action>::new()))
            .send()
            .await
            .unwrap();
        let mut events = out.event_stream.take().unwrap();
        match events.recv().await {
            Some(Ok(Out::StreamClosedEvent(c))) => assert_eq!(c.request_characters, Some(0)),
            other => panic!("expected StreamClosedEvent, got {other:?}"),
        }
        assert!(events.recv().await.is_none());
        let seen = seen.recv().await.unwrap();
        check_request_head(&seen);
        assert!(seen.events.is_empty(), "{:?}", seen.events);
        assert_eq!(seen.frames, 1);
        assert!(seen.end_frame);
    })
    .await
    .expect("the exchange finishes");
}

#[tokio::test]
async fn an_event_that_cannot_be_serialized_fails_the_output_stream_with_a_typed_error() {
    tokio::time::timeout(LIMIT, async {
        let (url, mut seen) = serve(Reply::AtOnce).await;
        let (tx, sender) = EventStreamSender::channel(1);
        let mut out = synthesis(&url).action_stream(sender).send().await.unwrap();
        let mut events = out.event_stream.take().unwrap();
        assert!(matches!(events.recv().await, Some(Ok(Out::AudioEvent(_)))));
        tx.send(text("fine")).await.unwrap();
        assert!(matches!(events.recv().await, Some(Ok(Out::AudioEvent(_)))));
        // `Unknown` names no member of the union: there is nothing to send.
        tx.send(Action::Unknown).await.unwrap();
        let err = match events.recv().await {
            Some(Err(e)) => e,
            other => panic!("expected the send failure, got {other:?}"),
        };
        assert_eq!(err.kind(), ErrorKind::ParamValidation, "{err}");
        assert!(err.message().contains("Unknown"), "{err}");
        assert!(
            err.message()
                .contains("StartSpeechSynthesisStreamActionStream"),
            "{err}"
        );
        assert!(events.recv().await.is_none());
        // The request was cut short: one event arrived, no end frame.
        let seen = seen.recv().await.unwrap();
        assert_eq!(seen.events.len(), 1);
        assert!(!seen.end_frame);
    })
    .await
    .expect("the exchange finishes");
}

#[tokio::test]
async fn a_send_failure_before_the_response_fails_the_call_with_a_typed_error() {
    tokio::time::timeout(LIMIT, async {
        let (url, mut seen) = serve(Reply::AfterBody).await;
        let err = synthesis(&url)
            .action_stream(EventStreamSender::from_events(vec![
                text("a"),
                Action::Unknown,
            ]))
            .send()
            .await
            .expect_err("the events could not all be sent");
        assert_eq!(err.kind(), ErrorKind::ParamValidation, "{err}");
        assert!(err.message().contains("Unknown"), "{err}");
        // The request was abandoned (whether its head and first event had left the client's
        // buffers by then is up to the connection), never finished, and not retried: the
        // server's one connection was all there was.
        let seen = seen.recv().await.unwrap();
        assert!(seen.events.len() <= 1, "{:?}", seen.events);
        assert!(!seen.end_frame);
    })
    .await
    .expect("the call finishes");
}
