//! `/v1/phone-numbers`: search a carrier, provision or import a number (its webhooks then
//! point here), set who answers it and how texts to it are answered, release it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_core::{E164, Role};
use switchboard_store::{PhoneNumber, PhoneNumberChanges, SmsMode};
use switchboard_telephony::carrier::{AvailableNumber, NumberSearch};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::List;
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, Paging};
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};
use crate::telephony::numbers::{self, Acquire, NewNumber};

const MAX_TEMPLATE_CHARS: usize = 1_600;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_numbers))
        .routes(routes!(add_number, list_numbers))
        .routes(routes!(get_number, update_number, release_number))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchNumbers {
    /// The carrier account to search (default: the server's default carrier).
    carrier: Option<String>,
    /// ISO country code, e.g. `US`.
    #[serde(default = "default_country")]
    country: String,
    area_code: Option<String>,
    /// Digits the number must contain.
    contains: Option<String>,
    /// Required capabilities: any of `voice`, `sms`, `mms`.
    #[serde(default)]
    capabilities: Vec<Capability>,
    /// At most this many results (1-50, default 20).
    limit: Option<u32>,
}

fn default_country() -> String {
    "US".into()
}

#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Capability {
    Voice,
    Sms,
    Mms,
}

#[derive(Serialize, ToSchema)]
pub struct AvailableNumberView {
    phone_number: String,
    region: Option<String>,
    locality: Option<String>,
    capabilities: CapabilitiesView,
}

#[derive(Serialize, ToSchema)]
pub struct CapabilitiesView {
    voice: bool,
    sms: bool,
    mms: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    data: Vec<AvailableNumberView>,
}

/// Numbers a carrier has available.
#[utoipa::path(post, path = "/v1/phone-numbers/search", tag = "phone-numbers", security(("bearer" = [])), request_body = SearchNumbers,
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody), (status = 502, body = ErrorBody)))]
async fn search_numbers(
    State(state): State<AppState>,
    _principal: Principal,
    ApiJson(body): ApiJson<SearchNumbers>,
) -> ApiResult<Json<SearchResults>> {
    let country = body.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(ApiError::bad_field(
            "country",
            "a two-letter ISO country code such as US",
        ));
    }
    let digits =
        |field: &'static str, value: Option<String>, max: usize| -> ApiResult<Option<String>> {
            match value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
                Some(v) if v.len() <= max && v.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(v)),
                Some(_) => Err(ApiError::bad_field(field, format!("up to {max} digits"))),
                None => Ok(None),
            }
        };
    let limit = body.limit.unwrap_or(20);
    if !(1..=50).contains(&limit) {
        return Err(ApiError::bad_field("limit", "between 1 and 50"));
    }
    let search = NumberSearch {
        country,
        area_code: digits("area_code", body.area_code, 5)?,
        contains: digits("contains", body.contains, 10)?,
        voice: body.capabilities.contains(&Capability::Voice),
        sms: body.capabilities.contains(&Capability::Sms),
        mms: body.capabilities.contains(&Capability::Mms),
        limit,
    };
    let found = numbers::search(&state, body.carrier.as_deref(), search).await?;
    Ok(Json(SearchResults {
        data: found.into_iter().map(available_view).collect(),
    }))
}

fn available_view(n: AvailableNumber) -> AvailableNumberView {
    AvailableNumberView {
        phone_number: n.phone_number,
        region: n.region,
        locality: n.locality,
        capabilities: CapabilitiesView {
            voice: n.capabilities.voice,
            sms: n.capabilities.sms,
            mms: n.capabilities.mms,
        },
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddNumber {
    /// E.164, e.g. `+15551234567`.
    phone_number: String,
    /// The carrier account (default: the server's default carrier).
    carrier: Option<String>,
    /// `provision` (buy it now, the default) or `import` (the carrier account already has it).
    #[serde(default)]
    mode: AddMode,
    #[serde(default)]
    friendly_name: String,
    /// The agent that answers calls to this number.
    inbound_agent_id: Option<String>,
}

#[derive(Deserialize, ToSchema, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum AddMode {
    #[default]
    Provision,
    Import,
}

#[derive(Serialize, ToSchema)]
pub struct PhoneNumberView {
    id: String,
    phone_number: String,
    carrier: String,
    friendly_name: String,
    capabilities: CapabilitiesView,
    inbound_agent_id: Option<String>,
    sms_auto_response: SmsAutoResponseView,
    created_at: i64,
    updated_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SmsAutoResponseView {
    /// `off`, `template` (a fixed reply) or `agent` (the inbound agent answers by text).
    mode: &'static str,
    template: Option<String>,
}

fn view(n: PhoneNumber) -> PhoneNumberView {
    PhoneNumberView {
        capabilities: CapabilitiesView {
            voice: n.voice(),
            sms: n.sms(),
            mms: n.mms(),
        },
        sms_auto_response: SmsAutoResponseView {
            mode: n.sms_mode().as_str(),
            template: n.sms_template.clone(),
        },
        id: n.id,
        phone_number: n.phone_number,
        carrier: n.carrier,
        friendly_name: n.friendly_name,
        inbound_agent_id: n.inbound_agent_id,
        created_at: n.created_at,
        updated_at: n.updated_at,
    }
}

/// Provisions (buys) or imports a number; its voice and SMS webhooks are set to this server.
#[utoipa::path(post, path = "/v1/phone-numbers", tag = "phone-numbers", security(("bearer" = [])), request_body = AddNumber,
    responses((status = 201, body = PhoneNumberView), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
async fn add_number(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<AddNumber>,
) -> ApiResult<(StatusCode, Json<PhoneNumberView>)> {
    principal.require_role(Role::Admin)?;
    let phone_number = E164::parse(&body.phone_number)
        .map_err(|e| ApiError::bad_field("phone_number", e.to_string()))?;
    if let Some(agent_id) = &body.inbound_agent_id {
        check_agent(&state, &principal, agent_id).await?;
    }
    let number = numbers::acquire(
        &state,
        NewNumber {
            tenant_id: principal.tenant_id(),
            phone_number,
            carrier: body.carrier.as_deref(),
            acquire: match body.mode {
                AddMode::Provision => Acquire::Provision,
                AddMode::Import => Acquire::Import,
            },
            friendly_name: body.friendly_name.trim(),
            inbound_agent_id: body.inbound_agent_id.as_deref(),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view(number))))
}

/// Your tenant's numbers.
#[utoipa::path(get, path = "/v1/phone-numbers", tag = "phone-numbers", security(("bearer" = [])), params(crate::http::extract::PageQuery),
    responses((status = 200, body = List<PhoneNumberView>)))]
