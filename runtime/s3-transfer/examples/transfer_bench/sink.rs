//! A loopback S3 sink: just enough of S3's REST API for managed transfers, over plain
//! HTTP/1.1 on tokio, holding nothing but a 256 KiB buffer per connection. Every object is
//! [`pattern`] bytes of a fixed size: uploads are checked against it as they stream in (a
//! part at `(part number - 1) × part size`) and downloads are generated from it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

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
}

/// Serves on `listener` until the process ends. `size` is every object's size; `part_size`
/// places uploaded parts.
pub async fn serve(listener: TcpListener, size: u64, part_size: u64, stats: Arc<Stats>) {
    loop {
        let Ok((sock, _)) = listener.accept().await else {
            continue;
        };
        let _ = sock.set_nodelay(true);
        let stats = stats.clone();
        tokio::spawn(async move {
            if let Err(e) = connection(sock, size, part_size, &stats).await {
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

async fn read_head(r: &mut BufReader<TcpStream>) -> std::io::Result<Option<Head>> {
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

async fn connection(
    sock: TcpStream,
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
        }
        if head
            .header("transfer-encoding")
            .is_some_and(|v| v.contains("chunked"))
        {
            respond(&mut r, "501 Not Implemented", &[], b"chunked bodies").await?;
            return Ok(());
        }
        let len: u64 = head
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        // Where an uploaded body sits in the object (None: not object data).
        let offset = match (head.method.as_str(), head.query("partNumber")) {
            ("PUT", Some(n)) => n.parse::<u64>().ok().map(|n| (n - 1) * part_size),
            ("PUT", None) => Some(0),
            _ => None,
        };
        let mut good = true;
        let mut small = Vec::new();
        let mut left = len;
        while left > 0 {
            let n = (left as usize).min(CHUNK);
            r.read_exact(&mut buf[..n]).await?;
            match offset {
                Some(at) => good &= pattern::matches(at + (len - left), &buf[..n], &mut scratch),
                None if small.len() < 1 << 20 => small.extend_from_slice(&buf[..n]),
                None => {}
            }
            left -= n as u64;
        }
        stats.bytes_in.fetch_add(len, Ordering::Relaxed);
        if !good {
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
                if let Some(crc) = head.header("x-amz-checksum-crc32") {
                    extra.push(("x-amz-checksum-crc32", crc.to_string()));
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

async fn respond(
    r: &mut BufReader<TcpStream>,
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
    r.get_mut().write_all(&bytes).await
}
