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
//! | `Truncate` | the response head and half its body, then the connection closes | **yes** |
//! | `Stall` | nothing, past the client's read timeout | **yes** |
//! | `CorruptCrc32` | a DynamoDB body with one byte changed, `x-amz-crc32` kept | **yes** |
//!
//! The "yes" rows are the dangerous ones: the write happened but the client cannot know, so it
//! retries, and only idempotent requests (or deduplication ids) keep the data right.
//!
//! The protocol of a request is read from it: `x-amz-target` means JSON (SQS's JSON is
//! query-compatible, so its errors also carry `x-amzn-query-error`), a form body means query
//! XML, anything else is REST-XML with S3's `<Error>` body. Every request forwarded to moto gets
//! the proxy's `x-moto-account-id`, so a run has its own account on a shared server. Decisions
//! come from a seeded generator, so a run is reproducible for a given seed and request order.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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
            Fault::Truncate => "truncated body",
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
    /// Headers added to every request forwarded upstream (e.g. moto's account id).
    pub upstream_headers: Vec<(String, String)>,
}

/// What the proxy did so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChaosStats {
    pub requests: u64,
    /// Requests that reached the upstream server.
    pub forwarded: u64,
    pub faults: BTreeMap<Fault, u64>,
}

impl ChaosStats {
    pub fn total_faults(&self) -> u64 {
        self.faults.values().sum()
    }
}

struct Shared {
    upstream: SocketAddr,
    config: Mutex<ChaosConfig>,
    rng: Mutex<SplitMix>,
    requests: AtomicU64,
    forwarded: AtomicU64,
    faults: Mutex<BTreeMap<Fault, u64>>,
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
            rng: Mutex::new(SplitMix(config.seed)),
            config: Mutex::new(config),
            requests: AtomicU64::new(0),
            forwarded: AtomicU64::new(0),
            faults: Mutex::new(BTreeMap::new()),
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
        ChaosStats {
            requests: self.shared.requests.load(Ordering::Relaxed),
            forwarded: self.shared.forwarded.load(Ordering::Relaxed),
            faults: lock(&self.shared.faults).clone(),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// splitmix64: small, seedable, good enough to pick faults.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
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

struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

struct Response {
    status_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn bytes(&self, body_len: usize) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.status_line);
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!("content-length: {}\r\n\r\n", self.body.len()));
        let mut b = out.into_bytes();
        b.extend_from_slice(&self.body[..body_len.min(self.body.len())]);
        b
    }
}

async fn serve(shared: Arc<Shared>, mut conn: TcpStream) {
    while let Some(req) = read_request(&mut conn).await {
        shared.requests.fetch_add(1, Ordering::Relaxed);
        let p = proto(&req);
        let (fault, stall, extra) = {
            let cfg = lock(&shared.config);
            let mut rng = lock(&shared.rng);
            let fault = if rng.unit() < cfg.fault_rate {
                let kinds: Vec<Fault> = Fault::ALL
                    .into_iter()
                    .filter(|f| cfg.faults.is_empty() || cfg.faults.contains(f))
                    .filter(|f| {
                        *f != Fault::CorruptCrc32 || matches!(p, Proto::Json { dynamodb: true, .. })
                    })
                    .collect();
                (!kinds.is_empty()).then(|| kinds[(rng.next() % kinds.len() as u64) as usize])
            } else {
                None
            };
            (fault, cfg.stall, cfg.upstream_headers.clone())
        };
        if let Some(f) = fault {
            *lock(&shared.faults).entry(f).or_default() += 1;
        }
        let keep_going = match fault {
            Some(f @ (Fault::Status500 | Fault::Status503 | Fault::Throttle)) => {
                let resp = error_response(p, f);
                conn.write_all(&resp.bytes(usize::MAX)).await.is_ok()
            }
            Some(Fault::ResetBefore) => {
                reset(conn);
                return;
            }
            _ => {
                let upstream = forward(shared.upstream, &req, &extra).await;
                shared.forwarded.fetch_add(1, Ordering::Relaxed);
                let Ok(mut resp) = upstream else {
                    reset(conn);
                    return;
                };
                match fault {
                    Some(Fault::ResetAfter) => {
                        reset(conn);
                        return;
                    }
                    Some(Fault::Stall) => {
                        tokio::time::sleep(stall).await;
                        return;
                    }
                    Some(Fault::Truncate) => {
                        let half = resp.body.len() / 2;
                        let _ = conn.write_all(&resp.bytes(half)).await;
                        let _ = conn.shutdown().await;
                        return;
                    }
                    Some(Fault::CorruptCrc32) => {
                        if let Some(b) = resp
                            .body
                            .iter_mut()
                            .rev()
                            .find(|b| b.is_ascii_alphanumeric())
                        {
                            *b = if *b == b'x' { b'y' } else { b'x' };
                        }
                        conn.write_all(&resp.bytes(usize::MAX)).await.is_ok()
                    }
                    _ => conn.write_all(&resp.bytes(usize::MAX)).await.is_ok(),
                }
            }
        };
        if !keep_going {
            return;
        }
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
        status_line,
        headers,
        body: body.into_bytes(),
    }
}

/// Sends `req` to `upstream` on a new connection (moto closes after each response) and reads
/// the whole response.
async fn forward(
    upstream: SocketAddr,
    req: &Request,
    extra: &[(String, String)],
) -> std::io::Result<Response> {
    let mut up = TcpStream::connect(upstream).await?;
    let mut head = String::new();
    for (i, line) in req.head.split("\r\n").enumerate() {
        if line.is_empty() {
            continue;
        }
        if i > 0 {
            let name = line.split(':').next().unwrap_or("").trim();
            if name.eq_ignore_ascii_case("connection") {
                continue;
            }
        }
        head.push_str(line);
        head.push_str("\r\n");
    }
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("connection: close\r\n\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&req.body);
    up.write_all(&out).await?;
    let mut raw = Vec::new();
    up.read_to_end(&mut raw).await?;
    parse_response(&raw).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, "bad upstream response")
    })
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?.to_string();
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
    let body = if chunked {
        dechunk(rest)?
    } else {
        match length {
            Some(n) => rest.get(..n)?.to_vec(),
            None => rest.to_vec(),
        }
    };
    Some(Response {
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
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let req = Request {
        head,
        body: Vec::new(),
    };
    let len: usize = req
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request { body, ..req })
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
        let r = parse_response(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nx: y\r\n\r\n1\r\nz\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.body, b"z");
        assert_eq!(r.headers, [("x".to_string(), "y".to_string())]);
    }

    #[test]
    fn the_generator_is_seeded() {
        let a: Vec<u64> = (0..3)
            .map({
                let mut r = SplitMix(7);
                move |_| r.next()
            })
            .collect();
        let b: Vec<u64> = (0..3)
            .map({
                let mut r = SplitMix(7);
                move |_| r.next()
            })
            .collect();
        assert_eq!(a, b);
    }
}
