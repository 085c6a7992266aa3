//! Logs and traces through `tracing`: a span per operation (service, operation, region) and per
//! attempt (number, status, request id, retry decision, duration), debug events with what
//! botocore's debug log shows (endpoint, canonical request, response headers), and no secret,
//! token or signature anywhere in them.

use rboto::{Config, Credentials};
use rboto_tests::stub::{StubConnector, StubResponse};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "session-token-that-must-not-be-logged";

/// Writes every span, field update and event it sees as a line of text.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = Fields(format!("span#{id} {}", span.metadata().name()));
        span.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
        Id::from_u64(id)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = Fields(format!("record#{}", span.into_u64()));
        values.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(format!("event {}", event.metadata().level()));
        event.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn config(stub: &StubConnector) -> Config {
    Config::builder()
        .region("eu-west-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            SECRET,
            Some(TOKEN.to_string()),
        ))
        .connector(stub.clone())
        .build()
}

#[tokio::test]
async fn operations_and_attempts_are_spans_with_what_happened() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        503,
        vec![("x-amzn-requestid".into(), "req-1".into())],
        r#"{"__type":"ServiceUnavailable","message":"busy"}"#,
    ));
    stub.push(StubResponse::new(
        200,
        vec![("x-amzn-requestid".into(), "req-2".into())],
        r#"{"TableNames":["t"]}"#,
    ));
    let ddb = rboto_dynamodb::Client::new(&config(&stub));
    ddb.list_tables().send().await.expect("second attempt succeeds");

    let lines = capture.lines.lock().unwrap().clone();
    let text = lines.join("\n");
    let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
    assert!(
        has("rboto.operation service=DynamoDB operation=ListTables region=eu-west-1"),
        "{text}"
    );
    assert!(has("rboto.attempt attempt=1"), "{text}");
    assert!(has("rboto.attempt attempt=2"), "{text}");
    assert!(has("status=503") && has("status=200"), "{text}");
    assert!(has("request_id=req-1") && has("request_id=req-2"), "{text}");
    assert!(has("retry=retry"), "the retry decision is recorded: {text}");
    assert!(has("duration_ms="), "{text}");
    // What botocore's debug log shows: the endpoint, the canonical request, response headers.
    assert!(has("https://dynamodb.eu-west-1.amazonaws.com"), "{text}");
    assert!(has("canonical_request=POST\n/\n"), "{text}");
    assert!(has("x-amzn-requestid"), "{text}");
    // Nothing secret: not the key, the token, nor the signature.
    assert!(!text.contains(SECRET), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    let sent = stub.requests();
    let authorization = sent[1].header("authorization").unwrap();
    let signature = authorization.rsplit("Signature=").next().unwrap();
    assert!(!text.contains(signature), "{text}");
}

#[tokio::test]
async fn rboto_installs_no_subscriber_of_its_own() {
    // Without a subscriber of the user's, tracing drops every span and event: rboto must not
    // install a global one (that would print or collect behind the user's back).
    let stub = StubConnector::new();
    stub.push(StubResponse::new(200, vec![], r#"{"TableNames":[]}"#));
    let ddb = rboto_dynamodb::Client::new(&config(&stub));
    ddb.list_tables().send().await.unwrap();
    assert!(!tracing::dispatcher::has_been_set());
}
