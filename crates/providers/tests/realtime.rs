//! The OpenAI Realtime client against its wire-faithful fake
//! (crates/testkit/src/fakes/realtime). Everything sits in `mod realtime` so
//! `cargo test -p switchboard-providers realtime` selects it.

mod realtime {
    mod barge_in;
    mod cancel;
    mod contract;
    mod errors;
    mod support;
    mod tools;
    mod turn;
}
