//! Collections over GraphQL: the API types, the inputs parsed into the services' terms, and
//! the roots (`CollectionsQuery`, `DunningQuery`, `WorkQuery` and their mutations). Resolvers
//! call the services; no SQL here.

pub mod activities;
pub mod dunning;
pub mod fees;
pub mod legal;
pub mod letters;
pub mod runs;
pub mod scripts;
pub mod work;
pub mod worklist;

pub use activities::{CollectionsMutation, CollectionsQuery};
pub use dunning::{DunningMutation, DunningQuery};
pub use letters::{LettersMutation, LettersQuery};
pub use scripts::{ScriptsMutation, ScriptsQuery};
pub use work::{WorkMutation, WorkQuery};

use crate::api::context::{request, services};
use crate::auth::{Caller, RequestContext};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::Context;
use sea_orm::DatabaseConnection;

/// The database and the request, once the caller passes `gate` and has a company: the checks
/// the service makes first, made before any input is parsed, so a caller the service would
/// refuse hears only that, never what is wrong with their input.
pub(crate) fn gated<'a, T>(
    ctx: &Context<'a>,
    gate: impl FnOnce(&Caller) -> Result<T, AppError>,
) -> ApiResult<(&'a DatabaseConnection, &'a RequestContext)> {
    let (_, db) = services(ctx)?;
    let request = request(ctx)?;
    gate(&request.caller).api()?;
    request.caller.require_tenant().api()?;
    Ok((db, request))
}
