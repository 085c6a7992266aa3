//! Emission of `schema.rs`: the static shape, operation and service metadata the runtime's
//! protocols walk. One short builder chain per shape and per member.

use crate::ir::{shape_type, Ir};
use crate::model::Json;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::rust_types::ident;

/// botocore's protocol preference when a service lists several.
const PROTOCOL_PRIORITY: [&str; 6] = [
    "json",
    "rest-json",
    "rest-xml",
    "smithy-rpc-v2-cbor",
    "query",
    "ec2",
];

fn protocol_variant(p: &str) -> Option<TokenStream> {
    Some(match p {
        "json" => quote!(Protocol::Json),
        "rest-json" => quote!(Protocol::RestJson),
        "rest-xml" => quote!(Protocol::RestXml),
        "query" => quote!(Protocol::Query),
        "ec2" => quote!(Protocol::Ec2),
        "smithy-rpc-v2-cbor" => quote!(Protocol::SmithyRpcV2Cbor),
        _ => return None,
    })
}

fn scalar_kind(t: &str) -> TokenStream {
    match t {
        "boolean" => quote!(Kind::Boolean),
        "byte" => quote!(Kind::Byte),
        "short" => quote!(Kind::Short),
        "integer" | "intEnum" => quote!(Kind::Integer),
        "long" => quote!(Kind::Long),
        "float" => quote!(Kind::Float),
        "double" => quote!(Kind::Double),
        "bigInteger" => quote!(Kind::BigInteger),
        "bigDecimal" => quote!(Kind::BigDecimal),
        "blob" => quote!(Kind::Blob),
        "timestamp" => quote!(Kind::Timestamp),
        "document" => quote!(Kind::Document),
        _ => quote!(Kind::String),
    }
}

fn prelude_static(t: &str) -> TokenStream {
    match t {
        "boolean" => quote!(p::BOOLEAN),
        "byte" => quote!(p::BYTE),
        "short" => quote!(p::SHORT),
        "integer" | "intEnum" => quote!(p::INTEGER),
        "long" => quote!(p::LONG),
        "float" => quote!(p::FLOAT),
        "double" => quote!(p::DOUBLE),
        "bigInteger" => quote!(p::BIG_INTEGER),
        "bigDecimal" => quote!(p::BIG_DECIMAL),
        "blob" => quote!(p::BLOB),
        "timestamp" => quote!(p::TIMESTAMP),
        "document" => quote!(p::DOCUMENT),
        _ => quote!(p::STRING),
    }
}

fn ts_format(v: Option<&str>) -> Option<TokenStream> {
    Some(match v? {
        "iso8601" => quote!(TimestampFormat::Iso8601),
        "rfc822" => quote!(TimestampFormat::Rfc822),
        "unixTimestamp" => quote!(TimestampFormat::UnixTimestamp),
        _ => return None,
    })
}

