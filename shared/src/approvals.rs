//! Approvals (审批): which changes to money or risk wait for whom. A policy per action names, per
//! currency, the amounts above which a change waits and the levels that must approve it in turn;
//! each action says which amount it is compared by. The server keeps the requests and runs the
//! approved command; these are the rules, once, for the server and the web app.

use crate::access::Role;
use crate::money::Currency;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

string_enum!(ApprovalAction {
    CreditLimitChange => "CREDIT_LIMIT_CHANGE",
    WriteOff => "WRITE_OFF",
    VoidInvoice => "VOID_INVOICE",
    CreditNote => "CREDIT_NOTE",
    FeeWaiver => "FEE_WAIVER",
    PaymentReversal => "PAYMENT_REVERSAL",
    CreditBlockOverride => "CREDIT_BLOCK_OVERRIDE",
    CreditHoldRelease => "CREDIT_HOLD_RELEASE",
});

string_enum!(ApprovalStatus {
    Pending => "PENDING",
    Approved => "APPROVED",
    Rejected => "REJECTED",
    Cancelled => "CANCELLED",
    Expired => "EXPIRED",
    Failed => "FAILED",
});

string_enum!(ApprovalEmails {
    Immediate => "IMMEDIATE",
    Daily => "DAILY",
    None => "NONE",
});

impl ApprovalAction {
    /// What people call the action, in `locale` (emails, errors).
    pub const fn name(self, locale: crate::Locale) -> &'static str {
        use crate::Locale::{En, ZhCn};
        match (self, locale) {
            (ApprovalAction::CreditLimitChange, En) => "credit limit change",
            (ApprovalAction::CreditLimitChange, ZhCn) => "调整信用额度",
            (ApprovalAction::WriteOff, En) => "write-off",
            (ApprovalAction::WriteOff, ZhCn) => "核销坏账",
            (ApprovalAction::VoidInvoice, En) => "invoice void",
            (ApprovalAction::VoidInvoice, ZhCn) => "作废发票",
            (ApprovalAction::CreditNote, En) => "credit note",
            (ApprovalAction::CreditNote, ZhCn) => "开具贷项通知单",
            (ApprovalAction::FeeWaiver, En) => "fee waiver",
            (ApprovalAction::FeeWaiver, ZhCn) => "减免费用",
            (ApprovalAction::PaymentReversal, En) => "payment reversal",
            (ApprovalAction::PaymentReversal, ZhCn) => "冲销收款",
            (ApprovalAction::CreditBlockOverride, En) => "credit block override",
            (ApprovalAction::CreditBlockOverride, ZhCn) => "超额度放行",
            (ApprovalAction::CreditHoldRelease, En) => "credit hold release",
            (ApprovalAction::CreditHoldRelease, ZhCn) => "解除信用冻结",
        }
    }
}

impl ApprovalStatus {
    /// What people call the status, in `locale`.
    pub const fn name(self, locale: crate::Locale) -> &'static str {
        use crate::Locale::{En, ZhCn};
        match (self, locale) {
            (ApprovalStatus::Pending, En) => "pending",
            (ApprovalStatus::Pending, ZhCn) => "待审批",
            (ApprovalStatus::Approved, En) => "approved",
            (ApprovalStatus::Approved, ZhCn) => "已批准",
            (ApprovalStatus::Rejected, En) => "rejected",
            (ApprovalStatus::Rejected, ZhCn) => "已驳回",
            (ApprovalStatus::Cancelled, En) => "withdrawn",
            (ApprovalStatus::Cancelled, ZhCn) => "已撤回",
            (ApprovalStatus::Expired, En) => "expired",
            (ApprovalStatus::Expired, ZhCn) => "已过期",
            (ApprovalStatus::Failed, En) => "approved, but could not be made",
            (ApprovalStatus::Failed, ZhCn) => "已批准但未能执行",
        }
    }

    /// Whether the request is decided for good (only a pending one can still change).
    pub const fn is_final(self) -> bool {
        !matches!(self, ApprovalStatus::Pending)
    }
}

/// The most thresholds a policy has, and the most levels one threshold asks for.
pub const MAX_THRESHOLDS: usize = 20;
pub const MAX_LEVELS: usize = 5;

/// Who decides one level: anyone with a role, or one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Approver {
    Role(Role),
    Member(Uuid),
}

