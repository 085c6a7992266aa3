//! A keep-alive HTTP/1.1 server on loopback that answers every request with one canned
//! response and counts the connections it accepts: what connection-pool tests observe.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// The server's URL and its accepted-connection count.
pub struct KeepAliveServer {
    pub url: String,
    accepted: Arc<AtomicUsize>,
}

impl KeepAliveServer {
    /// Starts a server answering `200` with `body` (of `content_type`) after `delay`.
    pub async fn start(content_type: &'static str, body: &'static str, delay: Duration) -> Self {
        Self::start_with_headers(&[("content-type", content_type)], body, delay).await
    }

    /// [`KeepAliveServer::start`] with the given response headers.
    pub async fn start_with_headers(
        headers: &[(&str, &str)],
        body: &'static str,
        delay: Duration,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        let head: String = headers
            .iter()
            .map(|(n, v)| format!("{n}: {v}\r\n"))
            .collect();
        let reply = format!(
            "HTTP/1.1 200 OK\r\n{head}content-length: {}\r\n\r\n{body}",
            body.len()
        );
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let reply = reply.clone();
                tokio::spawn(async move {
                    let mut stream = BufReader::new(stream);
                    while let Some(length) = read_head(&mut stream).await {
                        let mut body = vec![0; length];
                        if stream.read_exact(&mut body).await.is_err() {
                            return;
                        }
                        tokio::time::sleep(delay).await;
                        if stream.get_mut().write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        KeepAliveServer { url, accepted }
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// Reads one request head; its `Content-Length`, or `None` when the connection closed.
async fn read_head(stream: &mut BufReader<tokio::net::TcpStream>) -> Option<usize> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        if line == "\r\n" {
            return Some(length);
        }
    }
}
