//! Client cost per request (not a timed test): allocations, CPU time and, under callgrind,
//! instructions for S3 PutObject (1 KiB), S3 GetObject, DynamoDB PutItem and DynamoDB GetItem,
//! sent one after another on a current-thread runtime to a tiny keep-alive HTTP server.
//!
//! ```sh
//! cargo run --release -p rboto --example request_cost            # allocations + CPU per request
//! cargo build --release -p rboto --example request_cost
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='request_cost::measured' \
//!     target/release/examples/request_cost 500 [K]   # instructions: Ir / 2000 (K: one kind, Ir / 500)
//! ```
//!
//! `request_cost sign [N]` measures SigV4 signing of a small POST instead (a DynamoDB
//! `GetItem`: four headers, a 60-byte JSON body): allocations and median time per signature,
//! and under callgrind with `--toggle-collect='request_cost::signing'`, instructions (Ir / N).
//!
//! The server is this program run again as a child process (`request_cost serve`), so neither
//! callgrind (which does not follow children by default) nor the allocation counter sees its
//! work: the figures are the client's own. The services are read from the generated crates'
//! models and called through the untyped pipeline (`ServiceClient::call_value`), which is what
//! the generated typed methods wrap.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use rboto::__private::schema::{Kind, LazyService, Operation};
use rboto::{Config, Credentials, ServiceClient, Value};

/// Counts every allocation (and reallocation) the process makes.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size as u64, Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

static S3: LazyService = LazyService::new(
    "s3",
    include_bytes!("../../sdk/s3/model.json.lz4"),
    include_bytes!("../../sdk/s3/endpoint-rule-set.json.lz4"),
);
static DYNAMODB: LazyService = LazyService::new(
    "dynamodb",
    include_bytes!("../../sdk/dynamodb/model.json.lz4"),
    include_bytes!("../../sdk/dynamodb/endpoint-rule-set.json.lz4"),
);

const OBJECT: [u8; 1024] = [b'x'; 1024];

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    if first.as_deref() == Some("serve") {
        serve();
        return;
    }
    if first.as_deref() == Some("sign") {
        let n = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
        signing_cost(n);
        return;
    }
    let n: u64 = first.and_then(|a| a.parse().ok()).unwrap_or(5000);

    let exe = std::env::current_exe().expect("own path");
    let mut server = std::process::Command::new(exe)
        .arg("serve")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut port = String::new();
    BufReader::new(server.stdout.take().expect("piped"))
        .read_line(&mut port)
        .expect("server port");
    let endpoint = format!("http://127.0.0.1:{}", port.trim());

    // `request_cost N K` measures request kind K (0 to 3) alone.
    let kinds: Vec<usize> = match args.next().and_then(|k| k.parse().ok()) {
        Some(k) if k < 4 => vec![k],
        _ => vec![0, 1, 2, 3],
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        ))
        .endpoint_url(&endpoint)
        .build();
    let s3 = ServiceClient::new(&config, S3.get());
    let ddb = ServiceClient::new(&config, DYNAMODB.get());
    let calls = Calls::new();
    // Warm up: connections, lazily built schemas and endpoint rules, caches. (Written out
    // here: were it a call of `run`, the compiler could fold `measured` and `run` into one
    // function, and callgrind would count the warm-up too.)
    rt.block_on(async {
        for kind in (0..4).cycle().take(200) {
            calls.one(kind, &s3, &ddb).await;
        }
    });

    let (a0, b0, c0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed), cpu_ns());
    measured(&rt, &calls, &s3, &ddb, &kinds, n);
    let (a1, b1, c1) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed), cpu_ns());
    let requests = n * kinds.len() as u64;
    let names = [
        "S3 PutObject 1 KiB",
        "S3 GetObject",
        "DynamoDB PutItem",
        "DynamoDB GetItem",
    ];
    let which: Vec<&str> = kinds.iter().map(|&k| names[k]).collect();
    println!("{requests} requests: {}", which.join(", "));
    let per = |x: u64| x as f64 / requests as f64;
    println!("allocations per request: {:.1}", per(a1 - a0));
    println!("bytes allocated per request: {:.0}", per(b1 - b0));
    if let (Some(c0), Some(c1)) = (c0, c1) {
        println!("client CPU per request: {:.1} µs", per(c1 - c0) / 1e3);
    }
    let _ = server.kill();
    let _ = server.wait();
}

