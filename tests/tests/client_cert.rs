//! Mutual TLS end to end (botocore's `Config(client_cert=…)`): STS calls over https to a
//! loopback server that demands a client certificate signed by a test CA, trusted by the
//! client through the CA-bundle setting.

use rboto::http::ClientCert;
use rboto::{Config, Credentials, ErrorKind};
use rboto_tests::scratch::ScratchDir;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::PrivateKeyDer;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const STS_WHO_AM_I: &str = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
    <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn>\
    <UserId>AKIAI44QH8DHBEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
    <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>\
    </GetCallerIdentityResponse>";

type Ca = CertifiedIssuer<'static, KeyPair>;

/// A test CA, a client certificate it issued and the files they are written to.
struct Pki {
    ca: Ca,
    dir: ScratchDir,
    client_cert_pem: String,
    client_cert_der: Vec<u8>,
    client_key_pem: String,
}

impl Pki {
    fn new(name: &str) -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "rboto test CA");
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["rboto-client".to_string()])
            .unwrap()
            .signed_by(&key, &*ca)
            .unwrap();
        Pki {
            dir: ScratchDir::new("rboto-client-cert", name, &[]).unwrap(),
            client_cert_pem: cert.pem(),
            client_cert_der: cert.der().to_vec(),
            client_key_pem: key.serialize_pem(),
            ca,
        }
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// A client trusting the test CA, through the CA-bundle setting.
    fn config(&self) -> rboto::ConfigBuilder {
        Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
            .ca_bundle(self.write("ca.pem", &self.ca.pem()))
    }

    /// Server TLS for `localhost`, issued by the test CA, demanding a client certificate the
    /// test CA issued.
    fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.ca.der().clone()).unwrap();
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()
        .unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["localhost".to_string()])
            .unwrap()
            .signed_by(&key, &*self.ca)
            .unwrap();
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![cert.der().clone()],
                PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap();
        Arc::new(config)
    }
}

/// What the server saw.
#[derive(Default)]
struct Seen {
    /// Connections accepted, whether or not their handshake succeeded.
    connections: usize,
    /// The client certificate (end entity, DER) of each successful handshake.
    client_certs: Vec<Vec<u8>>,
    /// Each request's first line and body.
    requests: Vec<(String, String)>,
}

