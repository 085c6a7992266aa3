//! Event-stream inputs: the events a caller sends while the response is being read (Polly
//! `StartSpeechSynthesisStream`, Lex `StartConversation`, Bedrock
//! `InvokeModelWithBidirectionalStream`, …).

use crate::value::{ConvertError, FromValue, IntoValue, Value};
use futures_core::Stream;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

/// The events of an operation's input event stream: `T` is the service's input union (e.g.
/// polly's `StartSpeechSynthesisStreamActionStream`). Set it as the input's stream member.
///
/// The request body is pulled from it lazily while the call runs: each event is encoded and
/// signed (chained on the request's SigV4 signature) when the connection is ready for it, and
/// when the stream ends the signed end-of-stream frame is sent. The response, and its output
/// event stream, can arrive before then, so a caller can answer the service's events.
///
/// ```no_run
/// # async fn demo<T: rboto::__private::IntoValue + Send + 'static>(t: T) {
/// // From any stream (here `futures_core::Stream` of a ready list)…
/// let _sender = rboto::EventStreamSender::from_events(vec![t]);
/// // …or as a channel: events sent on `tx` go out as they come; dropping `tx` ends the stream.
/// let (tx, _sender) = rboto::EventStreamSender::<T>::channel(8);
/// # drop(tx);
/// # }
/// ```
///
/// The body is a one-shot stream: a call whose events have started to go out is not retried.
/// An event that cannot be serialized (e.g. the union's `Unknown` variant) ends the request;
/// the call, or its output event stream if the response had already arrived, fails with an
/// [`ErrorKind::ParamValidation`](crate::ErrorKind::ParamValidation) error saying why.
pub struct EventStreamSender<T> {
    raw: RawEventSender,
    _types: PhantomData<fn(T)>,
}

impl<T: IntoValue + Send + 'static> EventStreamSender<T> {
    /// Sends the items of `events`, in order, ending the input stream when it ends.
    pub fn new<S>(events: S) -> Self
    where
        S: Stream<Item = T> + Send + 'static,
    {
        EventStreamSender {
            raw: RawEventSender::new(Box::pin(IntoValues(Box::pin(events)))),
            _types: PhantomData,
        }
    }

    /// Sends events known up front (each still signed at the moment it goes out).
    pub fn from_events<I>(events: I) -> Self
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: Send + 'static,
    {
        Self::new(Iter(events.into_iter()))
    }

    /// A channel with room for `buffer` events (at least 1): what is sent on the returned
    /// [`tokio::sync::mpsc::Sender`] goes out in order, and dropping every sender ends the
    /// input stream (the end-of-stream frame is sent then).
    pub fn channel(buffer: usize) -> (tokio::sync::mpsc::Sender<T>, Self) {
        let (tx, rx) = tokio::sync::mpsc::channel(buffer.max(1));
        (tx, Self::new(Receiver(rx)))
    }
}

impl<T> fmt::Debug for EventStreamSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.raw.fmt(f)
    }
}

impl<T> IntoValue for EventStreamSender<T> {
    fn into_value(self) -> Value {
        Value::EventInput(Box::new(self.raw))
    }
}

impl<T> FromValue for EventStreamSender<T> {
    fn from_value(value: Value) -> Result<Self, ConvertError> {
        match value {
            Value::EventInput(raw) => Ok(EventStreamSender {
                raw: *raw,
                _types: PhantomData,
            }),
            other => Err(ConvertError::new(format!(
                "expected input event stream, found {}",
                other.type_name()
            ))),
        }
    }
}

/// The events of an input event stream, untyped: each a [`Value`] of the stream's union.
pub struct RawEventSender {
    // Behind a mutex only so inputs stay `Sync` (they are shared by reference in places); it
    // is only ever locked by the one task sending the body.
    events: Mutex<Pin<Box<dyn Stream<Item = Value> + Send>>>,
}

impl RawEventSender {
    /// Sends the values of `events` (each one member of the stream's union set).
    pub fn new(events: Pin<Box<dyn Stream<Item = Value> + Send>>) -> Self {
        RawEventSender {
            events: Mutex::new(events),
        }
    }

    /// The next event to send, `None` at the end of the stream.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Value>> {
        let events = self
            .events
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        events.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for RawEventSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStreamSender").finish_non_exhaustive()
    }
}

struct IntoValues<S>(Pin<Box<S>>);

impl<S: Stream> Stream for IntoValues<S>
where
    S::Item: IntoValue,
{
    type Item = Value;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Value>> {
        let inner = self.get_mut().0.as_mut();
        inner.poll_next(cx).map(|o| o.map(IntoValue::into_value))
    }
}

struct Iter<I>(I);

// The iterator is never pinned in place (only ever used through `&mut`), so moving it is fine
// whatever it holds.
impl<I> Unpin for Iter<I> {}

impl<I: Iterator> Stream for Iter<I> {
    type Item = I::Item;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<I::Item>> {
        Poll::Ready(self.get_mut().0.next())
    }
}

struct Receiver<T>(tokio::sync::mpsc::Receiver<T>);

impl<T> Stream for Receiver<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.get_mut().0.poll_recv(cx)
    }
}
