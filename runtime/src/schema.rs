//! Static shape metadata: what the generator emits instead of serializers.
//!
//! Every service crate holds `static` [`Shape`]s, [`Operation`]s and one [`Service`] built from
//! the botocore model. The wire protocols in [`crate::protocol`] walk a [`crate::Value`] tree
//! alongside these shapes, so a protocol is written once here and never in generated code.
//! Statics may refer to each other in cycles, which is how recursive shapes are expressed.
//!
//! The builders are `const fn`s so that a member is one short line of generated code:
//! `Member::new("Bucket", &BUCKET_NAME).at(Location::Uri, "Bucket").with(REQUIRED)`.

/// A wire protocol, named as in botocore's `metadata.protocols`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    Json,
    RestJson,
    RestXml,
    Query,
    Ec2,
    SmithyRpcV2Cbor,
}

impl Protocol {
    /// botocore's protocol identifier.
    pub const fn as_str(self) -> &'static str {
        match self {
            Protocol::Json => "json",
            Protocol::RestJson => "rest-json",
            Protocol::RestXml => "rest-xml",
            Protocol::Query => "query",
            Protocol::Ec2 => "ec2",
            Protocol::SmithyRpcV2Cbor => "smithy-rpc-v2-cbor",
        }
    }

    /// Parses botocore's protocol identifier.
    pub fn from_name(name: &str) -> Option<Protocol> {
        Some(match name {
            "json" => Protocol::Json,
            "rest-json" => Protocol::RestJson,
            "rest-xml" => Protocol::RestXml,
            "query" => Protocol::Query,
            "ec2" => Protocol::Ec2,
            "smithy-rpc-v2-cbor" => Protocol::SmithyRpcV2Cbor,
            _ => return None,
        })
    }
}

/// Where a member is bound in an HTTP message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Body,
    Uri,
    Querystring,
    Header,
    /// A prefix-keyed header map such as `x-amz-meta-*`.
    Headers,
    StatusCode,
}

/// A timestamp wire format (`timestampFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampFormat {
    Iso8601,
    Rfc822,
    UnixTimestamp,
}

/// An XML namespace (`xmlNamespace`): `xmlns[:prefix]="uri"`.
#[derive(Debug)]
pub struct XmlNamespace {
    pub prefix: Option<&'static str>,
    pub uri: &'static str,
}

/// Defines a set of flags as its own type, so a member flag cannot be tested on a shape.
macro_rules! flag_set {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name(u32);
        impl $name {
            pub const NONE: $name = $name(0);
            /// Both sets together.
            pub const fn union(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }
            /// Whether any flag of `other` is set.
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 != 0
            }
        }
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({:#x})", stringify!($name), self.0)
            }
        }
    };
}

flag_set!(
    /// Flags of a [`Member`].
    MemberFlags
);
flag_set!(
    /// Flags of a [`Shape`].
    ShapeFlags
);
flag_set!(
    /// Flags of an [`Operation`].
    OperationFlags
);

pub const REQUIRED: MemberFlags = MemberFlags(1);
pub const FLATTENED: MemberFlags = MemberFlags(1 << 1);
pub const XML_ATTRIBUTE: MemberFlags = MemberFlags(1 << 2);
pub const IDEMPOTENCY_TOKEN: MemberFlags = MemberFlags(1 << 3);
pub const HOST_LABEL: MemberFlags = MemberFlags(1 << 4);
/// The member is the HTTP payload (`payload` on the structure).
pub const PAYLOAD: MemberFlags = MemberFlags(1 << 5);
/// JSON text on the wire (`jsonvalue`: base64 in a header, a string in a body), a document
/// in the typed API.
pub const JSON_VALUE: MemberFlags = MemberFlags(1 << 6);
pub const SENSITIVE: MemberFlags = MemberFlags(1 << 7);
pub const DEPRECATED: MemberFlags = MemberFlags(1 << 8);
pub const EVENT_PAYLOAD: MemberFlags = MemberFlags(1 << 9);
pub const EVENT_HEADER: MemberFlags = MemberFlags(1 << 10);
/// Greedy URI label (`{Key+}`); derived from the operation's `requestUri`.
pub const GREEDY_LABEL: MemberFlags = MemberFlags(1 << 11);
/// A streaming payload (`streaming` on the member).
pub const STREAMING: MemberFlags = MemberFlags(1 << 12);

