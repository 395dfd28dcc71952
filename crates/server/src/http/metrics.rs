//! Prometheus metrics for the HTTP server, in a registry owned by the app (no globals, so
//! several apps in one test process do not share counters).

use std::sync::atomic::AtomicI64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MediaLabels {
    pub carrier: &'static str,
    pub end: String,
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram>,
    media_ended: Family<MediaLabels, Counter>,
}

impl Metrics {
    /// `active_media` is the live-session gauge, exposed as `switchboard_media_sessions_active`.
    pub fn new(active_media: Gauge<i64, AtomicI64>) -> Self {
        let mut registry = Registry::with_prefix("switchboard");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ])
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            latency.clone(),
        );
        registry.register(
            "media_sessions_active",
            "Media streams running on this replica",
            active_media,
        );
        let media_ended = Family::<MediaLabels, Counter>::default();
        registry.register(
            "media_sessions_ended",
            "Media streams ended, by carrier and how they ended",
            media_ended.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            media_ended,
        }
    }

    pub fn media_sessions(&self, carrier: &'static str, end: &str) {
        self.media_ended
            .get_or_create(&MediaLabels {
                carrier,
                end: end.to_owned(),
            })
            .inc();
    }

    /// The OpenMetrics text exposition that Prometheus scrapes.
    pub fn render(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}
