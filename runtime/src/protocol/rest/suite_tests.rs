//! AWS's rest-json and rest-xml protocol suites, compared the way botocore's
//! `tests/unit/test_protocols.py` compares them: the URI exactly (template query kept, member
//! query appended with `percent_encode_sequence`), expected headers present with equal values
//! (list headers with `, ` normalized; rest-xml's expected `Content-Type` dropped, rest-json's
//! dropped unless `application/json`), forbidden headers absent, JSON bodies compared parsed,
//! XML bodies compared canonicalized with text stripped.

use crate::protocol::{parse_error, parse_error_shape, parse_output, serialize, Response};
use crate::schema::{
    ErrorInfo, Kind, Location, Member, Operation, Protocol, Service, Shape, TimestampFormat,
    XmlNamespace, DOCUMENT, EVENT_STREAM, FLATTENED, HOST_LABEL, HTTP_CHECKSUM_REQUIRED,
    IDEMPOTENCY_TOKEN, JSON_VALUE, PAYLOAD, SHAPE_FLATTENED, STREAMING, XML_ATTRIBUTE,
};
use crate::types::{Blob, DateTime, Document};
use crate::value::Value;
use quick_xml::events::Event;
use serde_json::Value as Json;
use std::collections::HashMap;

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn xml_ns(j: &Json) -> Option<&'static XmlNamespace> {
    let (prefix, uri) = match j {
        Json::String(u) => (None, u.as_str()),
        Json::Object(o) => (
            o.get("prefix").and_then(Json::as_str).map(leak),
            o.get("uri").and_then(Json::as_str)?,
        ),
        _ => return None,
    };
    Some(Box::leak(Box::new(XmlNamespace {
        prefix,
        uri: leak(uri),
    })))
}

/// Builds `&'static Shape`s from a suite's `shapes` JSON; recursion is unrolled a few levels.
struct Shapes<'j> {
    json: &'j serde_json::Map<String, Json>,
    cache: HashMap<String, &'static Shape>,
    /// Member names of each structure in model order (serde_json's map sorts them).
    order: &'j HashMap<String, Vec<String>>,
}

impl<'j> Shapes<'j> {
    fn new(json: &'j Json, order: &'j HashMap<String, Vec<String>>) -> Self {
        Shapes {
            json: json.as_object().expect("shapes"),
            cache: HashMap::new(),
            order,
        }
    }