/// A streaming payload (`streaming` on the shape).
pub const SHAPE_STREAMING: ShapeFlags = ShapeFlags(1);
pub const REQUIRES_LENGTH: ShapeFlags = ShapeFlags(1 << 1);
pub const EVENT_STREAM: ShapeFlags = ShapeFlags(1 << 2);
pub const EXCEPTION: ShapeFlags = ShapeFlags(1 << 3);
pub const SHAPE_SENSITIVE: ShapeFlags = ShapeFlags(1 << 4);
/// The error is retryable (`retryable` trait).
pub const RETRYABLE: ShapeFlags = ShapeFlags(1 << 5);
/// The error is a throttling error (`retryable.throttling`).
pub const THROTTLING: ShapeFlags = ShapeFlags(1 << 6);
pub const SENDER_FAULT: ShapeFlags = ShapeFlags(1 << 7);
/// A document shape (`document: true`).
pub const DOCUMENT: ShapeFlags = ShapeFlags(1 << 8);
/// The shape is an event (`event: true`) inside an event stream.
pub const EVENT: ShapeFlags = ShapeFlags(1 << 9);
pub const SHAPE_FLATTENED: ShapeFlags = ShapeFlags(1 << 10);

/// What kind of value a shape describes.
#[derive(Debug)]
pub enum Kind {
    Structure(&'static [Member]),
    /// Exactly one member is set.
    Union(&'static [Member]),
    List(&'static Member),
    /// Key and value members.
    Map(&'static Member, &'static Member),
    String,
    Boolean,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Blob,
    Timestamp,
    Document,
}

/// A model shape.
#[derive(Debug)]
pub struct Shape {
    pub name: &'static str,
    pub kind: Kind,
    pub flags: ShapeFlags,
    pub timestamp_format: Option<TimestampFormat>,
    pub xml_namespace: Option<&'static XmlNamespace>,
    /// Shape-level `locationName` (the XML element name of a structure or list member).
    pub location_name: Option<&'static str>,
    /// For exceptions: the error code (`error.code`, else the shape name) and HTTP status.
    pub error: Option<ErrorInfo>,
}

/// A modeled exception's `error` trait.
#[derive(Debug, Clone, Copy)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub status: u16,
}

impl Shape {
    const fn of(name: &'static str, kind: Kind) -> Shape {
        Shape {
            name,
            kind,
            flags: ShapeFlags::NONE,
            timestamp_format: None,
            xml_namespace: None,
            location_name: None,
            error: None,
        }
    }
    pub const fn structure(name: &'static str, members: &'static [Member]) -> Shape {
        Shape::of(name, Kind::Structure(members))
    }
    pub const fn union(name: &'static str, members: &'static [Member]) -> Shape {
        Shape::of(name, Kind::Union(members))
    }
    pub const fn list(name: &'static str, member: &'static Member) -> Shape {
        Shape::of(name, Kind::List(member))
    }
    pub const fn map(name: &'static str, key: &'static Member, value: &'static Member) -> Shape {
        Shape::of(name, Kind::Map(key, value))
    }
    pub const fn scalar(name: &'static str, kind: Kind) -> Shape {
        Shape::of(name, kind)
    }
    /// Adds shape flags; a member flag does not fit:
    ///
    /// ```
    /// use rboto::__private::schema::{Kind, Shape, SHAPE_STREAMING};
    /// static S: Shape = Shape::scalar("S", Kind::Blob).with(SHAPE_STREAMING);
    /// assert!(S.has(SHAPE_STREAMING));
    /// ```
    ///
    /// ```compile_fail
    /// use rboto::__private::schema::{Kind, Shape, STREAMING};
    /// static S: Shape = Shape::scalar("S", Kind::Blob).with(STREAMING);
    /// ```
    pub const fn with(mut self, flags: ShapeFlags) -> Shape {
        self.flags = self.flags.union(flags);
        self
    }
    pub const fn ts(mut self, format: TimestampFormat) -> Shape {
        self.timestamp_format = Some(format);
        self
    }
    pub const fn xml_ns(mut self, ns: &'static XmlNamespace) -> Shape {
        self.xml_namespace = Some(ns);
        self
    }
    pub const fn named(mut self, location_name: &'static str) -> Shape {
        self.location_name = Some(location_name);
        self
    }
    pub const fn error(mut self, code: &'static str, status: u16) -> Shape {
        self.error = Some(ErrorInfo { code, status });
        self.flags = self.flags.union(EXCEPTION);
        self
    }
    pub const fn has(&self, flag: ShapeFlags) -> bool {
        self.flags.contains(flag)
    }
    /// Structure or union members; empty for other kinds.
    pub fn members(&self) -> &'static [Member] {
        match self.kind {
            Kind::Structure(m) | Kind::Union(m) => m,
            _ => &[],
        }
    }
}

/// Where a member's shape is: a `static` (hand-written schemas, the prelude) or a cell of a
/// schema the runtime built from a model, filled once every shape of the model exists (which is
/// how a recursive shape refers to itself).
#[derive(Clone, Copy)]
pub enum ShapeRef {
    Static(&'static Shape),
    Built(&'static std::sync::OnceLock<Shape>),
}

impl ShapeRef {
    pub fn get(self) -> &'static Shape {
        match self {
            ShapeRef::Static(shape) => shape,
            // Every cell is filled before the built schema is handed out.
            ShapeRef::Built(cell) => cell.get().unwrap_or(&prelude::UNIT),
        }
    }
}

impl std::fmt::Debug for ShapeRef {
    // The shape's name only: shapes can be recursive.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get().name)
    }
}

/// A structure, union, list or map member.
#[derive(Debug)]
pub struct Member {
    /// The member name in the model.
    pub name: &'static str,
    pub shape: ShapeRef,
    pub location: Location,
    /// `locationName`: header, query key, URI label, or wire element/field name.
    pub location_name: Option<&'static str>,
    /// `queryName` (ec2 protocol).
    pub query_name: Option<&'static str>,
    pub xml_namespace: Option<&'static XmlNamespace>,
    pub timestamp_format: Option<TimestampFormat>,
    /// `contextParam` name for endpoint resolution.
    pub context_param: Option<&'static str>,
    pub flags: MemberFlags,
}

impl Member {
    pub const fn new(name: &'static str, target: &'static Shape) -> Member {
        Member {
            name,
            shape: ShapeRef::Static(target),
            location: Location::Body,
            location_name: None,
            query_name: None,
            xml_namespace: None,
            timestamp_format: None,
            context_param: None,
            flags: MemberFlags::NONE,
        }
    }
    /// A list member or map key/value: no name of its own.
    pub const fn item(target: &'static Shape) -> Member {
        Member::new("member", target)
    }
    pub const fn at(mut self, location: Location, location_name: &'static str) -> Member {
        self.location = location;
        self.location_name = Some(location_name);
        self
    }
    pub const fn loc(mut self, location: Location) -> Member {
        self.location = location;
        self
    }
    /// A body `locationName` (wire name differs from the member name).
    pub const fn named(mut self, location_name: &'static str) -> Member {
        self.location_name = Some(location_name);
        self
    }
    pub const fn with(mut self, flags: MemberFlags) -> Member {
        self.flags = self.flags.union(flags);
        self
    }
    pub const fn query_name(mut self, name: &'static str) -> Member {
        self.query_name = Some(name);
        self
    }
    pub const fn xml_ns(mut self, ns: &'static XmlNamespace) -> Member {
        self.xml_namespace = Some(ns);
        self
    }
    pub const fn ts(mut self, format: TimestampFormat) -> Member {
        self.timestamp_format = Some(format);
        self
    }
    pub const fn ctx(mut self, param: &'static str) -> Member {
        self.context_param = Some(param);
        self
    }
    pub const fn has(&self, flag: MemberFlags) -> bool {
        self.flags.contains(flag)
    }
    /// The name on the wire: `locationName` if set, else the member name.
    /// The member's shape.
    pub fn target(&self) -> &'static Shape {
        self.shape.get()
    }
    pub fn wire_name(&self) -> &'static str {
        match self.location_name {
            Some(n) => n,
            None => self.name,
        }
    }
    /// The timestamp format from the member, else from its target shape.
    pub fn timestamp_format(&self) -> Option<TimestampFormat> {
        match self.timestamp_format {
            Some(f) => Some(f),
            None => self.target().timestamp_format,
        }
    }
    /// A streaming payload: botocore marks either the member or its target `streaming`.
    pub fn is_streaming(&self) -> bool {
        self.has(STREAMING) || self.target().has(SHAPE_STREAMING)
    }

    /// Sensitive on the member or on its target.
    pub fn is_sensitive(&self) -> bool {
        self.has(SENSITIVE) || self.target().has(SHAPE_SENSITIVE)
    }
}

