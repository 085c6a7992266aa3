//! The request side: random input values for every operation of eight services (every protocol
//! among them), inside and outside their shapes' constraints, through parameter validation and
//! serialization, and through the whole pipeline (endpoint rules bound from the input, S3's
//! customizations, checksums, signing, a stub connector answering `200`) with parameter
//! validation on and off, then presigned. What a user passes may be refused, never panic on.
//!
//! An input is its operation and a seed: the value is built again from the seed whenever it is
//! needed (values hold streaming bodies, which are not `Clone`).

use std::cell::RefCell;
use std::time::Duration;

use rboto::__private::schema::{Kind, Operation, Service, Shape};
use rboto::types::{Blob, Body, DateTime, Document};
use rboto::{Config, Credentials, Presign, ServiceClient, Value};
use rboto_tests::stub::StubConnector;

use super::harness::{escape, Input, Target};
use super::mutate::Rng;

/// Inputs per target: spread over every operation of every service, so each operation sees a
/// few (EC2's ~760 operations take most).
pub const INPUTS: usize = 20_000;

fn services() -> [&'static Service; 8] {
    [
        rboto_s3::schema::SERVICE.get(),
        rboto_lambda::schema::SERVICE.get(),
        rboto_dynamodb::schema::SERVICE.get(),
        rboto_sts::schema::SERVICE.get(),
        rboto_ec2::schema::SERVICE.get(),
        rboto_cloudwatch::schema::SERVICE.get(),
        rboto_sqs::schema::SERVICE.get(),
        rboto_logs::schema::SERVICE.get(),
    ]
}

/// One call: an operation and the seed its input value is built from.
pub struct RequestInput {
    service: usize,
    op: usize,
    /// Parameter validation on (the default) or off (botocore's `parameter_validation=False`),
    /// which lets invalid values reach the serializers.
    validation: bool,
    seed: u64,
}

impl RequestInput {
    fn generate(rng: &mut Rng) -> RequestInput {
        let service = rng.below(services().len());
        RequestInput {
            service,
            op: rng.below(services()[service].operations.len()),
            validation: rng.one_in(2),
            seed: rng.next_u64(),
        }
    }

    fn service(&self) -> &'static Service {
        services()[self.service]
    }

    fn op(&self) -> &'static Operation {
        &self.service().operations[self.op]
    }

    fn value(&self) -> Value {
        value(&mut Rng::new(self.seed), self.op().input, 0)
    }

    /// The value the pipeline target presigns after sending [`RequestInput::value`].
    fn presigned_value(&self) -> Value {
        value(&mut Rng::new(self.seed ^ 1), self.op().input, 0)
    }
}

impl Input for RequestInput {
    fn show(&self) -> String {
        let value = format!("{:?}", self.value());
        let presigned = format!("{:?}", self.presigned_value());
        format!(
            "{}.{} (parameter validation {}): {}; presigned (pipeline only): {}",
            self.service().name,
            self.op().name,
            if self.validation { "on" } else { "off" },
            escape(value.as_bytes(), 400),
            escape(presigned.as_bytes(), 400)
        )
    }

    fn bytes(&self) -> Vec<u8> {
        self.show().into_bytes()
    }
}

/// Strings users send: separators and escapes of every wire format, label-breaking characters,
/// control characters, non-ASCII, and the empty string.
const STRINGS: &[&str] = &[
    "",
    "a",
    "x/y",
    "../..",
    "a b",
    "\n",
    "\r\n",
    "é",
    "日本",
    "\u{0}",
    "%2F",
    "?a=b&c",
    "#f",
    "{Bucket}",
    "  lead",
    "trail  ",
    "\u{7f}",
    "\u{feff}",
    "a\tb",
    "\"'",
    "<x>&amp;",
    "]]>",
    "\u{10ffff}",
    "x-amz-meta-",
    "*",
    "~",
    "+",
    "=",
    ":",
    "arn:aws:s3:::b",
    "b.c--x-s3",
];

fn string(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => "z".repeat(rng.below(5_000)),
        1 => (0..rng.below(40))
            .map(|_| char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('?'))
            .collect(),
        2 => (0..rng.below(40))
            .map(|_| char::from(rng.below(128) as u8))
            .collect(),
        _ => rng.pick(STRINGS).to_string(),
    }
}

fn bytes(rng: &mut Rng) -> Vec<u8> {
    (0..rng.below(50)).map(|_| rng.next_u64() as u8).collect()
}

