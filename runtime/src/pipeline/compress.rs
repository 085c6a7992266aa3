//! Request compression (`requestcompression` trait), as botocore's `compress.py` does it:
//! gzip an in-memory body of at least `request_min_compression_size_bytes` unless the user
//! disabled compression, and add `gzip` to `Content-Encoding`.

use crate::config::Config;
use crate::protocol::Request;
use crate::schema::Operation;
use crate::types::Body;
use flate2::write::GzEncoder;
use flate2::Compression;
use http::header::CONTENT_ENCODING;
use http::HeaderValue;
use std::io::Write;

/// Compresses `req`'s body in place when the operation and settings call for it.
pub(crate) fn maybe_compress(config: &Config, op: &'static Operation, req: &mut Request) {
    if !op.request_compression.contains(&"gzip") || config.disable_request_compression() {
        return;
    }
    // Streams would need compressing on the fly; they are sent as they are.
    let Some(bytes) = req.body.bytes() else {
        return;
    };
    if (bytes.len() as u64) < config.request_min_compression_size_bytes() {
        return;
    }
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::default());
    // Writing to a Vec cannot fail; if it somehow did, the body goes uncompressed.
    let Ok(compressed) = encoder.write_all(bytes).and_then(|()| encoder.finish()) else {
        return;
    };
    req.body = Body::from(compressed);
    let encoding = match req.headers.get(CONTENT_ENCODING) {
        Some(v) => {
            let mut joined = Vec::with_capacity(v.len() + 5);
            joined.extend_from_slice(v.as_bytes());
            joined.extend_from_slice(b",gzip");
            // The existing value was a header value, and `,gzip` keeps it one.
            HeaderValue::from_bytes(&joined).unwrap_or_else(|_| HeaderValue::from_static("gzip"))
        }
        None => HeaderValue::from_static("gzip"),
    };
    req.headers.insert(CONTENT_ENCODING, encoding);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{prelude, Operation};
    use std::io::Read;

    static GZ_OP: Operation =
        Operation::new("PutMetricData", "POST", "/", &prelude::UNIT, &prelude::UNIT)
            .compression(&["gzip"]);
    static PLAIN_OP: Operation =
        Operation::new("ListMetrics", "POST", "/", &prelude::UNIT, &prelude::UNIT);

    fn request(body: &[u8], encoding: Option<&str>) -> Request {
        let mut r = Request::new(http::Method::POST, "/");
        r.body = Body::from(body.to_vec());
        if let Some(e) = encoding {
            r.headers
                .insert(CONTENT_ENCODING, HeaderValue::from_str(e).unwrap());
        }
        r
    }

    fn config(min: Option<&str>, disabled: Option<&str>) -> Config {
        let vars: Vec<(String, String)> = [
            min.map(|m| {
                (
                    "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES".to_string(),
                    m.to_string(),
                )
            }),
            disabled.map(|d| ("AWS_DISABLE_REQUEST_COMPRESSION".to_string(), d.to_string())),
        ]
        .into_iter()
        .flatten()
        .collect();
        Config::from_env(&move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
            .expect("config")
    }

    #[test]
    fn large_bodies_are_gzipped_and_small_ones_left_alone() {
        let big = vec![b'a'; 20_000];
        let mut r = request(&big, None);
        maybe_compress(&config(None, None), &GZ_OP, &mut r);
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(r.body.bytes().unwrap().as_ref())
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, big);

        let mut small = request(b"tiny", None);
        maybe_compress(&config(None, None), &GZ_OP, &mut small);
        assert_eq!(small.header("content-encoding"), None);
        assert_eq!(small.body.bytes().unwrap().as_ref(), b"tiny");
    }

    #[test]
    fn settings_and_existing_encodings_are_honoured() {
        let mut r = request(b"tiny", Some("custom"));
        maybe_compress(&config(Some("0"), None), &GZ_OP, &mut r);
        assert_eq!(r.header("content-encoding"), Some("custom,gzip"));

        let mut off = request(&[b'a'; 20_000], None);
        maybe_compress(&config(None, Some("true")), &GZ_OP, &mut off);
        assert_eq!(off.header("content-encoding"), None);

        let mut unmodeled = request(&[b'a'; 20_000], None);
        maybe_compress(&config(None, None), &PLAIN_OP, &mut unmodeled);
        assert_eq!(unmodeled.header("content-encoding"), None);
    }
}
