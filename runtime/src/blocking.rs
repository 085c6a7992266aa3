//! Blocking calls, for straight-line code without `async` (the way boto3 reads).
//!
//! Every rboto future and stream can be driven to completion from ordinary, synchronous code:
//! [`ResponseFuture::wait`](crate::ResponseFuture::wait) for one call, [`block_on`] for any
//! other future (waiters, presigning, a body's bytes) and [`iter`] for any stream (paginators'
//! pages and items, event streams):
//!
//! ```no_run
//! // In a service crate: `dynamodb.list_tables().send().wait()?`. Anything awaitable:
//! let config = rboto::blocking::block_on(rboto::Config::loader().load())??;
//! # let _ = config;
//! # Ok::<(), rboto::Error>(())
//! ```
//!
//! One mechanism serves every service: a small tokio runtime on a background thread, started
//! by the first blocking call and shared by all of them. That thread drives the sockets and
//! timers (and the connection pool's tasks, so connections are reused across calls); the
//! future itself runs on the calling thread, so it may borrow from it.
//!
//! Blocking inside an async runtime would stall that runtime's worker thread, so a blocking
//! call made there returns an [`ErrorKind::BlockingInAsync`] error instead (and never panics):
//! use `.await` there.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::error::{Error, ErrorKind};

/// The shared runtime: its handle, or why it could not start.
static DRIVER: OnceLock<Result<tokio::runtime::Handle, String>> = OnceLock::new();

/// Runs `future` (anything `.await`-able: a waiter, a body's `collect()`) to completion on
/// the calling thread and returns its output.
///
/// Fails, without running the future, when called from inside an async runtime
/// ([`ErrorKind::BlockingInAsync`]) or when the background runtime cannot be started.
pub fn block_on<F: IntoFuture>(future: F) -> Result<F::Output, Error> {
    let handle = driver()?;
    Ok(handle.block_on(future.into_future()))
}

/// Iterates over `stream`'s items from synchronous code (a paginator's pages, an event stream).
///
/// Fails, as [`block_on`] does, when called from inside an async runtime.
pub fn iter<S: Stream + Unpin>(stream: S) -> Result<BlockingIter<S>, Error> {
    let handle = driver()?;
    Ok(BlockingIter { stream, handle })
}

/// A stream's items as an [`Iterator`]; see [`iter`].
pub struct BlockingIter<S> {
    stream: S,
    handle: &'static tokio::runtime::Handle,
}

impl<S> std::fmt::Debug for BlockingIter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingIter").finish_non_exhaustive()
    }
}

impl<S: Stream + Unpin> Iterator for BlockingIter<S> {
    type Item = S::Item;

    fn next(&mut self) -> Option<S::Item> {
        // The iterator may have been moved into an async context since it was made.
        if tokio::runtime::Handle::try_current().is_ok() {
            return None;
        }
        self.handle.block_on(NextItem(&mut self.stream))
    }
}

/// The next item of a stream, as a future.
struct NextItem<'a, S>(&'a mut S);

impl<S: Stream + Unpin> Future for NextItem<'_, S> {
    type Output = Option<S::Item>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.0).poll_next(cx)
    }
}

/// The shared runtime's handle, starting it on first use; an error inside an async runtime.
pub(crate) fn driver() -> Result<&'static tokio::runtime::Handle, Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::new(
            ErrorKind::BlockingInAsync,
            "a blocking rboto call was made inside an async runtime, where it would stall the \
             runtime's thread: `.await` the call instead",
        ));
    }
    DRIVER
        .get_or_init(start)
        .as_ref()
        .map_err(|e| Error::new(ErrorKind::BlockingInAsync, e.clone()))
}

/// Starts the background runtime: a current-thread runtime whose thread does nothing but drive
/// I/O, timers and spawned tasks (`Handle::block_on` callers run their own futures).
fn start() -> Result<tokio::runtime::Handle, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("could not start rboto's blocking runtime: {e}"))?;
    let handle = runtime.handle().clone();
    std::thread::Builder::new()
        .name("rboto-blocking".into())
        .spawn(move || runtime.block_on(std::future::pending::<()>()))
        .map_err(|e| format!("could not start rboto's blocking runtime thread: {e}"))?;
    Ok(handle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn runs_futures_that_need_timers_and_borrow() {
        let text = String::from("borrowed");
        let out = block_on(async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            text.len()
        })
        .unwrap();
        assert_eq!(out, 8);
    }

    #[test]
    fn tasks_spawned_by_a_call_keep_running_between_calls() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        block_on(async {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let _ = tx.send(7);
            });
        })
        .unwrap();
        // The spawned task finishes on the background thread while this one is not blocking.
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(block_on(rx).unwrap().unwrap(), 7);
    }

    struct Counter(u32);
    impl Stream for Counter {
        type Item = u32;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<u32>> {
            self.0 += 1;
            Poll::Ready((self.0 <= 3).then_some(self.0))
        }
    }

    #[test]
    fn iterates_streams() {
        let items: Vec<u32> = iter(Counter(0)).unwrap().collect();
        assert_eq!(items, [1, 2, 3]);
    }

    #[tokio::test]
    async fn refuses_inside_an_async_runtime() {
        let err = block_on(async { 1 }).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BlockingInAsync);
        assert!(
            err.to_string().contains("`.await` the call instead"),
            "{err}"
        );
        assert!(iter(Counter(0)).is_err());
    }
}
