//! The HTTP client: hyper 1.x with rustls (ring), a connection pool, and timeouts, whose
//! failures are classified into connection, timeout and TLS errors.

mod connector;
mod limit;
mod proxy;
mod tls;
pub use connector::{BoxFuture, Connector, SharedConnector};
pub use proxy::{ProxyError, ProxySettings};
pub use tls::ClientCert;

use std::path::PathBuf;
use std::time::Duration;

/// HTTP settings. Defaults follow botocore: 60 s connect and read timeouts, no per-attempt or
/// per-operation limit, TLS verified. See [`crate::retry`] for how the timeouts combine.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    /// Longest wait for the response to start, or between chunks of it.
    pub read_timeout: Duration,
    /// Longest one attempt may take, from signing to the parsed response (a streaming response
    /// body handed to the caller is not included). Exceeding it fails the attempt with
    /// `ErrorKind::Timeout`, which is retried. `None` (the default): no limit.
    pub attempt_timeout: Option<Duration>,
    /// Longest a whole call may take: every attempt and the backoff between them. Exceeding it
    /// fails the call with `ErrorKind::Timeout`. `None` (the default): no limit.
    pub operation_timeout: Option<Duration>,
    /// Verify TLS certificates. Turning this off logs a warning.
    pub verify_tls: bool,
    /// Extra PEM CA bundle to trust (`AWS_CA_BUNDLE`).
    pub ca_bundle: Option<PathBuf>,
    /// The certificate presented to endpoints that ask for one (mutual TLS, botocore's
    /// `client_cert`); none by default. Not sent to proxies: see
    /// [`ProxySettings::client_cert`].
    pub client_cert: Option<ClientCert>,
    /// The proxies requests go through (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`); none by
    /// default.
    pub proxies: ProxySettings,
    /// Most connections per endpoint host (botocore's `max_pool_connections`, 10 by default):
    /// at most this many requests are in flight to one host, the others wait for a connection
    /// to come free, and that many are kept open for reuse. Unlike botocore, which opens (and
    /// then discards) extra connections when more threads call at once, a burst of calls
    /// queues: memory stays bounded however many calls are in flight. The wait is not
    /// counted by the connect or read timeout (they start when the turn comes); the attempt
    /// and operation timeouts do cover it. A streaming response body handed to the caller
    /// (S3 GetObject, event streams) stops counting when handed over. 0 is taken as 1.
    pub max_pool_connections: usize,
    /// TCP keep-alive probes on connections (botocore's `tcp_keepalive`,
    /// `BOTOCORE_TCP_KEEPALIVE`, profile `tcp_keepalive`; off by default).
    pub tcp_keepalive: bool,
}

/// The idle time before keep-alive probes when `tcp_keepalive` is on: Linux's default, since
/// botocore only switches `SO_KEEPALIVE` on and leaves the timing to the system.
const TCP_KEEPALIVE_IDLE: Duration = Duration::from_secs(7200);

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(60),
            read_timeout: Duration::from_secs(60),
            attempt_timeout: None,
            operation_timeout: None,
            verify_tls: true,
            ca_bundle: None,
            client_cert: None,
            proxies: ProxySettings::default(),
            max_pool_connections: 10,
            tcp_keepalive: false,
        }
    }
}

use crate::error::{Error, ErrorKind};
use crate::types::Body;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use proxy::{Mode, Proxies, ProxyConnector, ProxyStream};
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tls::{tls_config, Identity, Trust};
use tokio::time::Instant;

type BoxError = Box<dyn StdError + Send + Sync>;

/// How long an idle pooled connection is kept: under the common 60 s server keep-alive
/// limit, so a reused connection is seldom found already closed by the server.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(55);