    fn get(&mut self, name: &str) -> &'static Shape {
        if let Some(s) = self.cache.get(name) {
            return s;
        }
        let shape = self.build(name, &mut Vec::new());
        self.cache.insert(name.to_string(), shape);
        shape
    }

    fn build(&mut self, name: &str, stack: &mut Vec<String>) -> &'static Shape {
        let def = &self.json[name];
        if stack.iter().filter(|n| *n == name).count() >= 6 {
            return Box::leak(Box::new(Shape::structure(leak(name), &[])));
        }
        stack.push(name.to_string());
        let mut flags = 0;
        let kind = match def["type"].as_str().unwrap() {
            "structure" => {
                let payload = def["payload"].as_str();
                let mut members = Vec::new();
                if let Some(ms) = def["members"].as_object() {
                    let names: Vec<String> = match self.order.get(name) {
                        Some(o) => o.clone(),
                        None => ms.keys().cloned().collect(),
                    };
                    for mname in &names {
                        let mdef = &ms[mname];
                        let mut m = self.member(mname, mdef, stack);
                        if payload == Some(mname.as_str()) {
                            m.flags |= PAYLOAD;
                        }
                        members.push(m);
                    }
                }
                let members: &'static [Member] = Box::leak(members.into_boxed_slice());
                if def["union"].as_bool() == Some(true) {
                    Kind::Union(members)
                } else {
                    Kind::Structure(members)
                }
            }
            "list" => Kind::List(Box::leak(Box::new(self.member(
                "member",
                &def["member"],
                stack,
            )))),
            "map" => Kind::Map(
                Box::leak(Box::new(self.member("key", &def["key"], stack))),
                Box::leak(Box::new(self.member("value", &def["value"], stack))),
            ),
            "string" => Kind::String,
            "boolean" => Kind::Boolean,
            "byte" => Kind::Byte,
            "short" => Kind::Short,
            "integer" => Kind::Integer,
            "long" => Kind::Long,
            "float" => Kind::Float,
            "double" => Kind::Double,
            "bigInteger" => Kind::BigInteger,
            "bigDecimal" => Kind::BigDecimal,
            "blob" => Kind::Blob,
            "timestamp" => Kind::Timestamp,
            "document" => {
                flags |= DOCUMENT;
                Kind::Document
            }
            other => panic!("shape type {other}"),
        };
        stack.pop();
        let mut shape = Shape::scalar(leak(name), Kind::String);
        shape.kind = kind;
        shape.flags |= flags;
        for (key, flag) in [
            ("flattened", SHAPE_FLATTENED),
            ("streaming", STREAMING),
            ("eventstream", EVENT_STREAM),
            ("document", DOCUMENT),
        ] {
            if def[key].as_bool() == Some(true) {
                shape.flags |= flag;
            }
        }
        if let Some(n) = def["locationName"].as_str() {
            shape.location_name = Some(leak(n));
        }
        shape.xml_namespace = xml_ns(&def["xmlNamespace"]);
        shape.timestamp_format = ts_format(&def["timestampFormat"]);
        if def["exception"].as_bool() == Some(true) {
            let code = def["error"]["code"].as_str().unwrap_or(name);
            let status = def["error"]["httpStatusCode"].as_u64().unwrap_or(400) as u16;
            shape.error = Some(ErrorInfo {
                code: leak(code),
                status,
            });
        }
        Box::leak(Box::new(shape))
    }

    fn member(&mut self, name: &str, def: &Json, stack: &mut Vec<String>) -> Member {
        let target = self.build(def["shape"].as_str().unwrap(), stack);
        let mut m = Member::new(leak(name), target);
        if let Some(n) = def["locationName"].as_str() {
            m.location_name = Some(leak(n));
        }
        m.timestamp_format = ts_format(&def["timestampFormat"]);
        m.xml_namespace = xml_ns(&def["xmlNamespace"]);
        for (key, flag) in [
            ("flattened", FLATTENED),
            ("xmlAttribute", XML_ATTRIBUTE),
            ("idempotencyToken", IDEMPOTENCY_TOKEN),
            ("hostLabel", HOST_LABEL),
            ("jsonvalue", JSON_VALUE),
        ] {
            if def[key].as_bool() == Some(true) {
                m.flags |= flag;
            }
        }
        m.location = match def["location"].as_str() {
            Some("header") => Location::Header,
            Some("headers") => Location::Headers,
            Some("statusCode") => Location::StatusCode,
            Some("uri") => Location::Uri,
            Some("querystring") => Location::Querystring,
            _ => Location::Body,
        };
        m
    }
}

fn ts_format(j: &Json) -> Option<TimestampFormat> {
    match j.as_str()? {
        "iso8601" => Some(TimestampFormat::Iso8601),
        "rfc822" => Some(TimestampFormat::Rfc822),
        "unixTimestamp" => Some(TimestampFormat::UnixTimestamp),
        other => panic!("timestamp format {other}"),
    }
}

