//! Delivery receipts the SMS providers push: `POST /webhooks/messages/{tenant}/{token}`, the
//! address the channel shows (`callbackUrl`) for the provider's console. Neither Aliyun's
//! `SmsReport` push nor Tencent's status callback is signed, so the address carries a random
//! token of the channel's, compared in constant time. Each receipt ends its delivery as
//! delivered or failed (a task for the collector); receipts for unknown messages are ignored, so
//! a provider's retries change nothing twice.

use super::providers::{aliyun, tencent};
use super::send;
use super::store;
use crate::db::TenantTx;
use crate::http::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::TenantId;
use domain::messages::Text;
use domain::messaging::{MAX_RECEIPTS, MessageChannelKind, MessageProvider};
use serde_json::json;
use uuid::Uuid;

/// The largest body a receipt push may have: `MAX_RECEIPTS` receipts of a few hundred bytes.
pub const MAX_RECEIPTS_BODY: usize = 1024 * 1024;

/// What became of one message, as either provider reports it.
struct Receipt {
    /// Our delivery's id (Aliyun's `out_id`), or the provider's message id.
    ours: Option<Uuid>,
    provider_id: Option<String>,
    delivered: bool,
    code: String,
}

fn parse(provider: MessageProvider, body: &[u8]) -> Result<Vec<Receipt>, String> {
    match provider {
        MessageProvider::AliyunSms => {
            let receipts: Vec<aliyun::Receipt> =
                serde_json::from_slice(body).map_err(|e| e.to_string())?;
            Ok(receipts
                .into_iter()
                .map(|receipt| Receipt {
                    ours: receipt.out_id.as_deref().and_then(|id| id.parse().ok()),
                    provider_id: receipt.biz_id,
                    delivered: receipt.success,
                    code: receipt.err_code.unwrap_or_default(),
                })
                .collect())
        }
        MessageProvider::TencentSms => {
            let receipts: Vec<tencent::Receipt> =
                serde_json::from_slice(body).map_err(|e| e.to_string())?;
            Ok(receipts
                .into_iter()
                .map(|receipt| Receipt {
                    ours: None,
                    provider_id: Some(receipt.sid),
                    delivered: receipt.report_status == "SUCCESS",
                    code: receipt.errmsg.unwrap_or_default(),
                })
                .collect())
        }
        MessageProvider::Wecom => Err("WeChat Work sends no receipts here".to_owned()),
    }
}

/// The provider's own "received" answer.
fn received(provider: MessageProvider) -> Response {
    match provider {
        MessageProvider::TencentSms => Json(json!({ "result": 0, "errmsg": "OK" })).into_response(),
        _ => Json(json!({ "code": 0, "msg": "成功" })).into_response(),
    }
}

fn refused(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": { "message": message } }))).into_response()
}

pub async fn receive(
    State(state): State<AppState>,
    Path((tenant, token)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let not_found = || refused(StatusCode::NOT_FOUND, "No channel receives receipts here.");
    let Ok(tenant) = tenant.parse::<Uuid>().map(TenantId::from_uuid) else {
        return not_found();
    };
    match crate::billing::store::tenant_open(&state.db, tenant).await {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(error) => {
            tracing::error!(%tenant, ?error, "message receipts: the company could not be read");
            return refused(StatusCode::INTERNAL_SERVER_ERROR, "Try again later.");
        }
    }
    match handle(&state, tenant, &token, &body).await {
        Ok(Some(provider)) => received(provider),
        Ok(None) => not_found(),
        Err(Handling::Bad(message)) => refused(StatusCode::BAD_REQUEST, &message),
        Err(Handling::Failed(error)) => {
            tracing::error!(%tenant, ?error, "message receipts could not be recorded");
            // The providers push again after a failure: a passing one heals itself.
            refused(StatusCode::INTERNAL_SERVER_ERROR, "Try again later.")
        }
    }
}

enum Handling {
    Bad(String),
    Failed(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Handling {
    fn from(error: E) -> Self {
        Handling::Failed(error.into())
    }
}

/// Compared as digests: how long a comparison takes says nothing of the token.
fn same_token(kept: &str, given: &str) -> bool {
    use sha2::Digest;
    sha2::Sha256::digest(kept.as_bytes()) == sha2::Sha256::digest(given.as_bytes())
}

/// Records the receipts; `None` when no SMS channel has this token.
async fn handle(
    state: &AppState,
    tenant: TenantId,
    token: &str,
    body: &[u8],
) -> Result<Option<MessageProvider>, Handling> {
    let locale = crate::collections::store::run::tenant_locale(&state.db, tenant).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let channel = store::channel(&*tx, MessageChannelKind::Sms).await?;
    let Some(channel) = channel.filter(|channel| same_token(&channel.callback_token, token)) else {
        return Ok(None);
    };
    let receipts = parse(channel.provider, body).map_err(Handling::Bad)?;
    if receipts.len() > MAX_RECEIPTS {
        return Err(Handling::Bad(format!(
            "at most {MAX_RECEIPTS} receipts at once"
        )));
    }
    let now = Utc::now();
    let known = store::for_receipts(
        &*tx,
        channel.provider,
        receipts.iter().filter_map(|receipt| receipt.ours).collect(),
        receipts
            .iter()
            .filter(|receipt| receipt.ours.is_none())
            .filter_map(|receipt| receipt.provider_id.clone())
            .collect(),
    )
    .await?;
    let mut unmatched = false;
    for receipt in receipts {
        let found = known.iter().find(|delivery| match receipt.ours {
            Some(id) => delivery.id == id,
            None => {
                receipt.provider_id.is_some() && delivery.provider_message_id == receipt.provider_id
            }
        });
        let Some(delivery) = found else {
            unmatched = true;
            continue;
        };
        if receipt.delivered {
            send::delivered(&tx, delivery, locale).await?;
        } else {
            let reason = Text::MessageWhyNotDelivered {
                code: receipt.code.chars().take(40).collect(),
            };
            let error = Some(("NOT_DELIVERED", receipt.code.as_str()));
            send::fail(&tx, delivery, reason, error, (now, locale)).await?;
        }
    }
    // A receipt can outrun the record of the send it is about (Tencent's name the message by
    // the id its answer gave): while a send is under way, the provider is asked to push again.
    if unmatched && store::send_under_way(&*tx, channel.provider).await? {
        return Err(Handling::Failed(anyhow::anyhow!(
            "a receipt for a send not yet recorded: pushed again later"
        )));
    }
    tx.commit().await?;
    Ok(Some(channel.provider))
}
