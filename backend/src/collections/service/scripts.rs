//! Collection scripts (话术): a ladder's scripts per step, channel and language, as the company
//! wrote them or Duely's defaults; saving one; and the script a collector sees for a customer,
//! at the step it is at (or the task's), in the customer's language, with its figures filled.

use super::runs::{ladder_steps, may_manage, may_read};
use crate::audit::{self, AuditEntry};
use crate::auth::Caller;
use crate::collections::CollectionError;
use crate::collections::store::scripts::{self as store, SavedScript};
use crate::db::{self, TenantTx};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use domain::collections::CollectionChannel;
use domain::dunning::Step;
use domain::messages::Text;
use domain::reason::Reason;
use domain::scripts::{self, SCRIPT_CHANNELS, ScriptContext, ScriptError};
use domain::{Locale, TenantId};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// The script of one step of a ladder, on one channel, in one language.
#[derive(Debug, Clone)]
pub struct CollectionScript {
    pub policy_id: Uuid,
    pub step_offset: i32,
    pub step_name: Text,
    pub channel: CollectionChannel,
    pub locale: Locale,
    /// As written, with its `{{places}}`.
    pub body: String,
    /// True while the step uses Duely's default script.
    pub is_default: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
    /// With the customer's figures in its places, when read for a customer.
    pub text: Option<String>,
}

fn script(
    policy: Uuid,
    step: &Step,
    channel: CollectionChannel,
    locale: Locale,
    saved: &[SavedScript],
) -> CollectionScript {
    let own = saved.iter().find(|row| {
        row.policy_id == policy
            && row.step_offset == step.offset_days
            && row.channel == channel
            && row.locale == locale
    });
    CollectionScript {
        policy_id: policy,
        step_offset: step.offset_days,
        step_name: step.name.clone(),
        channel,
        locale,
        body: match own {
            Some(row) => row.body.clone(),
            None => scripts::default_script(step.offset_days, channel, locale)
                .unwrap_or_default()
                .to_owned(),
        },
        is_default: own.is_none(),
        updated_at: own.map(|row| row.updated_at),
        updated_by: own.map(|row| row.updated_by.clone()),
        text: None,
    }
}

/// Every step of a ladder on every script channel in both languages.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    policy: Uuid,
) -> Result<Vec<CollectionScript>, AppError> {
    may_read(caller)?;
    let tenant = caller.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let steps = ladder_steps(&*tx, policy).await?;
    let saved = store::saved_for(&*tx, &[policy]).await?;
    tx.commit().await?;
    let mut out = Vec::with_capacity(steps.len() * SCRIPT_CHANNELS.len() * Locale::ALL.len());
    for step in &steps {
        for channel in SCRIPT_CHANNELS {
            for locale in Locale::ALL {
                out.push(script(policy, step, channel, locale, &saved));
            }
        }
    }
    Ok(out)
}

/// A script as an admin saves it, or resets it to Duely's.
#[derive(Debug, Clone)]
pub struct ScriptChange {
    pub policy_id: Uuid,
    pub step_offset: i32,
    pub channel: CollectionChannel,
    /// `zh-CN` or `en`.
    pub locale: String,
    pub body: String,
    pub reset: bool,
}

fn body_error(error: ScriptError) -> AppError {
    let reason = match error {
        ScriptError::Empty => Reason::Required {},
        ScriptError::TooLong => Reason::TextLength {
            min: None,
            max: Some(scripts::MAX_SCRIPT_CHARS as u32),
        },
        ScriptError::UnknownVariable(name) => Reason::TemplateUnknownVariable { name },
    };
    AppError::input("input.body", reason)
}

