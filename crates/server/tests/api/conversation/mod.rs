//! The conversation engine end to end: the simulated caller talks to an agent through the
//! real media endpoint, with wire-faithful provider fakes behind the server.

mod failures;
mod five_turns;
mod interruptions;
mod limits;
mod remote;
mod speech_to_speech;
pub mod support;
mod tools;

use failures::*;
use five_turns::*;
use interruptions::*;
use limits::*;
use remote::*;
use speech_to_speech::*;
use tools::*;

switchboard_testkit::on_each_database!(
    a_caller_holds_five_turns_with_a_persona_and_everything_is_recorded,
    an_interruption_cuts_the_agent_off_and_keeps_what_was_heard,
    a_backchannel_does_not_interrupt_the_agent,
    noise_over_the_agent_is_a_false_interruption_and_it_plays_on,
    a_silent_caller_is_reprompted_then_the_agent_says_goodbye_and_hangs_up,
    the_time_limit_is_announced_then_the_call_ends,
    the_agent_can_extend_the_call_when_its_policy_allows,
    a_failing_llm_falls_back_mid_call_and_the_call_goes_on,
    the_transcript_survives_the_server_dying_mid_call,
    a_slow_tool_gets_a_filler_then_the_answer,
    a_remote_controlled_call_says_asks_and_hangs_up,
    a_speech_to_speech_agent_answers_and_is_recorded,
);
