//! A fault-injecting loopback proxy for chaos tests: it sits between an rboto client and moto
//! and, for a configurable fraction of requests, misbehaves the way networks and services do.
//!
//! | fault | what the client sees | did moto see the request? |
//! | --- | --- | --- |
//! | `Status500` | HTTP 500 in the protocol's own error format | no |
//! | `Status503` | HTTP 503 in the protocol's own error format | no |
//! | `Throttle` | the protocol's throttling error (`ThrottlingException`, `RequestThrottled`, `Throttling`, `SlowDown`) | no |
//! | `ResetBefore` | the connection reset before any response | no |
//! | `ResetAfter` | the connection reset before any response | **yes** |
//! | `Truncate` | half the response (head and half the body, or half the head when there is no body), then the connection closes | **yes** |
//! | `Stall` | nothing, past the client's read timeout | **yes** |
//! | `CorruptCrc32` | a DynamoDB body with one byte changed, `x-amz-crc32` kept | **yes** |
//!
//! The "yes" rows are the dangerous ones: the write happened but the client cannot know, so it
//! retries, and a write that is not idempotent is then applied twice by any SDK. That is why the
//! proxy keeps a record of every request ([`Exchange`]): whether moto saw it, what moto
//! answered, and whether the client received that answer. From that record
//! [`WriteAccount::of`] computes exactly how many times moto applied one logical write, and
//! which repeated attempts the client had a reason to make; a chaos run compares it with the
//! state moto ends up in.
//!
//! Requests are forwarded byte for byte as received (request line, every header including
//! `Host`, body), so SigV4 signatures made for the proxy's address verify at moto. The protocol
//! of a request is read from it: `x-amz-target` means JSON (SQS's JSON is query-compatible, so
//! its errors also carry `x-amzn-query-error`), a form body means query XML, anything else is
//! REST-XML with S3's `<Error>` body. Decisions come from a seeded generator, so a run is
//! reproducible for a given seed and request order.

use crate::rng::Rng;
use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The marker a chaos run puts into each write it makes (`chaosop<N>`), in the URI or the body,
/// so the proxy can tell which logical operation a request belongs to.
pub const TAG_PREFIX: &str = "chaosop";

/// The marker of operation `n`.
pub fn tag(n: usize) -> String {
    format!("{TAG_PREFIX}{n}")
}

/// One kind of injected fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    Status500,
    Status503,
    Throttle,
    ResetBefore,
    ResetAfter,
    Truncate,
    Stall,
    CorruptCrc32,
}

impl Fault {
    pub const ALL: [Fault; 8] = [
        Fault::Status500,
        Fault::Status503,
        Fault::Throttle,
        Fault::ResetBefore,
        Fault::ResetAfter,
        Fault::Truncate,
        Fault::Stall,
        Fault::CorruptCrc32,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fault::Status500 => "http 500",
            Fault::Status503 => "http 503",
            Fault::Throttle => "throttling",
            Fault::ResetBefore => "reset before moto",
            Fault::ResetAfter => "reset after moto",
            Fault::Truncate => "truncated response",
            Fault::Stall => "stall past read timeout",
            Fault::CorruptCrc32 => "corrupt body (crc32)",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Deliberate proxy bugs, for the chaos harness's own tests: each makes a run wrong in a way
/// the run must detect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sabotage {
    /// Sends every request whose action (see [`Exchange::action`]) is this one to moto twice
    /// and records it once: a duplicate that no fault explains.
    ForwardTwice(String),
    /// Gives every retry (`amz-sdk-request: attempt=N`, N > 1) the `Authorization` header of the
    /// first attempt of the same call: what an SDK that does not re-sign its retries sends.
    ReuseFirstSignature,
}

/// How the proxy misbehaves.
#[derive(Clone, Debug)]
pub struct ChaosConfig {
    /// Fraction of requests that get a fault, 0.0 to 1.0.
    pub fault_rate: f64,
    pub seed: u64,
    /// How long a `Stall` holds the response: set it past the client's read timeout.
    pub stall: Duration,
    /// The kinds of fault to choose from; empty means all of them.
    pub faults: Vec<Fault>,
    /// A deliberate bug; `None` in a real run.
    pub sabotage: Option<Sabotage>,
}

/// What the proxy did so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChaosStats {
    pub requests: u64,
    /// Requests that reached the upstream server.
    pub forwarded: u64,
    pub faults: BTreeMap<Fault, u64>,
    /// Requests that were retries (`amz-sdk-request` attempt above 1).
    pub retried_attempts: u64,
    /// Requests moto refused for their signature or key (SigV4 verification).
    pub signature_refused: u64,
}

