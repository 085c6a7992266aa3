//! What a successful call returns besides its typed output: boto3's `ResponseMetadata`, and the
//! future `send()` gives.

use crate::error::{Error, ErrorKind, ModeledError, RawModeled};
use crate::schema::Operation;
use crate::value::{FromValue, Value};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

/// boto3's `ResponseMetadata`: who answered and how, for every successful output
/// (`output.response_metadata()`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ResponseMetadata {
    /// The request id the service assigned (`x-amzn-RequestId`, `x-amz-request-id`, or the
    /// `RequestId` in a query/EC2 response body).
    pub request_id: Option<String>,
    /// S3's extended request id (`x-amz-id-2`).
    pub host_id: Option<String>,
    /// The HTTP status code of the final response.
    pub http_status_code: u16,
    /// The final response's headers.
    pub http_headers: http::HeaderMap,
    /// Retries made before this response (boto3's `RetryAttempts`): attempts minus one.
    pub retry_attempts: u32,
}

impl ResponseMetadata {
    /// Metadata for an output that did not come from a response (built by hand).
    pub(crate) fn empty() -> &'static ResponseMetadata {
        static EMPTY: OnceLock<ResponseMetadata> = OnceLock::new();
        EMPTY.get_or_init(ResponseMetadata::default)
    }
}

/// An operation output: parsed from the response value, then given its metadata.
pub trait Output: FromValue {
    #[doc(hidden)]
    fn __set_response_metadata(&mut self, metadata: ResponseMetadata);
}

/// The untyped result of a call: the output value and its metadata.
pub(crate) type RawResult = Result<(Value, ResponseMetadata), Error<RawModeled>>;
pub(crate) type RawFuture = Pin<Box<dyn Future<Output = RawResult> + Send>>;

/// The future `send()` returns: resolves to the operation's typed output or error.
///
/// The request is built, signed, sent and retried by code compiled once in the runtime; only the
/// last step, turning the response value into `O`, is specific to the operation.
#[must_use = "futures do nothing unless awaited"]
pub struct ResponseFuture<O, E> {
    inner: RawFuture,
    operation: &'static Operation,
    _types: PhantomData<fn() -> (O, E)>,
}

impl<O, E> ResponseFuture<O, E> {
    pub(crate) fn new(operation: &'static Operation, inner: RawFuture) -> Self {
        ResponseFuture {
            inner,
            operation,
            _types: PhantomData,
        }
    }
}

impl<O, E> std::fmt::Debug for ResponseFuture<O, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("operation", &self.operation.name)
            .finish()
    }
}

impl<O: Output, E: ModeledError> ResponseFuture<O, E> {
    /// Sends the request and waits for the response on the calling thread, for code without
    /// `async` (see [`crate::blocking`]). Inside an async runtime it returns an
    /// [`ErrorKind::BlockingInAsync`] error instead: `.await` the future there.
    pub fn wait(self) -> Result<O, Error<E>> {
        let operation = self.operation.name;
        crate::blocking::block_on(self)
            .unwrap_or_else(|e| Err(e.map_modeled(|_| None).with_context(operation, None)))
    }
}

impl<O: Output, E: ModeledError> Future for ResponseFuture<O, E> {
    type Output = Result<O, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let raw = std::task::ready!(self.inner.as_mut().poll(cx));
        Poll::Ready(match raw {
            Ok((value, metadata)) => typed_output(self.operation, value, metadata),
            Err(e) => Err(e.into_typed()),
        })
    }
}

/// The typed output of a response value, with its metadata attached.
pub(crate) fn typed_output<O: Output, E>(
    op: &'static Operation,
    value: Value,
    metadata: ResponseMetadata,
) -> Result<O, Error<E>> {
    match O::from_value(value) {
        Ok(mut out) => {
            out.__set_response_metadata(metadata);
            Ok(out)
        }
        Err(e) => Err(Error::new(
            ErrorKind::ResponseParse,
            format!("unexpected response: {e}"),
        )
        .with_context(op.name, None)),
    }
}
