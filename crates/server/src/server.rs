//! The server's life: open the store, bind, serve until told to stop, drain, exit.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use axum::serve::ListenerExt;
use switchboard_store::{Backend, Store, now_ms};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, secrets_key};
use crate::http::{AppState, router};
use crate::telephony::CarrierRegistry;

/// A bound, migrated, ready-to-run server. Tests build one on port 0.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let store = Store::open(&config.effective_database_url())
            .await
            .context("opening the database (see `database_url` in docs/configuration.md)")?;
        let secrets_key = secrets_key(&config)?;
        if config.secrets.key.is_none() && store.backend() == Backend::Postgres {
            tracing::warn!(
                "`secrets.key` is not set: this replica encrypts secrets with the key in its own \
                 data_dir, which other replicas do not have; set the same `secrets.key` on all"
            );
        }
        let listener = TcpListener::bind(config.listen).await.with_context(|| {
            format!(
                "cannot listen on {} (is another server using that port?)",
                config.listen
            )
        })?;
        let local = listener.local_addr().context("reading the bound address")?;
        let public_base_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", loopback(local)));
        let carriers = CarrierRegistry::start(&config, &public_base_url)
            .await
            .context("starting the carrier clients (see [carriers] in docs/telephony.md)")?;
        Ok(Self {
            listener,
            state: AppState::new(store, config, secrets_key, carriers, &public_base_url),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish for up to the
    /// configured grace period.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let grace = Duration::from_secs(self.state.config.http.shutdown_grace_seconds);
        let stopping = CancellationToken::new();
        let housekeeping = tokio::spawn(housekeeping(self.state.clone(), stopping.clone()));

        let app = router(self.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let signal = stopping.clone();
        // Media frames are small and timed: send each at once rather than wait on an ACK.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
        });
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!(
                "shutting down: no new connections; requests and calls in flight may finish"
            );
            signal.cancel();
        });
        let mut serve = std::pin::pin!(serve.into_future());
        let http_finished = tokio::select! {
            result = &mut serve => {
                result.context("the HTTP server failed")?;
                true
            }
            () = stopping.cancelled() => false,
        };
        stopping.cancel();
        // One deadline for both: requests in flight and live calls.
        let deadline = tokio::time::Instant::now() + grace;
        let http = async {
            if http_finished {
                return Ok(());
            }
            match tokio::time::timeout_at(deadline, &mut serve).await {
                Ok(result) => result.context("the HTTP server failed"),
                Err(_) => {
                    tracing::warn!(
                        grace_seconds = grace.as_secs(),
                        "requests still in flight at the shutdown deadline; stopping anyway"
                    );
                    Ok(())
                }
            }
        };
        let (http, ()) = tokio::join!(http, self.state.media.drain_until(deadline));
        http?;
        housekeeping.await.ok();
        self.state.store.close().await;
        Ok(())
    }
}

/// Periodic clean-up: expired sessions, idle rate-limit entries.
async fn housekeeping(state: AppState, stopping: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = stopping.cancelled() => return,
        }
        state.limiter.forget_idle();
        if let Err(err) = state.store.delete_expired_sessions(now_ms()).await {
            tracing::warn!(error = %err, "could not delete expired sessions");
        }
        if let Err(err) = state.store.delete_expired_stream_tokens(now_ms()).await {
            tracing::warn!(error = %err, "could not delete expired stream tokens");
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        // Without a handler, never "receive" Ctrl-C (rather than shutting down at start).
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// The address a local client reaches a listener on: a wildcard bind is reached on loopback.
fn loopback(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    }
}
