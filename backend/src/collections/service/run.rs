//! The dunning run: once a day per company, at an hour of its own time zone, through the job
//! queue (DESIGN.md §5).
//!
//! The domain's `dunning::decide` says which steps fall due; the run carries them out customer
//! by customer, each in a savepoint of a transaction shared by a block of customers: emails to the outbox, tasks for the collector, fee invoices, credit
//! holds and legal cases, each with an entry in the customer's activity log. Every step taken
//! first claims its `(invoice, step)` row in `dunning_actions`; a row that exists already means
//! another run took the step, so running twice, or two replicas at once, does nothing twice.

use super::fees::{self, ChargeFee, FeeInvoice};
use super::plan::{self, Candidate, CustomerPlan};
use super::{holds, legal};
use crate::collections::store::run::{self as store, Finished, NewTask, RunActivity, StepClaim};
use crate::db::{self, TenantTx};
use crate::error::AppError;
use crate::jobs::{ClaimedJob, JobHandler, NewJob};
use crate::messaging::run_step::{self, StepMessage};
use crate::startup::AppLinks;
use chrono::{DateTime, NaiveDate, Utc};
use domain::dunning::{Decision, DueStep, StepAction};
use domain::messages::{Localized, Text};
use domain::messaging::{InvoiceFact, MessageChannelKind, StepFacts};
use domain::templates;
use domain::{Locale, TenantId};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use std::collections::HashMap;
use std::sync::OnceLock;
use uuid::Uuid;

pub const JOB_KIND: &str = "dunning.run";
/// Who the run's entries in the activity log and the audit log are from.
pub const RUN_LABEL: &str = domain::messages::system::DUNNING_RUN;
/// Interest is billed again once this many days have passed since the last bill.
pub const INTEREST_PERIOD_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Schedule,
    Manual,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "SCHEDULE",
            Trigger::Manual => "MANUAL",
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub customers: i32,
    pub emails: i32,
    pub tasks: i32,
    pub fees: i32,
    pub holds: i32,
    pub releases: i32,
    pub legal_cases: i32,
    pub paused: i32,
    pub failures: i32,
    /// Why a customer's email step became a task instead (the owner's address unverified, or
    /// the day's sending limit reached): named in the run's errors.
    pub email_held: Option<domain::ErrorCode>,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.customers += other.customers;
        self.emails += other.emails;
        self.tasks += other.tasks;
        self.fees += other.fees;
        self.holds += other.holds;
        self.releases += other.releases;
        self.legal_cases += other.legal_cases;
        self.paused += other.paused;
        self.failures += other.failures;
    }
}

/// The company facts a run needs once.
pub(super) struct Company {
    pub(super) tenant: TenantId,
    pub(super) name: String,
    pub(super) time_zone: String,
    pub(super) locale: Locale,
    pub(super) links: AppLinks,
    /// For the day's limit on emails to customers.
    pub(super) plan: domain::billing::Plan,
    pub(super) auto_release: bool,
    /// Why emails to customers are held back, once one was: the owner's address unverified or
    /// the day's limit reached holds for the rest of the run, so later steps go straight to the
    /// collector without issuing a statement link for nobody.
    pub(super) emails_held: OnceLock<domain::ErrorCode>,
    /// The SMS and WeChat Work channels, and the SMS templates, read once.
    pub(super) channels: crate::messaging::run_step::RunChannels,
}

