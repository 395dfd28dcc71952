use switchboard_core::id::{IdKind, new_id};

use crate::{Page, PageRequest, Store, StoreError, now_ms};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageDirection {
    Inbound,
    Outbound,
}

impl MessageDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageDirection::Inbound => "inbound",
            MessageDirection::Outbound => "outbound",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: String,
    pub tenant_id: String,
    pub conversation_id: String,
    direction: String,
    pub from_number: String,
    pub to_number: String,
    pub body: String,
    /// `received` for inbound; `queued`, `sent`, `delivered` or `failed` for outbound.
    pub status: String,
    pub segments: i64,
    pub carrier: String,
    pub carrier_message_id: Option<String>,
    pub error: Option<String>,
    pub created_at: i64,
}

impl Message {
    pub fn direction(&self) -> MessageDirection {
        if self.direction == "inbound" {
            MessageDirection::Inbound
        } else {
            MessageDirection::Outbound
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub direction: MessageDirection,
    /// Our number: the sender of an outbound message, the recipient of an inbound one.
    pub our_number: &'a str,
    pub other_number: &'a str,
    pub body: &'a str,
    pub status: &'a str,
    pub segments: i64,
    pub carrier: &'a str,
    pub carrier_message_id: Option<&'a str>,
    pub error: Option<&'a str>,
}

macro_rules! columns {
    () => {
        "id, tenant_id, conversation_id, direction, from_number, to_number, body, status, \
         segments, carrier, carrier_message_id, error, created_at"
    };
}

impl Store {
    /// Files a message in its thread (created if new) and moves the thread to the top; an
    /// inbound message counts as unread.
    pub async fn record_message(
        &self,
        tenant_id: &str,
        message: NewMessage<'_>,
    ) -> Result<Message, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let thread = Self::conversation_for(
            &mut tx,
            tenant_id,
            message.our_number,
            message.other_number,
            now,
        )
        .await?;
        let (from, to) = match message.direction {
            MessageDirection::Inbound => (message.other_number, message.our_number),
            MessageDirection::Outbound => (message.our_number, message.other_number),
        };
        let stored: Message = sqlx::query_as(concat!(
            "INSERT INTO sms_messages (id, tenant_id, conversation_id, direction, from_number, \
             to_number, body, status, segments, carrier, carrier_message_id, error, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ",
            columns!()
        ))
        .bind(new_id(IdKind::Message))
        .bind(tenant_id)
        .bind(&thread.id)
        .bind(message.direction.as_str())
        .bind(from)
        .bind(to)
        .bind(message.body)
        .bind(message.status)
        .bind(message.segments)
        .bind(message.carrier)
        .bind(message.carrier_message_id)
        .bind(message.error)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let unread = i64::from(message.direction == MessageDirection::Inbound);
        sqlx::query(
            "UPDATE sms_conversations SET last_message_at = $3, last_message = $4, \
             unread_count = unread_count + $5 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant_id)
        .bind(&thread.id)
        .bind(now)
        .bind(message.body)
        .bind(unread)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// A thread's messages, oldest first.
    pub async fn list_messages(
        &self,
        tenant_id: &str,
        conversation_id: &str,
        page: &PageRequest,
    ) -> Result<Page<Message>, StoreError> {
        let rows = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM sms_messages WHERE tenant_id = $1 AND conversation_id = $2 AND id > $3 \
             ORDER BY id LIMIT $4"
        ))
        .bind(tenant_id)
        .bind(conversation_id)
        .bind(page.after_id())
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?;
        Ok(Page::from_rows(rows, page, |m: &Message| &m.id))
    }

    /// The last `count` messages between `ours` and `other`, oldest first.
    pub async fn recent_messages(
        &self,
        tenant_id: &str,
        ours: &str,
        other: &str,
        count: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let mut rows: Vec<Message> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM sms_messages WHERE tenant_id = $1 AND conversation_id = \
             (SELECT id FROM sms_conversations WHERE tenant_id = $1 AND our_number = $2 \
              AND other_number = $3) ORDER BY id DESC LIMIT $4"
        ))
        .bind(tenant_id)
        .bind(ours)
        .bind(other)
        .bind(i64::from(count))
        .fetch_all(&self.pool)
        .await?;
        rows.reverse();
        Ok(rows)
    }

    /// A carrier's delivery report for a message we sent; statuses only move forward from
    /// `queued`/`sent`, so a late `sent` does not overwrite `delivered`.
    pub async fn update_message_status(
        &self,
        carrier: &str,
        carrier_message_id: &str,
        status: &str,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sms_messages SET status = $3, error = COALESCE($4, error) \
             WHERE carrier = $1 AND carrier_message_id = $2 AND direction = 'outbound' \
             AND status NOT IN ('delivered', 'failed', 'undelivered')",
        )
        .bind(carrier)
        .bind(carrier_message_id)
        .bind(status)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
