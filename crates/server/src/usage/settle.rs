//! The charge of a finished call: priced once, recorded once, logged once.

use switchboard_core::pricing::Metered;
use switchboard_store::Call;

use crate::http::AppState;

/// Prices `call` (finished) and writes its usage record; the first finisher to get here
/// charges it and logs `call <id> ended: <n>s, charged <amount> to <user>`, later ones change
/// nothing.
pub async fn settle(state: &AppState, call: &Call) {
    if !call.status().is_terminal() {
        return;
    }
    let store = &state.store;
    let llm_tokens = match store.llm_tokens_of_call(&call.tenant_id, &call.id).await {
        Ok(tokens) => tokens,
        Err(error) => {
            tracing::error!(call_id = %call.id, %error, "could not count the call's LLM tokens");
            return;
        }
    };
    let charge = state.config.pricing.pricing().charge(&Metered {
        duration_ms: u64::try_from(call.duration_ms.unwrap_or(0)).unwrap_or(0),
        carried: call.carrier.is_some(),
        llm_tokens,
    });
    match store.record_usage(call, llm_tokens, &charge).await {
        Ok(Some(record)) => {
            let payer = call
                .user_id
                .clone()
                .unwrap_or_else(|| format!("tenant {}", call.tenant_id));
            tracing::info!(
                call_id = %call.id,
                usage_id = %record.id,
                billed_seconds = charge.billed_seconds,
                charge_micros = charge.total(),
                "call {} ended: {}s, charged {} to {}",
                call.id,
                charge.billed_seconds,
                format_amount(charge.total(), &state.config.pricing.currency),
                payer
            );
        }
        Ok(None) => {}
        Err(error) => {
            tracing::error!(call_id = %call.id, %error, "could not record the call's usage");
        }
    }
}

/// Micro-units as a decimal amount with its currency: `320000` USD is `0.320000 USD`.
pub fn format_amount(micros: u64, currency: &str) -> String {
    format!(
        "{}.{:06} {currency}",
        micros / 1_000_000,
        micros % 1_000_000
    )
}

#[cfg(test)]
mod tests {
    use super::format_amount;

    #[test]
    fn amounts_keep_every_micro_unit() {
        assert_eq!(format_amount(320_000, "USD"), "0.320000 USD");
        assert_eq!(format_amount(12_000_001, "EUR"), "12.000001 EUR");
        assert_eq!(format_amount(0, "USD"), "0.000000 USD");
    }
}
