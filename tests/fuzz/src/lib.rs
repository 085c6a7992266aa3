//! The bodies of rboto's fuzz targets: one per response parser, the event-stream decoder and the
//! shared config file parser.
//!
//! Each response-parser target takes the fuzzer's bytes as an HTTP response to a fixed generated
//! operation:
//! the first byte picks the operation, whether the response is a success (`parse_output`, then
//! the conversion to the typed output) or an error (`parse_error` and every modeled error
//! shape's `parse_error_shape`), and for REST protocols whether the bytes up to the first
//! newline become a header value of a header-bound member. The rest is the body. Any outcome is
//! fine except a panic, an abort or a hang.
//!
//! The main workspace compiles this file too (`tests/tests/fuzz_replay.rs`) and replays each
//! target on its seed corpus on stable Rust, calling the function its `fuzz_targets/*.rs` calls.

use rboto::__private::schema::{LazyService, Operation, Protocol, Service};
use rboto::__private::FromValue;
use rboto::protocol::{self, Response};

type Convert = fn(rboto::Value) -> bool;

fn convert<O: FromValue>(value: rboto::Value) -> bool {
    O::from_value(value).is_ok()
}

/// One operation a target can aim at.
struct Target {
    service: &'static Service,
    op: &'static Operation,
    convert: Convert,
    /// Headers every response carries (content type, protocol marker).
    headers: &'static [(&'static str, &'static str)],
    /// Header-bound members the fuzzer may fill.
    fuzzed_headers: &'static [&'static str],
}

fn header_map(pairs: &[(&str, &[u8])]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in pairs {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_bytes(value),
        ) {
            map.append(n, v);
        }
    }
    map
}

fn run(protocol: Protocol, targets: &[Target], data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let target = &targets[selector as usize % targets.len()];
    let error = selector & 0x40 != 0;
    let mut pairs: Vec<(&str, &[u8])> = target
        .headers
        .iter()
        .map(|(k, v)| (*k, v.as_bytes()))
        .collect();
    let mut body = rest;
    if selector & 0x80 != 0 && !target.fuzzed_headers.is_empty() {
        let cut = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let name = target.fuzzed_headers[rest.len() % target.fuzzed_headers.len()];
        pairs.push((name, &rest[..cut]));
        body = rest.get(cut + 1..).unwrap_or_default();
    }
    let headers = header_map(&pairs);
    if error {
        let status = 400 + (selector as u16 & 0x3) * 100 / 2; // 400, 450, 500, 550
        let response = Response {
            status,
            headers: &headers,
            body,
        };
        // The code may be empty (a well-formed XML body without one; botocore agrees).
        let _parts = protocol::parse_error(protocol, target.service, target.op, &response);
        for shape in target.service.errors {
            let _ = protocol::parse_error_shape(protocol, target.service, shape, &response);
        }
    } else {
        let response = Response {
            status: 200,
            headers: &headers,
            body,
        };
        if let Ok(value) =
            protocol::parse_output(protocol, target.service, target.op, &response, None)
        {
            let _ = (target.convert)(value);
        }
    }
}

const AMZ_JSON: &[(&str, &str)] = &[("content-type", "application/x-amz-json-1.0")];
const XML: &[(&str, &str)] = &[("content-type", "text/xml")];
const JSON: &[(&str, &str)] = &[("content-type", "application/json")];
const CBOR: &[(&str, &str)] = &[
    ("content-type", "application/cbor"),
    ("smithy-protocol", "rpc-v2-cbor"),
];

/// The `json` protocol (DynamoDB: unions, blobs, epoch timestamps, nested maps and lists).
pub fn json(data: &[u8]) {
    use rboto_dynamodb::output as o;
    let targets = [
        Target {
            service: rboto_dynamodb::schema::SERVICE.get(),
            op: rboto_dynamodb::schema::SERVICE.operation("DescribeTable"),
            convert: convert::<o::DescribeTableOutput>,
            headers: AMZ_JSON,
            fuzzed_headers: &[],
        },
        Target {
            service: rboto_dynamodb::schema::SERVICE.get(),
            op: rboto_dynamodb::schema::SERVICE.operation("Query"),
            convert: convert::<o::QueryOutput>,
            headers: AMZ_JSON,
            fuzzed_headers: &[],
        },
        Target {
            service: rboto_dynamodb::schema::SERVICE.get(),
            op: rboto_dynamodb::schema::SERVICE.operation("ListTables"),
            convert: convert::<o::ListTablesOutput>,
            headers: AMZ_JSON,
            fuzzed_headers: &[],
        },
    ];
    run(Protocol::Json, &targets, data);
}

