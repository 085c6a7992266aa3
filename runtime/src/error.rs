//! The error every rboto call returns: one matchable [`ErrorKind`] per case a user handles
//! differently (botocore's taxonomy), plus service errors carrying code, message, request id,
//! HTTP status and — when the service modeled it — the typed exception.

use crate::value::Value;
use std::error::Error as StdError;
use std::fmt;

/// What went wrong, coarsely: match on this.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// No provider in the credential chain had credentials (botocore `NoCredentialsError`).
    NoCredentials,
    /// Credentials were found but incomplete (botocore `PartialCredentialsError`).
    PartialCredentials,
    /// A config file, environment variable or setting is invalid (`InvalidConfigError`).
    InvalidConfig,
    /// No region was configured and the endpoint needs one (`NoRegionError`).
    NoRegion,
    /// A parameter failed validation before any I/O (`ParamValidationError`).
    ParamValidation,
    /// No endpoint could be resolved for the request.
    EndpointResolution,
    /// The connection could not be made or was lost (`EndpointConnectionError`).
    Connection,
    /// Connecting took longer than the connect timeout (`ConnectTimeoutError`).
    ConnectTimeout,
    /// The response did not arrive within the read timeout (`ReadTimeoutError`).
    ReadTimeout,
    /// The operation or attempt exceeded its overall time limit.
    Timeout,
    /// TLS negotiation or certificate verification failed (`SSLError`).
    Tls,
    /// The response could not be parsed (`ResponseParserError`).
    ResponseParse,
    /// The service returned an error (`ClientError`).
    Service,
    /// The request could not be signed.
    Signing,
    /// A stubbed client was called other than its `Stubber` (feature `test-util`) expected:
    /// no response queued, another operation's, other parameters, or responses left unused
    /// (botocore's `StubResponseError`, `StubAssertionError`, `UnStubbedResponseError`).
    Stub,
    /// A blocking call ([`crate::blocking`]) was made inside an async runtime, or rboto's
    /// blocking runtime could not start.
    BlockingInAsync,
}

impl ErrorKind {
    /// The kind in words, as `Display` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NoCredentials => "no credentials",
            ErrorKind::PartialCredentials => "partial credentials",
            ErrorKind::InvalidConfig => "invalid configuration",
            ErrorKind::NoRegion => "no region",
            ErrorKind::ParamValidation => "parameter validation failed",
            ErrorKind::EndpointResolution => "endpoint resolution failed",
            ErrorKind::Connection => "connection error",
            ErrorKind::ConnectTimeout => "connect timeout",
            ErrorKind::ReadTimeout => "read timeout",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Tls => "TLS error",
            ErrorKind::ResponseParse => "unparseable response",
            ErrorKind::Service => "service error",
            ErrorKind::Signing => "signing failed",
            ErrorKind::Stub => "stubbed call did not match",
            ErrorKind::BlockingInAsync => "blocking call not possible",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error returned by the service.
#[derive(Debug)]
pub struct ServiceError<E> {
    /// The error code (`NoSuchKey`, `ResourceNotFoundException`).
    pub code: String,
    pub message: Option<String>,
    pub request_id: Option<String>,
    /// HTTP status code of the response.
    pub status: u16,
    /// The modeled exception, when the code matched one of the service's.
    pub modeled: Option<E>,
}

/// The modeled exceptions of a service; generated as each crate's `Exception` enum.
pub trait ModeledError: Sized + fmt::Debug {
    /// Builds variant `index` (of [`crate::schema::Service::errors`]) from its parsed body.
    fn from_modeled(index: usize, value: Value) -> Option<Self>;
}

/// Used where no modeled exceptions apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmodeled {}

impl ModeledError for Unmodeled {
    fn from_modeled(_: usize, _: Value) -> Option<Self> {
        None
    }
}

/// A modeled exception not yet converted to its typed variant: the index of its shape in the
/// service's error list and its parsed members.
#[derive(Debug)]
pub struct RawModeled {
    pub index: usize,
    pub value: Value,
}

impl ModeledError for RawModeled {
    fn from_modeled(index: usize, value: Value) -> Option<Self> {
        Some(RawModeled { index, value })
    }
}

type Source = Box<dyn StdError + Send + Sync + 'static>;

/// An rboto error. `E` is the service's modeled exception enum.
pub struct Error<E = Unmodeled> {
    inner: Box<Inner<E>>,
}

struct Inner<E> {
    kind: ErrorKind,
    message: String,
    operation: Option<&'static str>,
    host: Option<String>,
    source: Option<Source>,
    service: Option<ServiceError<E>>,
    retryable: bool,
    throttling: bool,
    retry: Option<RetryOutcome>,
}

/// What the retry loop made of the failure that ended a call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryOutcome {
    /// The retry classifier's reason, in words (`"throttling error code Throttling"`,
    /// `"not retryable: service error AccessDenied"`).
    pub reason: String,
    /// Retries made before giving up (attempts minus one).
    pub retries: u32,
    /// The call stopped because it had used every attempt allowed (botocore's
    /// `MaxAttemptsReached`).
    pub max_attempts_reached: bool,
}

