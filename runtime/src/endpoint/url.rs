//! `parseURL`, following botocore (`urllib.parse.urlparse` plus its own checks): only `http`
//! and `https`, no query string, a valid port; `normalizedPath` has dot segments and empty
//! segments removed, is percent-encoded and ends with `/`; `isIp` for IPv4 and IPv6 hosts.

use std::net::Ipv6Addr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url {
    pub(crate) scheme: String,
    pub(crate) authority: String,
    pub(crate) path: String,
    pub(crate) normalized_path: String,
    pub(crate) is_ip: bool,
}

fn is_scheme(s: &str) -> bool {
    let mut b = s.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'-' || c == b'.')
}

pub(crate) fn parse(value: &str) -> Option<Url> {
    // urlsplit strips leading C0 controls/spaces and removes tabs and newlines anywhere.
    let cleaned: String;
    let mut value = value.trim_start_matches(|c: char| c <= ' ');
    if value.contains(['\t', '\r', '\n']) {
        cleaned = value
            .chars()
            .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
            .collect();
        value = &cleaned;
    }
    let (scheme, rest) = match value.find(':') {
        Some(i) if is_scheme(&value[..i]) => (value[..i].to_ascii_lowercase(), &value[i + 1..]),
        _ => return None,
    };
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let (authority, rest) = match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find(['/', '?', '#']).unwrap_or(r.len());
            (&r[..end], &r[end..])
        }
        None => ("", rest),
    };
    let rest = rest.split('#').next().unwrap_or("");
    let (path, query) = match rest.find('?') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    if !query.is_empty() {
        return None;
    }
    // urlparse splits `;params` off the last path segment for http(s).
    let path = match path.rfind('/') {
        Some(slash) => match path[slash..].find(';') {
            Some(semi) => &path[..slash + semi],
            None => path,
        },
        None => path.split(';').next().unwrap_or(""),
    };
    let host = host_of(authority)?;
    let is_ip = is_ipv4(&host) || host_is_ipv6(authority);
    let mut normalized_path = quote_path(&remove_dot_segments(path));
    if !normalized_path.ends_with('/') {
        normalized_path.push('/');
    }
    Some(Url {
        scheme,
        authority: authority.to_owned(),
        path: path.to_owned(),
        normalized_path,
        is_ip,
    })
}

/// The lowercased hostname; `None` when the port is invalid or brackets are unbalanced (where
/// Python raises `ValueError`).
fn host_of(authority: &str) -> Option<String> {
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let end = rest.find(']')?;
        let after = &rest[end + 1..];
        (&rest[..end], after.strip_prefix(':'))
    } else {
        if authority.contains('[') || authority.contains(']') {
            return None;
        }
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if let Some(p) = port {
        if !p.is_empty() {
            if !p.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            match p.parse::<u32>() {
                Ok(n) if n <= 65535 => {}
                _ => return None,
            }
        }
    }
    Some(host.to_ascii_lowercase())
}

/// botocore's `IPV4_RE`: `^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$`.
pub(crate) fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()))
}

fn host_is_ipv6(authority: &str) -> bool {
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let Some(inner) = hostport
        .strip_prefix('[')
        .and_then(|r| r.find(']').map(|e| &r[..e]))
    else {
        return false;
    };
    // An optional zone id: `%25eth0` or `%eth0`.
    let addr = inner.split('%').next().unwrap_or("");
    addr.parse::<Ipv6Addr>().is_ok()
}

/// RFC 3986 dot-segment removal, also collapsing empty segments (botocore's
/// `remove_dot_segments`); an empty path is `/`.
fn remove_dot_segments(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let first = if path.starts_with('/') { "/" } else { "" };
    let last = if path.ends_with('/') && !out.is_empty() {
        "/"
    } else {
        ""
    };
    format!("{first}{}{last}", out.join("/"))
}

/// Python's `quote(s)` (safe `/`): everything but unreserved characters and `/` is encoded.
fn quote_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn urls() {
        let u = parse("https://example.com:8443/a/./b//c/../d").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.authority, "example.com:8443");
        assert_eq!(u.path, "/a/./b//c/../d");
        assert_eq!(u.normalized_path, "/a/b/d/");
        assert!(!u.is_ip);
        assert_eq!(parse("http://example.com").unwrap().normalized_path, "/");
        assert!(parse("https://127.0.0.1:8000/").unwrap().is_ip);
        assert!(parse("https://[::1]:8000/").unwrap().is_ip);
        assert!(parse("https://[fe80::1%25eth0]/").unwrap().is_ip);
        assert!(parse("https://example.com/?x=1").is_none());
        assert!(parse("ftp://example.com/").is_none());
        assert!(parse("example.com").is_none());
        assert!(parse("https://example.com:port/").is_none());
        assert!(parse("https://example.com:99999/").is_none());
        assert!(parse("https://[::1/").is_none());
    }
}