impl ChaosStats {
    pub fn total_faults(&self) -> u64 {
        self.faults.values().sum()
    }
}

/// What became of moto's answer to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The proxy answered itself (an injected error or a reset): moto never saw the request.
    NotForwarded,
    /// moto answered `status` and the client received that answer intact.
    Delivered { status: u16 },
    /// moto answered `status`, but the client never received it intact (reset, truncated,
    /// stalled or corrupted): the client cannot know what happened.
    Lost { status: u16 },
    /// The request was sent to moto but no answer could be read: whether it was applied is
    /// unknown.
    Unknown,
}

impl Answer {
    /// moto answered with a success status, so the request took effect there.
    pub fn applied(self) -> bool {
        matches!(self, Answer::Delivered { status } | Answer::Lost { status } if (200..300).contains(&status))
    }
}

/// The proxy's record of one request.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// Order of arrival at the proxy.
    pub seq: u64,
    /// The JSON target's operation (`UpdateItem`, `SendMessage`), the query `Action`, or for
    /// REST requests the method (`PUT`, `GET`).
    pub action: String,
    /// `N` of the first [`TAG_PREFIX`]`N` in the request target or body.
    pub tag: Option<usize>,
    /// `amz-sdk-invocation-id`: one per SDK call, the same on each of its attempts.
    pub invocation: Option<String>,
    /// The attempt number from `amz-sdk-request`.
    pub attempt: Option<u32>,
    pub fault: Option<Fault>,
    pub answer: Answer,
    /// How long moto took to answer.
    pub upstream_time: Duration,
    /// moto refused the request's signature or key.
    pub signature_refused: bool,
}

struct Shared {
    upstream: SocketAddr,
    config: Mutex<ChaosConfig>,
    rng: Mutex<Dealer>,
    requests: AtomicU64,
    forwarded: AtomicU64,
    faults: Mutex<BTreeMap<Fault, u64>>,
    log: Mutex<Vec<Exchange>>,
    /// The `Authorization` of each call's first attempt, for [`Sabotage::ReuseFirstSignature`].
    first_signatures: Mutex<BTreeMap<String, String>>,
}

/// The running proxy; stops accepting when dropped.
pub struct ChaosProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ChaosProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ChaosProxy {
    /// Listens on a free loopback port, forwarding to `upstream`.
    pub async fn start(upstream: SocketAddr, config: ChaosConfig) -> std::io::Result<ChaosProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream,
            rng: Mutex::new(Dealer::new(config.seed)),
            config: Mutex::new(config),
            requests: AtomicU64::new(0),
            forwarded: AtomicU64::new(0),
            faults: Mutex::new(BTreeMap::new()),
            log: Mutex::new(Vec::new()),
            first_signatures: Mutex::new(BTreeMap::new()),
        });
        let s = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let _ = conn.set_nodelay(true);
                tokio::spawn(serve(s.clone(), conn));
            }
        });
        Ok(ChaosProxy { addr, shared, task })
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Changes the fault rate (0 to verify without faults).
    pub fn set_fault_rate(&self, rate: f64) {
        lock(&self.shared.config).fault_rate = rate;
    }

    pub fn stats(&self) -> ChaosStats {
        let log = lock(&self.shared.log);
        ChaosStats {
            requests: self.shared.requests.load(Ordering::Relaxed),
            forwarded: self.shared.forwarded.load(Ordering::Relaxed),
            faults: lock(&self.shared.faults).clone(),
            retried_attempts: log.iter().filter(|e| e.attempt > Some(1)).count() as u64,
            signature_refused: log.iter().filter(|e| e.signature_refused).count() as u64,
        }
    }

    /// Every request so far, in order of arrival.
    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.shared.log).clone()
    }
}

