//! Runs AWS's protocol test suites (botocore 1.44.5, `tests/data/protocol-tests`) through the
//! smithy-rpc-v2-cbor protocol, comparing the way botocore's `test_protocols.py` does: request
//! bodies are decoded and compared as data (map order and integer widths don't matter), response
//! bodies are base64 in the suites. Shapes are built at run time from each suite's `shapes`
//! (leaked: fine in a test); recursive shapes are unrolled to a fixed depth, since leaked values
//! cannot form cycles. The same real bodies then feed a bounded no-panic fuzz of the decoder.

use super::*;
use crate::schema::{Location, Member, Protocol, TimestampFormat, REQUIRED, SENSITIVE, STREAMING};
use crate::types::{Blob, DateTime, Document};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use minicbor::data::Type;
use minicbor::Decoder;
use serde_json::Value as Json;
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// How often a recursive shape is unrolled; deeper than any suite case nests.
const UNROLL: usize = 16;
const ENDPOINT_HOST: &str = "example.com";

fn leak<T>(t: T) -> &'static T {
    Box::leak(Box::new(t))
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn ts_format(s: &str) -> Option<TimestampFormat> {
    match s.to_ascii_lowercase().as_str() {
        "iso8601" => Some(TimestampFormat::Iso8601),
        "rfc822" => Some(TimestampFormat::Rfc822),
        "unixtimestamp" => Some(TimestampFormat::UnixTimestamp),
        _ => None,
    }
}

/// Builds `&'static Shape`s from a suite's `shapes` object.
struct ShapeBuilder<'a> {
    defs: &'a serde_json::Map<String, Json>,
    cache: HashMap<(String, usize), &'static Shape>,
}

impl<'a> ShapeBuilder<'a> {
    fn new(defs: &'a serde_json::Map<String, Json>) -> Self {
        ShapeBuilder {
            defs,
            cache: HashMap::new(),
        }
    }

