//! A proxy URL as botocore accepts it, parsed once: where to connect, the credentials to
//! present, and a form safe to show.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::HeaderValue;
use std::fmt;

/// A parsed proxy URL. Its `Debug` and `Display` never show the credentials.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ProxyUrl {
    tls: bool,
    /// As in a URI authority: an IPv6 literal keeps its brackets.
    host: String,
    port: u16,
    /// `Basic …` from the URL's userinfo.
    auth: Option<HeaderValue>,
    /// The URL with user name and password masked, as botocore masks them.
    shown: String,
}

impl ProxyUrl {
    /// Parses `url`. The error says what is wrong without repeating the value, which may hold
    /// a password.
    pub(crate) fn parse(url: &str) -> Result<ProxyUrl, String> {
        let url = url.trim();
        // botocore's `_fix_proxy_url`: a URL without a scheme is an http:// proxy.
        let fixed;
        let url = if url.starts_with("//") {
            fixed = format!("http:{url}");
            &fixed
        } else if url.contains("://") {
            url
        } else {
            fixed = format!("http://{url}");
            &fixed
        };
        let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
        let tls = match scheme.to_ascii_lowercase().as_str() {
            "http" => false,
            "https" => true,
            other => {
                return Err(format!(
                    "unsupported proxy scheme `{other}`: expected http:// or https://"
                ))
            }
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let parsed: http::uri::Authority = hostport
            .parse()
            .map_err(|_| "the proxy host or port is invalid".to_string())?;
        if parsed.host().is_empty() {
            return Err("the proxy URL has no host".to_string());
        }
        let host = parsed.host().to_ascii_lowercase();
        // `Authority` drops a port it can't read rather than rejecting it.
        let port_text = hostport
            .rsplit_once(':')
            .map(|(_, p)| p)
            .filter(|p| !p.contains(']'));
        let port = match port_text {
            None => {
                if tls {
                    443
                } else {
                    80
                }
            }
            Some(p) => p
                .parse()
                .map_err(|_| "the proxy port is invalid".to_string())?,
        };
        let (auth, mask) = match userinfo {
            None => (None, ""),
            Some(userinfo) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let decode = |s: &str| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8()
                        .map(|s| s.into_owned())
                        .map_err(|_| "the proxy credentials are not valid UTF-8".to_string())
                };
                let (user, password) = (decode(user)?, decode(password)?);
                // botocore sends credentials only when both parts are present.
                let auth = if user.is_empty() || password.is_empty() {
                    None
                } else {
                    let token = STANDARD.encode(format!("{user}:{password}"));
                    let mut value = HeaderValue::try_from(format!("Basic {token}"))
                        .map_err(|_| "the proxy credentials are invalid".to_string())?;
                    value.set_sensitive(true);
                    Some(value)
                };
                let mask = if password.is_empty() {
                    "***@"
                } else {
                    "***:***@"
                };
                (auth, mask)
            }
        };
        let shown = format!(
            "{}://{mask}{host}:{port}",
            if tls { "https" } else { "http" }
        );
        Ok(ProxyUrl {
            tls,
            host,
            port,
            auth,
            shown,
        })
    }

    /// Whether the client speaks TLS to the proxy itself.
    pub(crate) fn is_tls(&self) -> bool {
        self.tls
    }

    /// The `Proxy-Authorization` value, when the URL carries a user name and password.
    pub(crate) fn authorization(&self) -> Option<&HeaderValue> {
        self.auth.as_ref()
    }

    /// The URI to dial the proxy itself.
    pub(crate) fn dial_uri(&self) -> http::Uri {
        let scheme = if self.tls { "https" } else { "http" };
        // Host and port were validated as an authority, so this cannot fail; a fallback keeps
        // it panic-free anyway.
        format!("{scheme}://{}:{}/", self.host, self.port)
            .parse()
            .unwrap_or_default()
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({})", self.shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_defaults_to_http_like_botocore() {
        for s in [
            "proxy:3128",
            "//proxy:3128",
            "http://proxy:3128",
            "HTTP://Proxy:3128/",
        ] {
            let p = ProxyUrl::parse(s).unwrap();
            assert!(!p.is_tls(), "{s}");
            assert_eq!(p.to_string(), "http://proxy:3128", "{s}");
        }
        assert_eq!(
            ProxyUrl::parse("http://proxy").unwrap().dial_uri(),
            "http://proxy:80/"
        );
        let p = ProxyUrl::parse("https://[::1]").unwrap();
        assert!(p.is_tls());
        assert_eq!(p.dial_uri(), "https://[::1]:443/");
    }

    #[test]
    fn credentials_become_basic_auth_and_are_masked() {
        let p = ProxyUrl::parse("http://us%40er:p%3Ass@proxy:3128").unwrap();
        // base64("us@er:p:ss")
        assert_eq!(p.authorization().unwrap(), "Basic dXNAZXI6cDpzcw==");
        assert!(p.authorization().unwrap().is_sensitive());
        assert_eq!(p.to_string(), "http://***:***@proxy:3128");
        let debug = format!("{p:?}");
        assert!(
            !debug.contains("p%3Ass") && !debug.contains("dXNA"),
            "{debug}"
        );
        // Only a user name: no header, as botocore.
        let p = ProxyUrl::parse("http://user@proxy:3128").unwrap();
        assert!(p.authorization().is_none());
        assert_eq!(p.to_string(), "http://***@proxy:3128");
    }

    #[test]
    fn bad_urls_are_rejected_without_echoing_them() {
        for s in [
            "socks5://user:hunter2@proxy:1080",
            "http://user:hunter2@",
            "http://user:hunter2@proxy:99999",
        ] {
            let e = ProxyUrl::parse(s).unwrap_err();
            assert!(!e.contains("hunter2"), "{e}");
        }
    }
}
