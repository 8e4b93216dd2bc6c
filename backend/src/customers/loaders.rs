//! A customer's nested lists (`timeline`, `creditHistory`) loaded for a whole page at once.
//!
//! Each `Customer` resolves its lists on its own; without batching a page of 200 customers
//! would open 400 transactions and hold the pool while doing it. [`CustomerLists`] is an
//! async-graphql `Loader`: the resolvers of one page ask for their keys, and one tenant
//! transaction reads them all, one statement per list. It lives in the request's
//! [`Loaders`](crate::api::loaders::Loaders), never in the schema, so nothing it reads outlives
//! the request or reaches another tenant.

use super::store::{self, CreditEventRow, TimelineRow};
use crate::db::TenantTx;
use crate::error::{AppError, IntoApi};
use async_graphql::dataloader::Loader;
use domain::TenantId;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// Reads customers' nested lists in the request's tenant.
pub struct CustomerLists {
    db: DatabaseConnection,
    tenant: TenantId,
}

impl CustomerLists {
    pub fn new(db: DatabaseConnection, tenant: TenantId) -> Self {
        CustomerLists { db, tenant }
    }
}

/// The latest `first` entries of a customer's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimelineOf {
    pub customer: Uuid,
    pub first: i64,
}

/// A customer's credit events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CreditHistoryOf(pub Uuid);

impl Loader<TimelineOf> for CustomerLists {
    type Value = Vec<TimelineRow>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[TimelineOf],
    ) -> Result<HashMap<TimelineOf, Vec<TimelineRow>>, async_graphql::Error> {
        let asked: Vec<(Uuid, i64)> = keys.iter().map(|key| (key.customer, key.first)).collect();
        let tx = TenantTx::begin(&self.db, self.tenant)
            .await
            .map_err(AppError::from)
            .api()?;
        let rows = store::timelines(&*tx, &asked)
            .await
            .map_err(AppError::from)
            .api()?;
        tx.commit().await.map_err(AppError::from).api()?;
        // Every key gets its list, empty when nothing happened on the account yet.
        let mut lists: HashMap<TimelineOf, Vec<TimelineRow>> =
            keys.iter().map(|key| (*key, Vec::new())).collect();
        for row in rows {
            let key = TimelineOf {
                customer: row.customer_id,
                first: row.first,
            };
            lists.entry(key).or_default().push(row);
        }
        Ok(lists)
    }
}

impl Loader<CreditHistoryOf> for CustomerLists {
    type Value = Vec<CreditEventRow>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[CreditHistoryOf],
    ) -> Result<HashMap<CreditHistoryOf, Vec<CreditEventRow>>, async_graphql::Error> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let tx = TenantTx::begin(&self.db, self.tenant)
            .await
            .map_err(AppError::from)
            .api()?;
        let rows = store::credit_events_of(&*tx, &ids)
            .await
            .map_err(AppError::from)
            .api()?;
        tx.commit().await.map_err(AppError::from).api()?;
        let mut lists: HashMap<CreditHistoryOf, Vec<CreditEventRow>> =
            keys.iter().map(|key| (*key, Vec::new())).collect();
        for row in rows {
            lists
                .entry(CreditHistoryOf(row.customer_id))
                .or_default()
                .push(row);
        }
        Ok(lists)
    }
}
