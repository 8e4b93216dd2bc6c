//! Who works a customer: its collector and salesperson, checked against the company's members
//! and their roles; assigning many customers at once; the members work can be given to; and
//! what happens to a member's customers and tasks when they leave.

use super::{Change, CustomerDetails, assemble};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::commands::Command;
use crate::customers::CustomerError;
use crate::customers::store;
use crate::db::{self, TenantTx};
use crate::error::AppError;
use domain::TenantId;
use domain::access::Permission;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a person assigned to a customer does for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    Collect,
    Sell,
}

/// A collector or salesperson must be a member of this company (`not_member` says how to
/// refuse one who is not) whose role takes on the duty.
pub(super) async fn check_member(
    db: &DatabaseConnection,
    tenant: TenantId,
    duty: Duty,
    not_member: CustomerError,
    user: Option<Uuid>,
) -> Result<Option<Uuid>, AppError> {
    let Some(user) = user else {
        return Ok(None);
    };
    let member = db::members::member(db, tenant, user)
        .await?
        .ok_or(not_member)?;
    let role = member.role.as_str().to_owned();
    match duty {
        Duty::Collect if !member.role.may_collect() => {
            Err(CustomerError::MayNotCollect { role }.into())
        }
        Duty::Sell if !member.role.may_sell() => Err(CustomerError::MayNotSell { role }.into()),
        _ => Ok(Some(user)),
    }
}

/// Customers given to a collector and a salesperson at once (from the list, selecting many):
/// a field kept is left as each customer has it, `Set(None)` takes the person off.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssignCustomers {
    /// 1 to `MAX_ASSIGNED_AT_ONCE`, each once.
    pub customer_ids: Vec<Uuid>,
    pub collector_id: Change<Option<Uuid>>,
    pub salesperson_id: Change<Option<Uuid>>,
}

impl Command for AssignCustomers {
    const KIND: &'static str = "customers.assign";
    const VERSION: u32 = 1;
}

impl AssignCustomers {
    /// The list's bounds and that it changes something, before anything is read.
    pub fn check(&self) -> Result<(), CustomerError> {
        use domain::collections::MAX_ASSIGNED_AT_ONCE;
        if self.customer_ids.is_empty() || self.customer_ids.len() > MAX_ASSIGNED_AT_ONCE {
            return Err(CustomerError::AssignCount {
                max: MAX_ASSIGNED_AT_ONCE,
            });
        }
        let mut seen = std::collections::HashSet::with_capacity(self.customer_ids.len());
        if let Some(index) = self.customer_ids.iter().position(|id| !seen.insert(*id)) {
            return Err(CustomerError::AssignDuplicate { index });
        }
        if self.collector_id == Change::Keep && self.salesperson_id == Change::Keep {
            return Err(CustomerError::AssignNothing);
        }
        Ok(())
    }
}

/// What the audit log keeps of an assignment, before and after.
fn assigned_to(collector: Option<Uuid>, salesperson: Option<Uuid>) -> serde_json::Value {
    serde_json::json!({
        "collectorId": collector.map(|id| id.to_string()),
        "salespersonId": salesperson.map(|id| id.to_string()),
    })
}

