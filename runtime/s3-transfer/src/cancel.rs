//! [`CancelToken`]: stops a transfer from outside, and aborts its multipart upload.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// A handle that cancels the transfers it was given to (with `.cancel_token(..)`). Clones
/// share one state: cancelling any clone cancels them all.
///
/// A cancelled transfer stops its parts in flight, aborts its multipart upload (and waits for
/// the abort, so no parts are left behind), removes a download's temporary file, and returns
/// [`crate::TransferError::Cancelled`].
///
/// Dropping a transfer's future also stops it, but a drop cannot wait: the abort of a
/// multipart upload is then sent from a task spawned on the current tokio runtime, best effort.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<Shared>);

#[derive(Debug, Default)]
struct Shared {
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelToken {
    /// A token not cancelled yet.
    pub fn new() -> Self {
        CancelToken::default()
    }

    /// Cancels every transfer holding this token (or a clone of it).
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Completes once the token is cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.notify.notified();
            tokio::pin!(notified);
            // Registered before the flag is read, so a cancel in between is not missed.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// Completes when `token` is cancelled; never without one.
pub(crate) async fn wait(token: Option<&CancelToken>) {
    match token {
        Some(t) => t.cancelled().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_waiter_wakes_when_any_clone_cancels() {
        let token = CancelToken::new();
        let waiter = tokio::spawn({
            let t = token.clone();
            async move { t.cancelled().await }
        });
        tokio::task::yield_now().await;
        assert!(!token.is_cancelled());
        token.clone().cancel();
        waiter.await.unwrap();
        assert!(token.is_cancelled());
        // Already cancelled: returns at once.
        token.cancelled().await;
    }
}
