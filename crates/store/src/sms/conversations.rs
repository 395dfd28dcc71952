use switchboard_core::id::{IdKind, new_id};

use crate::{Page, PageRequest, Store, StoreError};

/// A thread between one of our numbers and another party, newest activity first.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Conversation {
    pub id: String,
    pub tenant_id: String,
    pub our_number: String,
    pub other_number: String,
    pub last_message_at: i64,
    pub last_message: String,
    /// Inbound messages since the thread was last read.
    pub unread_count: i64,
}

macro_rules! columns {
    () => {
        "id, tenant_id, our_number, other_number, last_message_at, last_message, unread_count"
    };
}

impl Store {
    /// The thread for the pair, created if there is none yet.
    pub(crate) async fn conversation_for(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        tenant_id: &str,
        our_number: &str,
        other_number: &str,
        now: i64,
    ) -> Result<Conversation, StoreError> {
        sqlx::query(
            "INSERT INTO sms_conversations (id, tenant_id, our_number, other_number, \
             last_message_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (tenant_id, our_number, other_number) DO NOTHING",
        )
        .bind(new_id(IdKind::Conversation))
        .bind(tenant_id)
        .bind(our_number)
        .bind(other_number)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM sms_conversations WHERE tenant_id = $1 AND our_number = $2 AND other_number = $3"
        ))
        .bind(tenant_id)
        .bind(our_number)
        .bind(other_number)
        .fetch_one(&mut **tx)
        .await?)
    }

    pub async fn get_conversation(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> Result<Conversation, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM sms_conversations WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant_id)
        .bind(id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The tenant's threads, the most recently active first. The cursor is the last id of the
    /// previous page; threads that moved since are not repeated within a walk.
    pub async fn list_conversations(
        &self,
        tenant_id: &str,
        page: &PageRequest,
    ) -> Result<Page<Conversation>, StoreError> {
        let rows = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM sms_conversations c WHERE tenant_id = $1 AND ($2 = '' OR \
             (last_message_at, id) < (SELECT last_message_at, id FROM sms_conversations \
                                      WHERE tenant_id = $1 AND id = $2)) \
             ORDER BY last_message_at DESC, id DESC LIMIT $3"
        ))
        .bind(tenant_id)
        .bind(page.after_id())
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?;
        Ok(Page::from_rows(rows, page, |c: &Conversation| &c.id))
    }

    /// Marks the thread read.
    pub async fn mark_conversation_read(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sms_conversations SET unread_count = 0 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant_id)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
