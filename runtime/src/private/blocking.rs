//! The runtime's one way onto tokio's blocking pool (credential files, `credential_process`,
//! the configuration files, file bodies' opens and reads).
//!
//! `tokio::task::spawn_blocking` compiles tokio's task machinery (cell, harness, join handle:
//! several KiB of machine code) once per closure type it is given. Every caller here hands the
//! pool the same boxed closure type, so that machinery is compiled once for all of them; the
//! closure's value comes back through a shared slot.

use std::sync::{Arc, Mutex, PoisonError};
use tokio::task::JoinError;

/// What the blocking pool runs: the caller's work, storing its value in the caller's slot.
/// `Sync` too, so that a pending job can sit in a file [`Body`](crate::Body), which is `Sync`.
type Job = Box<dyn FnOnce() + Send + Sync>;

/// Runs `work` on tokio's blocking pool, like `tokio::task::spawn_blocking` (a panic in `work`
/// is the `JoinError`). Must be called within a tokio runtime, as that is.
pub(crate) async fn spawn_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + Sync + 'static,
) -> Result<T, JoinError> {
    let slot = Arc::new(Mutex::new(None));
    let filled = Arc::clone(&slot);
    let job: Job = Box::new(move || {
        let value = work();
        *filled.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
    });
    run(job).await?;
    let value = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    // A job that returned stored its value just before.
    Ok(value.expect("a finished blocking job has stored its value"))
}

async fn run(job: Job) -> Result<(), JoinError> {
    tokio::task::spawn_blocking(job).await
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn returns_the_value_and_reports_a_panic() {
        let v = super::spawn_blocking(|| 6 * 7).await.unwrap();
        assert_eq!(v, 42);
        let e = super::spawn_blocking(|| -> u8 { panic!("boom") })
            .await
            .unwrap_err();
        assert!(e.is_panic(), "{e}");
    }
}