/// Sends requests over a pooled hyper client: HTTP/1.1, or HTTP/2 when TLS ALPN picks it,
/// with keep-alive connections reused across requests. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct HttpClient {
    client: Client<TimedConnector, Body>,
    proxies: Arc<Proxies>,
    /// The per-host cap on requests in flight (`max_pool_connections`).
    limits: Arc<limit::HostLimits>,
    connect_timeout: Duration,
    read_timeout: Duration,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// Builds the client. Fails (`InvalidConfig`) only when a CA bundle or client certificate
    /// can't be read or used, or a proxy URL is unusable.
    pub fn new(settings: &HttpSettings) -> Result<HttpClient, Error> {
        if !settings.verify_tls {
            eprintln!("rboto: TLS certificate verification is disabled");
        }
        let tls = tls_config(
            settings.verify_tls,
            Trust {
                ca_bundle: settings.ca_bundle.as_deref(),
                what: "CA bundle",
            },
            Identity {
                cert: settings.client_cert.as_ref(),
                what: "client certificate",
            },
        )?;
        let proxies = Arc::new(Proxies::new(&settings.proxies)?);
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        if settings.tcp_keepalive {
            http.set_keepalive(Some(TCP_KEEPALIVE_IDLE));
        }
        http.set_connect_timeout(Some(settings.connect_timeout));
        // As in urllib3, an `https://` proxy is trusted through the endpoints' CA bundle unless
        // it has its own, and is shown only its own client certificate, never the endpoints'.
        let proxy_tls = if proxies.any_tls() {
            let p = &settings.proxies;
            let trust = match &p.ca_bundle {
                Some(bundle) => Trust {
                    ca_bundle: Some(bundle),
                    what: "proxy CA bundle",
                },
                None => Trust {
                    ca_bundle: settings.ca_bundle.as_deref(),
                    what: "CA bundle",
                },
            };
            let identity = Identity {
                cert: p.client_cert.as_ref(),
                what: "proxy client certificate",
            };
            tls_config(settings.verify_tls, trust, identity)?
        } else {
            tls.clone()
        };
        // HTTP/1.1 only (no ALPN) to the proxy itself: CONNECT and forwarding are HTTP/1.1
        // exchanges, whatever the endpoint behind speaks.
        let dial_proxy = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(proxy_tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http.clone());
        let direct_or_proxied = ProxyConnector::new(proxies.clone(), http, dial_proxy);
        let builder = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1();
        #[cfg(feature = "http2")]
        let builder = builder.enable_http2();
        let https = builder.wrap_connector(direct_or_proxied.clone());
        let connector = TimedConnector {
            inner: https,
            forward: direct_or_proxied,
            proxies: proxies.clone(),
            connect_timeout: settings.connect_timeout,
        };
        let client = Client::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_max_idle_per_host(settings.max_pool_connections)
            .build(connector);
        Ok(HttpClient {
            client,
            proxies,
            limits: Arc::new(limit::HostLimits::new(settings.max_pool_connections)),
            connect_timeout: settings.connect_timeout,
            read_timeout: settings.read_timeout,
        })
    }

    /// Sends `request` and waits for the response head. The body is returned unread, as a
    /// stream whose chunks must each arrive within the read timeout.
    ///
    /// Not an `async fn`: one holds its `request` argument twice (as the argument and as the
    /// local it is moved into), which made the future, boxed for every request, just too
    /// large for the allocator's per-thread cache. Here the checks run first and the future
    /// keeps the request once.
    pub fn send(
        &self,
        mut request: http::Request<Body>,
    ) -> impl Future<Output = Result<http::Response<Body>, Error>> + Send + '_ {
        let checked = self.check(&mut request);
        async move {
            let uri = checked?;
            self.send_checked(request, uri).await
        }
    }

    /// Checks that `request` has an absolute http(s) URL and adds a forwarding proxy's
    /// credentials; returns the URL, kept for error messages.
    fn check(&self, request: &mut http::Request<Body>) -> Result<http::Uri, Error> {
        match request.uri().scheme_str() {
            Some("http" | "https") if request.uri().authority().is_some() => {}
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!(
                        "invalid endpoint URL {}: it must be an absolute http(s) URL",
                        display_url(request.uri())
                    ),
                ))
            }
        }
        // A forwarding proxy sees each request, so each one carries the credentials (a
        // tunnel's were sent once, on CONNECT).
        if let Some((proxy, Mode::Forward)) = self.proxies.route(request.uri()) {
            if let Some(auth) = proxy.authorization() {
                request
                    .headers_mut()
                    .insert(http::header::PROXY_AUTHORIZATION, auth.clone());
            }
        }
        // Kept for the error messages only, and formatted only when one is made: formatting
        // it for every request cost more than a thousand instructions a call.
        Ok(request.uri().clone())
    }

    /// [`send`](Self::send) once `request` is checked; `uri` is its URL.
    async fn send_checked(
        &self,
        request: http::Request<Body>,
        uri: http::Uri,
    ) -> Result<http::Response<Body>, Error> {
        // Waiting for a turn comes before any timeout starts (see `limit`).
        let permit = self.limits.acquire(request.uri()).await;
        let phase = Arc::new(ConnectPhase::default());
        let response = CONNECT_PHASE.scope(phase.clone(), self.client.request(request));
        tokio::pin!(response);
        // The read timeout counts from when the connection is up: a new connection's setup is
        // bounded by the connect timeout instead.
        let mut deadline = Instant::now() + self.read_timeout;
        let result = loop {
            tokio::select! {
                r = &mut response => break r,
                () = tokio::time::sleep_until(deadline) => {
                    let now = Instant::now();
                    match phase.get() {
                        Phase::Connecting => deadline = now + self.read_timeout,
                        Phase::Connected(at) if at + self.read_timeout > now => {
                            deadline = at + self.read_timeout;
                        }
                        Phase::Idle | Phase::Connected(_) => {
                            return Err(Error::new(
                                ErrorKind::ReadTimeout,
                                format!(
                                    "read timeout on endpoint URL {}: no response within {} ms",
                                    display_url(&uri),
                                    self.read_timeout.as_millis()
                                ),
                            )
                            .with_retry(true, false));
                        }
                    }
                }
            }
        };
        match result {
            Ok(response) => Ok(response.map(|body| {
                Body::incoming_with_timeout(body, Some(self.read_timeout)).holding(permit)
            })),
            Err(e) => Err(classify(e, &display_url(&uri))),
        }
    }
}

