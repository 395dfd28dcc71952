//! Reading the TwiML our server answers with, as Twilio would: a small XML parser and the
//! verbs the fake executes.

mod verbs;
mod xml;

pub(super) use verbs::{Dial, Document, StreamVerb, Verb};