/// Params JSON → Value for `shape` (`member` gives member-level traits such as `jsonvalue`).
fn to_value(
    shape: &'static Shape,
    member: Option<&Member>,
    j: &Json,
    o: Option<&Ordered>,
) -> Value {
    if member.is_some_and(|m| m.has(JSON_VALUE)) {
        return Value::Str(serde_json::to_string(j).unwrap());
    }
    if matches!(shape.kind, Kind::Document) || shape.has(DOCUMENT) {
        return Value::Document(Document::from_json(j.clone()));
    }
    match (&shape.kind, j) {
        (Kind::Structure(ms) | Kind::Union(ms), Json::Object(obj)) => Value::Struct(
            ms.iter()
                .map(|m| {
                    obj.get(m.name)
                        .filter(|v| !v.is_null())
                        .map(|v| to_value(m.target, Some(m), v, o.and_then(|o| get(o, m.name))))
                })
                .collect(),
        ),
        (Kind::List(item), Json::Array(a)) => Value::List(
            a.iter()
                .enumerate()
                .map(|(i, v)| {
                    let oi = match o {
                        Some(Ordered::Array(items)) => items.get(i),
                        _ => None,
                    };
                    to_value(item.target, Some(item), v, oi)
                })
                .collect(),
        ),
        (Kind::Map(_, val), Json::Object(obj)) => {
            // The caller's order, as botocore iterates the user's dict.
            let keys: Vec<String> = match o {
                Some(Ordered::Object(entries)) => entries.iter().map(|(k, _)| k.clone()).collect(),
                _ => obj.keys().cloned().collect(),
            };
            Value::Map(
                keys.iter()
                    .map(|k| {
                        let ok = o.and_then(|o| get(o, k));
                        (k.clone(), to_value(val.target, Some(val), &obj[k], ok))
                    })
                    .collect(),
            )
        }
        (Kind::Timestamp, Json::Number(n)) => {
            Value::Timestamp(DateTime::from_secs_f64(n.as_f64().unwrap()))
        }
        (Kind::Timestamp, Json::String(t)) => Value::Timestamp(DateTime::parse_any(t).unwrap()),
        (Kind::Blob, Json::String(t)) => Value::Blob(Blob::from(t.as_str())),
        (Kind::Float | Kind::Double, Json::String(t)) => Value::Float(match t.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            other => panic!("float {other}"),
        }),
        (Kind::Float | Kind::Double, Json::Number(n)) => Value::Float(n.as_f64().unwrap()),
        (_, Json::Number(n)) => Value::Int(n.as_i64().unwrap()),
        (_, Json::Bool(b)) => Value::Bool(*b),
        (_, Json::String(t)) => Value::Str(t.clone()),
        (k, j) => panic!("cannot convert {j} to {k:?}"),
    }
}

