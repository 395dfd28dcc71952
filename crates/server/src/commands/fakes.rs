//! `switchboard fakes`: every provider fake on fixed local ports until Ctrl-C.

use std::time::Duration;

use anyhow::Context;
use switchboard_testkit::fakes::suite::{FakeSuite, SuiteConfig};

use crate::cli::FakesArgs;
use crate::server;

pub async fn run(args: FakesArgs) -> anyhow::Result<()> {
    let config = SuiteConfig {
        base_port: args.base_port,
        stt_final: Duration::from_millis(args.latencies.stt_final_ms),
        llm_first_token: Duration::from_millis(args.latencies.llm_first_token_ms),
        llm_tokens_per_second: args.latencies.llm_tokens_per_second,
        tts_first_byte: Duration::from_millis(args.latencies.tts_first_byte_ms),
        ..SuiteConfig::default()
    };
    let suite = FakeSuite::start(&config).await.with_context(|| {
        format!(
            "starting the fakes on ports {}-{} (is another copy running? try --base-port)",
            args.base_port + 1,
            args.base_port + 6
        )
    })?;
    println!(
        "# Provider fakes are running. Put this in switchboard.toml (or see docs/providers.md):\n"
    );
    println!("{}", suite.config_toml());
    println!("# Ctrl-C stops them.");
    server::shutdown_signal().await;
    Ok(())
}
