//! SMS and WeChat Work over GraphQL: `messageChannels`, `saveMessageChannel`,
//! `deleteMessageChannel` (MANAGE_DUNNING, scope `dunning:write`), `smsTemplates`,
//! `saveSmsTemplate`, `deleteSmsTemplate` (the ladder editor's mapping) and
//! `messageDeliveries` (VIEW_COLLECTIONS).

use super::service::{self, DeliveriesFilter, SaveChannel, SaveSmsTemplate};
use super::store::{ChannelRow, DeliveryRow, SmsTemplateRow};
use crate::api::context::{links, request, services};
use crate::api::values::{CountedList, id_or_nil, locale, parse_id};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::Locale;
use domain::messages::Localized;
use domain::messaging::{
    MessageChannelKind, MessageDeliveryStatus, MessageProvider, SmsVariable, TemplateParam,
};

/// A way to reach customers: its provider, settings (never its credentials) and, for SMS,
/// the address to give the provider's console for delivery receipts.
#[derive(SimpleObject)]
pub struct MessageChannel {
    pub kind: MessageChannelKind,
    pub provider: MessageProvider,
    /// As saved: `signName`, `region`, `sdkAppId` (Tencent), `corpId` and `senders`
    /// (WeChat Work), `quietHours` (`{start, end}` as `HH:MM`, the customer's time).
    pub settings: Json<serde_json::Value>,
    /// The end of the first credential (`…a1b2`): the credentials themselves are never shown.
    pub credentials_hint: String,
    /// SMS: where the provider posts delivery receipts (its console's callback address).
    pub callback_url: Option<String>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl MessageChannel {
    fn from_row(row: ChannelRow, public_url: &str, tenant: domain::TenantId) -> Self {
        MessageChannel {
            callback_url: (row.kind == MessageChannelKind::Sms).then(|| {
                format!(
                    "{}/webhooks/messages/{}/{}",
                    public_url.trim_end_matches('/'),
                    tenant.0,
                    row.callback_token
                )
            }),
            kind: row.kind,
            provider: row.provider,
            settings: Json(row.settings),
            credentials_hint: row.credentials_hint,
            updated_by: row.updated_by,
            updated_at: row.updated_at,
        }
    }
}

/// One parameter of an approved template and what fills it.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "SmsTemplateParamInput")]
pub struct SmsTemplateParam {
    /// Its name in the template (Aliyun's `${name}`); Tencent's are numbered, so only the order
    /// counts.
    pub name: String,
    pub value: SmsVariable,
}

/// An approved SMS template mapped to a ladder's SMS step, in a language, for a provider.
#[derive(SimpleObject)]
pub struct SmsTemplate {
    pub ladder_id: ID,
    pub step_offset: i32,
    pub locale: Locale,
    pub provider: MessageProvider,
    pub template_code: String,
    pub params: Vec<SmsTemplateParam>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl SmsTemplate {
    fn from_row(row: SmsTemplateRow) -> Result<Self, AppError> {
        Ok(SmsTemplate {
            params: row
                .params()?
                .into_iter()
                .map(|param| SmsTemplateParam {
                    name: param.name,
                    value: param.value,
                })
                .collect(),
            ladder_id: ID(row.policy_id.to_string()),
            step_offset: row.step_offset,
            locale: row.locale,
            provider: row.provider,
            template_code: row.template_code,
            updated_by: row.updated_by,
            updated_at: row.updated_at,
        })
    }
}

/// One message to one customer, with its status as the provider reports it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct MessageDelivery {
    pub id: ID,
    pub customer_id: ID,
    pub customer_name: String,
    pub contact_name: Option<String>,
    pub channel: MessageChannelKind,
    pub provider: MessageProvider,
    pub status: MessageDeliveryStatus,
    /// The mobile number (E.164) or the WeChat Work external contact id.
    pub recipient: String,
    /// WeChat Work: the member it goes out from.
    pub sender: Option<String>,
    /// SMS: the template and its values; WeChat Work: the text.
    pub content: String,
    pub template_code: Option<String>,
    pub step_offset: i32,
    pub invoice_ids: Vec<ID>,
    /// When it goes (after the customer's quiet hours), or went.
    pub send_after: DateTime<Utc>,
    /// Tries made (a provider that asked to slow down gets it again later).
    pub attempts: i32,
    pub provider_message_id: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub step: domain::messages::Text,
}

#[ComplexObject]
impl MessageDelivery {
    /// The ladder step's name, in the caller's language.
    async fn step_name(&self, ctx: &Context<'_>) -> String {
        self.step.text(locale(ctx))
    }
}

impl From<DeliveryRow> for MessageDelivery {
    fn from(row: DeliveryRow) -> Self {
        MessageDelivery {
            id: ID(row.id.to_string()),
            customer_id: ID(row.customer_id.to_string()),
            customer_name: row.customer_name,
            contact_name: row.contact_name,
            channel: row.channel,
            provider: row.provider,
            status: row.status,
            recipient: row.recipient,
            sender: row.sender,
            content: row.content,
            template_code: row.template_code,
            step_offset: row.step_offset,
            invoice_ids: row
                .invoice_ids
                .iter()
                .map(|id| ID(id.to_string()))
                .collect(),
            send_after: row.send_after,
            attempts: row.attempts,
            provider_message_id: row.provider_message_id,
            error_code: row.error_code,
            error_message: row.error_message,
            created_at: row.created_at,
            sent_at: row.sent_at,
            finished_at: row.finished_at,
            step: row.step_name,
        }
    }
}

#[derive(InputObject, Default)]
pub struct MessageDeliveriesFilter {
    pub customer_id: Option<ID>,
    pub channel: Option<MessageChannelKind>,
    pub status: Option<MessageDeliveryStatus>,
}

pub type MessageDeliveryConnection = Connection<String, MessageDelivery, CountedList>;

#[derive(Default)]
pub struct MessagingQuery;

#[Object]
impl MessagingQuery {
    /// The company's SMS and WeChat Work channels (permission MANAGE_DUNNING).
    async fn message_channels(&self, ctx: &Context<'_>) -> ApiResult<Vec<MessageChannel>> {
        let (_, db) = services(ctx)?;
        let caller = &request(ctx)?.caller;
        let tenant = caller.require_tenant().api()?;
        let public_url = &links(ctx)?.public_url;
        Ok(service::channels(db, caller)
            .await
            .api()?
            .into_iter()
            .map(|row| MessageChannel::from_row(row, public_url, tenant))
            .collect())
    }

