//! The LLM client, fallback chain and fake against each other over real HTTP on 127.0.0.1.

mod llm {
    pub mod support;

    mod cancel;
    mod contract;
    mod errors;
    mod fallback;
    mod quirks;
    mod reuse;
    mod stream;
    mod timeouts;
}
