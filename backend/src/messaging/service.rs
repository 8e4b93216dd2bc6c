//! Messaging use cases: a company's channels (provider, settings, sealed credentials), the
//! SMS templates mapped to ladder steps, and the deliveries' log. Channels and templates are
//! the ladder's configuration (permission MANAGE_DUNNING); the log is collection work (VIEW_
//! COLLECTIONS, a collector's own customers only). Every change is audited, never with a secret.

use super::send::{self, credentials_purpose};
use super::store::{self, ChannelRow, DeliveryFilter, DeliveryRow, NewChannel, SmsTemplateRow};
use crate::api::pagination::{Page, PageRequest};
use crate::audit::{self, AuditEntry};
use crate::auth::{Caller, assigned_only};
use crate::db::TenantTx;
use crate::db::conditions::Conditions;
use crate::error::AppError;
use crate::startup::AppLinks;
use base64::Engine as _;
use domain::access::Permission;
use domain::messages::Text;
use domain::messaging::{
    self as rules, MessageChannelKind, MessageDeliveryStatus, MessageProvider, TemplateParam,
};
use domain::reason::{Entity, Reason};
use domain::{Locale, TenantId};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// The caller may configure messaging in a company it may change.
fn writer(caller: &Caller) -> Result<TenantId, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    if caller.read_only_tenant() == Some(tenant) {
        return Err(AppError::read_only());
    }
    Ok(tenant)
}

fn problem((field, reason): rules::FieldProblem) -> AppError {
    AppError::input(format!("input.{field}"), reason)
}