/// A value for `shape`: every member kind at its edges, structures with members set at random
/// (unions with none, one or several), and now and then a value of the wrong kind.
fn value(rng: &mut Rng, shape: &'static Shape, depth: usize) -> Value {
    if rng.one_in(30) {
        return match rng.below(4) {
            0 => Value::Str(string(rng)),
            1 => Value::Int(rng.next_u64() as i64),
            2 => Value::List(Vec::new()),
            _ => Value::Struct(Vec::new()),
        };
    }
    let deeper = depth < 6;
    match &shape.kind {
        Kind::Structure(members) | Kind::Union(members) => {
            let one_in = if matches!(shape.kind, Kind::Union(_)) {
                5
            } else {
                2
            };
            Value::Struct(
                members
                    .iter()
                    .map(|m| {
                        (deeper && rng.one_in(one_in)).then(|| value(rng, m.target(), depth + 1))
                    })
                    .collect(),
            )
        }
        Kind::List(m) => {
            let n = if deeper { rng.below(4) } else { 0 };
            Value::List((0..n).map(|_| value(rng, m.target(), depth + 1)).collect())
        }
        Kind::Map(k, v) => {
            let n = if deeper { rng.below(4) } else { 0 };
            let entries = (0..n).map(|_| {
                let key = match value(rng, k.target(), depth + 1) {
                    Value::Str(s) => s,
                    _ => string(rng),
                };
                (key, value(rng, v.target(), depth + 1))
            });
            Value::Map(entries.collect())
        }
        Kind::String => Value::Str(string(rng)),
        Kind::Boolean => Value::Bool(rng.one_in(2)),
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger => {
            let any = rng.next_u64() as i64;
            Value::Int(*rng.pick(&[i64::MAX, i64::MIN, -1, 0, any]))
        }
        Kind::Float | Kind::Double | Kind::BigDecimal => {
            let any = f64::from_bits(rng.next_u64());
            Value::Float(*rng.pick(&[
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::MAX,
                f64::MIN_POSITIVE,
                -0.0,
                any,
            ]))
        }
        Kind::Blob if rng.one_in(2) => Value::Blob(Blob::from(bytes(rng))),
        Kind::Blob => Value::Body(Body::from(bytes(rng))),
        Kind::Timestamp => Value::Timestamp(match rng.below(6) {
            0 => DateTime::from_secs(i64::MAX),
            1 => DateTime::from_secs(i64::MIN),
            2 => DateTime::from_secs_f64(f64::NAN),
            3 => DateTime::from_secs_and_nanos(-1, 999_999_999),
            _ => DateTime::from_secs((rng.next_u64() as i64) >> rng.below(64)),
        }),
        Kind::Document => Value::Document(match rng.below(4) {
            0 => Document::Null,
            1 => Document::String(string(rng)),
            2 => Document::Bool(true),
            _ => Document::Array(vec![Document::Null]),
        }),
    }
}

/// Parameter validation, then serialization whatever validation said (botocore serializes
/// unvalidated input when validation is off).
pub fn serialize_target() -> Target<RequestInput> {
    Target {
        name: "serialize",
        seed: 0x7365_7269,
        inputs: INPUTS,
        generate: Box::new(RequestInput::generate),
        call: Box::new(|input: &RequestInput| {
            let (service, op, value) = (input.service(), input.op(), input.value());
            let invalid = !rboto::validate::validate(op.input, &value).is_empty();
            match rboto::protocol::serialize(service.protocol, service, op, value) {
                Ok(_) if invalid => "invalid, serialized",
                Ok(_) => "serialized",
                Err(_) => "refused",
            }
        }),
    }
}

thread_local! {
    /// The worker thread's runtime and one client per service and validation setting, all
    /// sending to a stub that answers every request with an empty `200`.
    static PIPELINE: RefCell<Option<Pipeline>> = const { RefCell::new(None) };
}

/// A client configuration sending to `connector`, one attempt per call.
pub fn config(connector: &StubConnector, validation: bool) -> Config {
    Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(connector.clone())
        .max_attempts(1)
        .parameter_validation(validation)
        .build()
}

/// The worker thread's runtime.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime starts")
}

struct Pipeline {
    runtime: tokio::runtime::Runtime,
    /// Indexed by service, then by validation off/on.
    clients: Vec<[ServiceClient; 2]>,
}

impl Pipeline {
    fn new() -> Pipeline {
        let runtime = runtime();
        // Millions of calls at large scales: the stub must not keep them.
        let connector = StubConnector::without_record();
        let (off, on) = (config(&connector, false), config(&connector, true));
        let clients = services()
            .iter()
            .map(|s| [ServiceClient::new(&off, s), ServiceClient::new(&on, s)])
            .collect();
        Pipeline { runtime, clients }
    }
}

/// The whole pipeline to a stub connector, then a presigned URL of another value.
pub fn pipeline_target() -> Target<RequestInput> {
    Target {
        name: "pipeline",
        seed: 0x7069_7065,
        inputs: INPUTS,
        generate: Box::new(RequestInput::generate),
        call: Box::new(|input: &RequestInput| {
            PIPELINE.with(|cell| {
                let mut cell = cell.borrow_mut();
                let pipeline = cell.get_or_insert_with(Pipeline::new);
                let client = &pipeline.clients[input.service][usize::from(input.validation)];
                let op = input.op();
                let presign = Presign::expires_in(Duration::from_secs(60));
                pipeline.runtime.block_on(async {
                    let sent = client.call_value(op, input.value()).await.is_ok();
                    let _ = client
                        .presign_dyn(op, input.presigned_value(), &presign)
                        .await;
                    if sent {
                        "sent"
                    } else {
                        "refused"
                    }
                })
            })
        }),
    }
}