/// [`Member::new`] under the short name generated schemas use (`m("Bucket", &BUCKET_NAME)`):
/// it is most of every generated `schema.rs`, so its length counts.
pub const fn member(name: &'static str, target: &'static Shape) -> Member {
    Member::new(name, target)
}

/// Operation flags.
pub const HTTP_CHECKSUM_REQUIRED: OperationFlags = OperationFlags(1);
/// Request checksum required by the `httpChecksum` trait.
pub const REQUEST_CHECKSUM_REQUIRED: OperationFlags = OperationFlags(1 << 1);
/// Sign with `UNSIGNED-PAYLOAD` (`authtype: v4-unsigned-body` / `unsignedPayload`).
pub const UNSIGNED_PAYLOAD: OperationFlags = OperationFlags(1 << 2);
/// No authentication (`authtype: none` / `auth: ["smithy.api#noAuth"]`).
pub const NO_AUTH: OperationFlags = OperationFlags(1 << 3);
pub const OP_DEPRECATED: OperationFlags = OperationFlags(1 << 4);
pub const ENDPOINT_DISCOVERY: OperationFlags = OperationFlags(1 << 5);

/// The `httpChecksum` trait of an operation.
#[derive(Debug)]
pub struct HttpChecksum {
    /// Input member naming the algorithm (`requestAlgorithmMember`).
    pub request_algorithm_member: Option<&'static str>,
    /// Input member enabling response validation (`requestValidationModeMember`).
    pub request_validation_mode_member: Option<&'static str>,
    pub response_algorithms: &'static [&'static str],
}

