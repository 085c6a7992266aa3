//! The botocore models of every service, embedded in the binary by `build.rs` as one archive of
//! gzip documents plus a sorted index. Looking a service up is a binary search over the index;
//! only that service's documents are ever decompressed or parsed, so startup does no work per
//! service.

use std::io::Read;

include!(concat!(env!("OUT_DIR"), "/models_index.rs"));

static ARCHIVE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/models.bin"));

/// The gzip-compressed documents of one service, as stored in `models/<service>/`.
#[derive(Clone, Copy, Debug)]
pub struct Documents {
    /// botocore's service name (`s3`, `sso-oidc`), the folder name under `models/`.
    pub name: &'static str,
    pub service: &'static [u8],
    pub endpoint_rules: Option<&'static [u8]>,
    pub paginators: Option<&'static [u8]>,
    pub waiters: Option<&'static [u8]>,
}

fn slice((offset, len): (u32, u32)) -> Option<&'static [u8]> {
    if len == 0 {
        return None;
    }
    ARCHIVE.get(offset as usize..offset as usize + len as usize)
}

/// The documents of the service botocore calls `name`.
pub fn documents(name: &str) -> Option<Documents> {
    let i = INDEX.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
    let (name, slots) = INDEX[i];
    Some(Documents {
        name,
        service: slice(slots[0])?,
        endpoint_rules: slice(slots[1]),
        paginators: slice(slots[2]),
        waiters: slice(slots[3]),
    })
}

/// Every embedded service name, sorted (for `rboto help`, not for dispatch).
pub fn service_names() -> impl Iterator<Item = &'static str> {
    INDEX.iter().map(|(n, _)| *n)
}

/// Decompresses a document (gzip, or plain JSON left as it is).
pub fn inflate(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(bytes.len() * 8);
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(bytes.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_sorted_and_complete() {
        assert!(INDEX.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(INDEX.len() >= 400, "{} services", INDEX.len());
        let sts = documents("sts").expect("sts embedded");
        let text = inflate(sts.service).expect("gzip");
        let doc: serde_json::Value = serde_json::from_slice(&text).expect("json");
        assert_eq!(doc["metadata"]["serviceId"], "STS");
        assert!(documents("no-such-service").is_none());
    }

    #[test]
    fn sdk_extras_are_merged() {
        let eks = documents("eks").expect("eks embedded");
        let doc: serde_json::Value =
            serde_json::from_slice(&inflate(eks.service).expect("gzip")).expect("json");
        assert_eq!(doc["metadata"]["serviceId"], "EKS");
        let waiters = documents("s3").and_then(|d| d.waiters).expect("s3 waiters");
        let w: serde_json::Value =
            serde_json::from_slice(&inflate(waiters).expect("gzip")).expect("json");
        assert!(w["waiters"]["BucketExists"].is_object());
    }
}
