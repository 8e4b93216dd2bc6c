//! Scripts shown for a page of tasks or customers, loaded at once: each task asks for its
//! customer's script and one batch reads them all (three statements, whatever the page).

use crate::collections::service::scripts::{self, CollectionScript, ScriptFor};
use crate::error::IntoApi;
use async_graphql::dataloader::Loader;
use domain::TenantId;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;

/// Reads scripts in the request's tenant.
pub struct Scripts {
    db: DatabaseConnection,
    tenant: TenantId,
}

impl Scripts {
    pub fn new(db: DatabaseConnection, tenant: TenantId) -> Self {
        Scripts { db, tenant }
    }
}

impl Loader<ScriptFor> for Scripts {
    type Value = CollectionScript;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[ScriptFor],
    ) -> Result<HashMap<ScriptFor, CollectionScript>, async_graphql::Error> {
        scripts::for_customers(&self.db, self.tenant, keys)
            .await
            .api()
    }
}
