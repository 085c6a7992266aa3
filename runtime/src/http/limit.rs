//! The cap on requests in flight to one endpoint host: `max_pool_connections` of them at a
//! time, the others waiting their turn.
//!
//! hyper's pool has no such cap: every request that finds no idle connection opens a new one,
//! so 1,000 calls at once on one client meant 1,000 TCP (and TLS) connections, each with its
//! own hyper read and write buffers and connection task — most of the memory such a burst
//! took. With the cap, the waiting calls hold only their built request, and the connections a
//! host gets are the ones the pool keeps (`pool_max_idle_per_host` is the same number), so a
//! burst reuses them instead of dialling and discarding.
//!
//! A waiting call is not timed by the connect or read timeout: those start when its turn
//! comes (the connect timeout when a connection is dialled, the read timeout when the request
//! is sent), so a long queue behind slow but healthy requests fails nothing. The attempt and
//! operation timeouts do cover the wait, as they cover the whole attempt; set one to bound it.
//! The turn is held until the response body has been read to its end or dropped, since until
//! then the connection is busy — except a body handed to the caller unread (an S3 GetObject
//! body, an event stream), whose turn ends when it is handed over: a program may hold many
//! such bodies before reading any, and must not wait on itself. Those go past the cap (hyper
//! dials another connection), as every request did before.
//!
//! The turn is taken here, after signing, rather than when a call starts: taking it earlier
//! would hold a turn while credentials are fetched, which can take a request to the same host
//! (an emulator serving STS and the service on one URL) and so wait on itself. The cost: a
//! call queued longer than AWS accepts a signature (about 5 minutes) is refused as expired —
//! raise `max_pool_connections` or bound the wait with the attempt timeout for such queues.
//! Over HTTP/2 (the `http2` feature) the cap counts requests, so it limits streams on the one
//! connection rather than connections.

use http::uri::Authority;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Hosts remembered before the idle ones are forgotten (S3 virtual-hosted addressing gives each
/// bucket its own host, so a long-lived client may see many).
const HOSTS_KEPT: usize = 64;

/// One semaphore per endpoint host (scheme and authority, as hyper's pool keys connections).
#[derive(Debug)]
pub(crate) struct HostLimits {
    per_host: usize,
    hosts: Mutex<Hosts>,
}

#[derive(Debug, Default)]
struct Hosts {
    by_host: HashMap<(bool, Authority), Arc<Semaphore>>,
    /// The host of the last turn, looked up first: most clients call one host, and hashing
    /// an `Authority` (byte by byte, case-folded) cost about a thousand instructions a call.
    last: Option<((bool, Authority), Arc<Semaphore>)>,
}

impl HostLimits {
    /// At most `per_host` requests in flight per host; 0 is taken as 1 (no request could ever
    /// run otherwise).
    pub(crate) fn new(per_host: usize) -> Self {
        HostLimits {
            per_host: per_host.max(1),
            hosts: Mutex::new(Hosts::default()),
        }
    }

    /// Waits for a turn on the host of `uri` (an absolute URI: `send` checked it). The turn
    /// ends when the returned permit is dropped.
    pub(crate) async fn acquire(&self, uri: &http::Uri) -> Option<OwnedSemaphorePermit> {
        let authority = uri.authority()?;
        let tls = uri.scheme_str() == Some("https");
        let semaphore = {
            // A poisoned lock only means another call panicked while holding it; the map is
            // still whole (inserts and removals are single steps).
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            let last = hosts
                .last
                .as_ref()
                .filter(|((last_tls, last), _)| *last_tls == tls && last == authority);
            if let Some((_, s)) = last {
                s.clone()
            } else {
                let key = (tls, authority.clone());
                let s = match hosts.by_host.get(&key) {
                    Some(s) => s.clone(),
                    None => {
                        if hosts.by_host.len() >= HOSTS_KEPT {
                            // Every permit and every waiter holds a clone, as does `last`: a
                            // host with one count left has nothing in flight.
                            hosts.by_host.retain(|_, s| Arc::strong_count(s) > 1);
                        }
                        let s = Arc::new(Semaphore::new(self.per_host));
                        hosts.by_host.insert(key.clone(), s.clone());
                        s
                    }
                };
                hosts.last = Some((key, s.clone()));
                s
            }
        };
        // The semaphore is never closed, so acquiring only fails if it were.
        semaphore.acquire_owned().await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn uri(s: &str) -> http::Uri {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn a_host_gets_at_most_its_share_and_others_are_not_held_up() {
        let limits = HostLimits::new(2);
        let a = uri("http://a.example:80/x");
        let p1 = limits.acquire(&a).await.unwrap();
        let _p2 = limits.acquire(&a).await.unwrap();
        // A third turn on the same host waits…
        let third = limits.acquire(&a);
        tokio::pin!(third);
        let early = tokio::time::timeout(Duration::from_millis(50), &mut third).await;
        assert!(early.is_err(), "a third request ran at once");
        // …another host (or scheme) does not.
        assert!(limits.acquire(&uri("http://b.example/")).await.is_some());
        assert!(limits
            .acquire(&uri("https://a.example:80/"))
            .await
            .is_some());
        // Ending a turn hands it to the one waiting.
        drop(p1);
        let p3 = tokio::time::timeout(Duration::from_secs(5), third)
            .await
            .expect("the freed turn was not handed on");
        assert!(p3.is_some());
    }

    #[tokio::test]
    async fn zero_is_one_and_idle_hosts_are_forgotten() {
        let limits = HostLimits::new(0);
        assert!(limits.acquire(&uri("http://h0/")).await.is_some());
        for i in 0..HOSTS_KEPT * 2 {
            let _p = limits.acquire(&uri(&format!("http://h{i}/"))).await;
        }
        let kept = limits.hosts.lock().unwrap().by_host.len();
        assert!(kept <= HOSTS_KEPT, "{kept} hosts kept");
        // A host with a request in flight is never forgotten (its waiters would be lost).
        let busy = limits.acquire(&uri("http://busy/")).await.unwrap();
        for i in 0..HOSTS_KEPT * 2 {
            let _p = limits.acquire(&uri(&format!("http://x{i}/"))).await;
        }
        let waiting = tokio::time::timeout(
            Duration::from_millis(50),
            limits.acquire(&uri("http://busy/")),
        )
        .await;
        assert!(waiting.is_err(), "the busy host's share was reset");
        drop(busy);
    }
}