/// Changes in `currency` above `above` (strictly) pass `levels`, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threshold {
    pub currency: Currency,
    pub above: Decimal,
    pub levels: Vec<Approver>,
}

/// One action's policy; off for a new company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalPolicy {
    pub action: ApprovalAction,
    pub enabled: bool,
    pub thresholds: Vec<Threshold>,
}

/// The amount a change is compared with the thresholds by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compared {
    /// Compared by this amount.
    Amount(Decimal),
    /// Above every threshold (removing a credit limit).
    AboveEvery,
    /// Never waits (lowering a credit limit).
    Never,
}

impl Compared {
    /// A credit limit change is compared by its increase. Removing a limit is above every
    /// threshold; lowering one, or setting one where there was none, never waits.
    pub fn credit_limit_change(current: Option<Decimal>, asked: Option<Decimal>) -> Self {
        match (current, asked) {
            (Some(_), None) => Compared::AboveEvery,
            (Some(current), Some(asked)) if asked > current => Compared::Amount(asked - current),
            _ => Compared::Never,
        }
    }

    /// A void is compared by the balance it removes: a draft owes nothing yet, so voiding one
    /// never waits.
    pub fn void(draft: bool, balance: Decimal) -> Self {
        if draft {
            Compared::Never
        } else {
            Compared::amount(balance)
        }
    }

    /// Any other action is compared by an amount it removes or moves (the balance written off
    /// or voided, the credit note, the fee waived, the payment reversed, the invoice total, the
    /// overdue amount released); nothing to compare never waits.
    pub fn amount(amount: Decimal) -> Self {
        if amount > Decimal::ZERO {
            Compared::Amount(amount)
        } else {
            Compared::Never
        }
    }
}

/// Who may decide a level at all: the roles that run the money (a viewer changes nothing,
/// collectors and salespeople do not decide on credit or losses).
pub const fn may_decide(role: Role) -> bool {
    matches!(role, Role::Owner | Role::Admin | Role::FinanceManager)
}

/// Why a policy cannot be saved, with the input field it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyProblem {
    #[error("a policy has at most {max} thresholds")]
    TooManyThresholds { max: usize },
    #[error("threshold {threshold} names no level")]
    NoLevels { threshold: usize },
    #[error("threshold {threshold} names more than {max} levels")]
    TooManyLevels { threshold: usize, max: usize },
    #[error("threshold {threshold}'s amount is negative")]
    NegativeAbove { threshold: usize },
    #[error("threshold {threshold} repeats the currency and amount of an earlier one")]
    RepeatedThreshold { threshold: usize },
    #[error("level {level} of threshold {threshold} names a role that cannot decide")]
    RoleCannotDecide {
        threshold: usize,
        level: usize,
        role: Role,
    },
    #[error("no one on the team can decide level {level} of threshold {threshold}")]
    NoEligibleApprover { threshold: usize, level: usize },
}

impl PolicyProblem {
    /// The input field the problem is about.
    pub fn field(&self) -> String {
        match self {
            PolicyProblem::TooManyThresholds { .. } => "input.thresholds".to_owned(),
            PolicyProblem::NoLevels { threshold }
            | PolicyProblem::TooManyLevels { threshold, .. } => {
                format!("input.thresholds[{threshold}].levels")
            }
            PolicyProblem::NegativeAbove { threshold }
            | PolicyProblem::RepeatedThreshold { threshold } => {
                format!("input.thresholds[{threshold}].above")
            }
            PolicyProblem::RoleCannotDecide {
                threshold, level, ..
            }
            | PolicyProblem::NoEligibleApprover { threshold, level } => {
                format!("input.thresholds[{threshold}].levels[{level}]")
            }
        }
    }
}

/// A member who could decide: their id and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamMember {
    pub id: Uuid,
    pub role: Role,
}

impl Approver {
    /// Whether `member` may decide a level naming this approver.
    pub fn admits(self, member: TeamMember) -> bool {
        may_decide(member.role)
            && match self {
                Approver::Role(role) => member.role == role,
                Approver::Member(id) => member.id == id,
            }
    }
}

impl ApprovalPolicy {
    /// The policy as the company starts with it: off, no thresholds.
    pub fn off(action: ApprovalAction) -> Self {
        ApprovalPolicy {
            action,
            enabled: false,
            thresholds: Vec::new(),
        }
    }