    fn shape(&mut self, name: &str, depth: usize) -> &'static Shape {
        if let Some(s) = self.cache.get(&(name.to_string(), depth)) {
            return s;
        }
        let def = self
            .defs
            .get(name)
            .unwrap_or_else(|| panic!("suite has no shape {name}"));
        let sname = leak_str(name);
        let ty = def["type"].as_str().unwrap_or("structure");
        let aggregate = matches!(ty, "structure" | "list" | "map");
        let mut shape = if aggregate && depth == 0 {
            // The end of an unrolled recursion.
            Shape::structure(sname, &[])
        } else {
            match ty {
                "structure" if def["document"] == Json::Bool(true) => {
                    Shape::scalar(sname, Kind::Document)
                }
                "structure" => {
                    let required: HashSet<&str> = def["required"]
                        .as_array()
                        .map(|r| r.iter().filter_map(Json::as_str).collect())
                        .unwrap_or_default();
                    let mut members = Vec::new();
                    if let Some(ms) = def["members"].as_object() {
                        for (mname, mdef) in ms {
                            let mut m = self.member(mname, mdef, depth - 1);
                            if required.contains(mname.as_str()) {
                                m = m.with(REQUIRED);
                            }
                            members.push(m);
                        }
                    }
                    let members: &'static [Member] = Box::leak(members.into_boxed_slice());
                    if def["union"] == Json::Bool(true) {
                        Shape::union(sname, members)
                    } else {
                        Shape::structure(sname, members)
                    }
                }
                "list" => Shape::list(
                    sname,
                    leak(self.member("member", &def["member"], depth - 1)),
                ),
                "map" => Shape::map(
                    sname,
                    leak(self.member("key", &def["key"], depth - 1)),
                    leak(self.member("value", &def["value"], depth - 1)),
                ),
                "string" => Shape::scalar(sname, Kind::String),
                "boolean" => Shape::scalar(sname, Kind::Boolean),
                "byte" => Shape::scalar(sname, Kind::Byte),
                "short" => Shape::scalar(sname, Kind::Short),
                "integer" => Shape::scalar(sname, Kind::Integer),
                "long" => Shape::scalar(sname, Kind::Long),
                "float" => Shape::scalar(sname, Kind::Float),
                "double" => Shape::scalar(sname, Kind::Double),
                "bigInteger" => Shape::scalar(sname, Kind::BigInteger),
                "bigDecimal" => Shape::scalar(sname, Kind::BigDecimal),
                "blob" => Shape::scalar(sname, Kind::Blob),
                "timestamp" => Shape::scalar(sname, Kind::Timestamp),
                other => panic!("unknown shape type {other}"),
            }
        };
        if let Some(f) = def["timestampFormat"].as_str().and_then(ts_format) {
            shape = shape.ts(f);
        }
        if def["streaming"] == Json::Bool(true) {
            shape = shape.with(STREAMING);
        }
        if def["eventstream"] == Json::Bool(true) {
            shape = shape.with(EVENT_STREAM);
        }
        if def["exception"] == Json::Bool(true) {
            let code = def["error"]["code"].as_str().unwrap_or(name);
            let status = def["error"]["httpStatusCode"].as_u64().unwrap_or(400) as u16;
            shape = shape.error(leak_str(code), status);
        }
        let shape: &'static Shape = leak(shape);
        self.cache.insert((name.to_string(), depth), shape);
        shape
    }

    fn member(&mut self, name: &str, def: &Json, depth: usize) -> Member {
        let target_name = def["shape"].as_str().expect("member without shape");
        let target = self.shape(target_name, depth);
        let mut m = Member::new(leak_str(name), target);
        if let Some(loc) = def["location"].as_str() {
            m = m.loc(match loc {
                "header" => Location::Header,
                "headers" => Location::Headers,
                "uri" => Location::Uri,
                "querystring" => Location::Querystring,
                "statusCode" => Location::StatusCode,
                other => panic!("unknown location {other}"),
            });
        }
        if let Some(n) = def["locationName"].as_str() {
            m = m.named(leak_str(n));
        }
        if let Some(f) = def["timestampFormat"].as_str().and_then(ts_format) {
            m = m.ts(f);
        }
        for (key, flag) in [
            ("idempotencyToken", IDEMPOTENCY_TOKEN),
            ("hostLabel", HOST_LABEL),
            ("sensitive", SENSITIVE),
        ] {
            if def[key] == Json::Bool(true) {
                m = m.with(flag);
            }
        }
        m
    }
}

/// A suite's service and operation, all leaked.
struct Fixture {
    service: &'static Service,
    op: &'static Operation,
}

fn fixture(suite: &Json, case: &Json) -> Fixture {
    let empty = serde_json::Map::new();
    let defs = suite["shapes"].as_object().unwrap_or(&empty);
    let mut b = ShapeBuilder::new(defs);
    let md = &suite["metadata"];
    let mut errors: Vec<&'static Shape> = Vec::new();
    let mut names: Vec<&str> = defs.keys().map(String::as_str).collect();
    names.sort_unstable();
    for name in names {
        if defs[name]["exception"] == Json::Bool(true) {
            errors.push(b.shape(name, UNROLL));
        }
    }
    let given = &case["given"];
    let op_errors: Vec<u16> = given["errors"]
        .as_array()
        .map(|es| {
            es.iter()
                .filter_map(|e| e["shape"].as_str())
                .filter_map(|n| errors.iter().position(|s| s.name == n))
                .map(|i| i as u16)
                .collect()
        })
        .unwrap_or_default();
    let opt = |key: &str| md[key].as_str().map(leak_str);
    let service = leak(Service {
        name: "suite",
        service_id: opt("serviceId").unwrap_or("Suite"),
        api_version: opt("apiVersion").unwrap_or(""),
        endpoint_prefix: opt("endpointPrefix").unwrap_or("suite"),
        signing_name: opt("signingName").unwrap_or("suite"),
        protocol: Protocol::SmithyRpcV2Cbor,
        protocols: &[Protocol::SmithyRpcV2Cbor],
        json_version: opt("jsonVersion"),
        target_prefix: opt("targetPrefix"),
        xml_namespace: None,
        query_compatible: md.get("awsQueryCompatible").is_some(),
        signature_version: "v4",
        errors: Box::leak(errors.into_boxed_slice()),
        client_context_params: &[],
        endpoint_rules: "",
    });
    // No input or output shape: generated code points at `prelude::UNIT`.
    let shape_of = |b: &mut ShapeBuilder, key: &str| match given[key]["shape"].as_str() {
        Some(n) => b.shape(n, UNROLL),
        None => &prelude::UNIT,
    };
    let input = shape_of(&mut b, "input");
    let output = shape_of(&mut b, "output");
    let mut op = Operation::new(
        leak_str(given["name"].as_str().unwrap_or("Operation")),
        leak_str(given["http"]["method"].as_str().unwrap_or("POST")),
        leak_str(given["http"]["requestUri"].as_str().unwrap_or("/")),
        input,
        output,
    )
    .errors(Box::leak(op_errors.into_boxed_slice()));
    if let Some(p) = given["endpoint"]["hostPrefix"].as_str() {
        op = op.host_prefix(leak_str(p));
    }
    Fixture {
        service,
        op: leak(op),
    }
}

