//! Metering: each finished call is priced by the operator's `[pricing]` and charged once.

mod settle;

pub use settle::{format_amount, settle};