async fn list_numbers(
    State(state): State<AppState>,
    principal: Principal,
    Paging(page): Paging,
) -> ApiResult<Json<List<PhoneNumberView>>> {
    let numbers = state
        .store
        .list_phone_numbers(principal.tenant_id(), &page)
        .await?;
    Ok(Json(List::from_page(numbers, view)))
}

#[utoipa::path(get, path = "/v1/phone-numbers/{id}", tag = "phone-numbers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Number id")),
    responses((status = 200, body = PhoneNumberView), (status = 404, body = ErrorBody)))]
async fn get_number(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<PhoneNumberView>> {
    Ok(Json(view(
        state
            .store
            .get_phone_number(principal.tenant_id(), &id)
            .await?,
    )))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateNumber {
    friendly_name: Option<String>,
    /// The agent that answers calls (and, in `agent` mode, texts); `null` to stop answering.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    inbound_agent_id: Option<Option<String>>,
    sms_auto_response: Option<SmsAutoResponse>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmsAutoResponse {
    /// `off`, `template` or `agent`.
    mode: String,
    /// The reply in `template` mode.
    template: Option<String>,
}

/// Tells a field set to `null` from a field left out.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

/// Changes who answers the number and how texts to it are answered.
#[utoipa::path(patch, path = "/v1/phone-numbers/{id}", tag = "phone-numbers", security(("bearer" = [])), request_body = UpdateNumber,
    params(("id" = String, Path, description = "Number id")),
    responses((status = 200, body = PhoneNumberView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_number(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateNumber>,
) -> ApiResult<Json<PhoneNumberView>> {
    principal.require_role(Role::Admin)?;
    let tenant_id = principal.tenant_id();
    let current = state.store.get_phone_number(tenant_id, &id).await?;
    if let Some(Some(agent_id)) = &body.inbound_agent_id {
        check_agent(&state, &principal, agent_id).await?;
    }
    let mut changes = PhoneNumberChanges {
        friendly_name: body.friendly_name.map(|n| n.trim().to_owned()),
        inbound_agent_id: body.inbound_agent_id,
        ..PhoneNumberChanges::default()
    };
    if let Some(auto) = body.sms_auto_response {
        let mode = SmsMode::parse(&auto.mode).ok_or_else(|| {
            ApiError::bad_field("sms_auto_response.mode", "one of off, template, agent")
        })?;
        let template = auto
            .template
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        if template
            .as_ref()
            .is_some_and(|t| t.chars().count() > MAX_TEMPLATE_CHARS)
        {
            return Err(ApiError::bad_field(
                "sms_auto_response.template",
                format!("at most {MAX_TEMPLATE_CHARS} characters"),
            ));
        }
        if mode == SmsMode::Template && template.is_none() && current.sms_template.is_none() {
            return Err(ApiError::bad_field(
                "sms_auto_response.template",
                "the reply to send: template mode needs one",
            ));
        }
        let agent = changes
            .inbound_agent_id
            .clone()
            .unwrap_or(current.inbound_agent_id.clone());
        if mode == SmsMode::Agent && agent.is_none() {
            return Err(ApiError::bad_field(
                "sms_auto_response.mode",
                "agent mode needs the number's inbound_agent_id",
            ));
        }
        changes.sms_mode = Some(mode);
        if template.is_some() {
            changes.sms_template = Some(template);
        }
    }
    let number = state
        .store
        .update_phone_number(tenant_id, &id, &changes)
        .await?;
    Ok(Json(view(number)))
}

/// Releases the number at its carrier and forgets it. Its calls and messages stay.
#[utoipa::path(delete, path = "/v1/phone-numbers/{id}", tag = "phone-numbers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Number id")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody)))]
async fn release_number(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    principal.require_role(Role::Admin)?;
    let number = state
        .store
        .get_phone_number(principal.tenant_id(), &id)
        .await?;
    numbers::release(&state, &number).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The agent must be one the tenant can use (its own or a persona).
async fn check_agent(state: &AppState, principal: &Principal, agent_id: &str) -> ApiResult<()> {
    match state.store.get_agent(principal.tenant_id(), agent_id).await {
        Ok(_) => Ok(()),
        Err(switchboard_store::StoreError::NotFound) => Err(ApiError::bad_field(
            "inbound_agent_id",
            format!("no agent {agent_id} in your tenant"),
        )),
        Err(other) => Err(other.into()),
    }
}
