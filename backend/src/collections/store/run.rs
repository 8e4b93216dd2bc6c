//! What the dunning run writes: its `dunning_runs` row, the steps it claims, the activities and
//! tasks it leaves, credit holds, legal cases, and the templates and contacts it reads.

use chrono::NaiveDate;
use domain::messages::{Localized, Text};
use domain::{Locale, TenantId};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(Debug, FromQueryResult)]
struct IdRow {
    id: Uuid,
}

#[derive(Debug, FromQueryResult)]
struct LocaleRow {
    locale: Locale,
}

/// The company's language, from the control plane.
pub async fn tenant_locale(db: &DatabaseConnection, tenant: TenantId) -> Result<Locale, DbErr> {
    LocaleRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT locale FROM public.tenants WHERE id = $1",
        [tenant.0.into()],
    ))
    .one(db)
    .await?
    .map(|row| row.locale)
    .ok_or_else(|| DbErr::RecordNotFound("tenant".to_owned()))
}

/// The run's row: a scheduled run retried (after a crash or a lapsed lease) continues the day's
/// row; a run by hand gets its own. Returns its id, when the row was written.
pub async fn open_run(
    conn: &impl ConnectionTrait,
    date: NaiveDate,
    trigger: &str,
) -> Result<Option<Uuid>, DbErr> {
    Ok(IdRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO dunning_runs (id, run_date, trigger) VALUES ($1, $2, $3)
             ON CONFLICT (run_date) WHERE trigger = 'SCHEDULE' DO UPDATE SET finished_at = NULL
             RETURNING id",
        [Uuid::now_v7().into(), date.into(), trigger.into()],
    ))
    .one(conn)
    .await?
    .map(|row| row.id))
}

/// What a run adds to its row as it finishes.
pub struct Finished {
    pub customers: i32,
    pub emails: i32,
    pub tasks: i32,
    pub fees: i32,
    pub holds: i32,
    pub releases: i32,
    pub legal_cases: i32,
    pub paused: i32,
    pub failures: i32,
    pub errors: serde_json::Value,
}

pub async fn finish_run(
    conn: &impl ConnectionTrait,
    run_id: Uuid,
    finished: Finished,
) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE dunning_runs SET finished_at = now(), customers = customers + $2, emails = emails + $3,
                tasks = tasks + $4, fees = fees + $5, holds = holds + $6, releases = releases + $7,
                legal_cases = legal_cases + $8, paused = $9, failures = $10, errors = $11
         WHERE id = $1",
        [
            run_id.into(),
            finished.customers.into(),
            finished.emails.into(),
            finished.tasks.into(),
            finished.fees.into(),
            finished.holds.into(),
            finished.releases.into(),
            finished.legal_cases.into(),
            finished.paused.into(),
            finished.failures.into(),
            finished.errors.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// A template an admin wrote, for the run to use.
#[derive(Debug, FromQueryResult)]
pub struct TemplateRow {
    pub policy_id: Uuid,
    pub step_offset: i32,
    pub locale: Locale,
    pub subject: String,
    pub body: String,
}

pub async fn templates(conn: &impl ConnectionTrait) -> Result<Vec<TemplateRow>, DbErr> {
    TemplateRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT policy_id, step_offset, locale, subject, body FROM email_templates",
    ))
    .all(conn)
    .await
}

/// Locks customers and their open invoices (a payment waits for the run's transaction), in one
/// statement: the customers by id in an init plan that runs first, then their invoices by id.
/// Every writer locks a customer before its invoices, so two never wait on each other.
pub async fn lock_customers(conn: &impl ConnectionTrait, customers: &[Uuid]) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        concat!(
            "WITH locked AS MATERIALIZED (
                 SELECT c.id FROM customers c WHERE c.id = ANY($1::uuid[]) ORDER BY c.id FOR UPDATE)
             SELECT i.id FROM invoices i
             WHERE i.customer_id = ANY(ARRAY(SELECT id FROM locked)) AND i.status IN ",
            domain::open_statuses!(),
            "
             ORDER BY i.id FOR UPDATE OF i"
        ),
        [customers.to_vec().into()],
    ))
    .await?;
    Ok(())
}

/// A step to claim for one invoice: the step's day (which names it) and its action.
pub struct StepClaim {
    pub invoice_id: Uuid,
    pub offset: i32,
    pub action: String,
}

#[derive(Debug, FromQueryResult)]
struct ClaimedRow {
    invoice_id: Uuid,
    step_offset: i32,
}

/// Claims every (invoice, step) of a customer's due steps in one statement; returns those this
/// run now owns (a step claimed before is not claimed again).
pub async fn claim(
    conn: &impl ConnectionTrait,
    run_id: Uuid,
    customer: Uuid,
    claims: &[StepClaim],
    date: NaiveDate,
) -> Result<Vec<(Uuid, i32)>, DbErr> {
    let invoices: Vec<Uuid> = claims.iter().map(|claim| claim.invoice_id).collect();
    let offsets: Vec<i32> = claims.iter().map(|claim| claim.offset).collect();
    let actions: Vec<String> = claims.iter().map(|claim| claim.action.clone()).collect();
    Ok(ClaimedRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO dunning_actions (id, customer_id, invoice_id, step_offset, action, run_date, run_id)
             SELECT gen_random_uuid(), $1, c.invoice_id, c.step_offset, c.action, $5, $6
             FROM unnest($2::uuid[], $3::int[], $4::text[]) AS c(invoice_id, step_offset, action)
             ON CONFLICT (invoice_id, step_offset) DO NOTHING
             RETURNING invoice_id, step_offset",
        [
            customer.into(),
            invoices.into(),
            offsets.into(),
            actions.into(),
            date.into(),
            run_id.into(),
        ],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(|row| (row.invoice_id, row.step_offset))
    .collect())
}

