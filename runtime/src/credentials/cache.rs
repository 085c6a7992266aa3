//! Caching and refresh, as botocore's `RefreshableCredentials`:
//!
//! * credentials without an expiry are kept forever;
//! * within the *advisory* window (15 min before expiry) one caller refreshes while the others
//!   keep using the current credentials; if the refresh fails they are still used;
//! * within the *mandatory* window (10 min before expiry) every caller waits for a refresh, and
//!   a failure is returned — expired credentials are never handed out;
//! * refresh is single-flight: one refresh at a time, under a `tokio` mutex, whatever the
//!   number of concurrent callers.

use super::{BoxFuture, Credentials, ProvideCredentials};
use crate::error::{Error, ErrorKind};
use crate::types::DateTime;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// botocore's `_advisory_refresh_timeout`.
pub const ADVISORY_REFRESH: Duration = Duration::from_secs(15 * 60);
/// botocore's `_mandatory_refresh_timeout`.
pub const MANDATORY_REFRESH: Duration = Duration::from_secs(10 * 60);

/// Caches the credentials of `P` and refreshes them ahead of expiry.
#[derive(Debug)]
pub struct CachingProvider<P> {
    inner: P,
    cached: RwLock<Option<Credentials>>,
    refresh: tokio::sync::Mutex<()>,
    advisory: Duration,
    mandatory: Duration,
}

impl<P: ProvideCredentials> CachingProvider<P> {
    pub fn new(inner: P) -> Self {
        CachingProvider::with_windows(inner, ADVISORY_REFRESH, MANDATORY_REFRESH)
    }

    /// Custom refresh windows (tests use seconds instead of minutes).
    pub fn with_windows(inner: P, advisory: Duration, mandatory: Duration) -> Self {
        CachingProvider {
            inner,
            cached: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            advisory,
            mandatory,
        }
    }