/// Compares a decoded Value with the suite's expected JSON.
fn compare(
    shape: &'static Shape,
    member: Option<&Member>,
    v: &Value,
    j: &Json,
    path: &str,
) -> Result<(), String> {
    let diff = |what: &str| Err(format!("{path}: {what}: got {v:?}, want {j}"));
    if member.is_some_and(|m| m.has(JSON_VALUE)) {
        return match v {
            Value::Str(s) if serde_json::from_str::<Json>(s).ok().as_ref() == Some(j) => Ok(()),
            _ => diff("jsonvalue"),
        };
    }
    match (&shape.kind, v, j) {
        (_, Value::Document(d), _) if &d.to_json() == j => Ok(()),
        (Kind::Structure(ms) | Kind::Union(ms), Value::Struct(slots), Json::Object(o)) => {
            for (i, m) in ms.iter().enumerate() {
                let got = slots.get(i).and_then(Option::as_ref);
                let want = o.get(m.name).filter(|w| !w.is_null());
                let p = format!("{path}.{}", m.name);
                match (got, want) {
                    (None, None) => {}
                    (Some(g), Some(w)) => compare(m.target, Some(m), g, w, &p)?,
                    (g, w) => return Err(format!("{p}: got {g:?}, want {w:?}")),
                }
            }
            for k in o.keys() {
                if !ms.iter().any(|m| m.name == k) {
                    return Err(format!("{path}: expected unknown member {k}"));
                }
            }
            Ok(())
        }
        (Kind::List(item), Value::List(items), Json::Array(a)) => {
            if items.len() != a.len() {
                return diff("length");
            }
            for (i, (g, w)) in items.iter().zip(a).enumerate() {
                compare(item.target, Some(item), g, w, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Kind::Map(_, val), Value::Map(entries), Json::Object(o)) => {
            if entries.len() != o.len() {
                return diff("size");
            }
            for (k, g) in entries {
                match o.get(k) {
                    Some(w) => compare(val.target, Some(val), g, w, &format!("{path}[{k}]"))?,
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
            if (w == "NaN" && g.is_nan())
                || (w == "Infinity" && *g == f64::INFINITY)
                || (w == "-Infinity" && *g == f64::NEG_INFINITY) =>
        {
            Ok(())
        }
        (_, Value::Timestamp(t), Json::Number(w))
            if (t.as_secs_f64() - w.as_f64().unwrap()).abs() < 1e-6 =>
        {
            Ok(())
        }
        (_, Value::Blob(b), Json::String(w)) if b.as_bytes() == w.as_bytes() => Ok(()),
        _ => diff("mismatch"),
    }
}

fn load(rel: &str) -> Json {
    let path = format!(
        "{}/tests/data/protocol-tests/{rel}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// JSON whose objects keep their key order.
enum Ordered {
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

fn get<'a>(o: &'a Ordered, key: &str) -> Option<&'a Ordered> {
    match o {
        Ordered::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

type SuiteOrder = (HashMap<String, Vec<String>>, Vec<Option<Ordered>>);

/// For each suite of a file: structure name → member names in file order, and each case's
/// params in file order.
fn member_orders(rel: &str) -> Vec<SuiteOrder> {
    let path = format!(
        "{}/tests/data/protocol-tests/{rel}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let Ordered::Array(suites) = serde_json::from_str::<Ordered>(&text).unwrap() else {
        panic!("suites")
    };
    suites
        .iter()
        .map(|suite| {
            let mut out = HashMap::new();
            if let Some(Ordered::Object(shapes)) = get(suite, "shapes") {
                for (name, def) in shapes {
                    if let Some(Ordered::Object(ms)) = get(def, "members") {
                        out.insert(name.clone(), ms.iter().map(|(k, _)| k.clone()).collect());
                    }
                }
            }
            let mut params = Vec::new();
            if let Some(Ordered::Array(cases)) = get(suite, "cases") {
                for c in cases {
                    params.push(take(c, "params"));
                }
            }
            (out, params)
        })
        .collect()
}

fn take(o: &Ordered, key: &str) -> Option<Ordered> {
    fn copy(o: &Ordered) -> Ordered {
        match o {
            Ordered::Other => Ordered::Other,
            Ordered::Array(a) => Ordered::Array(a.iter().map(copy).collect()),
            Ordered::Object(e) => {
                Ordered::Object(e.iter().map(|(k, v)| (k.clone(), copy(v))).collect())
            }
        }
    }
    get(o, key).map(copy)
}

fn ignored(ignore: &Json, protocol: &str, kind: &str, suite: &str, case: &str) -> bool {
    let has = |j: &Json, key: &str, v: &str| {
        j[key]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(v)))
    };
    let general = &ignore["general"][kind];
    let proto = &ignore["protocols"][protocol][kind];
    has(general, "suites", suite)
        || has(general, "cases", case)
        || has(proto, "suites", suite)
        || has(proto, "cases", case)
}

fn service_for(protocol: Protocol, errors: Vec<&'static Shape>) -> &'static Service {
    Box::leak(Box::new(Service {
        name: "test",
        service_id: "Test",
        api_version: "2020-01-01",
        endpoint_prefix: "test",
        signing_name: "test",
        protocol,
        protocols: &[],
        json_version: None,
        target_prefix: None,
        xml_namespace: None,
        query_compatible: false,
        signature_version: "v4",
        errors: Box::leak(errors.into_boxed_slice()),
        client_context_params: &[],
        endpoint_rules: "",
    }))
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
    copy.location_name = name.map(leak).or(shape.location_name);
    copy.xml_namespace = ns.or(shape.xml_namespace);
    Box::leak(Box::new(copy))
}

fn operation(shapes: &mut Shapes<'_>, given: &Json) -> &'static Operation {
    let empty: &'static Shape = Box::leak(Box::new(Shape::structure("Empty", &[])));
    let input = given["input"]["shape"]
        .as_str()
        .map_or(empty, |n| with_input_traits(shapes.get(n), &given["input"]));
    let output = given["output"]["shape"]
        .as_str()
        .map_or(empty, |n| shapes.get(n));
    let name = leak(given["name"].as_str().unwrap());
    let method = leak(given["http"]["method"].as_str().unwrap_or("POST"));
    let uri = leak(given["http"]["requestUri"].as_str().unwrap_or("/"));
    let mut op = Operation::new(name, method, uri, input, output);
    if let Some(c) = given["http"]["responseCode"].as_u64() {
        op.response_code = c as u16;
    }
    if given["httpChecksumRequired"].as_bool() == Some(true) {
        op.flags |= HTTP_CHECKSUM_REQUIRED;
    }
    if let Some(p) = given["endpoint"]["hostPrefix"].as_str() {
        op.host_prefix = Some(leak(p));
    }
    Box::leak(Box::new(op))
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

/// An element of a canonical XML tree: qualified name, sorted attributes (namespace
/// declarations included), stripped text.
#[derive(Debug, PartialEq)]
struct CNode {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<CNode>,
}

fn canonical_xml(s: &[u8]) -> Option<CNode> {
    let mut reader = quick_xml::Reader::from_reader(s);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<CNode> = Vec::new();
    let mut root = None;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.ok()?;
                    attrs.push((
                        String::from_utf8(a.key.as_ref().to_vec()).ok()?,
                        a.unescape_value().ok()?.into_owned(),
                    ));
                }
                attrs.sort();
                stack.push(CNode {
                    name: String::from_utf8(e.name().as_ref().to_vec()).ok()?,
                    attrs,
                    text: String::new(),
                    children: vec![],
                });
            }
            Event::End(_) => {
                let mut done = stack.pop()?;
                done.text = done.text.trim().to_string();
                match stack.last_mut() {
                    Some(p) => p.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content().ok()?);
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8(r.to_vec()).ok()?;
                let resolved = match r.resolve_char_ref().ok()? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&name)?.to_string(),
                };
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&resolved);
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(std::str::from_utf8(&t).ok()?);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    root
}

fn run_input_case(
    protocol: Protocol,
    suite: &Json,
    order: &HashMap<String, Vec<String>>,
    case: &Json,
    params: Option<&Ordered>,
) -> Result<(), String> {
    let mut shapes = Shapes::new(&suite["shapes"], order);
    let op = operation(&mut shapes, &case["given"]);
    let service = service_for(protocol, vec![]);
    let input = to_value(op.input, None, &case["params"], params);
    let req = serialize(protocol, service, op, input).map_err(|e| e.to_string())?;
    let want = &case["serialized"];
    if let Some(m) = want["method"].as_str() {
        if req.method != m {
            return Err(format!("method {} != {m}", req.method));
        }
    }
    let uri = full_uri(&req.path, &req.query);
    let want_uri = want["uri"].as_str().unwrap_or("");
    if uri != want_uri {
        return Err(format!("uri {uri} != {want_uri}"));
    }
    let list_headers: Vec<(&str, bool)> = op
        .input
        .members()
        .iter()
        .filter_map(|m| match (&m.location, &m.target.kind, m.location_name) {
            (Location::Header, Kind::List(item), Some(n)) => {
                Some((n, matches!(item.target.kind, Kind::Timestamp)))
            }
            _ => None,
        })
        .collect();
    if let Some(headers) = want["headers"].as_object() {
        for (k, v) in headers {
            let mut v = v.as_str().unwrap().to_string();
            if k.eq_ignore_ascii_case("content-type")
                && (protocol == Protocol::RestXml || v != "application/json")
            {
                continue;
            }
            let mut got = req.header(k).map(str::to_string);
            if let Some((_, ts)) = list_headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)) {
                v = v.replace(", ", ",");
                if *ts {
                    got = got.map(|g| g.replace(", ", ","));
                }
            }
            if got.as_deref() != Some(v.as_str()) {
                return Err(format!("header {k}: {got:?} != {v:?}"));
            }
        }
    }
    if let Some(forbid) = want["forbidHeaders"].as_array() {
        for h in forbid {
            if req.header(h.as_str().unwrap()).is_some() {
                return Err(format!("forbidden header {h} present"));
            }
        }
    }
    if let Some(body) = want["body"].as_str() {
        let got = req.body.bytes().map(|b| b.to_vec()).unwrap_or_default();
        let same = match protocol {
            Protocol::RestJson => match (
                serde_json::from_slice::<Json>(&got),
                serde_json::from_str::<Json>(body),
            ) {
                (Ok(g), Ok(w)) => g == w,
                _ => got == body.as_bytes(),
            },
            _ => match (canonical_xml(&got), canonical_xml(body.as_bytes())) {
                (Some(g), Some(w)) => g == w,
                _ => got == body.as_bytes(),
            },
        };
        if !same {
            return Err(format!(
                "body {:?} != {body:?}",
                String::from_utf8_lossy(&got)
            ));
        }
    }
    if let Some(host) = want["host"].as_str() {
        let endpoint = suite["clientEndpoint"]
            .as_str()
            .unwrap_or("https://example.com");
        let authority = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
        let authority = authority.split('/').next().unwrap();
        let got = format!("{}{authority}", req.host_prefix.as_deref().unwrap_or(""));
        if got != host {
            return Err(format!("host {got} != {host}"));
        }
    }
    Ok(())
}

fn run_output_case(
    protocol: Protocol,
    suite: &Json,
    order: &HashMap<String, Vec<String>>,
    case: &Json,
) -> Result<(), String> {
    let mut shapes = Shapes::new(&suite["shapes"], order);
    let op = operation(&mut shapes, &case["given"]);
    let errors: Vec<&'static Shape> = case["given"]["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| shapes.get(e["shape"].as_str().unwrap()))
                .collect()
        })
        .unwrap_or_default();
    let service = service_for(protocol, errors.clone());
    let resp = &case["response"];
    let mut headers = http::HeaderMap::new();
    if let Some(h) = resp["headers"].as_object() {
        for (k, v) in h {
            headers.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v.as_str().unwrap()).unwrap(),
            );
        }
    }
    let body = resp["body"].as_str().unwrap_or("");
    let response = Response {
        status: resp["status_code"].as_u64().unwrap() as u16,
        headers: &headers,
        body: body.as_bytes(),
    };
    if let Some(expected) = case.get("error") {
        let parts = parse_error(protocol, service, op, &response);
        let want_code = case["errorCode"].as_str().unwrap_or("");
        if parts.code != want_code {
            return Err(format!("code {:?} != {want_code:?}", parts.code));
        }
        let want_msg = case["errorMessage"].as_str().unwrap_or("");
        if parts.message.as_deref().unwrap_or("") != want_msg {
            return Err(format!("message {:?} != {want_msg:?}", parts.message));
        }
        let Some(shape) = errors
            .iter()
            .find(|s| s.error.map_or(s.name, |e| e.code) == parts.code || s.name == parts.code)
        else {
            // botocore finds no shape either: only Code and Message are compared.
            return match expected.as_object() {
                Some(o) if !o.is_empty() => Err(format!("no modeled error for {}", parts.code)),
                _ => Ok(()),
            };
        };
        let v =
            parse_error_shape(protocol, service, shape, &response).map_err(|e| e.to_string())?;
        // botocore's runner merges Code/Message into `Error` and drops its other keys; the
        // modeled members are compared alongside.
        return compare(shape, None, &v, expected, shape.name);
    }
    let v = parse_output(protocol, service, op, &response, None).map_err(|e| e.to_string())?;
    compare(op.output, None, &v, &case["result"], op.output.name)
}

