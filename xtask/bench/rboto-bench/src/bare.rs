//! The per-request floor: the four basic requests sent by a bare HTTP/1.1 client (a tokio
//! `TcpStream`, request bytes signed once up front, a response read by its `Content-Length`),
//! on the same current-thread runtime and with the same timing as `req`.
//!
//! This is the floor of the client CPU rows: the exchange itself, which no client avoids. The
//! table shows it in the limit column and the SDKs'
//! CPU above it, the part their code is responsible for.

use crate::payloads::OBJECT_SIZE;
use rboto::sigv4::{sign, SignableBody, SignableRequest, SigningParams, SigningSettings};
use std::time::SystemTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const GET_ITEM: &str = r#"{"TableName":"bench","Key":{"pk":{"S":"user#000001"}}}"#;
const PUT_ITEM: &str = r#"{"TableName":"bench","Item":{"pk":{"S":"user#000001"},"status":{"S":"SHIPPED"},"amount":{"N":"123.45"}}}"#;

/// The whole request of a kind, signed as rboto's client signs it (the credentials and region
/// of `requests::Clients`), as bytes ready to write.
fn request(kind: &str, host: &str) -> Result<Vec<u8>, String> {
    let object = vec![b'x'; OBJECT_SIZE];
    let (method, uri, service, body, target): (_, _, _, &[u8], _) = match kind {
        "s3put" => ("PUT", "/bench/obj", "s3", &object, None),
        "s3get" => ("GET", "/bench/obj", "s3", b"", None),
        "ddbput" => (
            "POST",
            "/",
            "dynamodb",
            PUT_ITEM.as_bytes(),
            Some("PutItem"),
        ),
        "ddbget" => (
            "POST",
            "/",
            "dynamodb",
            GET_ITEM.as_bytes(),
            Some("GetItem"),
        ),
        _ => return Err(format!("bare: unknown request kind {kind}")),
    };
    let mut headers = vec![("host", host.to_string())];
    if let Some(op) = target {
        headers.push(("content-type", "application/x-amz-json-1.0".into()));
        headers.push(("x-amz-target", format!("DynamoDB_20120810.{op}")));
    }
    if method != "GET" {
        headers.push(("content-length", body.len().to_string()));
    }
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let signed = sign(
        &SignableRequest {
            method,
            uri,
            headers: pairs.as_slice().into(),
            body: SignableBody::Bytes(body),
        },
        &SigningParams {
            access_key_id: "AKIDBENCH",
            secret_access_key: "bench-secret",
            session_token: None,
            region: "us-east-1",
            service,
            time: SystemTime::now(),
            settings: if service == "s3" {
                SigningSettings::s3()
            } else {
                SigningSettings::default()
            },
        },
    )
    .map_err(|e| format!("bare: signing {kind}: {e}"))?;
    let mut out = format!("{method} {uri} HTTP/1.1\r\n");
    for (k, v) in headers
        .iter()
        .map(|(k, v)| (*k, v))
        .chain(signed.headers.iter().map(|(k, v)| (*k, v)))
    {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Ok(bytes)
}

/// One connection, reopened when the server closes it (as `moto_server` does after every
/// response).
struct Bare {
    addr: String,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
}

impl Bare {
    async fn exchange(&mut self, request: &[u8]) -> Result<(), String> {
        let stream = match &mut self.stream {
            Some(s) => s,
            None => {
                let s = TcpStream::connect(&self.addr)
                    .await
                    .map_err(|e| format!("bare: connecting to {}: {e}", self.addr))?;
                s.set_nodelay(true).map_err(|e| format!("bare: {e}"))?;
                self.stream.insert(s)
            }
        };
        stream
            .write_all(request)
            .await
            .map_err(|e| format!("bare: writing: {e}"))?;
        self.buf.clear();
        let (head_end, length, close) = loop {
            if let Some(head) = head_of(&self.buf) {
                break head;
            }
            read_more(stream, &mut self.buf).await?;
        };
        while self.buf.len() < head_end + length {
            read_more(stream, &mut self.buf).await?;
        }
        let status = self.buf.get(9..12).unwrap_or(b"???");
        if status[0] != b'2' {
            return Err(format!(
                "bare: status {}: {}",
                String::from_utf8_lossy(status),
                String::from_utf8_lossy(&self.buf[head_end..])
            ));
        }
        if close {
            self.stream = None;
        }
        Ok(())
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(), String> {
    buf.reserve(16 * 1024);
    match stream.read_buf(buf).await {
        Ok(0) => Err("bare: the server closed the connection mid-response".into()),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("bare: reading: {e}")),
    }
}

/// Where the head ends, the body's length and whether the server closes the connection, once
/// the whole head is in `buf`.
fn head_of(buf: &[u8]) -> Option<(usize, usize, bool)> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':').map(str::trim))
    };
    let length = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let close = head.starts_with("http/1.0") || header("connection") == Some("close");
    Some((end, length, close))
}

pub fn run(url: &str, n: usize, which: &str) -> Result<(), String> {
    let addr = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("bare: {url} is not an http:// URL"))?
        .trim_end_matches('/')
        .to_string();
    let kinds = crate::requests::BASIC_KINDS;
    let requests = kinds
        .iter()
        .map(|k| request(k, &addr))
        .collect::<Result<Vec<_>, _>>()?;
    crate::requests::current_thread()?.block_on(async {
        let mut client = Bare {
            addr,
            stream: None,
            buf: Vec::new(),
        };
        for request in &requests {
            for _ in 0..3 {
                client.exchange(request).await?;
            }
        }
        for (kind, request) in kinds.iter().zip(&requests) {
            if which != "all" && which != *kind {
                continue;
            }
            let key = format!("bare.{kind}");
            crate::time_each(&key, n, async || client.exchange(request).await).await?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_head_gives_its_length_and_whether_the_connection_closes() {
        let keep = b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"Item\":{}}";
        assert_eq!(head_of(keep), Some((39, 12, false)));
        let close = b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(head_of(close), Some((close.len(), 0, true)));
        assert_eq!(head_of(b"HTTP/1.0 200 OK\r\n\r\n"), Some((19, 0, true)));
        assert_eq!(head_of(b"HTTP/1.1 200 OK\r\nContent-Le"), None);
    }

    /// Every kind against the local server, so the floor is never that of a failed exchange.
    #[test]
    fn every_kind_is_answered_by_the_local_server() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        std::thread::spawn(move || {
            let rt = crate::requests::current_thread().expect("server runtime");
            rt.block_on(async {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                crate::server::serve(listener).await;
            });
        });
        assert_eq!(run(&format!("http://127.0.0.1:{port}"), 2, "all"), Ok(()));
        assert!(request("nope", "h").is_err());
    }
}
