//! Builds the runtime's [`Service`] schema from a botocore service model (`service-2.json`).
//!
//! This is the one reader of model metadata: generated crates embed their model (without its
//! documentation) and build their schema here the first time a client is made, and a dynamic
//! client can build one from any model file the same way. A schema lives for the rest of the
//! program, so its parts are leaked once and referred to as `&'static`.

/// The order-keeping JSON tree, shared with the generator through `rboto-model`.
pub use rboto_model::json;

use crate::customizations;
use crate::schema::*;
use json::{Json, Str};
use std::collections::HashMap;
use std::sync::OnceLock;

/// What went wrong reading a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid service model: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

/// botocore's protocol preference when a service lists several.
const PROTOCOL_PRIORITY: [Protocol; 6] = [
    Protocol::Json,
    Protocol::RestJson,
    Protocol::RestXml,
    Protocol::SmithyRpcV2Cbor,
    Protocol::Query,
    Protocol::Ec2,
];

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

/// Reads `model` (a botocore `service-2.json` document) as the service `name` (botocore's
/// service name, such as `s3` or `sso-oidc`) with the endpoint rule set `rules` (empty when the
/// service has none).
pub fn build(
    name: &'static str,
    model: &str,
    rules: &'static str,
) -> Result<&'static Service, ModelError> {
    let doc = Json::parse(model).map_err(|e| ModelError(format!("{name}: {e}")))?;
    // Names and metadata strings are borrowed from the document for the program's life.
    build_leaked(name, leak(doc), rules)
}

/// [`build`] for a model that lives for the rest of the program (a generated crate's
/// `model.json.lz4`, unpacked). The schema's names are borrowed from `model` itself (the parse
/// lends its unescaped strings), so the document tree is dropped once the schema is built: for
/// EC2 that tree was megabytes kept for the program's life.
pub fn build_static(
    name: &'static str,
    model: &'static str,
    rules: &'static str,
) -> Result<&'static Service, ModelError> {
    let doc = Json::parse_static(model).map_err(|e| ModelError(format!("{name}: {e}")))?;
    Builder::new(name, &doc, Texts { keep: lend }).service(rules)
}

/// How the schema gets `'static` strings out of the document it is built from.
#[derive(Clone, Copy)]
struct Texts<'a> {
    keep: fn(&'a Str) -> &'static str,
}

impl<'a> Texts<'a> {
    fn str(self, v: &'a Json) -> Option<&'static str> {
        match v {
            Json::String(s) => Some((self.keep)(s)),
            _ => None,
        }
    }
}

/// A string of a document parsed by [`Json::parse_static`]: the slice of the model text it
/// was read from, or (only for a string with escapes, which models hardly have) a leaked copy.
fn lend(s: &Str) -> &'static str {
    s.as_static()
        .unwrap_or_else(|| Box::leak(s.as_str().to_owned().into_boxed_str()))
}

/// [`build`] from a parsed document that lives for the rest of the program (one a caller has
/// merged overlays into and keeps for its documentation, as the dynamic client does).
pub fn build_leaked(
    name: &'static str,
    doc: &'static Json,
    rules: &'static str,
) -> Result<&'static Service, ModelError> {
    // The document is kept, so its strings are lent as they are.
    Builder::new(name, doc, Texts { keep: Str::as_str }).service(rules)
}

struct Builder<'a> {
    name: &'static str,
    doc: &'a Json,
    texts: Texts<'a>,
    shapes: &'a [(Str, Json)],
    index: HashMap<&'a str, usize>,
    cells: &'static [OnceLock<Shape>],
    /// The first operation whose input is the shape, by shape index.
    input_refs: HashMap<usize, &'a Json>,
}

