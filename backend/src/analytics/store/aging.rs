//! The aging's SQL: what was owed as of any day, item by item (`ITEMS_AS_OF`) or summed from
//! indexes (`OWED_AS_OF`), and the report's statements over them.

use crate::auth::{Caller, assigned_only};
use crate::db::{self, conditions::Conditions};
use crate::error::AppError;
use chrono::NaiveDate;
use domain::access::Access;
use domain::aging::{AgingEdges, AgingGroupBy, bucket_sums_sql};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};
use uuid::Uuid;

/// The invoices on an installment plan issued by `$1` in currency `$2` (time zone `$4`), each
/// with what was open on it that day (`open`): its balance now plus what came off it after the
/// day. Few, so taken one by one.
macro_rules! installments_open_as_of {
    () => {
        r#"inst AS (
    SELECT i.id, i.customer_id, i.issue_date, i.due_date, i.total,
           i.balance_due
           + coalesce((SELECT sum(a.amount) FROM allocations a
                       WHERE a.invoice_id = i.id
                         AND CASE WHEN a.with_payment THEN a.received_on > $1::date
                                  ELSE (a.created_at AT TIME ZONE $4)::date > $1::date END), 0)
           + coalesce((SELECT sum(n.amount) FROM credit_notes n
                       WHERE n.invoice_id = i.id AND n.issued_on > $1::date), 0)
           + CASE WHEN i.written_off_at IS NOT NULL AND (i.written_off_at AT TIME ZONE $4)::date > $1::date
                  THEN i.amount_written_off ELSE 0 END AS open
    FROM invoices i
    WHERE i.installment_plan AND i.status NOT IN ('DRAFT', 'VOID')
      AND i.currency = $2::bpchar AND i.issue_date <= $1::date
)"#
    };
}

/// The unpaid parts of `inst`'s invoices on `$1`, oldest installment paid first, at each
/// installment's due date (`$3` true) or the invoice's date: customer_id, ref_date, amount.
macro_rules! installment_parts {
    () => {
        r#"
    SELECT x.customer_id, x.ref_date, x.amount FROM (
        SELECT inst.customer_id, CASE WHEN $3 THEN s.due_date ELSE inst.issue_date END AS ref_date,
               least(s.amount, greatest(0, sum(s.amount) OVER (PARTITION BY s.invoice_id ORDER BY s.seq)
                                           - (inst.total - inst.open))) AS amount
        FROM inst JOIN installments s ON s.invoice_id = inst.id
        WHERE inst.open > 0
    ) x WHERE x.amount > 0
"#
    };
}

