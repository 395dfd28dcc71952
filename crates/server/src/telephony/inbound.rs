//! An inbound call to one of our numbers: answered by the number's agent, or politely
//! refused. A carrier retrying its webhook gets the same call, not a second one.

use switchboard_core::CallDirection;
use switchboard_store::{Call, NewCall, PhoneNumber, StoreError};

use super::TelephonyError;
use super::options::CallOptions;
use crate::http::AppState;

pub const NOT_TAKING_CALLS: &str = "Sorry, this number is not taking calls right now. Goodbye.";
pub const UNKNOWN_NUMBER: &str = "Sorry, this number is not in service. Goodbye.";
pub const BUSY: &str = "Sorry, all our lines are busy. Please call again later. Goodbye.";

pub enum Inbound {
    /// Answer and stream the call to its agent.
    Answer(Box<Call>),
    /// Say this and hang up.
    Refuse(&'static str),
}

pub async fn accept(
    state: &AppState,
    number: &PhoneNumber,
    from: &str,
    carrier_call_id: &str,
) -> Result<Inbound, TelephonyError> {
    match state
        .store
        .find_call_by_carrier_id(&number.carrier, carrier_call_id)
        .await
    {
        Ok(call) => return Ok(Inbound::Answer(Box::new(call))),
        Err(StoreError::NotFound) => {}
        Err(other) => return Err(other.into()),
    }
    let Some(agent_id) = number.inbound_agent_id.as_deref() else {
        return Ok(Inbound::Refuse(NOT_TAKING_CALLS));
    };
    let limit = state.config.telephony.max_concurrent_calls_per_tenant;
    if state.store.count_live_calls(&number.tenant_id).await? >= i64::from(limit) {
        return Ok(Inbound::Refuse(BUSY));
    }
    let created = state
        .store
        .create_call(
            &number.tenant_id,
            NewCall {
                agent_id: Some(agent_id),
                user_id: None,
                direction: CallDirection::Inbound,
                from_number: Some(from),
                to_number: Some(&number.phone_number),
                variables: "{}",
                metadata: "{}",
                carrier: Some(&number.carrier),
                carrier_call_id: Some(carrier_call_id),
                phone_number_id: Some(&number.id),
                options: &CallOptions::default().to_json(),
            },
        )
        .await;
    let call = match created {
        Ok(call) => call,
        // A retry of the same webhook got here first.
        Err(StoreError::Conflict { .. }) => {
            let call = state
                .store
                .find_call_by_carrier_id(&number.carrier, carrier_call_id)
                .await?;
            return Ok(Inbound::Answer(Box::new(call)));
        }
        Err(other) => return Err(other.into()),
    };
    state
        .store
        .mark_call_ringing(&number.tenant_id, &call.id)
        .await?;
    Ok(Inbound::Answer(Box::new(call)))
}
