//! A loopback S3 sink: just enough of S3's REST API for managed transfers, over HTTP/1.1 on
//! tokio, plain or in TLS, holding nothing but a 256 KiB buffer per connection. Every object is
//! [`pattern`] bytes of a fixed size: uploads are checked against it as they stream in (a
//! part at `(part number - 1) × part size`) and downloads are generated from it. Upload bodies
//! may come `Transfer-Encoding: chunked` and `Content-Encoding: aws-chunked` (rboto over
//! HTTPS, as botocore: the CRC32 in the trailer, no SHA-256 of the payload).

use super::chunked::Dechunker;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// How much of a body is read or written at once.
pub const CHUNK: usize = 256 * 1024;

const ETAG: &str = "\"bench-object\"";

/// The deterministic contents every object has: byte `i` depends on `i` modulo a prime and on
/// `i / prime`, so a part sent from (or written to) the wrong offset does not match.
pub mod pattern {
    const PERIOD: usize = 65_521;

    fn table() -> &'static [u8; PERIOD] {
        static TABLE: std::sync::OnceLock<Box<[u8; PERIOD]>> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let mut t = Box::new([0u8; PERIOD]);
            let mut x = 0x9e37_79b9_7f4a_7c15u64;
            for b in t.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            t
        })
    }

    /// Fills `buf` with the object's bytes from `offset`.
    pub fn fill(offset: u64, buf: &mut [u8]) {
        let table = table();
        let mut pos = offset;
        let mut out = buf;
        while !out.is_empty() {
            let at = (pos % PERIOD as u64) as usize;
            let round = (pos / PERIOD as u64) as u8;
            let n = (PERIOD - at).min(out.len());
            let (head, rest) = out.split_at_mut(n);
            for (o, t) in head.iter_mut().zip(&table[at..at + n]) {
                *o = t ^ round;
            }
            pos += n as u64;
            out = rest;
        }
    }

    /// Whether `data` is the object's bytes from `offset`.
    pub fn matches(offset: u64, data: &[u8], scratch: &mut Vec<u8>) -> bool {
        scratch.resize(data.len(), 0);
        fill(offset, scratch);
        scratch[..] == *data
    }
}

/// What the sink was asked to do, for its closing line.
#[derive(Default)]
pub struct Stats {
    pub bytes_in: AtomicU64,
    pub bytes_out: AtomicU64,
    pub mismatches: AtomicU64,
    /// Upload bodies that came aws-chunked with a checksum trailer.
    pub trailers: AtomicU64,
}

/// Serves on `listener` until the process ends, in TLS when `tls` is given. `size` is every
/// object's size; `part_size` places uploaded parts.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    size: u64,
    part_size: u64,
    stats: Arc<Stats>,
) {
    loop {
        let Ok((sock, _)) = listener.accept().await else {
            continue;
        };
        let _ = sock.set_nodelay(true);
        let (stats, tls) = (stats.clone(), tls.clone());
        tokio::spawn(async move {
            let result = match tls {
                Some(tls) => match tls.accept(sock).await {
                    Ok(sock) => connection(sock, size, part_size, &stats).await,
                    Err(e) => Err(e),
                },
                None => connection(sock, size, part_size, &stats).await,
            };
            if let Err(e) = result {
                if e.kind() != std::io::ErrorKind::UnexpectedEof {
                    eprintln!("sink: connection error: {e}");
                }
            }
        });
    }
}

