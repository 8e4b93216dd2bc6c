//! Team members as the people work is assigned to: who they are and what their role lets them
//! take on. Control-plane reads (`public.memberships`), outside any tenant transaction.

use domain::{Role, TenantId};
use sea_orm::{DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

/// A member of the company with their role.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Member {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl Member {
    pub fn name(&self) -> super::MemberName {
        super::MemberName {
            id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
        }
    }
}

/// The members of `tenant` among `ids` (all of them when `ids` is `None`), by name.
pub async fn members(
    db: &DatabaseConnection,
    tenant: TenantId,
    ids: Option<&[Uuid]>,
) -> Result<Vec<Member>, DbErr> {
    Member::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT u.id, u.name, u.email::text AS email, m.role FROM public.users u
         JOIN public.memberships m ON m.user_id = u.id AND m.tenant_id = $1
         WHERE $2::uuid[] IS NULL OR u.id = ANY($2::uuid[])
         ORDER BY lower(u.name), u.id",
        [tenant.0.into(), ids.map(<[Uuid]>::to_vec).into()],
    ))
    .all(db)
    .await
}

/// One member of `tenant`, or `None` when `id` is not one (another company's user included).
pub async fn member(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<Member>, DbErr> {
    Ok(members(db, tenant, Some(&[id])).await?.pop())
}
