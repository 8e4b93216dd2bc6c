//! `CollectionScript`: what a collector says or writes at a ladder step (话术), listed with its
//! ladder and shown on a task (`CollectionTask.script`) and for a customer
//! (`Customer.collectionScript`).

use crate::api::context::{request, services};
use crate::collections::service::scripts::{self as service, ScriptFor};
use crate::error::{ApiResult, IntoApi};
use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use chrono::{DateTime, Utc};
use domain::collections::CollectionChannel;
use domain::messages::{Localized, Text};
use uuid::Uuid;

/// What a collector says or writes at a ladder step, on a channel, in one language.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct CollectionScript {
    pub policy_id: ID,
    pub step_offset: i32,
    #[graphql(skip)]
    pub step: Text,
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

#[ComplexObject]
impl CollectionScript {
    /// The step's name in the reader's language (the script itself is in the customer's).
    async fn step_name(&self, ctx: &Context<'_>) -> String {
        self.step.text(crate::api::values::locale(ctx))
    }
}

impl From<service::CollectionScript> for CollectionScript {
    fn from(script: service::CollectionScript) -> Self {
        CollectionScript {
            policy_id: ID(script.policy_id.to_string()),
            step_offset: script.step_offset,
            step: script.step_name,
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

/// The script for `customer` at `step_offset` (none: the step it is at) on `channel`, batched
/// with the page's other asks.
pub async fn script_for(
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
