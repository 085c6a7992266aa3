//! One runner for AWS's protocol test suites (botocore 1.44.5, `tests/data/protocol-tests`),
//! compared the way botocore's `tests/unit/test_protocols.py` compares them, for every protocol.
//!
//! Shapes are built at run time from each suite's `shapes` (leaked: fine in a test), members in
//! file order (serde_json's map sorts keys, and XML element order and query map numbering depend
//! on it); recursive shapes are unrolled to a fixed depth, since leaked values cannot form cycles.
//! Every case runs, ignore-listed ones too: those are reported but do not fail the test, so a
//! fix shows up as an ignore-listed pass.
//!
//! Requests: the method, the URI (member query appended with `percent_encode_sequence`),
//! expected headers with the protocol's normalisation (see [`header_matches`]), forbidden and
//! required headers, the host with its `hostPrefix`, and the body through the protocol's own
//! comparison (form pairs, parsed JSON, canonical XML, CBOR as data). Responses: output members,
//! or the error code and message and then the modeled error's members.

use super::{parse_error, parse_error_shape, parse_output, serialize, Response};
use crate::schema::{
    prelude, Kind, Location, Member, Operation, Protocol, Service, Shape, TimestampFormat,
    XmlNamespace, DOCUMENT, EVENT_STREAM, FLATTENED, HOST_LABEL, HTTP_CHECKSUM_REQUIRED,
    IDEMPOTENCY_TOKEN, JSON_VALUE, PAYLOAD, REQUIRED, SENSITIVE, SHAPE_FLATTENED, SHAPE_SENSITIVE,
    STREAMING, XML_ATTRIBUTE,
};
use crate::types::{Blob, DateTime, Document};
use crate::value::Value;
use serde_json::Value as Json;
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// How often a recursive shape is unrolled; deeper than any suite case nests.
const UNROLL: usize = 16;

pub(crate) fn leak<T>(t: T) -> &'static T {
    Box::leak(Box::new(t))
}

pub(crate) fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

pub(crate) fn load(rel: &str) -> Json {
    let path = format!(
        "{}/tests/data/protocol-tests/{rel}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ts_format(j: &Json) -> Option<TimestampFormat> {
    match j.as_str()?.to_ascii_lowercase().as_str() {
        "iso8601" => Some(TimestampFormat::Iso8601),
        "rfc822" => Some(TimestampFormat::Rfc822),
        "unixtimestamp" => Some(TimestampFormat::UnixTimestamp),
        other => panic!("timestamp format {other}"),
    }
}

fn xml_ns(j: &Json) -> Option<&'static XmlNamespace> {
    let (prefix, uri) = match j {
        Json::String(u) => (None, u.as_str()),
        Json::Object(o) => (
            o.get("prefix").and_then(Json::as_str).map(leak_str),
            o.get("uri").and_then(Json::as_str)?,
        ),
        _ => return None,
    };
    Some(leak(XmlNamespace {
        prefix,
        uri: leak_str(uri),
    }))
}

fn is_document(shape: &Shape) -> bool {
    matches!(shape.kind, Kind::Document) || shape.has(DOCUMENT)
}

// ---------------------------------------------------------------------------------------------
// Key order (serde_json sorts object keys; the suites' order matters)
// ---------------------------------------------------------------------------------------------

