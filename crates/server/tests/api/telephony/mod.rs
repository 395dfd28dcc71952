//! Telephony end to end with the Twilio fake: calls out and in, webhooks, numbers.

mod inbound;
mod machines;
mod numbers;
mod outbound;
pub mod support;
mod webhooks;

use inbound::*;
use machines::*;
use numbers::*;
use outbound::*;
use webhooks::*;

switchboard_testkit::on_each_database!(
    an_outbound_call_rings_talks_and_ends_with_its_transcript_and_costs,
    busy_and_unanswered_calls_end_with_that_status_and_cost_nothing,
    duplicated_and_reordered_callbacks_change_nothing,
    calls_are_refused_when_they_break_the_rules,
    a_live_call_can_be_hung_up_and_transferred,
    the_agent_transfers_a_call_to_a_human,
    an_inbound_call_is_answered_by_the_numbers_agent,
    a_number_without_an_agent_says_so_and_hangs_up,
    a_webhook_with_a_bad_signature_is_refused_and_stores_nothing,
    webhooks_work_behind_a_reverse_proxy_with_a_path_prefix,
    numbers_are_searched_provisioned_pointed_at_us_and_released,
    importing_a_number_the_account_does_not_hold_is_refused,
    a_recorded_call_serves_its_recording_through_the_api,
    answering_machines_get_the_calls_policy,
);