/// A literal from `staticContextParams`.
#[derive(Debug)]
pub enum StaticParam {
    Bool(bool),
    Str(&'static str),
    StrList(&'static [&'static str]),
}

/// One operation of a service.
#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    pub method: &'static str,
    /// `requestUri`, labels in braces; may carry a fixed query (`/?tagging`).
    pub request_uri: &'static str,
    /// Success status code (`http.responseCode`), 200 unless modeled.
    pub response_code: u16,
    pub input: &'static Shape,
    pub output: &'static Shape,
    /// `resultWrapper` of the output (query protocol).
    pub result_wrapper: Option<&'static str>,
    /// Indexes into [`Service::errors`].
    pub errors: &'static [u16],
    pub flags: OperationFlags,
    /// `endpoint.hostPrefix`, with `{Label}` placeholders.
    pub host_prefix: Option<&'static str>,
    /// `auth` (e.g. `aws.auth#sigv4`), in preference order; empty when not modeled.
    pub auth: &'static [&'static str],
    pub http_checksum: Option<&'static HttpChecksum>,
    pub static_context_params: &'static [(&'static str, StaticParam)],
    /// `operationContextParams`: endpoint parameter name and JMESPath-like path into the input.
    pub operation_context_params: &'static [(&'static str, &'static str)],
    /// `requestcompression.encodings`.
    pub request_compression: &'static [&'static str],
}