// ---- errors ----

/// Wraps the transport error as the `source`: displays as the cause already in the message,
/// and chains to hyper's error.
struct Transport {
    cause: String,
    inner: hyper_util::client::legacy::Error,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cause)
    }
}

impl StdError for Transport {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.inner)
    }
}

/// The connector's own timeout over TCP connect, proxy tunnel and TLS handshake.
#[derive(Debug)]
struct ConnectTimedOut {
    limit: Duration,
    /// The proxy on the way, credentials masked.
    proxy: Option<String>,
}

impl fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.limit.as_millis();
        match &self.proxy {
            None => write!(f, "TCP connect and TLS handshake took over {ms} ms"),
            Some(p) => write!(f, "connecting through proxy {p} took over {ms} ms"),
        }
    }
}

impl StdError for ConnectTimedOut {}

/// The errors of `err`'s chain, looking inside `io::Error`s (whose `source()` skips the error
/// they wrap).
fn chain<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        out.push(e);
        if out.len() > 16 {
            break;
        }
        next = match e.downcast_ref::<std::io::Error>() {
            Some(io) => match io.get_ref() {
                Some(inner) => Some(inner as &(dyn StdError + 'static)),
                None => None,
            },
            None => e.source(),
        };
    }
    out
}

/// The cause as text: the chain below the client's generic "client error (…)", with each
/// level shown once (an `io::Error` displays as the error it wraps).
fn cause_text(errors: &[&(dyn StdError + 'static)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in errors.iter().skip(1) {
        let s = e.to_string();
        if s.is_empty() || parts.last().is_some_and(|p| p == &s || p.ends_with(&s)) {
            continue;
        }
        parts.push(s);
    }
    if parts.is_empty() {
        errors.first().map(|e| e.to_string()).unwrap_or_default()
    } else {
        parts.join(": ")
    }
}

/// Turns the client's error into the matchable kinds users handle: TLS, connect timeout,
/// connection failure. Never mentions headers: only the URL (without its query) and causes.
fn classify(err: hyper_util::client::legacy::Error, url: &str) -> Error {
    let errors = chain(&err);
    let tls = errors
        .iter()
        .find_map(|e| e.downcast_ref::<rustls::Error>())
        .map(|e| e.to_string());
    let connect_timeout = errors.iter().any(|e| {
        e.is::<ConnectTimedOut>()
            || (err.is_connect()
                && e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut))
    });
    // Only a failure to reach the proxy carries a ProxyError: TLS failing inside a tunnel is
    // the endpoint's.
    let proxy = errors
        .iter()
        .find_map(|e| e.downcast_ref::<ProxyError>())
        .map(|p| p.proxy().to_string());
    let cause = cause_text(&errors);
    let is_connect = err.is_connect();
    let wrap = |cause: String| Transport { cause, inner: err };
    if let Some(why) = tls {
        let msg = match proxy {
            Some(proxy) => format!("SSL validation failed for proxy {proxy} (to {url}): {why}"),
            None => format!("SSL validation failed for {url}: {why}"),
        };
        return Error::new(ErrorKind::Tls, msg.clone())
            .with_source(wrap(msg))
            .with_retry(false, false);
    }
    if connect_timeout {
        let msg = format!("connect timeout on endpoint URL {url}: {cause}");
        return Error::new(ErrorKind::ConnectTimeout, msg)
            .with_source(wrap(cause))
            .with_retry(true, false);
    }
    let msg = if is_connect {
        format!("could not connect to the endpoint URL: {url}: {cause}")
    } else {
        // Sent (or partly sent) but the connection closed or broke before a response.
        format!("connection to the endpoint URL {url} was closed before a response: {cause}")
    };
    Error::new(ErrorKind::Connection, msg)
        .with_source(wrap(cause))
        .with_retry(true, false)
}