pub async fn save(
    db: &DatabaseConnection,
    caller: &Caller,
    change: ScriptChange,
    request_id: &str,
) -> Result<CollectionScript, AppError> {
    may_manage(caller)?;
    let tenant = caller.require_tenant()?;
    let locale: Locale = change
        .locale
        .parse()
        .map_err(|_| AppError::from(CollectionError::TemplateLocaleUnknown))?;
    if !SCRIPT_CHANNELS.contains(&change.channel) {
        return Err(AppError::input(
            "input.channel",
            Reason::NotOneOf {
                allowed: SCRIPT_CHANNELS
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect(),
            },
        ));
    }
    if !change.reset {
        scripts::validate(&change.body).map_err(body_error)?;
    }
    let actor = audit::actor_of(db, caller).await?;
    let policy = change.policy_id;
    let tx = TenantTx::begin(db, tenant).await?;
    let steps = ladder_steps(&*tx, policy).await?;
    let Some(step) = steps
        .iter()
        .find(|step| step.offset_days == change.step_offset)
    else {
        return Err(AppError::input(
            "input.stepOffset",
            Reason::NotOneOf {
                allowed: steps.iter().map(|s| s.offset_days.to_string()).collect(),
            },
        ));
    };
    if change.reset {
        store::delete(&*tx, policy, change.step_offset, change.channel, locale).await?;
    } else {
        let body = change.body.trim();
        store::save(
            &*tx,
            policy,
            change.step_offset,
            change.channel,
            locale,
            body,
            actor.label(),
        )
        .await?;
    }
    audit::record(
        &*tx,
        tenant,
        AuditEntry {
            actor,
            action: "dunning.script_saved",
            entity_type: "dunning_policy",
            entity_id: Some(policy.to_string()),
            before: None,
            after: Some(serde_json::json!({
                "stepOffset": change.step_offset, "channel": change.channel.as_str(),
                "locale": locale.tag(), "reset": change.reset,
            })),
            request_id: Some(request_id),
        },
    )
    .await?;
    let saved = store::saved_for(&*tx, &[policy]).await?;
    tx.commit().await?;
    Ok(script(policy, step, change.channel, locale, &saved))
}

/// A script asked for a customer: at the step a task names (none: the step the customer is
/// at), on a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScriptFor {
    pub customer: Uuid,
    pub step_offset: Option<i32>,
    pub channel: CollectionChannel,
}

/// The scripts `asked` for, each in its customer's language (else the company's) with the
/// customer's figures filled in; a key with no script (a channel without scripts, a customer
/// with no ladder) has none. Three statements for any number of customers.
pub async fn for_customers(
    db: &DatabaseConnection,
    tenant: TenantId,
    asked: &[ScriptFor],
) -> Result<HashMap<ScriptFor, CollectionScript>, AppError> {
    let calendar = db::tenant_calendar(db, tenant).await?;
    let company_locale = crate::collections::store::run::tenant_locale(db, tenant).await?;
    let mut ids: Vec<Uuid> = asked.iter().map(|key| key.customer).collect();
    ids.sort_unstable();
    ids.dedup();
    let tx = TenantTx::begin(db, tenant).await?;
    let customers = store::customers(&*tx, &ids, calendar.today).await?;
    let mut policies: Vec<Uuid> = customers.iter().filter_map(|c| c.policy_id).collect();
    policies.sort_unstable();
    policies.dedup();
    let ladders: HashMap<Uuid, Vec<Step>> = store::ladders(&*tx, &policies)
        .await?
        .into_iter()
        .map(|ladder| (ladder.id, ladder.steps.0))
        .collect();
    let saved = store::saved_for(&*tx, &policies).await?;
    tx.commit().await?;
    let customers: HashMap<Uuid, _> = customers.into_iter().map(|c| (c.id, c)).collect();
    let mut out = HashMap::new();
    for key in asked {
        if !SCRIPT_CHANNELS.contains(&key.channel) {
            continue;
        }
        let Some(customer) = customers.get(&key.customer) else {
            continue;
        };
        let Some((policy, steps)) = customer
            .policy_id
            .and_then(|policy| ladders.get(&policy).map(|steps| (policy, steps)))
        else {
            continue;
        };
        // A task's own step; when the customer's ladder no longer has it (the ladder changed,
        // or the customer moved to another), Duely's script for that step's stage, never
        // another step's.
        let gone;
        let step = match key.step_offset {
            Some(offset) => match steps.iter().find(|step| step.offset_days == offset) {
                Some(step) => step,
                None => {
                    gone = Step {
                        offset_days: offset,
                        action: domain::dunning::StepAction::CallTask,
                        name: Text::AsTyped {
                            text: format!("{offset:+}"),
                        },
                    };
                    &gone
                }
            },
            None => match domain::dunning::step_reached(steps, customer.days_overdue) {
                Some(step) => step,
                None => continue,
            },
        };
        let locale = customer.locale.unwrap_or(company_locale);
        let mut found = script(policy, step, key.channel, locale, &saved);
        let context = ScriptContext {
            customer_name: customer.name.clone(),
            company_name: calendar.name.clone(),
            total: domain::display::money(
                locale,
                &customer.overdue.round_dp(2).to_string(),
                customer.currency.code(),
            ),
            days_overdue: i64::from(customer.days_overdue.unwrap_or(0).max(0)),
        };
        found.text = Some(scripts::render(&found.body, &context));
        out.insert(*key, found);
    }
    Ok(out)
}