/// Runs dunning for `tenant` as of `date`. Returns the run's id and what it did.
pub async fn run_tenant(
    db: &DatabaseConnection,
    links: &AppLinks,
    tenant: TenantId,
    date: NaiveDate,
    trigger: Trigger,
) -> Result<(Uuid, Counts), AppError> {
    let calendar = db::tenant_calendar(db, tenant).await?;
    let locale = store::tenant_locale(db, tenant).await?;
    let tx = TenantTx::begin(db, tenant).await?;
    // A scheduled run retried (after a crash or a lapsed lease) continues the day's row; a run by
    // hand gets its own.
    let run_id: Uuid = store::open_run(&*tx, date, trigger.as_str())
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no run row")))?;
    let credit = crate::settings::read(&*tx).await?.credit;
    let auto_release = credit.auto_release_holds;
    let hold_over_limit = credit.hold_over_limit;
    let plan = plan::load(&*tx, date, &calendar.time_zone).await?;
    let templates = load_templates(&*tx).await?;
    let channels = crate::messaging::run_step::RunChannels::load(&*tx).await?;
    tx.commit().await?;
    let plan_in_force = crate::billing::plans::load(db, tenant)
        .await?
        .standing()?
        .plan;
    let company = Company {
        tenant,
        name: calendar.name,
        time_zone: calendar.time_zone,
        locale,
        links: links.clone(),
        plan: plan_in_force,
        auto_release,
        emails_held: OnceLock::new(),
        channels,
    };
    let mut counts = Counts::default();
    let mut errors = Vec::new();
    let mut to_run: Vec<CustomerPlan<'_>> = Vec::new();
    for customer in plan.customers(date) {
        match &customer.decision {
            Decision::Paused(_) => {
                if !customer.held_back.is_empty() {
                    counts.paused += 1;
                }
            }
            Decision::Due(due) if due.is_empty() && !interest_due(&customer, date) => {}
            Decision::Due(_) => to_run.push(customer),
        }
    }
    // Customers go in blocks of up to CUSTOMERS_PER_COMMIT, one transaction each, each customer
    // inside a savepoint of its own: one customer's failure still undoes only its own steps, and
    // the run waits on a commit's flush to disk once a block rather than once a customer.
    for block in to_run.chunks(CUSTOMERS_PER_COMMIT) {
        let tx = TenantTx::begin(db, tenant).await?;
        // The plan was read before the run began; a payment, a promise or a dispute may have
        // come since. Lock the block's customers and their open invoices (a payment waits for
        // this transaction) and read them again, for the whole block in two statements: each
        // customer decides again on what is true now.
        let ids: Vec<Uuid> = block
            .iter()
            .map(|planned| planned.first().customer_id)
            .collect();
        let fresh = match read_block(&tx, &ids, date, &company.time_zone).await {
            Ok(fresh) => fresh,
            Err(error) => {
                // The block could not be locked or read (a deadlock broken, a lock wait cut
                // short): its customers fail this run, the others go on, and the next run
                // tries them again.
                tracing::warn!(%tenant, ?error, "dunning could not lock a block of customers");
                tx.rollback().await?;
                for customer in block {
                    counts.failures += 1;
                    errors.push(super::runs::failure_entry(
                        customer.first().customer_id,
                        &customer.first().name,
                        &error,
                    ));
                }
                continue;
            }
        };
        let fresh: HashMap<Uuid, &[Candidate]> = fresh
            .chunk_by(|a, b| a.customer_id == b.customer_id)
            .map(|rows| (rows[0].customer_id, rows))
            .collect();
        for (in_block, customer) in block.iter().enumerate() {
            let customer_id = customer.first().customer_id;
            let rows = fresh.get(&customer_id).copied().unwrap_or_default();
            // A savepoint of its own for each customer of the block: a failure rolls back to
            // this customer's, never to another's. A savepoint kept costs nothing until the
            // commit, which ends them all.
            let savepoint = format!("dunning_customer_{in_block}");
            tx.execute_unprepared(&format!("SAVEPOINT {savepoint}"))
                .await?;
            let outcome = run_customer(&tx, &company, &templates, run_id, &plan, rows, date).await;
            if outcome.is_err() {
                tx.execute_unprepared(&format!("ROLLBACK TO SAVEPOINT {savepoint}"))
                    .await?;
            }
            match outcome {
                Ok(done) => {
                    counts.add(&done);
                    if let Some(code) = done.email_held {
                        errors.push(super::runs::held_entry(
                            customer_id,
                            &customer.first().name,
                            code,
                        ));
                    }
                }
                Err(error) => {
                    // One customer's failure does not stop the others; its steps were rolled
                    // back with it and the next run tries them again.
                    tracing::warn!(%tenant, customer = %customer_id, ?error, "dunning failed for a customer");
                    counts.failures += 1;
                    errors.push(super::runs::failure_entry(
                        customer_id,
                        &customer.first().name,
                        &error,
                    ));
                }
            }
        }
        tx.commit().await?;
    }
    if hold_over_limit {
        counts.holds += holds::hold_over_limit_customers(db, tenant).await?;
    }
    if company.auto_release {
        counts.releases += holds::release_holds(db, tenant, date).await?;
    }
    let tx = TenantTx::begin(db, tenant).await?;
    store::finish_run(
        &*tx,
        run_id,
        Finished {
            customers: counts.customers,
            emails: counts.emails,
            tasks: counts.tasks,
            fees: counts.fees,
            holds: counts.holds,
            releases: counts.releases,
            legal_cases: counts.legal_cases,
            paused: counts.paused,
            failures: counts.failures,
            errors: serde_json::Value::Array(errors),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((run_id, counts))
}

/// Templates an admin wrote, by (ladder, step day, language).
pub(super) type Templates = HashMap<(Uuid, i32, Locale), (String, String)>;

async fn load_templates(conn: &impl ConnectionTrait) -> Result<Templates, DbErr> {
    Ok(store::templates(conn)
        .await?
        .into_iter()
        .map(|row| {
            (
                (row.policy_id, row.step_offset, row.locale),
                (row.subject, row.body),
            )
        })
        .collect())
}

/// The template of a step in a language: the admin's own, else the default for its tone.
pub fn template_for(
    templates: &Templates,
    policy: Uuid,
    (offset_days, action): (i32, StepAction),
    locale: Locale,
) -> (String, String) {
    templates
        .get(&(policy, offset_days, locale))
        .cloned()
        .unwrap_or_else(|| {
            let (subject, body) = templates::default_template_for(action, offset_days, locale);
            (subject.to_owned(), body.to_owned())
        })
}

/// Interest falls due again on an invoice whose ladder charges interest, once a period has
/// passed since the last bill.
fn interest_due(customer: &CustomerPlan<'_>, date: NaiveDate) -> bool {
    !customer.rows.is_empty() && !interest_invoices(customer, date).is_empty()
}

fn interest_invoices<'a>(customer: &'a CustomerPlan<'_>, date: NaiveDate) -> Vec<&'a Candidate> {
    let Some(domain::fees::FeeRule::Interest { .. }) = &customer.ladder.fee_rule else {
        return Vec::new();
    };
    // Interest runs once the ladder's late fee step has been taken for an invoice: first at
    // that step, then every period, from the day after the last charge of any kind (a first
    // charge that came to nothing, within grace or rounding to zero, is simply tried again).
    let fee_steps: Vec<i32> = customer
        .ladder
        .steps
        .iter()
        .filter(|step| step.action == StepAction::LateFee)
        .map(|step| step.offset_days)
        .collect();
    customer
        .rows
        .iter()
        .filter(|row| {
            !row.is_fee
                && !row.disputed
                && row.balance > Decimal::ZERO
                && row.taken.iter().any(|taken| fee_steps.contains(taken))
                && row
                    .fees_through
                    .is_none_or(|through| (date - through).num_days() >= INTEREST_PERIOD_DAYS)
        })
        .collect()
}

/// Locks a block's customers and their open invoices, and reads their candidates again.
async fn read_block(
    tx: &TenantTx,
    customers: &[Uuid],
    date: NaiveDate,
    time_zone: &str,
) -> Result<Vec<Candidate>, AppError> {
    store::lock_customers(&**tx, customers).await?;
    plan::candidates(&**tx, date, time_zone, Some(customers)).await
}

/// Customers whose steps one transaction carries (each in a savepoint of its own). The block
/// locks them all as it starts and keeps them locked until it commits: a payment to one of
/// them waits that long at most.
const CUSTOMERS_PER_COMMIT: usize = 25;

/// Carries out one customer's due steps in `tx`, on its open invoices as read again in the
/// run's transaction (`rows`), inside the savepoint the caller opened.
async fn run_customer(
    tx: &TenantTx,
    company: &Company,
    templates: &Templates,
    run_id: Uuid,
    plan: &plan::Plan,
    rows: &[Candidate],
    date: NaiveDate,
) -> Result<Counts, AppError> {
    let Some(customer) = plan.decide(rows, date) else {
        return Ok(Counts::default());
    };
    let customer_id = customer.first().customer_id;
    let customer = &customer;
    let first = customer.first();
    let mut done = Done {
        counts: Counts {
            customers: 1,
            ..Counts::default()
        },
        ..Done::default()
    };
    let due: &[DueStep] = match &customer.decision {
        Decision::Due(due) => due,
        Decision::Paused(_) => &[],
    };
    let claimed = claim(tx, run_id, first.customer_id, due, date).await?;
    for (step, claimed) in due.iter().zip(claimed) {
        if claimed.is_empty() {
            continue;
        }
        let rows: Vec<&Candidate> = claimed.iter().filter_map(|id| customer.row(*id)).collect();
        let note = match step.step.action {
            StepAction::SendEmail => {
                super::run_email::send_email(
                    tx, company, templates, run_id, customer, step, &rows, date, &mut done,
                )
                .await?
            }
            StepAction::SendLetter => {
                let locale = company.locale_of(first);
                // The claim above makes a step once per invoice; the letter's key once per run.
                super::letters::make_for_run(
                    tx,
                    super::letters::RunLetter {
                        run_id,
                        step_offset: step.step.offset_days,
                        company_name: &company.name,
                        public_url: &company.links.public_url,
                        locale,
                        template: template_for(
                            templates,
                            customer.ladder.id,
                            (step.step.offset_days, StepAction::SendLetter),
                            locale,
                        ),
                        rows: &rows,
                        date,
                        created_by: RUN_LABEL,
                    },
                )
                .await?;
                Text::RunLetterQueued {}
            }
            StepAction::SendSms | StepAction::SendWechat => {
                let (kind, task) = if step.step.action == StepAction::SendSms {
                    (MessageChannelKind::Sms, "SMS")
                } else {
                    (MessageChannelKind::Wecom, "WECHAT")
                };
                let planned = run_step::plan_step(
                    tx,
                    &company.channels,
                    StepMessage {
                        kind,
                        run_id,
                        policy_id: customer.ladder.id,
                        step_offset: step.step.offset_days,
                        step_name: &step.step.name,
                        customer_id,
                        collector_id: first.collector_id,
                        locale: company.locale_of(first),
                        company_time_zone: &company.time_zone,
                        facts: step_facts(company, first, &rows, date),
                        invoice_ids: claimed.clone(),
                        now: chrono::Utc::now(),
                    },
                )
                .await?;
                // Nothing to send it through, or no one to send it to: the collector does.
                if planned.task {
                    done.task(run_id, first, step, &rows, task, date);
                }
                planned.note
            }
            StepAction::CallTask => {
                done.task(run_id, first, step, &rows, "CALL", date);
                Text::RunCallTask {}
            }
            StepAction::VisitTask => {
                done.task(run_id, first, step, &rows, "VISIT", date);
                Text::RunVisitTask {}
            }
            StepAction::NotifyTeam => {
                // The collector gets a review task; the team sees an alert in the feed (and in
                // the daily digest, where the company has it).
                done.task(run_id, first, step, &rows, "REVIEW", date);
                crate::analytics::alerts::raise(
                    &**tx,
                    customer_id,
                    crate::analytics::alerts::AlertKind::DunningReview,
                    &format!(
                        "DUNNING_REVIEW:{customer_id}:{}:{date}",
                        step.step.offset_days
                    ),
                    crate::analytics::alerts::AlertSeverity::Medium,
                    &Text::AlertDunningReview {
                        step: Box::new(step.step.name.clone()),
                    },
                )
                .await?;
                Text::RunReviewAsked {}
            }
            StepAction::LateFee => {
                let charged = match &customer.ladder.fee_rule {
                    Some(rule) => {
                        fees::charge(tx, charge_fee(company, run_id, rule, first, &rows, date))
                            .await?
                    }
                    None => Vec::new(),
                };
                done.counts.fees += charged.len() as i32;
                if charged.is_empty() {
                    // Fee invoices and fully credited ones owe no fee: nothing to tell.
                    continue;
                }
                Text::RunLateFees { invoices: charged }
            }
            StepAction::PlaceCreditHold => {
                let hold = holds::PlaceCreditHold {
                    customer_id: first.customer_id,
                    // The hold's reason is text people read on the customer: the step's name
                    // in the company's language.
                    step: step.step.name.text(company.locale_of(first)),
                    locale: company.locale_of(first),
                };
                if holds::place_hold(tx, hold).await? {
                    done.counts.holds += 1;
                    Text::RunHoldPlaced {}
                } else {
                    Text::RunAlreadyOnHold {}
                }
            }
            StepAction::EscalateToLegal => {
                if legal::open_for_ladder(tx, run_id, first, &rows, date).await? {
                    done.counts.legal_cases += 1;
                }
                done.task(run_id, first, step, &rows, "REVIEW", date);
                Text::RunEscalated {}
            }
        };
        // The step in the customer's activity log (and so its timeline). What the run did is
        // in the company's language: the log reads as the team writes it.
        done.activities.push(RunActivity {
            channel: channel_of(step.step.action),
            note: Text::RunStepNote {
                step: Box::new(step.step.name.clone()),
                note: Box::new(note),
            }
            .text(company.locale_of(first)),
            invoices: claimed,
        });
    }
    if let Some(rule) = &customer.ladder.fee_rule {
        // Interest billed again, on invoices whose late fee step was not just taken.
        let invoices: Vec<&Candidate> = interest_invoices(customer, date)
            .into_iter()
            .filter(|row| {
                !due.iter().any(|step| {
                    step.step.action == StepAction::LateFee
                        && step.invoices.contains(&row.invoice_id)
                })
            })
            .collect();
        if !invoices.is_empty() {
            let charged = fees::charge(
                tx,
                charge_fee(company, run_id, rule, first, &invoices, date),
            )
            .await?;
            if !charged.is_empty() {
                done.counts.fees += charged.len() as i32;
                done.activities.push(RunActivity {
                    channel: "OTHER",
                    note: Text::RunInterestBilled { invoices: charged }
                        .text(company.locale_of(first)),
                    invoices: invoices.iter().map(|row| row.invoice_id).collect(),
                });
            }
        }
    }
    // What the steps leave behind, written together: a customer's tasks in one statement, its
    // log entries in another.
    store::insert_tasks(&**tx, &done.tasks).await?;
    store::insert_activities(&**tx, customer_id, &done.activities, RUN_LABEL).await?;
    Ok(done.counts)
}

/// What a customer's steps did, and the tasks and log entries they leave, written once the
/// steps are done.
#[derive(Default)]
pub(super) struct Done {
    pub(super) counts: Counts,
    pub(super) tasks: Vec<NewTask<'static>>,
    pub(super) activities: Vec<RunActivity>,
}

impl Done {
    /// A task for the customer's collector for a step, on `rows`.
    pub(super) fn task(
        &mut self,
        run_id: Uuid,
        customer: &Candidate,
        step: &DueStep,
        rows: &[&Candidate],
        kind: &'static str,
        date: NaiveDate,
    ) {
        let numbers: Vec<String> = rows.iter().filter_map(|row| row.number.clone()).collect();
        self.tasks.push(NewTask {
            customer_id: customer.customer_id,
            kind,
            title: Text::TaskForStep {
                step: Box::new(step.step.name.clone()),
                invoices: numbers,
            },
            due_on: date,
            assignee_id: customer.collector_id,
            run_id,
            step_offset: step.step.offset_days,
            invoice_ids: rows.iter().map(|row| row.invoice_id).collect(),
        });
        self.counts.tasks += 1;
    }
}

/// The command that charges the ladder's fee on `rows`, in the customer's language.
fn charge_fee(
    company: &Company,
    run_id: Uuid,
    rule: &domain::fees::FeeRule,
    customer: &Candidate,
    rows: &[&Candidate],
    date: NaiveDate,
) -> ChargeFee {
    ChargeFee {
        run_id,
        rule: rule.clone(),
        invoices: rows.iter().map(|row| FeeInvoice::from(*row)).collect(),
        locale: company.locale_of(customer),
        time_zone: company.time_zone.clone(),
        date,
    }
}

impl Company {
    /// The customer's own language, else the company's.
    pub(super) fn locale_of(&self, row: &Candidate) -> Locale {
        row.locale.unwrap_or(self.locale)
    }
}

/// Claims every due step for each of its invoices, in one statement; returns, step by step,
/// the invoices this run now owns.
async fn claim(
    tx: &TenantTx,
    run_id: Uuid,
    customer: Uuid,
    due: &[DueStep],
    date: NaiveDate,
) -> Result<Vec<Vec<Uuid>>, DbErr> {
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let claims: Vec<StepClaim> = due
        .iter()
        .flat_map(|step| {
            let action = serde_json::to_value(step.step.action)
                .ok()
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_default();
            step.invoices.iter().map(move |id| StepClaim {
                invoice_id: *id,
                offset: step.step.offset_days,
                action: action.clone(),
            })
        })
        .collect();
    let claimed = store::claim(&**tx, run_id, customer, &claims, date).await?;
    // Each step's in the decision's order (by due date), for tables and messages.
    Ok(due
        .iter()
        .map(|step| {
            step.invoices
                .iter()
                .filter(|id| claimed.contains(&(**id, step.step.offset_days)))
                .copied()
                .collect()
        })
        .collect())
}

/// What a message step's template is filled from.
fn step_facts(
    company: &Company,
    customer: &Candidate,
    rows: &[&Candidate],
    date: NaiveDate,
) -> StepFacts {
    StepFacts {
        customer_name: customer.name.clone(),
        company_name: company.name.clone(),
        invoices: rows
            .iter()
            .map(|row| InvoiceFact {
                number: row.number.clone(),
                due_date: row.due_date,
                balance: row.balance,
                currency: row.currency.code().to_owned(),
            })
            .collect(),
        today: date,
    }
}

fn channel_of(action: StepAction) -> &'static str {
    match action {
        StepAction::SendEmail => "EMAIL",
        StepAction::SendSms => "SMS",
        StepAction::SendWechat => "WECHAT",
        StepAction::CallTask => "PHONE",
        StepAction::VisitTask => "VISIT",
        StepAction::EscalateToLegal => "LEGAL",
        StepAction::SendLetter => "LETTER",
        StepAction::LateFee | StepAction::PlaceCreditHold | StepAction::NotifyTeam => "OTHER",
    }
}

/// Enqueues today's dunning run of every active, writable company whose run hour has come in
/// its own time zone: one statement for all companies; the dedupe key makes each day's run once.
pub async fn schedule(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    crate::jobs::schedule_per_company(
        db,
        crate::jobs::PerCompany {
            kind: JOB_KIND,
            at: crate::jobs::LocalHour::DunningHour,
        },
        now,
    )
    .await
}

/// The job: one company's run for the day in its payload.
pub struct DunningRun {
    pub links: AppLinks,
}

#[async_trait::async_trait]
impl JobHandler for DunningRun {
    async fn run(&self, db: &DatabaseConnection, job: &ClaimedJob) -> anyhow::Result<()> {
        let (tenant, date) = (job.tenant()?, job.date()?);
        let (run, counts) = run_tenant(db, &self.links, tenant, date, Trigger::Schedule)
            .await
            .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        tracing::info!(%tenant, %run, ?counts, "dunning run finished");
        Ok(())
    }
}

/// A job for one company's run on `date`, for callers outside the scheduler.
pub fn job_for(tenant: TenantId, date: NaiveDate) -> NewJob {
    NewJob::for_company_day(JOB_KIND, tenant.0, date)
}
