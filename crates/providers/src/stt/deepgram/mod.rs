//! Deepgram speech-to-text: the live WebSocket (`/v1/listen`) and the prerecorded POST.

mod config;
mod errors;
mod live;
mod prerecorded;
mod wire;

pub use config::{AuthScheme, DeepgramConfig};
pub use live::DeepgramLive;
pub use prerecorded::{DeepgramPrerecorded, PrerecordedOptions};
