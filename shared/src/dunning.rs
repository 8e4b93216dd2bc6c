//! Dunning ladders: named steps keyed to days from the due date (negative is before it), and
//! the pure rule that decides which steps fall due for a customer on a day.
//!
//! For each open, undisputed invoice the due step is the latest one whose day has come and
//! that has not been taken for that invoice; steps a run missed are passed over, never sent
//! late in a burst. Invoices at the same step go out together: one message per customer per
//! step per run. A customer's dunning pauses while it is paused by hand (until a date), while a
//! promise to pay is open, or while a payment is in flight.

use crate::messages::{Localized, Text};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Steps in one ladder, at most.
pub const MAX_STEPS: usize = 20;
/// How far before and after the due date a step may be.
pub const EARLIEST_OFFSET: i32 = -60;
pub const LATEST_OFFSET: i32 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepAction {
    /// An email from a template.
    SendEmail,
    /// An SMS (a task for the collector when no provider is configured).
    SendSms,
    /// A WeChat message (a task when no provider is configured).
    SendWechat,
    /// A call task for the assigned collector.
    CallTask,
    /// A visit task for the assigned collector.
    VisitTask,
    /// A late fee, per the ladder's fee rule.
    LateFee,
    PlaceCreditHold,
    EscalateToLegal,
    NotifyTeam,
    /// A demand letter (催款函) on the company's letterhead from the step's template, listed
    /// for printing and mailing.
    SendLetter,
}

impl StepAction {
    /// Actions that answer lateness: a ladder may take them only once an invoice is overdue.
    pub fn only_when_overdue(self) -> bool {
        matches!(
            self,
            StepAction::LateFee
                | StepAction::PlaceCreditHold
                | StepAction::EscalateToLegal
                | StepAction::SendLetter
        )
    }

