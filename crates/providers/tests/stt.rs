//! Speech-to-text clients against their wire-faithful fakes (crates/testkit/src/fakes/stt).
//! Everything sits in `mod stt` so `cargo test -p switchboard-providers stt` selects it.

mod stt {
    mod contract;
    mod deepgram_errors;
    mod deepgram_live;
    mod fallback;
    mod openai;
    mod prerecorded;
    mod segmented;
    mod support;
}
