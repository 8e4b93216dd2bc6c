//! Collection scripts over GraphQL: a ladder's scripts, saving one, and the script shown on a
//! task or for a customer (`api::objects::script`).

use super::gated;
use super::runs::ladder_id;
use crate::api::objects::script::CollectionScript;
use crate::collections::service::runs::{may_manage, may_read};
use crate::collections::service::scripts::{self as service, ScriptChange};
use crate::error::{ApiResult, IntoApi};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use domain::collections::CollectionChannel;

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
