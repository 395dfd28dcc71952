//! The TLS connector for `wss://` providers: rustls with the *ring* provider chosen
//! explicitly (never the process default, never aws-lc-rs) and the webpki root set.

use std::sync::{Arc, OnceLock};

use tokio_tungstenite::Connector;

/// A rustls connector built once per process.
pub(crate) fn connector() -> Connector {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        Arc::new(config)
    });
    Connector::Rustls(config.clone())
}

#[cfg(test)]
mod tests {
    #[test]
    fn builds_a_ring_rustls_connector() {
        assert!(matches!(
            super::connector(),
            tokio_tungstenite::Connector::Rustls(_)
        ));
    }
}