/// The query and ec2 protocols' XML parser (STS AssumeRole, EC2 DescribeInstances).
pub fn query(data: &[u8]) {
    let Some(&selector) = data.first() else {
        return;
    };
    if selector & 0x20 == 0 {
        let targets = [Target {
            service: rboto_sts::schema::SERVICE.get(),
            op: rboto_sts::schema::SERVICE.operation("AssumeRole"),
            convert: convert::<rboto_sts::output::AssumeRoleOutput>,
            headers: XML,
            fuzzed_headers: &[],
        }];
        run(Protocol::Query, &targets, data);
    } else {
        let targets = [Target {
            service: rboto_ec2::schema::SERVICE.get(),
            op: rboto_ec2::schema::SERVICE.operation("DescribeInstances"),
            convert: convert::<rboto_ec2::output::DescribeInstancesOutput>,
            headers: XML,
            fuzzed_headers: &[],
        }];
        run(Protocol::Ec2, &targets, data);
    }
}

/// The rest-xml protocol (S3: body members, header bindings, S3's error shapes).
pub fn rest_xml(data: &[u8]) {
    use rboto_s3::output as o;
    let targets = [
        Target {
            service: rboto_s3::schema::SERVICE.get(),
            op: rboto_s3::schema::SERVICE.operation("ListObjectsV2"),
            convert: convert::<o::ListObjectsV2Output>,
            headers: XML,
            fuzzed_headers: &["x-amz-request-charged"],
        },
        Target {
            service: rboto_s3::schema::SERVICE.get(),
            op: rboto_s3::schema::SERVICE.operation("HeadObject"),
            convert: convert::<o::HeadObjectOutput>,
            headers: XML,
            fuzzed_headers: &[
                "content-length",
                "last-modified",
                "x-amz-mp-parts-count",
                "x-amz-delete-marker",
                "x-amz-meta-fuzz",
                "expires",
            ],
        },
        Target {
            service: rboto_s3::schema::SERVICE.get(),
            op: rboto_s3::schema::SERVICE.operation("CompleteMultipartUpload"),
            convert: convert::<o::CompleteMultipartUploadOutput>,
            headers: XML,
            fuzzed_headers: &["x-amz-server-side-encryption"],
        },
    ];
    run(Protocol::RestXml, &targets, data);
}

/// The rest-json protocol (Lambda: lists of structures, maps, header-bound error types).
pub fn rest_json(data: &[u8]) {
    use rboto_lambda::output as o;
    let targets = [
        Target {
            service: rboto_lambda::schema::SERVICE.get(),
            op: rboto_lambda::schema::SERVICE.operation("ListFunctions"),
            convert: convert::<o::ListFunctionsOutput>,
            headers: JSON,
            fuzzed_headers: &["x-amzn-errortype"],
        },
        Target {
            service: rboto_lambda::schema::SERVICE.get(),
            op: rboto_lambda::schema::SERVICE.operation("GetFunction"),
            convert: convert::<o::GetFunctionOutput>,
            headers: JSON,
            fuzzed_headers: &["x-amzn-errortype"],
        },
    ];
    run(Protocol::RestJson, &targets, data);
}

