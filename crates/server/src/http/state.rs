use std::sync::Arc;

use switchboard_store::{SecretsKey, Store};
use switchboard_voice::tools::HttpToolRunner;

use crate::auth::rate_limit::AuthLimiter;
use crate::calls::RemoteCalls;
use crate::config::Config;
use crate::http::Metrics;
use crate::media::LiveSessions;
use crate::providers::ProviderRegistry;
use crate::telephony::CarrierRegistry;

/// What every handler can reach. Cloned per request: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub limiter: Arc<AuthLimiter>,
    pub metrics: Arc<Metrics>,
    pub media: Arc<LiveSessions>,
    /// The operator's AI providers.
    pub providers: Arc<ProviderRegistry>,
    /// Encrypts and decrypts tenants' secrets at rest.
    pub secrets_key: Arc<SecretsKey>,
    /// Calls tenants' HTTP tools, within the operator's network policy; one connection pool.
    pub tool_runner: HttpToolRunner,
    /// Remote-controlled calls live on this server.
    pub remote_calls: Arc<RemoteCalls>,
    /// The operator's carrier accounts.
    pub carriers: Arc<CarrierRegistry>,
    /// Where carriers reach us: `public_url`, or the bound local address without one.
    public_base_url: Arc<str>,
}

impl AppState {
    pub fn new(
        store: Store,
        config: Config,
        secrets_key: SecretsKey,
        carriers: CarrierRegistry,
        public_base_url: &str,
    ) -> Self {
        let limiter = AuthLimiter::new(&config.auth);
        let media = LiveSessions::default();
        let metrics = Metrics::new(media.gauge());
        let providers = ProviderRegistry::new(&config);
        let tool_runner = HttpToolRunner::new(config.tool_network_policy());
        Self {
            store,
            providers: Arc::new(providers),
            config: Arc::new(config),
            limiter: Arc::new(limiter),
            metrics: Arc::new(metrics),
            media: Arc::new(media),
            secrets_key: Arc::new(secrets_key),
            tool_runner,
            remote_calls: Arc::default(),
            carriers: Arc::new(carriers),
            public_base_url: public_base_url.trim_end_matches('/').into(),
        }
    }

    /// The base URL carriers call back on (webhooks, media streams).
    pub fn public_base_url(&self) -> String {
        self.public_base_url.to_string()
    }
}