/// An STS-like https endpoint for `localhost` answering every request with `STS_WHO_AM_I`;
/// returns its URL.
async fn sts_endpoint(config: Arc<rustls::ServerConfig>) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let seen = Arc::new(Mutex::new(Seen::default()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            log.lock().unwrap().connections += 1;
            let (acceptor, log) = (acceptor.clone(), log.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Some(c) = tls.get_ref().1.peer_certificates().and_then(|c| c.first()) {
                    log.lock().unwrap().client_certs.push(c.to_vec());
                }
                let mut stream = BufReader::new(tls);
                while let Some((line, body)) = read_request(&mut stream).await {
                    log.lock().unwrap().requests.push((line, body));
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n\
                         {STS_WHO_AM_I}",
                        STS_WHO_AM_I.len()
                    );
                    if stream.get_mut().write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, seen)
}

/// One request's first line and body; `None` when the connection closed.
async fn read_request<S: tokio::io::AsyncRead + Unpin>(
    stream: &mut BufReader<S>,
) -> Option<(String, String)> {
    let mut first = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if first.is_empty() {
            first = line.trim_end().to_string();
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.ok()?;
    Some((first, String::from_utf8(body).ok()?))
}

/// A failed call: its kind, `Display` and `Debug`.
#[derive(Debug)]
struct Failed {
    kind: ErrorKind,
    msg: String,
    debug: String,
}

async fn who_am_i(config: &Config, endpoint: &str) -> Result<String, Failed> {
    let sts = rboto_sts::Client::new(&config.to_builder().endpoint_url(endpoint).build());
    match sts.get_caller_identity().send().await {
        Ok(out) => Ok(out.arn.unwrap_or_default()),
        Err(e) => Err(Failed {
            kind: e.kind(),
            msg: e.to_string(),
            debug: format!("{e:?}"),
        }),
    }
}

/// Makes a call presenting `cert` and checks the server saw exactly the test certificate.
async fn call_presenting(pki: &Pki, cert: ClientCert) {
    let (url, seen) = sts_endpoint(pki.server_config()).await;
    let config = pki.config().client_cert(cert).build();
    let arn = who_am_i(&config, &url).await.unwrap();
    assert_eq!(arn, "arn:aws:iam::123456789012:user/Alice");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.client_certs, vec![pki.client_cert_der.clone()]);
    assert_eq!(seen.requests.len(), 1);
    assert_eq!(seen.requests[0].0, "POST / HTTP/1.1");
    assert_eq!(
        seen.requests[0].1,
        "Action=GetCallerIdentity&Version=2011-06-15"
    );
}

#[tokio::test]
async fn one_file_with_certificate_and_key() {
    let pki = Pki::new("combined");
    let path = pki.write(
        "client.pem",
        &format!("{}{}", pki.client_cert_pem, pki.client_key_pem),
    );
    call_presenting(&pki, ClientCert::file(path)).await;
}

#[tokio::test]
async fn certificate_and_key_files() {
    let pki = Pki::new("separate");
    let cert = pki.write("client.crt", &pki.client_cert_pem);
    let key = pki.write("client.key", &pki.client_key_pem);
    call_presenting(&pki, ClientCert::files(cert, key)).await;
}

#[tokio::test]
async fn without_a_client_certificate_the_call_fails_with_a_tls_error() {
    let pki = Pki::new("none");
    let (url, seen) = sts_endpoint(pki.server_config()).await;
    let err = who_am_i(&pki.config().build(), &url).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Tls, "{err:?}");
    let host = url.trim_start_matches("https://");
    assert_eq!(
        err.msg,
        format!(
            "GetCallerIdentity on {host}: SSL validation failed for {url}/: received fatal \
             alert: CertificateRequired"
        )
    );
    let seen = seen.lock().unwrap();
    // Not retried, as botocore doesn't retry SSLError.
    assert_eq!(seen.connections, 1);
    assert!(seen.client_certs.is_empty() && seen.requests.is_empty());
}

#[tokio::test]
async fn a_bad_key_file_fails_the_first_call_naming_the_file() {
    let pki = Pki::new("badkey");
    let (url, seen) = sts_endpoint(pki.server_config()).await;
    let cert = pki.write("client.crt", &pki.client_cert_pem);
    let key = pki.write("client.key", "not a key\n");
    // Building the client can't fail (boto3's client() doesn't): the call reports it.
    let config = pki
        .config()
        .client_cert(ClientCert::files(cert, &key))
        .build();
    let err = who_am_i(&config, &url).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidConfig, "{err:?}");
    let msg = &err.msg;
    assert!(
        msg.contains(&format!(
            "HTTP client: client certificate key {}: no PEM private key found in it",
            key.display()
        )),
        "{msg}"
    );
    assert_eq!(seen.lock().unwrap().connections, 0);

    // A key that isn't the certificate's.
    let other = KeyPair::generate().unwrap().serialize_pem();
    let path = pki.write("mismatched.pem", &format!("{}{other}", pki.client_cert_pem));
    let config = pki.config().client_cert(ClientCert::file(&path)).build();
    let err = who_am_i(&config, &url).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidConfig, "{err:?}");
    let msg = &err.msg;
    assert!(
        msg.contains(&format!(
            "client certificate {}: the private key does not match the certificate",
            path.display()
        )),
        "{msg}"
    );
    for line in other.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!msg.contains(line) && !err.debug.contains(line));
    }
    assert_eq!(seen.lock().unwrap().connections, 0);
}
