use super::{CallRecordBatch, to_column};
use crate::{Store, StoreError, now_ms};

/// A transcript entry to write. `seq` is the key within the call: writing the same `seq`
/// again replaces the entry (an agent entry cut short by a barge-in).
#[derive(Debug, Clone)]
pub struct NewTranscriptEntry<'a> {
    pub seq: u32,
    /// `agent` or `caller`.
    pub speaker: &'a str,
    pub text: &'a str,
    /// Offsets from the start of the call's media stream.
    pub start_ms: u64,
    pub end_ms: u64,
    pub interrupted: bool,
}

/// A stored transcript entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TranscriptLine {
    pub seq: i64,
    pub speaker: String,
    pub text: String,
    pub start_ms: i64,
    pub end_ms: i64,
    interrupted: i64,
    pub written_at: i64,
}

impl TranscriptLine {
    pub fn interrupted(&self) -> bool {
        self.interrupted == 1
    }
}

impl CallRecordBatch {
    pub async fn upsert_transcript_entry(
        &mut self,
        entry: &NewTranscriptEntry<'_>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO call_transcript \
             (tenant_id, call_id, seq, speaker, text, start_ms, end_ms, interrupted, written_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (call_id, seq) DO UPDATE SET speaker = excluded.speaker, \
             text = excluded.text, start_ms = excluded.start_ms, end_ms = excluded.end_ms, \
             interrupted = excluded.interrupted, written_at = excluded.written_at \
             WHERE call_transcript.tenant_id = excluded.tenant_id",
        )
        .bind(&self.tenant_id)
        .bind(&self.call_id)
        .bind(i64::from(entry.seq))
        .bind(entry.speaker)
        .bind(entry.text)
        .bind(to_column("start_ms", entry.start_ms)?)
        .bind(to_column("end_ms", entry.end_ms)?)
        .bind(i64::from(entry.interrupted))
        .bind(now_ms())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The call's transcript in `seq` order.
    pub async fn call_transcript(
        &self,
        tenant_id: &str,
        call_id: &str,
    ) -> Result<Vec<TranscriptLine>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT seq, speaker, text, start_ms, end_ms, interrupted, written_at \
             FROM call_transcript WHERE tenant_id = $1 AND call_id = $2 ORDER BY seq",
        )
        .bind(tenant_id)
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