    /// Steps whose words come from a template the company may edit.
    pub fn has_template(self) -> bool {
        matches!(self, StepAction::SendEmail | StepAction::SendLetter)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredStep", into = "StoredStep")]
pub struct Step {
    /// Days from the due date: -3 is three days before it.
    pub offset_days: i32,
    pub action: StepAction,
    /// A default step's name is a code (`STEP_CALL`), read in each reader's language; a name a
    /// person gave is [`Text::AsTyped`].
    pub name: Text,
}

/// A step as stored (in a ladder's `steps`): its name as `nameText` (code and parameters) and,
/// beside it, in English as `name`, which a server of the previous version reads while a
/// rollout runs (expand, then contract); this version never reads `name`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredStep {
    offset_days: i32,
    action: StepAction,
    name_text: Text,
    #[serde(default, skip_deserializing)]
    name: String,
}

impl From<StoredStep> for Step {
    fn from(stored: StoredStep) -> Self {
        Step {
            offset_days: stored.offset_days,
            action: stored.action,
            name: stored.name_text,
        }
    }
}

impl From<Step> for StoredStep {
    fn from(step: Step) -> Self {
        StoredStep {
            offset_days: step.offset_days,
            action: step.action,
            name: step.name.text(crate::Locale::En),
            name_text: step.name,
        }
    }
}

/// The default ladder's step names, each as the catalogue has it.
pub const DEFAULT_STEP_NAMES: [Text; 9] = [
    Text::StepPoliteReminder {},
    Text::StepDueToday {},
    Text::StepOverdueReminder {},
    Text::StepCall {},
    Text::StepFirmLetter {},
    Text::StepLateFee {},
    Text::StepCreditHold {},
    Text::StepVisit {},
    Text::StepLegal {},
];

/// A step's name as an editor sends it: a default step's name, in any language Duely speaks,
/// keeps that step's code (so a ladder saved unchanged keeps its translations); anything else is
/// the person's own text.
pub fn step_name(typed: &str) -> Text {
    let typed = typed.trim();
    DEFAULT_STEP_NAMES
        .iter()
        .find(|name| {
            crate::Locale::ALL
                .iter()
                .any(|locale| name.text(*locale) == typed)
        })
        .cloned()
        .unwrap_or_else(|| Text::typed(typed))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LadderError {
    #[error("a ladder needs at least one step, and at most {MAX_STEPS}")]
    StepCount,
    #[error("step {}: days from the due date must be between {EARLIEST_OFFSET} and {LATEST_OFFSET}", .0 + 1)]
    Offset(usize),
    #[error("step {}: two steps cannot fall on the same day", .0 + 1)]
    SameDay(usize),
    #[error("step {}: give the step a name of 1 to 100 characters", .0 + 1)]
    Name(usize),
    #[error("step {}: a late fee, a credit hold or legal action comes after the due date (1 day or more)", .0 + 1)]
    TooEarly(usize),
}

impl LadderError {
    pub fn index(&self) -> Option<usize> {
        match self {
            LadderError::Offset(index)
            | LadderError::SameDay(index)
            | LadderError::Name(index)
            | LadderError::TooEarly(index) => Some(*index),
            LadderError::StepCount => None,
        }
    }
}

/// Checks a ladder and returns its steps in day order.
pub fn validate(mut steps: Vec<Step>) -> Result<Vec<Step>, LadderError> {
    if steps.is_empty() || steps.len() > MAX_STEPS {
        return Err(LadderError::StepCount);
    }
    for (index, step) in steps.iter_mut().enumerate() {
        if !(EARLIEST_OFFSET..=LATEST_OFFSET).contains(&step.offset_days) {
            return Err(LadderError::Offset(index));
        }
        if step.action.only_when_overdue() && step.offset_days < 1 {
            return Err(LadderError::TooEarly(index));
        }
        if let Text::AsTyped { text } = &mut step.name {
            *text = text.trim().to_owned();
            if text.is_empty() || text.chars().count() > 100 {
                return Err(LadderError::Name(index));
            }
        }
    }
    for index in 1..steps.len() {
        if steps[..index]
            .iter()
            .any(|earlier| earlier.offset_days == steps[index].offset_days)
        {
            return Err(LadderError::SameDay(index));
        }
    }
    steps.sort_by_key(|step| step.offset_days);
    Ok(steps)
}

/// The ladder every company starts with.
pub fn default_ladder() -> Vec<Step> {
    let step = |offset_days, action, name: Text| Step {
        offset_days,
        action,
        name,
    };
    vec![
        step(-3, StepAction::SendEmail, Text::StepPoliteReminder {}),
        step(0, StepAction::SendEmail, Text::StepDueToday {}),
        step(7, StepAction::SendEmail, Text::StepOverdueReminder {}),
        step(15, StepAction::CallTask, Text::StepCall {}),
        step(30, StepAction::SendLetter, Text::StepFirmLetter {}),
        step(31, StepAction::LateFee, Text::StepLateFee {}),
        step(45, StepAction::PlaceCreditHold, Text::StepCreditHold {}),
        step(60, StepAction::VisitTask, Text::StepVisit {}),
        step(90, StepAction::EscalateToLegal, Text::StepLegal {}),
    ]
}

/// An open invoice as the run sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvoice {
    pub id: Uuid,
    pub due_date: NaiveDate,
    pub balance: Decimal,
    pub disputed: bool,
    /// Steps (by their day offset) already taken for this invoice.
    pub taken: Vec<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PauseReason {
    PausedByHand,
    OpenPromise,
    PaymentInFlight,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerState {
    pub paused_until: Option<NaiveDate>,
    pub open_promise: bool,
    pub payment_in_flight: bool,
    /// A promise broke since the ladder last acted: each overdue invoice moves up one rung now,
    /// without waiting for the next step's day.
    pub escalate: bool,
}

/// Days a customer's word that it has paid holds dunning back while the money travels.
pub const PAYMENT_IN_FLIGHT_DAYS: i64 = 5;

/// Whether a payment is in flight on `today`: the customer said it paid (a collection
/// activity with the outcome PAYMENT_CONFIRMED, or Stripe reporting a payment processing) on
/// `said_paid_on`, within the last `PAYMENT_IN_FLIGHT_DAYS`, and it has not settled since
/// (`paid_since`: a payment recorded, or the payment provider reporting it failed).
pub fn payment_in_flight(
    said_paid_on: Option<NaiveDate>,
    paid_since: bool,
    today: NaiveDate,
) -> bool {
    said_paid_on.is_some_and(|day| {
        let age = (today - day).num_days();
        !paid_since && (0..=PAYMENT_IN_FLIGHT_DAYS).contains(&age)
    })
}

/// One step due for a customer, with the invoices it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueStep {
    pub step: Step,
    pub invoices: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Paused(PauseReason),
    Due(Vec<DueStep>),
}

/// What the ladder asks for a customer on `today`.
pub fn decide(
    ladder: &[Step],
    customer: &CustomerState,
    invoices: &[OpenInvoice],
    today: NaiveDate,
) -> Decision {
    if customer.paused_until.is_some_and(|until| until >= today) {
        return Decision::Paused(PauseReason::PausedByHand);
    }
    if customer.open_promise {
        return Decision::Paused(PauseReason::OpenPromise);
    }
    if customer.payment_in_flight {
        return Decision::Paused(PauseReason::PaymentInFlight);
    }
    let mut due: Vec<DueStep> = Vec::new();
    for invoice in invoices
        .iter()
        .filter(|i| !i.disputed && i.balance > Decimal::ZERO)
    {
        let days = (today - invoice.due_date).num_days();
        let latest = ladder
            .iter()
            .filter(|step| i64::from(step.offset_days) <= days)
            .max_by_key(|step| step.offset_days);
        let last_taken = invoice.taken.iter().copied().max();
        let next_rung = || {
            ladder
                .iter()
                .filter(|step| last_taken.is_none_or(|taken| step.offset_days > taken))
                .min_by_key(|step| step.offset_days)
        };
        let step = match latest {
            // Taken already, or a later step was: nothing to do for this invoice today, unless
            // a broken promise moves an overdue invoice up a rung.
            Some(step) if last_taken.is_some_and(|taken| taken >= step.offset_days) => {
                match next_rung() {
                    Some(next) if customer.escalate && days > 0 => next,
                    _ => continue,
                }
            }
            Some(step) => step,
            None => continue,
        };
        match due
            .iter_mut()
            .find(|d| d.step.offset_days == step.offset_days)
        {
            Some(existing) => existing.invoices.push(invoice.id),
            None => due.push(DueStep {
                step: step.clone(),
                invoices: vec![invoice.id],
            }),
        }
    }
    due.sort_by_key(|d| d.step.offset_days);
    Decision::Due(due)
}

/// The step a customer is at: the last one its oldest overdue invoice has reached (its days
/// past due), or the ladder's first when nothing is overdue yet.
pub fn step_reached(steps: &[Step], days_overdue: Option<i32>) -> Option<&Step> {
    let reached = days_overdue.and_then(|days| {
        steps
            .iter()
            .filter(|step| step.offset_days <= days)
            .max_by_key(|step| step.offset_days)
    });
    reached.or_else(|| steps.iter().min_by_key(|step| step.offset_days))
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_payment_said_to_be_sent_holds_dunning_for_a_few_days_until_it_arrives() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        assert!(payment_in_flight(Some(day(1)), false, day(1)));
        assert!(payment_in_flight(Some(day(1)), false, day(6)));
        assert!(
            !payment_in_flight(Some(day(1)), false, day(7)),
            "the word has run out"
        );
        assert!(
            !payment_in_flight(Some(day(1)), true, day(3)),
            "the money came"
        );
        assert!(!payment_in_flight(None, false, day(3)));
    }
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, d).unwrap()
    }

    fn invoice(n: u128, due: NaiveDate, taken: &[i32]) -> OpenInvoice {
        OpenInvoice {
            id: Uuid::from_u128(n),
            due_date: due,
            balance: Decimal::from(100),
            disputed: false,
            taken: taken.to_vec(),
        }
    }

    #[test]
    fn the_latest_step_reached_is_due_once_and_missed_ones_are_passed_over() {
        let ladder = default_ladder();
        let state = CustomerState::default();
        // Due 1 June; on 20 June (19 days late) the +15 call is due, not the earlier emails.
        let decision = decide(&ladder, &state, &[invoice(1, day(1), &[])], day(20));
        let Decision::Due(steps) = decision else {
            panic!("not due")
        };
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].step.action, StepAction::CallTask);
        // Once taken, nothing more until the next step's day.
        assert_eq!(
            decide(&ladder, &state, &[invoice(1, day(1), &[15])], day(21)),
            Decision::Due(vec![])
        );
    }

    #[test]
    fn before_due_reminders_and_one_message_per_step_for_all_its_invoices() {
        let ladder = default_ladder();
        let invoices = [
            invoice(1, day(10), &[]),
            invoice(2, day(10), &[]),
            invoice(3, day(20), &[]),
        ];
        let Decision::Due(steps) = decide(&ladder, &CustomerState::default(), &invoices, day(7))
        else {
            panic!("not due")
        };
        assert_eq!(steps.len(), 1, "one message for the step");
        assert_eq!(steps[0].step.offset_days, -3);
        assert_eq!(
            steps[0].invoices,
            vec![Uuid::from_u128(1), Uuid::from_u128(2)]
        );
    }

    #[test]
    fn disputes_promises_payments_in_flight_and_pauses_stop_dunning() {
        let ladder = default_ladder();
        let mut disputed = invoice(1, day(1), &[]);
        disputed.disputed = true;
        assert_eq!(
            decide(&ladder, &CustomerState::default(), &[disputed], day(20)),
            Decision::Due(vec![])
        );
        let open = [invoice(1, day(1), &[])];
        let paused = CustomerState {
            paused_until: Some(day(25)),
            ..CustomerState::default()
        };
        assert_eq!(
            decide(&ladder, &paused, &open, day(20)),
            Decision::Paused(PauseReason::PausedByHand)
        );
        assert!(
            matches!(decide(&ladder, &paused, &open, day(26)), Decision::Due(_)),
            "the pause ended"
        );
        let promised = CustomerState {
            open_promise: true,
            ..CustomerState::default()
        };
        assert_eq!(
            decide(&ladder, &promised, &open, day(20)),
            Decision::Paused(PauseReason::OpenPromise)
        );
        let in_flight = CustomerState {
            payment_in_flight: true,
            ..CustomerState::default()
        };
        assert_eq!(
            decide(&ladder, &in_flight, &open, day(20)),
            Decision::Paused(PauseReason::PaymentInFlight)
        );
    }

    #[test]
    fn a_broken_promise_moves_overdue_invoices_up_one_rung_at_once() {
        let ladder = default_ladder();
        let broken = CustomerState {
            escalate: true,
            ..CustomerState::default()
        };
        // 20 days late, the +15 call taken: the +30 letter is due now, not in ten days.
        let Decision::Due(steps) = decide(&ladder, &broken, &[invoice(1, day(1), &[15])], day(21))
        else {
            panic!("not due")
        };
        assert_eq!(steps[0].step.offset_days, 30);
        // An invoice not yet due is left alone.
        assert_eq!(
            decide(&ladder, &broken, &[invoice(2, day(25), &[-3])], day(21)),
            Decision::Due(vec![])
        );
    }

    #[test]
    fn ladders_are_checked() {
        assert!(validate(default_ladder()).is_ok());
        assert_eq!(validate(vec![]), Err(LadderError::StepCount));
        let mut bad = default_ladder();
        bad[2].offset_days = 0;
        assert_eq!(validate(bad), Err(LadderError::SameDay(2)));
        let mut far = default_ladder();
        far[0].offset_days = -90;
        assert_eq!(validate(far), Err(LadderError::Offset(0)));
        let mut early_fee = default_ladder();
        early_fee[5].offset_days = -1;
        assert_eq!(validate(early_fee), Err(LadderError::TooEarly(5)));
        let mut unnamed = default_ladder();
        unnamed[1].name = Text::typed("   ");
        assert_eq!(validate(unnamed), Err(LadderError::Name(1)));
    }

    #[test]
    fn a_default_step_name_keeps_its_code_in_either_language_and_others_are_as_typed() {
        assert_eq!(step_name("Call"), Text::StepCall {});
        assert_eq!(step_name(" 电话催收 "), Text::StepCall {});
        assert_eq!(step_name("Ring Mr Wang"), Text::typed("Ring Mr Wang"));
        for name in DEFAULT_STEP_NAMES {
            for locale in crate::Locale::ALL {
                assert_eq!(step_name(&name.text(locale)), name);
            }
        }
    }

    #[test]
    fn a_customer_is_at_the_last_step_its_oldest_overdue_invoice_reached() {
        let ladder = default_ladder();
        let at = |days| step_reached(&ladder, days).map(|step| step.offset_days);
        assert_eq!(at(None), Some(-3), "nothing overdue: the first step");
        assert_eq!(at(Some(15)), Some(15));
        assert_eq!(at(Some(20)), Some(15));
        assert_eq!(at(Some(400)), Some(90));
        assert_eq!(step_reached(&[], Some(10)), None);
    }
}