/// The receivable items open on `$1` (the as-of date) in currency `$2`, with their reference
/// date by basis (`$3`: true for the due date), and the company's time zone in `$4`. Columns:
/// invoice_id, customer_id, ref_date, amount. For what lists invoices (the drill-down and its
/// exports); sums read `OWED_AS_OF`, which adds the same up without going invoice by invoice.
///
/// Worked backwards from today, so a recent date reads little: an invoice's balance on the day
/// is its balance now plus what was allocated to it, credited or written off after the day
/// (the database keeps `balance_due = total - paid - credited - written off`). Only invoices
/// open now or touched after the day can have had a balance then.
pub const ITEMS_AS_OF: &str = concat!(
    r#"
WITH later AS (
    -- Allocated with the payment: counts from the day the payment was received. (An
    -- allocation keeps the facts from its payment and invoice.)
    SELECT a.invoice_id, a.amount FROM allocations a
    WHERE a.with_payment AND a.received_on > $1::date AND a.currency = $2::bpchar
    UNION ALL
    -- Allocated later (allocatePayment, applyCredit), or a reversal: from the day it was made.
    SELECT a.invoice_id, a.amount FROM allocations a
    WHERE NOT a.with_payment AND a.created_at >= ($1::date - 1)::timestamptz AND a.currency = $2::bpchar
      AND (a.created_at AT TIME ZONE $4)::date > $1::date
), paid AS (
    SELECT invoice_id, sum(amount) AS amount FROM later GROUP BY invoice_id
), credited AS (
    SELECT n.invoice_id, sum(n.amount) AS amount FROM credit_notes n
    WHERE n.currency = $2::bpchar AND n.issued_on > $1::date GROUP BY n.invoice_id
), touched AS (
    SELECT invoice_id FROM paid UNION SELECT invoice_id FROM credited
    UNION
    SELECT id FROM invoices WHERE status = 'WRITTEN_OFF' AND currency = $2::bpchar
      AND (written_off_at AT TIME ZONE $4)::date > $1::date
), inv AS (
    -- One pass over the invoices: the ones open now, or touched after the day. (Reading the
    -- open ones from an index and looking up the touched ones by id is slower for a day a
    -- quarter back: a lookup per invoice paid since.)
    SELECT i.id, i.customer_id, i.issue_date, i.due_date, i.installment_plan, i.total,
           i.balance_due + coalesce(p.amount, 0) + coalesce(c.amount, 0)
             + CASE WHEN i.written_off_at IS NOT NULL AND (i.written_off_at AT TIME ZONE $4)::date > $1::date
                    THEN i.amount_written_off ELSE 0 END AS open
    FROM invoices i
    LEFT JOIN paid p ON p.invoice_id = i.id
    LEFT JOIN credited c ON c.invoice_id = i.id
    WHERE i.status NOT IN ('DRAFT', 'VOID') AND i.currency = $2::bpchar AND i.issue_date <= $1::date
      AND (i.status IN "#,
    domain::open_statuses!(),
    r#" OR i.id IN (SELECT invoice_id FROM touched))
), items AS (
    SELECT inv.id AS invoice_id, inv.customer_id,
           CASE WHEN $3 THEN inv.due_date ELSE inv.issue_date END AS ref_date, inv.open AS amount
    FROM inv WHERE NOT inv.installment_plan AND inv.open > 0
    UNION ALL
    SELECT x.invoice_id, x.customer_id, x.ref_date, x.amount FROM (
        SELECT inv.id AS invoice_id, inv.customer_id,
               CASE WHEN $3 THEN s.due_date ELSE inv.issue_date END AS ref_date,
               least(s.amount, greatest(0, sum(s.amount) OVER (PARTITION BY s.invoice_id ORDER BY s.seq)
                                           - (inv.total - inv.open))) AS amount
        FROM inv JOIN installments s ON s.invoice_id = inv.id
        WHERE inv.installment_plan AND inv.open > 0
    ) x WHERE x.amount > 0
)
"#
);

/// What was owed on `$1` in currency `$2`, by customer and reference date (`$3`: true for the
/// due date, else the invoice date; time zone `$4`): `items` with the columns customer_id,
/// ref_date, amount, for reports that add up (the aging report's groups, the KPIs, a
/// portfolio's overdue). The same sums as `ITEMS_AS_OF`, without going invoice by invoice: an
/// invoice's balance on the day is its balance now plus what came off it after the day, and
/// an invoice without an installment plan keeps its customer and dates once issued. So its
/// share is its open balance now (if issued by the day) and each movement after the day, at
/// the invoice's date (allocations keep their invoice's customer, currency and dates), every
/// part read from an index. Invoices on an installment plan, few, are taken one by one: their
/// unpaid parts fall at each installment's date.
pub const OWED_AS_OF: &str = concat!(
    r#"
WITH apart AS (
    -- Taken one by one below; or voided, so never owed, whatever was allocated to them (a
    -- payment since reversed).
    SELECT id FROM invoices WHERE installment_plan OR status = 'VOID'
), "#,
    installments_open_as_of!(),
    r#", items AS (
    SELECT i.customer_id, CASE WHEN $3 THEN i.due_date ELSE i.issue_date END AS ref_date,
           i.balance_due AS amount
    FROM invoices i
    WHERE i.status IN "#,
    domain::open_statuses!(),
    r#" AND NOT i.installment_plan
      AND i.currency = $2::bpchar AND i.issue_date <= $1::date
    UNION ALL
    -- Allocated with the payment: counts from the day the payment was received.
    SELECT a.customer_id, CASE WHEN $3 THEN a.invoice_due_on ELSE a.invoice_issued_on END, a.amount
    FROM allocations a
    WHERE a.with_payment AND a.received_on > $1::date
      AND a.currency = $2::bpchar AND a.invoice_issued_on <= $1::date
      AND a.invoice_id NOT IN (SELECT id FROM apart)
    UNION ALL
    -- Allocated later, or a reversal: from the day it was made.
    SELECT a.customer_id, CASE WHEN $3 THEN a.invoice_due_on ELSE a.invoice_issued_on END, a.amount
    FROM allocations a
    WHERE NOT a.with_payment AND a.created_at >= ($1::date - 1)::timestamptz
      AND (a.created_at AT TIME ZONE $4)::date > $1::date
      AND a.currency = $2::bpchar AND a.invoice_issued_on <= $1::date
      AND a.invoice_id NOT IN (SELECT id FROM apart)
    UNION ALL
    -- Each credit note after the day looks its invoice up by id: few against the ledger (a
    -- join planned as a hash read every invoice).
    SELECT i.customer_id, CASE WHEN $3 THEN i.due_date ELSE i.issue_date END, n.amount
    FROM credit_notes n
    CROSS JOIN LATERAL (
        SELECT i.customer_id, i.due_date, i.issue_date FROM invoices i
        WHERE i.id = n.invoice_id AND i.issue_date <= $1::date AND NOT i.installment_plan
    ) i
    WHERE n.currency = $2::bpchar AND n.issued_on > $1::date
    UNION ALL
    -- A write-off is final: the invoice stays written off.
    SELECT i.customer_id, CASE WHEN $3 THEN i.due_date ELSE i.issue_date END, i.amount_written_off
    FROM invoices i
    WHERE i.status = 'WRITTEN_OFF' AND NOT i.installment_plan
      AND i.currency = $2::bpchar AND i.issue_date <= $1::date
      AND (i.written_off_at AT TIME ZONE $4)::date > $1::date
    UNION ALL"#,
    installment_parts!(),
    r#")
"#
);

/// What the whole company owed on `$1` in currency `$2` by due date (time zone `$4`), from the
/// ledger's movements kept by day (`owed_by_day`): `items` with the columns customer_id (none
/// but for installments), ref_date, amount, the same sums as `OWED_AS_OF` by due date. The kept
/// movements put each invoice at its own due date; one on an installment plan falls due part
/// by part, so its share there is taken back and its unpaid parts added at theirs.
pub const OWED_BY_DUE_DATE_FROM_FACTS: &str = concat!(
    r#"
WITH "#,
    installments_open_as_of!(),
    r#", items AS (
    -- Summed by due date first: a few hundred rows to put in buckets, not every kept one.
    SELECT NULL::uuid AS customer_id, f.due_on AS ref_date, sum(f.amount) AS amount
    FROM owed_by_day f
    WHERE f.currency = $2::bpchar AND f.on_day <= $1::date
      AND (f.at IS NULL OR (f.at AT TIME ZONE $4)::date <= $1::date)
    GROUP BY f.due_on
    UNION ALL
    SELECT inst.customer_id, inst.due_date, -inst.open FROM inst
    UNION ALL"#,
    installment_parts!(),
    r#")
"#
);

/// The bucket sums of `items` under a grouping expression, edges in `$5`, `$6`, `$7`.
fn bucket_columns() -> String {
    format!(
        "{},\n     coalesce(sum(t.amount), 0) AS total",
        bucket_sums_sql(
            "t.amount",
            "($1::date - t.ref_date)",
            ["$5", "$6", "$7"],
            ["current", "d1", "d2", "d3", "d4"],
            true,
        )
    )
}

/// One group's bucket sums (`key` and `label` are none when not grouped).
#[derive(Debug, Clone, FromQueryResult)]
pub struct BucketRow {
    pub key: Option<String>,
    pub label: Option<String>,
    pub current: Decimal,
    pub d1: Decimal,
    pub d2: Decimal,
    pub d3: Decimal,
    pub d4: Decimal,
    pub total: Decimal,
}

/// Makes the transaction plan each as-of statement for the day it asks about. A generic plan,
/// made once for any day, takes a year's movements for a handful and nests loops over them
/// (minutes instead of seconds at a million invoices). Its sorts and hashes get a report's
/// memory.
pub async fn plan_for_the_day(conn: &impl ConnectionTrait) -> Result<(), AppError> {
    conn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
        .await?;
    db::report_memory(conn).await?;
    Ok(())
}

/// The company's bucket edges (its reports settings).
pub async fn edges(conn: &impl ConnectionTrait) -> Result<AgingEdges, AppError> {
    Ok(crate::settings::read(conn).await?.aging_edges())
}

/// What was owed on a day by due date, bucket by bucket, for the customers in `scope`: the
/// KPIs' AR and the ungrouped aging report's totals.
pub async fn buckets_as_of(
    conn: &impl ConnectionTrait,
    as_of: NaiveDate,
    currency: &str,
    time_zone: &str,
    edges: &AgingEdges,
    scope: &crate::analytics::store::kpis::KpiScope,
) -> Result<BucketRow, AppError> {
    plan_for_the_day(conn).await?;
    // The whole company's is kept by day; a segment's or a collector's is worked out.
    let (sql, extra) = if scope.is_company() {
        (
            format!(
                "{OWED_BY_DUE_DATE_FROM_FACTS} SELECT NULL::text AS key, NULL::text AS label, {} FROM items t",
                bucket_columns(),
            ),
            Vec::new(),
        )
    } else {
        (
            format!(
                "{OWED_AS_OF} SELECT NULL::text AS key, NULL::text AS label, {} FROM items t WHERE {}",
                bucket_columns(),
                crate::analytics::store::kpis::in_scope("t.customer_id", 8),
            ),
            scope.values().to_vec(),
        )
    };
    let row = BucketRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values(as_of, currency, true, time_zone, edges, extra),
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("AR as of a day returned nothing")))?;
    Ok(row)
}

