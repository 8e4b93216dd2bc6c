//! `waiveFee`'s input and payload (the root is in `work`; `LateFee` itself is in
//! `crate::api::objects`, since invoices show it too).

use crate::api::objects::LateFee;
use crate::approval_gate::Asking;
use crate::collections::CollectionError;
use crate::collections::service::fees::WaiveFee;
use crate::error::AppError;
use async_graphql::{ID, InputObject, SimpleObject};
use uuid::Uuid;

#[derive(InputObject)]
pub struct WaiveFeeInput {
    pub fee_id: ID,
    pub reason: String,
    /// When the company's approval policy says the waiver waits (FEE_WAIVER, by what it
    /// cancels): true asks for approval, false or left out refuses it with `APPROVAL_REQUIRED`.
    pub request_approval: Option<bool>,
}

impl WaiveFeeInput {
    pub(crate) fn parse(self) -> Result<Asking<WaiveFee>, AppError> {
        Ok(Asking {
            command: WaiveFee {
                fee_id: self
                    .fee_id
                    .parse::<Uuid>()
                    .map_err(|_| CollectionError::FeeNotFound)?,
                reason: self.reason,
            },
            request_approval: self.request_approval.unwrap_or(false),
        })
    }
}

#[derive(SimpleObject)]
pub struct WaiveFeePayload {
    pub fee: LateFee,
    /// The request the waiver waits as, when it was sent with `requestApproval` and the
    /// company's policy says it waits (the fee is then as it stands).
    pub approval_request: Option<crate::api::objects::approval::ApprovalRequest>,
}