/// How one logical write fared, from the proxy's record of its requests.
///
/// moto is local and deterministic: a request it answered with a 2xx status took effect, one
/// it answered otherwise or never saw did not. So the number of times the write was applied is
/// known exactly, whatever the client saw. A repeated attempt is explained when the client had
/// a reason to retry: the previous attempt got an injected fault, a 5xx from moto, or an answer
/// slower than the client's read timeout. Anything else (a retry after an intact success or an
/// intact client error, attempts from two calls, attempt numbers out of order) is an SDK bug.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteAccount {
    pub attempts: usize,
    /// Attempts moto applied.
    pub applied: usize,
    /// Applied attempts whose answer the client never received (the source of legitimate
    /// duplicates of non-idempotent writes).
    pub applied_unseen: usize,
    /// The last attempt's answer, as the client received it.
    pub last: Option<Answer>,
    /// Faults injected into this write's attempts.
    pub faults: usize,
    /// Attempts the record cannot explain, and why.
    pub unexplained: Vec<String>,
}

impl WriteAccount {
    /// Accounts for `exchanges`: every request of one logical write, in order of arrival.
    /// `slow` is the client's read timeout: an answer slower than half of it may have come
    /// too late for the client, so a retry after it is not held against the SDK.
    pub fn of(exchanges: &[&Exchange], slow: Duration) -> WriteAccount {
        let mut account = WriteAccount {
            attempts: exchanges.len(),
            last: exchanges.last().map(|e| e.answer),
            ..WriteAccount::default()
        };
        let calls: std::collections::BTreeSet<_> =
            exchanges.iter().map(|e| e.invocation.as_deref()).collect();
        if calls.len() > 1 {
            account.unexplained.push(format!(
                "sent by {} separate calls (amz-sdk-invocation-id)",
                calls.len()
            ));
        }
        for (i, e) in exchanges.iter().enumerate() {
            if e.attempt != Some(i as u32 + 1) {
                account.unexplained.push(format!(
                    "request {} carries attempt {:?}, expected {}",
                    i + 1,
                    e.attempt,
                    i + 1
                ));
            }
            account.faults += usize::from(e.fault.is_some());
            if e.answer.applied() {
                account.applied += 1;
                if matches!(e.answer, Answer::Lost { .. }) {
                    account.applied_unseen += 1;
                }
            }
            if e.answer == Answer::Unknown {
                account.unexplained.push(format!(
                    "attempt {}: moto's answer was never read, so whether it applied is unknown",
                    i + 1
                ));
            }
            let is_last = i + 1 == exchanges.len();
            if let (false, Answer::Delivered { status }) = (is_last, e.answer) {
                if status < 500 && e.upstream_time < slow / 2 {
                    account.unexplained.push(format!(
                        "attempt {} was retried after moto's HTTP {status} reached the client intact",
                        i + 1
                    ));
                }
            }
        }
        account
    }

    /// The client was told the write succeeded by moto itself.
    pub fn acknowledged_by_moto(&self) -> bool {
        matches!(self.last, Some(Answer::Delivered { status }) if (200..300).contains(&status))
    }

