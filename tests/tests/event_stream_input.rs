//! Input event streams sent through a generated client (polly `StartSpeechSynthesisStream`) to a
//! loopback HTTP/1.1 server that reads the chunked body frame by frame, checks every chunk
//! signature by recomputing the chain from the request's own signature and the secret key
//! (with `ring`, independently of the runtime's signer), and answers with an output event
//! stream while the client is still sending.

use std::collections::HashMap;
use std::sync::Arc;
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

/// The server's side of one exchange, whatever the transport: checks the frames as they
/// arrive and says what to answer.
struct Exchange {
    chain: Chain,
    decoder: Decoder,
    seen: Seen,
    replies: usize,
    characters: usize,
}

impl Exchange {
    fn new(request_line: String, head: HashMap<String, String>) -> Self {
        let authorization = head.get("authorization").cloned().unwrap_or_default();
        let seed = authorization.rsplit_once("Signature=").unwrap().1;
        Exchange {
            chain: Chain {
                prior: seed.to_string(),
            },
            decoder: Decoder::new(),
            seen: Seen {
                head,
                request_line,
                ..Seen::default()
            },
            replies: 0,
            characters: 0,
        }
    }

    /// The first event, sent with the response head before anything is read.
    fn greeting(&mut self) -> Vec<u8> {
        self.replies += 1;
        audio(b"ready")
    }

    /// Takes a piece of the body; returns the events to answer with (an `AudioEvent` per
    /// `TextEvent` when `answer`), and whether the end frame has arrived.
    fn receive(&mut self, chunk: &[u8], answer: bool) -> (Vec<Vec<u8>>, bool) {
        assert!(!self.seen.end_frame, "data after the end frame");
        self.decoder.push(chunk);
        let mut out = Vec::new();
        while let Some(envelope) = self.decoder.next_message().expect("a valid frame") {
            self.seen.frames += 1;
            let Some(inner) = self.chain.verify(&envelope) else {
                self.seen.end_frame = true;
                // Nothing may follow the end frame.
                assert_eq!(self.decoder.buffered_len(), 0);
                return (out, true);
            };
            let event_type = inner.string_header(":event-type").unwrap().to_string();
            let content_type = inner.string_header(":content-type").unwrap_or("");
            assert_eq!(inner.string_header(":message-type"), Some("event"));
            self.seen.events.push((
                event_type.clone(),
                content_type.to_string(),
                inner.payload.to_vec(),
            ));
            self.seen.replies_before.push(self.replies);
            if event_type == "TextEvent" && answer {
                let body: serde_json::Value = serde_json::from_slice(&inner.payload).unwrap();
                let text = body["Text"].as_str().unwrap();
                self.characters += text.len();
                out.push(audio(format!("audio:{text}").as_bytes()));
                self.replies += 1;
            }
        }
        (out, false)
    }

    /// The last event: the characters synthesized.
    fn closed(&self) -> Vec<u8> {
        let closed = format!("{{\"RequestCharacters\":{}}}", self.characters);
        event("StreamClosedEvent", "application/json", closed.as_bytes())
    }
}

/// Serves one request over HTTP/1.1; what it saw arrives on the returned channel when done.
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
        let mut exchange = Exchange::new(request_line, head);
        let answer = reply == Reply::AtOnce;
        if answer {
            start_response(&mut stream).await;
            write_chunk(&mut stream, &exchange.greeting()).await;
        }
        while let Some(chunk) = read_chunk(&mut stream).await {
            let (replies, ended) = exchange.receive(&chunk, answer);
            for r in replies {
                write_chunk(&mut stream, &r).await;
            }
            if ended {
                assert_eq!(read_chunk(&mut stream).await, None);
                if !answer {
                    start_response(&mut stream).await;
                }
                write_chunk(&mut stream, &exchange.closed()).await;
                stream.get_mut().write_all(b"0\r\n\r\n").await.unwrap();
                break;
            }
        }
        done.send(exchange.seen).await.unwrap();
    });
    (url, seen_rx)
}