/// JSON whose objects keep their key order.
pub(crate) enum Ordered {
    Other,
    Array(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Ordered::Array(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = a.next_entry::<String, Ordered>()? {
                    v.push((k, x));
                }
                Ok(Ordered::Object(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl Ordered {
    fn get(&self, key: &str) -> Option<&Ordered> {
        match self {
            Ordered::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// One suite's key order: structure name → member names, and each case's `params`.
#[derive(Default)]
pub(crate) struct SuiteOrder<'o> {
    members: HashMap<String, Vec<String>>,
    params: Vec<Option<&'o Ordered>>,
}

/// The key order of every suite in a suite file, read as [`Ordered`].
fn suite_orders(file: &Ordered) -> Vec<SuiteOrder<'_>> {
    let Ordered::Array(suites) = file else {
        panic!("a suite file is a list of suites")
    };
    suites
        .iter()
        .map(|suite| {
            let mut members = HashMap::new();
            if let Some(Ordered::Object(shapes)) = suite.get("shapes") {
                for (name, def) in shapes {
                    if let Some(Ordered::Object(ms)) = def.get("members") {
                        members.insert(name.clone(), ms.iter().map(|(k, _)| k.clone()).collect());
                    }
                }
            }
            let mut params = Vec::new();
            if let Some(Ordered::Array(cases)) = suite.get("cases") {
                params.extend(cases.iter().map(|c| c.get("params")));
            }
            SuiteOrder { members, params }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Shapes, service and operation
// ---------------------------------------------------------------------------------------------

/// Builds `&'static Shape`s from a suite's `shapes` object.
pub(crate) struct ShapeBuilder<'a> {
    defs: &'a serde_json::Map<String, Json>,
    order: Option<&'a HashMap<String, Vec<String>>>,
    cache: HashMap<(String, usize), &'static Shape>,
}

impl<'a> ShapeBuilder<'a> {
    pub(crate) fn new(
        defs: &'a serde_json::Map<String, Json>,
        order: Option<&'a HashMap<String, Vec<String>>>,
    ) -> Self {
        ShapeBuilder {
            defs,
            order,
            cache: HashMap::new(),
        }
    }

    /// Shape `name`, unrolled [`UNROLL`] levels deep.
    pub(crate) fn get(&mut self, name: &str) -> &'static Shape {
        self.shape(name, UNROLL)
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
                    let members = self.members(name, def, depth - 1);
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
                "document" => Shape::scalar(sname, Kind::Document).with(DOCUMENT),
                other => panic!("unknown shape type {other}"),
            }
        };
        for (key, flag) in [
            ("flattened", SHAPE_FLATTENED),
            ("streaming", STREAMING),
            ("eventstream", EVENT_STREAM),
            ("document", DOCUMENT),
            ("sensitive", SHAPE_SENSITIVE),
        ] {
            if def[key] == Json::Bool(true) {
                shape = shape.with(flag);
            }
        }
        if let Some(f) = ts_format(&def["timestampFormat"]) {
            shape = shape.ts(f);
        }
        if let Some(n) = def["locationName"].as_str() {
            shape.location_name = Some(leak_str(n));
        }
        shape.xml_namespace = xml_ns(&def["xmlNamespace"]);
        if def["exception"] == Json::Bool(true) {
            let code = def["error"]["code"].as_str().unwrap_or(name);
            let status = def["error"]["httpStatusCode"].as_u64().unwrap_or(400) as u16;
            shape = shape.error(leak_str(code), status);
        }
        let shape: &'static Shape = leak(shape);
        self.cache.insert((name.to_string(), depth), shape);
        shape
    }

    /// A structure's members in file order, with `required` and `payload` applied.
    fn members(&mut self, name: &str, def: &Json, depth: usize) -> &'static [Member] {
        let Some(ms) = def["members"].as_object() else {
            return &[];
        };
        let required: HashSet<&str> = def["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let payload = def["payload"].as_str();
        let names: Vec<String> = match self.order.and_then(|o| o.get(name)) {
            Some(o) => o.clone(),
            None => ms.keys().cloned().collect(),
        };
        let mut members = Vec::new();
        for mname in &names {
            let mut m = self.member(mname, &ms[mname], depth);
            if required.contains(mname.as_str()) {
                m = m.with(REQUIRED);
            }
            if payload == Some(mname.as_str()) {
                m = m.with(PAYLOAD);
            }
            members.push(m);
        }
        Box::leak(members.into_boxed_slice())
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
        if let Some(n) = def["queryName"].as_str() {
            m.query_name = Some(leak_str(n));
        }
        if let Some(f) = ts_format(&def["timestampFormat"]) {
            m = m.ts(f);
        }
        m.xml_namespace = xml_ns(&def["xmlNamespace"]);
        for (key, flag) in [
            ("flattened", FLATTENED),
            ("xmlAttribute", XML_ATTRIBUTE),
            ("idempotencyToken", IDEMPOTENCY_TOKEN),
            ("hostLabel", HOST_LABEL),
            ("jsonvalue", JSON_VALUE),
            ("sensitive", SENSITIVE),
        ] {
            if def[key] == Json::Bool(true) {
                m = m.with(flag);
            }
        }
        m
    }
}

static EMPTY_SHAPE: Shape = Shape::structure("Empty", &[]);

/// A suite case's service and operation, all leaked.
pub(crate) struct Fixture {
    pub service: &'static Service,
    pub op: &'static Operation,
    /// The operation's modeled errors (`given.errors`).
    pub op_errors: Vec<&'static Shape>,
}

/// A copy of `shape` carrying the operation input's `locationName`/`xmlNamespace`, as botocore
/// merges them into the input shape's serialization.
fn with_input_traits(shape: &'static Shape, input: &Json) -> &'static Shape {
    let name = input["locationName"].as_str();
    let ns = xml_ns(&input["xmlNamespace"]);
    if name.is_none() && ns.is_none() {
        return shape;
    }
    let kind = match shape.kind {
        Kind::Structure(m) => Kind::Structure(m),
        Kind::Union(m) => Kind::Union(m),
        _ => return shape,
    };
    let mut copy = Shape::scalar(shape.name, Kind::String);
    copy.kind = kind;
    copy.flags = shape.flags;
    copy.location_name = name.map(leak_str).or(shape.location_name);
    copy.xml_namespace = ns.or(shape.xml_namespace);
    leak(copy)
}

/// The service and operation of `case`. An operation without input or output shape gets what
/// generated code would give it: `prelude::UNIT` for smithy-rpc-v2-cbor, which tells the two
/// apart, an empty structure elsewhere.
pub(crate) fn fixture(
    protocol: Protocol,
    suite: &Json,
    order: Option<&HashMap<String, Vec<String>>>,
    case: &Json,
) -> Fixture {
    let empty = serde_json::Map::new();
    let defs = suite["shapes"].as_object().unwrap_or(&empty);
    let mut b = ShapeBuilder::new(defs, order);
    let md = &suite["metadata"];
    let mut errors: Vec<&'static Shape> = Vec::new();
    let mut names: Vec<&str> = defs.keys().map(String::as_str).collect();
    names.sort_unstable();
    for name in names {
        if defs[name]["exception"] == Json::Bool(true) {
            errors.push(b.get(name));
        }
    }
    let given = &case["given"];
    let op_errors: Vec<&'static Shape> = given["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["shape"].as_str())
        .map(|n| b.get(n))
        .collect();
    let op_error_indices: Vec<u16> = op_errors
        .iter()
        .filter_map(|s| errors.iter().position(|e| std::ptr::eq(*e, *s)))
        .map(|i| i as u16)
        .collect();
    let opt = |key: &str| md[key].as_str().map(leak_str);
    let service = leak(Service {
        name: "suite",
        service_id: opt("serviceId").unwrap_or("Suite"),
        api_version: opt("apiVersion").unwrap_or(""),
        endpoint_prefix: opt("endpointPrefix").unwrap_or("suite"),
        signing_name: opt("signingName").unwrap_or("suite"),
        protocol,
        protocols: Box::leak(vec![protocol].into_boxed_slice()),
        json_version: opt("jsonVersion"),
        target_prefix: opt("targetPrefix"),
        xml_namespace: None,
        query_compatible: md.get("awsQueryCompatible").is_some(),
        signature_version: "v4",
        errors: Box::leak(errors.into_boxed_slice()),
        client_context_params: &[],
        endpoint_rules: "",
    });
    let no_shape: &'static Shape = match protocol {
        Protocol::SmithyRpcV2Cbor => &prelude::UNIT,
        _ => &EMPTY_SHAPE,
    };
    let input = given["input"]["shape"]
        .as_str()
        .map_or(no_shape, |n| with_input_traits(b.get(n), &given["input"]));
    let output = given["output"]["shape"]
        .as_str()
        .map_or(no_shape, |n| b.get(n));
    let name = leak_str(given["name"].as_str().unwrap_or("Operation"));
    let mut op = Operation::new(
        name,
        leak_str(given["http"]["method"].as_str().unwrap_or("POST")),
        leak_str(given["http"]["requestUri"].as_str().unwrap_or("/")),
        input,
        output,
    )
    .errors(Box::leak(op_error_indices.into_boxed_slice()));
    if let Some(c) = given["http"]["responseCode"].as_u64() {
        op.response_code = c as u16;
    }
    if given["httpChecksumRequired"] == Json::Bool(true) {
        op.flags |= HTTP_CHECKSUM_REQUIRED;
    }
    if let Some(p) = given["endpoint"]["hostPrefix"].as_str() {
        op = op.host_prefix(leak_str(p));
    }
    if let Some(w) = given["output"]["resultWrapper"].as_str() {
        op.result_wrapper = Some(leak_str(w));
    } else if protocol == Protocol::Query && !output.members().is_empty() {
        // As botocore's runner: the query suites omit the wrapper their bodies use.
        op.result_wrapper = Some(leak_str(&format!("{name}Result")));
    }
    Fixture {
        service,
        op: leak(op),
        op_errors,
    }
}

// ---------------------------------------------------------------------------------------------
// Values and expectations
// ---------------------------------------------------------------------------------------------

fn special_float(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// Whether `member` is a `jsonvalue` given as JSON text. Only the REST protocols bind the trait
/// (botocore's JSON serializer ignores it: the param is an ordinary string there).
fn json_text(protocol: Protocol, member: Option<&Member>) -> bool {
    matches!(protocol, Protocol::RestJson | Protocol::RestXml)
        && member.is_some_and(|m| m.has(JSON_VALUE))
}

/// A suite's `params` as a Value of `shape` for `protocol` (`member` gives member traits such as
/// `jsonvalue`; `order` the keys' file order); `None` for null.
pub(crate) fn to_value(
    protocol: Protocol,
    shape: &'static Shape,
    member: Option<&Member>,
    j: &Json,
    order: Option<&Ordered>,
) -> Option<Value> {
    if j.is_null() {
        return None;
    }
    if json_text(protocol, member) {
        return Some(Value::Str(serde_json::to_string(j).unwrap()));
    }
    if is_document(shape) {
        return Some(Value::Document(Document::from_json(j.clone())));
    }
    let get = |key: &str| order.and_then(|o| o.get(key));
    Some(match (&shape.kind, j) {
        (Kind::Structure(ms) | Kind::Union(ms), Json::Object(obj)) => Value::Struct(
            ms.iter()
                .map(|m| {
                    obj.get(m.name)
                        .and_then(|v| to_value(protocol, m.target, Some(m), v, get(m.name)))
                })
                .collect(),
        ),
        (Kind::List(item), Json::Array(a)) => Value::List(
            a.iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let oi = match order {
                        Some(Ordered::Array(items)) => items.get(i),
                        _ => None,
                    };
                    to_value(protocol, item.target, Some(item), v, oi)
                })
                .collect(),
        ),
        (Kind::Map(_, val), Json::Object(obj)) => {
            // The caller's order, as botocore iterates the user's dict.
            let keys: Vec<&String> = match order {
                Some(Ordered::Object(entries)) => entries.iter().map(|(k, _)| k).collect(),
                _ => obj.keys().collect(),
            };
            Value::Map(
                keys.into_iter()
                    .filter_map(|k| {
                        let v = to_value(protocol, val.target, Some(val), &obj[k], get(k))?;
                        Some((k.clone(), v))
                    })
                    .collect(),
            )
        }
        (Kind::Timestamp, Json::Number(n)) => Value::Timestamp(
            super::format::timestamp_from_epoch(n.as_f64().expect("timestamp"))
                .expect("timestamp in range"),
        ),
        (Kind::Timestamp, Json::String(t)) => {
            Value::Timestamp(DateTime::parse_any(t).expect("timestamp param"))
        }
        (Kind::Blob, Json::String(t)) => Value::Blob(Blob::from(t.as_str())),
        (Kind::Float | Kind::Double | Kind::BigDecimal, Json::String(t)) => {
            Value::Float(special_float(t).unwrap_or_else(|| t.parse().expect("float string")))
        }
        (Kind::Float | Kind::Double | Kind::BigDecimal, Json::Number(n)) => {
            Value::Float(n.as_f64().expect("float"))
        }
        (_, Json::Number(n)) => Value::Int(n.as_i64().expect("integer")),
        (_, Json::Bool(b)) => Value::Bool(*b),
        (_, Json::String(t)) => Value::Str(t.clone()),
        (k, j) => panic!("cannot convert {j} to {k:?}"),
    })
}

/// Compares a decoded Value with the suite's expected JSON (keyed by member names); the error
/// describes the first difference.
pub(crate) fn compare(
    protocol: Protocol,
    shape: &'static Shape,
    member: Option<&Member>,
    v: &Value,
    j: &Json,
    path: &str,
) -> Result<(), String> {
    let diff = |what: &str| Err(format!("{path}: {what}: got {v:?}, want {j}"));
    if json_text(protocol, member) {
        return match v {
            Value::Str(s) if serde_json::from_str::<Json>(s).ok().as_ref() == Some(j) => Ok(()),
            _ => diff("jsonvalue"),
        };
    }
    match (&shape.kind, v, j) {
        (_, Value::Document(d), _) if &d.to_json() == j || *d == Document::from_json(j.clone()) => {
            Ok(())
        }
        (Kind::Structure(ms) | Kind::Union(ms), Value::Struct(slots), Json::Object(o)) => {
            for k in o.keys() {
                if !ms.iter().any(|m| m.name == k) {
                    return Err(format!("{path}: expected unknown member {k}"));
                }
            }
            for (i, m) in ms.iter().enumerate() {
                let got = slots.get(i).and_then(Option::as_ref);
                let want = o.get(m.name).filter(|w| !w.is_null());
                let p = format!("{path}.{}", m.name);
                match (got, want) {
                    (None, None) => {}
                    (Some(g), Some(w)) => compare(protocol, m.target, Some(m), g, w, &p)?,
                    (g, w) => return Err(format!("{p}: got {g:?}, want {w:?}")),
                }
            }
            Ok(())
        }
        (Kind::List(item), Value::List(items), Json::Array(a)) => {
            if items.len() != a.len() {
                return diff("length");
            }
            for (i, (g, w)) in items.iter().zip(a).enumerate() {
                compare(
                    protocol,
                    item.target,
                    Some(item),
                    g,
                    w,
                    &format!("{path}[{i}]"),
                )?;
            }
            Ok(())
        }
        (Kind::Map(_, val), Value::Map(entries), Json::Object(o)) => {
            if entries.len() != o.len() {
                return diff("size");
            }
            for (k, g) in entries {
                match o.get(k) {
                    Some(w) => compare(
                        protocol,
                        val.target,
                        Some(val),
                        g,
                        w,
                        &format!("{path}[{k:?}]"),
                    )?,
                    None => return diff("key"),
                }
            }
            Ok(())
        }
        (_, Value::Str(g), Json::String(w)) if g == w => Ok(()),
        (_, Value::Bool(g), Json::Bool(w)) if g == w => Ok(()),
        (_, Value::Int(g), Json::Number(w)) if w.as_i64() == Some(*g) => Ok(()),
        (_, Value::Float(g), Json::Number(w)) if w.as_f64() == Some(*g) => Ok(()),
        (_, Value::Float(g), Json::String(w))
            if special_float(w).is_some_and(|w| w == *g || (w.is_nan() && g.is_nan())) =>
        {
            Ok(())
        }
        (_, Value::Timestamp(t), Json::Number(w))
            if w.as_f64()
                .is_some_and(|w| (t.as_secs_f64() - w).abs() < 1e-6) =>
        {
            Ok(())
        }
        (_, Value::Blob(b), Json::String(w)) if b.as_bytes() == w.as_bytes() => Ok(()),
        _ => diff("mismatch"),
    }
}

/// Whether a sent header matches the suite's expectation, as botocore's runner normalises it:
/// query suites omit `; charset=utf-8`; the REST runner drops rest-xml's expected
/// `Content-Type` (and rest-json's unless `application/json`) and joins list headers with `,`.
fn header_matches(
    protocol: Protocol,
    op: &Operation,
    name: &str,
    got: Option<&str>,
    want: &str,
) -> bool {
    let content_type = name.eq_ignore_ascii_case("content-type");
    match protocol {
        Protocol::Query | Protocol::Ec2 if content_type && !want.contains("charset=utf-8") => {
            got == Some(format!("{want}; charset=utf-8").as_str())
        }
        Protocol::RestXml | Protocol::RestJson => {
            if content_type && (protocol == Protocol::RestXml || want != "application/json") {
                return true;
            }
            let list = op.input.members().iter().find_map(|m| {
                match (&m.location, &m.target.kind, m.location_name) {
                    (Location::Header, Kind::List(item), Some(n))
                        if n.eq_ignore_ascii_case(name) =>
                    {
                        Some(matches!(item.target.kind, Kind::Timestamp))
                    }
                    _ => None,
                }
            });
            match list {
                Some(timestamps) => {
                    let got = got.map(|g| {
                        if timestamps {
                            g.replace(", ", ",")
                        } else {
                            g.into()
                        }
                    });
                    got.as_deref() == Some(want.replace(", ", ",").as_str())
                }
                None => got == Some(want),
            }
        }
        _ => got == Some(want),
    }
}

/// botocore's `percent_encode_sequence` of the query, appended to the URL path.
fn full_uri(path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return path.to_string();
    }
    let encoded: Vec<String> = query
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                crate::encoding::uri_encode(k),
                crate::encoding::uri_encode(v)
            )
        })
        .collect();
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{}", encoded.join("&"))
}

