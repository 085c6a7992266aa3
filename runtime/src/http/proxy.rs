//! HTTP(S) proxies, as botocore honours them: `HTTP_PROXY` / `HTTPS_PROXY` / `NO_PROXY` from
//! the environment, or explicit settings (botocore's `Config(proxies=…, proxies_config=…)`)
//! that replace the environment's entirely.
//!
//! Requests to `http://` endpoints go to the proxy with the absolute URL as request target;
//! requests to `https://` endpoints go through a `CONNECT` tunnel, TLS running end to end with
//! the endpoint, unless [`ProxySettings::use_forwarding_for_https`] is set and the proxy is
//! itself reached over TLS.

mod connect;
mod no_proxy;
mod url;

pub use connect::ProxyError;
pub(crate) use connect::{ProxyConnector, ProxyStream};

use crate::config::Env;
use crate::error::{Error, ErrorKind};
use no_proxy::NoProxy;
use std::fmt;
use std::path::PathBuf;
use url::ProxyUrl;

/// Which proxies the HTTP client uses. The default uses none.
///
/// [`crate::Config::load`] fills it from the environment; a value set in code (through
/// [`crate::ConfigBuilder::proxies`] or [`super::HttpSettings::proxies`]) replaces the
/// environment's settings as a whole, `NO_PROXY` included, as in botocore.
///
/// A proxy URL is `http://host:port` or `https://host:port`; without a scheme it is an
/// `http://` proxy. A user name and password in it (`http://user:pass@proxy:3128`,
/// percent-encoded) are sent as `Proxy-Authorization: Basic …`. They never appear in `Debug`
/// output or in error messages.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    /// The proxy for `http://` endpoints (botocore's `proxies['http']`, `HTTP_PROXY`).
    pub http: Option<String>,
    /// The proxy for `https://` endpoints (botocore's `proxies['https']`, `HTTPS_PROXY`).
    pub https: Option<String>,
    /// Hosts reached directly (`NO_PROXY`): each entry one or more comma-separated names; a
    /// name matches that host and every host under it (a leading dot is ignored), `host:port`
    /// only that port, `*` every host. IP addresses match literally, without CIDR ranges.
    pub no_proxy: Vec<String>,
    /// PEM CA bundle that verifies an `https://` proxy (botocore's `proxy_ca_bundle`).
    /// Without it the proxy is verified like endpoints are.
    pub ca_bundle: Option<PathBuf>,
    /// The certificate presented to an `https://` proxy that asks for one (botocore's
    /// `proxy_client_cert`). Endpoints never see it; they get
    /// [`super::HttpSettings::client_cert`].
    pub client_cert: Option<super::ClientCert>,
    /// Send `https://` requests to an `https://` proxy in the clear inside the proxy's TLS
    /// session, instead of tunnelling (botocore's `proxy_use_forwarding_for_https`). Ignored
    /// for `http://` proxies, which always tunnel, as in botocore.
    pub use_forwarding_for_https: bool,
}

impl ProxySettings {
    /// Reads the environment as botocore does (through Python's `getproxies`): the lowercase
    /// variable wins over the uppercase one, and `HTTP_PROXY` is ignored when `REQUEST_METHOD`
    /// is set (in a CGI script a client can set it through a `Proxy:` header). Fails
    /// (`InvalidConfig`) on a proxy URL rboto can't use, naming the variable.
    pub fn from_env(env: &Env) -> Result<ProxySettings, Error> {
        ProxySettings::from_lookup(&|k| env.get(k))
    }

    /// Like [`ProxySettings::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<ProxySettings, Error> {
        let get = |k: &str| lookup(k).filter(|v| !v.is_empty());
        let var = |lower: &str, upper: &str| {
            get(lower)
                .map(|v| (v, lower.to_string()))
                .or_else(|| get(upper).map(|v| (v, upper.to_string())))
        };
        let checked = |found: Option<(String, String)>| -> Result<Option<String>, Error> {
            match found {
                None => Ok(None),
                Some((value, name)) => {
                    check_url(&value, &format!("environment variable {name}"))?;
                    Ok(Some(value))
                }
            }
        };
        let http = if get("REQUEST_METHOD").is_some() {
            get("http_proxy").map(|v| (v, "http_proxy".to_string()))
        } else {
            var("http_proxy", "HTTP_PROXY")
        };
        Ok(ProxySettings {
            http: checked(http)?,
            https: checked(var("https_proxy", "HTTPS_PROXY"))?,
            no_proxy: var("no_proxy", "NO_PROXY")
                .map(|(v, _)| vec![v])
                .unwrap_or_default(),
            ca_bundle: None,
            client_cert: None,
            use_forwarding_for_https: false,
        })
    }

    /// Whether any proxy is set.
    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }
}

impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |url: &Option<String>| {
            url.as_deref().map(|u| match ProxyUrl::parse(u) {
                Ok(p) => p.to_string(),
                Err(_) => "<invalid proxy URL>".to_string(),
            })
        };
        f.debug_struct("ProxySettings")
            .field("http", &shown(&self.http))
            .field("https", &shown(&self.https))
            .field("no_proxy", &self.no_proxy)
            .field("ca_bundle", &self.ca_bundle)
            .field("client_cert", &self.client_cert)
            .field("use_forwarding_for_https", &self.use_forwarding_for_https)
            .finish()
    }
}

fn check_url(url: &str, setting: &str) -> Result<ProxyUrl, Error> {
    ProxyUrl::parse(url).map_err(|why| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("{setting} is not a usable proxy URL: {why}"),
        )
    })
}

/// How a request reaches its endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The request, absolute URL as target, goes to the proxy.
    Forward,
    /// A `CONNECT` tunnel through the proxy carries the connection to the endpoint.
    Tunnel,
}

/// Proxy settings, parsed: picks the proxy, if any, for each request.
#[derive(Clone, Debug, Default)]
pub(crate) struct Proxies {
    http: Option<ProxyUrl>,
    https: Option<ProxyUrl>,
    no_proxy: NoProxy,
    forward_https: bool,
}

impl Proxies {
    /// Fails (`InvalidConfig`) on a proxy URL rboto can't use, naming the setting.
    pub(crate) fn new(settings: &ProxySettings) -> Result<Proxies, Error> {
        let parse = |url: &Option<String>, name: &str| {
            url.as_deref()
                .map(|u| check_url(u, &format!("proxy setting `proxies.{name}`")))
                .transpose()
        };
        Ok(Proxies {
            http: parse(&settings.http, "http")?,
            https: parse(&settings.https, "https")?,
            no_proxy: NoProxy::parse(&settings.no_proxy),
            forward_https: settings.use_forwarding_for_https,
        })
    }

    pub(crate) fn any_tls(&self) -> bool {
        [&self.http, &self.https]
            .iter()
            .any(|p| p.as_ref().is_some_and(ProxyUrl::is_tls))
    }

    /// The proxy for a request to `uri` and how it is used; `None`: connect directly.
    pub(crate) fn route(&self, uri: &http::Uri) -> Option<(&ProxyUrl, Mode)> {
        let (proxy, mode) = match uri.scheme_str() {
            Some("http") => (self.http.as_ref()?, Mode::Forward),
            Some("https") => {
                let proxy = self.https.as_ref()?;
                let forward = self.forward_https && proxy.is_tls();
                (proxy, if forward { Mode::Forward } else { Mode::Tunnel })
            }
            _ => return None,
        };
        if self.no_proxy.matches(uri) {
            return None;
        }
        Some((proxy, mode))
    }
}

#[cfg(test)]
pub(crate) mod tests;
