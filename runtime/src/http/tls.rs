//! The rustls client configurations: which servers are trusted (default roots plus a CA
//! bundle, or anything when verification is off) and which certificate, if any, the client
//! presents (mutual TLS, botocore's `client_cert` and `proxy_client_cert`).

use crate::error::{Error, ErrorKind};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A client certificate and its private key, presented when a server (or an `https://` proxy)
/// asks for one: mutual TLS, botocore's `Config(client_cert=…)` and
/// `proxies_config={'proxy_client_cert': …}`.
///
/// The certificate file is PEM: the client certificate first, then any intermediates. The key
/// is an unencrypted PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`), PKCS#1 RSA
/// (`BEGIN RSA PRIVATE KEY`) or SEC1 EC (`BEGIN EC PRIVATE KEY`).
///
/// Files are read when the HTTP client is built; a missing file, a file without a
/// certificate or key, or a key that doesn't match the certificate fails the first call
/// with an `InvalidConfig` error naming the file. `Debug` shows the paths only, never key
/// material.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCert(Source);

#[derive(Clone, PartialEq, Eq)]
enum Source {
    /// One file holding the certificate chain and the key (botocore's `client_cert='path'`).
    Combined(PathBuf),
    /// botocore's `client_cert=(cert_path, key_path)`.
    Separate {
        cert: PathBuf,
        key: PathBuf,
    },
    Memory {
        cert: Vec<u8>,
        key: Vec<u8>,
    },
}

impl ClientCert {
    /// One PEM file holding both the certificate (chain) and its private key, as botocore
    /// takes `client_cert='/path/client.pem'`.
    pub fn file(path: impl Into<PathBuf>) -> ClientCert {
        ClientCert(Source::Combined(path.into()))
    }

    /// The certificate (chain) and its private key in two PEM files, as botocore takes
    /// `client_cert=(cert_path, key_path)`.
    pub fn files(cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> ClientCert {
        ClientCert(Source::Separate {
            cert: cert.into(),
            key: key.into(),
        })
    }

    /// The certificate (chain) and its private key as PEM text already in memory (from a
    /// secret store, say). `key_pem` may be the same text as `cert_pem` when it holds both.
    pub fn from_pem(cert_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> ClientCert {
        ClientCert(Source::Memory {
            cert: cert_pem.into(),
            key: key_pem.into(),
        })
    }

    /// The file the certificate is read from; `None` for PEM given in memory.
    pub fn cert_path(&self) -> Option<&Path> {
        match &self.0 {
            Source::Combined(p) | Source::Separate { cert: p, .. } => Some(p),
            Source::Memory { .. } => None,
        }
    }

    /// The file the private key is read from (the certificate's own for a single file);
    /// `None` for PEM given in memory.
    pub fn key_path(&self) -> Option<&Path> {
        match &self.0 {
            Source::Combined(p) | Source::Separate { key: p, .. } => Some(p),
            Source::Memory { .. } => None,
        }
    }

    /// Reads and parses the certificate chain and key; `what` names the setting in errors.
    fn load(&self, what: &str) -> Result<Certified, Error> {
        let cert_name = match self.cert_path() {
            Some(p) => format!("{what} {}", p.display()),
            None => format!("{what} (in-memory PEM)"),
        };
        let key_name = match &self.0 {
            Source::Separate { key, .. } => format!("{what} key {}", key.display()),
            _ => cert_name.clone(),
        };
        let bad =
            |name: &str, why: &str| Error::new(ErrorKind::InvalidConfig, format!("{name}: {why}"));
        let read = |path: &Path, name: &str| {
            std::fs::read(path)
                .map_err(|e| bad(name, &format!("cannot read it: {e}")).with_source(e))
        };
        let (cert_pem, key_pem) = match &self.0 {
            Source::Combined(p) => {
                let pem = read(p, &cert_name)?;
                (pem.clone(), pem)
            }
            Source::Separate { cert, key } => (read(cert, &cert_name)?, read(key, &key_name)?),
            Source::Memory { cert, key } => (cert.clone(), key.clone()),
        };
        // PEM errors aren't shown for files that hold the key: their text can quote the
        // file's content.
        let key_in_cert_file = !matches!(self.0, Source::Separate { .. });
        let mut chain = Vec::new();
        for cert in CertificateDer::pem_slice_iter(&cert_pem) {
            match cert {
                Ok(c) => chain.push(c),
                Err(_) if key_in_cert_file => return Err(bad(&cert_name, "invalid PEM in it")),
                Err(e) => return Err(bad(&cert_name, &format!("invalid PEM: {e}")).with_source(e)),
            }
        }
        if chain.is_empty() {
            return Err(bad(&cert_name, "no PEM certificate found in it"));
        }
        if is_encrypted(&key_pem) {
            return Err(bad(
                &key_name,
                "the private key is encrypted, which is not supported: decrypt it first",
            ));
        }
        let key = match PrivateKeyDer::from_pem_slice(&key_pem) {
            Ok(k) => k,
            Err(pem::Error::NoItemsFound) => {
                let why = match self.0 {
                    Source::Combined(_) => {
                        "no PEM private key found in it (PKCS#8, RSA or EC); give the key's \
                         own file with ClientCert::files"
                    }
                    _ => "no PEM private key found in it (PKCS#8, RSA or EC expected)",
                };
                return Err(bad(&key_name, why));
            }
            Err(_) => return Err(bad(&key_name, "invalid PEM in it")),
        };
        let mismatch = match &self.0 {
            Source::Separate { key, .. } => format!(
                "{cert_name}: the private key in {} does not match the certificate",
                key.display()
            ),
            _ => format!("{cert_name}: the private key does not match the certificate"),
        };
        Ok(Certified {
            chain,
            key,
            key_name,
            mismatch,
        })
    }
}

impl fmt::Debug for ClientCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Combined(p) => f.debug_tuple("ClientCert::file").field(p).finish(),
            Source::Separate { cert, key } => f
                .debug_struct("ClientCert::files")
                .field("cert", cert)
                .field("key", key)
                .finish(),
            Source::Memory { .. } => f.write_str("ClientCert::from_pem(<in-memory PEM>)"),
        }
    }
}

