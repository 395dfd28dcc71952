//! The MCP endpoint driven by rmcp's own client: a coding agent phones its user through the
//! simulator carrier (or the Twilio fake), talks, hangs up, and the call is priced.

mod access;
mod call_me;
mod conversation;
mod support;
mod usage;

use access::*;
use call_me::*;
use conversation::*;
use usage::*;

switchboard_testkit::on_each_database!(
    an_mcp_client_phones_the_user_talks_it_through_and_the_call_is_priced,
    two_keys_call_their_users_at_once,
    a_silent_user_gives_no_answer_and_an_abandoned_call_hangs_itself_up,
    mcp_needs_a_key_and_never_shows_another_tenants_calls,
    the_transport_answers_what_it_does_not_speak_with_errors,
    a_call_me_number_is_verified_by_text_with_limited_tries,
    a_call_me_number_can_be_verified_by_a_call_reading_the_code,
    usage_is_summarised_by_user_agent_and_day_and_charged_once,
);
