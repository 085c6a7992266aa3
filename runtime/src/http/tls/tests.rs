//! Mutual TLS against loopback servers that demand a client certificate signed by a test CA,
//! and the errors for client certificates that can't be used.

use super::ClientCert;
use crate::error::ErrorKind;
use crate::http::{HttpClient, HttpSettings, ProxySettings};
use crate::types::Body;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A 2048-bit RSA key in PKCS#1 form, made for these tests only (ring can't generate RSA).
const TEST_RSA_KEY: &str = include_str!("test-rsa-key.pem");

type Ca = CertifiedIssuer<'static, KeyPair>;

fn ca(name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A certificate for `key` issued by `ca`, as PEM and DER.
fn issue(ca: &Ca, names: &[&str], key: &KeyPair) -> (String, CertificateDer<'static>) {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let cert = CertificateParams::new(names)
        .unwrap()
        .signed_by(key, &**ca)
        .unwrap();
    (cert.pem(), cert.der().clone())
}

/// A client certificate and key issued by `ca`: certificate PEM and DER, key (PKCS#8) PEM.
fn client_identity(ca: &Ca) -> (String, CertificateDer<'static>, String) {
    let key = KeyPair::generate().unwrap();
    let (pem, der) = issue(ca, &["rboto-client"], &key);
    (pem, der, key.serialize_pem())
}

/// Server TLS for `localhost` (issued by `server_ca`) demanding a client certificate issued by
/// `client_ca`.
fn mtls_config(server_ca: &Ca, client_ca: &Ca) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(client_ca.der().clone()).unwrap();
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .unwrap();
    let key = KeyPair::generate().unwrap();
    let (_, der) = issue(server_ca, &["localhost"], &key);
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![der], PrivateKeyDer::Pkcs8(key.serialize_der().into()))
        .unwrap();
    Arc::new(config)
}

/// The client certificates (end entity, DER) servers saw, one per handshake.
type Seen = Arc<Mutex<Vec<Vec<u8>>>>;

async fn read_head<S: AsyncRead + Unpin>(s: &mut S) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") {
            return String::from_utf8(buf).ok();
        }
    }
}

/// Answers each bodiless request with its own request line.
async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut s: S) {
    while let Some(head) = read_head(&mut s).await {
        let line = head.lines().next().unwrap_or_default().to_string();
        let resp = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{line}",
            line.len()
        );
        if s.write_all(resp.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Accepts TLS with `config`, records the client certificate, then runs `serve` on the
/// session; returns the port.
async fn tls_listener<F, Fut>(config: Arc<rustls::ServerConfig>, seen: Seen, serve: F) -> u16
where
    F: Fn(tokio_rustls::server::TlsStream<TcpStream>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let serve = Arc::new(serve);
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            let (acceptor, seen, serve) = (acceptor.clone(), seen.clone(), serve.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(s).await else {
                    return;
                };
                if let Some(c) = tls.get_ref().1.peer_certificates().and_then(|c| c.first()) {
                    seen.lock().unwrap().push(c.to_vec());
                }
                serve(tls).await;
            });
        }
    });
    port
}

/// An endpoint for `localhost` demanding a client certificate from `client_ca`.
async fn mtls_endpoint(server_ca: &Ca, client_ca: &Ca) -> (u16, Seen) {
    let seen = Seen::default();
    let port = tls_listener(mtls_config(server_ca, client_ca), seen.clone(), echo).await;
    (port, seen)
}

static FILES: AtomicUsize = AtomicUsize::new(0);

/// A directory for one test's files, removed with them when the test's thread ends (libtest
/// runs each test on its own thread).
struct TestDir(PathBuf);

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

