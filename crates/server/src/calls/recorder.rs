//! Drains a call's record channel into the store as the call goes, so a crash loses at most
//! what was still queued. Whatever is queued when the writer wakes is written in one
//! transaction; a failed write is retried briefly, then its records are tried one by one so a
//! single bad record cannot take its neighbours down with it.

use std::num::NonZeroU64;
use std::time::Duration;

use switchboard_store::{
    CallRecordBatch, NewCallEvent, NewCostEvent, NewTranscriptEntry, NewTurnLatency, Store,
    StoreError,
};
use switchboard_voice::records::CallRecord;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The most records written in one transaction.
const MAX_BATCH: usize = 32;
/// Pauses before the second and third attempts of a failed write.
const RETRY_DELAYS: [Duration; 2] = [Duration::from_millis(50), Duration::from_millis(200)];

/// What the recorder did, returned when the channel closes (the engine dropped its sink).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecorderSummary {
    /// Records committed to the store.
    pub written: u64,
    /// The sum of the committed cost records, in micros.
    pub cost_micros: u64,
    /// Records given up on (logged with the call's ids).
    pub failed: u64,
}

/// Writes `call_id`'s records as they arrive until the channel closes. Finish the call (and
/// charge it) after this task returns, so the last costs are in the total.
pub fn spawn_recorder(
    store: Store,
    tenant_id: String,
    call_id: String,
    mut rx: mpsc::Receiver<CallRecord>,
) -> JoinHandle<RecorderSummary> {
    tokio::spawn(async move {
        let recorder = Recorder {
            store,
            tenant_id,
            call_id,
        };
        let mut summary = RecorderSummary::default();
        let mut queued = Vec::with_capacity(MAX_BATCH);
        while rx.recv_many(&mut queued, MAX_BATCH).await > 0 {
            recorder.write(&queued, &mut summary).await;
            queued.clear();
        }
        if summary.failed > 0 {
            tracing::warn!(
                tenant_id = %recorder.tenant_id,
                call_id = %recorder.call_id,
                failed = summary.failed,
                written = summary.written,
                "some of the call's records could not be stored"
            );
        }
        summary
    })
}

impl RecorderSummary {
    fn add_written(&mut self, records: usize, cost_micros: u64) {
        self.written += records as u64;
        self.cost_micros = self.cost_micros.saturating_add(cost_micros);
    }
}

struct Recorder {
    store: Store,
    tenant_id: String,
    call_id: String,
}

/// Why a write failed, and whether trying again could help.
enum WriteError {
    /// The record itself cannot be stored; retrying cannot help.
    Invalid(String),
    Store(StoreError),
}

impl WriteError {
    fn is_retryable(&self) -> bool {
        matches!(self, WriteError::Store(StoreError::Database(_)))
    }

    fn describe(&self) -> String {
        match self {
            WriteError::Invalid(reason) => reason.clone(),
            WriteError::Store(err) => err.without_data(),
        }
    }
}

impl From<StoreError> for WriteError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::OutOfRange { .. } => WriteError::Invalid(err.to_string()),
            other => WriteError::Store(other),
        }
    }
}

impl Recorder {
    async fn write(&self, records: &[CallRecord], summary: &mut RecorderSummary) {
        match self.write_with_retries(records).await {
            Ok(cost_micros) => summary.add_written(records.len(), cost_micros),
            Err(err) if records.len() == 1 => self.give_up(&records[0], &err, summary),
            Err(_) => {
                for record in records {
                    match self.write_with_retries(std::slice::from_ref(record)).await {
                        Ok(cost_micros) => summary.add_written(1, cost_micros),
                        Err(err) => self.give_up(record, &err, summary),
                    }
                }
            }
        }
    }

    fn give_up(&self, record: &CallRecord, err: &WriteError, summary: &mut RecorderSummary) {
        summary.failed += 1;
        tracing::error!(
            tenant_id = %self.tenant_id,
            call_id = %self.call_id,
            record = kind(record),
            error = %err.describe(),
            "a call record could not be stored"
        );
    }

    async fn write_with_retries(&self, records: &[CallRecord]) -> Result<u64, WriteError> {
        let mut delays = RETRY_DELAYS.iter();
        loop {
            match self.write_once(records).await {
                Ok(cost_micros) => return Ok(cost_micros),
                Err(err) if err.is_retryable() => match delays.next() {
                    Some(delay) => tokio::time::sleep(*delay).await,
                    None => return Err(err),
                },
                Err(err) => return Err(err),
            }
        }
    }

    /// Writes the records in one transaction; returns the cost they add.
    async fn write_once(&self, records: &[CallRecord]) -> Result<u64, WriteError> {
        let mut batch = self
            .store
            .begin_call_records(&self.tenant_id, &self.call_id)
            .await?;
        let mut cost_micros = 0u64;
        for record in records {
            cost_micros = cost_micros.saturating_add(add(&mut batch, record).await?);
        }
        batch.commit().await?;
        Ok(cost_micros)
    }
}

/// Adds one record to the batch; returns its cost (0 for all but cost records).
async fn add(batch: &mut CallRecordBatch, record: &CallRecord) -> Result<u64, WriteError> {
    match record {
        CallRecord::Transcript(entry) => {
            batch
                .upsert_transcript_entry(&NewTranscriptEntry {
                    seq: entry.seq,
                    speaker: entry.speaker.as_str(),
                    text: &entry.text,
                    start_ms: entry.start_ms,
                    end_ms: entry.end_ms,
                    interrupted: entry.interrupted,
                })
                .await?;
            Ok(0)
        }
        CallRecord::Latency(latency) => {
            batch
                .upsert_turn_latency(&NewTurnLatency {
                    turn: latency.turn,
                    speech_end_at_ms: latency.speech_end_at_ms,
                    stt_final_ms: latency.stt_final_ms,
                    llm_first_token_ms: latency.llm_first_token_ms,
                    first_clause_ms: latency.first_clause_ms,
                    tts_first_byte_ms: latency.tts_first_byte_ms,
                    first_audio_ms: latency.first_audio_ms,
                })
                .await?;
            Ok(0)
        }
        CallRecord::Cost(cost) => {
            let per_units = NonZeroU64::new(cost.per_units).ok_or_else(|| {
                WriteError::Invalid("a cost record priced per 0 units".to_owned())
            })?;
            Ok(batch
                .add_cost_event(&NewCostEvent {
                    provider: &cost.provider,
                    role: cost.role,
                    unit: cost.unit.as_str(),
                    units: cost.units,
                    unit_price_micros: cost.unit_price_micros,
                    per_units,
                })
                .await?)
        }
        CallRecord::Event(event) => {
            batch
                .add_call_event(&NewCallEvent {
                    at_ms: event.at_ms,
                    kind: event.kind,
                    data: &event.data,
                })
                .await?;
            Ok(0)
        }
    }
}

/// What a record is, for logs that must not carry its contents.
fn kind(record: &CallRecord) -> &'static str {
    match record {
        CallRecord::Transcript(_) => "transcript",
        CallRecord::Latency(_) => "latency",
        CallRecord::Cost(_) => "cost",
        CallRecord::Event(_) => "event",
    }
}