/// The requests of `kinds`, `n` times each, in turn. A plain function (the async work runs
/// inside it), so that callgrind's `--toggle-collect` counts exactly this.
#[inline(never)]
fn measured(
    rt: &tokio::runtime::Runtime,
    calls: &Calls,
    s3: &ServiceClient,
    ddb: &ServiceClient,
    kinds: &[usize],
    n: u64,
) {
    rt.block_on(async {
        for _ in 0..n {
            for &kind in kinds {
                calls.one(kind, s3, ddb).await;
            }
        }
    });
}

/// Signs the same small POST `n` times (after a warm-up that caches its signing key, as any
/// client's second request finds it) and prints the cost of one signature.
fn signing_cost(n: u64) {
    use rboto::sigv4::{SignableBody, SignableRequest, SigningParams, SigningSettings};
    use std::time::{Duration, Instant, UNIX_EPOCH};
    let body = br#"{"TableName":"users","Key":{"pk":{"S":"user-1"}}}"#;
    let headers = [
        ("host", "dynamodb.us-east-1.amazonaws.com"),
        ("content-type", "application/x-amz-json-1.0"),
        ("x-amz-target", "DynamoDB_20120810.GetItem"),
        ("content-length", "52"),
    ];
    let request = SignableRequest {
        method: "POST",
        uri: "/",
        headers: (&headers).into(),
        body: SignableBody::Bytes(body),
    };
    let params = SigningParams {
        access_key_id: "AKIDEXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        session_token: None,
        region: "us-east-1",
        service: "dynamodb",
        time: UNIX_EPOCH + Duration::from_secs(1_440_938_160),
        settings: SigningSettings::default(),
    };
    let one = || rboto::sigv4::sign(&request, &params).expect("signs");
    std::hint::black_box(one());
    let a0 = ALLOCS.load(Relaxed);
    signing(&one, n);
    let per_sign = (ALLOCS.load(Relaxed) - a0) as f64 / n as f64;
    let batch = (n / 20).max(1);
    let mut times: Vec<Duration> = (0..20)
        .map(|_| {
            let start = Instant::now();
            signing(&one, batch);
            start.elapsed() / batch as u32
        })
        .collect();
    times.sort();
    println!(
        "SigV4 small POST: {per_sign:.1} allocations, median {:?} per signature",
        times[10]
    );
}

/// `n` signatures; callgrind's `--toggle-collect` target for `request_cost sign`.
#[inline(never)]
fn signing(one: &dyn Fn() -> rboto::sigv4::SigningOutput, n: u64) {
    for _ in 0..n {
        std::hint::black_box(one());
    }
}

/// The operations and the fixed parts of their inputs.
struct Calls {
    put_object: &'static Operation,
    get_object: &'static Operation,
    put_item: &'static Operation,
    get_item: &'static Operation,
}

impl Calls {
    fn new() -> Calls {
        Calls {
            put_object: S3.operation("PutObject"),
            get_object: S3.operation("GetObject"),
            put_item: DYNAMODB.operation("PutItem"),
            get_item: DYNAMODB.operation("GetItem"),
        }
    }