/// The company's channels.
pub async fn channels(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<ChannelRow>, AppError> {
    caller.authorize(Permission::ManageDunning)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let rows = store::channels(&*tx).await?;
    tx.commit().await?;
    Ok(rows)
}

pub struct SaveChannel {
    pub kind: MessageChannelKind,
    pub provider: MessageProvider,
    pub settings: serde_json::Value,
    /// `None` keeps the credentials the channel has, if it has the same provider.
    pub credentials: Option<serde_json::Value>,
}

/// The end of the first credential (an access key's id), for people to tell keys apart.
fn hint(
    credentials: &serde_json::Map<String, serde_json::Value>,
    provider: MessageProvider,
) -> String {
    let first = provider
        .credential_fields()
        .first()
        .and_then(|name| credentials.get(*name))
        .and_then(|value| value.as_str())
        .unwrap_or_default();
    format!("…{}", domain::display::secret_tail(first))
}

/// Writes the kind's channel: settings checked for the provider, credentials sealed.
pub async fn save_channel(
    db: &DatabaseConnection,
    links: &AppLinks,
    caller: &Caller,
    input: SaveChannel,
    request_id: &str,
) -> Result<ChannelRow, AppError> {
    let tenant = writer(caller)?;
    if input.provider.kind() != input.kind {
        let allowed = MessageProvider::ALL
            .iter()
            .filter(|provider| provider.kind() == input.kind)
            .map(|provider| provider.as_str().to_owned())
            .collect();
        return Err(AppError::input(
            "input.provider",
            Reason::NotOneOf { allowed },
        ));
    }
    let settings = rules::validate_settings(input.provider, &input.settings).map_err(problem)?;
    let senders: Vec<Uuid> = settings
        .senders
        .iter()
        .map(|sender| sender.member_id)
        .collect();
    if !senders.is_empty() {
        // One read for them all; each must be a member whose role collects, as a customer's
        // collector must.
        let members = crate::db::members::members(db, tenant, Some(&senders)).await?;
        for (index, id) in senders.iter().enumerate() {
            let field = format!("input.settings.senders[{index}].memberId");
            match members.iter().find(|member| member.id == *id) {
                None => {
                    return Err(AppError::input(
                        field,
                        Reason::RecordNotFound {
                            entity: Entity::Member,
                        },
                    ));
                }
                Some(member) if !member.role.may_collect() => {
                    return Err(AppError::input(
                        field,
                        Reason::AssigneeMayNotCollect {
                            role: member.role.as_str().to_owned(),
                        },
                    ));
                }
                Some(_) => {}
            }
        }
    }
    let credentials = input
        .credentials
        .filter(|raw| !raw.is_null())
        .map(|raw| rules::validate_credentials(input.provider, &raw).map_err(problem))
        .transpose()?;
    let actor = audit::actor_of(db, caller).await?;
    let context = crate::secrets::company_context(tenant, &credentials_purpose(input.kind));
    let sealed = match &credentials {
        Some(credentials) => Some((
            links
                .sealer
                .seal_for(
                    &context,
                    &serde_json::Value::Object(credentials.clone()).to_string(),
                )
                .map_err(AppError::Internal)?,
            hint(credentials, input.provider),
        )),
        None => None,
    };
    let tx = TenantTx::begin(db, tenant).await?;
    let before = store::channel(&*tx, input.kind).await?;
    let (credentials, credentials_hint) = match (sealed, &before) {
        (Some(sealed), _) => sealed,
        // Kept only for the same provider: another's keys would not open its API.
        (None, Some(before)) if before.provider == input.provider => {
            (before.credentials.clone(), before.credentials_hint.clone())
        }
        (None, _) => return Err(AppError::input("input.credentials", Reason::Required {})),
    };
    let callback_token = match &before {
        Some(before) => before.callback_token.clone(),
        None => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(crate::identity::tokens::random_bytes::<24>().map_err(AppError::Internal)?),
    };
    let stored = serde_json::to_value(&settings).map_err(|e| AppError::Internal(e.into()))?;
    store::save_channel(
        &*tx,
        NewChannel {
            kind: input.kind,
            provider: input.provider,
            settings: stored.clone(),
            credentials,
            credentials_hint: &credentials_hint,
            callback_token: &callback_token,
            updated_by: actor.label(),
        },
    )
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "message_channel.saved",
            entity_type: "message_channel",
            entity_id: None,
            before: before.as_ref().map(|row| {
                serde_json::json!({ "kind": row.kind, "provider": row.provider, "settings": row.settings, "credentialsHint": row.credentials_hint })
            }),
            after: Some(serde_json::json!({
                "kind": input.kind, "provider": input.provider, "settings": stored,
                "credentialsHint": credentials_hint,
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = store::channel(&*tx, input.kind)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the channel just saved is gone")))?;
    tx.commit().await?;
    Ok(row)
}

/// Removes the kind's channel; its messages still waiting fail to tasks for their collectors.
pub async fn delete_channel(
    db: &DatabaseConnection,
    caller: &Caller,
    kind: MessageChannelKind,
    request_id: &str,
) -> Result<(), AppError> {
    let tenant = writer(caller)?;
    let actor = audit::actor_of(db, caller).await?;
    let locale = crate::collections::store::run::tenant_locale(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let Some(before) = store::channel(&*tx, kind).await? else {
        return Err(AppError::input(
            "input.kind",
            Reason::RecordNotFound {
                entity: Entity::MessageChannel,
            },
        ));
    };
    store::delete_channel(&*tx, kind).await?;
    let now = chrono::Utc::now();
    // Those whose send has begun are left to their job, which records what the provider said.
    for delivery in store::waiting(&*tx, kind).await? {
        let ending = send::Ending::cancelled(Text::MessageWhyChannelRemoved {}, true);
        send::end(&tx, &delivery, ending, (now, locale))
            .await
            .map_err(AppError::Internal)?;
    }
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "message_channel.deleted",
            entity_type: "message_channel",
            entity_id: None,
            before: Some(serde_json::json!({
                "kind": before.kind, "provider": before.provider, "settings": before.settings,
                "credentialsHint": before.credentials_hint,
            })),
            after: None,
            request_id: Some(request_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A ladder's SMS templates, by step, language and provider.
pub async fn sms_templates(
    db: &DatabaseConnection,
    caller: &Caller,
    ladder: Uuid,
) -> Result<Vec<SmsTemplateRow>, AppError> {
    caller
        .authorize(Permission::ViewCollections)
        .or_else(|_| caller.authorize(Permission::ManageDunning))?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let rows = store::sms_templates(&*tx, Some(ladder), None).await?;
    tx.commit().await?;
    Ok(rows)
}

pub struct SaveSmsTemplate {
    pub ladder_id: Uuid,
    pub step_offset: i32,
    pub locale: Locale,
    pub provider: MessageProvider,
    pub template_code: String,
    pub params: Vec<TemplateParam>,
}

/// Maps an approved template to a ladder's SMS step in a language, for a provider.
pub async fn save_sms_template(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SaveSmsTemplate,
    request_id: &str,
) -> Result<SmsTemplateRow, AppError> {
    let tenant = writer(caller)?;
    if input.provider.kind() != MessageChannelKind::Sms {
        return Err(AppError::input(
            "input.provider",
            Reason::NotOneOf {
                allowed: vec!["ALIYUN_SMS".to_owned(), "TENCENT_SMS".to_owned()],
            },
        ));
    }
    let code = input.template_code.trim();
    if code.is_empty() {
        return Err(AppError::input("input.templateCode", Reason::Required {}));
    }
    if code.len() > rules::MAX_TEMPLATE_CODE
        || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(AppError::input(
            "input.templateCode",
            Reason::InvalidCharacters {
                symbols: "_".to_owned(),
                max: Some(rules::MAX_TEMPLATE_CODE as u32),
            },
        ));
    }
    rules::validate_template_params("params", &input.params).map_err(problem)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    if !store::sms_step_exists(&*tx, input.ladder_id, input.step_offset).await? {
        return Err(AppError::input(
            "input.stepOffset",
            Reason::RecordNotFound {
                entity: Entity::Template,
            },
        ));
    }
    let params = serde_json::to_value(&input.params).map_err(|e| AppError::Internal(e.into()))?;
    store::save_sms_template(
        &*tx,
        store::NewSmsTemplate {
            policy_id: input.ladder_id,
            step_offset: input.step_offset,
            locale: input.locale,
            provider: input.provider,
            template_code: code,
            params: params.clone(),
            updated_by: actor.label(),
        },
    )
    .await?;
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "sms_template.saved",
            entity_type: "dunning_policy",
            entity_id: Some(input.ladder_id.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "stepOffset": input.step_offset, "locale": input.locale.tag(),
                "provider": input.provider, "templateCode": code, "params": params,
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let row = store::sms_templates(&*tx, Some(input.ladder_id), Some(input.provider))
        .await?
        .into_iter()
        .find(|row| row.step_offset == input.step_offset && row.locale == input.locale)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the template just saved is gone")))?;
    tx.commit().await?;
    Ok(row)
}

/// Takes a step's template off (the step becomes a task again in that language).
pub async fn delete_sms_template(
    db: &DatabaseConnection,
    caller: &Caller,
    (ladder, step_offset, locale, provider): (Uuid, i32, Locale, MessageProvider),
    request_id: &str,
) -> Result<(), AppError> {
    let tenant = writer(caller)?;
    let actor = audit::actor_of(db, caller).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    let deleted = store::delete_sms_template(&*tx, ladder, step_offset, locale, provider).await?;
    if !deleted {
        return Err(AppError::input(
            "input.ladderId",
            Reason::RecordNotFound {
                entity: Entity::Template,
            },
        ));
    }
    {
        audit::record(
            &*tx,
            tenant,
            AuditEntry {
                actor,
                action: "sms_template.deleted",
                entity_type: "dunning_policy",
                entity_id: Some(ladder.to_string()),
                before: Some(serde_json::json!({
                    "stepOffset": step_offset, "locale": locale.tag(), "provider": provider,
                })),
                after: None,
                request_id: Some(request_id),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub struct DeliveriesFilter {
    pub customer_id: Option<Uuid>,
    pub channel: Option<MessageChannelKind>,
    pub status: Option<MessageDeliveryStatus>,
}

/// The message log, newest first; a collector sees their own customers' only.
pub async fn deliveries(
    db: &DatabaseConnection,
    caller: &Caller,
    first: Option<i32>,
    after: Option<String>,
    filter: DeliveriesFilter,
    wants_total: bool,
) -> Result<Page<DeliveryRow>, AppError> {
    let access = caller.authorize(Permission::ViewCollections)?;
    let tenant = caller.require_tenant()?;
    let request = PageRequest::parse("messageDeliveries", "NEWEST", true, first, after.as_deref())?;
    let mut conditions = Conditions::new(Vec::new());
    assigned_only(caller, access, &mut conditions, "c.");
    let tx = TenantTx::begin(db, tenant).await?;
    let (rows, total) = store::deliveries(
        &tx,
        conditions,
        &DeliveryFilter {
            customer_id: filter.customer_id,
            channel: filter.channel,
            status: filter.status,
        },
        &request,
        wants_total,
    )
    .await?;
    tx.commit().await?;
    Ok(request.page(rows, total, |row| {
        vec![row.created_at.to_rfc3339(), row.id.to_string()]
    }))
}
