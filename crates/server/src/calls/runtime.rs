//! An agent call's life on this server: when its media stream joins, the agent is loaded and
//! its conversation built; when the stream ends, the call is finished, metered and summarised.

use std::collections::BTreeMap;
use std::sync::Arc;

use switchboard_core::CallOutcome;
use switchboard_core::agent::AgentConfig;
use switchboard_providers::llm::ChatModel;
use switchboard_store::{Store, StoreError, now_ms};
use switchboard_voice::conversation::{ConversationBrain, PriceList, RealtimeBrain, ToolRunner};
use switchboard_voice::records::{CallRecord, RecordSink};
use switchboard_voice::{Brain, BrainSpec, EndReason, SessionReport};
use tokio::task::JoinHandle;

use super::conversation::{custom_tool_names, providers_for, spec_for};
use super::recorder::{RecorderSummary, spawn_recorder};
use super::remote::Control;
use super::summary;
use super::tools::TenantTools;
use crate::http::AppState;
use crate::telephony::charge_carrier_minutes;
use crate::telephony::options::CallOptions;

/// Why an agent call could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the call has no agent")]
    NoAgent,
    #[error("the call's variables are not a JSON object of strings")]
    BadVariables,
    #[error("the agent's prompt needs variables the call does not give: {0}")]
    MissingVariables(String),
    #[error(transparent)]
    Providers(#[from] crate::providers::RegistryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What must happen once an agent call's stream ends.
pub struct CallRuntime {
    tenant_id: String,
    call_id: String,
    /// `None` for an agent given inline with the call.
    agent_id: Option<String>,
    recorder: JoinHandle<RecorderSummary>,
    summary_llm: Arc<dyn ChatModel>,
    llm_name: String,
    prices: PriceList,
}

/// Loads the call's agent (with its user's overrides), fills in the call's variables and
/// builds its conversation. The call is marked in progress.
pub async fn start_agent_call(
    state: &AppState,
    tenant_id: &str,
    call_id: &str,
    control: Control,
) -> Result<(BrainSpec, CallRuntime), StartError> {
    let call = state.store.get_call(tenant_id, call_id).await?;
    let options = CallOptions::of(&call.options);
    let agent_id = call.agent_id.clone();
    let mut config = match (&agent_id, &call.user_id, options.inline_agent) {
        (_, _, Some(inline)) => inline,
        (Some(agent_id), Some(user_id), None) => {
            state
                .store
                .effective_agent_config(tenant_id, user_id, agent_id)
                .await?
        }
        (Some(agent_id), None, None) => state.store.get_agent(tenant_id, agent_id).await?.config,
        (None, _, None) => return Err(StartError::NoAgent),
    };
    if let Some(max) = options.max_duration_secs {
        config.max_duration_secs = max;
        config.duration_warning_secs = config.duration_warning_secs.min(max / 2);
    }
    let variables: BTreeMap<String, String> =
        serde_json::from_str(&call.variables).map_err(|_| StartError::BadVariables)?;
    let config = render(&config, &variables)?;
    let providers = providers_for(&state.providers, &config)?;
    let summary_llm = providers.llm.clone();
    let llm_name = providers.names.llm.clone();
    let prices = providers.prices.clone();
    let mut spec = spec_for(&config);
    let names = custom_tool_names(&config);
    let tools = if names.is_empty() {
        None
    } else {
        let tools = TenantTools::load(
            &state.store,
            &state.secrets_key,
            tenant_id,
            &names,
            state.tool_runner.clone(),
        )
        .await?;
        spec.custom_tools = tools.specs();
        Some(tools)
    };
    let (records, rx) = RecordSink::channel();
    let tools = tools.map(|tools| Arc::new(tools) as Arc<dyn ToolRunner>);
    let brain: Box<dyn Brain> = match (&config.speech_to_speech, control) {
        (Some(s2s), _) => {
            let client = state.providers.realtime(
                &s2s.provider,
                s2s.model.as_deref(),
                Some(&config.voice.voice_id),
            )?;
            let brain = RealtimeBrain::new(spec, client, prices.clone(), records);
            match tools {
                Some(tools) => Box::new(brain.with_tools(tools)),
                None => Box::new(brain),
            }
        }
        (None, Control::Agent) => {
            let brain = ConversationBrain::new(spec, providers, records);
            match tools {
                Some(tools) => Box::new(brain.with_tools(tools)),
                None => Box::new(brain),
            }
        }
        (None, Control::Remote) => {
            let (brain, handle) = ConversationBrain::remote(spec, providers, records);
            state.remote_calls.insert(tenant_id, call_id, handle);
            Box::new(brain)
        }
    };
    state
        .store
        .mark_call_started(tenant_id, call_id, now_ms())
        .await?;
    let recorder = spawn_recorder(
        state.store.clone(),
        tenant_id.to_owned(),
        call_id.to_owned(),
        rx,
    );
    let runtime = CallRuntime {
        tenant_id: tenant_id.to_owned(),
        call_id: call_id.to_owned(),
        agent_id,
        recorder,
        summary_llm,
        llm_name,
        prices,
    };
    Ok((BrainSpec::Custom(brain), runtime))
}

/// The agent config a call runs with: its variables filled in.
pub fn render(
    config: &AgentConfig,
    variables: &BTreeMap<String, String>,
) -> Result<AgentConfig, StartError> {
    config
        .render(variables)
        .map_err(|e| StartError::MissingVariables(e.missing.join(", ")))
}

impl CallRuntime {
    /// The stream is over: waits for the last records, summarises the call, then finishes
    /// it — its total cost is fixed there, once, including the summary's — and counts the
    /// agent's usage.
    pub async fn finish(mut self, state: &AppState, report: &SessionReport) {
        state.remote_calls.remove(&self.call_id);
        let store = &state.store;
        // The session has ended, so the brain and its record sink are gone: the recorder
        // drains what is queued and returns.
        let written = (&mut self.recorder).await.unwrap_or_default();
        self.summarise(store).await;
        let (outcome, reason) = outcome_of(&report.end_reason);
        let ended_at = now_ms();
        if let Ok(call) = store.get_call(&self.tenant_id, &self.call_id).await {
            let transferring = matches!(&report.end_reason,
                EndReason::HungUp { reason } if reason.starts_with("transfer to "));
            end_carrier_leg(state, &call, transferring).await;
            if let Err(error) = charge_carrier_minutes(state, &call, ended_at).await {
                tracing::warn!(call_id = %self.call_id, %error, "could not charge the carrier minutes");
            }
        }
        let call = match store
            .finish_call(&self.tenant_id, &self.call_id, outcome, &reason, ended_at)
            .await
        {
            Ok(call) => call,
            Err(error) => {
                tracing::error!(call_id = %self.call_id, %error, "could not finish the call");
                return;
            }
        };
        crate::usage::settle(state, &call).await;
        let seconds = call.duration_ms.unwrap_or(0).max(0) as u64 / 1000;
        if let Some(agent_id) = &self.agent_id
            && let Err(error) = store
                .record_agent_usage(
                    &self.tenant_id,
                    agent_id,
                    u32::try_from(seconds).unwrap_or(u32::MAX),
                )
                .await
        {
            tracing::warn!(call_id = %self.call_id, %error, "could not count the agent's usage");
        }
        tracing::debug!(
            call_id = %self.call_id,
            seconds,
            cost_micros = call.cost_micros.unwrap_or(0),
            records = written.written,
            "the call's records are written"
        );
    }

    async fn summarise(&self, store: &Store) {
        let llm = self.summary_llm.clone();
        match summary::summarise(store, &self.tenant_id, &self.call_id, llm).await {
            Ok(Some(usage)) => {
                let (records, rx) = RecordSink::channel();
                for cost in self.prices.costs(&self.llm_name, "llm", &usage) {
                    records.record(CallRecord::Cost(cost));
                }
                drop(records);
                let recorder = spawn_recorder(
                    store.clone(),
                    self.tenant_id.clone(),
                    self.call_id.clone(),
                    rx,
                );
                let _ = recorder.await;
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(call_id = %self.call_id, %error, "the call summary failed");
            }
        }
    }
}

/// When the agent ends a carrier call (it closes the stream), the carrier's leg is hung up
/// too, or moved on when the agent transferred it. On Twilio the `<Connect action>` that
/// follows the stream dials the transfer, so only other carriers are asked here.
async fn end_carrier_leg(state: &AppState, call: &switchboard_store::Call, transferring: bool) {
    let (Some(carrier), Some(carrier_call_id)) = (&call.carrier, &call.carrier_call_id) else {
        return;
    };
    let Ok(account) = state.carriers.get(carrier) else {
        return;
    };
    let target = if transferring {
        crate::telephony::transfer_target(state, call)
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let done = match target {
        Some(_) if account.speaks_twilio() => return,
        Some(to) => {
            let caller_id = call.from_number.clone().unwrap_or_default();
            account
                .client
                .transfer(carrier_call_id, to.as_str(), &caller_id)
                .await
        }
        None => account.client.hang_up(carrier_call_id).await,
    };
    if let Err(error) = done {
        tracing::warn!(call_id = %call.id, %error, "could not end or transfer the carrier leg");
    }
}

/// How a session's end maps onto the call's final state.
fn outcome_of(end: &EndReason) -> (CallOutcome, String) {
    match end {
        EndReason::HungUp { reason } => (CallOutcome::Completed, reason.clone()),
        EndReason::Stopped | EndReason::SocketClosed => {
            (CallOutcome::Completed, "caller hung up".into())
        }
        EndReason::Cancelled => (CallOutcome::Completed, "server shutting down".into()),
        other => (CallOutcome::Failed, format!("{other:?}")),
    }
}
