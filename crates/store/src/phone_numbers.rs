//! The numbers tenants hold at a carrier: which agent answers calls to them and how texts to
//! them are answered. A number belongs to one tenant at a time; releasing it deletes the row
//! (calls and messages keep the number as text).

use switchboard_core::id::{IdKind, new_id};

use crate::{Page, PageRequest, Store, StoreError, now_ms};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PhoneNumber {
    pub id: String,
    pub tenant_id: String,
    /// E.164.
    pub phone_number: String,
    /// The carrier account (its configured name) that holds the number.
    pub carrier: String,
    pub carrier_number_id: String,
    pub friendly_name: String,
    voice: i64,
    sms: i64,
    mms: i64,
    pub inbound_agent_id: Option<String>,
    sms_mode: String,
    pub sms_template: Option<String>,
    /// SHA-256 (hex) of the secret in this number's unsigned-webhook URLs.
    pub webhook_secret_hash: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// How texts to a number are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsMode {
    /// Stored, not answered.
    Off,
    /// Answered with the number's fixed template.
    Template,
    /// Answered by the number's agent, by text.
    Agent,
}

impl SmsMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SmsMode::Off => "off",
            SmsMode::Template => "template",
            SmsMode::Agent => "agent",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Off, Self::Template, Self::Agent]
            .into_iter()
            .find(|m| m.as_str() == raw)
    }
}

impl PhoneNumber {
    pub fn voice(&self) -> bool {
        self.voice != 0
    }
    pub fn sms(&self) -> bool {
        self.sms != 0
    }
    pub fn mms(&self) -> bool {
        self.mms != 0
    }
    pub fn sms_mode(&self) -> SmsMode {
        SmsMode::parse(&self.sms_mode).unwrap_or(SmsMode::Off)
    }
}

#[derive(Debug, Clone)]
pub struct NewPhoneNumber<'a> {
    pub phone_number: &'a str,
    pub carrier: &'a str,
    pub carrier_number_id: &'a str,
    pub friendly_name: &'a str,
    pub voice: bool,
    pub sms: bool,
    pub mms: bool,
    pub inbound_agent_id: Option<&'a str>,
    pub webhook_secret_hash: &'a str,
}

/// A partial update; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct PhoneNumberChanges {
    pub friendly_name: Option<String>,
    pub inbound_agent_id: Option<Option<String>>,
    pub sms_mode: Option<SmsMode>,
    pub sms_template: Option<Option<String>>,
}

macro_rules! columns {
    () => {
        "id, tenant_id, phone_number, carrier, carrier_number_id, friendly_name, voice, sms, mms, \
         inbound_agent_id, sms_mode, sms_template, webhook_secret_hash, created_at, updated_at"
    };
}

impl Store {
    /// Allocates the id a number will get, so its webhook URLs can name it before the carrier
    /// is asked to point them at us.
    pub fn new_phone_number_id() -> String {
        new_id(IdKind::PhoneNumber)
    }

    /// Stores a number under `id` (from [`Store::new_phone_number_id`]). A number another
    /// tenant (or this one) already holds is a conflict on `phone_numbers_phone_number`.
    pub async fn create_phone_number(
        &self,
        tenant_id: &str,
        id: &str,
        number: NewPhoneNumber<'_>,
    ) -> Result<PhoneNumber, StoreError> {
        let now = now_ms();
        Ok(sqlx::query_as(concat!(
            "INSERT INTO phone_numbers (id, tenant_id, phone_number, carrier, carrier_number_id, \
             friendly_name, voice, sms, mms, inbound_agent_id, webhook_secret_hash, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING ",
            columns!()
        ))
        .bind(id)
        .bind(tenant_id)
        .bind(number.phone_number)
        .bind(number.carrier)
        .bind(number.carrier_number_id)
        .bind(number.friendly_name)
        .bind(i64::from(number.voice))
        .bind(i64::from(number.sms))
        .bind(i64::from(number.mms))
        .bind(number.inbound_agent_id)
        .bind(number.webhook_secret_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn get_phone_number(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> Result<PhoneNumber, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM phone_numbers WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant_id)
        .bind(id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The tenant's number with this E.164 value.
    pub async fn get_phone_number_by_value(
        &self,
        tenant_id: &str,
        phone_number: &str,
    ) -> Result<PhoneNumber, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM phone_numbers WHERE tenant_id = $1 AND phone_number = $2"
        ))
        .bind(tenant_id)
        .bind(phone_number)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The entry point of a webhook whose URL names the number. Check the webhook's
    /// signature (or secret) before acting on it.
    pub async fn get_phone_number_for_webhook(&self, id: &str) -> Result<PhoneNumber, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM phone_numbers WHERE id = $1"
        ))
        .bind(id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The entry point of an inbound call or text: whoever holds `phone_number` at `carrier`.
    /// Carrier webhooks carry no tenant; this lookup finds it.
    pub async fn find_phone_number(
        &self,
        carrier: &str,
        phone_number: &str,
    ) -> Result<PhoneNumber, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM phone_numbers WHERE carrier = $1 AND phone_number = $2"
        ))
        .bind(carrier)
        .bind(phone_number)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn list_phone_numbers(
        &self,
        tenant_id: &str,
        page: &PageRequest,
    ) -> Result<Page<PhoneNumber>, StoreError> {
        let rows = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM phone_numbers WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(tenant_id)
        .bind(page.after_id())
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?;
        Ok(Page::from_rows(rows, page, |n: &PhoneNumber| &n.id))
    }

    pub async fn update_phone_number(
        &self,
        tenant_id: &str,
        id: &str,
        changes: &PhoneNumberChanges,
    ) -> Result<PhoneNumber, StoreError> {
        let current = self.get_phone_number(tenant_id, id).await?;
        let friendly_name = changes
            .friendly_name
            .clone()
            .unwrap_or(current.friendly_name.clone());
        let agent = changes
            .inbound_agent_id
            .clone()
            .unwrap_or(current.inbound_agent_id.clone());
        let mode = changes.sms_mode.unwrap_or(current.sms_mode());
        let template = changes
            .sms_template
            .clone()
            .unwrap_or(current.sms_template.clone());
        Ok(sqlx::query_as(concat!(
            "UPDATE phone_numbers SET friendly_name = $3, inbound_agent_id = $4, sms_mode = $5, \
             sms_template = $6, updated_at = $7 WHERE tenant_id = $1 AND id = $2 RETURNING ",
            columns!()
        ))
        .bind(tenant_id)
        .bind(id)
        .bind(friendly_name)
        .bind(agent)
        .bind(mode.as_str())
        .bind(template)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn delete_phone_number(&self, tenant_id: &str, id: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM phone_numbers WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
