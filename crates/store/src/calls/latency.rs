use super::{CallRecordBatch, to_column};
use crate::{Store, StoreError, now_ms};

/// One agent turn's latency breakdown to write; `turn` is the key within the call. Each stage
/// is in ms after the end of the caller's speech was detected; `None` where the turn never
/// reached the stage or it does not apply.
#[derive(Debug, Clone, Default)]
pub struct NewTurnLatency {
    pub turn: u32,
    /// Offset of the detected end of the caller's speech from the start of the stream.
    pub speech_end_at_ms: Option<u64>,
    pub stt_final_ms: Option<u32>,
    pub llm_first_token_ms: Option<u32>,
    pub first_clause_ms: Option<u32>,
    pub tts_first_byte_ms: Option<u32>,
    pub first_audio_ms: Option<u32>,
}

/// A stored turn latency.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TurnLatencyRow {
    pub turn: i64,
    pub speech_end_at_ms: Option<i64>,
    pub stt_final_ms: Option<i64>,
    pub llm_first_token_ms: Option<i64>,
    pub first_clause_ms: Option<i64>,
    pub tts_first_byte_ms: Option<i64>,
    pub first_audio_ms: Option<i64>,
    pub written_at: i64,
}

impl CallRecordBatch {
    pub async fn upsert_turn_latency(
        &mut self,
        latency: &NewTurnLatency,
    ) -> Result<(), StoreError> {
        let speech_end_at_ms = latency
            .speech_end_at_ms
            .map(|ms| to_column("speech_end_at_ms", ms))
            .transpose()?;
        sqlx::query(
            "INSERT INTO call_turn_latency (tenant_id, call_id, turn, speech_end_at_ms, \
             stt_final_ms, llm_first_token_ms, first_clause_ms, tts_first_byte_ms, first_audio_ms, \
             written_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (call_id, turn) DO UPDATE SET speech_end_at_ms = excluded.speech_end_at_ms, \
             stt_final_ms = excluded.stt_final_ms, llm_first_token_ms = excluded.llm_first_token_ms, \
             first_clause_ms = excluded.first_clause_ms, tts_first_byte_ms = excluded.tts_first_byte_ms, \
             first_audio_ms = excluded.first_audio_ms, written_at = excluded.written_at \
             WHERE call_turn_latency.tenant_id = excluded.tenant_id",
        )
        .bind(&self.tenant_id)
        .bind(&self.call_id)
        .bind(i64::from(latency.turn))
        .bind(speech_end_at_ms)
        .bind(latency.stt_final_ms.map(i64::from))
        .bind(latency.llm_first_token_ms.map(i64::from))
        .bind(latency.first_clause_ms.map(i64::from))
        .bind(latency.tts_first_byte_ms.map(i64::from))
        .bind(latency.first_audio_ms.map(i64::from))
        .bind(now_ms())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The call's turn latencies in turn order.
    pub async fn call_turn_latencies(
        &self,
        tenant_id: &str,
        call_id: &str,
    ) -> Result<Vec<TurnLatencyRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT turn, speech_end_at_ms, stt_final_ms, llm_first_token_ms, first_clause_ms, \
             tts_first_byte_ms, first_audio_ms, written_at FROM call_turn_latency \
             WHERE tenant_id = $1 AND call_id = $2 ORDER BY turn",
        )
        .bind(tenant_id)
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