    /// Applications beyond the first, each caused by a retry after a lost answer.
    pub fn duplicated_by_retry(&self) -> usize {
        self.applied.saturating_sub(1).min(self.applied_unseen)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The seeded generator that decides which requests fail, and the deck of fault kinds it deals.
struct Dealer(Rng, Vec<Fault>);

impl Dealer {
    fn new(seed: u64) -> Dealer {
        Dealer(Rng::new(seed), Vec::new())
    }

    /// The next fault kind that `fits` the request, from a shuffled deck of `kinds` (all when
    /// empty) dealt to the end before it is reshuffled: every kind comes up once in each round,
    /// so a run with a few rounds of faults is sure to see each, whatever the request order.
    fn draw(&mut self, kinds: &[Fault], fits: impl Fn(Fault) -> bool) -> Option<Fault> {
        let kinds = if kinds.is_empty() {
            &Fault::ALL[..]
        } else {
            kinds
        };
        for _ in 0..2 {
            if let Some(at) = self.1.iter().position(|f| fits(*f)) {
                return Some(self.1.remove(at));
            }
            // Nothing left that fits: a new round, with what this request could not take.
            let mut deck = kinds.to_vec();
            for i in (1..deck.len()).rev() {
                deck.swap(i, (self.0.next_u64() % (i as u64 + 1)) as usize);
            }
            self.1.extend(deck);
        }
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Proto {
    /// JSON; `sqs` when query-compatible (SQS).
    Json {
        sqs: bool,
        dynamodb: bool,
    },
    Query,
    RestXml,
}

fn proto(req: &Request) -> Proto {
    match req.header("x-amz-target") {
        Some(t) => Proto::Json {
            sqs: t.starts_with("AmazonSQS"),
            dynamodb: t.starts_with("DynamoDB"),
        },
        None if req
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded")) =>
        {
            Proto::Query
        }
        None => Proto::RestXml,
    }
}

/// A request as read from the client: the raw head (request line and headers, with the blank
/// line) and body, which are what gets forwarded.
struct Request {
    head: Vec<u8>,
    body: Vec<u8>,
}

impl Request {
    fn head_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.head)
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head_text().split("\r\n").skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }

    fn method(&self) -> String {
        let head = self.head_text();
        head.split(' ').next().unwrap_or_default().to_string()
    }

    fn action(&self) -> String {
        if let Some(t) = self.header("x-amz-target") {
            return t.rsplit('.').next().unwrap_or_default().to_string();
        }
        let form = String::from_utf8_lossy(&self.body);
        if let Some(a) = form.split('&').find_map(|kv| kv.strip_prefix("Action=")) {
            return a.to_string();
        }
        self.method()
    }

    fn attempt(&self) -> Option<u32> {
        let v = self.header("amz-sdk-request")?;
        v.split(';')
            .find_map(|p| p.trim().strip_prefix("attempt="))
            .and_then(|n| n.parse().ok())
    }

    fn tag(&self) -> Option<usize> {
        let head = self.head_text();
        let target = head.split("\r\n").next().unwrap_or_default();
        find_tag(target.as_bytes()).or_else(|| find_tag(&self.body))
    }

    /// The same request with header `name` (which must be present) set to `value`.
    fn with_header(&self, name: &str, value: &str) -> Request {
        let head = self.head_text();
        let mut out = String::new();
        for line in head.split_inclusive("\r\n") {
            let is_it = line
                .split_once(':')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case(name));
            if is_it {
                out.push_str(&format!("{name}: {value}\r\n"));
            } else {
                out.push_str(line);
            }
        }
        Request {
            head: out.into_bytes(),
            body: self.body.clone(),
        }
    }
}

fn find_tag(b: &[u8]) -> Option<usize> {
    let p = TAG_PREFIX.as_bytes();
    let at = b.windows(p.len()).position(|w| w == p)? + p.len();
    let digits: Vec<u8> = b[at..]
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

struct Response {
    status: u16,
    status_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn bytes(&self) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.status_line);
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!("content-length: {}\r\n\r\n", self.body.len()));
        let mut b = out.into_bytes();
        b.extend_from_slice(&self.body);
        b
    }

    /// About half of the response: the head and half the body, or half the head when there is
    /// no body (so that a body-less answer is cut too).
    fn truncated(&self) -> Vec<u8> {
        let full = self.bytes();
        let cut = if self.body.is_empty() {
            full.len() / 2
        } else {
            full.len() - self.body.len() + self.body.len() / 2
        };
        full[..cut].to_vec()
    }

    fn refuses_signature(&self) -> bool {
        let body = String::from_utf8_lossy(&self.body);
        (self.status == 403 || self.status == 401)
            && [
                "SignatureDoesNotMatch",
                "InvalidClientTokenId",
                "InvalidAccessKeyId",
                "IncompleteSignature",
                "AuthFailure",
            ]
            .iter()
            .any(|c| body.contains(c))
    }
}

