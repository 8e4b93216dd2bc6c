//! Approvals in the web app, wherever a change can start: the company's policies read once per
//! screen, the notice a dialog shows before the person confirms ("this change will go for
//! approval: finance manager, then owner"), worked out with the domain's own rule
//! (`ApprovalPolicy::levels_for`), and the toast after it. The web app always sends gated
//! changes with `requestApproval: true`.

use crate::api;
use crate::components::{ToastKind, Toasts};
use crate::i18n::{Msg, role_text, use_locale, use_text};
use domain::Role;
use domain::approvals::{
    ApprovalAction, ApprovalPolicy, ApprovalStatus, Approver, Compared, Threshold,
};
use domain::{Currency, Locale};
use leptos::prelude::*;
use rust_decimal::Decimal;

/// The company's policies as the domain reads them (an unreadable one is left out: the server
/// decides regardless).
pub fn policies_of(data: api::approval_policies::ResponseData) -> Vec<ApprovalPolicy> {
    data.approval_policies
        .into_iter()
        .filter_map(|policy| {
            let action = ApprovalAction::parse(&enum_text(&policy.action))?;
            let thresholds = policy
                .thresholds
                .into_iter()
                .filter_map(|threshold| {
                    let currency = threshold.currency.parse::<Currency>().ok()?;
                    let above = threshold.above.parse::<Decimal>().ok()?;
                    let levels = threshold
                        .levels
                        .into_iter()
                        .filter_map(|level| match (level.role, level.user_id) {
                            (Some(role), _) => {
                                enum_text(&role).parse::<Role>().ok().map(Approver::Role)
                            }
                            (None, Some(id)) => id.parse().ok().map(Approver::Member),
                            (None, None) => None,
                        })
                        .collect();
                    Some(Threshold {
                        currency,
                        above,
                        levels,
                    })
                })
                .collect();
            Some(ApprovalPolicy {
                action,
                enabled: policy.enabled,
                thresholds,
            })
        })
        .collect()
}

/// A generated enum's wire name (`WRITE_OFF`).
pub fn enum_text(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The company's policies, read when the screen opens.
pub fn use_policies() -> LocalResource<Vec<ApprovalPolicy>> {
    LocalResource::new(|| async {
        api::run::<api::ApprovalPolicies>(api::approval_policies::Variables {})
            .await
            .map(policies_of)
            .unwrap_or_default()
    })
}

pub fn action_msg(action: ApprovalAction) -> Msg {
    match action {
        ApprovalAction::CreditLimitChange => Msg::ActionCreditLimitChange,
        ApprovalAction::WriteOff => Msg::ActionWriteOff,
        ApprovalAction::VoidInvoice => Msg::ActionVoidInvoice,
        ApprovalAction::CreditNote => Msg::ActionCreditNote,
        ApprovalAction::FeeWaiver => Msg::ActionFeeWaiver,
        ApprovalAction::PaymentReversal => Msg::ActionPaymentReversal,
        ApprovalAction::CreditBlockOverride => Msg::ActionCreditBlockOverride,
        ApprovalAction::CreditHoldRelease => Msg::ActionCreditHoldRelease,
    }
}

pub fn status_msg(status: ApprovalStatus) -> Msg {
    match status {
        ApprovalStatus::Pending => Msg::StatusPending,
        ApprovalStatus::Approved => Msg::StatusApproved,
        ApprovalStatus::Rejected => Msg::StatusRejected,
        ApprovalStatus::Cancelled => Msg::StatusCancelled,
        ApprovalStatus::Expired => Msg::StatusExpired,
        ApprovalStatus::Failed => Msg::StatusFailed,
    }
}

/// "Finance manager, then Owner".
pub fn levels_text(locale: Locale, levels: &[Approver]) -> String {
    let then = format!(" {} ", crate::i18n::text(locale, Msg::ApprovalThen).trim());
    levels
        .iter()
        .map(|level| match level {
            Approver::Role(role) => role_text(locale, *role).to_owned(),
            Approver::Member(_) => crate::i18n::text(locale, Msg::ApprovalNamedMember).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(&then)
}

/// A lead-in and what follows it: a space after an English colon, none after a Chinese one.
pub fn joined(lead: &str, rest: &str) -> String {
    if lead.ends_with('：') {
        format!("{lead}{rest}")
    } else {
        format!("{lead} {rest}")
    }
}

/// The levels a change would wait for, if any.
pub fn waits_for(
    policies: &[ApprovalPolicy],
    action: ApprovalAction,
    currency: &str,
    compared: Compared,
) -> Option<Vec<Approver>> {
    let currency = currency.parse::<Currency>().ok()?;
    policies
        .iter()
        .find(|policy| policy.action == action)?
        .levels_for(currency, compared)
        .map(<[Approver]>::to_vec)
}

/// What a dialog shows before the person confirms, when the change will wait for approval.
#[component]
pub fn ApprovalNotice(
    policies: LocalResource<Vec<ApprovalPolicy>>,
    #[prop(into)] action: Signal<Option<ApprovalAction>>,
    #[prop(into)] currency: Signal<String>,
    #[prop(into)] compared: Signal<Compared>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let levels = move || {
        let action = action.get()?;
        let policies = policies.get()?;
        waits_for(&policies, action, &currency.get(), compared.get())
    };
    move || {
        levels().map(|levels| {
            view! {
                <p class="notice" role="status" data-testid="approval-notice">
                    {joined(text(Msg::ApprovalWillWait), &levels_text(locale.get(), &levels))}
                </p>
            }
        })
    }
}

/// The toast after a gated change: sent for approval, or done.
pub fn after_change(toasts: Toasts, locale: Locale, waiting: bool, done: Msg) {
    let msg = if waiting {
        Msg::ApprovalSentToast
    } else {
        done
    };
    toasts.push(ToastKind::Success, crate::i18n::text(locale, msg));
}

/// An amount typed in a form as what it is compared by (nothing typed: never waits).
pub fn compared_amount(typed: &str) -> Compared {
    typed
        .trim()
        .replace(',', "")
        .parse::<Decimal>()
        .map(Compared::amount)
        .unwrap_or(Compared::Never)
}

/// Moves on whenever the person decides or withdraws a request, so the header's count of
/// requests awaiting them is read again at once.
#[derive(Clone, Copy)]
pub struct InboxChanged(pub RwSignal<u32>);

pub fn provide_inbox_changed() {
    provide_context(InboxChanged(RwSignal::new(0)));
}

pub fn use_inbox_changed() -> RwSignal<u32> {
    use_context::<InboxChanged>()
        .map(|changed| changed.0)
        .unwrap_or_else(|| RwSignal::new(0))
}
