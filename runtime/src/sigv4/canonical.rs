//! Building blocks of the canonical request: AWS URI encoding, path normalization, query
//! canonicalization and header-value normalization.
//!
//! Everything here writes into caller-provided buffers or borrows its input when it is already
//! canonical, so that signing a typical request allocates only a handful of strings.

use std::borrow::Cow;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// RFC 3986 unreserved characters, the only bytes AWS leaves unencoded.
#[inline]
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

#[inline]
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes the `%XX` escape starting at `bytes[i]`, if there is a well-formed one.
#[inline]
fn escape_at(bytes: &[u8], i: usize) -> Option<u8> {
    if bytes.get(i) != Some(&b'%') {
        return None;
    }
    let hi = hex_value(*bytes.get(i + 1)?)?;
    let lo = hex_value(*bytes.get(i + 2)?)?;
    Some(hi << 4 | lo)
}

/// Appends `b` with AWS URI encoding: unreserved bytes as is, everything else as `%XX`.
#[inline]
fn push_encoded_byte(out: &mut String, b: u8) {
    if is_unreserved(b) {
        out.push(b as char);
    } else {
        out.push('%');
        out.push(HEX_UPPER[usize::from(b >> 4)] as char);
        out.push(HEX_UPPER[usize::from(b & 0x0f)] as char);
    }
}

/// Appends the lowercase hex of `bytes`.
pub(crate) fn push_hex_lower(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    // Through a buffer on the stack: a `push` per character costs more than the conversion.
    for chunk in bytes.chunks(32) {
        let mut buf = [0u8; 64];
        for (pair, &b) in buf.chunks_exact_mut(2).zip(chunk) {
            pair[0] = HEX_LOWER[usize::from(b >> 4)];
            pair[1] = HEX_LOWER[usize::from(b & 0x0f)];
        }
        out.push_str(std::str::from_utf8(&buf[..chunk.len() * 2]).unwrap_or_default());
    }
}

/// Lowercase hex of `bytes` (signatures and payload hashes).
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex_lower(&mut out, bytes);
    out
}

/// AWS URI encoding of a whole string (every byte that is not unreserved, `/` included).
pub(crate) fn uri_encode(s: &str) -> Cow<'_, str> {
    if s.bytes().all(is_unreserved) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for b in s.bytes() {
        push_encoded_byte(&mut out, b);
    }
    Cow::Owned(out)
}

/// Canonical form of one query-string key or value as found in the URI: percent escapes are
/// decoded, `+` is read as a space (form encoding), and the result is AWS URI encoded. A raw
/// (unencoded) component and its encoded form therefore canonicalize identically.
pub(crate) fn canonical_query_component(raw: &str) -> Cow<'_, str> {
    if raw.bytes().all(is_unreserved) {
        return Cow::Borrowed(raw);
    }
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len() + 16);
    let mut i = 0;
    while i < bytes.len() {
        if let Some(decoded) = escape_at(bytes, i) {
            push_encoded_byte(&mut out, decoded);
            i += 3;
        } else {
            let b = bytes[i];
            if b == b'+' {
                out.push_str("%20");
            } else {
                push_encoded_byte(&mut out, b);
            }
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// Parses `query` (without the `?`) into canonical `(key, value)` pairs, appending to `out`.
/// Empty `&&` segments are ignored; a key without `=` gets an empty value.
pub(crate) fn parse_query<'a>(query: &'a str, out: &mut Vec<(Cow<'a, str>, Cow<'a, str>)>) {
    for pair in query.split('&') {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((
            canonical_query_component(key),
            canonical_query_component(value),
        ));
    }
}

/// Whether `path` contains empty, `.` or `..` segments (other than a trailing slash).
fn needs_normalization(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return true;
    };
    let mut segments = rest.split('/').peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        if segment == "." || segment == ".." || (segment.is_empty() && !last) {
            return true;
        }
    }
    false
}

/// RFC 3986 section 5.2.4 dot-segment removal, plus the AWS rule that empty segments (`//`)
/// collapse. The result always starts with `/`; a trailing slash survives, as does the one
/// implied by a final `.` or `..` segment, unless the whole path reduces to `/`.
pub(crate) fn normalize_path(path: &str) -> Cow<'_, str> {
    if path.is_empty() {
        return Cow::Borrowed("/");
    }
    if !needs_normalization(path) {
        return Cow::Borrowed(path);
    }
    let mut segments: Vec<&str> = Vec::with_capacity(8);
    let mut last = "";
    for segment in path.split('/') {
        last = segment;
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let trailing_slash = matches!(last, "" | "." | "..") && !segments.is_empty();
    let mut out = String::with_capacity(path.len());
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    if trailing_slash || out.is_empty() {
        out.push('/');
    }
    Cow::Owned(out)
}

/// Appends the canonical URI for `path` (as it appears on the wire).
///
/// * `double_encode` (every service but S3): the path as sent is URI-encoded once more, so an
///   escape such as `%20` becomes `%2520` and raw characters are encoded once.
/// * otherwise (S3): the path is taken as already encoded. Well-formed `%XX` escapes are kept
///   (uppercased; escapes of unreserved characters are decoded) and any byte that could not
///   legally appear in an encoded path is encoded, so `$` and `%24` sign the same.
pub(crate) fn push_canonical_path(out: &mut String, path: &str, double_encode: bool) {
    let path = if path.is_empty() { "/" } else { path };
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'/' {
            out.push('/');
        } else if double_encode {
            push_encoded_byte(out, b);
        } else if let Some(decoded) = escape_at(bytes, i) {
            push_encoded_byte(out, decoded);
            i += 3;
            continue;
        } else {
            push_encoded_byte(out, b);
        }
        i += 1;
    }
}