struct Head {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

async fn read_head<S: AsyncRead + Unpin>(r: &mut BufReader<S>) -> std::io::Result<Option<Head>> {
    let mut line = String::new();
    if r.read_line(&mut line).await? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((n, v)) = l.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    Ok(Some(Head {
        method,
        path: path.to_string(),
        query,
        headers,
    }))
}

/// Where an upload body's bytes go: checked against the object at their offset, or (not
/// object data) kept, up to 1 MiB.
struct BodyCheck {
    offset: Option<u64>,
    seen: u64,
    good: bool,
    small: Vec<u8>,
    scratch: Vec<u8>,
}

impl BodyCheck {
    fn take(&mut self, data: &[u8]) {
        match self.offset {
            Some(at) => self.good &= pattern::matches(at + self.seen, data, &mut self.scratch),
            None if self.small.len() < 1 << 20 => self.small.extend_from_slice(data),
            None => {}
        }
        self.seen += data.len() as u64;
    }
}

async fn connection<S: AsyncRead + AsyncWrite + Unpin>(
    sock: S,
    size: u64,
    part_size: u64,
    stats: &Stats,
) -> std::io::Result<()> {
    let mut r = BufReader::with_capacity(CHUNK, sock);
    let mut buf = vec![0u8; CHUNK];
    let mut scratch = Vec::with_capacity(CHUNK);
    while let Some(head) = read_head(&mut r).await? {
        if head
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
        {
            r.get_mut()
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await?;
            r.get_mut().flush().await?;
        }
        // Where an uploaded body sits in the object (None: not object data).
        let offset = match (head.method.as_str(), head.query("partNumber")) {
            ("PUT", Some(n)) => n.parse::<u64>().ok().map(|n| (n - 1) * part_size),
            ("PUT", None) => Some(0),
            _ => None,
        };
        let mut check = BodyCheck {
            offset,
            seen: 0,
            good: true,
            small: Vec::new(),
            scratch: std::mem::take(&mut scratch),
        };
        let mut aws = head
            .header("content-encoding")
            .is_some_and(|v| v.contains("aws-chunked"))
            .then(Dechunker::new);
        let mut framing_error = None;
        // The body as it came off the wire (before either chunked decoding), to `check`.
        let mut deliver = |data: &[u8]| match aws.as_mut() {
            Some(aws) => {
                if let Err(e) = aws.feed(data, &mut |d| check.take(d)) {
                    framing_error.get_or_insert(e);
                }
            }
            None => check.take(data),
        };
        let mut wire = 0u64;
        if head
            .header("transfer-encoding")
            .is_some_and(|v| v.contains("chunked"))
        {
            let mut http = Dechunker::new();
            while !http.is_done() {
                let data = r.fill_buf().await?;
                if data.is_empty() {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                let used = http
                    .feed(data, &mut deliver)
                    .map_err(std::io::Error::other)?;
                r.consume(used);
                wire += used as u64;
            }
        } else {
            let len: u64 = head
                .header("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut left = len;
            while left > 0 {
                let n = (left as usize).min(CHUNK);
                r.read_exact(&mut buf[..n]).await?;
                deliver(&buf[..n]);
                left -= n as u64;
            }
            wire = len;
        }
        stats.bytes_in.fetch_add(wire, Ordering::Relaxed);
        // The checksum an aws-chunked body's trailer carries, echoed as S3 does.
        let trailer_crc = aws.as_ref().and_then(|a| {
            a.trailers
                .iter()
                .find_map(|t| t.strip_prefix("x-amz-checksum-crc32:"))
                .map(str::to_string)
        });
        if trailer_crc.is_some() {
            stats.trailers.fetch_add(1, Ordering::Relaxed);
        }
        let framing_bad = framing_error.is_some() || aws.as_ref().is_some_and(|a| !a.is_done());
        let BodyCheck {
            good,
            small,
            scratch: s,
            ..
        } = check;
        scratch = s;
        if !good || framing_bad {
            stats.mismatches.fetch_add(1, Ordering::Relaxed);
            let body =
                b"<Error><Code>BadDigest</Code><Message>not the expected bytes</Message></Error>";
            respond(&mut r, "400 Bad Request", &[], body).await?;
            continue;
        }
        let key = head.path.trim_start_matches('/');
        match head.method.as_str() {
            "POST" if head.query("uploads").is_some() => {
                let (bucket, key) = key.split_once('/').unwrap_or((key, ""));
                let xml = format!(
                    "<InitiateMultipartUploadResult><Bucket>{bucket}</Bucket><Key>{key}</Key>\
                     <UploadId>bench-upload</UploadId></InitiateMultipartUploadResult>"
                );
                respond(&mut r, "200 OK", &[], xml.as_bytes()).await?;
            }
            "POST" if head.query("uploadId").is_some() => {
                let parts = String::from_utf8_lossy(&small).matches("<Part>").count();
                let xml = format!(
                    "<CompleteMultipartUploadResult><ETag>\"bench-{parts}\"</ETag>\
                     </CompleteMultipartUploadResult>"
                );
                respond(&mut r, "200 OK", &[], xml.as_bytes()).await?;
            }
            "PUT" => {
                let mut extra = vec![("ETag", ETAG.to_string())];
                if let Some(crc) = head.header("x-amz-checksum-crc32").map(str::to_string) {
                    extra.push(("x-amz-checksum-crc32", crc));
                } else if let Some(crc) = trailer_crc {
                    extra.push(("x-amz-checksum-crc32", crc));
                }
                respond(&mut r, "200 OK", &extra, b"").await?;
            }
            "DELETE" => respond(&mut r, "204 No Content", &[], b"").await?,
            "HEAD" => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nETag: {ETAG}\r\n\
                     Accept-Ranges: bytes\r\n\r\n"
                );
                r.get_mut().write_all(head.as_bytes()).await?;
                r.get_mut().flush().await?;
            }
            "GET" => {
                let range = head.header("range").and_then(parse_range);
                let (start, end) = range.unwrap_or((0, size.saturating_sub(1)));
                let end = end.min(size - 1);
                let count = end + 1 - start;
                let status = if range.is_some() {
                    format!("206 Partial Content\r\nContent-Range: bytes {start}-{end}/{size}")
                } else {
                    "200 OK".to_string()
                };
                let head =
                    format!("HTTP/1.1 {status}\r\nContent-Length: {count}\r\nETag: {ETAG}\r\n\r\n");
                let sock = r.get_mut();
                sock.write_all(head.as_bytes()).await?;
                let mut at = start;
                while at <= end {
                    let n = ((end + 1 - at) as usize).min(CHUNK);
                    pattern::fill(at, &mut buf[..n]);
                    sock.write_all(&buf[..n]).await?;
                    at += n as u64;
                }
                sock.flush().await?;
                stats.bytes_out.fetch_add(count, Ordering::Relaxed);
            }
            _ => respond(&mut r, "405 Method Not Allowed", &[], b"").await?,
        }
    }
    Ok(())
}

/// `bytes=a-b`.
fn parse_range(v: &str) -> Option<(u64, u64)> {
    let (a, b) = v.strip_prefix("bytes=")?.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

async fn respond<S: AsyncWrite + AsyncRead + Unpin>(
    r: &mut BufReader<S>,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    let sock = r.get_mut();
    sock.write_all(&bytes).await?;
    // TLS holds what it has not sent yet until flushed.
    sock.flush().await
}