fn xml_ns(v: Option<&Value>) -> Option<TokenStream> {
    let v = v?;
    let (uri, prefix) = match v {
        Value::String(uri) => (uri.as_str(), None),
        other => (other.str_at("uri")?, other.str_at("prefix")),
    };
    let prefix = match prefix {
        Some(p) => quote!(Some(#p)),
        None => quote!(None),
    };
    Some(quote!(&XmlNamespace { prefix: #prefix, uri: #uri }))
}

/// `.with(A).with(B)`: each flag set is its own type, so flags are added one at a time.
fn with_flags(flags: &[TokenStream]) -> TokenStream {
    quote!(#(.with(#flags))*)
}

/// Shape-level builder calls (flags, timestamp format, namespace, error trait).
fn shape_modifiers(json: &Value, name: &str) -> TokenStream {
    let mut flags = Vec::new();
    let t = shape_type(json);
    for (key, flag) in [
        ("streaming", quote!(s::SHAPE_STREAMING)),
        ("requiresLength", quote!(s::REQUIRES_LENGTH)),
        ("eventstream", quote!(s::EVENT_STREAM)),
        ("sensitive", quote!(s::SHAPE_SENSITIVE)),
        ("document", quote!(s::DOCUMENT)),
        ("event", quote!(s::EVENT)),
    ] {
        if json.bool_at(key) {
            flags.push(flag);
        }
    }
    if json.bool_at("flattened") {
        flags.push(quote!(s::SHAPE_FLATTENED));
    }
    if let Some(r) = json.get("retryable") {
        flags.push(quote!(s::RETRYABLE));
        if r.bool_at("throttling") {
            flags.push(quote!(s::THROTTLING));
        }
    }
    let error = json.get("error");
    if error.is_some_and(|e| e.bool_at("senderFault")) {
        flags.push(quote!(s::SENDER_FAULT));
    }
    let mut out = TokenStream::new();
    out.extend(with_flags(&flags));
    if let Some(ts) = ts_format(json.str_at("timestampFormat")) {
        out.extend(quote!(.ts(#ts)));
    }
    if let Some(ns) = xml_ns(json.get("xmlNamespace")) {
        out.extend(quote!(.xml_ns(#ns)));
    }
    if t != "list" && t != "map" {
        if let Some(n) = json.str_at("locationName") {
            out.extend(quote!(.named(#n)));
        }
    }
    if json.bool_at("exception") || error.is_some() {
        let code = error.and_then(|e| e.str_at("code")).unwrap_or(name);
        let status = error
            .and_then(|e| e.get("httpStatusCode"))
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(400);
        out.extend(quote!(.error(#code, #status)));
    }
    out
}

impl Ir<'_> {
    /// `&STATIC` for a shape, or the shared prelude static for a trait-less scalar.
    fn shape_ref(&self, shape: &str) -> TokenStream {
        let json = self.json(shape);
        if self.is_prelude_scalar(json) {
            let p = prelude_static(shape_type(json));
            return quote!(&#p);
        }
        let name = ident(&self.info(shape).static_name);
        quote!(&#name)
    }

    /// [`Self::shape_ref`] from inside the `ops` module.
    fn shape_ref_from_ops(&self, shape: &str) -> TokenStream {
        let json = self.json(shape);
        if self.is_prelude_scalar(json) {
            return self.shape_ref(shape);
        }
        let name = ident(&self.info(shape).static_name);
        quote!(&super::#name)
    }

    /// The `input` reference of an operation whose input is `shape`.
    fn input_ref(&self, shape: &str) -> Option<&Value> {
        self.model
            .operations()
            .ok()?
            .values()
            .filter_map(|op| op.get("input"))
            .find(|r| r.str_at("shape") == Some(shape))
    }

    fn is_prelude_scalar(&self, json: &Value) -> bool {
        let t = shape_type(json);
        !matches!(t, "structure" | "union" | "list" | "map") && shape_modifiers(json, "").is_empty()
    }

    /// A member's builder chain.
    fn member(&self, m: &Value, name: &str, flags_extra: &[TokenStream]) -> TokenStream {
        let target = m.str_at("shape").unwrap_or_default();
        let r = self.shape_ref(target);
        let mut out = if name == "member" {
            quote!(Member::item(#r))
        } else {
            quote!(m(#name, #r))
        };
        let loc = match m.str_at("location") {
            Some("uri") => Some(quote!(Location::Uri)),
            Some("querystring") => Some(quote!(Location::Querystring)),
            Some("header") => Some(quote!(Location::Header)),
            Some("headers") => Some(quote!(Location::Headers)),
            Some("statusCode") => Some(quote!(Location::StatusCode)),
            _ => None,
        };
        match (loc, m.str_at("locationName")) {
            (Some(l), Some(n)) => out.extend(quote!(.at(#l, #n))),
            (Some(l), None) => out.extend(quote!(.loc(#l))),
            (None, Some(n)) => out.extend(quote!(.named(#n))),
            (None, None) => {}
        }
        let mut flags: Vec<TokenStream> = flags_extra.to_vec();
        for (key, flag) in [
            ("flattened", quote!(s::FLATTENED)),
            ("xmlAttribute", quote!(s::XML_ATTRIBUTE)),
            ("idempotencyToken", quote!(s::IDEMPOTENCY_TOKEN)),
            ("hostLabel", quote!(s::HOST_LABEL)),
            ("jsonvalue", quote!(s::JSON_VALUE)),
            ("sensitive", quote!(s::SENSITIVE)),
            ("deprecated", quote!(s::DEPRECATED)),
            ("eventpayload", quote!(s::EVENT_PAYLOAD)),
            ("eventheader", quote!(s::EVENT_HEADER)),
            ("streaming", quote!(s::STREAMING)),
        ] {
            if m.bool_at(key) {
                flags.push(flag);
            }
        }
        out.extend(with_flags(&flags));
        if let Some(q) = m.str_at("queryName") {
            out.extend(quote!(.query_name(#q)));
        }
        if let Some(ns) = xml_ns(m.get("xmlNamespace")) {
            out.extend(quote!(.xml_ns(#ns)));
        }
        if let Some(ts) = ts_format(m.str_at("timestampFormat")) {
            out.extend(quote!(.ts(#ts)));
        }
        if let Some(c) = m.get("contextParam").and_then(|c| c.str_at("name")) {
            out.extend(quote!(.ctx(#c)));
        }
        out
    }

    fn shape_static(&self, shape: &str) -> Option<TokenStream> {
        let json = self.json(shape);
        if self.is_prelude_scalar(json) {
            return None;
        }
        let name = ident(&self.info(shape).static_name);
        let t = shape_type(json);
        let mut mods = shape_modifiers(json, shape);
        // botocore puts a rest-xml input's root element name and namespace on the operation's
        // `input` reference (Route53), not on the shape; the protocols read them from the shape.
        if let Some(input_ref) = self.input_ref(shape) {
            if json.str_at("locationName").is_none() {
                if let Some(n) = input_ref.str_at("locationName") {
                    mods.extend(quote!(.named(#n)));
                }
            }
            if json.get("xmlNamespace").is_none() {
                if let Some(ns) = xml_ns(input_ref.get("xmlNamespace")) {
                    mods.extend(quote!(.xml_ns(#ns)));
                }
            }
        }
        let body = match t {
            "structure" | "union" => {
                let required: Vec<&str> = json
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let payload = json.str_at("payload");
                let members = json
                    .obj_at("members")
                    .into_iter()
                    .flatten()
                    .map(|(mname, m)| {
                        let mut extra = Vec::new();
                        if required.contains(&mname.as_str()) {
                            extra.push(quote!(s::REQUIRED));
                        }
                        if payload == Some(mname.as_str()) {
                            extra.push(quote!(s::PAYLOAD));
                        }
                        self.member(m, mname, &extra)
                    });
                let ctor = if t == "union" {
                    quote!(union)
                } else {
                    quote!(structure)
                };
                quote!(Shape::#ctor(#shape, &[#(#members),*]))
            }
            "list" => {
                let m = self.member(json.get("member").unwrap_or(&Value::Null), "member", &[]);
                quote!(Shape::list(#shape, &#m))
            }
            "map" => {
                let k = self.member(json.get("key").unwrap_or(&Value::Null), "member", &[]);
                let v = self.member(json.get("value").unwrap_or(&Value::Null), "member", &[]);
                quote!(Shape::map(#shape, &#k, &#v))
            }
            other => {
                let k = scalar_kind(other);
                quote!(Shape::scalar(#shape, #k))
            }
        };
        Some(quote!(pub static #name: Shape = #body #mods;))
    }

    fn operation_static(&self, op: &crate::ir::OpInfo) -> TokenStream {
        let json = &self.model.operations().expect("checked")[&op.name];
        let http = json.get("http").cloned().unwrap_or(Value::Null);
        let method = http.str_at("method").unwrap_or("POST");
        let uri = http.str_at("requestUri").unwrap_or("/");
        // S3's bucket reaches the URL through the endpoint rules (virtual host or path style),
        // so botocore strips the `{Bucket}` label from every S3 request URI; so do we.
        let uri = match (
            self.model.service_name.as_str(),
            uri.strip_prefix("/{Bucket}"),
        ) {
            ("s3", Some(rest)) => rest,
            _ => uri,
        };
        let name = ident(&op.static_name);
        let op_name = op.name.as_str();
        let input = match &op.input_shape {
            Some(s) => self.shape_ref_from_ops(s),
            None => quote!(&p::UNIT),
        };
        let output = match &op.output_shape {
            Some(s) => self.shape_ref_from_ops(s),
            None => quote!(&p::UNIT),
        };
        let mut chain = TokenStream::new();
        let errors: Vec<u16> = json
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| e.str_at("shape"))
            .filter_map(|s| self.error_index(s))
            .filter_map(|i| u16::try_from(i).ok())
            .collect();
        if !errors.is_empty() {
            chain.extend(quote!(.errors(&[#(#errors),*])));
        }
        let mut flags = Vec::new();
        if json.bool_at("httpChecksumRequired") {
            flags.push(quote!(s::HTTP_CHECKSUM_REQUIRED));
        }
        let checksum = json.get("httpChecksum");
        if checksum.is_some_and(|c| c.bool_at("requestChecksumRequired")) {
            flags.push(quote!(s::REQUEST_CHECKSUM_REQUIRED));
        }
        let auth: Vec<&str> = json
            .get("auth")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let authtype = json.str_at("authtype");
        if authtype == Some("v4-unsigned-body") || json.bool_at("unsignedPayload") {
            flags.push(quote!(s::UNSIGNED_PAYLOAD));
        }
        if authtype == Some("none") || auth == ["smithy.api#noAuth"] {
            flags.push(quote!(s::NO_AUTH));
        }
        if json.bool_at("deprecated") {
            flags.push(quote!(s::OP_DEPRECATED));
        }
        if json.get("endpointdiscovery").is_some() {
            flags.push(quote!(s::ENDPOINT_DISCOVERY));
        }
        chain.extend(with_flags(&flags));
        if let Some(code) = http
            .get("responseCode")
            .and_then(Value::as_u64)
            .and_then(|c| u16::try_from(c).ok())
        {
            if code != 200 {
                chain.extend(quote!(.status(#code)));
            }
        }
        if let Some(w) = json.get("output").and_then(|o| o.str_at("resultWrapper")) {
            chain.extend(quote!(.result_wrapper(#w)));
        }
        if let Some(h) = json.get("endpoint").and_then(|e| e.str_at("hostPrefix")) {
            chain.extend(quote!(.host_prefix(#h)));
        }
        if !auth.is_empty() {
            chain.extend(quote!(.auth(&[#(#auth),*])));
        }
        if let Some(c) = checksum {
            let opt = |k: &str| match c.str_at(k) {
                Some(v) => quote!(Some(#v)),
                None => quote!(None),
            };
            let alg = opt("requestAlgorithmMember");
            let mode = opt("requestValidationModeMember");
            let algs: Vec<&str> = c
                .get("responseAlgorithms")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            chain.extend(quote!(.checksum(&HttpChecksum {
                request_algorithm_member: #alg,
                request_validation_mode_member: #mode,
                response_algorithms: &[#(#algs),*],
            })));
        }
        if let Some(params) = json.obj_at("staticContextParams") {
            let items = params.iter().filter_map(|(k, v)| {
                let v = v.get("value")?;
                let lit = match v {
                    Value::Bool(b) => quote!(StaticParam::Bool(#b)),
                    Value::String(s) => quote!(StaticParam::Str(#s)),
                    Value::Array(a) => {
                        let items = a.iter().filter_map(Value::as_str);
                        quote!(StaticParam::StrList(&[#(#items),*]))
                    }
                    _ => return None,
                };
                Some(quote!((#k, #lit)))
            });
            chain.extend(quote!(.static_params(&[#(#items),*])));
        }
        if let Some(params) = json.obj_at("operationContextParams") {
            let items = params
                .iter()
                .filter_map(|(k, v)| v.str_at("path").map(|p| quote!((#k, #p))));
            chain.extend(quote!(.op_params(&[#(#items),*])));
        }
        if let Some(enc) = json
            .get("requestcompression")
            .and_then(|r| r.get("encodings"))
            .and_then(Value::as_array)
        {
            let items = enc.iter().filter_map(Value::as_str);
            chain.extend(quote!(.compression(&[#(#items),*])));
        }
        quote! {
            pub static #name: Operation = Operation::new(#op_name, #method, #uri, #input, #output) #chain;
        }
    }

    fn service_static(&self) -> TokenStream {
        let m = self.model;
        let meta = |k: &str| m.meta_str(k).unwrap_or_default().to_string();
        let name = m.service_name.as_str();
        let service_id = meta("serviceId");
        let api_version = meta("apiVersion");
        let endpoint_prefix = meta("endpointPrefix");
        let signing_name = m
            .meta_str("signingName")
            .unwrap_or(&endpoint_prefix)
            .to_string();
        let mut protocols: Vec<String> = m
            .metadata()
            .get("protocols")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        if protocols.is_empty() {
            protocols.push(meta("protocol"));
        }
        let chosen = PROTOCOL_PRIORITY
            .iter()
            .find(|p| protocols.iter().any(|q| q == *p))
            .copied()
            .unwrap_or("json");
        let protocol = protocol_variant(chosen).unwrap_or_else(|| quote!(Protocol::Json));
        let protocol_list = protocols.iter().filter_map(|p| protocol_variant(p));
        let opt = |k: &str| match m.meta_str(k) {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        let json_version = opt("jsonVersion");
        let target_prefix = opt("targetPrefix");
        let xml_namespace = opt("xmlNamespace");
        let query_compatible = m.metadata().contains_key("awsQueryCompatible");
        let signature_version = meta("signatureVersion");
        let errors = self.errors.iter().map(|e| self.shape_ref_from_ops(e));
        let ccp = m
            .service
            .obj_at("clientContextParams")
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                let is_bool = v.str_at("type") == Some("boolean");
                quote!((#k, #is_bool))
            });
        let rules = if self.model.endpoint_rules.is_some() {
            quote!(include_str!("../endpoint-rule-set.json"))
        } else {
            quote!("")
        };
        quote! {
            /// The service's metadata.
            pub static SERVICE: Service = Service {
                name: #name,
                service_id: #service_id,
                api_version: #api_version,
                endpoint_prefix: #endpoint_prefix,
                signing_name: #signing_name,
                protocol: #protocol,
                protocols: &[#(#protocol_list),*],
                json_version: #json_version,
                target_prefix: #target_prefix,
                xml_namespace: #xml_namespace,
                query_compatible: #query_compatible,
                signature_version: #signature_version,
                errors: &[#(#errors),*],
                client_context_params: &[#(#ccp),*],
                endpoint_rules: #rules,
            };
        }
    }

    /// The whole `schema.rs` body.
    pub fn schema_file(&self) -> TokenStream {
        let statics = self.order.iter().filter_map(|s| self.shape_static(s));
        let ops = self.ops.iter().map(|o| self.operation_static(o));
        let service = self.service_static();
        quote! {
            //! Static shape, operation and service metadata read by the runtime's protocols.
            #![allow(unused_imports)]
            use rboto::__private::schema::{self as s, member as m, prelude as p, HttpChecksum, Kind, Location, Member, Operation, Protocol, Service, Shape, StaticParam, TimestampFormat, XmlNamespace};
            #(#statics)*
            /// Operations and the service itself.
            pub mod ops {
                use super::{p, s, HttpChecksum, Operation, Protocol, Service, StaticParam};
                #service
                #(#ops)*
            }
        }
    }
}
