//! The fast local server every driver is measured against: plain HTTP/1.1 with keep-alive,
//! answering each operation of the workloads with a canned body built once at start-up, so the
//! server costs next to nothing and runs in a process of its own (the client's CPU and
//! instruction counts are the client's alone).
//!
//! It recognises an operation the way AWS front ends do: the `X-Amz-Target` header (JSON
//! protocols), the `/operation/<name>` path (smithy-rpc-v2-cbor), the `Action=` form field
//! (EC2 and query protocols) or the S3 method and path.

use crate::payloads;
use std::io::Write;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A response: content type and body.
type Canned = (&'static str, Vec<u8>);

struct Responses {
    object: Canned,
    put_object: Canned,
    list_objects: Canned,
    empty_json: Canned,
    get_item: Canned,
    query: Canned,
    receive_message: Canned,
    describe_instances: Canned,
    list_subscriptions: Canned,
    metric_data: Canned,
}

impl Responses {
    fn build() -> Self {
        const JSON10: &str = "application/x-amz-json-1.0";
        Responses {
            object: ("binary/octet-stream", vec![b'x'; payloads::OBJECT_SIZE]),
            put_object: ("application/xml", Vec::new()),
            list_objects: ("application/xml", payloads::s3_list_objects().into_bytes()),
            empty_json: (JSON10, b"{}".to_vec()),
            get_item: (JSON10, payloads::ddb_get_item().into_bytes()),
            query: (JSON10, payloads::ddb_query().into_bytes()),
            receive_message: (JSON10, payloads::sqs_receive_message().into_bytes()),
            describe_instances: ("text/xml", payloads::ec2_describe_instances().into_bytes()),
            list_subscriptions: ("text/xml", payloads::sns_list_subscriptions().into_bytes()),
            metric_data: ("application/cbor", payloads::cloudwatch_get_metric_data()),
        }
    }

    fn pick(&self, req: &Request) -> Option<&Canned> {
        if let Some(target) = req.header("x-amz-target") {
            return match target.rsplit('.').next()? {
                "PutItem" => Some(&self.empty_json),
                "GetItem" => Some(&self.get_item),
                "Query" => Some(&self.query),
                "ReceiveMessage" => Some(&self.receive_message),
                _ => None,
            };
        }
        if req.path.ends_with("/operation/GetMetricData") {
            return Some(&self.metric_data);
        }
        let body = String::from_utf8_lossy(&req.body);
        if body.starts_with("Action=DescribeInstances")
            || body.contains("&Action=DescribeInstances")
        {
            return Some(&self.describe_instances);
        }
        if body.contains("Action=ListSubscriptions") {
            return Some(&self.list_subscriptions);
        }
        let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
        match (
            req.method.as_str(),
            path.trim_end_matches('/').matches('/').count(),
        ) {
            ("PUT", 2) => Some(&self.put_object),
            ("GET", 2) => Some(&self.object),
            ("GET", 1) if query.contains("list-type=2") => Some(&self.list_objects),
            _ => None,
        }
    }
}

struct Request {
    method: String,
    path: String,
    /// Header names lower-cased.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Binds 127.0.0.1 on a free port, prints `port N` and serves until stdin closes.
pub fn run() -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        println!("port {port}");
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        tokio::spawn(serve(listener));
        // The parent holds our stdin: when it closes it (or dies), the server ends.
        tokio::task::spawn_blocking(|| {
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
        })
        .await
        .map_err(|e| e.to_string())
    })
}

/// Answers every connection of `listener`, each on a task of its own.
pub async fn serve(listener: TcpListener) {
    let responses = Arc::new(Responses::build());
    while let Ok((stream, _)) = listener.accept().await {
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, responses.clone()));
    }
}

async fn connection(mut stream: TcpStream, responses: Arc<Responses>) {
    let mut buf = Vec::with_capacity(16 * 1024);
    while let Ok(Some(req)) = read_request(&mut stream, &mut buf).await {
        let (status, (content_type, body)) = match responses.pick(&req) {
            Some(canned) => ("200 OK", canned),
            None => {
                eprintln!(
                    "bench server: no response for {} {} {:?}",
                    req.method, req.path, req.headers
                );
                (
                    "404 Not Found",
                    &("text/plain", b"unknown operation".to_vec()),
                )
            }
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
             x-amzn-RequestId: bench\r\nx-amz-request-id: bench\r\n\
             ETag: \"0123456789abcdef0123456789abcdef\"\r\n\
             Last-Modified: Wed, 01 May 2024 12:00:00 GMT\r\n{}\r\n",
            body.len(),
            if *content_type == "application/cbor" {
                "smithy-protocol: rpc-v2-cbor\r\n"
            } else {
                ""
            }
        );
        let mut out = Vec::with_capacity(head.len() + body.len());
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(body);
        if stream.write_all(&out).await.is_err() {
            return;
        }
    }
}

/// Reads one request (`None` at a clean end of the connection), answering `Expect:
/// 100-continue` and reading `Content-Length` or chunked bodies.
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Request>> {
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i + 4;
        }
        if !fill(stream, buf).await? {
            return Ok(None);
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    buf.drain(..head_end);
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut req = Request {
        method,
        path,
        headers,
        body: Vec::new(),
    };
    if req
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    if req
        .header("transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        loop {
            let line_end = loop {
                if let Some(i) = find(buf, b"\r\n") {
                    break i;
                }
                if !fill(stream, buf).await? {
                    return Ok(None);
                }
            };
            let size_text = String::from_utf8_lossy(&buf[..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| std::io::Error::other("bad chunk size"))?;
            buf.drain(..line_end + 2);
            if size == 0 {
                // Trailers, then the blank line.
                loop {
                    if let Some(i) = find(buf, b"\r\n") {
                        buf.drain(..i + 2);
                        if i == 0 {
                            break;
                        }
                    } else if !fill(stream, buf).await? {
                        return Ok(None);
                    }
                }
                break;
            }
            while buf.len() < size + 2 {
                if !fill(stream, buf).await? {
                    return Ok(None);
                }
            }
            req.body.extend_from_slice(&buf[..size]);
            buf.drain(..size + 2);
        }
    } else {
        let len: usize = req
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < len {
            if !fill(stream, buf).await? {
                return Ok(None);
            }
        }
        req.body = buf.drain(..len).collect();
    }
    Ok(Some(req))
}

async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut chunk = [0u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n > 0)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