impl<'a> Builder<'a> {
    fn new(name: &'static str, doc: &'a Json, texts: Texts<'a>) -> Builder<'a> {
        let shapes = doc.get("shapes").members();
        let index: HashMap<&'a str, usize> = shapes
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.as_str(), i))
            .collect();
        let cells = leak_slice((0..shapes.len()).map(|_| OnceLock::new()).collect());
        let mut input_refs: HashMap<usize, &'a Json> = HashMap::new();
        for (_, op) in doc.get("operations").members() {
            let input = op.get("input");
            if let Some(&i) = input.get("shape").as_str().and_then(|s| index.get(s)) {
                input_refs.entry(i).or_insert(input);
            }
        }
        Builder {
            name,
            doc,
            texts,
            shapes,
            index,
            cells,
            input_refs,
        }
    }

    fn error(&self, what: String) -> ModelError {
        ModelError(format!("{}: {what}", self.name))
    }

    fn shape_ref(&self, shape: &str) -> Result<ShapeRef, ModelError> {
        let i = *self
            .index
            .get(shape)
            .ok_or_else(|| self.error(format!("unknown shape `{shape}`")))?;
        let json = &self.shapes[i].1;
        Ok(match prelude_scalar(json) {
            Some(shared) => ShapeRef::Static(shared),
            None => ShapeRef::Built(&self.cells[i]),
        })
    }

    /// A string value of the document, for the program's life.
    fn str(&self, v: &'a Json) -> Option<&'static str> {
        self.texts.str(v)
    }

    fn service(self, rules: &'static str) -> Result<&'static Service, ModelError> {
        for (i, (name, json)) in self.shapes.iter().enumerate() {
            let shape = self.shape(i, (self.texts.keep)(name), json)?;
            let _ = self.cells[i].set(shape);
        }
        let meta = self.doc.get("metadata");
        let meta_str = |k: &str| self.str(meta.get(k));
        let mut exceptions = vec![false; self.shapes.len()];
        for (i, (_, json)) in self.shapes.iter().enumerate() {
            exceptions[i] = json.get("exception").is_true();
        }
        let ops_json = self.doc.get("operations").members();
        for (_, op) in ops_json {
            for e in op.get("errors").items() {
                if let Some(&i) = e.get("shape").as_str().and_then(|s| self.index.get(s)) {
                    exceptions[i] = true;
                }
            }
        }
        let error_indices: Vec<usize> = (0..self.shapes.len()).filter(|&i| exceptions[i]).collect();
        let mut operations = Vec::with_capacity(ops_json.len());
        for (name, op) in ops_json {
            operations.push(self.operation((self.texts.keep)(name), op, &error_indices)?);
        }
        operations.sort_by(|a: &Operation, b| a.name.cmp(b.name));
        let errors: Vec<&'static Shape> = error_indices
            .iter()
            .map(|&i| ShapeRef::Built(&self.cells[i]).get())
            .collect();
        let mut protocols: Vec<Protocol> = meta
            .get("protocols")
            .items()
            .iter()
            .filter_map(|p| p.as_str().and_then(Protocol::from_name))
            .collect();
        if protocols.is_empty() {
            protocols.extend(meta_str("protocol").and_then(Protocol::from_name));
        }
        let protocol = PROTOCOL_PRIORITY
            .into_iter()
            .find(|p| protocols.contains(p))
            .unwrap_or(Protocol::Json);
        let endpoint_prefix = meta_str("endpointPrefix").unwrap_or_default();
        let client_context_params = self
            .doc
            .get("clientContextParams")
            .members()
            .iter()
            .map(|(k, v)| {
                let boolean = v.get("type").as_str() == Some("boolean");
                ((self.texts.keep)(k), boolean)
            })
            .collect();
        Ok(leak(Service {
            name: self.name,
            service_id: meta_str("serviceId").unwrap_or_default(),
            api_version: meta_str("apiVersion").unwrap_or_default(),
            endpoint_prefix,
            signing_name: meta_str("signingName").unwrap_or(endpoint_prefix),
            protocol,
            protocols: leak_slice(protocols),
            json_version: meta_str("jsonVersion"),
            target_prefix: meta_str("targetPrefix"),
            xml_namespace: meta_str("xmlNamespace"),
            query_compatible: !meta.get("awsQueryCompatible").is_null(),
            signature_version: meta_str("signatureVersion").unwrap_or_default(),
            auth: leak_slice(
                meta.get("auth")
                    .items()
                    .iter()
                    .filter_map(|a| self.str(a))
                    .collect(),
            ),
            errors: leak_slice(errors),
            client_context_params: leak_slice(client_context_params),
            endpoint_rules: rules,
            operations: leak_slice(operations),
        }))
    }

    fn shape(&self, i: usize, name: &'static str, json: &'a Json) -> Result<Shape, ModelError> {
        let kind = match json.get("type").as_str().unwrap_or("string") {
            // botocore writes a union as a structure with `"union": true`.
            "structure" if json.get("union").is_true() => Kind::Union(self.members(json)?),
            "structure" => Kind::Structure(self.members(json)?),
            "union" => Kind::Union(self.members(json)?),
            "list" => Kind::List(leak(self.member(
                "member",
                json.get("member"),
                MemberFlags::NONE,
            )?)),
            "map" => Kind::Map(
                leak(self.member("member", json.get("key"), MemberFlags::NONE)?),
                leak(self.member("member", json.get("value"), MemberFlags::NONE)?),
            ),
            other => scalar_kind(other),
        };
        let mut shape = Shape::scalar(name, kind);
        apply_shape_traits(&mut shape, json, self.texts);
        // botocore puts a rest-xml input's root element name and namespace on the operation's
        // `input` reference (Route53), not on the shape; the protocols read them from the shape.
        if let Some(input) = self.input_refs.get(&i) {
            if shape.location_name.is_none() {
                shape.location_name = self.str(input.get("locationName"));
            }
            if shape.xml_namespace.is_none() {
                shape.xml_namespace = xml_namespace(input.get("xmlNamespace"), self.texts);
            }
        }
        Ok(shape)
    }

    fn members(&self, json: &'a Json) -> Result<&'static [Member], ModelError> {
        let required = json.get("required").items();
        let payload = json.get("payload").as_str();
        let mut out = Vec::new();
        for (name, m) in json.get("members").members() {
            let mut flags = MemberFlags::NONE;
            if required.iter().any(|r| r.as_str() == Some(name)) {
                flags = flags.union(REQUIRED);
            }
            if payload == Some(name.as_str()) {
                flags = flags.union(PAYLOAD);
            }
            out.push(self.member((self.texts.keep)(name), m, flags)?);
        }
        Ok(leak_slice(out))
    }

    fn member(
        &self,
        name: &'static str,
        m: &'a Json,
        flags: MemberFlags,
    ) -> Result<Member, ModelError> {
        let target = m
            .get("shape")
            .as_str()
            .ok_or_else(|| self.error(format!("member `{name}` has no shape")))?;
        let mut member = Member::new(name, &prelude::UNIT);
        member.shape = self.shape_ref(target)?;
        member.location = match m.get("location").as_str() {
            Some("uri") => Location::Uri,
            Some("querystring") => Location::Querystring,
            Some("header") => Location::Header,
            Some("headers") => Location::Headers,
            Some("statusCode") => Location::StatusCode,
            _ => Location::Body,
        };
        member.location_name = self.str(m.get("locationName"));
        member.flags = flags;
        for (key, flag) in [
            ("flattened", FLATTENED),
            ("xmlAttribute", XML_ATTRIBUTE),
            ("idempotencyToken", IDEMPOTENCY_TOKEN),
            ("hostLabel", HOST_LABEL),
            ("jsonvalue", JSON_VALUE),
            ("sensitive", SENSITIVE),
            ("deprecated", DEPRECATED),
            ("eventpayload", EVENT_PAYLOAD),
            ("eventheader", EVENT_HEADER),
            ("streaming", STREAMING),
        ] {
            if m.get(key).is_true() {
                member.flags = member.flags.union(flag);
            }
        }
        member.query_name = self.str(m.get("queryName"));
        member.xml_namespace = xml_namespace(m.get("xmlNamespace"), self.texts);
        member.timestamp_format = timestamp_format(m.get("timestampFormat"));
        member.context_param = self.str(m.get("contextParam").get("name"));
        Ok(member)
    }

    fn operation(
        &self,
        name: &'static str,
        json: &'a Json,
        errors: &[usize],
    ) -> Result<Operation, ModelError> {
        let http = json.get("http");
        let method = self.str(http.get("method")).unwrap_or("POST");
        let uri = self.str(http.get("requestUri")).unwrap_or("/");
        let service_id = self.doc.get("metadata").get("serviceId").as_str();
        let uri = customizations::s3::request_uri(service_id.unwrap_or_default(), uri);
        let shape_of = |key: &str| -> Result<&'static Shape, ModelError> {
            match json.get(key).get("shape").as_str() {
                Some(s) => Ok(self.shape_ref(s)?.get()),
                None => Ok(&prelude::UNIT),
            }
        };
        let mut op = Operation::new(name, method, uri, shape_of("input")?, shape_of("output")?);
        let op_errors: Vec<u16> = json
            .get("errors")
            .items()
            .iter()
            .filter_map(|e| e.get("shape").as_str())
            .filter_map(|s| self.index.get(s))
            .filter_map(|i| errors.iter().position(|e| e == i))
            .filter_map(|i| u16::try_from(i).ok())
            .collect();
        op.errors = leak_slice(op_errors);
        let checksum = json.get("httpChecksum");
        let auth: Vec<&'static str> = json
            .get("auth")
            .items()
            .iter()
            .filter_map(|a| self.str(a))
            .collect();
        let authtype = json.get("authtype").as_str();
        for (set, flag) in [
            (
                json.get("httpChecksumRequired").is_true(),
                HTTP_CHECKSUM_REQUIRED,
            ),
            (
                checksum.get("requestChecksumRequired").is_true(),
                REQUEST_CHECKSUM_REQUIRED,
            ),
            (
                authtype == Some("v4-unsigned-body") || json.get("unsignedPayload").is_true(),
                UNSIGNED_PAYLOAD,
            ),
            (
                authtype == Some("none") || auth == ["smithy.api#noAuth"],
                NO_AUTH,
            ),
            (json.get("deprecated").is_true(), OP_DEPRECATED),
            (!json.get("endpointdiscovery").is_null(), ENDPOINT_DISCOVERY),
        ] {
            if set {
                op.flags = op.flags.union(flag);
            }
        }
        if let Some(code) = http
            .get("responseCode")
            .as_u64()
            .and_then(|c| u16::try_from(c).ok())
        {
            op.response_code = code;
        }
        op.result_wrapper = self.str(json.get("output").get("resultWrapper"));
        op.host_prefix = self.str(json.get("endpoint").get("hostPrefix"));
        op.auth = leak_slice(auth);
        if !checksum.is_null() {
            op.http_checksum = Some(leak(HttpChecksum {
                request_algorithm_member: self.str(checksum.get("requestAlgorithmMember")),
                request_validation_mode_member: self
                    .str(checksum.get("requestValidationModeMember")),
                response_algorithms: leak_slice(
                    checksum
                        .get("responseAlgorithms")
                        .items()
                        .iter()
                        .filter_map(|a| self.str(a))
                        .collect(),
                ),
            }));
        }
        let static_params: Vec<(&'static str, StaticParam)> = json
            .get("staticContextParams")
            .members()
            .iter()
            .filter_map(|(k, v)| {
                let value = match v.get("value") {
                    Json::Bool(b) => StaticParam::Bool(*b),
                    Json::String(s) => StaticParam::Str((self.texts.keep)(s)),
                    Json::Array(items) => StaticParam::StrList(leak_slice(
                        items.iter().filter_map(|i| self.str(i)).collect(),
                    )),
                    _ => return None,
                };
                Some(((self.texts.keep)(k), value))
            })
            .collect();
        op.static_context_params = leak_slice(static_params);
        op.operation_context_params = leak_slice(
            json.get("operationContextParams")
                .members()
                .iter()
                .filter_map(|(k, v)| self.str(v.get("path")).map(|p| ((self.texts.keep)(k), p)))
                .collect(),
        );
        op.request_compression = leak_slice(
            json.get("requestcompression")
                .get("encodings")
                .items()
                .iter()
                .filter_map(|e| self.str(e))
                .collect(),
        );
        Ok(op)
    }
}

fn scalar_kind(t: &str) -> Kind {
    match t {
        "boolean" => Kind::Boolean,
        "byte" => Kind::Byte,
        "short" => Kind::Short,
        "integer" | "intEnum" => Kind::Integer,
        "long" => Kind::Long,
        "float" => Kind::Float,
        "double" => Kind::Double,
        "bigInteger" => Kind::BigInteger,
        "bigDecimal" => Kind::BigDecimal,
        "blob" => Kind::Blob,
        "timestamp" => Kind::Timestamp,
        "document" => Kind::Document,
        _ => Kind::String,
    }
}

/// The shared prelude shape for a scalar with no traits of its own.
fn prelude_scalar(json: &Json) -> Option<&'static Shape> {
    let t = json.get("type").as_str().unwrap_or("string");
    if matches!(t, "structure" | "union" | "list" | "map") {
        return None;
    }
    let mut probe = Shape::scalar("", Kind::String);
    // Only whether traits are there matters: the probe's strings are not kept (leaked).
    apply_shape_traits(&mut probe, json, Texts { keep: |_| "" });
    let plain = probe.flags == ShapeFlags::NONE
        && probe.timestamp_format.is_none()
        && probe.xml_namespace.is_none()
        && probe.location_name.is_none()
        && probe.error.is_none();
    if !plain {
        return None;
    }
    Some(match t {
        "boolean" => &prelude::BOOLEAN,
        "byte" => &prelude::BYTE,
        "short" => &prelude::SHORT,
        "integer" | "intEnum" => &prelude::INTEGER,
        "long" => &prelude::LONG,
        "float" => &prelude::FLOAT,
        "double" => &prelude::DOUBLE,
        "bigInteger" => &prelude::BIG_INTEGER,
        "bigDecimal" => &prelude::BIG_DECIMAL,
        "blob" => &prelude::BLOB,
        "timestamp" => &prelude::TIMESTAMP,
        "document" => &prelude::DOCUMENT,
        _ => &prelude::STRING,
    })
}

/// Shape-level traits: flags, timestamp format, namespace, element name, error trait.
fn apply_shape_traits<'a>(shape: &mut Shape, json: &'a Json, texts: Texts<'a>) {
    for (key, flag) in [
        ("streaming", SHAPE_STREAMING),
        ("requiresLength", REQUIRES_LENGTH),
        ("eventstream", EVENT_STREAM),
        ("sensitive", SHAPE_SENSITIVE),
        ("document", DOCUMENT),
        ("event", EVENT),
        ("flattened", SHAPE_FLATTENED),
    ] {
        if json.get(key).is_true() {
            shape.flags = shape.flags.union(flag);
        }
    }
    let retryable = json.get("retryable");
    if !retryable.is_null() {
        shape.flags = shape.flags.union(RETRYABLE);
        if retryable.get("throttling").is_true() {
            shape.flags = shape.flags.union(THROTTLING);
        }
    }
    let error = json.get("error");
    if error.get("senderFault").is_true() {
        shape.flags = shape.flags.union(SENDER_FAULT);
    }
    shape.timestamp_format = timestamp_format(json.get("timestampFormat"));
    shape.xml_namespace = xml_namespace(json.get("xmlNamespace"), texts);
    let t = json.get("type").as_str();
    if t != Some("list") && t != Some("map") {
        shape.location_name = texts.str(json.get("locationName"));
    }
    if json.get("exception").is_true() || !error.is_null() {
        let code = texts.str(error.get("code")).unwrap_or(shape.name);
        let status = error
            .get("httpStatusCode")
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(400);
        shape.error = Some(ErrorInfo { code, status });
        shape.flags = shape.flags.union(EXCEPTION);
    }
}