thread_local! {
    static DIR: TestDir = {
        let n = FILES.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("rboto-mtls-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TestDir(dir)
    };
}

/// Writes a file into the test's directory.
fn file(name: &str, contents: &str) -> PathBuf {
    let n = FILES.fetch_add(1, Ordering::SeqCst);
    let path = DIR.with(|d| d.0.join(format!("{n}-{name}.pem")));
    std::fs::write(&path, contents).unwrap();
    path
}

fn settings(ca: &Ca, client_cert: Option<ClientCert>) -> HttpSettings {
    HttpSettings {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        ca_bundle: Some(file("ca", &ca.pem())),
        client_cert,
        ..HttpSettings::default()
    }
}

async fn get(client: &HttpClient, url: String) -> Result<String, crate::Error> {
    let req = http::Request::get(url).body(Body::empty()).unwrap();
    let resp = client.send(req).await?;
    assert_eq!(resp.status(), 200);
    let body = resp.into_body().collect().await.unwrap();
    Ok(String::from_utf8(body.to_vec()).unwrap())
}

/// Calls an endpoint demanding a certificate from `ca` with `cert`; returns the certificate
/// the server saw.
async fn call_with(ca: &Ca, cert: ClientCert) -> Vec<u8> {
    let (port, seen) = mtls_endpoint(ca, ca).await;
    let client = HttpClient::new(&settings(ca, Some(cert))).unwrap();
    let body = get(&client, format!("https://localhost:{port}/k?x=1"))
        .await
        .unwrap();
    assert_eq!(body, "GET /k?x=1 HTTP/1.1");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    seen[0].clone()
}

#[tokio::test]
async fn one_file_with_certificate_and_key_is_presented() {
    let ca = ca("test CA");
    let (cert, der, key) = client_identity(&ca);
    let combined = file("combined", &format!("{cert}{key}"));
    assert_eq!(
        call_with(&ca, ClientCert::file(&combined)).await,
        der.to_vec()
    );
    // The key first works as well: sections are found by their labels.
    let reversed = file("reversed", &format!("{key}{cert}"));
    assert_eq!(
        call_with(&ca, ClientCert::file(&reversed)).await,
        der.to_vec()
    );
}

#[tokio::test]
async fn separate_certificate_and_key_files_are_presented() {
    let ca = ca("test CA");
    let (cert, der, key) = client_identity(&ca);
    let certs = ClientCert::files(file("cert", &cert), file("key", &key));
    assert_eq!(call_with(&ca, certs).await, der.to_vec());
}

#[tokio::test]
async fn in_memory_pem_is_presented() {
    let ca = ca("test CA");
    let (cert, der, key) = client_identity(&ca);
    assert_eq!(
        call_with(&ca, ClientCert::from_pem(cert, key)).await,
        der.to_vec()
    );
}

#[tokio::test]
async fn an_intermediate_in_the_certificate_file_completes_the_chain() {
    // The server trusts only the root; the client's file carries leaf then intermediate.
    let root = ca("root CA");
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "intermediate CA");
    let intermediate: Ca =
        CertifiedIssuer::signed_by(params, KeyPair::generate().unwrap(), &*root).unwrap();
    let (leaf, der, key) = client_identity(&intermediate);
    let chain = file("chain", &format!("{leaf}{}", intermediate.pem()));
    let cert = ClientCert::files(chain, file("key", &key));
    assert_eq!(call_with(&root, cert).await, der.to_vec());
}