/// An entry in the customer's activity log (and so its timeline) from the run.
pub struct RunActivity {
    pub channel: &'static str,
    pub note: String,
    pub invoices: Vec<Uuid>,
}

/// A customer's entries from one run (`label`), with their invoices, in one statement; they
/// read in the order given.
pub async fn insert_activities(
    conn: &impl ConnectionTrait,
    customer: Uuid,
    activities: &[RunActivity],
    label: &str,
) -> Result<(), DbErr> {
    if activities.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = activities
        .iter()
        .map(|activity| {
            serde_json::json!({
                "id": Uuid::now_v7(),
                "channel": activity.channel,
                "note": activity.note,
                "invoice_ids": activity.invoices,
            })
        })
        .collect();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "WITH a AS (
             SELECT * FROM jsonb_to_recordset($1::jsonb) AS a(id uuid, channel text, note text, invoice_ids uuid[])
         ), activity AS (
             INSERT INTO collection_activities (id, customer_id, channel, outcome, note, occurred_at, logged_by, logged_by_label)
             SELECT id, $2, channel, 'OTHER', note, now(), NULL, $3 FROM a
         )
         INSERT INTO collection_activity_invoices (activity_id, invoice_id)
         SELECT a.id, unnest(a.invoice_ids) FROM a",
        [
            serde_json::Value::Array(rows).into(),
            customer.into(),
            label.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// A task the run leaves for a collector.
pub struct NewTask<'a> {
    pub customer_id: Uuid,
    pub kind: &'a str,
    pub title: Text,
    pub due_on: NaiveDate,
    pub assignee_id: Option<Uuid>,
    pub run_id: Uuid,
    pub step_offset: i32,
    pub invoice_ids: Vec<Uuid>,
}

/// The tasks a run leaves for one customer, in one statement.
pub async fn insert_tasks(conn: &impl ConnectionTrait, tasks: &[NewTask<'_>]) -> Result<(), DbErr> {
    if tasks.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = tasks
        .iter()
        .map(|task| {
            serde_json::json!({
                "id": Uuid::now_v7(),
                "customer_id": task.customer_id,
                "kind": task.kind,
                "title_code": task.title.code(),
                "title_params": serde_json::Value::Object(task.title.params()),
                // In English too, for a server of the previous version during a rollout.
                "title": task.title.text(Locale::En),
                "due_on": task.due_on,
                "assignee_id": task.assignee_id,
                "run_id": task.run_id,
                "step_offset": task.step_offset,
                "invoice_ids": task.invoice_ids,
            })
        })
        .collect();
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO collection_tasks (id, customer_id, kind, title_code, title_params, title, due_on, assignee_id, source, run_id, step_offset, invoice_ids)
         SELECT id, customer_id, kind, title_code, title_params, title, due_on, assignee_id, 'DUNNING', run_id, step_offset, invoice_ids
         FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, customer_id uuid, kind text, title_code text, title_params jsonb,
              title text, due_on date, assignee_id uuid, run_id uuid, step_offset integer, invoice_ids uuid[])",
        [serde_json::Value::Array(rows).into()],
    ))
    .await?;
    Ok(())
}

/// A contact the run writes to: the address, the contact's own language (none: the
/// customer's), and whether they receive billing.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ContactEmail {
    pub email: String,
    pub locale: Option<Locale>,
    pub billing: bool,
}

/// The addresses to write to: when any contact receives billing (invoices, statements and
/// dunning), those contacts' addresses, each once; otherwise the first contact with an address,
/// those preferring email first. Empty when nobody to write to has one.
pub async fn contact_emails(
    conn: &impl ConnectionTrait,
    customer: Uuid,
) -> Result<Vec<ContactEmail>, DbErr> {
    let rows = ContactEmail::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT c.email, c.locale, c.billing FROM customer_contacts c
         WHERE c.customer_id = $1 AND c.email IS NOT NULL
           AND (c.billing OR NOT EXISTS (
                SELECT 1 FROM customer_contacts b WHERE b.customer_id = $1 AND b.billing))
         ORDER BY (c.preferred_channel = 'EMAIL') DESC NULLS LAST, c.position",
        [customer.into()],
    ))
    .all(conn)
    .await?;
    Ok(recipients(rows))
}

/// Billing contacts all (an address once, at its first place); otherwise the first.
fn recipients(rows: Vec<ContactEmail>) -> Vec<ContactEmail> {
    if !rows.first().is_some_and(|row| row.billing) {
        return rows.into_iter().take(1).collect();
    }
    let mut picked: Vec<ContactEmail> = Vec::with_capacity(rows.len());
    for row in rows {
        if !picked
            .iter()
            .any(|seen| seen.email.eq_ignore_ascii_case(&row.email))
        {
            picked.push(row);
        }
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(email: &str, billing: bool) -> ContactEmail {
        ContactEmail {
            email: email.to_owned(),
            locale: None,
            billing,
        }
    }

    #[test]
    fn billing_contacts_all_receive_it_once_otherwise_the_first_contact() {
        let billing = recipients(vec![
            contact("ap@x.cn", true),
            contact("AP@x.cn", true),
            contact("cfo@x.cn", true),
        ]);
        let emails: Vec<&str> = billing.iter().map(|row| row.email.as_str()).collect();
        assert_eq!(emails, ["ap@x.cn", "cfo@x.cn"]);
        let first = recipients(vec![contact("a@x.cn", false), contact("b@x.cn", false)]);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].email, "a@x.cn");
        assert!(recipients(Vec::new()).is_empty());
    }
}