/// A fresh self-signed certificate for `localhost` (its rustls server config offering only
/// h2) and the path of its PEM, for the client's CA bundle.
fn localhost_tls() -> (Arc<rustls::ServerConfig>, std::path::PathBuf) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let path = std::env::temp_dir().join(format!(
        "rboto-event-input-{}-{}.pem",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::write(&path, cert.cert.pem()).unwrap();
    (Arc::new(config), path)
}

/// Serves one request over HTTP/2 on TLS (ALPN `h2` only), answering at once; returns the
/// URL, the CA bundle to trust, and what it saw.
async fn serve_h2() -> (String, std::path::PathBuf, mpsc::Receiver<Seen>) {
    let (tls, pem) = localhost_tls();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );
    let (done, seen_rx) = mpsc::channel(1);
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let tls = tokio_rustls::TlsAcceptor::from(tls)
            .accept(tcp)
            .await
            .unwrap();
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
        let mut conn = h2::server::handshake(tls).await.unwrap();
        let (request, mut respond) = conn.accept().await.unwrap().unwrap();
        // The connection is driven by polling it; requests after the first are not expected.
        tokio::spawn(async move { while conn.accept().await.is_some() {} });
        let (parts, mut body) = request.into_parts();
        let head = parts
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
            .collect();
        let line = format!("{} {} {:?}", parts.method, parts.uri.path(), parts.version);
        let mut exchange = Exchange::new(line, head);
        let response = http::Response::builder()
            .header("x-amzn-requestid", "req-evin")
            .header("content-type", "application/vnd.amazon.eventstream")
            .body(())
            .unwrap();
        let mut out = respond.send_response(response, false).unwrap();
        out.send_data(exchange.greeting().into(), false).unwrap();
        while let Some(chunk) = body.data().await {
            let chunk = chunk.unwrap();
            let _ = body.flow_control().release_capacity(chunk.len());
            let (replies, ended) = exchange.receive(&chunk, true);
            for r in replies {
                out.send_data(r.into(), false).unwrap();
            }
            if ended {
                out.send_data(exchange.closed().into(), true).unwrap();
            }
        }
        assert!(
            exchange.seen.end_frame,
            "the body ended without the end frame"
        );
        done.send(exchange.seen).await.unwrap();
    });
    (url, pem, seen_rx)
}

fn check_request_head(seen: &Seen, http2: bool) {
    let header = |n: &str| seen.head.get(n).map(String::as_str);
    let version = if http2 { "HTTP/2.0" } else { "HTTP/1.1" };
    assert_eq!(
        seen.request_line,
        format!("POST /v1/synthesisStream {version}")
    );
    assert_eq!(
        header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    assert_eq!(
        header("x-amz-content-sha256"),
        Some("STREAMING-AWS4-HMAC-SHA256-EVENTS")
    );
    // HTTP/2 frames the body itself.
    let chunked = (!http2).then_some("chunked");
    assert_eq!(header("transfer-encoding"), chunked);
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

/// Three words and a close, each sent only after the answer to the one before has been read;
/// then what the server saw is checked.
async fn converse(client: rboto_polly::Client, seen: &mut mpsc::Receiver<Seen>, http2: bool) {
    let (tx, sender) = EventStreamSender::channel(1);
    let mut out = client
        .start_speech_synthesis_stream()
        .engine(Engine::Generative)
        .output_format(OutputFormat::Mp3)
        .voice_id(VoiceId::Joanna)
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
    check_request_head(&seen, http2);
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
}

#[tokio::test]
async fn events_are_signed_in_a_chain_and_answered_while_the_client_is_still_sending() {
    tokio::time::timeout(LIMIT, async {
        let (url, mut seen) = serve(Reply::AtOnce).await;
        converse(client(&url), &mut seen, false).await;
    })
    .await
    .expect("the exchange finishes");
}

#[tokio::test]
async fn over_tls_the_client_offers_h2_and_streams_the_events_on_it() {
    tokio::time::timeout(LIMIT, async {
        let (url, pem, mut seen) = serve_h2().await;
        let config = Config::builder()
            .region(REGION)
            .credentials(Credentials::new("AKIDEXAMPLE", SECRET, None))
            .endpoint_url(url)
            .ca_bundle(&pem)
            .build();
        converse(rboto_polly::Client::new(&config), &mut seen, true).await;
        let _ = std::fs::remove_file(pem);
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
        check_request_head(&seen, false);
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