fn values(
    as_of: NaiveDate,
    currency: &str,
    by_due_date: bool,
    time_zone: &str,
    edges: &AgingEdges,
    extra: Vec<Value>,
) -> Vec<Value> {
    let mut out: Vec<Value> = vec![
        as_of.into(),
        currency.to_owned().into(),
        by_due_date.into(),
        time_zone.to_owned().into(),
        edges.0[0].into(),
        edges.0[1].into(),
        edges.0[2].into(),
    ];
    out.extend(extra);
    out
}

/// The day, currency, basis, time zone and bucket edges an as-of statement binds (`$1` to `$7`).
pub struct AsOf<'a> {
    pub day: NaiveDate,
    pub currency: &'a str,
    /// Days from the due date (else from the invoice date).
    pub by_due_date: bool,
    pub time_zone: &'a str,
    pub edges: &'a AgingEdges,
}

impl AsOf<'_> {
    fn values(&self) -> Vec<Value> {
        values(
            self.day,
            self.currency,
            self.by_due_date,
            self.time_zone,
            self.edges,
            Vec::new(),
        )
    }
}

/// What was owed on the day, by group and bucket, largest total first (one row when not
/// grouped). Collectors and salespeople see their own customers' aging only.
pub async fn owed_by_group(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    access: Access,
    as_of: &AsOf<'_>,
    group_by: AgingGroupBy,
) -> Result<Vec<BucketRow>, DbErr> {
    let mut conditions = Conditions::new(as_of.values());
    assigned_only(caller, access, &mut conditions, "c.");
    let scope = conditions.sql();
    let (key, label, group) = match group_by {
        AgingGroupBy::None => ("NULL::text", "NULL::text", ""),
        AgingGroupBy::Customer => (
            "c.id::text",
            "c.code || ' ' || c.name",
            "GROUP BY c.id, c.code, c.name",
        ),
        AgingGroupBy::Collector => (
            "c.collector_id::text",
            "c.collector_id::text",
            "GROUP BY c.collector_id",
        ),
        AgingGroupBy::Segment => ("c.segment", "c.segment", "GROUP BY c.segment"),
    };
    // The items are summed by customer first (a narrow key over every open item), and only
    // those sums are joined to the customers and added up by the group: the same figures,
    // without hashing every item against the customers' names.
    let regrouped = ["current", "d1", "d2", "d3", "d4", "total"]
        .map(|bucket| format!("coalesce(sum(p.{bucket}), 0) AS {bucket}"))
        .join(", ");
    let sql = format!(
        "{OWED_AS_OF}, per_customer AS (
             SELECT t.customer_id, {} FROM items t GROUP BY t.customer_id
         )
         SELECT {key} AS key, {label} AS label, {regrouped}
         FROM per_customer p JOIN customers c ON c.id = p.customer_id WHERE {scope} {group}
         ORDER BY total DESC",
        bucket_columns()
    );
    BucketRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        conditions.values.clone(),
    ))
    .all(conn)
    .await
}

