//! Requests through loopback proxies written here: they record what the client sends them
//! (CONNECT lines, absolute-form request lines, credentials) and relay to loopback endpoints.

use super::*;
use crate::error::ErrorKind;
use crate::http::{HttpClient, HttpSettings};
use crate::types::Body;
use crate::Config;
use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// `user:pass`, base64.
const GOOD_AUTH: &str = "Basic dXNlcjpwYXNz";

/// The request heads a proxy received, first line first.
type Log = Arc<Mutex<Vec<String>>>;

async fn read_head<S: AsyncRead + Unpin>(s: &mut S) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(buf[..i + 4].to_vec()).ok()?;
            return Some((head, buf[i + 4..].to_vec()));
        }
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Answers every request on the connection with its own request line and whether it carried
/// a `Proxy-Authorization` header (requests here have no body).
async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut s: S) {
    while let Some((head, _)) = read_head(&mut s).await {
        let line = head.lines().next().unwrap_or_default();
        let body = format!(
            "{line}|proxy-auth={}",
            header(&head, "proxy-authorization").is_some()
        );
        let resp = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if s.write_all(resp.as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn listen() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

/// A plain HTTP endpoint; returns its port.
async fn http_endpoint() -> u16 {
    let (l, port) = listen().await;
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(echo(s));
        }
    });
    port
}

/// A fresh self-signed certificate for `localhost`: the rustls server config and its PEM.
pub(crate) fn localhost_cert() -> (Arc<rustls::ServerConfig>, String) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .unwrap();
    (Arc::new(config), cert.cert.pem())
}

/// An HTTPS endpoint for `localhost`; returns its port and the path of its certificate.
async fn https_endpoint() -> (u16, std::path::PathBuf) {
    let (config, pem) = localhost_cert();
    let (l, port) = listen().await;
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(s).await {
                    echo(tls).await;
                }
            });
        }
    });
    (port, write_pem(&format!("endpoint-{port}"), &pem))
}

fn write_pem(name: &str, pem: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("rboto-proxy-{}-{name}.pem", std::process::id()));
    std::fs::write(&path, pem).unwrap();
    path
}

/// How the test proxy treats requests.
#[derive(Clone, Copy)]
struct Behaviour {
    /// Demand this `Proxy-Authorization` (407 otherwise).
    auth: Option<&'static str>,
    /// Never answer.
    silent: bool,
    /// Answer forwarded requests itself instead of relaying them.
    answer_forwarded: bool,
}

const RELAY: Behaviour = Behaviour {
    auth: None,
    silent: false,
    answer_forwarded: false,
};

/// Serves one proxied exchange: a CONNECT tunnel, or a forwarded absolute-form request.
async fn proxy_conn<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, log: Log, b: Behaviour) {
    let Some((head, rest)) = read_head(&mut s).await else {
        return;
    };
    log.lock().unwrap().push(head.clone());
    if b.silent {
        tokio::time::sleep(Duration::from_secs(30)).await;
        return;
    }
    if b.auth.is_some() && header(&head, "proxy-authorization") != b.auth {
        let _ = s
            .write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n\
                  proxy-authenticate: Basic realm=\"test\"\r\ncontent-length: 6\r\n\r\ndenied",
            )
            .await;
        return;
    }
    let line = head.lines().next().unwrap_or_default().to_string();
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap(), parts.next().unwrap());
    if method == "CONNECT" {
        let Ok(mut upstream) = TcpStream::connect(target.replace("localhost", "127.0.0.1")).await
        else {
            let _ = s.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
            return;
        };
        s.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .unwrap();
        let _ = tokio::io::copy_bidirectional(&mut s, &mut upstream).await;
        return;
    }
    if b.answer_forwarded {
        let mut s = s;
        let body = format!(
            "{line}|proxy-auth={}",
            header(&head, "proxy-authorization").is_some()
        );
        let resp = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = s.write_all(resp.as_bytes()).await;
        // Keep-alive requests after the first are answered as well.
        echo(s).await;
        return;
    }
    // Absolute form: relay to the endpoint with the origin-form target it expects.
    let url: http::Uri = target.parse().unwrap();
    let authority = url.authority().unwrap().as_str().to_string();
    let mut upstream = TcpStream::connect(authority).await.unwrap();
    let origin = url.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let relayed = head.replacen(target, origin, 1);
    upstream.write_all(relayed.as_bytes()).await.unwrap();
    upstream.write_all(&rest).await.unwrap();
    let _ = tokio::io::copy_bidirectional(&mut s, &mut upstream).await;
}

