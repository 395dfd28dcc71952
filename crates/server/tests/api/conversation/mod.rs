//! The conversation engine end to end: the simulated caller talks to an agent through the
//! real media endpoint, with wire-faithful provider fakes behind the server.

mod five_turns;
mod support;

use five_turns::*;

switchboard_testkit::on_each_database!(
    a_caller_holds_five_turns_with_a_persona_and_everything_is_recorded,
);
