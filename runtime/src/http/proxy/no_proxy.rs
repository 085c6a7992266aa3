//! `NO_PROXY` matching as Python's `urllib.request.proxy_bypass_environment`, which botocore
//! relies on: comma-separated names, each matching the host itself or any host under it
//! (a leading dot changes nothing), optionally with the port; `*` bypasses every proxy.
//! Addresses match only literally: there is no CIDR matching, as in botocore.

/// The hosts that are reached directly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct NoProxy {
    all: bool,
    /// Lowercased, without leading dots.
    names: Vec<String>,
}

impl NoProxy {
    /// From entries that may each hold several comma-separated names.
    pub(crate) fn parse<S: AsRef<str>>(entries: &[S]) -> NoProxy {
        let mut out = NoProxy::default();
        for name in entries.iter().flat_map(|e| e.as_ref().split(',')) {
            let name = name.trim();
            if name == "*" {
                out.all = true;
            }
            let name = name.trim_start_matches('.').to_ascii_lowercase();
            if !name.is_empty() {
                out.names.push(name);
            }
        }
        out
    }

    /// Whether the request to `uri` bypasses the proxy.
    pub(crate) fn matches(&self, uri: &http::Uri) -> bool {
        if self.all {
            return true;
        }
        let Some(authority) = uri.authority() else {
            return false;
        };
        let host = authority.host().to_ascii_lowercase();
        let with_port = match authority.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.clone(),
        };
        // An IPv6 entry may be written with or without brackets.
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        self.names.iter().any(|name| {
            let suffix = format!(".{name}");
            [host.as_str(), with_port.as_str(), bare]
                .iter()
                .any(|h| *h == name || h.ends_with(&suffix))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bypass(no_proxy: &str, url: &str) -> bool {
        NoProxy::parse(&[no_proxy]).matches(&url.parse().unwrap())
    }

    #[test]
    fn names_match_the_host_and_hosts_under_it() {
        let list = "localhost, .internal.example,amazonaws.com";
        assert!(bypass(list, "http://localhost:8080/x"));
        assert!(bypass(list, "https://s3.us-east-1.amazonaws.com/"));
        assert!(bypass(list, "https://AMAZONAWS.COM/"));
        assert!(bypass(list, "https://internal.example/"));
        assert!(bypass(list, "https://a.b.internal.example/"));
        assert!(!bypass(list, "https://notamazonaws.com/"));
        assert!(!bypass(list, "https://example.org/"));
        assert!(!bypass("", "https://example.org/"));
    }

    #[test]
    fn star_ports_and_addresses() {
        assert!(bypass("*", "https://anything.example/"));
        assert!(bypass("example.org, *", "https://anything.example/"));
        assert!(bypass("example.org:8443", "https://example.org:8443/"));
        assert!(!bypass("example.org:8443", "https://example.org/"));
        assert!(bypass("127.0.0.1", "http://127.0.0.1:9000/"));
        assert!(!bypass("127.0.0.1", "http://127.0.0.2/"));
        assert!(bypass("::1", "http://[::1]:9000/"));
        assert!(bypass("[::1]", "http://[::1]/"));
    }
}