#[tokio::test]
async fn sec1_ec_key_is_accepted() {
    let ca = ca("test CA");
    let key = KeyPair::generate().unwrap();
    let (cert, der) = issue(&ca, &["rboto-client"], &key);
    let sec1 = pkcs8_private_key(&key.serialize_der());
    let key_pem = pem("EC PRIVATE KEY", &sec1);
    assert!(key_pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
    let certs = ClientCert::files(file("cert", &cert), file("key", &key_pem));
    assert_eq!(call_with(&ca, certs).await, der.to_vec());
}

#[tokio::test]
async fn pkcs1_rsa_key_is_accepted() {
    let ca = ca("test CA");
    assert!(TEST_RSA_KEY.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    let pkcs1 =
        rustls::pki_types::PrivatePkcs1KeyDer::from_pem_slice(TEST_RSA_KEY.as_bytes()).unwrap();
    let key = KeyPair::try_from(pkcs1_to_pkcs8(pkcs1.secret_pkcs1_der()).as_slice()).unwrap();
    let (cert, der) = issue(&ca, &["rboto-client"], &key);
    let combined = file("rsa", &format!("{cert}{TEST_RSA_KEY}"));
    assert_eq!(
        call_with(&ca, ClientCert::file(combined)).await,
        der.to_vec()
    );
}

#[tokio::test]
async fn the_certificate_is_presented_with_verification_off_too() {
    // As with botocore's verify=False: the server goes unchecked, the client still proves
    // who it is.
    let ca = ca("test CA");
    let (cert, der, key) = client_identity(&ca);
    let (port, seen) = mtls_endpoint(&ca, &ca).await;
    let s = HttpSettings {
        verify_tls: false,
        ca_bundle: None,
        ..settings(&ca, Some(ClientCert::from_pem(cert, key)))
    };
    let client = HttpClient::new(&s).unwrap();
    let body = get(&client, format!("https://localhost:{port}/v"))
        .await
        .unwrap();
    assert_eq!(body, "GET /v HTTP/1.1");
    assert_eq!(*seen.lock().unwrap(), vec![der.to_vec()]);
}

#[tokio::test]
async fn without_a_client_certificate_the_call_is_a_tls_error() {
    let ca = ca("test CA");
    let (port, seen) = mtls_endpoint(&ca, &ca).await;
    let client = HttpClient::new(&settings(&ca, None)).unwrap();
    let err = get(&client, format!("https://localhost:{port}/k"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("CertificateRequired"), "{err}");
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_certificate_from_another_ca_is_refused() {
    let ca = ca("test CA");
    let (port, seen) = mtls_endpoint(&ca, &ca).await;
    let (cert, _, key) = client_identity(&self::ca("other CA"));
    let client = HttpClient::new(&settings(&ca, Some(ClientCert::from_pem(cert, key)))).unwrap();
    let err = get(&client, format!("https://localhost:{port}/k"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(seen.lock().unwrap().is_empty());
}

/// The error building a client with `cert` gives; checks no key material is in it.
fn build_error(cert: ClientCert, key_pem: &str) -> crate::Error {
    let ca = ca("test CA");
    let err = HttpClient::new(&settings(&ca, Some(cert))).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
    let shown = format!("{err} {err:?}");
    for line in key_pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!shown.contains(line), "key material in {shown}");
    }
    err
}

#[test]
fn missing_files_are_named() {
    let err = build_error(ClientCert::file("/nonexistent/client.pem"), "");
    let msg = err.to_string();
    assert!(
        msg.starts_with("client certificate /nonexistent/client.pem: cannot read it: "),
        "{msg}"
    );
    let (cert, _, _) = client_identity(&ca("test CA"));
    let err = build_error(
        ClientCert::files(file("cert", &cert), "/nonexistent/key.pem"),
        "",
    );
    assert!(
        err.to_string()
            .starts_with("client certificate key /nonexistent/key.pem: cannot read it: "),
        "{err}"
    );
}

#[test]
fn a_file_without_a_certificate_is_named() {
    let (_, _, key) = client_identity(&ca("test CA"));
    let path = file("keyonly", &key);
    let err = build_error(ClientCert::file(&path), &key);
    assert_eq!(
        err.to_string(),
        format!(
            "client certificate {}: no PEM certificate found in it",
            path.display()
        )
    );
}

#[test]
fn a_single_file_without_a_key_is_named() {
    let (cert, _, _) = client_identity(&ca("test CA"));
    let path = file("certonly", &cert);
    let err = build_error(ClientCert::file(&path), "");
    assert_eq!(
        err.to_string(),
        format!(
            "client certificate {}: no PEM private key found in it (PKCS#8, RSA or EC); give \
             the key's own file with ClientCert::files",
            path.display()
        )
    );
}

#[test]
fn bad_key_files_are_named_without_their_content() {
    let ca = ca("test CA");
    let (cert, _, key) = client_identity(&ca);
    let cert_path = file("cert", &cert);

    let not_a_key = file("notakey", "hello\n");
    let err = build_error(ClientCert::files(&cert_path, &not_a_key), "hello");
    assert_eq!(
        err.to_string(),
        format!(
            "client certificate key {}: no PEM private key found in it (PKCS#8, RSA or EC \
             expected)",
            not_a_key.display()
        )
    );

    // A key whose body isn't base64: the PEM error's text (which quotes it) is left out.
    let garbled = key.replacen('M', "!", 1);
    let garbled_path = file("garbled", &garbled);
    let err = build_error(ClientCert::files(&cert_path, &garbled_path), &garbled);
    assert_eq!(
        err.to_string(),
        format!(
            "client certificate key {}: invalid PEM in it",
            garbled_path.display()
        )
    );

    let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0w\n\
                     -----END ENCRYPTED PRIVATE KEY-----\n";
    let encrypted_path = file("encrypted", encrypted);
    let err = build_error(ClientCert::files(&cert_path, &encrypted_path), encrypted);
    assert_eq!(
        err.to_string(),
        format!(
            "client certificate key {}: the private key is encrypted, which is not \
             supported: decrypt it first",
            encrypted_path.display()
        )
    );
}

#[test]
fn a_key_that_is_not_the_certificates_is_named() {
    let ca = ca("test CA");
    let (cert, _, _) = client_identity(&ca);
    let (_, _, other_key) = client_identity(&ca);
    let cert_path = file("cert", &cert);
    let key_path = file("otherkey", &other_key);
    let err = build_error(ClientCert::files(&cert_path, &key_path), &other_key);
    assert_eq!(
        err.to_string(),
        format!(
            "client certificate {}: the private key in {} does not match the certificate",
            cert_path.display(),
            key_path.display()
        )
    );
    let err = build_error(ClientCert::from_pem(cert, other_key.clone()), &other_key);
    assert_eq!(
        err.to_string(),
        "client certificate (in-memory PEM): the private key does not match the certificate"
    );
}

#[test]
fn debug_shows_paths_never_keys() {
    assert_eq!(
        format!("{:?}", ClientCert::file("/etc/client.pem")),
        "ClientCert::file(\"/etc/client.pem\")"
    );
    assert_eq!(
        format!("{:?}", ClientCert::files("/c.pem", "/k.pem")),
        "ClientCert::files { cert: \"/c.pem\", key: \"/k.pem\" }"
    );
    let (cert, _, key) = client_identity(&ca("test CA"));
    let in_memory = ClientCert::from_pem(cert, key.clone());
    assert_eq!(in_memory.cert_path(), None);
    let shown = format!(
        "{:?}",
        HttpSettings {
            client_cert: Some(in_memory.clone()),
            proxies: ProxySettings {
                client_cert: Some(in_memory),
                ..ProxySettings::default()
            },
            ..HttpSettings::default()
        }
    );
    assert!(
        shown.contains("client_cert: Some(ClientCert::from_pem(<in-memory PEM>))"),
        "{shown}"
    );
    for line in key.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!shown.contains(line), "{shown}");
    }
}

// ---- through an https:// proxy that demands a client certificate ----

/// A CONNECT-only proxy over TLS for `localhost`, demanding a client certificate from
/// `client_ca`: relays the tunnel to the loopback port asked for.
async fn mtls_proxy(server_ca: &Ca, client_ca: &Ca) -> (String, Seen) {
    let seen = Seen::default();
    let port = tls_listener(
        mtls_config(server_ca, client_ca),
        seen.clone(),
        |mut s| async move {
            let Some(head) = read_head(&mut s).await else {
                return;
            };
            let target = head.split(' ').nth(1).unwrap_or_default().to_string();
            assert!(head.starts_with("CONNECT "), "{head}");
            let Ok(mut up) = TcpStream::connect(target.replace("localhost", "127.0.0.1")).await
            else {
                return;
            };
            s.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await
                .unwrap();
            let _ = tokio::io::copy_bidirectional(&mut s, &mut up).await;
        },
    )
    .await;
    (format!("https://localhost:{port}"), seen)
}

#[tokio::test]
async fn proxy_client_cert_goes_to_the_proxy_and_client_cert_to_the_endpoint() {
    let ca = ca("test CA");
    let (proxy_cert, proxy_der, proxy_key) = client_identity(&ca);
    let (endpoint_cert, endpoint_der, endpoint_key) = client_identity(&ca);
    let (proxy, proxy_seen) = mtls_proxy(&ca, &ca).await;
    let (port, endpoint_seen) = mtls_endpoint(&ca, &ca).await;
    let mut s = settings(&ca, Some(ClientCert::from_pem(endpoint_cert, endpoint_key)));
    s.proxies = ProxySettings {
        https: Some(proxy),
        client_cert: Some(ClientCert::files(
            file("proxycert", &proxy_cert),
            file("proxykey", &proxy_key),
        )),
        ..ProxySettings::default()
    };
    let client = HttpClient::new(&s).unwrap();
    let body = get(&client, format!("https://localhost:{port}/t"))
        .await
        .unwrap();
    assert_eq!(body, "GET /t HTTP/1.1");
    assert_eq!(*proxy_seen.lock().unwrap(), vec![proxy_der.to_vec()]);
    assert_eq!(*endpoint_seen.lock().unwrap(), vec![endpoint_der.to_vec()]);
}

#[tokio::test]
async fn without_proxy_client_cert_a_demanding_proxy_is_a_tls_error() {
    let ca = ca("test CA");
    let (cert, _, key) = client_identity(&ca);
    let (proxy, proxy_seen) = mtls_proxy(&ca, &ca).await;
    let (port, _) = mtls_endpoint(&ca, &ca).await;
    // The endpoint's certificate is not shown to the proxy.
    let mut s = settings(&ca, Some(ClientCert::from_pem(cert, key)));
    s.proxies = ProxySettings {
        https: Some(proxy.clone()),
        ..ProxySettings::default()
    };
    let client = HttpClient::new(&s).unwrap();
    let err = get(&client, format!("https://localhost:{port}/t"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("SSL validation failed for proxy {proxy}")),
        "{err}"
    );
    assert!(proxy_seen.lock().unwrap().is_empty());
}

#[test]
fn a_bad_proxy_client_cert_is_named_as_such() {
    let ca = ca("test CA");
    let mut s = settings(&ca, None);
    s.proxies = ProxySettings {
        https: Some("https://localhost:3129".into()),
        client_cert: Some(ClientCert::file("/nonexistent/proxy.pem")),
        ..ProxySettings::default()
    };
    let err = HttpClient::new(&s).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.to_string()
            .starts_with("proxy client certificate /nonexistent/proxy.pem: cannot read it: "),
        "{err}"
    );
}

// ---- DER and PEM, enough for the key forms rcgen doesn't write ----

use rustls::pki_types::pem::PemObject;

/// A DER element: tag, definite length, contents.
fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(contents);
    out
}