    /// The shape of the policy alone, before the team is looked at.
    pub fn check_shape(&self) -> Result<(), PolicyProblem> {
        if self.thresholds.len() > MAX_THRESHOLDS {
            return Err(PolicyProblem::TooManyThresholds {
                max: MAX_THRESHOLDS,
            });
        }
        for (index, threshold) in self.thresholds.iter().enumerate() {
            if threshold.levels.is_empty() {
                return Err(PolicyProblem::NoLevels { threshold: index });
            }
            if threshold.levels.len() > MAX_LEVELS {
                return Err(PolicyProblem::TooManyLevels {
                    threshold: index,
                    max: MAX_LEVELS,
                });
            }
            if threshold.above < Decimal::ZERO {
                return Err(PolicyProblem::NegativeAbove { threshold: index });
            }
            let repeated = self.thresholds[..index].iter().any(|earlier| {
                earlier.currency == threshold.currency && earlier.above == threshold.above
            });
            if repeated {
                return Err(PolicyProblem::RepeatedThreshold { threshold: index });
            }
            for (level, approver) in threshold.levels.iter().enumerate() {
                if let Approver::Role(role) = approver
                    && !may_decide(*role)
                {
                    return Err(PolicyProblem::RoleCannotDecide {
                        threshold: index,
                        level,
                        role: *role,
                    });
                }
            }
        }
        Ok(())
    }

    /// Whether `team` can satisfy every threshold: each level decided by a different member
    /// it admits (no one decides two levels of one request). The first level that cannot be
    /// filled is the problem.
    pub fn check_team(&self, team: &[TeamMember]) -> Result<(), PolicyProblem> {
        for (index, threshold) in self.thresholds.iter().enumerate() {
            if let Some(level) = first_unfillable_level(&threshold.levels, team) {
                return Err(PolicyProblem::NoEligibleApprover {
                    threshold: index,
                    level,
                });
            }
        }
        Ok(())
    }

    /// The levels a change compared by `compared` in `currency` must pass, in order; none when
    /// it need not wait. The highest threshold the amount is strictly above applies; a currency
    /// with no threshold of its own takes every level of the policy's highest threshold.
    pub fn levels_for(&self, currency: Currency, compared: Compared) -> Option<&[Approver]> {
        if !self.enabled || compared == Compared::Never {
            return None;
        }
        let mut own = self
            .thresholds
            .iter()
            .filter(|threshold| threshold.currency == currency)
            .peekable();
        if own.peek().is_none() {
            return self.highest().map(|threshold| threshold.levels.as_slice());
        }
        own.filter(|threshold| match compared {
            Compared::Amount(amount) => amount > threshold.above,
            Compared::AboveEvery => true,
            Compared::Never => false,
        })
        .max_by(|a, b| a.above.cmp(&b.above))
        .map(|threshold| threshold.levels.as_slice())
    }

    /// The threshold asking the most: the most levels, then the larger amount (amounts in
    /// different currencies are not compared: the first listed wins).
    fn highest(&self) -> Option<&Threshold> {
        self.thresholds.iter().reduce(|best, next| {
            let more_levels = next.levels.len() > best.levels.len();
            let same_levels_larger = next.levels.len() == best.levels.len()
                && next.currency == best.currency
                && next.above > best.above;
            if more_levels || same_levels_larger {
                next
            } else {
                best
            }
        })
    }
}

/// The first level of `levels` that cannot be given its own member, trying every way of
/// giving the earlier ones theirs (at most five levels: a small search).
fn first_unfillable_level(levels: &[Approver], team: &[TeamMember]) -> Option<usize> {
    fn fill(levels: &[Approver], team: &[TeamMember], taken: &mut Vec<Uuid>) -> bool {
        let Some((level, rest)) = levels.split_first() else {
            return true;
        };
        for member in team {
            if level.admits(*member) && !taken.contains(&member.id) {
                taken.push(member.id);
                let filled = fill(rest, team, taken);
                taken.pop();
                if filled {
                    return true;
                }
            }
        }
        false
    }
    (1..=levels.len())
        .find(|&count| !fill(&levels[..count], team, &mut Vec::new()))
        .map(|count| count - 1)
}

