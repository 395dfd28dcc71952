//! Telnyx: the v2 REST client ([`TelnyxClient`], a [`Carrier`](crate::carrier::Carrier) plus
//! the Call Control commands a live call needs) and its [`webhook`]s.
//!
//! Telnyx is not in the protocol digest. What is verified against Telnyx's developer docs
//! and SDK references: the dial body (`connection_id`, `to`, `from`, `webhook_url`,
//! base64 `client_state`, `timeout_secs`, `time_limit_secs`, `record`,
//! `answering_machine_detection`) and its `data.call_control_id`; the `actions/*` paths;
//! `streaming_start`'s `stream_track`, `stream_bidirectional_mode`,
//! `stream_bidirectional_codec`; number search filters and `region_information` /
//! `features`; number orders; `PATCH /phone_numbers/{id}` and `/{id}/messaging`; the
//! `{"errors":[{code,title,detail}]}` shape; opt-out code 40300; the webhook envelope and
//! payloads; the Ed25519 signature. Items marked \[I\] are inferred and handled leniently.

mod calls;
mod carrier;
mod client;
mod config;
mod errors;
mod messages;
mod numbers;
mod recordings;
pub mod webhook;

pub use client::TelnyxClient;
pub use config::TelnyxCredentials;