async fn serve(shared: Arc<Shared>, mut conn: TcpStream) {
    while let Some(req) = read_request(&mut conn).await {
        let seq = shared.requests.fetch_add(1, Ordering::Relaxed);
        let p = proto(&req);
        let (fault, stall, sabotage) = {
            let cfg = lock(&shared.config);
            let mut rng = lock(&shared.rng);
            let fault = if rng.0.unit() < cfg.fault_rate {
                let dynamodb = matches!(p, Proto::Json { dynamodb: true, .. });
                rng.draw(&cfg.faults, |f| f != Fault::CorruptCrc32 || dynamodb)
            } else {
                None
            };
            (fault, cfg.stall, cfg.sabotage.clone())
        };
        if let Some(f) = fault {
            *lock(&shared.faults).entry(f).or_default() += 1;
        }
        let mut exchange = Exchange {
            seq,
            action: req.action(),
            tag: req.tag(),
            invocation: req.header("amz-sdk-invocation-id"),
            attempt: req.attempt(),
            fault,
            answer: Answer::NotForwarded,
            upstream_time: Duration::ZERO,
            signature_refused: false,
        };
        let req = sabotaged(&shared, &req, &exchange, sabotage.as_ref()).await;
        let keep_going = match fault {
            Some(f @ (Fault::Status500 | Fault::Status503 | Fault::Throttle)) => {
                let resp = error_response(p, f);
                record(&shared, exchange);
                conn.write_all(&resp.bytes()).await.is_ok()
            }
            Some(Fault::ResetBefore) => {
                reset(conn);
                record(&shared, exchange);
                return;
            }
            _ => {
                shared.forwarded.fetch_add(1, Ordering::Relaxed);
                let started = Instant::now();
                let upstream = forward(shared.upstream, &req).await;
                exchange.upstream_time = started.elapsed();
                let Ok(mut resp) = upstream else {
                    exchange.answer = Answer::Unknown;
                    record(&shared, exchange);
                    reset(conn);
                    return;
                };
                exchange.signature_refused = resp.refuses_signature();
                let status = resp.status;
                exchange.answer = Answer::Lost { status };
                match fault {
                    Some(Fault::ResetAfter) => {
                        record(&shared, exchange);
                        reset(conn);
                        return;
                    }
                    Some(Fault::Stall) => {
                        record(&shared, exchange);
                        tokio::time::sleep(stall).await;
                        return;
                    }
                    Some(Fault::Truncate) => {
                        record(&shared, exchange);
                        let _ = conn.write_all(&resp.truncated()).await;
                        let _ = conn.shutdown().await;
                        return;
                    }
                    Some(Fault::CorruptCrc32) => {
                        let changed = match resp
                            .body
                            .iter_mut()
                            .rev()
                            .find(|b| b.is_ascii_alphanumeric())
                        {
                            Some(b) => {
                                *b = if *b == b'x' { b'y' } else { b'x' };
                                true
                            }
                            None => false,
                        };
                        if !changed {
                            exchange.answer = Answer::Delivered { status };
                        }
                        let ok = conn.write_all(&resp.bytes()).await.is_ok();
                        record(&shared, exchange);
                        ok
                    }
                    _ => {
                        exchange.answer = Answer::Delivered { status };
                        let ok = conn.write_all(&resp.bytes()).await.is_ok();
                        record(&shared, exchange);
                        ok
                    }
                }
            }
        };
        if !keep_going {
            return;
        }
    }
}

fn record(shared: &Shared, exchange: Exchange) {
    lock(&shared.log).push(exchange);
}

