//! Derived signing keys, kept between requests.
//!
//! A SigV4 signing key depends only on the secret key, the date (`YYYYMMDD`), the region and
//! the service, yet deriving it takes four HMACs: more than half of what signing a small
//! request costs. A client signs every request of a day with the same few keys, so the keys
//! are derived once and kept here, ready to sign with (the HMAC state already keyed, which
//! also saves hashing the key pads on every signature).
//!
//! The cache is process-wide, bounded to [`CAPACITY`] entries (the oldest is replaced), and
//! shared by all threads behind a mutex held only to compare and copy an entry. Entries hold
//! the secret they were derived from, to match on it; it is zeroed when an entry is replaced.

use std::sync::Mutex;

use ring::hmac;

use super::signing_key as derive;

/// Enough for a program using a few credentials, regions and services at once; a program
/// using more derives keys again now and then, as it would without a cache.
const CAPACITY: usize = 16;

struct Entry {
    date: [u8; 8],
    region: Box<str>,
    service: Box<str>,
    secret: Box<[u8]>,
    /// The derived signing key, as an HMAC-SHA256 key (its pads already hashed).
    key: hmac::Key,
}

impl Drop for Entry {
    fn drop(&mut self) {
        self.secret.fill(0);
    }
}

struct Cache {
    entries: Vec<Entry>,
    /// The entry replaced next once the cache is full (round robin: the oldest).
    next: usize,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache {
    entries: Vec::new(),
    next: 0,
});

/// The signing key for `date` (`YYYYMMDD`), region and service, from the cache or derived (and
/// cached) now.
pub(super) fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> hmac::Key {
    let date: [u8; 8] = match date.as_bytes().try_into() {
        Ok(d) => d,
        // Not a date the signer makes; derive without caching rather than fail.
        Err(_) => return keyed(&derive(secret, date, region, service)),
    };
    // A panic while the lock was held cannot leave an entry half written (entries are
    // replaced whole), so a poisoned cache is still good.
    let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let hit = cache.entries.iter().find(|e| {
        e.date == date
            && *e.region == *region
            && *e.service == *service
            && *e.secret == *secret.as_bytes()
    });
    if let Some(entry) = hit {
        return entry.key.clone();
    }
    drop(cache);

    let key = keyed(&derive(
        secret,
        std::str::from_utf8(&date).unwrap_or(""),
        region,
        service,
    ));
    let entry = Entry {
        date,
        region: region.into(),
        service: service.into(),
        secret: secret.as_bytes().into(),
        key: key.clone(),
    };
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if cache.entries.len() < CAPACITY {
        cache.entries.push(entry);
    } else {
        let at = cache.next;
        cache.entries[at] = entry;
        cache.next = (at + 1) % CAPACITY;
    }
    key
}

fn keyed(key: &[u8; 32]) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
        let key = signing_key(secret, date, region, service);
        hmac::sign(&key, b"string to sign").as_ref().to_vec()
    }

    fn uncached(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
        let key = derive(secret, date, region, service);
        super::super::hmac_sha256(&key, b"string to sign").to_vec()
    }

    /// Every part of the scope, and the secret, picks a different key, whether cached or not,
    /// and well past the capacity (entries replaced).
    #[test]
    fn cached_keys_match_derived_ones() {
        for round in 0..2 {
            for i in 0..(CAPACITY + 3) {
                let secret = format!("secret{}", i % 5);
                let region = format!("region-{}", i % 3);
                let service = if i % 2 == 0 { "s3" } else { "dynamodb" };
                let date = if i % 4 == 0 { "20150830" } else { "20150831" };
                assert_eq!(
                    signature(&secret, date, &region, service),
                    uncached(&secret, date, &region, service),
                    "round {round}, entry {i}"
                );
            }
        }
        // The AWS documentation's example signing key (secret wJalr..., 20150830, us-east-1,
        // iam), used through the cache.
        let known = "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9";
        let known: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&known[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        for _ in 0..2 {
            assert_eq!(
                signature(secret, "20150830", "us-east-1", "iam"),
                super::super::hmac_sha256(&known, b"string to sign").to_vec()
            );
        }
        // Same scope, another secret: another key.
        assert_ne!(
            signature("a", "20150830", "us-east-1", "s3"),
            signature("b", "20150830", "us-east-1", "s3")
        );
        // A date the signer would not make still signs.
        assert_eq!(
            signature("a", "2015", "us-east-1", "s3"),
            uncached("a", "2015", "us-east-1", "s3")
        );
        assert!(CACHE.lock().unwrap().entries.len() <= CAPACITY);
    }
}