    /// The wrapped provider.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// Drops the cached credentials (the next call resolves again).
    pub fn invalidate(&self) {
        *self.cached.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn current(&self) -> Option<Credentials> {
        self.cached
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn state(&self, c: &Credentials) -> State {
        let Some(expiry) = c.expiry() else {
            return State::Fresh;
        };
        let left = expiry.as_secs_f64() - DateTime::now().as_secs_f64();
        if left <= 0.0 {
            State::Expired
        } else if left < self.mandatory.as_secs_f64() {
            State::Mandatory
        } else if left < self.advisory.as_secs_f64() {
            State::Advisory
        } else {
            State::Fresh
        }
    }

    async fn get(&self) -> Result<Credentials, Error> {
        if let Some(c) = self.current() {
            match self.state(&c) {
                State::Fresh => return Ok(c),
                State::Advisory => {
                    // Someone else is refreshing: keep using what we have.
                    let Ok(_guard) = self.refresh.try_lock() else {
                        return Ok(c);
                    };
                    if let Some(now) = self.current().filter(|n| n != &c) {
                        return Ok(now);
                    }
                    return match self.inner.provide_credentials().await {
                        Ok(new) => Ok(self.store(new)),
                        Err(_) => Ok(c),
                    };
                }
                State::Mandatory | State::Expired => {}
            }
        }
        let _guard = self.refresh.lock().await;
        // A refresh may have completed while we waited.
        if let Some(c) = self.current() {
            if matches!(self.state(&c), State::Fresh | State::Advisory) {
                return Ok(c);
            }
        }
        let new = self.inner.provide_credentials().await?;
        if self.state(&new) == State::Expired {
            return Err(Error::new(
                ErrorKind::NoCredentials,
                format!(
                    "credentials from {} (access key {}) expired at {}; refusing to use them",
                    new.provider(),
                    new.access_key_id(),
                    new.expiry().map(|e| e.to_iso8601()).unwrap_or_default()
                ),
            ));
        }
        Ok(self.store(new))
    }

    fn store(&self, c: Credentials) -> Credentials {
        *self.cached.write().unwrap_or_else(|e| e.into_inner()) = Some(c.clone());
        c
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Fresh,
    Advisory,
    Mandatory,
    Expired,
}

impl<P: ProvideCredentials> ProvideCredentials for CachingProvider<P> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(self.get())
    }
}

impl<P: ProvideCredentials + 'static> CachingProvider<P> {
    /// Shares it as a [`super::SharedCredentialsProvider`].
    pub fn shared(self) -> Arc<dyn ProvideCredentials> {
        Arc::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        lifetime: i64,
        /// Lifetime of the credentials every later call returns (`None`: `lifetime`).
        refreshed_lifetime: Option<i64>,
        fail: bool,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                if self.fail && n > 0 {
                    return Err(Error::new(ErrorKind::NoCredentials, "down"));
                }
                let lifetime = match self.refreshed_lifetime {
                    Some(later) if n > 0 => later,
                    _ => self.lifetime,
                };
                Ok(Credentials::new(format!("AK{n}"), "sk", None)
                    .with_expiry(Some(DateTime::from_secs(DateTime::now().secs() + lifetime))))
            })
        }
    }

    /// The access key ids `callers` tasks get, all released at once on the test's worker
    /// threads.
    async fn race(p: &Arc<CachingProvider<Counting>>, callers: usize) -> Vec<String> {
        let start = Arc::new(tokio::sync::Barrier::new(callers));
        let tasks: Vec<_> = (0..callers)
            .map(|_| {
                let (p, start) = (p.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    p.provide_credentials().await.unwrap()
                })
            })
            .collect();
        let mut keys = Vec::new();
        for t in tasks {
            keys.push(t.await.unwrap().access_key_id().to_string());
        }
        keys
    }

    /// Callers on four worker threads, released together, all get the one fetch's credentials.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_callers_share_one_refresh() {
        let p = Arc::new(CachingProvider::new(Counting {
            calls: AtomicUsize::new(0),
            lifetime: 3600,
            refreshed_lifetime: None,
            fail: false,
        }));
        let keys = race(&p, 200).await;
        assert!(keys.iter().all(|k| k == "AK0"), "{keys:?}");
        assert_eq!(p.inner().calls.load(Ordering::SeqCst), 1);
    }

    /// Credentials in the advisory window seen by many threads at once: one refresh replaces
    /// them while the other callers keep using the current ones.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn callers_in_the_advisory_window_share_one_refresh() {
        // 12 minutes left: advisory window, so one caller refreshes, the others keep going.
        // The refreshed credentials are good for an hour, so nobody refreshes them again.
        let p = Arc::new(CachingProvider::new(Counting {
            calls: AtomicUsize::new(0),
            lifetime: 12 * 60,
            refreshed_lifetime: Some(3600),
            fail: false,
        }));
        assert_eq!(
            p.provide_credentials().await.unwrap().access_key_id(),
            "AK0"
        );
        let keys = race(&p, 100).await;
        assert!(keys.iter().all(|k| k == "AK0" || k == "AK1"), "{keys:?}");
        let calls = p.inner().calls.load(Ordering::SeqCst);
        assert_eq!(calls, 2, "one refresh for all");
        assert_eq!(
            p.provide_credentials().await.unwrap().access_key_id(),
            "AK1"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn mandatory_window_refreshes_and_reports_failure() {
        // 5 minutes left: inside the mandatory window, so every call must refresh.
        let p = CachingProvider::new(Counting {
            calls: AtomicUsize::new(0),
            lifetime: 300,
            refreshed_lifetime: None,
            fail: true,
        });
        assert!(p.provide_credentials().await.is_ok());
        assert!(p.provide_credentials().await.is_err());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn advisory_window_keeps_current_on_failure() {
        let p = CachingProvider::new(Counting {
            calls: AtomicUsize::new(0),
            lifetime: 12 * 60,
            refreshed_lifetime: None,
            fail: true,
        });
        let first = p.provide_credentials().await.unwrap();
        let second = p.provide_credentials().await.unwrap();
        assert_eq!(first, second);
        assert_eq!(p.inner().calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn expired_credentials_are_never_returned() {
        let p = CachingProvider::new(Counting {
            calls: AtomicUsize::new(0),
            lifetime: -10,
            refreshed_lifetime: None,
            fail: false,
        });
        let e = p.provide_credentials().await.unwrap_err();
        assert!(e.to_string().contains("expired"), "{e}");
    }
}