/// The policies suggested to a company turning approvals on in one step: the actions that
/// remove money or lift a risk control, above amounts a small finance team signs off alone, in
/// the company's base currency; a finance manager first, then an owner for the largest.
pub fn suggested(base: Currency) -> Vec<ApprovalPolicy> {
    let tiers = |first: i64, second: i64| {
        vec![
            Threshold {
                currency: base,
                above: Decimal::from(first),
                levels: vec![Approver::Role(Role::FinanceManager)],
            },
            Threshold {
                currency: base,
                above: Decimal::from(second),
                levels: vec![
                    Approver::Role(Role::FinanceManager),
                    Approver::Role(Role::Owner),
                ],
            },
        ]
    };
    ApprovalAction::ALL
        .iter()
        .map(|&action| {
            let thresholds = match action {
                ApprovalAction::CreditLimitChange => tiers(100_000, 1_000_000),
                ApprovalAction::WriteOff
                | ApprovalAction::VoidInvoice
                | ApprovalAction::CreditNote
                | ApprovalAction::FeeWaiver => tiers(10_000, 100_000),
                ApprovalAction::PaymentReversal
                | ApprovalAction::CreditBlockOverride
                | ApprovalAction::CreditHoldRelease => tiers(50_000, 500_000),
            };
            ApprovalPolicy {
                action,
                enabled: true,
                thresholds,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny() -> Currency {
        Currency::CNY
    }

    fn usd() -> Currency {
        Currency::USD
    }

    /// A member with an id of their own.
    fn member(role: Role) -> TeamMember {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        TeamMember {
            id: Uuid::from_u128(u128::from(NEXT.fetch_add(1, Ordering::Relaxed))),
            role,
        }
    }

    fn policy(thresholds: Vec<Threshold>) -> ApprovalPolicy {
        ApprovalPolicy {
            action: ApprovalAction::WriteOff,
            enabled: true,
            thresholds,
        }
    }

    fn threshold(currency: Currency, above: i64, levels: Vec<Approver>) -> Threshold {
        Threshold {
            currency,
            above: Decimal::from(above),
            levels,
        }
    }

    const FM: Approver = Approver::Role(Role::FinanceManager);
    const OWNER: Approver = Approver::Role(Role::Owner);

    #[test]
    fn voiding_a_draft_never_waits_and_an_issued_invoice_is_compared_by_its_balance() {
        let balance = Decimal::from(5_000);
        assert_eq!(Compared::void(true, balance), Compared::Never);
        assert_eq!(Compared::void(false, balance), Compared::Amount(balance));
        assert_eq!(Compared::void(false, Decimal::ZERO), Compared::Never);
    }

    #[test]
    fn the_highest_threshold_strictly_below_the_amount_applies() {
        let p = policy(vec![
            threshold(cny(), 1_000, vec![FM]),
            threshold(cny(), 10_000, vec![FM, OWNER]),
        ]);
        let levels = |amount: i64| p.levels_for(cny(), Compared::amount(Decimal::from(amount)));
        assert_eq!(levels(1_000), None, "equal is not above");
        assert_eq!(levels(1_001), Some(&[FM][..]));
        assert_eq!(levels(10_000), Some(&[FM][..]));
        assert_eq!(levels(10_001), Some(&[FM, OWNER][..]));
        assert_eq!(
            p.levels_for(cny(), Compared::AboveEvery),
            Some(&[FM, OWNER][..])
        );
        assert_eq!(p.levels_for(cny(), Compared::Never), None);
    }

    #[test]
    fn a_currency_without_a_threshold_takes_every_level_of_the_highest() {
        let p = policy(vec![
            threshold(cny(), 1_000, vec![FM]),
            threshold(cny(), 10_000, vec![FM, OWNER]),
        ]);
        assert_eq!(
            p.levels_for(usd(), Compared::amount(Decimal::ONE)),
            Some(&[FM, OWNER][..])
        );
        assert_eq!(p.levels_for(usd(), Compared::Never), None);
    }

    #[test]
    fn a_policy_turned_off_or_without_thresholds_never_waits() {
        let mut p = policy(vec![threshold(cny(), 0, vec![FM])]);
        p.enabled = false;
        assert_eq!(p.levels_for(cny(), Compared::AboveEvery), None);
        let empty = policy(Vec::new());
        assert_eq!(empty.levels_for(cny(), Compared::AboveEvery), None);
    }

    #[test]
    fn a_credit_limit_change_is_compared_by_its_increase() {
        let d = |n: i64| Some(Decimal::from(n));
        assert_eq!(
            Compared::credit_limit_change(d(100), d(250)),
            Compared::Amount(Decimal::from(150))
        );
        assert_eq!(
            Compared::credit_limit_change(d(250), d(100)),
            Compared::Never
        );
        assert_eq!(
            Compared::credit_limit_change(d(250), d(250)),
            Compared::Never
        );
        assert_eq!(
            Compared::credit_limit_change(d(250), None),
            Compared::AboveEvery
        );
        assert_eq!(Compared::credit_limit_change(None, d(250)), Compared::Never);
        assert_eq!(Compared::credit_limit_change(None, None), Compared::Never);
        assert_eq!(Compared::amount(Decimal::ZERO), Compared::Never);
    }

    #[test]
    fn a_policy_is_checked_for_its_shape_with_the_field_named() {
        let problem = |thresholds| policy(thresholds).check_shape().unwrap_err();
        let p = problem(vec![threshold(cny(), 0, Vec::new())]);
        assert_eq!(p, PolicyProblem::NoLevels { threshold: 0 });
        assert_eq!(p.field(), "input.thresholds[0].levels");
        assert_eq!(
            problem(vec![threshold(cny(), -1, vec![FM])]),
            PolicyProblem::NegativeAbove { threshold: 0 }
        );
        assert_eq!(
            problem(vec![
                threshold(cny(), 5, vec![FM]),
                threshold(cny(), 5, vec![OWNER])
            ]),
            PolicyProblem::RepeatedThreshold { threshold: 1 }
        );
        assert_eq!(
            problem(vec![threshold(cny(), 5, vec![FM; MAX_LEVELS + 1])]),
            PolicyProblem::TooManyLevels {
                threshold: 0,
                max: MAX_LEVELS
            }
        );
        let viewer = problem(vec![threshold(
            cny(),
            5,
            vec![FM, Approver::Role(Role::Viewer)],
        )]);
        assert_eq!(
            viewer,
            PolicyProblem::RoleCannotDecide {
                threshold: 0,
                level: 1,
                role: Role::Viewer
            }
        );
        assert_eq!(viewer.field(), "input.thresholds[0].levels[1]");
        let many = (0..=MAX_THRESHOLDS as i64)
            .map(|n| threshold(cny(), n, vec![FM]))
            .collect();
        assert_eq!(
            problem(many),
            PolicyProblem::TooManyThresholds {
                max: MAX_THRESHOLDS
            }
        );
        for p in suggested(cny()) {
            assert_eq!(p.check_shape(), Ok(()), "{:?}", p.action);
        }
    }

    #[test]
    fn each_level_needs_a_member_of_its_own() {
        let fm = member(Role::FinanceManager);
        let owner = member(Role::Owner);
        let viewer = member(Role::Viewer);
        let two_levels = policy(vec![threshold(cny(), 0, vec![FM, FM])]);
        // One finance manager cannot decide both levels.
        assert_eq!(
            two_levels.check_team(&[fm, owner]),
            Err(PolicyProblem::NoEligibleApprover {
                threshold: 0,
                level: 1
            })
        );
        assert_eq!(
            two_levels.check_team(&[fm, member(Role::FinanceManager)]),
            Ok(())
        );
        // A member named by id must be on the team and able to decide.
        let named = |id| policy(vec![threshold(cny(), 0, vec![Approver::Member(id)])]);
        assert_eq!(named(owner.id).check_team(&[owner]), Ok(()));
        assert!(named(viewer.id).check_team(&[viewer]).is_err());
        assert!(
            named(Uuid::from_u128(u128::MAX))
                .check_team(&[owner, fm])
                .is_err()
        );
        // The search tries every way to fill the earlier levels: the owner named by id must
        // not be used up by the role level before it.
        let mixed = policy(vec![threshold(
            cny(),
            0,
            vec![OWNER, Approver::Member(owner.id)],
        )]);
        let second_owner = member(Role::Owner);
        assert_eq!(mixed.check_team(&[owner, second_owner]), Ok(()));
        assert!(mixed.check_team(&[owner]).is_err());
    }
}