/// A plain-HTTP proxy; returns its URL (`http://127.0.0.1:port`) and its log.
async fn proxy(b: Behaviour) -> (String, Log) {
    let (l, port) = listen().await;
    let log = Log::default();
    let seen = log.clone();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(proxy_conn(s, seen.clone(), b));
        }
    });
    (format!("http://127.0.0.1:{port}"), log)
}

/// A proxy reached over TLS, as `localhost`; returns its URL, its log and certificate path.
async fn tls_proxy(b: Behaviour) -> (String, Log, std::path::PathBuf) {
    let (config, pem) = localhost_cert();
    let (l, port) = listen().await;
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let log = Log::default();
    let seen = log.clone();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            let (acceptor, seen) = (acceptor.clone(), seen.clone());
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(s).await {
                    proxy_conn(tls, seen, b).await;
                }
            });
        }
    });
    let pem_path = write_pem(&format!("proxy-{port}"), &pem);
    (format!("https://localhost:{port}"), log, pem_path)
}

fn env(vars: &[(&str, &str)]) -> Env {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Env::from_map(map)
}

fn client(proxies: ProxySettings, ca_bundle: Option<std::path::PathBuf>) -> HttpClient {
    HttpClient::new(&HttpSettings {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        ca_bundle,
        proxies,
        ..HttpSettings::default()
    })
    .unwrap()
}

/// The endpoint's (or answering proxy's) echo of what it received.
async fn get(client: &HttpClient, url: String) -> Result<String, crate::Error> {
    let req = http::Request::get(url).body(Body::empty()).unwrap();
    let resp = client.send(req).await?;
    assert_eq!(resp.status(), 200);
    let body = resp.into_body().collect().await.unwrap();
    Ok(String::from_utf8(body.to_vec()).unwrap())
}

fn first_lines(log: &Log) -> Vec<String> {
    log.lock()
        .unwrap()
        .iter()
        .map(|h| h.lines().next().unwrap_or_default().to_string())
        .collect()
}

/// A port nothing listens on.
async fn dead_port() -> u16 {
    listen().await.1
}

