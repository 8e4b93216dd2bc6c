//! `waiveFee`'s input and payload (the root is in `work`; `LateFee` itself is in
//! `crate::api::objects`, since invoices show it too).

use crate::api::objects::LateFee;
use crate::collections::CollectionError;
use crate::collections::service::fees::WaiveFee;
use crate::error::AppError;
use async_graphql::{ID, InputObject, SimpleObject};
use uuid::Uuid;

#[derive(InputObject)]
pub struct WaiveFeeInput {
    pub fee_id: ID,
    pub reason: String,
}

impl WaiveFeeInput {
    pub(crate) fn parse(self) -> Result<WaiveFee, AppError> {
        Ok(WaiveFee {
            fee_id: self
                .fee_id
                .parse::<Uuid>()
                .map_err(|_| CollectionError::FeeNotFound)?,
            reason: self.reason,
        })
    }
}

#[derive(SimpleObject)]
pub struct WaiveFeePayload {
    pub fee: LateFee,
}