    /// A ladder's SMS templates, by step, language and provider.
    async fn sms_templates(&self, ctx: &Context<'_>, ladder_id: ID) -> ApiResult<Vec<SmsTemplate>> {
        let (_, db) = services(ctx)?;
        let rows = service::sms_templates(db, &request(ctx)?.caller, id_or_nil(&ladder_id))
            .await
            .api()?;
        rows.into_iter()
            .map(SmsTemplate::from_row)
            .collect::<Result<_, _>>()
            .api()
    }

    /// Messages to customers, newest first (a collector's own customers only). `first` is 1 to
    /// 200 (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn message_deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<MessageDeliveriesFilter>,
    ) -> ApiResult<MessageDeliveryConnection> {
        let (_, db) = services(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = service::deliveries(
            db,
            &request(ctx)?.caller,
            first,
            after,
            DeliveriesFilter {
                // An id that names nothing finds nothing.
                customer_id: filter.customer_id.as_ref().map(id_or_nil),
                channel: filter.channel,
                status: filter.status,
            },
            ctx.look_ahead().field("totalCount").exists(),
        )
        .await
        .api()?;
        Ok(page
            .map(MessageDelivery::from)
            .connection(|delivery| delivery))
    }
}

/// A channel for a kind: a provider of that kind, its settings, and its credentials (left out
/// or null to keep the ones saved for the same provider).
#[derive(InputObject)]
pub struct SaveMessageChannelInput {
    pub kind: MessageChannelKind,
    pub provider: MessageProvider,
    pub settings: Json<serde_json::Value>,
    /// Aliyun `{accessKeyId, accessKeySecret}`, Tencent `{secretId, secretKey}`, WeChat Work
    /// `{secret}` (the customer contact application's). Sealed; never returned.
    pub credentials: Option<Json<serde_json::Value>>,
}

#[derive(SimpleObject)]
pub struct SaveMessageChannelPayload {
    pub channel: MessageChannel,
}

#[derive(InputObject)]
pub struct DeleteMessageChannelInput {
    pub kind: MessageChannelKind,
}

#[derive(SimpleObject)]
pub struct DeleteMessageChannelPayload {
    pub kind: MessageChannelKind,
}

#[derive(InputObject)]
pub struct SaveSmsTemplateInput {
    pub ladder_id: ID,
    /// The SEND_SMS step's day (`offsetDays`).
    pub step_offset: i32,
    pub locale: Locale,
    pub provider: MessageProvider,
    /// The provider's approved template (`SMS_123456789`, or Tencent's number).
    pub template_code: String,
    /// At most 10, in the template's order.
    pub params: Vec<SmsTemplateParam>,
}

#[derive(SimpleObject)]
pub struct SaveSmsTemplatePayload {
    pub template: SmsTemplate,
}

#[derive(InputObject)]
pub struct DeleteSmsTemplateInput {
    pub ladder_id: ID,
    pub step_offset: i32,
    pub locale: Locale,
    pub provider: MessageProvider,
}

/// The mapping taken off.
#[derive(SimpleObject)]
pub struct DeleteSmsTemplatePayload {
    pub ladder_id: ID,
    pub step_offset: i32,
    pub locale: Locale,
    pub provider: MessageProvider,
}

#[derive(Default)]
pub struct MessagingMutation;

#[Object]
impl MessagingMutation {
    /// Sets the kind's channel (replacing its provider, if another).
    async fn save_message_channel(
        &self,
        ctx: &Context<'_>,
        input: SaveMessageChannelInput,
    ) -> ApiResult<SaveMessageChannelPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let links = links(ctx)?;
        let tenant = request.caller.require_tenant().api()?;
        let row = service::save_channel(
            db,
            links,
            &request.caller,
            SaveChannel {
                kind: input.kind,
                provider: input.provider,
                settings: input.settings.0,
                credentials: input.credentials.map(|credentials| credentials.0),
            },
            &request.request_id,
        )
        .await
        .api()?;
        Ok(SaveMessageChannelPayload {
            channel: MessageChannel::from_row(row, &links.public_url, tenant),
        })
    }