/// The smithy-rpc-v2-cbor protocol (CloudWatch: tagged timestamps, doubles, nested lists).
pub fn cbor(data: &[u8]) {
    use rboto_cloudwatch::output as o;
    let targets = [
        Target {
            service: rboto_cloudwatch::schema::SERVICE.get(),
            op: rboto_cloudwatch::schema::SERVICE.operation("ListMetrics"),
            convert: convert::<o::ListMetricsOutput>,
            headers: CBOR,
            fuzzed_headers: &[],
        },
        Target {
            service: rboto_cloudwatch::schema::SERVICE.get(),
            op: rboto_cloudwatch::schema::SERVICE.operation("GetMetricStatistics"),
            convert: convert::<o::GetMetricStatisticsOutput>,
            headers: CBOR,
            fuzzed_headers: &[],
        },
    ];
    run(Protocol::SmithyRpcV2Cbor, &targets, data);
}

/// The event-stream decoder, then the event parser and typed events of four services' streams.
pub fn event_stream(data: &[u8]) {
    let _ = event_stream_outcome(data);
}

/// Selector bit of [`event_stream`]: recompute the frames' CRCs before decoding, so mutations
/// also reach the header and payload parsers behind the CRC checks.
pub const FIX_CRCS: u8 = 0x80;

/// Decodes a whole stream: the first byte picks the service (low two bits), the size of the
/// pieces the stream arrives in (next five bits) and [`FIX_CRCS`]; the rest are frames. `ok`
/// when every frame and event read cleanly (service errors carried by exception and error
/// messages included), else whether a frame (`frame error`) or an event inside a sound frame
/// (`event error`) was malformed first.
pub fn event_stream_outcome(data: &[u8]) -> &'static str {
    use rboto::eventstream::Decoder;
    use rboto::protocol::event_stream::parse_event;

    let Some((&selector, body)) = data.split_first() else {
        return "frame error";
    };
    let mut body = body.to_vec();
    if selector & FIX_CRCS != 0 {
        fix_crcs(&mut body);
    }
    let s = stream_for(selector);
    let service: &'static Service = s.service.get();
    let op: &'static Operation = s.service.operation(s.op);
    let read = |decoder: &mut Decoder| -> Result<(), &'static str> {
        while let Some(msg) = decoder.next_message().map_err(|_| "frame error")? {
            match parse_event(s.protocol, service, op, msg) {
                Ok(v) => {
                    if !(s.typed)(v) {
                        return Err("event error");
                    }
                }
                Err(e) if e.kind() == rboto::ErrorKind::Service => {
                    let _ = e.to_string();
                }
                Err(_) => return Err("event error"),
            }
        }
        Ok(())
    };
    let mut decoder = Decoder::new();
    let chunk = 1 + usize::from((selector >> 2) & 0x1f);
    for piece in body.chunks(chunk) {
        decoder.push(piece);
        if let Err(outcome) = read(&mut decoder) {
            return outcome;
        }
    }
    decoder.end();
    read(&mut decoder).err().unwrap_or("ok")
}

/// Rewrites each whole frame's prelude and message CRCs, as far as the lengths allow.
fn fix_crcs(data: &mut [u8]) {
    let mut at = 0;
    while let Some(prelude) = data.get(at..at + 12) {
        let total = u32::from_be_bytes([prelude[0], prelude[1], prelude[2], prelude[3]]) as usize;
        if total < 16 || at + total > data.len() {
            return;
        }
        let crc = crc32fast::hash(&data[at..at + 8]).to_be_bytes();
        data[at + 8..at + 12].copy_from_slice(&crc);
        let end = at + total;
        let crc = crc32fast::hash(&data[at..end - 4]).to_be_bytes();
        data[end - 4..end].copy_from_slice(&crc);
        at = end;
    }
}

/// One event-stream operation the [`event_stream`] target reads.
struct Stream {
    protocol: Protocol,
    service: &'static LazyService,
    op: &'static str,
    /// Converts an event value to the service's union, as the typed stream does.
    typed: Convert,
}

