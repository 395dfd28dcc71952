//! Counting inbound input the session tolerates, logging each kind once.
//!
//! A carrier that sends one bad frame usually sends thousands; a warning per frame would
//! drown the log, so the first of each kind is a warning and the rest are only counted.

use switchboard_telephony::ParseError;
use switchboard_telephony::media::{CarrierError, MAX_MESSAGE_BYTES};

use crate::report::Anomalies;

/// Distinct unknown event names kept for the report.
const MAX_UNKNOWN_NAMES: usize = 16;

#[derive(Debug, Default)]
pub(crate) struct AnomalyLog {
    pub(crate) counts: Anomalies,
}

impl AnomalyLog {
    pub(crate) fn oversized(&mut self, len: usize) {
        self.counts.oversized += 1;
        if self.counts.oversized == 1 {
            tracing::warn!(
                len,
                limit = MAX_MESSAGE_BYTES,
                "oversized carrier message ignored (logged once)"
            );
        }
    }

    pub(crate) fn malformed(&mut self, error: &ParseError) {
        self.counts.malformed += 1;
        if self.counts.malformed == 1 {
            tracing::warn!(%error, "malformed carrier message ignored (logged once)");
        }
    }

    pub(crate) fn binary(&mut self) {
        self.counts.binary += 1;
        if self.counts.binary == 1 {
            tracing::warn!("binary frame from the carrier ignored (logged once)");
        }
    }

    pub(crate) fn out_of_order(&mut self, what: &'static str) {
        self.counts.out_of_order += 1;
        if self.counts.out_of_order == 1 {
            tracing::warn!(what, "out-of-order carrier message ignored (logged once)");
        }
    }

    pub(crate) fn unknown_event(&mut self, event: String, first: bool) {
        self.counts.unknown_events += 1;
        if first && self.counts.unknown_event_names.len() < MAX_UNKNOWN_NAMES {
            tracing::info!(event, "unknown carrier event ignored");
            self.counts.unknown_event_names.push(event);
        }
    }

    pub(crate) fn carrier_error(&mut self, error: &CarrierError) {
        self.counts.carrier_errors += 1;
        if self.counts.carrier_errors <= 3 {
            tracing::warn!(
                code = error.code.as_deref(),
                title = error.title.as_deref(),
                detail = error.detail.as_deref(),
                "carrier reported a stream error"
            );
        }
    }
}
