//! Provider clients built from the operator's configuration (`[providers.*]`, `[voice]`).

mod registry;

pub use registry::{HasProvider, LlmPick, ProviderRegistry, RegistryError, SttPick, TtsPick};