fn timestamp_format(v: &Json) -> Option<TimestampFormat> {
    match v.as_str()? {
        "iso8601" => Some(TimestampFormat::Iso8601),
        "rfc822" => Some(TimestampFormat::Rfc822),
        "unixTimestamp" => Some(TimestampFormat::UnixTimestamp),
        _ => None,
    }
}

fn xml_namespace<'a>(v: &'a Json, texts: Texts<'a>) -> Option<&'static XmlNamespace> {
    match v {
        Json::Null => None,
        Json::String(uri) => Some(leak(XmlNamespace {
            prefix: None,
            uri: (texts.keep)(uri),
        })),
        other => Some(leak(XmlNamespace {
            prefix: texts.str(other.get("prefix")),
            uri: texts.str(other.get("uri"))?,
        })),
    }
}

#[cfg(test)]
mod tests {
    /// Escapes in names and in `metadata`: the strings `build_static` cannot lend from the text.
    const MODEL: &str = r#"{
        "metadata": {"protocol": "rest-json", "serviceId": "Esc\u0061ped", "endpointPrefix": "esc"},
        "operations": {"Op": {"name": "Op", "http": {"method": "POST", "requestUri": "/{A\u0042}"},
                              "input": {"shape": "In"}}},
        "shapes": {
            "In": {"type": "structure", "required": ["A\u0042"],
                   "members": {"A\u0042": {"shape": "S", "location": "uri", "locationName": "x\"y"},
                               "Plain": {"shape": "S", "locationName": "plain"}}},
            "S": {"type": "string"}}}"#;

    #[test]
    fn static_models_build_the_schema_a_kept_document_does() {
        let lent = super::build_static("esc", MODEL, "").unwrap();
        let kept = super::build("esc", MODEL, "").unwrap();
        assert_eq!(format!("{lent:?}"), format!("{kept:?}"));
        assert_eq!(lent.service_id, "Escaped");
        let op = lent.operation("Op").unwrap();
        assert_eq!(op.request_uri, "/{AB}");
        let names: Vec<_> = op.input.members().iter().map(|m| m.name).collect();
        assert_eq!(names, ["AB", "Plain"]);
        assert_eq!(op.input.members()[0].location_name, Some("x\"y"));
        // Unescaped names are slices of the model text itself: the tree is not needed after.
        let plain = op.input.members()[1].location_name.unwrap();
        assert!(MODEL.as_bytes().as_ptr_range().contains(&plain.as_ptr()));
    }
}
