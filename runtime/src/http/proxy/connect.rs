//! The connector under TLS: dials the endpoint, or the proxy and — for a tunnel — asks it to
//! `CONNECT` to the endpoint, so the TLS layer above runs end to end over the tunnel.

use super::{Mode, Proxies, ProxyUrl};
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use std::error::Error as StdError;
use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn StdError + Send + Sync>;

/// The most a proxy's answer to `CONNECT` may take before its end: a proxy that sends more
/// is not one rboto can talk to.
const MAX_CONNECT_RESPONSE: usize = 8 * 1024;

/// A connection failure caused by the proxy: it could not be reached, refused the tunnel, or
/// answered with something other than HTTP. Found in the `source` chain of an
/// [`crate::Error`] of kind `Connection` (or `Tls`, `ConnectTimeout`). Shows the proxy URL
/// with its credentials masked.
#[derive(Debug)]
pub struct ProxyError {
    proxy: String,
    what: What,
}

#[derive(Debug)]
enum What {
    Unreachable(BoxError),
    Refused {
        target: String,
        status: u16,
        reason: String,
    },
    Invalid {
        target: String,
        why: String,
    },
    Io {
        target: String,
        error: io::Error,
    },
}

impl ProxyError {
    /// The proxy, credentials masked (`http://***:***@proxy:3128`).
    pub fn proxy(&self) -> &str {
        &self.proxy
    }

    /// The status the proxy answered `CONNECT` with, when it refused the tunnel (407: it
    /// wants credentials, or other ones).
    pub fn status(&self) -> Option<u16> {
        match &self.what {
            What::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proxy = &self.proxy;
        match &self.what {
            What::Unreachable(_) => write!(f, "failed to connect to proxy {proxy}"),
            What::Refused {
                target,
                status,
                reason,
            } => write!(
                f,
                "proxy {proxy} refused to tunnel to {target}: HTTP {status} {reason}"
            ),
            What::Invalid { target, why } => write!(
                f,
                "proxy {proxy} gave an invalid answer to CONNECT {target}: {why}"
            ),
            What::Io { target, .. } => {
                write!(
                    f,
                    "connection to proxy {proxy} failed during CONNECT {target}"
                )
            }
        }
    }
}

impl StdError for ProxyError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.what {
            What::Unreachable(e) => Some(&**e),
            What::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// A connection to the endpoint, or to the proxy on its behalf.
pub(crate) struct ProxyStream {
    io: MaybeHttpsStream<TokioIo<TcpStream>>,
    forwarded: bool,
}

impl Connection for ProxyStream {
    fn connected(&self) -> Connected {
        // Marked as proxied, the client writes absolute-form request targets.
        self.io.connected().proxy(self.forwarded)
    }
}

impl Read for ProxyStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl Write for ProxyStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}

/// Dials the endpoint directly, or through the proxy [`Proxies`] picks for it.
#[derive(Clone)]
pub(crate) struct ProxyConnector {
    proxies: Arc<Proxies>,
    tcp: HttpConnector,
    /// Reaches `https://` proxies over TLS (with the proxy's trust settings), others in the
    /// clear.
    dial_proxy: HttpsConnector<HttpConnector>,
}

impl ProxyConnector {
    pub(crate) fn new(
        proxies: Arc<Proxies>,
        tcp: HttpConnector,
        dial_proxy: HttpsConnector<HttpConnector>,
    ) -> Self {
        ProxyConnector {
            proxies,
            tcp,
            dial_proxy,
        }
    }
}

impl Service<http::Uri> for ProxyConnector {
    type Response = ProxyStream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<ProxyStream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.tcp.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: http::Uri) -> Self::Future {
        let Some((proxy, mode)) = self.proxies.route(&uri) else {
            let connecting = self.tcp.call(uri);
            return Box::pin(async move {
                let tcp = connecting.await?;
                Ok(ProxyStream {
                    io: MaybeHttpsStream::Http(tcp),
                    forwarded: false,
                })
            });
        };
        let proxy = proxy.clone();
        let connecting = self.dial_proxy.call(proxy.dial_uri());
        Box::pin(async move {
            let mut io = connecting.await.map_err(|e| ProxyError {
                proxy: proxy.to_string(),
                what: What::Unreachable(e),
            })?;
            if mode == Mode::Tunnel {
                tunnel(&mut io, &proxy, &uri).await?;
            }
            Ok(ProxyStream {
                io,
                forwarded: mode == Mode::Forward,
            })
        })
    }
}

