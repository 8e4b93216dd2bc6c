//! `duely rotate-encryption-key`: re-seals every secret at rest that an older key sealed, with
//! the server's current key. Run after every replica has the new `DUELY_ENCRYPTION_KEY` and
//! the old one in `DUELY_ENCRYPTION_KEYS_PREVIOUS` (so each opens both meanwhile); afterwards
//! the old key can be dropped. Safe to run again and to interrupt: each batch is one
//! transaction, and a value already under the current key is left as it is.

use super::{Sealer, company_context};
use crate::billing::service::online::{SECRET_KEY, WEBHOOK_SECRET};
use crate::db::TenantTx;
use domain::TenantId;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use uuid::Uuid;

/// Outbox rows re-sealed per transaction.
const BATCH: u64 = 500;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Values re-sealed with the current key.
    pub resealed: u64,
    /// Values that already were.
    pub current: u64,
    /// Where a value opened with none of the keys (left unchanged).
    pub unopened: Vec<String>,
}

impl Rotation {
    fn count(
        &mut self,
        place: String,
        resealed: anyhow::Result<Option<Vec<u8>>>,
    ) -> Option<Vec<u8>> {
        match resealed {
            Ok(Some(sealed)) => {
                self.resealed += 1;
                Some(sealed)
            }
            Ok(None) => {
                self.current += 1;
                None
            }
            Err(error) => {
                self.unopened.push(format!("{place}: {error}"));
                None
            }
        }
    }
}

/// Re-seals the outbox's link secrets, every company's Stripe secrets, its webhook endpoints'
/// signing secrets and its message channels' credentials.
pub async fn rotate(db: &DatabaseConnection, sealer: &Sealer) -> anyhow::Result<Rotation> {
    let mut rotation = Rotation::default();
    rotate_outbox(db, sealer, &mut rotation).await?;
    let tenants = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id FROM public.tenants ORDER BY id",
        ))
        .await?;
    for row in tenants {
        let tenant = TenantId::from_uuid(row.try_get::<Uuid>("", "id")?);
        rotate_stripe_account(db, sealer, tenant, &mut rotation).await?;
        rotate_webhook_secrets(db, sealer, tenant, &mut rotation).await?;
        rotate_message_channels(db, sealer, tenant, &mut rotation).await?;
    }
    Ok(rotation)
}

/// In batches by id; only rows not yet under the current key are read.
async fn rotate_outbox(
    db: &DatabaseConnection,
    sealer: &Sealer,
    rotation: &mut Rotation,
) -> anyhow::Result<()> {
    let not_current = "secret_sealed IS NOT NULL
        AND (get_byte(secret_sealed, 0) <> 2 OR substring(secret_sealed FROM 2 FOR 4) <> $1)";
    rotation.current += db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT count(*) AS n FROM public.email_outbox
                 WHERE secret_sealed IS NOT NULL AND NOT ({not_current})"
            ),
            [sealer.key_id().to_vec().into()],
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0) as u64;
    let mut after = Uuid::nil();
    loop {
        let txn = db.begin().await?;
        let rows = txn
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                format!(
                    "SELECT id, secret_sealed FROM public.email_outbox
                     WHERE id > $2 AND {not_current}
                     ORDER BY id LIMIT {BATCH} FOR UPDATE"
                ),
                [sealer.key_id().to_vec().into(), after.into()],
            ))
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("", "id")?;
        let (mut ids, mut values) = (Vec::new(), Vec::new());
        for row in &rows {
            let id: Uuid = row.try_get("", "id")?;
            let sealed: Vec<u8> = row.try_get("", "secret_sealed")?;
            let context = crate::email::outbox_context(id);
            if let Some(resealed) = rotation.count(
                format!("email_outbox {id}"),
                sealer.reseal_for(&context, &sealed),
            ) {
                ids.push(id);
                values.push(resealed);
            }
        }
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE public.email_outbox o SET secret_sealed = v.sealed
             FROM unnest($1::uuid[], $2::bytea[]) AS v (id, sealed) WHERE o.id = v.id",
            [ids.into(), values.into()],
        ))
        .await?;
        txn.commit().await?;
    }
    Ok(())
}