impl<E> Error<E> {
    /// An error of `kind`; `message` says what happened.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                operation: None,
                host: None,
                source: None,
                service: None,
                retryable: false,
                throttling: false,
                retry: None,
            }),
        }
    }

    /// A service error.
    pub fn service(err: ServiceError<E>) -> Self {
        let mut e = Error::new(ErrorKind::Service, err.message.clone().unwrap_or_default());
        e.inner.service = Some(err);
        e
    }

    pub fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Names the operation and endpoint host the error happened on.
    pub fn with_context(mut self, operation: &'static str, host: Option<&str>) -> Self {
        self.inner.operation = Some(operation);
        if let Some(h) = host {
            self.inner.host = Some(h.to_string());
        }
        self
    }

    /// Marks the error as worth retrying (and whether it is throttling), per the retry classifier.
    pub fn with_retry(mut self, retryable: bool, throttling: bool) -> Self {
        self.inner.retryable = retryable;
        self.inner.throttling = throttling;
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// What happened, without the operation context.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    pub fn host(&self) -> Option<&str> {
        self.inner.host.as_deref()
    }

    pub fn service_error(&self) -> Option<&ServiceError<E>> {
        self.inner.service.as_ref()
    }

    /// The service's error code, for service errors.
    pub fn code(&self) -> Option<&str> {
        self.inner.service.as_ref().map(|s| s.code.as_str())
    }

    pub fn request_id(&self) -> Option<&str> {
        self.inner.service.as_ref()?.request_id.as_deref()
    }

    /// HTTP status, for service errors.
    pub fn status(&self) -> Option<u16> {
        self.inner.service.as_ref().map(|s| s.status)
    }

    /// The modeled exception, when the service error is one.
    pub fn modeled(&self) -> Option<&E> {
        self.inner.service.as_ref()?.modeled.as_ref()
    }

    /// Whether retrying the request could succeed.
    pub fn is_retryable(&self) -> bool {
        self.inner.retryable
    }

    pub fn is_throttling(&self) -> bool {
        self.inner.throttling
    }

    /// Records why the retry loop stopped on this error.
    pub(crate) fn with_retry_outcome(mut self, outcome: RetryOutcome) -> Self {
        self.inner.retry = Some(outcome);
        self
    }

    /// Why the call was not retried further, when it went through the retry loop: the
    /// classifier's reason, retries made and whether attempts ran out.
    pub fn retry_outcome(&self) -> Option<&RetryOutcome> {
        self.inner.retry.as_ref()
    }

    /// Converts the modeled part (used to turn a [`RawModeled`] into a service's enum).
    pub fn map_modeled<F>(self, f: impl FnOnce(E) -> Option<F>) -> Error<F> {
        let inner = *self.inner;
        Error {
            inner: Box::new(Inner {
                kind: inner.kind,
                message: inner.message,
                operation: inner.operation,
                host: inner.host,
                source: inner.source,
                service: inner.service.map(|s| ServiceError {
                    code: s.code,
                    message: s.message,
                    request_id: s.request_id,
                    status: s.status,
                    modeled: s.modeled.and_then(f),
                }),
                retryable: inner.retryable,
                throttling: inner.throttling,
                retry: inner.retry,
            }),
        }
    }
}

impl Error<RawModeled> {
    /// Types the modeled exception with the service's enum.
    pub fn into_typed<E: ModeledError>(self) -> Error<E> {
        self.map_modeled(|raw| E::from_modeled(raw.index, raw.value))
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let service = i.service.as_ref().map(|s| ServiceParts {
            code: &s.code,
            message: s.message.as_deref(),
            request_id: s.request_id.as_deref(),
            status: s.status,
        });
        write_error(
            f,
            i.operation,
            i.host.as_deref(),
            &i.message,
            i.source.as_deref(),
            i.retry.as_ref(),
            service,
        )
    }
}

/// The parts of a [`ServiceError`] that `Display` writes, apart from the service's type.
struct ServiceParts<'a> {
    code: &'a str,
    message: Option<&'a str>,
    request_id: Option<&'a str>,
    status: u16,
}