/// Asks the proxy on `io` to open a tunnel to `uri`'s host and port.
async fn tunnel<S: Read + Write + Unpin>(
    io: &mut S,
    proxy: &ProxyUrl,
    uri: &http::Uri,
) -> Result<(), ProxyError> {
    let host = uri.host().unwrap_or_default();
    let port = uri.port_u16().unwrap_or(443);
    let target = format!("{host}:{port}");
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(auth) = proxy.authorization() {
        // The value came from a `String`, so it is valid UTF-8.
        let auth = String::from_utf8_lossy(auth.as_bytes());
        request.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    request.push_str("\r\n");
    let fail = |what| ProxyError {
        proxy: proxy.to_string(),
        what,
    };
    let io_error = |error| {
        fail(What::Io {
            target: target.clone(),
            error,
        })
    };
    let mut io = TokioIo::new(io);
    write_all(&mut io, request.as_bytes())
        .await
        .map_err(io_error)?;
    let head = read_head(&mut io).await.map_err(|e| match e {
        HeadError::Io(e) => io_error(e),
        HeadError::Invalid(why) => fail(What::Invalid {
            target: target.clone(),
            why: why.to_string(),
        }),
    })?;
    let (status, reason) = parse_status(&head).ok_or_else(|| {
        fail(What::Invalid {
            target: target.clone(),
            why: "not an HTTP response".to_string(),
        })
    })?;
    if !(200..300).contains(&status) {
        return Err(fail(What::Refused {
            target,
            status,
            reason,
        }));
    }
    Ok(())
}

enum HeadError {
    Io(io::Error),
    Invalid(&'static str),
}

/// Reads the response head, and nothing after it: the bytes that follow belong to the TLS
/// session that the layer above starts.
async fn read_head<S: AsyncRead + Unpin>(io: &mut S) -> Result<Vec<u8>, HeadError> {
    let mut head = Vec::with_capacity(256);
    let mut chunk = [0u8; 1024];
    loop {
        let n = read_some(io, &mut chunk).await.map_err(HeadError::Io)?;
        if n == 0 {
            return Err(HeadError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        head.extend_from_slice(&chunk[..n]);
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            if end + 4 != head.len() {
                // A refusal may come with a body; a granted tunnel must be silent until the
                // client speaks.
                if parse_status(&head).is_some_and(|(s, _)| !(200..300).contains(&s)) {
                    return Ok(head);
                }
                return Err(HeadError::Invalid("data followed the response head"));
            }
            return Ok(head);
        }
        if head.len() > MAX_CONNECT_RESPONSE {
            return Err(HeadError::Invalid("response head over 8 KiB"));
        }
    }
}

/// `HTTP/1.x 407 Proxy Authentication Required` → (407, reason).
fn parse_status(head: &[u8]) -> Option<(u16, String)> {
    let line = head.split(|&b| b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let mut parts = line.splitn(3, ' ');
    if !parts.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    let status = code.parse().ok()?;
    let reason: String = parts
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    Some((status, reason))
}

async fn write_all<S: AsyncWrite + Unpin>(io: &mut S, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *io).poll_write(cx, buf)).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        buf = &buf[n..];
    }
    poll_fn(|cx| Pin::new(&mut *io).poll_flush(cx)).await
}

async fn read_some<S: AsyncRead + Unpin>(io: &mut S, buf: &mut [u8]) -> io::Result<usize> {
    poll_fn(|cx| {
        let mut read = ReadBuf::new(buf);
        match Pin::new(&mut *io).poll_read(cx, &mut read) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(read.filled().len())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(
            parse_status(b"HTTP/1.1 200 Connection established\r\n\r\n"),
            Some((200, "Connection established".to_string()))
        );
        assert_eq!(
            parse_status(b"HTTP/1.0 407 Proxy Authentication Required\r\nX: y\r\n\r\n"),
            Some((407, "Proxy Authentication Required".to_string()))
        );
        assert_eq!(
            parse_status(b"HTTP/1.1 200\r\n\r\n"),
            Some((200, String::new()))
        );
        assert_eq!(parse_status(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(parse_status(b"HTTP/1.1 2000 x\r\n"), None);
    }
}