/// Applies a deliberate bug to the request before it is forwarded.
async fn sabotaged(
    shared: &Shared,
    req: &Request,
    exchange: &Exchange,
    sabotage: Option<&Sabotage>,
) -> Request {
    let same = || Request {
        head: req.head.clone(),
        body: req.body.clone(),
    };
    match sabotage {
        Some(Sabotage::ForwardTwice(action)) if *action == exchange.action => {
            // The extra copy is not recorded: it stands for a duplicate the SDK made unseen.
            let _ = forward(shared.upstream, req).await;
            same()
        }
        Some(Sabotage::ReuseFirstSignature) => {
            let (Some(id), Some(auth)) = (&exchange.invocation, req.header("authorization")) else {
                return same();
            };
            let first = lock(&shared.first_signatures)
                .entry(id.clone())
                .or_insert(auth)
                .clone();
            req.with_header("Authorization", &first)
        }
        _ => same(),
    }
}

/// Closes with a TCP reset (SO_LINGER 0) rather than a clean FIN.
fn reset(conn: TcpStream) {
    #[allow(deprecated)] // linger 0 never blocks: it discards and resets
    let _ = conn.set_linger(Some(Duration::ZERO));
    drop(conn);
}

fn error_response(p: Proto, f: Fault) -> Response {
    let (status, code, message) = match (f, p) {
        (Fault::Status500, Proto::RestXml) => (
            500,
            "InternalError",
            "We encountered an internal error. Please try again.",
        ),
        (Fault::Status500, _) => (
            500,
            "InternalFailure",
            "The request processing has failed because of an unknown error.",
        ),
        (Fault::Status503, Proto::RestXml) => (
            503,
            "ServiceUnavailable",
            "Service is unable to handle request.",
        ),
        (Fault::Status503, _) => (
            503,
            "ServiceUnavailable",
            "The service is unavailable. Please try again later.",
        ),
        (_, Proto::RestXml) => (503, "SlowDown", "Please reduce your request rate."),
        (_, Proto::Json { sqs: true, .. }) => (400, "RequestThrottled", "Rate exceeded"),
        (_, Proto::Json { dynamodb: true, .. }) => (
            400,
            "ThrottlingException",
            "Rate of requests exceeds the allowed throughput.",
        ),
        (_, Proto::Json { .. }) => (400, "ThrottlingException", "Rate exceeded"),
        (_, Proto::Query) => (400, "Throttling", "Rate exceeded"),
    };
    let request_id = "chaos-0000-0000";
    let status_line = format!("HTTP/1.1 {status} Chaos");
    let mut headers = vec![("x-amzn-requestid".to_string(), request_id.to_string())];
    let body = match p {
        Proto::Json { sqs, dynamodb } => {
            headers.push(("content-type".into(), "application/x-amz-json-1.0".into()));
            let ns = if dynamodb {
                "com.amazonaws.dynamodb.v20120810"
            } else {
                "com.amazonaws.coral"
            };
            if sqs {
                let fault = if status >= 500 { "Receiver" } else { "Sender" };
                headers.push(("x-amzn-query-error".into(), format!("{code};{fault}")));
            }
            format!(r#"{{"__type":"{ns}#{code}","message":"{message}"}}"#)
        }
        Proto::Query => {
            headers.push(("content-type".into(), "text/xml".into()));
            let fault = if status >= 500 { "Receiver" } else { "Sender" };
            format!(
                "<ErrorResponse><Error><Type>{fault}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            )
        }
        Proto::RestXml => {
            headers.push(("content-type".into(), "application/xml".into()));
            headers.push(("x-amz-request-id".into(), request_id.into()));
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request_id}</RequestId></Error>"
            )
        }
    };
    Response {
        status,
        status_line,
        headers,
        body: body.into_bytes(),
    }
}

/// Sends `req`, byte for byte as the client sent it, to `upstream` on a new connection and
/// reads one whole response (framed by its `Content-Length`, chunks, or the end of the stream).
async fn forward(upstream: SocketAddr, req: &Request) -> std::io::Result<Response> {
    let mut up = TcpStream::connect(upstream).await?;
    let mut out = req.head.clone();
    out.extend_from_slice(&req.body);
    up.write_all(&out).await?;
    let head_request = req.method() == "HEAD";
    let raw = read_response(&mut up, head_request).await?;
    parse_response(&raw, head_request).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, "bad upstream response")
    })
}