/// `Display` for every `Error<E>`: written once, not once per service's exception type.
fn write_error(
    f: &mut fmt::Formatter<'_>,
    operation: Option<&str>,
    host: Option<&str>,
    message: &str,
    source: Option<&(dyn StdError + Send + Sync + 'static)>,
    retry: Option<&RetryOutcome>,
    service: Option<ServiceParts<'_>>,
) -> fmt::Result {
    if let Some(s) = service {
        // botocore's ClientError wording, which users search for.
        let op = operation.unwrap_or("unknown");
        write!(
            f,
            "An error occurred ({}) when calling the {op} operation",
            s.code
        )?;
        if let Some(r) = retry.filter(|r| r.max_attempts_reached) {
            write!(f, " (reached max retries: {})", r.retries)?;
        }
        if let Some(m) = s.message.filter(|m| !m.is_empty()) {
            write!(f, ": {m}")?;
        }
        write!(f, " (HTTP {}", s.status)?;
        if let Some(id) = s.request_id {
            write!(f, ", request id {id}")?;
        }
        return f.write_str(")");
    }
    match (operation, host) {
        (Some(op), Some(h)) => write!(f, "{op} on {h}: ")?,
        (Some(op), None) => write!(f, "{op}: ")?,
        _ => {}
    }
    f.write_str(message)?;
    if let Some(src) = source {
        let s = src.to_string();
        if !s.is_empty() && !message.contains(&s) {
            write!(f, ": {s}")?;
        }
    }
    Ok(())
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind).field("message", &i.message);
        if let Some(op) = i.operation {
            d.field("operation", &op);
        }
        if let Some(h) = &i.host {
            d.field("host", h);
        }
        if let Some(s) = &i.service {
            d.field("service", s);
        }
        if let Some(s) = &i.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl<E: fmt::Debug> StdError for Error<E> {
    /// The cause, skipping a level whose text `Display` already wrote: messages say what
    /// happened, cause included, and a report that walks the chain (`anyhow`, `eyre`) would
    /// otherwise print that text twice.
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        let source: &(dyn StdError + 'static) = self.inner.source.as_deref()?;
        first_unshown(source, &self.to_string())
    }
}

/// The first error of `source`'s chain whose text `shown` does not already contain.
fn first_unshown<'a>(
    mut source: &'a (dyn StdError + 'static),
    shown: &str,
) -> Option<&'a (dyn StdError + 'static)> {
    loop {
        let text = source.to_string();
        if text.is_empty() || !shown.contains(&text) {
            return Some(source);
        }
        source = source.source()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message of the chain a report (`anyhow`'s `{:#}` or "Caused by:" list) prints.
    fn chain(e: &dyn StdError) -> Vec<String> {
        let mut out = vec![e.to_string()];
        let mut next = e.source();
        while let Some(s) = next {
            out.push(s.to_string());
            next = s.source();
        }
        out
    }

    #[derive(Debug)]
    struct Wrapper(std::io::Error);
    impl fmt::Display for Wrapper {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("tcp connect error")
        }
    }
    impl StdError for Wrapper {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn a_report_prints_each_cause_once() {
        let refused = || std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        // The message already says the immediate cause: the chain goes on below it.
        let e: Error = Error::new(
            ErrorKind::Connection,
            "could not connect: tcp connect error",
        )
        .with_source(Wrapper(refused()));
        assert_eq!(
            chain(&e),
            ["could not connect: tcp connect error", "refused"]
        );
        // A cause the message does not mention is appended to it, and so skipped too.
        let e: Error =
            Error::new(ErrorKind::Connection, "could not connect").with_source(Wrapper(refused()));
        assert_eq!(
            chain(&e),
            ["could not connect: tcp connect error", "refused"]
        );
        // Still reachable for downcasting: the deepest cause keeps its type.
        let io = e
            .source()
            .unwrap()
            .downcast_ref::<std::io::Error>()
            .unwrap();
        assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
    }

    #[test]
    fn kinds_display_in_words() {
        assert_eq!(ErrorKind::NoCredentials.to_string(), "no credentials");
        assert_eq!(ErrorKind::Tls.to_string(), "TLS error");
    }

    #[test]
    fn service_error_reads_like_botocore() {
        let e: Error = Error::service(ServiceError {
            code: "NoSuchKey".into(),
            message: Some("The specified key does not exist.".into()),
            request_id: Some("abc".into()),
            status: 404,
            modeled: None,
        })
        .with_context("GetObject", Some("s3.amazonaws.com"));
        assert_eq!(
            e.to_string(),
            "An error occurred (NoSuchKey) when calling the GetObject operation: \
             The specified key does not exist. (HTTP 404, request id abc)"
        );
        assert_eq!(e.kind(), ErrorKind::Service);
        assert_eq!(e.code(), Some("NoSuchKey"));
    }

    #[test]
    fn other_errors_name_operation_and_host() {
        let e: Error = Error::new(ErrorKind::Connection, "could not connect")
            .with_context("ListTables", Some("127.0.0.1:1"));
        assert_eq!(
            e.to_string(),
            "ListTables on 127.0.0.1:1: could not connect"
        );
    }
}
