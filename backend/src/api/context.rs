//! What a resolver reads from the request: its caller and request id, the database and the
//! identity services, the links the server writes into emails.

use crate::auth::RequestContext;
use crate::error::{ApiResult, AppError, IntoApi};
use crate::identity::Identity;
use crate::startup::AppLinks;
use async_graphql::Context;
use sea_orm::DatabaseConnection;

pub fn request<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestContext> {
    ctx.data::<RequestContext>()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("request context missing")))
        .api()
}

pub fn links<'a>(ctx: &Context<'a>) -> ApiResult<&'a AppLinks> {
    ctx.data::<AppLinks>()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("links missing")))
        .api()
}

pub fn services<'a>(ctx: &Context<'a>) -> ApiResult<(&'a Identity, &'a DatabaseConnection)> {
    let identity = ctx
        .data::<Identity>()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("identity services missing")))
        .api()?;
    let db = ctx
        .data::<DatabaseConnection>()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("database missing")))
        .api()?;
    Ok((identity, db))
}