/// Traditional OpenSSL encryption (`Proc-Type: 4,ENCRYPTED`) or encrypted PKCS#8: both would
/// otherwise read as "no key found".
fn is_encrypted(pem: &[u8]) -> bool {
    let has = |needle: &[u8]| pem.windows(needle.len()).any(|w| w == needle);
    has(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") || has(b"Proc-Type: 4,ENCRYPTED")
}

/// A certificate chain with its key, and how errors name them.
struct Certified {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    key_name: String,
    /// The error when the key isn't the certificate's.
    mismatch: String,
}

/// A CA bundle to trust besides the default roots, and how errors name it.
pub(super) struct Trust<'a> {
    pub(super) ca_bundle: Option<&'a Path>,
    pub(super) what: &'a str,
}

/// A client certificate to present, and how errors name it.
pub(super) struct Identity<'a> {
    pub(super) cert: Option<&'a ClientCert>,
    pub(super) what: &'a str,
}

/// The TLS configuration for endpoints, or for `https://` proxies. Fails (`InvalidConfig`) on
/// a CA bundle or client certificate that can't be used, naming its file.
pub(super) fn tls_config(
    verify_tls: bool,
    trust: Trust<'_>,
    identity: Identity<'_>,
) -> Result<ClientConfig, Error> {
    // rustls 0.23.48 deprecates its ring provider for want of post-quantum key exchange; ring
    // stays rboto's choice (no cmake, no aws-lc), as the project's owner decided.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            Error::new(ErrorKind::InvalidConfig, format!("TLS configuration: {e}")).with_source(e)
        })?;
    // Loaded first, so a bad client certificate is reported even with verification off.
    let certified = identity.cert.map(|c| c.load(identity.what)).transpose()?;
    let builder = if verify_tls {
        builder.with_root_certificates(roots(trust)?)
    } else {
        let verifier = AcceptAnyCert(provider.signature_verification_algorithms);
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
    };
    let Some(c) = certified else {
        return Ok(builder.with_no_client_auth());
    };
    builder.with_client_auth_cert(c.chain, c.key).map_err(|e| {
        let msg = match e {
            rustls::Error::InconsistentKeys(_) => c.mismatch,
            e => format!("{}: unusable private key: {e}", c.key_name),
        };
        Error::new(ErrorKind::InvalidConfig, msg)
    })
}

/// The default roots plus the CA bundle's certificates.
fn roots(trust: Trust<'_>) -> Result<RootCertStore, Error> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let Some(path) = trust.ca_bundle else {
        return Ok(roots);
    };
    let bad = |why: String| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("{} {}: {why}", trust.what, path.display()),
        )
    };
    let pem =
        std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")).with_source(e))?;
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| bad(format!("invalid PEM: {e}")).with_source(e))?;
        roots
            .add(cert)
            .map_err(|e| bad(format!("invalid certificate: {e}")).with_source(e))?;
        added += 1;
    }
    if added == 0 {
        return Err(bad("no PEM certificate found in it".to_string()));
    }
    Ok(roots)
}

/// `verify_tls = false`: any server certificate is accepted (handshake signatures are still
/// checked, so the session is at least bound to the presented key).
#[derive(Debug)]
struct AcceptAnyCert(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests;
