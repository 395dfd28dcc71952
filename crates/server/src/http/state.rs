use std::sync::Arc;

use switchboard_store::{SecretsKey, Store};
use switchboard_voice::tools::HttpToolRunner;

use crate::auth::rate_limit::AuthLimiter;
use crate::calls::RemoteCalls;
use crate::config::Config;
use crate::http::Metrics;
use crate::media::LiveSessions;
use crate::providers::ProviderRegistry;

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
}

impl AppState {
    pub fn new(store: Store, config: Config, secrets_key: SecretsKey) -> Self {
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
        }
    }
}