/// Appends a header value with leading/trailing whitespace trimmed and every inner run of
/// spaces and tabs collapsed to one space.
pub(crate) fn push_normalized_value(out: &mut String, value: &str) {
    if is_normalized(value.as_bytes()) {
        out.push_str(value);
        return;
    }
    let mut first = true;
    for word in value.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if !first {
            out.push(' ');
        }
        out.push_str(word);
        first = false;
    }
}

/// Whether `value` is already normalized (no tab, no leading, trailing or repeated space), as
/// nearly every value is: it is then copied whole.
fn is_normalized(value: &[u8]) -> bool {
    // Starting as if after a space makes a leading space count as repeated.
    let mut after_space = true;
    for &b in value {
        if b == b'\t' || (b == b' ' && after_space) {
            return false;
        }
        after_space = b == b' ';
    }
    !after_space || value.is_empty()
}

/// RFC 9110 `token` characters, the only ones allowed in a header name.
pub(crate) fn is_valid_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// Header values may not contain control characters other than tab (this also rules out the
/// CR/LF that would let a value forge extra canonical header lines).
pub(crate) fn is_valid_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str, normalize: bool, double: bool) -> String {
        let p = if normalize {
            normalize_path(p)
        } else {
            Cow::Borrowed(p)
        };
        let mut out = String::new();
        push_canonical_path(&mut out, &p, double);
        out
    }

    #[test]
    fn normalization() {
        for (input, expected) in [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/./example", "/example"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("//example//", "/example/"),
            ("/a/b/../c", "/a/c"),
            ("/a/./b/", "/a/b/"),
            ("/a/b/.", "/a/b/"),
            ("/a/b/c/..", "/a/b/"),
            ("/../a", "/a"),
            ("a/b", "/a/b"),
            ("/a.b/..c/.d", "/a.b/..c/.d"),
        ] {
            assert_eq!(normalize_path(input), expected, "input {input:?}");
        }
        assert!(matches!(normalize_path("/a/b/"), Cow::Borrowed(_)));
    }

    #[test]
    fn path_encoding() {
        assert_eq!(path("/example space/", true, true), "/example%20space/");
        assert_eq!(path("/a%20b", true, true), "/a%2520b");
        assert_eq!(path("/\u{1234}", true, true), "/%E1%88%B4");
        assert_eq!(path("/example/$delete", true, true), "/example/%24delete");
        // S3: already-encoded path kept, illegal bytes encoded, escapes normalized.
        assert_eq!(path("/a%20b", false, false), "/a%20b");
        assert_eq!(path("/a%2fb", false, false), "/a%2Fb");
        assert_eq!(path("/%41b", false, false), "/Ab");
        assert_eq!(path("/a b$", false, false), "/a%20b%24");
        assert_eq!(path("/100%", false, false), "/100%25");
        assert_eq!(path("//a//b/", false, false), "//a//b/");
        assert_eq!(path("/a/../b", false, true), "/a/../b");
    }

    #[test]
    fn query_components() {
        assert_eq!(canonical_query_component("abc-_.~"), "abc-_.~");
        assert_eq!(canonical_query_component("a b+c"), "a%20b%20c");
        assert_eq!(canonical_query_component("%e1%88%b4"), "%E1%88%B4");
        assert_eq!(canonical_query_component("\u{1234}"), "%E1%88%B4");
        assert_eq!(canonical_query_component("a%2Bb"), "a%2Bb");
        assert_eq!(canonical_query_component("%7E%zz"), "~%25zz");
        assert_eq!(canonical_query_component("a/b=c;"), "a%2Fb%3Dc%3B");
        let mut out = Vec::new();
        parse_query("b=2&&a&c=x=y&", &mut out);
        let got: Vec<(&str, &str)> = out.iter().map(|(k, v)| (&**k, &**v)).collect();
        assert_eq!(got, [("b", "2"), ("a", ""), ("c", "x%3Dy")]);
    }

    #[test]
    fn header_values() {
        let mut out = String::new();
        push_normalized_value(&mut out, "  a   b \t c  ");
        assert_eq!(out, "a b c");
        // Each way a value can need work, next to values copied whole.
        for (value, normalized) in [
            ("a b c", "a b c"),
            ("", ""),
            (" ", ""),
            ("a", "a"),
            (" a", "a"),
            ("a ", "a"),
            ("a  b", "a b"),
            ("a\tb", "a b"),
            ("\t", ""),
        ] {
            let mut out = String::new();
            push_normalized_value(&mut out, value);
            assert_eq!(out, normalized, "{value:?}");
        }
        let mut hex = String::from("x");
        push_hex_lower(&mut hex, &[0x00, 0x7f, 0xa5, 0xff]);
        assert_eq!(hex, "x007fa5ff");
        assert_eq!(hex_lower(&[0xab; 40]), "ab".repeat(40));
        assert!(is_valid_header_name("X-Amz-Meta-Foo"));
        assert!(!is_valid_header_name("bad name"));
        assert!(!is_valid_header_name(""));
        assert!(!is_valid_header_name("a:b"));
        assert!(is_valid_header_value("a\tb"));
        assert!(!is_valid_header_value("a\r\nx-amz-date: 1"));
    }
}
