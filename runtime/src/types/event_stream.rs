//! Event-stream outputs: the events of S3 `SelectObjectContent`, Lambda
//! `InvokeWithResponseStream` and others, read from the response body as they arrive.

use crate::error::{Error, ErrorKind, ModeledError, RawModeled};
use crate::eventstream::{Decoder, EventStreamError, Message, MessageType};
use crate::protocol::event_input::SendFailure;
use crate::protocol::event_stream::{Events, INITIAL_RESPONSE};
use crate::types::Body;
use crate::value::{ConvertError, FromValue, IntoValue, Value};
use bytes::Bytes;
use http_body::Body as _;
use std::fmt;
use std::future::poll_fn;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The events of an operation's output, untyped: each a [`Value`] of the stream's union.
///
/// Frames are decoded as the body's chunks arrive: memory holds at most the frame being
/// received. The stream ends after the first error (a frame that fails its checks, a dropped
/// connection, an `exception` or `error` message), since nothing after it can be trusted.
pub struct RawEventStream {
    body: Body,
    decoder: Decoder,
    events: Events,
    /// A message read while looking for the initial response, to yield first.
    pending: Option<Message>,
    body_done: bool,
    finished: bool,
    /// The call's input event stream: when sending it failed, that is why this body broke.
    sender: Option<SendFailure>,
}

impl RawEventStream {
    pub(crate) fn new(body: Body, events: Events) -> Self {
        RawEventStream {
            body,
            decoder: Decoder::new(),
            events,
            pending: None,
            body_done: false,
            finished: false,
            sender: None,
        }
    }

    /// Reports `failure`, once set, in place of this body's own error.
    pub(crate) fn watch_sender(&mut self, failure: SendFailure) {
        self.sender = Some(failure);
    }

    /// The next event, `None` once the stream has ended (cleanly, or after an error).
    pub async fn recv(&mut self) -> Option<Result<Value, Error<RawModeled>>> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// [`Self::recv`] as a poll.
    pub fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Value, Error<RawModeled>>>> {
        if self.finished {
            return Poll::Ready(None);
        }
        let out = match ready!(self.poll_message(cx)) {
            Some(Ok(msg)) => Some(self.events.decode(msg)),
            Some(Err(e)) => Some(Err(e)),
            None => None,
        };
        if !matches!(out, Some(Ok(_))) {
            self.finished = true;
        }
        Poll::Ready(out)
    }

    /// The payload of the `initial-response` event rpc protocols send first, if the stream
    /// starts with one; any other first message is kept for [`Self::recv`].
    pub(crate) async fn initial_response(&mut self) -> Result<Option<Bytes>, Error<RawModeled>> {
        match poll_fn(|cx| self.poll_message(cx)).await {
            Some(Ok(msg))
                if msg.message_type() == Some(MessageType::Event)
                    && msg.event_type() == Some(INITIAL_RESPONSE) =>
            {
                Ok(Some(msg.payload))
            }
            Some(Ok(msg)) => {
                self.pending = Some(msg);
                Ok(None)
            }
            Some(Err(e)) => Err(e),
            None => Ok(None),
        }
    }

    /// The next whole message, reading body chunks until one is complete.
    fn poll_message(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Message, Error<RawModeled>>>> {
        if let Some(msg) = self.pending.take() {
            return Poll::Ready(Some(Ok(msg)));
        }
        loop {
            match self.decoder.next_message() {
                Ok(Some(msg)) => return Poll::Ready(Some(Ok(msg))),
                Ok(None) if self.body_done => return Poll::Ready(None),
                Ok(None) => {}
                Err(e) => return Poll::Ready(Some(Err(self.frame_error(e)))),
            }
            match ready!(Pin::new(&mut self.body).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.decoder.push(&data);
                    }
                }
                Some(Err(e)) => {
                    let err = match self.sender.as_ref().and_then(SendFailure::error) {
                        Some(cause) => cause,
                        None => e.into_error(),
                    };
                    let err = err.map_modeled(|n| match n {});
                    return Poll::Ready(Some(Err(err.with_context(self.events.operation, None))));
                }
                None => {
                    self.body_done = true;
                    self.decoder.end();
                }
            }
        }
    }

    fn frame_error(&self, e: EventStreamError) -> Error<RawModeled> {
        Error::new(ErrorKind::ResponseParse, e.to_string())
            .with_source(e)
            .with_context(self.events.operation, None)
    }
}

impl fmt::Debug for RawEventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("events", &self.events.union.name)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

/// The events of an operation's output: `T` is the service's event union, `E` its modeled
/// exceptions. Read with [`EventStream::recv`], or as a [`futures_core::Stream`].
///
/// ```no_run
/// # async fn demo<T: rboto::__private::FromValue, E: rboto::ModeledError>(
/// #     mut events: rboto::EventStream<T, E>,
/// # ) -> Result<(), rboto::Error<E>> {
/// while let Some(event) = events.recv().await {
///     let _event: T = event?;
/// }
/// # Ok(()) }
/// ```
///
/// An event type this version of the SDK does not know is the union's `Unknown` variant; an
/// `exception` message is the service error it names, an `error` message an unmodeled one.
pub struct EventStream<T, E> {
    raw: RawEventStream,
    // `fn() -> _`: the stream holds no `T` or `E`, so it is `Send` and `Unpin` whatever they are.
    _types: PhantomData<fn() -> (T, E)>,
}

impl<T: FromValue, E: ModeledError> EventStream<T, E> {
    /// The next event, `None` once the stream has ended (cleanly, or after an error).
    pub async fn recv(&mut self) -> Option<Result<T, Error<E>>> {
        poll_fn(|cx| self.poll_typed(cx)).await
    }

    fn poll_typed(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error<E>>>> {
        let item = ready!(self.raw.poll_recv(cx));
        Poll::Ready(item.map(|r| match r {
            Ok(v) => T::from_value(v).map_err(|e| {
                self.raw.finished = true;
                Error::new(
                    ErrorKind::ResponseParse,
                    format!("unable to convert an event: {e}"),
                )
                .with_context(self.raw.events.operation, None)
            }),
            Err(e) => Err(e.into_typed()),
        }))
    }

    /// The untyped stream underneath.
    pub fn into_raw(self) -> RawEventStream {
        self.raw
    }
}

impl<T: FromValue, E: ModeledError> futures_core::Stream for EventStream<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_typed(cx)
    }
}

impl<T, E> fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.raw.fmt(f)
    }
}

impl<T, E> FromValue for EventStream<T, E> {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::EventStream(raw) => Ok(EventStream {
                raw: *raw,
                _types: PhantomData,
            }),
            other => Err(ConvertError::new(format!(
                "expected event stream, found {}",
                other.type_name()
            ))),
        }
    }
}

impl<T, E> IntoValue for EventStream<T, E> {
    fn into_value(self) -> Value {
        Value::EventStream(Box::new(self.raw))
    }
}