/// `scheme://authority/path` of the request, without the query (presigned URLs carry
/// credentials there).
fn display_url(uri: &http::Uri) -> String {
    match (uri.scheme_str(), uri.authority()) {
        (Some(s), Some(a)) => format!("{s}://{a}{}", uri.path()),
        _ => uri.path().to_string(),
    }
}

// ---- connector with a connect timeout, and the per-request connect phase ----

#[derive(Clone, Copy, Debug)]
enum Phase {
    /// No new connection started for this request (a pooled one is used).
    Idle,
    Connecting,
    Connected(Instant),
}

#[derive(Debug)]
struct ConnectPhase(Mutex<Phase>);

impl Default for ConnectPhase {
    fn default() -> Self {
        ConnectPhase(Mutex::new(Phase::Idle))
    }
}

impl ConnectPhase {
    fn get(&self) -> Phase {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn set(&self, p: Phase) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = p;
    }
}

tokio::task_local! {
    /// The phase of the request being sent: the pool starts a connection from within the
    /// request's task, so the connector can tell `send` when its connection came up.
    static CONNECT_PHASE: Arc<ConnectPhase>;
}

/// The HTTPS-or-HTTP connector with `connect_timeout` over TCP connect, proxy `CONNECT` and
/// TLS handshake together (hyper's own covers only the TCP part).
#[derive(Clone)]
struct TimedConnector {
    inner: HttpsConnector<ProxyConnector>,
    /// For `https://` requests forwarded by a proxy: TLS to the proxy only, none to the
    /// endpoint, so `inner`'s TLS layer is skipped.
    forward: ProxyConnector,
    proxies: Arc<Proxies>,
    connect_timeout: Duration,
}

type Stream = MaybeHttpsStream<ProxyStream>;