/// Compares a sent body with the suite's expected `body` text.
pub(crate) type BodyCheck = fn(got: &[u8], want: &str) -> Result<(), String>;

/// JSON bodies compare as parsed JSON; a body that does not parse compares as bytes (an empty
/// expected body means nothing was sent).
pub(crate) fn json_body(got: &[u8], want: &str) -> Result<(), String> {
    let same = match (
        serde_json::from_slice::<Json>(got),
        serde_json::from_str::<Json>(want),
    ) {
        (Ok(g), Ok(w)) => g == w,
        _ => got == want.as_bytes(),
    };
    if same {
        Ok(())
    } else {
        Err(format!(
            "body {:?} != {want:?}",
            String::from_utf8_lossy(got)
        ))
    }
}

/// Runs one input (serialization) case.
fn run_input_case(
    protocol: Protocol,
    suite: &Json,
    order: &SuiteOrder<'_>,
    index: usize,
    case: &Json,
    body_check: BodyCheck,
) -> Result<(), String> {
    let fx = fixture(protocol, suite, Some(&order.members), case);
    let params = order.params.get(index).copied().flatten();
    let input = to_value(protocol, fx.op.input, None, &case["params"], params)
        .unwrap_or(Value::Struct(vec![]));
    let req =
        serialize(protocol, fx.service, fx.op, input).map_err(|e| format!("serialize: {e}"))?;
    let want = &case["serialized"];
    if let Some(m) = want["method"].as_str() {
        if req.method != m {
            return Err(format!("method {} != {m}", req.method));
        }
    }
    if let Some(want_uri) = want["uri"].as_str() {
        let uri = full_uri(&req.path, &req.query);
        if uri != want_uri {
            return Err(format!("uri {uri} != {want_uri}"));
        }
    }
    for (k, v) in want["headers"].as_object().into_iter().flatten() {
        let v = v.as_str().unwrap_or("");
        if !header_matches(protocol, fx.op, k, req.header(k), v) {
            return Err(format!("header {k}: {:?} != {v:?}", req.header(k)));
        }
    }
    for h in want["forbidHeaders"].as_array().into_iter().flatten() {
        let h = h.as_str().unwrap_or("");
        if req.header(h).is_some() {
            return Err(format!("forbidden header {h} sent"));
        }
    }
    for h in want["requireHeaders"].as_array().into_iter().flatten() {
        let h = h.as_str().unwrap_or("");
        // Content-Length is the HTTP layer's (client.rs), not the protocol's.
        if !h.eq_ignore_ascii_case("content-length") && req.header(h).is_none() {
            return Err(format!("required header {h} missing"));
        }
    }
    if let Some(body) = want["body"].as_str() {
        let got = req.body.bytes().ok_or("streaming body")?;
        body_check(got, body)?;
    }
    if let Some(host) = want["host"].as_str() {
        let endpoint = suite["clientEndpoint"]
            .as_str()
            .unwrap_or("https://example.com");
        let authority = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
        let authority = authority.split('/').next().unwrap_or("");
        let got = format!("{}{authority}", req.host_prefix.as_deref().unwrap_or(""));
        if got != host {
            return Err(format!("host {got} != {host}"));
        }
    }
    Ok(())
}