impl Operation {
    /// An operation with defaults for everything optional; see the builder methods.
    pub const fn new(
        name: &'static str,
        method: &'static str,
        request_uri: &'static str,
        input: &'static Shape,
        output: &'static Shape,
    ) -> Operation {
        Operation {
            name,
            method,
            request_uri,
            response_code: 200,
            input,
            output,
            result_wrapper: None,
            errors: &[],
            flags: OperationFlags::NONE,
            host_prefix: None,
            auth: &[],
            http_checksum: None,
            static_context_params: &[],
            operation_context_params: &[],
            request_compression: &[],
        }
    }
    pub const fn errors(mut self, errors: &'static [u16]) -> Operation {
        self.errors = errors;
        self
    }
    pub const fn with(mut self, flags: OperationFlags) -> Operation {
        self.flags = self.flags.union(flags);
        self
    }
    pub const fn status(mut self, code: u16) -> Operation {
        self.response_code = code;
        self
    }
    pub const fn result_wrapper(mut self, wrapper: &'static str) -> Operation {
        self.result_wrapper = Some(wrapper);
        self
    }
    pub const fn host_prefix(mut self, prefix: &'static str) -> Operation {
        self.host_prefix = Some(prefix);
        self
    }
    pub const fn auth(mut self, auth: &'static [&'static str]) -> Operation {
        self.auth = auth;
        self
    }
    pub const fn checksum(mut self, c: &'static HttpChecksum) -> Operation {
        self.http_checksum = Some(c);
        self
    }
    pub const fn static_params(mut self, p: &'static [(&'static str, StaticParam)]) -> Operation {
        self.static_context_params = p;
        self
    }
    pub const fn op_params(mut self, p: &'static [(&'static str, &'static str)]) -> Operation {
        self.operation_context_params = p;
        self
    }
    pub const fn compression(mut self, encodings: &'static [&'static str]) -> Operation {
        self.request_compression = encodings;
        self
    }
    pub const fn has(&self, flag: OperationFlags) -> bool {
        self.flags.contains(flag)
    }
}

/// Service-wide metadata (`metadata` of the model).
#[derive(Debug)]
pub struct Service {
    /// botocore's service name (`s3`, `sso-oidc`).
    pub name: &'static str,
    pub service_id: &'static str,
    pub api_version: &'static str,
    pub endpoint_prefix: &'static str,
    pub signing_name: &'static str,
    /// The protocol botocore would choose (first of json, rest-json, rest-xml,
    /// smithy-rpc-v2-cbor, query, ec2 present in `metadata.protocols`).
    pub protocol: Protocol,
    /// Every protocol the service supports, in model order.
    pub protocols: &'static [Protocol],
    pub json_version: Option<&'static str>,
    pub target_prefix: Option<&'static str>,
    /// `metadata.xmlNamespace` (query protocols' response namespace).
    pub xml_namespace: Option<&'static str>,
    /// `awsQueryCompatible`: JSON errors carry query error codes in `x-amzn-query-error`.
    pub query_compatible: bool,
    /// `signatureVersion` (`v4`, `s3`, `s3v4`, `bearer`, `v2`).
    pub signature_version: &'static str,
    /// `metadata.auth`: the auth scheme ids (`aws.auth#sigv4`, `smithy.api#httpBearerAuth`...)
    /// in preference order; when set, botocore uses it instead of `signature_version`.
    pub auth: &'static [&'static str],
    /// Every modeled exception; [`Operation::errors`] indexes into it.
    pub errors: &'static [&'static Shape],
    /// `clientContextParams` names and whether each is boolean.
    pub client_context_params: &'static [(&'static str, bool)],
    /// The service's `endpoint-rule-set-1.json`, evaluated by [`crate::endpoint`]; empty when
    /// the model has none.
    pub endpoint_rules: &'static str,
    /// The operations, sorted by name.
    pub operations: &'static [Operation],
}

impl Service {
    /// The operation `name`.
    pub fn operation(&self, name: &str) -> Option<&'static Operation> {
        let i = self
            .operations
            .binary_search_by(|op| op.name.cmp(name))
            .ok()?;
        self.operations.get(i)
    }
}

