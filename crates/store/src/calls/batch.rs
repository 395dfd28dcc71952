use crate::{Store, StoreError};

/// Records of one call written in one transaction: nothing is visible until
/// [`commit`](Self::commit), and dropping the batch uncommitted writes nothing.
pub struct CallRecordBatch {
    pub(super) tx: sqlx::Transaction<'static, sqlx::Any>,
    pub(super) tenant_id: String,
    pub(super) call_id: String,
}

impl Store {
    /// Starts writing records of `call_id`, which must be a call of `tenant_id` (the database
    /// refuses records of an unknown or another tenant's call).
    pub async fn begin_call_records(
        &self,
        tenant_id: &str,
        call_id: &str,
    ) -> Result<CallRecordBatch, StoreError> {
        Ok(CallRecordBatch {
            tx: self.pool.begin().await?,
            tenant_id: tenant_id.to_owned(),
            call_id: call_id.to_owned(),
        })
    }
}

impl CallRecordBatch {
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}