pub(crate) fn header_map(headers: &Json) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (k, v) in headers.as_object().into_iter().flatten() {
        map.append(
            http::HeaderName::from_bytes(k.as_bytes()).expect("header name"),
            http::HeaderValue::from_str(v.as_str().unwrap_or("")).expect("header value"),
        );
    }
    map
}

/// A response case's status, headers and body; `base64_body` for protocols whose suites
/// encode binary bodies.
pub(crate) fn response_parts(case: &Json, base64_body: bool) -> (u16, http::HeaderMap, Vec<u8>) {
    use base64::Engine as _;
    let r = &case["response"];
    let text = r["body"].as_str().unwrap_or("");
    let body = if base64_body {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .expect("base64 response body")
    } else {
        text.as_bytes().to_vec()
    };
    (
        r["status_code"].as_u64().unwrap_or(200) as u16,
        header_map(&r["headers"]),
        body,
    )
}

/// Runs one output (parsing) case.
fn run_output_case(
    protocol: Protocol,
    suite: &Json,
    order: &SuiteOrder<'_>,
    case: &Json,
    base64_body: bool,
) -> Result<(), String> {
    let fx = fixture(protocol, suite, Some(&order.members), case);
    let (status, headers, body) = response_parts(case, base64_body);
    let response = Response {
        status,
        headers: &headers,
        body: &body,
    };
    let Some(expected) = case.get("error") else {
        let v = parse_output(protocol, fx.service, fx.op, &response, None)
            .map_err(|e| format!("parse: {e}"))?;
        let output = fx.op.output;
        return compare(protocol, output, None, &v, &case["result"], output.name);
    };
    let parts = parse_error(protocol, fx.service, fx.op, &response);
    let want_code = case["errorCode"].as_str().unwrap_or("");
    if parts.code != want_code {
        return Err(format!("code {:?} != {want_code:?}", parts.code));
    }
    let want_msg = case["errorMessage"].as_str().unwrap_or("");
    if parts.message.as_deref().unwrap_or("") != want_msg {
        return Err(format!("message {:?} != {want_msg:?}", parts.message));
    }
    let named = |s: &&&'static Shape| {
        s.error.map_or(s.name, |e| e.code) == parts.code || s.name == parts.code
    };
    let shape = fx
        .op_errors
        .iter()
        .find(named)
        .or_else(|| fx.service.errors.iter().find(named));
    let Some(shape) = shape else {
        // botocore finds no shape either: only Code and Message are compared.
        return match expected.as_object() {
            Some(o) if !o.is_empty() => Err(format!("no modeled error for {}", parts.code)),
            _ => Ok(()),
        };
    };
    let v = parse_error_shape(protocol, fx.service, shape, &response)
        .map_err(|e| format!("parse: {e}"))?;
    compare(protocol, shape, None, &v, expected, shape.name)
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/// Which cases to run and how.
pub(crate) struct SuiteFile {
    /// `input/query.json`, …
    pub path: &'static str,
    pub protocol: Protocol,
    /// The key of the ignore list's `protocols` section.
    pub ignore_key: &'static str,
    /// Fewer passing cases than this fails the test (a file that stopped loading, say).
    pub min_passed: usize,
    /// Input cases: compares the request body.
    pub body_check: BodyCheck,
    /// Output cases: the suite's bodies are base64.
    pub base64_bodies: bool,
}