/// The company's connected Stripe account, if any: both secrets in one transaction. Written
/// even in a read-only company: a key rotation is not the company's change.
async fn rotate_stripe_account(
    db: &DatabaseConnection,
    sealer: &Sealer,
    tenant: TenantId,
    rotation: &mut Rotation,
) -> anyhow::Result<()> {
    let tx = TenantTx::begin_writable(db, tenant).await?;
    let row = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT secret_key_sealed, webhook_secret_sealed FROM stripe_account FOR UPDATE",
        ))
        .await?;
    let Some(row) = row else {
        return Ok(tx.commit().await?);
    };
    let mut changed = false;
    let mut sealed = Vec::new();
    for (column, purpose) in [
        ("secret_key_sealed", SECRET_KEY),
        ("webhook_secret_sealed", WEBHOOK_SECRET),
    ] {
        let value: Vec<u8> = row.try_get("", column)?;
        let resealed = rotation.count(
            format!("company {} {column}", tenant.0),
            sealer.reseal_for(&company_context(tenant, purpose), &value),
        );
        changed |= resealed.is_some();
        sealed.push(resealed.unwrap_or(value));
    }
    if changed {
        let [secret_key, webhook_secret]: [Vec<u8>; 2] = sealed
            .try_into()
            .map_err(|_| anyhow::anyhow!("two sealed values"))?;
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE stripe_account SET secret_key_sealed = $1, webhook_secret_sealed = $2",
            [secret_key.into(), webhook_secret.into()],
        ))
        .await?;
    }
    Ok(tx.commit().await?)
}

/// The company's webhook endpoints' signing secrets (and those a rotation keeps for a day), in
/// one transaction: a company has at most `MAX_ENDPOINTS` endpoints.
async fn rotate_webhook_secrets(
    db: &DatabaseConnection,
    sealer: &Sealer,
    tenant: TenantId,
    rotation: &mut Rotation,
) -> anyhow::Result<()> {
    let tx = TenantTx::begin_writable(db, tenant).await?;
    let rows = tx
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id, secret, previous_secret FROM webhook_endpoints ORDER BY id FOR UPDATE",
        ))
        .await?;
    for row in rows {
        let id: Uuid = row.try_get("", "id")?;
        let context = company_context(tenant, &crate::webhooks::delivery::secret_purpose(id));
        let mut reseal = |column: &str, value: Vec<u8>| {
            rotation
                .count(
                    format!("company {} webhook endpoint {id} {column}", tenant.0),
                    sealer.reseal_for(&context, &value),
                )
                .unwrap_or(value)
        };
        let secret = reseal("secret", row.try_get("", "secret")?);
        let previous = row
            .try_get::<Option<Vec<u8>>>("", "previous_secret")?
            .map(|value| reseal("previous_secret", value));
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE webhook_endpoints SET secret = $2, previous_secret = $3 WHERE id = $1",
            [id.into(), secret.into(), previous.into()],
        ))
        .await?;
    }
    Ok(tx.commit().await?)
}

/// The company's SMS and WeChat Work channels' credentials (at most one channel of each kind),
/// in one transaction.
async fn rotate_message_channels(
    db: &DatabaseConnection,
    sealer: &Sealer,
    tenant: TenantId,
    rotation: &mut Rotation,
) -> anyhow::Result<()> {
    let tx = TenantTx::begin_writable(db, tenant).await?;
    let rows = tx
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT kind, credentials FROM message_channels ORDER BY kind FOR UPDATE",
        ))
        .await?;
    for row in rows {
        let kind: String = row.try_get("", "kind")?;
        let kind = domain::messaging::MessageChannelKind::parse(&kind)
            .ok_or_else(|| anyhow::anyhow!("message_channels.kind: unknown {kind:?}"))?;
        let context = company_context(tenant, &crate::messaging::send::credentials_purpose(kind));
        let value: Vec<u8> = row.try_get("", "credentials")?;
        if let Some(resealed) = rotation.count(
            format!("company {} message channel {}", tenant.0, kind.as_str()),
            sealer.reseal_for(&context, &value),
        ) {
            tx.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE message_channels SET credentials = $2 WHERE kind = $1",
                [kind.as_str().into(), resealed.into()],
            ))
            .await?;
        }
    }
    Ok(tx.commit().await?)
}
