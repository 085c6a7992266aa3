//! The sink's TLS: a test CA (`ca.pem`, trusted by rboto through its `ca_bundle` setting and by
//! the bare client) and the certificate it issued for `127.0.0.1` (`server.pem`,
//! `server-key.pem`), P-256 keys valid until 2126, made with openssl for this benchmark only.
//! Both ends are rustls with the ring provider, as rboto's own TLS is.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;
use tokio_rustls::rustls;

/// The CA file, for rboto's `ca_bundle`.
pub const CA_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/transfer_bench/ca.pem"
);
const CA: &[u8] = include_bytes!("ca.pem");
const CERT: &[u8] = include_bytes!("server.pem");
const KEY: &[u8] = include_bytes!("server-key.pem");

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

pub fn server_config() -> Result<Arc<rustls::ServerConfig>, String> {
    let certs = CertificateDer::pem_slice_iter(CERT)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("server.pem: {e}"))?;
    let key = PrivateKeyDer::from_pem_slice(KEY).map_err(|e| format!("server-key.pem: {e}"))?;
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("the sink's certificate: {e}"))?;
    Ok(Arc::new(config))
}

/// What the bare client trusts: the test CA only.
pub fn client_config() -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(CA) {
        roots
            .add(cert.map_err(|e| format!("ca.pem: {e}"))?)
            .map_err(|e| format!("ca.pem: {e}"))?;
    }
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