/// Reads until one response is complete, so the proxy does not depend on moto closing.
async fn read_response(up: &mut TcpStream, head_request: bool) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 16384];
    loop {
        let n = up.read(&mut chunk).await?;
        if n == 0 {
            return Ok(raw);
        }
        raw.extend_from_slice(&chunk[..n]);
        if response_complete(&raw, head_request) {
            return Ok(raw);
        }
    }
}

fn response_complete(raw: &[u8], head_request: bool) -> bool {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    if head_request {
        return true;
    }
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let rest = &raw[end + 4..];
    if head.contains("transfer-encoding: chunked") {
        return dechunk(rest).is_some();
    }
    match head
        .split("\r\n")
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        Some(n) => rest.len() >= n,
        None => false,
    }
}

fn parse_response(raw: &[u8], head_request: bool) -> Option<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?.to_string();
    let status = status_line.split(' ').nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    let mut chunked = false;
    let mut length = None;
    for line in lines.filter(|l| !l.is_empty()) {
        let (k, v) = line.split_once(':')?;
        let (k, v) = (k.trim(), v.trim());
        if k.eq_ignore_ascii_case("transfer-encoding") {
            chunked = v.eq_ignore_ascii_case("chunked");
        } else if k.eq_ignore_ascii_case("content-length") {
            length = v.parse::<usize>().ok();
        } else if !k.eq_ignore_ascii_case("connection") {
            headers.push((k.to_string(), v.to_string()));
        }
    }
    let rest = &raw[end..];
    let body = if head_request {
        Vec::new()
    } else if chunked {
        dechunk(rest)?
    } else {
        match length {
            Some(n) => rest.get(..n)?.to_vec(),
            None => rest.to_vec(),
        }
    };
    Some(Response {
        status,
        status_line,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&b[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        b = &b[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

async fn read_request<S: AsyncRead + Unpin>(s: &mut S) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let mut req = Request {
        head: buf[..head_end].to_vec(),
        body: buf[head_end..].to_vec(),
    };
    let len: usize = req
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while req.body.len() < len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        req.body.extend_from_slice(&chunk[..n]);
    }
    Some(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap(),
            b"abcde"
        );
        let raw =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nx: y\r\n\r\n1\r\nz\r\n0\r\n\r\n";
        assert!(response_complete(raw, false));
        assert!(!response_complete(&raw[..raw.len() - 3], false));
        let r = parse_response(raw, false).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, b"z".as_slice()));
        assert_eq!(r.headers, [("x".to_string(), "y".to_string())]);
    }

    #[test]
    fn each_round_of_faults_deals_every_kind_once() {
        let mut r = Dealer::new(3);
        let round: std::collections::BTreeSet<Fault> =
            (0..8).filter_map(|_| r.draw(&[], |_| true)).collect();
        assert_eq!(round.len(), 8);
        // A kind the requests cannot take waits for one that can.
        let mut r = Dealer::new(3);
        let no_crc: Vec<Fault> = (0..14)
            .filter_map(|_| r.draw(&[], |f| f != Fault::CorruptCrc32))
            .collect();
        assert_eq!(no_crc.len(), 14);
        assert!(!no_crc.contains(&Fault::CorruptCrc32));
        assert_eq!(r.draw(&[], |_| true), Some(Fault::CorruptCrc32));
        let mut r = Dealer::new(3);
        assert_eq!(r.draw(&[Fault::Stall], |f| f != Fault::Stall), None);
    }

    #[test]
    fn requests_name_their_call_attempt_action_and_tag() {
        let req = Request {
            head: b"POST / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nX-Amz-Target: DynamoDB_20120810.UpdateItem\r\namz-sdk-invocation-id: abc\r\namz-sdk-request: ttl=x; attempt=3; max=4\r\nAuthorization: one\r\n\r\n".to_vec(),
            body: br#"{"Key":{"pk":{"S":"chaosop42"}}}"#.to_vec(),
        };
        assert_eq!(req.action(), "UpdateItem");
        assert_eq!(req.attempt(), Some(3));
        assert_eq!(req.tag(), Some(42));
        assert_eq!(req.header("AMZ-SDK-INVOCATION-ID").as_deref(), Some("abc"));
        let resigned = req.with_header("Authorization", "two");
        assert_eq!(resigned.header("authorization").as_deref(), Some("two"));
        assert_eq!(resigned.head.len(), req.head.len());
        let s3 = Request {
            head: b"PUT /bucket/chaosop7 HTTP/1.1\r\nHost: h\r\n\r\n".to_vec(),
            body: b"chaosop9".to_vec(),
        };
        assert_eq!((s3.action().as_str(), s3.tag()), ("PUT", Some(7)));
        assert_eq!(find_tag(b"chaosop"), None);
    }

    #[test]
    fn truncation_cuts_bodyless_answers_too() {
        let r = Response {
            status: 200,
            status_line: "HTTP/1.1 200 OK".into(),
            headers: Vec::new(),
            body: Vec::new(),
        };
        assert!(!response_complete(&r.truncated(), false));
        let r = Response {
            body: b"0123456789".to_vec(),
            ..r
        };
        let cut = r.truncated();
        assert!(cut.ends_with(b"\r\n\r\n01234"));
        assert!(!response_complete(&cut, false));
    }

    fn exchange(attempt: u32, fault: Option<Fault>, answer: Answer) -> Exchange {
        Exchange {
            seq: attempt as u64,
            action: "SendMessage".into(),
            tag: Some(1),
            invocation: Some("call".into()),
            attempt: Some(attempt),
            fault,
            answer,
            upstream_time: Duration::from_millis(5),
            signature_refused: false,
        }
    }

    const SLOW: Duration = Duration::from_secs(2);

    #[test]
    fn a_retry_after_a_lost_answer_explains_a_second_application() {
        let a = exchange(1, Some(Fault::ResetAfter), Answer::Lost { status: 200 });
        let b = exchange(2, Some(Fault::Status503), Answer::NotForwarded);
        let c = exchange(3, None, Answer::Delivered { status: 200 });
        let acc = WriteAccount::of(&[&a, &b, &c], SLOW);
        assert_eq!((acc.attempts, acc.applied, acc.applied_unseen), (3, 2, 1));
        assert_eq!(acc.duplicated_by_retry(), 1);
        assert!(acc.acknowledged_by_moto());
        assert!(acc.unexplained.is_empty(), "{:?}", acc.unexplained);
    }

    #[test]
    fn a_retry_after_an_intact_answer_is_unexplained() {
        let a = exchange(1, None, Answer::Delivered { status: 200 });
        let b = exchange(2, None, Answer::Delivered { status: 200 });
        let acc = WriteAccount::of(&[&a, &b], SLOW);
        assert_eq!((acc.applied, acc.duplicated_by_retry()), (2, 0));
        assert_eq!(acc.unexplained.len(), 1, "{:?}", acc.unexplained);
        // ...unless moto's answer was slow enough to have missed the client's read timeout.
        let slow = Exchange {
            upstream_time: SLOW,
            ..a.clone()
        };
        assert!(WriteAccount::of(&[&slow, &b], SLOW).unexplained.is_empty());
    }

    #[test]
    fn two_calls_and_misnumbered_attempts_are_unexplained() {
        let a = exchange(1, Some(Fault::Status500), Answer::NotForwarded);
        let mut b = exchange(1, None, Answer::Delivered { status: 200 });
        b.invocation = Some("another call".into());
        let acc = WriteAccount::of(&[&a, &b], SLOW);
        assert_eq!(acc.unexplained.len(), 2, "{:?}", acc.unexplained);
        let unknown = exchange(1, None, Answer::Unknown);
        assert_eq!(WriteAccount::of(&[&unknown], SLOW).unexplained.len(), 1);
    }
}
