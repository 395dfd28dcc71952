//! Domain types and rules of Switchboard. Nothing here does I/O.

pub mod agent;
pub mod call;
pub mod email;
pub mod id;
pub mod money;
pub mod phone;
pub mod pricing;
pub mod role;
pub mod scope;
pub mod sms;
pub mod validation;

pub use call::{CallDirection, CallOutcome, CallStatus};
pub use email::Email;
pub use phone::E164;
pub use role::Role;
pub use scope::{Scope, Scopes};
pub use validation::ValidationError;
