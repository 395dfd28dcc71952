//! Provider clients built from the operator's configuration (`[providers.*]`, `[voice]`).

mod registry;

pub use registry::{LlmPick, ProviderRegistry, RegistryError, SttPick, TtsPick};