    async fn one(&self, which: usize, s3: &ServiceClient, ddb: &ServiceClient) {
        let key_value = || {
            let pk = string_attribute(self.put_item, "user-1");
            let name = string_attribute(self.put_item, "Alice");
            Value::Map(vec![("pk".into(), pk), ("name".into(), name)])
        };
        let result = match which {
            0 => {
                let input = fields(
                    self.put_object,
                    vec![
                        ("Bucket", Value::Str("bucket".into())),
                        ("Key", Value::Str("key".into())),
                        ("Body", Value::Body(rboto::Body::from(&OBJECT[..]))),
                    ],
                );
                s3.call_dyn(self.put_object, input).await
            }
            1 => {
                let input = fields(
                    self.get_object,
                    vec![
                        ("Bucket", Value::Str("bucket".into())),
                        ("Key", Value::Str("key".into())),
                    ],
                );
                match s3.call_dyn(self.get_object, input).await {
                    Ok(Value::Struct(mut slots)) => {
                        let at = index(self.get_object.output, "Body");
                        if let Some(Some(Value::Body(body))) = slots.get_mut(at).map(Option::take) {
                            let bytes = body.collect().await.expect("object body");
                            assert_eq!(bytes.len(), OBJECT.len());
                        }
                        Ok(Value::Struct(slots))
                    }
                    other => other,
                }
            }
            2 => {
                let input = fields(
                    self.put_item,
                    vec![
                        ("TableName", Value::Str("users".into())),
                        ("Item", key_value()),
                    ],
                );
                ddb.call_dyn(self.put_item, input).await
            }
            _ => {
                let pk = string_attribute(self.put_item, "user-1");
                let input = fields(
                    self.get_item,
                    vec![
                        ("TableName", Value::Str("users".into())),
                        ("Key", Value::Map(vec![("pk".into(), pk)])),
                    ],
                );
                ddb.call_dyn(self.get_item, input).await
            }
        };
        if let Err(e) = result {
            panic!("request {which} failed: {e}");
        }
    }
}

/// A DynamoDB `AttributeValue` union holding the string `s`.
fn string_attribute(put_item: &'static Operation, s: &str) -> Value {
    let item = put_item.input.members()[index(put_item.input, "Item")].target();
    let Kind::Map(_, attr) = item.kind else {
        panic!("PutItem's Item is not a map");
    };
    fields_of(attr.target(), vec![("S", Value::Str(s.into()))])
}

fn fields(op: &'static Operation, set: Vec<(&str, Value)>) -> Value {
    fields_of(op.input, set)
}

/// A structure (or union) value of `shape` with the members named in `set`.
fn fields_of(shape: &'static rboto::__private::schema::Shape, set: Vec<(&str, Value)>) -> Value {
    let mut slots: Vec<Option<Value>> = Vec::new();
    slots.resize_with(shape.members().len(), || None);
    for (name, value) in set {
        slots[index(shape, name)] = Some(value);
    }
    Value::Struct(slots)
}

fn index(shape: &'static rboto::__private::schema::Shape, name: &str) -> usize {
    shape
        .members()
        .iter()
        .position(|m| m.name == name)
        .unwrap_or_else(|| panic!("{} has no member {name}", shape.name))
}

/// This process's CPU time so far (Linux), in nanoseconds.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The canned server: prints its port, then answers every request on every connection.
fn serve() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    println!("{}", listener.local_addr().expect("addr").port());
    std::io::stdout().flush().expect("flush");
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = connection(stream);
        });
    }
}

fn connection(stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let get_item = br#"{"Item":{"pk":{"S":"user-1"},"name":{"S":"Alice"},"age":{"N":"42"}}}"#;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut length = 0usize;
        let mut target = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("x-amz-target") {
                target = value.trim().to_string();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let head = "HTTP/1.1 200 OK\r\nx-amz-request-id: 0123456789ABCDEF\r\n\
                    date: Sat, 05 Dec 2026 02:00:00 GMT\r\n";
        let response: Vec<u8> = if request_line.starts_with("PUT ") {
            format!("{head}ETag: \"f1d3ff8443297732862df21dc4e57262\"\r\ncontent-length: 0\r\n\r\n")
                .into_bytes()
        } else if request_line.starts_with("GET ") {
            let mut r = format!(
                "{head}ETag: \"f1d3ff8443297732862df21dc4e57262\"\r\n\
                 content-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n",
                OBJECT.len()
            )
            .into_bytes();
            r.extend_from_slice(&OBJECT);
            r
        } else {
            let json: &[u8] = if target.ends_with("GetItem") {
                get_item
            } else {
                b"{}"
            };
            let mut r = format!(
                "{head}content-type: application/x-amz-json-1.0\r\nx-amz-crc32: {}\r\n\
                 content-length: {}\r\n\r\n",
                crc32fast::hash(json),
                json.len()
            )
            .into_bytes();
            r.extend_from_slice(json);
            r
        };
        out.write_all(&response)?;
    }
}