fn special_float(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// A suite's `params` as a Value of `shape`.
fn to_value(shape: &'static Shape, j: &Json) -> Option<Value> {
    if j.is_null() {
        return None;
    }
    if is_document(shape) {
        return Some(Value::Document(Document::from_json(j.clone())));
    }
    Some(match (&shape.kind, j) {
        (Kind::Structure(members) | Kind::Union(members), Json::Object(o)) => Value::Struct(
            members
                .iter()
                .map(|m| o.get(m.name).and_then(|v| to_value(m.target, v)))
                .collect(),
        ),
        (Kind::List(m), Json::Array(a)) => {
            Value::List(a.iter().filter_map(|v| to_value(m.target, v)).collect())
        }
        (Kind::Map(_, vm), Json::Object(o)) => Value::Map(
            o.iter()
                .filter_map(|(k, v)| to_value(vm.target, v).map(|v| (k.clone(), v)))
                .collect(),
        ),
        (Kind::String, Json::String(s)) => Value::Str(s.clone()),
        (Kind::Boolean, Json::Bool(b)) => Value::Bool(*b),
        (Kind::Float | Kind::Double | Kind::BigDecimal, Json::Number(n)) => {
            Value::Float(n.as_f64().expect("float"))
        }
        (Kind::Float | Kind::Double | Kind::BigDecimal, Json::String(s)) => {
            Value::Float(special_float(s).unwrap_or_else(|| s.parse().expect("float string")))
        }
        (Kind::Timestamp, Json::Number(n)) => {
            Value::Timestamp(DateTime::from_secs_f64(n.as_f64().expect("timestamp")))
        }
        (Kind::Timestamp, Json::String(s)) => {
            Value::Timestamp(DateTime::parse_any(s).expect("timestamp param"))
        }
        (_, Json::Number(n)) => Value::Int(n.as_i64().expect("integer")),
        (Kind::Blob, Json::String(s)) => Value::Blob(Blob::from(s.as_str())),
        (kind, other) => panic!("param {other} does not fit {}", kind_name(kind)),
    })
}

/// Compares a parsed Value with a suite's expected `result` (keyed by member names).
fn compare(shape: &'static Shape, v: &Value, exp: &Json, path: &str) -> Result<(), String> {
    let fail = || Err(format!("{path}: got {v:?}, expected {exp}"));
    if is_document(shape) {
        return match v {
            Value::Document(d) if *d == Document::from_json(exp.clone()) => Ok(()),
            _ => fail(),
        };
    }
    match (&shape.kind, v, exp) {
        (
            Kind::Structure(members) | Kind::Union(members),
            Value::Struct(slots),
            Json::Object(o),
        ) => {
            for key in o.keys() {
                if !members.iter().any(|m| m.name == key) {
                    return Err(format!("{path}: expected key {key} is not a member"));
                }
            }
            for (i, m) in members.iter().enumerate() {
                let got = slots.get(i).and_then(Option::as_ref);
                let want = o.get(m.name).filter(|j| !j.is_null());
                let p = format!("{path}.{}", m.name);
                match (got, want) {
                    (None, None) => {}
                    (Some(g), Some(w)) => compare(m.target, g, w, &p)?,
                    (g, w) => return Err(format!("{p}: got {g:?}, expected {w:?}")),
                }
            }
            Ok(())
        }
        (Kind::List(m), Value::List(items), Json::Array(a)) if items.len() == a.len() => {
            for (i, (g, w)) in items.iter().zip(a).enumerate() {
                compare(m.target, g, w, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Kind::Map(_, vm), Value::Map(entries), Json::Object(o)) if entries.len() == o.len() => {
            for (k, g) in entries {
                let w = o
                    .get(k)
                    .ok_or_else(|| format!("{path}: unexpected key {k}"))?;
                compare(vm.target, g, w, &format!("{path}[{k:?}]"))?;
            }
            Ok(())
        }
        (Kind::String, Value::Str(s), Json::String(w)) if s == w => Ok(()),
        (Kind::Boolean, Value::Bool(b), Json::Bool(w)) if b == w => Ok(()),
        (_, Value::Int(i), Json::Number(n)) if n.as_i64() == Some(*i) => Ok(()),
        (_, Value::Float(f), Json::Number(n)) => match n.as_f64() {
            Some(w) if (f - w).abs() <= 1e-9 * w.abs().max(1.0) => Ok(()),
            _ => fail(),
        },
        (_, Value::Float(f), Json::String(s)) => match special_float(s) {
            Some(w) if w.is_nan() && f.is_nan() => Ok(()),
            Some(w) if w == *f => Ok(()),
            _ => fail(),
        },
        (Kind::Blob, Value::Blob(b), Json::String(w)) if b.as_bytes() == w.as_bytes() => Ok(()),
        (Kind::Timestamp, Value::Timestamp(t), Json::Number(n)) => match n.as_f64() {
            Some(w) if (t.as_secs_f64() - w).abs() < 1e-6 => Ok(()),
            _ => fail(),
        },
        _ => fail(),
    }
}

// ---------------------------------------------------------------------------------------------
// CBOR bodies as data (botocore decodes both bodies with its parser before comparing)
// ---------------------------------------------------------------------------------------------

/// A generic CBOR data item, compared the way Python compares what botocore's decoder returns.
#[derive(Debug)]
enum Item {
    Int(i128),
    Float(f64),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<Item>),
    /// Null values dropped, as botocore's decoder does.
    Map(Vec<(Item, Item)>),
    Bool(bool),
    Null,
    Tag(u64, Box<Item>),
}

impl PartialEq for Item {
    fn eq(&self, other: &Item) -> bool {
        use Item::*;
        match (self, other) {
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Int(a), Float(b)) | (Float(b), Int(a)) => *a as f64 == *b,
            (Bytes(a), Bytes(b)) => a == b,
            (Text(a), Text(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Map(a), Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
            }
            (Bool(a), Bool(b)) => a == b,
            (Null, Null) => true,
            (Tag(a, x), Tag(b, y)) => a == b && x == y,
            _ => false,
        }
    }
}

fn decode_item(d: &mut Decoder<'_>) -> Result<Item, String> {
    let e = |e: minicbor::decode::Error| e.to_string();
    Ok(match d.datatype().map_err(e)? {
        Type::Bool => Item::Bool(d.bool().map_err(e)?),
        Type::Null | Type::Undefined => {
            d.skip().map_err(e)?;
            Item::Null
        }
        Type::U8
        | Type::U16
        | Type::U32
        | Type::U64
        | Type::I8
        | Type::I16
        | Type::I32
        | Type::I64
        | Type::Int => Item::Int(i128::from(d.int().map_err(e)?)),
        t @ (Type::F16 | Type::F32 | Type::F64) => {
            Item::Float(super::de::read_float_item(d, t).map_err(|f| f.msg)?)
        }
        Type::Bytes | Type::BytesIndef => {
            let mut v = Vec::new();
            for c in d.bytes_iter().map_err(e)? {
                v.extend_from_slice(c.map_err(e)?);
            }
            Item::Bytes(v)
        }
        Type::String | Type::StringIndef => {
            let mut s = String::new();
            for c in d.str_iter().map_err(e)? {
                s.push_str(c.map_err(e)?);
            }
            Item::Text(s)
        }
        Type::Array | Type::ArrayIndef => {
            let len = d.array().map_err(e)?;
            let mut items = Vec::new();
            loop {
                match len {
                    Some(n) if items.len() as u64 == n => break,
                    None if d.datatype().map_err(e)? == Type::Break => {
                        d.skip().map_err(e)?;
                        break;
                    }
                    _ => items.push(decode_item(d)?),
                }
            }
            Item::Array(items)
        }
        Type::Map | Type::MapIndef => {
            let len = d.map().map_err(e)?;
            let mut entries = Vec::new();
            let mut read = 0u64;
            loop {
                match len {
                    Some(n) if read == n => break,
                    None if d.datatype().map_err(e)? == Type::Break => {
                        d.skip().map_err(e)?;
                        break;
                    }
                    _ => {
                        let k = decode_item(d)?;
                        let v = decode_item(d)?;
                        if !matches!(v, Item::Null) {
                            entries.push((k, v));
                        }
                        read += 1;
                    }
                }
            }
            Item::Map(entries)
        }
        Type::Tag => {
            let t = d.tag().map_err(e)?.as_u64();
            Item::Tag(t, Box::new(decode_item(d)?))
        }
        other => return Err(format!("unexpected {other}")),
    })
}

fn decode_body(bytes: &[u8]) -> Result<Item, String> {
    decode_item(&mut Decoder::new(bytes))
}

fn header_map(headers: &Json) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    if let Some(o) = headers.as_object() {
        for (k, v) in o {
            let name = http::header::HeaderName::from_bytes(k.as_bytes()).expect("header name");
            let value =
                http::HeaderValue::from_str(v.as_str().unwrap_or("")).expect("header value");
            map.append(name, value);
        }
    }
    map
}

fn run_input_case(suite: &Json, case: &Json) -> Result<(), String> {
    let fx = fixture(suite, case);
    let input = to_value(fx.op.input, &case["params"]).unwrap_or(Value::Struct(vec![]));
    let req = serialize(fx.service, fx.op, input).map_err(|e| format!("serialize: {e}"))?;
    let exp = &case["serialized"];
    if let Some(m) = exp["method"].as_str() {
        if m != req.method {
            return Err(format!("method {} != {m}", req.method));
        }
    }
    if let Some(u) = exp["uri"].as_str() {
        if !req.query.is_empty() {
            return Err(format!("unexpected query {:?}", req.query));
        }
        if req.path != u {
            return Err(format!("uri {} != {u}", req.path));
        }
    }
    if let Some(hs) = exp["headers"].as_object() {
        for (k, v) in hs {
            if req.header(k) != v.as_str() {
                return Err(format!("header {k}: {:?} != {v}", req.header(k)));
            }
        }
    }
    for h in exp["forbidHeaders"].as_array().into_iter().flatten() {
        let h = h.as_str().unwrap_or("");
        if req.header(h).is_some() {
            return Err(format!("forbidden header {h} sent"));
        }
    }
    for h in exp["requireHeaders"].as_array().into_iter().flatten() {
        let h = h.as_str().unwrap_or("");
        // Content-Length is the HTTP layer's (client.rs), not the protocol's.
        if !h.eq_ignore_ascii_case("content-length") && req.header(h).is_none() {
            return Err(format!("required header {h} missing"));
        }
    }
    if let Some(b) = exp["body"].as_str() {
        let got = req.body.bytes().ok_or("streaming body")?;
        let want = STANDARD
            .decode(b)
            .map_err(|e| format!("expected body: {e}"))?;
        // botocore compares decoded data when it sent a body, bytes otherwise.
        if got.is_empty() || want.is_empty() {
            if got.as_ref() != want.as_slice() {
                return Err(format!("body {got:02x?} != {want:02x?}"));
            }
        } else {
            let have = decode_body(got).map_err(|e| format!("our body: {e}"))?;
            let want = decode_body(&want).map_err(|e| format!("expected body: {e}"))?;
            if have != want {
                return Err(format!("body {have:?} != {want:?}"));
            }
        }
    }
    if let Some(h) = exp["host"].as_str() {
        let host = format!(
            "{}{ENDPOINT_HOST}",
            req.host_prefix.as_deref().unwrap_or("")
        );
        if host != h {
            return Err(format!("host {host} != {h}"));
        }
    }
    Ok(())
}

/// A response case's status, headers and (base64-decoded) body.
fn response_parts(case: &Json) -> (u16, http::HeaderMap, Vec<u8>) {
    let r = &case["response"];
    let headers = header_map(&r["headers"]);
    let body = STANDARD
        .decode(r["body"].as_str().unwrap_or(""))
        .expect("base64 response body");
    (
        r["status_code"].as_u64().unwrap_or(200) as u16,
        headers,
        body,
    )
}

fn run_output_case(suite: &Json, case: &Json) -> Result<(), String> {
    let fx = fixture(suite, case);
    let (status, headers, body) = response_parts(case);
    let resp = Response {
        status,
        headers: &headers,
        body: &body,
    };
    if let Some(expected) = case.get("result") {
        let v = parse_output(fx.service, fx.op, &resp, None).map_err(|e| format!("parse: {e}"))?;
        return compare(fx.op.output, &v, expected, fx.op.output.name);
    }
    let parts = parse_error(fx.service, fx.op, &resp);
    let want_code = case["errorCode"].as_str().unwrap_or("");
    if parts.code != want_code {
        return Err(format!("error code {:?} != {want_code:?}", parts.code));
    }
    let want_msg = case["errorMessage"].as_str().filter(|m| !m.is_empty());
    if parts.message.as_deref().filter(|m| !m.is_empty()) != want_msg {
        return Err(format!("error message {:?} != {want_msg:?}", parts.message));
    }
    let expected = &case["error"];
    let modeled = fx.service.errors.iter().find(|s| {
        let code = s.error.map(|e| e.code).unwrap_or(s.name);
        code == parts.code || s.name == parts.code
    });
    match modeled {
        Some(shape) => {
            let v =
                parse_error_shape(fx.service, shape, &resp).map_err(|e| format!("parse: {e}"))?;
            compare(shape, &v, expected, shape.name)
        }
        None if expected.as_object().is_none_or(|o| o.is_empty()) => Ok(()),
        None => Err(format!("no modeled error for {:?}", parts.code)),
    }
}

struct Ignore {
    suites: Vec<String>,
    cases: Vec<String>,
}

fn ignore_list(protocol: &str, direction: &str) -> Ignore {
    let j = load("protocol-tests-ignore-list.json");
    let strings = |v: &Json| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    Ignore {
        suites: strings(&j["general"][direction]["suites"]),
        cases: strings(&j["protocols"][protocol][direction]["cases"]),
    }
}

fn load(rel: &str) -> Json {
    let path = format!(
        "{}/tests/data/protocol-tests/{rel}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs one suite file; returns (passed, skipped, failures).
fn run_file(direction: &str, protocol: &str) -> (usize, usize, Vec<String>) {
    let suites = load(&format!("{direction}/{protocol}.json"));
    let ignore = ignore_list(protocol, direction);
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
    for suite in suites.as_array().expect("list of suites") {
        let desc = suite["description"].as_str().unwrap_or("");
        for case in suite["cases"].as_array().into_iter().flatten() {
            let id = case["id"].as_str().unwrap_or("?");
            let ignored =
                ignore.suites.iter().any(|s| s == desc) || ignore.cases.iter().any(|c| c == id);
            // RBOTO_SUITE_ALL=1 runs the ignore-listed cases too, to see how they fare.
            if ignored && std::env::var_os("RBOTO_SUITE_ALL").is_none() {
                skipped += 1;
                continue;
            }
            let outcome = catch_unwind(AssertUnwindSafe(|| match direction {
                "input" => run_input_case(suite, case),
                _ => run_output_case(suite, case),
            }));
            match outcome {
                Ok(Ok(())) => passed += 1,
                Ok(Err(e)) => failures.push(format!("{id}: {e}")),
                Err(_) => failures.push(format!("{id}: panicked")),
            }
        }
    }
    eprintln!(
        "{direction}/{protocol}.json: {passed} passed, {} failed, {skipped} skipped (ignore list)",
        failures.len()
    );
    for f in &failures {
        eprintln!("  FAIL {f}");
    }
    (passed, skipped, failures)
}

fn check(direction: &str, protocol: &str, min_passed: usize) {
    let (passed, _, failures) = run_file(direction, protocol);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(passed >= min_passed, "only {passed} cases ran");
}

#[test]
fn protocol_suite_input_smithy_rpc_v2_cbor() {
    check("input", "smithy-rpc-v2-cbor", 15);
}

#[test]
fn protocol_suite_input_smithy_rpc_v2_cbor_query_compatible() {
    check("input", "smithy-rpc-v2-cbor-query-compatible", 1);
}

#[test]
fn protocol_suite_input_smithy_rpc_v2_cbor_non_query_compatible() {
    check("input", "smithy-rpc-v2-cbor-non-query-compatible", 1);
}

#[test]
fn protocol_suite_output_smithy_rpc_v2_cbor() {
    check("output", "smithy-rpc-v2-cbor", 33);
}

#[test]
fn protocol_suite_output_smithy_rpc_v2_cbor_query_compatible() {
    check("output", "smithy-rpc-v2-cbor-query-compatible", 2);
}

// ---------------------------------------------------------------------------------------------
// Bounded fuzzing: truncated and corrupted real bodies never panic
// ---------------------------------------------------------------------------------------------

/// A tiny deterministic generator (SplitMix64): reproducible without a dependency.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Feeds `body` to every response entry point of the protocol; only a panic is a failure.
fn exercise(fx: &Fixture, headers: &http::HeaderMap, body: &[u8]) {
    for status in [200u16, 400] {
        let resp = Response {
            status,
            headers,
            body,
        };
        let _ = parse_output(fx.service, fx.op, &resp, None);
        let _ = parse_error(fx.service, fx.op, &resp);
        for shape in fx.service.errors {
            let _ = parse_error_shape(fx.service, shape, &resp);
        }
    }
}

#[test]
fn truncated_and_corrupted_bodies_never_panic() {
    let suites = load("output/smithy-rpc-v2-cbor.json");
    let mut rng = SplitMix(0x5eed_cb0e);
    let mut runs = 0usize;
    for suite in suites.as_array().expect("list of suites") {
        for case in suite["cases"].as_array().into_iter().flatten() {
            let id = case["id"].as_str().unwrap_or("?");
            let fx = fixture(suite, case);
            let (_, headers, body) = response_parts(case);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let mut n = 0usize;
                // Every prefix (truncation at each byte).
                for end in 0..body.len() {
                    exercise(&fx, &headers, &body[..end]);
                    n += 1;
                }
                if body.is_empty() {
                    return n;
                }
                // Deterministic corruption: single-byte flips, random bytes, and a few with
                // several changes at once.
                for round in 0..300 {
                    let mut bad = body.clone();
                    let changes = 1 + (round % 3);
                    for _ in 0..changes {
                        let i = (rng.next() % bad.len() as u64) as usize;
                        let r = rng.next();
                        bad[i] = if r % 2 == 0 {
                            bad[i] ^ (1 << (r % 8))
                        } else {
                            (r >> 8) as u8
                        };
                    }
                    exercise(&fx, &headers, &bad);
                    n += 1;
                }
                n
            }));
            match outcome {
                Ok(n) => runs += n,
                Err(_) => panic!("{id}: a corrupted or truncated body panicked"),
            }
        }
    }
    assert!(runs > 5_000, "only {runs} bodies were tried");
}

#[test]
fn exception_flag_is_set_by_the_builder() {
    let defs = serde_json::json!({"E": {"type": "structure", "members": {}, "exception": true}});
    let mut b = ShapeBuilder::new(defs.as_object().unwrap());
    assert!(b.shape("E", UNROLL).has(crate::schema::EXCEPTION));
}
