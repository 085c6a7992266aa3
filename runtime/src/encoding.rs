//! Percent-encoding as AWS uses it: everything but the unreserved set `A-Z a-z 0-9 - _ . ~`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Bytes encoded in a query component or URI label.
pub const AWS_URI: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// As [`AWS_URI`] but keeping `/` (greedy URI labels such as S3 keys).
pub const AWS_URI_PATH: &AsciiSet = &AWS_URI.remove(b'/');

/// Encodes a query key or value, or a non-greedy URI label.
pub fn uri_encode(s: &str) -> String {
    utf8_percent_encode(s, AWS_URI).to_string()
}

/// Encodes a greedy URI label, keeping `/` separators.
pub fn uri_encode_path(s: &str) -> String {
    utf8_percent_encode(s, AWS_URI_PATH).to_string()
}

/// The `key=value` pairs of a form-encoded (`application/x-www-form-urlencoded`) text, decoded
/// (`+` is a space), in order.
pub fn form_pairs(body: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let plus = s.replace('+', " ");
        percent_encoding::percent_decode_str(&plus)
            .decode_utf8_lossy()
            .into_owned()
    };
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_like_aws() {
        assert_eq!(super::uri_encode("a b/c~d*"), "a%20b%2Fc~d%2A");
        assert_eq!(super::uri_encode_path("a b/c"), "a%20b/c");
        assert_eq!(super::uri_encode("ü"), "%C3%BC");
    }
}