/// One invoice (or installment) open on the day.
#[derive(Debug, FromQueryResult)]
pub struct ItemRow {
    pub invoice_id: Uuid,
    pub number: Option<String>,
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub ref_date: NaiveDate,
    pub amount: Decimal,
}

/// The group of the report a drill-down reads: none for "no collector"/"no segment".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Group {
    All,
    Customer(Uuid),
    Collector(Option<Uuid>),
    Segment(Option<String>),
}

/// The items of a group open on the day, at most `first`, largest first; `days` bounds the
/// days since the reference date (a bucket), both ends included.
pub async fn items(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    access: Access,
    as_of: &AsOf<'_>,
    group: Group,
    days: Option<(i64, i64)>,
    first: i32,
) -> Result<Vec<ItemRow>, DbErr> {
    let mut conditions = Conditions::new(as_of.values());
    assigned_only(caller, access, &mut conditions, "c.");
    match group {
        Group::All => {}
        Group::Customer(id) => conditions.push("c.id = ?", id),
        Group::Collector(Some(id)) => conditions.push("c.collector_id = ?", id),
        Group::Collector(None) => conditions.fixed("c.collector_id IS NULL"),
        Group::Segment(Some(segment)) => conditions.push("c.segment = ?", segment),
        Group::Segment(None) => conditions.fixed("c.segment IS NULL"),
    }
    if let Some((low, high)) = days {
        conditions.push("$1::date - t.ref_date >= ?", low);
        conditions.push("$1::date - t.ref_date <= ?", high);
    }
    let scope = conditions.sql();
    let mut values = conditions.values;
    values.push(i64::from(first).into());
    ItemRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "{ITEMS_AS_OF} SELECT t.invoice_id, i.number, c.id AS customer_id, c.code, c.name, t.ref_date, t.amount
             FROM items t JOIN customers c ON c.id = t.customer_id JOIN invoices i ON i.id = t.invoice_id
             WHERE {scope} ORDER BY t.amount DESC, t.invoice_id LIMIT ${}",
            values.len()
        ),
        values.clone(),
    ))
    .all(conn)
    .await
}

/// Folds each day before `today` of `owed_by_day` into one row per currency, instant and due
/// date (its triggers add rows per statement). Rows written meanwhile are not seen and stay
/// for the next time; the sums never change.
pub async fn compact_owed_by_day(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<(), AppError> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "WITH folded AS (
             DELETE FROM owed_by_day WHERE on_day < $1 RETURNING currency, on_day, at, due_on, amount
         )
         INSERT INTO owed_by_day (currency, on_day, at, due_on, amount)
         SELECT currency, on_day, at, due_on, sum(amount) FROM folded
         GROUP BY currency, on_day, at, due_on HAVING sum(amount) <> 0",
        [today.into()],
    ))
    .await?;
    Ok(())
}
