//! The Switchboard under load: one this command starts (with the provider fakes in-process),
//! or a running one it is pointed at.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use switchboard_testkit::fakes::suite::{FakeSuite, SuiteConfig};

use super::api::Api;
use crate::cli::LoadgenArgs;

/// How long a started server may take to answer `/readyz`.
const STARTUP: Duration = Duration::from_secs(60);

pub struct Target {
    pub api: Api,
    pub agent_id: String,
    /// The server's process, when it runs on this machine and its pid is known.
    pub pid: Option<u32>,
    spawned: Option<Spawned>,
}

/// A server this command started, its fakes and its scratch folder.
struct Spawned {
    child: Child,
    _suite: FakeSuite,
    dir: PathBuf,
}

impl Target {
    pub async fn prepare(args: &LoadgenArgs, suite: &SuiteConfig) -> anyhow::Result<Self> {
        match &args.url {
            Some(url) => Self::attach(args, url).await,
            None => Self::spawn(suite, args.server_database_url.as_deref()).await,
        }
    }

    async fn attach(args: &LoadgenArgs, url: &str) -> anyhow::Result<Self> {
        let key = args
            .api_key
            .clone()
            .context("--url needs --api-key (or SWITCHBOARD_KEY)")?;
        let api = Api::new(url, key);
        let agent_id = match &args.agent {
            Some(agent) => agent.clone(),
            None => api.create_agent().await?,
        };
        Ok(Target {
            api,
            agent_id,
            pid: args.server_pid,
            spawned: None,
        })
    }

    /// Starts this binary's `serve` on a free port with a fresh SQLite database in a scratch
    /// folder (or `database_url`), pointed at provider fakes running in this process.
    async fn spawn(suite: &SuiteConfig, database_url: Option<&str>) -> anyhow::Result<Self> {
        let fakes = FakeSuite::start(suite)
            .await
            .context("starting the fakes")?;
        let dir = std::env::temp_dir().join(format!("switchboard-loadgen-{}", ulid::Ulid::new()));
        std::fs::create_dir_all(&dir)?;
        let config = dir.join("switchboard.toml");
        std::fs::write(
            &config,
            format!("log = \"warn\"\n\n{}", fakes.config_toml()),
        )?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log = std::fs::File::create(dir.join("server.log"))?;
        let mut command = Command::new(std::env::current_exe()?);
        if let Some(url) = database_url {
            command.arg("--database-url").arg(url);
        }
        let child = command
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .context("starting the server")?;
        let mut spawned = Spawned {
            child,
            _suite: fakes,
            dir,
        };
        let base = format!("http://127.0.0.1:{port}");
        let waiting = Api::new(&base, String::new());
        let deadline = tokio::time::Instant::now() + STARTUP;
        while !waiting.ready().await {
            if let Some(status) = spawned.child.try_wait()? {
                bail!(
                    "the server exited ({status}); its log is in {}",
                    spawned.dir.display()
                );
            }
            if tokio::time::Instant::now() > deadline {
                bail!("the server did not become ready within {STARTUP:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let api = Api::new(&base, Api::sign_up(&base).await?);
        let agent_id = api.create_agent().await?;
        Ok(Target {
            api,
            agent_id,
            pid: Some(spawned.child.id()),
            spawned: Some(spawned),
        })
    }

    /// Stops a server this command started and removes its scratch folder (kept when
    /// `keep` is set, for its log).
    pub fn finish(self, keep: bool) {
        if let Some(mut spawned) = self.spawned {
            let _ = spawned.child.kill();
            let _ = spawned.child.wait();
            if keep {
                eprintln!("server log kept in {}", spawned.dir.display());
            } else {
                let _ = std::fs::remove_dir_all(&spawned.dir);
            }
        }
    }
}
