//! Agents (personas): how an AI agent sounds and behaves on a call. Pure data and rules; the
//! store keeps them and the voice engine runs them.

mod config;
mod naming;
mod overrides;
pub mod personas;
mod render;
pub mod template;
mod validate;

pub use config::{
    AgentConfig, BUILT_IN_TOOLS, DEFAULT_PROVIDER, ExtensionPolicy, LlmChoice, ModelChoice,
    SilencePolicy, TurnPolicy, VoiceChoice,
};
pub use naming::{MAX_AGENT_DESCRIPTION_CHARS, MAX_AGENT_NAME_CHARS, copy_name};
pub use overrides::AgentOverride;
pub use personas::{Persona, system_personas};
pub use template::{TemplateError, render, variables_in};
pub use validate::{MAX_CALL_SECS, MAX_SYSTEM_PROMPT_CHARS, is_tool_name};
