//! English words the messages put into sentences: entities, plans, limits, dates, statuses,
//! roles and approval actions.

use super::plural;
use crate::billing::{Limit, Plan};
use crate::reason::Entity;
use chrono::NaiveDate;

pub(super) fn entity(entity: &Entity) -> &'static str {
    match entity {
        Entity::Customer => "customer",
        Entity::Invoice => "invoice",
        Entity::CreditNote => "credit note",
        Entity::Dispute => "dispute",
        Entity::Payment => "payment",
        Entity::Ladder => "dunning ladder",
        Entity::Template => "template",
        Entity::Run => "dunning run",
        Entity::Fee => "fee",
        Entity::Activity => "activity",
        Entity::Promise => "promise to pay",
        Entity::Task => "task",
        Entity::LegalCase => "legal case",
        Entity::Alert => "alert",
        Entity::Rating => "rating",
        Entity::IncentiveRule => "incentive rule",
        Entity::Company => "company",
        Entity::User => "user",
        Entity::Member => "team member",
        Entity::ApiKey => "API key",
        Entity::ApprovalRequest => "approval request",
        Entity::BankAccount => "bank account",
        Entity::BankTransaction => "bank line",
        Entity::Fapiao => "fapiao",
        Entity::Letter => "letter",
        Entity::Attachment => "file",
        Entity::WebhookEndpoint => "webhook endpoint",
        Entity::WebhookDelivery => "webhook delivery",
        Entity::MessageChannel => "message channel",
        Entity::MessageDelivery => "message",
        Entity::Report => "report",
    }
}

pub(super) fn plan(plan: &Plan) -> &'static str {
    match plan {
        Plan::Free => "Free",
        Plan::Growth => "Growth",
        Plan::Scale => "Scale",
    }
}

pub(super) fn limit(limit: &Limit, allowed: u64) -> String {
    let allowed = i64::try_from(allowed).unwrap_or(i64::MAX);
    match limit {
        Limit::Users => plural(allowed, "team member", "team members"),
        Limit::Customers => plural(allowed, "customer", "customers"),
        Limit::InvoicesPerMonth => plural(allowed, "invoice a month", "invoices a month"),
        Limit::ApiKeys => plural(allowed, "API key", "API keys"),
        Limit::EmailsPerDay => plural(
            allowed,
            "email to customers a day",
            "emails to customers a day",
        ),
    }
}

pub(super) fn date(day: &NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A status as it reads in a sentence (`PARTIALLY_PAID` is `partially paid`).
pub(super) fn status_en(status: &str) -> String {
    status.to_ascii_lowercase().replace('_', " ")
}

/// A role's name, as the team page shows it.
pub(super) fn role_en(role: &str) -> &str {
    match role {
        "OWNER" => "owner",
        "ADMIN" => "admin",
        "FINANCE_MANAGER" => "finance manager",
        "COLLECTOR" => "collector",
        "SALES" => "sales",
        "VIEWER" => "viewer",
        other => other,
    }
}

/// An approval action's name, as the approvals settings show it.
pub(super) fn action_en(action: &str) -> &str {
    crate::approvals::ApprovalAction::parse(action)
        .map(|action| action.name(crate::Locale::En))
        .unwrap_or(action)
}