/// A generated crate's service: its model (botocore's JSON without documentation), read into a
/// [`Service`] the first time a client is made. Reading at run time instead of compiling the
/// schema as Rust `static`s is what keeps a large service crate cheap to build.
///
/// The model and the endpoint rule set are embedded packed (an LZ4 block after its length, as
/// the generator writes them): their JSON is so repetitive that packing takes S3's from 344 KB
/// to 46 KB in every binary. The text is unpacked once and kept for the program's life, since
/// the schema borrows its names from it.
pub struct LazyService {
    name: &'static str,
    model: &'static [u8],
    rules: &'static [u8],
    built: std::sync::OnceLock<&'static Service>,
}

impl Service {
    /// A service with no metadata and no operations: the base of a hand-written schema
    /// (`Service { name: "sts", ..Service::BLANK }`).
    pub const BLANK: Service = Service {
        name: "",
        service_id: "",
        api_version: "",
        endpoint_prefix: "",
        signing_name: "",
        protocol: Protocol::Json,
        protocols: &[],
        json_version: None,
        target_prefix: None,
        xml_namespace: None,
        query_compatible: false,
        signature_version: "v4",
        auth: &[],
        errors: &[],
        client_context_params: &[],
        endpoint_rules: "",
        operations: &[],
    };
}

/// What a service whose embedded model cannot be read stands for: no operations, so every call
/// fails with an error that says so. Generated models are checked to read by the test suite.
static UNREADABLE: Service = Service::BLANK;

/// The operation an input names when its service has no such operation (a model that could not
/// be read): sending it fails before anything goes on the wire.
pub static MISSING_OPERATION: Operation =
    Operation::new("", "POST", "/", &prelude::UNIT, &prelude::UNIT);

/// The text of a packed model file, kept for the rest of the program (`""` for no file).
fn unpack(packed: &'static [u8]) -> Option<&'static str> {
    if packed.is_empty() {
        return Some("");
    }
    let bytes = lz4_flex::decompress_size_prepended(packed).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(Box::leak(text.into_boxed_str()))
}

impl LazyService {
    /// `model` and `rules` are packed (`rules` is empty when the model has no rule set).
    pub const fn new(name: &'static str, model: &'static [u8], rules: &'static [u8]) -> Self {
        LazyService {
            name,
            model,
            rules,
            built: std::sync::OnceLock::new(),
        }
    }

    /// The service, read from its model on first use.
    pub fn get(&self) -> &'static Service {
        self.built.get_or_init(|| {
            let (Some(model), Some(rules)) = (unpack(self.model), unpack(self.rules)) else {
                return &UNREADABLE;
            };
            crate::model::build_static(self.name, model, rules).unwrap_or(&UNREADABLE)
        })
    }

    /// The operation `name` (generated inputs name theirs).
    pub fn operation(&self, name: &str) -> &'static Operation {
        self.get().operation(name).unwrap_or(&MISSING_OPERATION)
    }
}

/// Shared statics for scalar shapes without traits of their own, and for operations without
/// an input or output, so generated crates don't repeat them.
pub mod prelude {
    use super::{Kind, Shape};
    pub static UNIT: Shape = Shape::structure("Unit", &[]);
    pub static STRING: Shape = Shape::scalar("String", Kind::String);
    pub static BOOLEAN: Shape = Shape::scalar("Boolean", Kind::Boolean);
    pub static BYTE: Shape = Shape::scalar("Byte", Kind::Byte);
    pub static SHORT: Shape = Shape::scalar("Short", Kind::Short);
    pub static INTEGER: Shape = Shape::scalar("Integer", Kind::Integer);
    pub static LONG: Shape = Shape::scalar("Long", Kind::Long);
    pub static FLOAT: Shape = Shape::scalar("Float", Kind::Float);
    pub static DOUBLE: Shape = Shape::scalar("Double", Kind::Double);
    pub static BIG_INTEGER: Shape = Shape::scalar("BigInteger", Kind::BigInteger);
    pub static BIG_DECIMAL: Shape = Shape::scalar("BigDecimal", Kind::BigDecimal);
    pub static BLOB: Shape = Shape::scalar("Blob", Kind::Blob);
    pub static TIMESTAMP: Shape = Shape::scalar("Timestamp", Kind::Timestamp);
    pub static DOCUMENT: Shape = Shape::scalar("Document", Kind::Document);
}