fn stream_for(selector: u8) -> Stream {
    match selector & 3 {
        0 => Stream {
            protocol: Protocol::RestXml,
            service: &rboto_s3::schema::SERVICE,
            op: "SelectObjectContent",
            typed: convert::<rboto_s3::types::SelectObjectContentEventStream>,
        },
        1 => Stream {
            protocol: Protocol::RestJson,
            service: &rboto_lambda::schema::SERVICE,
            op: "InvokeWithResponseStream",
            typed: convert::<rboto_lambda::types::InvokeWithResponseStreamResponseEvent>,
        },
        2 => Stream {
            protocol: Protocol::Json,
            service: &rboto_kinesis::schema::SERVICE,
            op: "SubscribeToShard",
            typed: convert::<rboto_kinesis::types::SubscribeToShardEventStream>,
        },
        _ => Stream {
            protocol: Protocol::Json,
            service: &rboto_logs::schema::SERVICE,
            op: "StartLiveTail",
            typed: convert::<rboto_logs::types::StartLiveTailResponseStream>,
        },
    }
}

/// The shared config file parser: the bytes as a `~/.aws/config` and as a credentials file.
pub fn profile(data: &[u8]) {
    let _ = profile_outcome(data);
}

/// Parses the bytes as both kinds of file, reads every accessor of what parsed and merges the
/// two as `ProfileSet::load` does: `ok` when the config file parsed, else `error`.
pub fn profile_outcome(data: &[u8]) -> &'static str {
    use rboto::profile::{self, FileKind, ProfileSet};

    // As `ProfileSet::load` reads a file.
    let text = String::from_utf8_lossy(data);
    let config = profile::parse(&text, FileKind::Config, "config");
    let credentials = profile::parse(&text, FileKind::Credentials, "credentials");
    for parsed in [&config, &credentials].into_iter().flatten() {
        read_everything(parsed);
    }
    let outcome = if config.is_ok() { "ok" } else { "error" };
    if let (Ok(config), Ok(credentials)) = (config, credentials) {
        let set = ProfileSet::merge(config, credentials);
        let _ = set.profile("default").map(|p| p.sub_properties("s3"));
    }
    outcome
}

/// Every accessor of a parsed file, as credential and config resolution read them.
fn read_everything(file: &rboto::profile::ParsedFile) {
    for section in file
        .profiles
        .values()
        .chain(file.sso_sessions.values())
        .chain(file.services.values())
    {
        let _ = format!("{section:?}");
        for key in section.properties().keys() {
            let _ = section.get(&key.to_ascii_uppercase());
            let _ = section.get_nonempty(key);
            let _ = section.sub_properties(key);
            let _ = section.origin(key);
            let _ = section.is_from_credentials_file(key);
        }
    }
}

#[cfg(test)]
mod tests {
    /// Each target's body on a few seeds, every selector byte: a smoke test on stable Rust.
    #[test]
    fn targets_survive_their_seeds() {
        let seeds: &[&[u8]] = &[
            b"",
            b"{\"Table\":{\"ItemCount\":1e999,\"CreationDateTime\":\"x\"}}",
            b"{\"Items\":[{\"a\":{\"B\":\"!!\"},\"m\":{\"M\":{\"l\":{\"L\":[{}]}}}}]}",
            b"<AssumeRoleResponse><AssumeRoleResult><PackedPolicySize>99999999999</PackedPolicySize>",
            b"<DescribeInstancesResponse><reservationSet><item><instancesSet><item><amiLaunchIndex>x",
            b"Thu, 01 Jan 1970 00:00:00 GMT\n<ListBucketResult><KeyCount>-1</KeyCount></ListBucketResult>",
            b"<Error><Code>NoSuchKey</Code></Error>",
            b"ResourceNotFoundException:http://x/\n{\"Functions\":[{\"MemorySize\":1e10}]}",
            b"\xbf\x67Metrics\x9f\xa1\x69Namespace\x7f\xff",
            b"\xa1\x6aDatapoints\x81\xa1\x69Timestamp\xc1\xfb\x7f\xf0\x00\x00\x00\x00\x00\x00",
        ];
        for seed in seeds {
            for selector in 0..=255u8 {
                let mut data = vec![selector];
                data.extend_from_slice(seed);
                super::json(&data);
                super::query(&data);
                super::rest_xml(&data);
                super::rest_json(&data);
                super::cbor(&data);
                super::event_stream(&data);
                super::profile(&data);
            }
        }
    }
}