#[tokio::test]
async fn https_proxy_from_env_tunnels_to_the_tls_endpoint() {
    let (port, pem) = https_endpoint().await;
    let (proxy_url, log) = proxy(RELAY).await;
    let settings = ProxySettings::from_env(&env(&[("HTTPS_PROXY", &proxy_url)])).unwrap();
    let c = client(settings, Some(pem));
    let echoed = get(&c, format!("https://localhost:{port}/bucket/key?x=1"))
        .await
        .unwrap();
    // TLS ran end to end: the endpoint saw an origin-form request, the proxy only CONNECT.
    assert_eq!(echoed, "GET /bucket/key?x=1 HTTP/1.1|proxy-auth=false");
    assert_eq!(
        first_lines(&log),
        [format!("CONNECT localhost:{port} HTTP/1.1")]
    );
    // The tunnel is pooled like any connection.
    get(&c, format!("https://localhost:{port}/again"))
        .await
        .unwrap();
    assert_eq!(log.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn http_proxy_from_env_gets_absolute_form_requests() {
    let port = http_endpoint().await;
    let (proxy_url, log) = proxy(RELAY).await;
    let dead = format!("http://127.0.0.1:{}", dead_port().await);
    // The lowercase variable wins, as in Python's getproxies().
    let vars = [
        ("http_proxy", proxy_url.as_str()),
        ("HTTP_PROXY", dead.as_str()),
    ];
    let settings = ProxySettings::from_env(&env(&vars)).unwrap();
    let c = client(settings, None);
    let echoed = get(&c, format!("http://127.0.0.1:{port}/a/b?c=d"))
        .await
        .unwrap();
    assert_eq!(echoed, "GET /a/b?c=d HTTP/1.1|proxy-auth=false");
    assert_eq!(
        first_lines(&log),
        [format!("GET http://127.0.0.1:{port}/a/b?c=d HTTP/1.1")]
    );
}

#[tokio::test]
async fn cgi_scripts_ignore_uppercase_http_proxy() {
    let vars = [("HTTP_PROXY", "http://evil:1"), ("REQUEST_METHOD", "GET")];
    let settings = ProxySettings::from_env(&env(&vars)).unwrap();
    assert_eq!(settings.http, None);
    let vars = [("http_proxy", "http://ok:1"), ("REQUEST_METHOD", "GET")];
    let settings = ProxySettings::from_env(&env(&vars)).unwrap();
    assert_eq!(settings.http.as_deref(), Some("http://ok:1"));
}

#[tokio::test]
async fn no_proxy_hosts_are_reached_directly() {
    let port = http_endpoint().await;
    let (tls_port, pem) = https_endpoint().await;
    let (proxy_url, log) = proxy(RELAY).await;
    let vars = [
        ("HTTP_PROXY", proxy_url.as_str()),
        ("HTTPS_PROXY", proxy_url.as_str()),
        ("NO_PROXY", "example.com, .localhost,127.0.0.1"),
    ];
    let c = client(ProxySettings::from_env(&env(&vars)).unwrap(), Some(pem));
    let echoed = get(&c, format!("http://127.0.0.1:{port}/x")).await.unwrap();
    assert_eq!(echoed, "GET /x HTTP/1.1|proxy-auth=false");
    get(&c, format!("https://localhost:{tls_port}/y"))
        .await
        .unwrap();
    assert!(log.lock().unwrap().is_empty(), "{:?}", first_lines(&log));
}

#[tokio::test]
async fn settings_in_code_replace_the_environment() {
    let (port, pem) = https_endpoint().await;
    let (proxy_url, log) = proxy(RELAY).await;
    let dead = format!("http://127.0.0.1:{}", dead_port().await);
    let config = Config::loader()
        .env(env(&[("HTTPS_PROXY", &dead), ("NO_PROXY", "localhost")]))
        .load_sync()
        .unwrap();
    assert_eq!(config.http().proxies.https.as_deref(), Some(dead.as_str()));
    assert_eq!(config.http().proxies.no_proxy, ["localhost"]);
    let config = config
        .to_builder()
        .proxies(ProxySettings {
            https: Some(proxy_url),
            ..ProxySettings::default()
        })
        .build();
    // Neither the environment's proxy nor its NO_PROXY applies any more.
    let mut http = config.http().clone();
    http.ca_bundle = Some(pem);
    let c = HttpClient::new(&http).unwrap();
    get(&c, format!("https://localhost:{port}/k"))
        .await
        .unwrap();
    assert_eq!(
        first_lines(&log),
        [format!("CONNECT localhost:{port} HTTP/1.1")]
    );
}

#[tokio::test]
async fn credentials_in_the_proxy_url_are_sent_as_basic_auth() {
    let port = http_endpoint().await;
    let (tls_port, pem) = https_endpoint().await;
    let authed = Behaviour {
        auth: Some(GOOD_AUTH),
        ..RELAY
    };
    let (proxy_url, log) = proxy(authed).await;
    let with_creds = proxy_url.replace("http://", "http://user:pass@");
    let c = client(
        ProxySettings {
            http: Some(with_creds.clone()),
            https: Some(with_creds),
            ..ProxySettings::default()
        },
        Some(pem),
    );
    // On CONNECT only: the endpoint at the end of the tunnel never sees them.
    let echoed = get(&c, format!("https://localhost:{tls_port}/t"))
        .await
        .unwrap();
    assert_eq!(echoed, "GET /t HTTP/1.1|proxy-auth=false");
    // On each forwarded request.
    get(&c, format!("http://127.0.0.1:{port}/f")).await.unwrap();
    let heads = log.lock().unwrap().clone();
    assert_eq!(heads.len(), 2, "{heads:?}");
    for head in &heads {
        assert_eq!(
            header(head, "proxy-authorization"),
            Some(GOOD_AUTH),
            "{head}"
        );
    }
}

#[tokio::test]
async fn a_refused_tunnel_is_a_connection_error_naming_the_proxy() {
    let (tls_port, pem) = https_endpoint().await;
    let authed = Behaviour {
        auth: Some(GOOD_AUTH),
        ..RELAY
    };
    let (proxy_url, _log) = proxy(authed).await;
    let wrong = proxy_url.replace("http://", "http://user:hunter2@");
    let c = client(
        ProxySettings {
            https: Some(wrong),
            ..ProxySettings::default()
        },
        Some(pem),
    );
    let err = get(&c, format!("https://localhost:{tls_port}/t"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    let msg = err.to_string();
    let masked = proxy_url.replace("http://", "http://***:***@");
    assert!(
        msg.contains(&format!(
            "proxy {masked} refused to tunnel to localhost:{tls_port}: HTTP 407 Proxy \
             Authentication Required"
        )),
        "{msg}"
    );
    assert!(!format!("{err:?}{msg}").contains("hunter2"), "{err:?}");
    let mut source = StdError::source(&err);
    let mut found = None;
    while let Some(e) = source {
        if let Some(p) = e.downcast_ref::<ProxyError>() {
            found = Some(p);
        }
        source = e.source();
    }
    let proxy_error = found.expect("a ProxyError in the source chain");
    assert_eq!(proxy_error.status(), Some(407));
    assert_eq!(proxy_error.proxy(), masked);
}

#[tokio::test]
async fn an_unreachable_proxy_is_a_connection_error_naming_it() {
    let proxy_url = format!("http://u:hunter2@127.0.0.1:{}", dead_port().await);
    let c = client(
        ProxySettings {
            http: Some(proxy_url),
            ..ProxySettings::default()
        },
        None,
    );
    let err = get(&c, "http://127.0.0.1:9/x".to_string())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("failed to connect to proxy http://***:***@127.0.0.1:"),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[tokio::test]
async fn the_connect_timeout_covers_the_proxy_handshake() {
    let silent = Behaviour {
        silent: true,
        ..RELAY
    };
    let (proxy_url, log) = proxy(silent).await;
    let c = HttpClient::new(&HttpSettings {
        connect_timeout: Duration::from_millis(300),
        read_timeout: Duration::from_secs(10),
        proxies: ProxySettings {
            https: Some(proxy_url.clone()),
            ..ProxySettings::default()
        },
        ..HttpSettings::default()
    })
    .unwrap();
    let start = std::time::Instant::now();
    let err = get(&c, "https://localhost:1/k".to_string())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectTimeout, "{err}");
    assert!(
        err.to_string().contains(&format!(
            "connecting through proxy {proxy_url} took over 300 ms"
        )),
        "{err}"
    );
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_eq!(first_lines(&log), ["CONNECT localhost:1 HTTP/1.1"]);
}

#[tokio::test]
async fn tls_proxies_tunnel_or_forward() {
    let (tls_port, endpoint_pem) = https_endpoint().await;
    let (proxy_url, log, proxy_pem) = tls_proxy(RELAY).await;
    let tunnel = client(
        ProxySettings {
            https: Some(proxy_url.clone()),
            ca_bundle: Some(proxy_pem.clone()),
            ..ProxySettings::default()
        },
        Some(endpoint_pem),
    );
    // TLS inside the proxy's TLS session.
    let echoed = get(&tunnel, format!("https://localhost:{tls_port}/t"))
        .await
        .unwrap();
    assert_eq!(echoed, "GET /t HTTP/1.1|proxy-auth=false");
    assert_eq!(
        first_lines(&log),
        [format!("CONNECT localhost:{tls_port} HTTP/1.1")]
    );

    let answering = Behaviour {
        answer_forwarded: true,
        auth: Some(GOOD_AUTH),
        ..RELAY
    };
    let (proxy_url, log, proxy_pem) = tls_proxy(answering).await;
    let forward = client(
        ProxySettings {
            https: Some(proxy_url.replace("https://", "https://user:pass@")),
            ca_bundle: Some(proxy_pem),
            use_forwarding_for_https: true,
            ..ProxySettings::default()
        },
        None,
    );
    let echoed = get(&forward, "https://localhost:1/f?q=1".to_string())
        .await
        .unwrap();
    assert_eq!(
        echoed,
        "GET https://localhost:1/f?q=1 HTTP/1.1|proxy-auth=true"
    );
    assert_eq!(log.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_untrusted_tls_proxy_is_a_tls_error() {
    let (proxy_url, log, _) = tls_proxy(RELAY).await;
    let c = client(
        ProxySettings {
            https: Some(proxy_url.clone()),
            ..ProxySettings::default()
        },
        None,
    );
    let err = get(&c, "https://localhost:1/k".to_string())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(
        err.to_string().starts_with(&format!(
            "SSL validation failed for proxy {proxy_url} (to https://localhost:1/k): \
                 invalid peer certificate"
        )),
        "{err}"
    );
    assert!(log.lock().unwrap().is_empty());
}

#[test]
fn unusable_proxy_urls_are_invalid_config_naming_the_setting() {
    let settings = HttpSettings {
        proxies: ProxySettings {
            https: Some("socks5://u:hunter2@proxy:1080".to_string()),
            ..ProxySettings::default()
        },
        ..HttpSettings::default()
    };
    let err = HttpClient::new(&settings).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let msg = err.to_string();
    assert!(
        msg.contains("`proxies.https`") && msg.contains("socks5"),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "{msg}");

    let err = Config::loader()
        .env(env(&[("HTTPS_PROXY", "socks5://u:hunter2@proxy:1080")]))
        .load_sync()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let msg = err.to_string();
    assert!(msg.contains("environment variable HTTPS_PROXY"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[test]
fn debug_output_masks_proxy_credentials() {
    let settings = HttpSettings {
        proxies: ProxySettings {
            http: Some("http://user:hunter2@proxy:3128".to_string()),
            https: Some("not a url: hunter2@".to_string()),
            ..ProxySettings::default()
        },
        ..HttpSettings::default()
    };
    let debug = format!("{settings:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("user"),
        "{debug}"
    );
    assert!(debug.contains("http://***:***@proxy:3128"), "{debug}");
}

#[tokio::test]
async fn instance_metadata_requests_honour_the_environment_proxy() {
    use crate::config::ImdsSettings;
    use crate::credentials::imds::ImdsProvider;
    let answering = Behaviour {
        answer_forwarded: true,
        ..RELAY
    };
    let (proxy_url, log) = proxy(answering).await;
    let lookup = move |k: &str| (k == "HTTP_PROXY").then(|| proxy_url.clone());
    let settings = ImdsSettings::resolve(&lookup, None, None, None).unwrap();
    // The proxy answers with text, not credentials: only what reached it matters here.
    let _ = ImdsProvider::new(settings).fetch().await;
    assert_eq!(
        first_lines(&log).first().map(String::as_str),
        Some("PUT http://169.254.169.254/latest/api/token HTTP/1.1")
    );
}