impl tower_service::Service<http::Uri> for TimedConnector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, uri: http::Uri) -> Self::Future {
        let phase = CONNECT_PHASE.try_with(Arc::clone).ok();
        if let Some(p) = &phase {
            p.set(Phase::Connecting);
        }
        let route = self.proxies.route(&uri);
        let proxy = route.map(|(p, _)| p.to_string());
        let forward_https =
            uri.scheme_str() == Some("https") && matches!(route, Some((_, Mode::Forward)));
        let connecting: Self::Future = if forward_https {
            let connecting = self.forward.call(uri);
            Box::pin(async move { Ok(MaybeHttpsStream::Http(connecting.await?)) })
        } else {
            self.inner.call(uri)
        };
        let timeout = self.connect_timeout;
        Box::pin(async move {
            let r = match tokio::time::timeout(timeout, connecting).await {
                Ok(r) => r,
                Err(_) => Err(Box::new(ConnectTimedOut {
                    limit: timeout,
                    proxy,
                }) as BoxError),
            };
            if let Some(p) = &phase {
                p.set(Phase::Connected(Instant::now()));
            }
            r
        })
    }
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<HttpClient>();
    send_sync::<Body>();
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    fn settings(read_ms: u64) -> HttpSettings {
        HttpSettings {
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_millis(read_ms),
            ..HttpSettings::default()
        }
    }

    /// Reads one HTTP/1.1 request (head and Content-Length body); returns the head and body.
    async fn read_request<S: AsyncRead + Unpin>(s: &mut S) -> (String, Vec<u8>) {
        try_read_request(s)
            .await
            .expect("connection closed before the request head")
    }

    /// Like `read_request`, `None` when the client closed the connection first.
    async fn try_read_request<S: AsyncRead + Unpin>(s: &mut S) -> Option<(String, Vec<u8>)> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            let n = s.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
        let len: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().unwrap())
            })
            .unwrap_or(0);
        let mut body = buf[head_end..].to_vec();
        while body.len() < len {
            let n = s.read(&mut chunk).await.unwrap();
            assert!(n > 0);
            body.extend_from_slice(&chunk[..n]);
        }
        Some((head, body))
    }

    /// Serves one request per connection with `respond`, forever.
    async fn serve<F, Fut>(respond: F) -> String
    where
        F: Fn(TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let (s, _) = listener.accept().await.unwrap();
                tokio::spawn(respond(s));
            }
        });
        format!("127.0.0.1:{}", addr.port())
    }

    /// Answers each request on the connection (keep-alive) with what it received.
    async fn ok_response<S: AsyncRead + AsyncWrite + Unpin>(mut s: S) {
        while let Some((head, body)) = try_read_request(&mut s).await {
            let reply = format!(
                "got {} bytes: {}",
                body.len(),
                String::from_utf8_lossy(&body)
            );
            let has_len = head.to_ascii_lowercase().contains("content-length: 11\r\n");
            let resp = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nx-had-content-length: {has_len}\r\n\r\n{reply}",
                reply.len()
            );
            s.write_all(resp.as_bytes()).await.unwrap();
            s.flush().await.unwrap();
        }
    }

    fn put(url: String) -> http::Request<Body> {
        http::Request::put(url)
            .header("x-amz-security-token", "SECRET-TOKEN")
            .body(Body::from("hello world"))
            .unwrap()
    }

    #[tokio::test]
    async fn plain_http_round_trip_with_content_length() {
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = connections.clone();
        let addr = serve(move |s| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ok_response(s)
        })
        .await;
        let client = HttpClient::new(&settings(5_000)).unwrap();
        for _ in 0..3 {
            let resp = client
                .send(put(format!("http://{addr}/bucket/key")))
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            assert_eq!(resp.headers()["x-had-content-length"], "true");
            assert_eq!(resp.body().content_length(), Some(25));
            let body = resp.into_body().collect().await.unwrap();
            assert_eq!(&body[..], b"got 11 bytes: hello world");
        }
        // Keep-alive: the pooled connection was reused.
        assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn connection_refused_is_connection_error() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let client = HttpClient::new(&settings(5_000)).unwrap();
        let err = client
            .send(put(format!(
                "http://127.0.0.1:{port}/x?X-Amz-Signature=abc"
            )))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
        assert!(err.is_retryable());
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!(
                "could not connect to the endpoint URL: http://127.0.0.1:{port}/x: "
            )),
            "{msg}"
        );
        assert!(msg.to_lowercase().contains("refused"), "{msg}");
        assert!(
            !msg.contains("SECRET") && !msg.contains("Signature"),
            "{msg}"
        );
        assert!(StdError::source(&err).is_some());
    }

    #[tokio::test]
    async fn silent_server_is_read_timeout() {
        let addr = serve(|mut s| async move {
            let _ = read_request(&mut s).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        })
        .await;
        let client = HttpClient::new(&settings(300)).unwrap();
        let start = std::time::Instant::now();
        let err = client
            .send(put(format!("http://{addr}/")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ReadTimeout, "{err}");
        assert!(err.is_retryable());
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(300) && took < Duration::from_secs(3),
            "{took:?}"
        );
    }

    #[tokio::test]
    async fn stall_mid_body_fails_collect() {
        let addr = serve(|mut s| async move {
            let _ = read_request(&mut s).await;
            s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial")
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
        })
        .await;
        let client = HttpClient::new(&settings(300)).unwrap();
        let resp = client.send(put(format!("http://{addr}/"))).await.unwrap();
        let err = resp.into_body().collect().await.unwrap_err();
        assert!(err.is_timeout(), "{err}");
        assert_eq!(err.into_error().kind(), ErrorKind::ReadTimeout);
    }

    #[tokio::test]
    async fn connection_closed_mid_body_fails_collect() {
        let addr = serve(|mut s| async move {
            let _ = read_request(&mut s).await;
            s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial")
                .await
                .unwrap();
        })
        .await;
        let client = HttpClient::new(&settings(5_000)).unwrap();
        let resp = client.send(put(format!("http://{addr}/"))).await.unwrap();
        let err = resp.into_body().collect().await.unwrap_err();
        assert!(!err.is_timeout(), "{err}");
        assert_eq!(err.into_error().kind(), ErrorKind::Connection);
    }

    #[tokio::test]
    async fn closed_before_response_is_connection_error() {
        let addr = serve(|mut s| async move {
            let _ = read_request(&mut s).await;
        })
        .await;
        let client = HttpClient::new(&settings(5_000)).unwrap();
        let err = client
            .send(put(format!("http://{addr}/")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
        assert!(err.is_retryable());
    }

    #[tokio::test]
    async fn bad_ca_bundle_is_invalid_config() {
        let mut s = settings(5_000);
        s.ca_bundle = Some("/nonexistent/bundle.pem".into());
        let err = HttpClient::new(&s).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.to_string().contains("/nonexistent/bundle.pem"), "{err}");

        let path = std::env::temp_dir().join(format!("rboto-empty-{}.pem", std::process::id()));
        std::fs::write(&path, "not a certificate\n").unwrap();
        s.ca_bundle = Some(path.clone());
        let err = HttpClient::new(&s).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.to_string().contains(&*path.to_string_lossy()), "{err}");
    }

    /// A TLS server with a fresh self-signed certificate for `localhost`; returns its port and
    /// the certificate PEM.
    async fn tls_server() -> (u16, String) {
        tls_server_delayed(Duration::ZERO).await
    }

    /// Like `tls_server`, waiting `delay` after accepting before the TLS handshake.
    async fn tls_server_delayed(delay: Duration) -> (u16, String) {
        let (config, pem) = super::proxy::tests::localhost_cert();
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            loop {
                let (s, _) = listener.accept().await.unwrap();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    if let Ok(tls) = acceptor.accept(s).await {
                        ok_response(tls).await;
                    }
                });
            }
        });
        (port, pem)
    }

    #[tokio::test]
    async fn tls_untrusted_certificate_is_tls_error() {
        let (port, _) = tls_server().await;
        let client = HttpClient::new(&settings(5_000)).unwrap();
        let err = client
            .send(put(format!("https://localhost:{port}/k")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
        assert!(!err.is_retryable());
        let msg = err.to_string();
        assert!(msg.contains("SSL validation failed"), "{msg}");
        assert!(
            msg.contains("invalid peer certificate: UnknownIssuer"),
            "{msg}"
        );
        assert!(!msg.contains("SECRET"), "{msg}");
    }

    #[tokio::test]
    async fn tls_with_ca_bundle_succeeds() {
        let (port, pem) = tls_server().await;
        let path = std::env::temp_dir().join(format!("rboto-ca-{}-{port}.pem", std::process::id()));
        std::fs::write(&path, pem).unwrap();
        let mut s = settings(5_000);
        s.ca_bundle = Some(path.clone());
        let client = HttpClient::new(&s);
        std::fs::remove_file(&path).unwrap();
        let resp = client
            .unwrap()
            .send(put(format!("https://localhost:{port}/k")))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(
            &resp.into_body().collect().await.unwrap()[..],
            b"got 11 bytes: hello world"
        );
    }

    #[tokio::test]
    async fn tls_without_verification_succeeds() {
        let (port, _) = tls_server().await;
        let mut s = settings(5_000);
        s.verify_tls = false;
        let client = HttpClient::new(&s).unwrap();
        let resp = client
            .send(put(format!("https://localhost:{port}/k")))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(
            &resp.into_body().collect().await.unwrap()[..],
            b"got 11 bytes: hello world"
        );
    }

    #[tokio::test]
    async fn tls_handshake_stall_is_connect_timeout() {
        let (port, _) = tls_server_delayed(Duration::from_secs(30)).await;
        let s = HttpSettings {
            connect_timeout: Duration::from_millis(300),
            read_timeout: Duration::from_secs(10),
            ..HttpSettings::default()
        };
        let start = std::time::Instant::now();
        let err = HttpClient::new(&s)
            .unwrap()
            .send(put(format!("https://localhost:{port}/k")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectTimeout, "{err}");
        assert!(err.is_retryable());
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn slow_connect_does_not_count_against_read_timeout() {
        // The handshake takes longer than the read timeout, the response is immediate.
        let (port, _) = tls_server_delayed(Duration::from_millis(600)).await;
        let s = HttpSettings {
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_millis(300),
            verify_tls: false,
            ..HttpSettings::default()
        };
        let resp = HttpClient::new(&s)
            .unwrap()
            .send(put(format!("https://localhost:{port}/k")))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }

    #[tokio::test]
    async fn in_memory_body_has_exact_size_hint() {
        use http_body::Body as _;
        let b = Body::from("abc");
        assert_eq!(b.size_hint().exact(), Some(3));
        assert!(!b.is_end_stream());
        assert!(Body::empty().is_end_stream());
    }
}