fn ignored(ignore: &Json, protocol: &str, direction: &str, suite: &str, case: &str) -> bool {
    let has = |j: &Json, key: &str, v: &str| {
        j[key]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(v)))
    };
    let general = &ignore["general"][direction];
    let proto = &ignore["protocols"][protocol][direction];
    has(general, "suites", suite)
        || has(general, "cases", case)
        || has(proto, "suites", suite)
        || has(proto, "cases", case)
}

/// Runs every case of `file`, reports each failure, and fails on any failure outside the ignore
/// list or on too few passes.
pub(crate) fn run(file: SuiteFile) {
    let ignore = load("protocol-tests-ignore-list.json");
    let suites = load(file.path);
    let ordered: Ordered = {
        let path = format!(
            "{}/tests/data/protocol-tests/{}",
            env!("CARGO_MANIFEST_DIR"),
            file.path
        );
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    };
    let orders = suite_orders(&ordered);
    let direction = if file.path.starts_with("input/") {
        "input"
    } else {
        "output"
    };
    let (mut passed, mut failed, mut ign_pass, mut ign_fail) = (0, vec![], vec![], vec![]);
    let list = suites.as_array().expect("list of suites");
    for (suite, order) in list.iter().zip(&orders) {
        let desc = suite["description"].as_str().unwrap_or("");
        for (i, case) in suite["cases"].as_array().into_iter().flatten().enumerate() {
            let id = case["id"].as_str().unwrap_or("?");
            let skip = ignored(&ignore, file.ignore_key, direction, desc, id);
            let result = catch_unwind(AssertUnwindSafe(|| match direction {
                "input" => run_input_case(file.protocol, suite, order, i, case, file.body_check),
                _ => run_output_case(file.protocol, suite, order, case, file.base64_bodies),
            }))
            .unwrap_or_else(|_| Err("panicked".to_string()));
            match (skip, result) {
                (false, Ok(())) => passed += 1,
                (false, Err(e)) => failed.push(format!("{id} ({desc}): {e}")),
                (true, Ok(())) => ign_pass.push(id.to_string()),
                (true, Err(e)) => ign_fail.push(format!("{id}: {e}")),
            }
        }
    }
    eprintln!(
        "{}: {passed} passed, {} failed; ignore-listed: {} pass, {} fail",
        file.path,
        failed.len(),
        ign_pass.len(),
        ign_fail.len()
    );
    for f in &failed {
        eprintln!("  FAIL {f}");
    }
    for f in &ign_fail {
        eprintln!("  (ignore-listed) FAIL {f}");
    }
    for f in &ign_pass {
        eprintln!("  (ignore-listed) pass {f}");
    }
    assert!(
        failed.is_empty(),
        "{}: {} case(s) failed:\n{}",
        file.path,
        failed.len(),
        failed.join("\n")
    );
    assert!(
        passed >= file.min_passed,
        "{}: only {passed} cases passed",
        file.path
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::EXCEPTION;

    #[test]
    fn exception_flag_is_set_by_the_builder() {
        let defs =
            serde_json::json!({"E": {"type": "structure", "members": {}, "exception": true}});
        let mut b = ShapeBuilder::new(defs.as_object().unwrap(), None);
        assert!(b.get("E").has(EXCEPTION));
    }
}
