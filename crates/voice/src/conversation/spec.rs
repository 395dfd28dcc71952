//! How one conversation behaves: the agent's words and the policies of turn-taking,
//! silence and duration. Built by the server from an agent (with its variables filled in).

use std::time::Duration;

use switchboard_providers::llm::ToolSpec;

use crate::agent::backchannel::BackchannelPolicy;

/// Everything about a conversation that is not a provider client.
#[derive(Debug, Clone)]
pub struct ConversationSpec {
    pub system_prompt: String,
    /// Said first, before the caller speaks; `None`: the agent waits for the caller.
    pub first_message: Option<String>,
    pub turn: TurnPolicy,
    pub silence: SilencePolicy,
    pub duration: DurationPolicy,
    /// Built-in tools the agent may call.
    pub builtins: Vec<BuiltinTool>,
    /// Tenant-defined tools (name, description, schema); executed by the conversation's
    /// [`ToolRunner`](super::ToolRunner).
    pub custom_tools: Vec<ToolSpec>,
    /// Said when a tool takes longer than [`TurnPolicy::tool_filler_after`].
    pub tool_filler: String,
    /// Said when every provider of a role failed, before the call ends.
    pub apology: String,
}

impl ConversationSpec {
    /// A spec with the given prompt and default policies.
    pub fn new(system_prompt: impl Into<String>) -> Self {
        ConversationSpec {
            system_prompt: system_prompt.into(),
            first_message: None,
            turn: TurnPolicy::default(),
            silence: SilencePolicy::default(),
            duration: DurationPolicy::default(),
            builtins: vec![BuiltinTool::EndCall],
            custom_tools: Vec::new(),
            tool_filler: "One moment, please.".into(),
            apology: "I'm sorry, I'm having technical trouble. Please call back in a little \
                      while. Goodbye."
                .into(),
        }
    }
}

/// When the caller's turn is over, and what counts as interrupting the agent.
#[derive(Debug, Clone)]
pub struct TurnPolicy {
    /// After our VAD hears the caller stop, how long to wait for more before answering when
    /// the speech-to-text has not already ended the utterance.
    pub endpointing: Duration,
    /// What may interrupt: backchannel phrases never do; `min_words` other words do.
    pub backchannels: BackchannelPolicy,
    /// Any non-backchannel word interrupts once the caller has spoken this long.
    pub interrupt_min_speech: Duration,
    /// After caller speech over the agent ends, how long to wait for its transcript before
    /// deciding it was a backchannel or noise and letting the agent carry on.
    pub resume_after: Duration,
    /// A tool still running after this long gets the spoken filler.
    pub tool_filler_after: Duration,
    /// DTMF digits are gathered until this long passes without another (or `#`).
    pub dtmf_gap: Duration,
}

impl Default for TurnPolicy {
    fn default() -> Self {
        TurnPolicy {
            endpointing: Duration::from_millis(500),
            backchannels: BackchannelPolicy::default(),
            interrupt_min_speech: Duration::from_millis(700),
            resume_after: Duration::from_millis(600),
            tool_filler_after: Duration::from_secs(1),
            dtmf_gap: Duration::from_millis(1500),
        }
    }
}

/// What happens when nobody speaks.
#[derive(Debug, Clone)]
pub struct SilencePolicy {
    pub reprompt_after: Duration,
    pub hangup_after: Duration,
    pub reprompt_message: String,
    pub goodbye_message: String,
}

impl Default for SilencePolicy {
    fn default() -> Self {
        SilencePolicy {
            reprompt_after: Duration::from_secs(8),
            hangup_after: Duration::from_secs(20),
            reprompt_message: "Are you still there?".into(),
            goodbye_message: "It seems we got disconnected. Goodbye!".into(),
        }
    }
}

/// How long a call may last.
#[derive(Debug, Clone)]
pub struct DurationPolicy {
    pub max: Duration,
    /// The warning is spoken this long before the end.
    pub warning_before: Duration,
    /// What `extend_call` may add, and how often.
    pub extension_step: Duration,
    pub max_extensions: u32,
    pub warning_message: String,
    pub end_message: String,
}

impl Default for DurationPolicy {
    fn default() -> Self {
        DurationPolicy {
            max: Duration::from_secs(1800),
            warning_before: Duration::from_secs(30),
            extension_step: Duration::from_secs(300),
            max_extensions: 0,
            warning_message: "Just so you know, we only have about half a minute left on \
                              this call."
                .into(),
            end_message: "We've reached the time limit for this call. Thank you, goodbye!".into(),
        }
    }
}

/// The tools every conversation can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinTool {
    /// Hang up after the current sentence.
    EndCall,
    /// Hand the caller to a phone number (carried out by the carrier).
    TransferCall,
    /// Ask for more time, within the duration policy.
    ExtendCall,
}

impl BuiltinTool {
    pub fn name(self) -> &'static str {
        match self {
            BuiltinTool::EndCall => "end_call",
            BuiltinTool::TransferCall => "transfer_call",
            BuiltinTool::ExtendCall => "extend_call",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [
            BuiltinTool::EndCall,
            BuiltinTool::TransferCall,
            BuiltinTool::ExtendCall,
        ]
        .into_iter()
        .find(|tool| tool.name() == name)
    }

    pub(crate) fn spec(self) -> ToolSpec {
        let (description, parameters) = match self {
            BuiltinTool::EndCall => (
                "End the phone call. Say goodbye first, in the same reply.",
                serde_json::json!({"type": "object", "properties": {
                    "reason": {"type": "string", "description": "Why the call ends"}
                }}),
            ),
            BuiltinTool::TransferCall => (
                "Transfer the caller to another phone number. Tell them first.",
                serde_json::json!({"type": "object", "properties": {
                    "to": {"type": "string", "description": "E.164 number, e.g. +14155550123"}
                }, "required": ["to"]}),
            ),
            BuiltinTool::ExtendCall => (
                "Ask for more time on this call when the caller wants to keep talking near \
                 the time limit.",
                serde_json::json!({"type": "object", "properties": {}}),
            ),
        };
        ToolSpec {
            name: self.name().to_owned(),
            description: description.to_owned(),
            parameters,
        }
    }
}