    /// Removes the kind's channel: its steps become tasks again, and its messages still
    /// waiting fail to tasks for their collectors.
    async fn delete_message_channel(
        &self,
        ctx: &Context<'_>,
        input: DeleteMessageChannelInput,
    ) -> ApiResult<DeleteMessageChannelPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        service::delete_channel(db, &request.caller, input.kind, &request.request_id)
            .await
            .api()?;
        Ok(DeleteMessageChannelPayload { kind: input.kind })
    }

    /// Maps an approved template to a ladder's SMS step in a language.
    async fn save_sms_template(
        &self,
        ctx: &Context<'_>,
        input: SaveSmsTemplateInput,
    ) -> ApiResult<SaveSmsTemplatePayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let row = service::save_sms_template(
            db,
            &request.caller,
            SaveSmsTemplate {
                ladder_id: parse_id("input.ladderId", &input.ladder_id).api()?,
                step_offset: input.step_offset,
                locale: input.locale,
                provider: input.provider,
                template_code: input.template_code,
                params: input
                    .params
                    .into_iter()
                    .map(|param| TemplateParam {
                        name: param.name,
                        value: param.value,
                    })
                    .collect(),
            },
            &request.request_id,
        )
        .await
        .api()?;
        Ok(SaveSmsTemplatePayload {
            template: SmsTemplate::from_row(row).api()?,
        })
    }

    /// Takes a step's template off: in that language the step becomes a task again.
    async fn delete_sms_template(
        &self,
        ctx: &Context<'_>,
        input: DeleteSmsTemplateInput,
    ) -> ApiResult<DeleteSmsTemplatePayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        service::delete_sms_template(
            db,
            &request.caller,
            (
                id_or_nil(&input.ladder_id),
                input.step_offset,
                input.locale,
                input.provider,
            ),
            &request.request_id,
        )
        .await
        .api()?;
        Ok(DeleteSmsTemplatePayload {
            ladder_id: input.ladder_id,
            step_offset: input.step_offset,
            locale: input.locale,
            provider: input.provider,
        })
    }
}
