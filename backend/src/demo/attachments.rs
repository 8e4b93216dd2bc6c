//! The demo company's files, once: a signed sales contract on its most overdue customer and the
//! bank's voucher (回单) on a payment, so the attachments panels and a legal case's evidence
//! pack show what they hold. Printed with the documents' font; without one, skipped.

use super::demo_company;
use crate::attachments::inspect;
use crate::attachments::storage::FileStore;
use crate::attachments::store::{self, NewAttachment};
use crate::db::TenantTx;
use crate::error::AppError;
use crate::pdf::{Column, Section, tables};
use domain::attachments::AttachmentOwner;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use uuid::Uuid;

/// Who the demo's files were added by.
const ADDED_BY: &str = "演示用户 Demo User";

/// Adds the demo's files unless it has some. True when it added them.
pub async fn seed_attachments(
    db: &DatabaseConnection,
    files: &FileStore,
    spool: &std::path::Path,
) -> Result<bool, AppError> {
    let Some(tenant) = demo_company(db).await? else {
        return Ok(false);
    };
    let tx = TenantTx::begin(db, tenant).await?;
    let held = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM attachments",
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    // The most overdue customer, and its latest payment.
    let picked = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.id AS customer_id, c.name, c.code,
                    (SELECT p.id FROM payments p WHERE p.customer_id = c.id
                     ORDER BY p.received_on DESC LIMIT 1) AS payment_id
             FROM customers c JOIN invoices i ON i.customer_id = c.id
             WHERE i.balance_due > 0 AND i.due_date < current_date
             GROUP BY c.id ORDER BY sum(i.balance_due) DESC LIMIT 1",
        ))
        .await?;
    tx.commit().await?;
    let Some(picked) = picked.filter(|_| held == 0) else {
        return Ok(false);
    };
    let customer_id: Uuid = picked.try_get("", "customer_id")?;
    let name: String = picked.try_get("", "name")?;
    let code: String = picked.try_get("", "code")?;
    let payment_id: Option<Uuid> = picked.try_get("", "payment_id")?;
    let column = |heading, width| Column {
        heading,
        width,
        amount: false,
    };
    let contract = tables(
        "购销合同 Sales contract",
        &format!("远航贸易 · {name} ({code}) · 已签字盖章 signed and sealed"),
        &[Section {
            heading: "付款条款 Payment terms",
            columns: vec![column("条款 Term", 120.0), column("内容 Content", 380.0)],
            rows: vec![
                vec![
                    "账期 Terms".to_owned(),
                    "月结 30 天 Net 30, month end".to_owned(),
                ],
                vec![
                    "逾期 Late payment".to_owned(),
                    "按日万分之五计违约金 0.05% a day".to_owned(),
                ],
            ],
        }],
        "页 Page",
    );
    let Ok(contract) = contract else {
        tracing::warn!("no PDF font: the demo company gets no attached files");
        return Ok(false);
    };
    let mut added = vec![(
        AttachmentOwner::Customer,
        customer_id,
        "购销合同-已盖章.pdf",
        contract,
    )];
    if let Some(payment_id) = payment_id
        && let Ok(voucher) = tables(
            "中国工商银行 电子回单 Bank voucher",
            &format!("付款人 Payer: {name}"),
            &[],
            "页 Page",
        )
    {
        added.push((
            AttachmentOwner::Payment,
            payment_id,
            "工商银行回单.pdf",
            voucher,
        ));
    }
    tokio::fs::create_dir_all(spool)
        .await
        .map_err(|error| AppError::Internal(error.into()))?;
    for (owner, owner_id, file_name, bytes) in added {
        let id = Uuid::now_v7();
        let path = spool.join(format!("demo-{id}"));
        tokio::fs::write(&path, &bytes)
            .await
            .map_err(|error| AppError::Internal(error.into()))?;
        let inspecting = path.clone();
        let inspected = tokio::task::spawn_blocking(move || inspect::inspect(&inspecting))
            .await
            .map_err(|error| AppError::Internal(error.into()))
            .and_then(|inspected| inspected.map_err(|error| AppError::Internal(error.into())));
        let key = FileStore::key(tenant, id);
        let stored = match inspected {
            Ok(inspected) => files
                .put_file(&key, &path)
                .await
                .map(|()| inspected)
                .map_err(AppError::Internal),
            Err(error) => Err(error),
        };
        let _ = tokio::fs::remove_file(&path).await;
        let inspected = stored?;
        let tx = TenantTx::begin(db, tenant).await?;
        store::insert(
            &*tx,
            NewAttachment {
                id,
                owner,
                owner_id,
                customer_id,
                file_name,
                kind: inspected.kind,
                size_bytes: i64::try_from(inspected.size).unwrap_or(i64::MAX),
                sha256: &inspected.sha256,
                storage_key: &key,
                metadata_removed: false,
                uploaded_by: ADDED_BY,
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(true)
}
