//! What each CLI command does.

mod admin;
mod demo;
mod fakes;
mod loadgen;

use crate::cli::{Cli, Command, ConfigCommand};
use crate::config::{self, Config};
use crate::{Server, server, telemetry};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let loaded = config::load(&cli.overrides())?;
    match cli.command {
        Some(Command::Serve(args)) if args.demo => demo::serve(loaded.config).await,
        None | Some(Command::Serve(_)) => serve(loaded.config).await,
        Some(Command::Migrate) => {
            telemetry::init(&loaded.config.log, loaded.config.log_format)?;
            let store =
                switchboard_store::Store::open(&loaded.config.effective_database_url()).await?;
            println!("migrations applied ({} database)", store.backend().as_str());
            Ok(())
        }
        Some(Command::Admin(command)) => admin::run(&loaded.config, command).await,
        Some(Command::Fakes(args)) => fakes::run(args).await,
        Some(Command::Loadgen(args)) => loadgen::run(args).await,
        Some(Command::Config(ConfigCommand::Check)) => {
            print!("{}", config::render_report(&loaded));
            Ok(())
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    telemetry::init(&config.log, config.log_format)?;
    let server = Server::build(config).await?;
    tracing::info!(
        address = %server.local_addr(),
        database = server.state().store.backend().as_str(),
        version = env!("CARGO_PKG_VERSION"),
        "switchboard is listening; API docs at http://{}/docs",
        server.local_addr()
    );
    server.run_until(server::shutdown_signal()).await
}
