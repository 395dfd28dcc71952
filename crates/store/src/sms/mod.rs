//! Text messages: one thread per (our number, the other party), its messages, and who has
//! opted out of texts from which of our numbers.

mod conversations;
mod messages;
mod opt_outs;

pub use conversations::Conversation;
pub use messages::{Message, MessageDirection, NewMessage};
