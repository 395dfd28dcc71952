use std::sync::Arc;

use switchboard_store::Store;

use crate::auth::rate_limit::AuthLimiter;
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
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        let limiter = AuthLimiter::new(&config.auth);
        let media = LiveSessions::default();
        let metrics = Metrics::new(media.gauge());
        let providers = ProviderRegistry::new(&config);
        Self {
            store,
            providers: Arc::new(providers),
            config: Arc::new(config),
            limiter: Arc::new(limiter),
            metrics: Arc::new(metrics),
            media: Arc::new(media),
        }
    }
}