fn run_suite_file(rel: &str, protocol: Protocol, output: bool) {
    let ignore = load("protocol-tests-ignore-list.json");
    let suites = load(rel);
    let orders = member_orders(rel);
    let pname = protocol.as_str();
    let kind = if output { "output" } else { "input" };
    let (mut passed, mut failed, mut ign_pass, mut ign_fail) = (0, vec![], vec![], vec![]);
    for (suite, (order, params)) in suites.as_array().unwrap().iter().zip(&orders) {
        let desc = suite["description"].as_str().unwrap_or("");
        for (ci, case) in suite["cases"].as_array().unwrap().iter().enumerate() {
            let id = case["id"].as_str().unwrap_or("?");
            let skip = ignored(&ignore, pname, kind, desc, id);
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                if output {
                    run_output_case(protocol, suite, order, case)
                } else {
                    run_input_case(
                        protocol,
                        suite,
                        order,
                        case,
                        params.get(ci).and_then(Option::as_ref),
                    )
                }
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
        "{rel}: {passed} passed, {} failed; ignore-listed: {} pass, {} fail",
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
    assert!(failed.is_empty(), "{rel}: {} case(s) failed", failed.len());
}

#[test]
fn suite_input_rest_json() {
    run_suite_file("input/rest-json.json", Protocol::RestJson, false);
}

#[test]
fn suite_input_rest_xml() {
    run_suite_file("input/rest-xml.json", Protocol::RestXml, false);
}

#[test]
fn suite_output_rest_json() {
    run_suite_file("output/rest-json.json", Protocol::RestJson, true);
}

#[test]
fn suite_output_rest_xml() {
    run_suite_file("output/rest-xml.json", Protocol::RestXml, true);
}
