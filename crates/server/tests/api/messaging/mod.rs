//! Texts and carrier webhooks end to end: the server behind wire-faithful Twilio, Telnyx and
//! VoIP.ms fakes, configured the way an operator writes `[carriers.*]`.

mod auto_responses;
mod keywords;
mod long_texts;
mod support;
mod telnyx;
mod tenancy;
mod threads;
mod voipms;

use auto_responses::*;
use keywords::*;
use long_texts::*;
use telnyx::*;
use tenancy::*;
use threads::*;
use voipms::*;

switchboard_testkit::on_each_database!(
    texts_go_out_through_twilio_and_replies_fill_one_thread_per_pair,
    stop_start_and_help_are_answered_once_and_an_opt_out_blocks_sending,
    twilio_answers_the_keywords_itself_and_we_do_not_answer_them_again,
    a_long_text_goes_out_in_pieces_and_is_stored_as_one_message,
    a_number_answers_texts_with_its_template_or_its_agent,
    voipms_texts_arrive_once_and_only_with_the_numbers_secret,
    a_telnyx_call_to_our_number_is_answered_and_streamed_once_despite_duplicates,
    a_telnyx_call_we_place_dials_with_our_webhook_and_a_busy_line_ends_it_busy,
    telnyx_webhooks_with_a_bad_signature_are_refused_and_repeats_change_nothing,
    telnyx_texts_are_filed_once_and_only_when_signed,
    another_tenants_numbers_and_threads_are_not_found,
);