/// Splits the DER element at the start of `der`: (tag, contents, rest).
fn split(der: &[u8]) -> (u8, &[u8], &[u8]) {
    let (tag, first) = (der[0], der[1] as usize);
    let (len, start) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        let len = der[2..2 + n]
            .iter()
            .fold(0usize, |acc, b| acc << 8 | *b as usize);
        (len, 2 + n)
    };
    (tag, &der[start..start + len], &der[start + len..])
}

/// The algorithm's own private key inside a PKCS#8 `PrivateKeyInfo` (SEC1 for EC keys).
fn pkcs8_private_key(pkcs8: &[u8]) -> Vec<u8> {
    let (_, info, _) = split(pkcs8);
    let (_, _, rest) = split(info); // version
    let (_, _, rest) = split(rest); // algorithm
    let (tag, key, _) = split(rest);
    assert_eq!(tag, 0x04);
    key.to_vec()
}

/// A PKCS#1 RSA key wrapped as PKCS#8.
fn pkcs1_to_pkcs8(pkcs1: &[u8]) -> Vec<u8> {
    const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let algorithm = tlv(
        0x30,
        &[tlv(0x06, RSA_ENCRYPTION), vec![0x05, 0x00]].concat(),
    );
    let info = [tlv(0x02, &[0]), algorithm, tlv(0x04, pkcs1)].concat();
    tlv(0x30, &info)
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}
