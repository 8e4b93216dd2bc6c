//! Collection scripts over GraphQL: a ladder's scripts, saving one, and the script shown on a
//! task or for a customer (through the request's loader).

use super::gated;
use super::runs::ladder_id;
use crate::api::context::{request, services};
use crate::collections::service::runs::{may_manage, may_read};
use crate::collections::service::scripts::{self as service, ScriptChange, ScriptFor};
use crate::error::{ApiResult, IntoApi};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::collections::CollectionChannel;
use domain::messages::Localized;
use uuid::Uuid;

/// What a collector says or writes at a ladder step, on a channel, in one language.
#[derive(SimpleObject, Clone)]
pub struct CollectionScript {
    pub policy_id: ID,
    pub step_offset: i32,
    /// The step's name in the script's language.
    pub step_name: String,
    pub channel: CollectionChannel,
    /// `zh-CN` or `en`.
    pub locale: String,
    /// As written, with its `{{places}}`.
    pub body: String,
    /// With the customer's figures in its places: set when read on a task or a customer, null
    /// in a ladder's list.
    pub text: Option<String>,
    /// True while the step uses Duely's default script.
    pub is_default: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

impl From<service::CollectionScript> for CollectionScript {
    fn from(script: service::CollectionScript) -> Self {
        CollectionScript {
            policy_id: ID(script.policy_id.to_string()),
            step_offset: script.step_offset,
            step_name: script.step_name.text(script.locale),
            channel: script.channel,
            locale: script.locale.tag().to_owned(),
            body: script.body,
            text: script.text,
            is_default: script.is_default,
            updated_at: script.updated_at,
            updated_by: script.updated_by,
        }
    }
}

#[derive(InputObject)]
pub struct SaveCollectionScriptInput {
    pub policy_id: ID,
    pub step_offset: i32,
    /// PHONE, VISIT or WECHAT.
    pub channel: CollectionChannel,
    /// `zh-CN` or `en`.
    pub locale: String,
    /// Up to 4,000 characters; may use `{{customer.name}}`, `{{company.name}}`, `{{total}}`
    /// and `{{days_overdue}}`.
    pub body: String,
    /// Go back to Duely's default script (the body is then ignored).
    pub reset: Option<bool>,
}

#[derive(SimpleObject)]
pub struct CollectionScriptPayload {
    pub script: CollectionScript,
}

/// The script for `customer` at `step_offset` (none: the step it is at) on `channel`, batched
/// with the page's other asks.
pub(crate) async fn script_for(
    ctx: &Context<'_>,
    customer: Uuid,
    step_offset: Option<i32>,
    channel: CollectionChannel,
) -> ApiResult<Option<CollectionScript>> {
    let (_, db) = services(ctx)?;
    let request = request(ctx)?;
    let found = request
        .loaders
        .scripts(db, &request.caller)
        .api()?
        .load_one(ScriptFor {
            customer,
            step_offset,
            channel,
        })
        .await?;
    Ok(found.map(CollectionScript::from))
}

#[derive(Default)]
pub struct ScriptsQuery;

#[Object]
impl ScriptsQuery {
    /// What to say at each step of a ladder (话术), per channel (PHONE, VISIT, WECHAT) and
    /// language: the company's own scripts, else Duely's.
    async fn collection_scripts(
        &self,
        ctx: &Context<'_>,
        policy_id: ID,
    ) -> ApiResult<Vec<CollectionScript>> {
        let (db, request) = gated(ctx, may_read)?;
        let policy = ladder_id(&policy_id).api()?;
        let scripts = service::list(db, &request.caller, policy).await.api()?;
        Ok(scripts.into_iter().map(CollectionScript::from).collect())
    }
}

#[derive(Default)]
pub struct ScriptsMutation;

#[Object]
impl ScriptsMutation {
    /// Saves the script of a ladder step on a channel in one language (or resets it).
    async fn save_collection_script(
        &self,
        ctx: &Context<'_>,
        input: SaveCollectionScriptInput,
    ) -> ApiResult<CollectionScriptPayload> {
        let (db, request) = gated(ctx, may_manage)?;
        let change = ScriptChange {
            policy_id: ladder_id(&input.policy_id).api()?,
            step_offset: input.step_offset,
            channel: input.channel,
            locale: input.locale,
            body: input.body,
            reset: input.reset.unwrap_or(false),
        };
        let script = service::save(db, &request.caller, change, &request.request_id)
            .await
            .api()?;
        Ok(CollectionScriptPayload {
            script: script.into(),
        })
    }
}