/// Assigns customers in one transaction: every customer exists or nothing changes; each
/// customer's open ladder and promise tasks follow its new collector; one audit entry per
/// customer. Returns the customers in the order asked.
pub async fn assign_customers(
    db: &DatabaseConnection,
    caller: &Caller,
    command: AssignCustomers,
    request_id: &str,
) -> Result<Vec<CustomerDetails>, AppError> {
    caller.authorize(Permission::ManageCustomers)?;
    let tenant = caller.require_tenant()?;
    command.check()?;
    let person = |change: &Change<Option<Uuid>>| match change {
        Change::Set(Some(user)) => Some(*user),
        _ => None,
    };
    check_member(
        db,
        tenant,
        Duty::Collect,
        CustomerError::AssigneeNotFound {
            field: "input.collectorId",
        },
        person(&command.collector_id),
    )
    .await?;
    check_member(
        db,
        tenant,
        Duty::Sell,
        CustomerError::AssigneeNotFound {
            field: "input.salespersonId",
        },
        person(&command.salesperson_id),
    )
    .await?;
    let actor = audit::actor_of(db, caller).await?;
    let today = db::tenant_calendar(db, tenant).await?.today;
    let tx = TenantTx::begin(db, tenant).await?;
    let ids = &command.customer_ids;
    let before = store::lock_assignments(&*tx, ids).await?;
    if let Some(index) = ids
        .iter()
        .position(|id| !before.iter().any(|row| row.id == *id))
    {
        return Err(CustomerError::AssignUnknown { index }.into());
    }
    let set = |change: &Change<Option<Uuid>>| match change {
        Change::Keep => None,
        Change::Set(person) => Some(*person),
    };
    store::assign(
        &*tx,
        ids,
        set(&command.collector_id),
        set(&command.salesperson_id),
    )
    .await?;
    if command.collector_id != Change::Keep {
        let moves: Vec<(Uuid, Option<Uuid>)> = before
            .iter()
            .map(|row| (row.id, row.collector_id))
            .collect();
        store::follow_collector(&*tx, &moves).await?;
    }
    let entries = before
        .iter()
        .map(|row| {
            let collector = set(&command.collector_id).unwrap_or(row.collector_id);
            let salesperson = set(&command.salesperson_id).unwrap_or(row.salesperson_id);
            AuditEntry {
                actor: actor.clone(),
                action: "customer.assigned",
                entity_type: "customer",
                entity_id: Some(row.id.to_string()),
                before: Some(assigned_to(row.collector_id, row.salesperson_id)),
                after: Some(assigned_to(collector, salesperson)),
                request_id: Some(request_id),
            }
        })
        .collect();
    audit::record_all(&*tx, tenant, entries).await?;
    let rows = store::load_customers(&*tx, today, ids).await?;
    let mut customers = assemble(db, &tx, today, rows).await?;
    tx.commit().await?;
    customers.sort_by_key(|customer| ids.iter().position(|id| *id == customer.row.id));
    Ok(customers)
}

/// The members work can be given to (every member, with their role), for those who assign
/// customers or read the team: a collector or salesperson has no one to give customers to.
pub async fn assignable_members(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<db::members::Member>, AppError> {
    caller
        .authorize(Permission::ManageCustomers)
        .or_else(|_| caller.authorize(Permission::ViewTeam))?;
    let tenant = caller.require_tenant()?;
    Ok(db::members::members(db, tenant, None).await?)
}

/// What a member may no longer be for the company's customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    /// Off their customers as collector, and their open tasks to the unassigned queue.
    pub collector: bool,
    pub salesperson: bool,
}

impl Release {
    /// A member who leaves is neither.
    pub const ALL: Release = Release {
        collector: true,
        salesperson: true,
    };

    /// What a member whose role becomes `role` may no longer be.
    pub fn for_role(role: domain::Role) -> Release {
        Release {
            collector: !role.may_collect(),
            salesperson: !role.may_sell(),
        }
    }

    pub fn is_empty(self) -> bool {
        !self.collector && !self.salesperson
    }
}

/// When a member leaves, or takes a role that may not collect or sell: their customers lose
/// them as collector or salesperson (one audit entry each) and, no longer a collector, their
/// open tasks go to the unassigned queue, where the owner finds them. Runs in the transaction
/// that changes the membership.
pub async fn release_member(
    tx: &TenantTx,
    user: Uuid,
    release: Release,
    actor: &audit::Actor,
    request_id: &str,
) -> Result<(), AppError> {
    if release.is_empty() {
        return Ok(());
    }
    let before =
        store::unassign_member(&**tx, user, release.collector, release.salesperson).await?;
    let without = |id: Option<Uuid>, released: bool| id.filter(|id| !released || *id != user);
    let entries = before
        .iter()
        .map(|row| AuditEntry {
            actor: actor.clone(),
            action: "customer.assigned",
            entity_type: "customer",
            entity_id: Some(row.id.to_string()),
            before: Some(assigned_to(row.collector_id, row.salesperson_id)),
            after: Some(assigned_to(
                without(row.collector_id, release.collector),
                without(row.salesperson_id, release.salesperson),
            )),
            request_id: Some(request_id),
        })
        .collect();
    audit::record_all(&**tx, tx.tenant(), entries).await?;
    if release.collector {
        crate::collections::store::tasks::unassign_member(&**tx, user).await?;
    }
    Ok(())
}
