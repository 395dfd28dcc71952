//! The command line. `switchboard` alone serves.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Overrides;

#[derive(Debug, Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Switchboard gives AI agents a phone line.",
    long_about = "Switchboard gives AI agents a phone line: one server for the REST API, carrier webhooks, \
                  media streams and MCP.\n\nWith no configuration it keeps its data in ./data (SQLite) and \
                  listens on http://127.0.0.1:8080. Settings come from switchboard.toml, .env and \
                  SWITCHBOARD_* environment variables; see docs/configuration.md.",
    after_help = "Start here: `switchboard serve`, then open http://127.0.0.1:8080/docs"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file [default: ./switchboard.toml if present; env: SWITCHBOARD_CONFIG]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Folder for local data such as the SQLite database [env: SWITCHBOARD_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST/DB [env: SWITCHBOARD_DATABASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default when no command is given).
    Serve(ServeArgs),
    /// Apply pending database migrations, then exit. `serve` does this too.
    Migrate,
    /// Manage tenants, users and API keys directly in the database.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Run fakes of every AI provider on local ports, for development without accounts;
    /// prints the configuration that points Switchboard at them.
    Fakes(FakesArgs),
    /// Run many simulated calls against a Switchboard and report what callers feel and what
    /// the server costs (docs/loadgen.md). Without --url it starts its own server and fakes.
    Loadgen(LoadgenArgs),
}

#[derive(Debug, Args)]
pub struct LoadgenArgs {
    /// Concurrent calls; a comma-separated list runs one point per value, e.g. 10,100,200.
    #[arg(long, value_delimiter = ',', default_value = "10")]
    pub calls: Vec<usize>,
    /// Seconds over which the calls start, evenly spread.
    #[arg(long, default_value_t = 10.0)]
    pub ramp_up_secs: f64,
    /// Seconds all calls are up together: the measured steady state.
    #[arg(long, default_value_t = 20.0)]
    pub duration_secs: f64,
    /// A running Switchboard (http://HOST:PORT) whose providers are fakes with the delays
    /// below (e.g. `switchboard fakes`). Without it, a server is started for each point
    /// (this binary, a fresh SQLite database, the fakes in this process).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// With --url: an API key (or session token) with write scope.
    #[arg(long, env = "SWITCHBOARD_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// With --url: the agent to call (default: one created for the run).
    #[arg(long, value_name = "AGENT_ID")]
    pub agent: Option<String>,
    /// With --url: the server's process id, to read its CPU and memory from /proc.
    #[arg(long)]
    pub server_pid: Option<u32>,
    #[command(flatten)]
    pub latencies: FakeLatencies,
    /// The silence after which the STT ends an utterance, as the server asks it to.
    #[arg(long, default_value_t = 300)]
    pub stt_endpointing_ms: u32,
    /// Write the report as JSON here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the results table as Markdown here.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write the plot (latency distribution; calls vs p50/p99) as SVG here.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Without --url: the database of the started server (default: a fresh SQLite file).
    /// A PostgreSQL database is reused from run to run; each run signs up its own tenant.
    #[arg(long, value_name = "URL")]
    pub server_database_url: Option<String>,
    /// Keep a started server's scratch folder (its log) even when no call failed.
    #[arg(long)]
    pub keep_server_log: bool,
}

#[derive(Debug, Args)]
pub struct FakesArgs {
    /// The fakes listen on the next six ports.
    #[arg(long, default_value_t = 9100)]
    pub base_port: u16,
    #[command(flatten)]
    pub latencies: FakeLatencies,
}

/// How slow the AI provider fakes are (`switchboard fakes`, and the loadgen's own fakes).
#[derive(Debug, Clone, Copy, Args)]
pub struct FakeLatencies {
    /// From the end of the caller's speech to the final transcript.
    #[arg(long, default_value_t = 150)]
    pub stt_final_ms: u64,
    /// From an LLM request to its first token.
    #[arg(long, default_value_t = 250)]
    pub llm_first_token_ms: u64,
    /// LLM tokens per second after the first.
    #[arg(long, default_value_t = 50)]
    pub llm_tokens_per_second: u32,
    /// From text to the first TTS audio.
    #[arg(long, default_value_t = 120)]
    pub tts_first_byte_ms: u64,
}

#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 0.0.0.0:8080 [env: SWITCHBOARD_LISTEN]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Run with everything simulated: AI provider fakes, the simulator carrier and a demo
    /// tenant whose API key is printed. No account anywhere needed.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create or list tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Create users.
    #[command(subcommand)]
    User(UserCommand),
    /// Create or revoke API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant and print its id.
    Create {
        #[arg(long)]
        name: String,
    },
    /// List every tenant.
    List,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user in a tenant. Without --password-stdin a password is generated and printed once.
    Create {
        /// The tenant's id (ten_...).
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// owner, admin or member.
        #[arg(long, default_value = "owner")]
        role: String,
        /// Make the user an operator (platform administrator).
        #[arg(long)]
        operator: bool,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key acting as the user with this email; the key is printed once.
    Create {
        /// The email of the user the key acts as.
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Comma-separated: read, write.
        #[arg(long, default_value = "read,write")]
        scopes: String,
    },
    /// Revoke an API key.
    Revoke {
        /// The key's id (key_...).
        id: String,
        /// The tenant the key belongs to (ten_...).
        #[arg(long)]
        tenant: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration (secrets redacted) and where each value came from.
    Check,
}

impl Cli {
    /// The flags that override configuration, for the loader.
    pub fn overrides(&self) -> Overrides {
        let listen = match &self.command {
            Some(Command::Serve(args)) => args.listen.clone(),
            _ => None,
        };
        Overrides {
            config_file: self.global.config.clone(),
            listen,
            data_dir: self.global.data_dir.clone(),
            database_url: self.global.database_url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_serve_and_flags_become_overrides() {
        let cli = Cli::parse_from(["switchboard", "--data-dir", "/tmp/sb"]);
        assert!(cli.command.is_none());
        assert_eq!(cli.overrides().data_dir, Some(PathBuf::from("/tmp/sb")));
        let cli = Cli::parse_from(["switchboard", "serve", "--listen", "0.0.0.0:9"]);
        assert_eq!(cli.overrides().listen.as_deref(), Some("0.0.0.0:9"));
    }
}
