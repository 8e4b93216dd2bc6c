//! Texts the server makes for people and stores: risk alerts, the reasons of a credit rating,
//! the default dunning ladder's step names and the tasks it creates. A row keeps the text's
//! code and parameters (`{"code": "ALERT_NEAR_CREDIT_LIMIT", "params": {"percent": "85"}}`),
//! never a sentence, and each reader sees it in their own language. Text a person typed is
//! [`Text::AsTyped`], shown as typed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "code",
    content = "params",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum Text {
    /// Written by a person: shown as written, in every language.
    AsTyped {
        text: String,
    },

    // Risk alerts.
    AlertOverCreditLimit {
        balance: String,
        currency: String,
        limit: String,
    },
    AlertNearCreditLimit {
        percent: String,
    },
    AlertLargeInvoiceOverdue {
        number: String,
        balance: String,
        currency: String,
        due_date: NaiveDate,
    },
    AlertOverdueWhileOnHold {
        number: String,
        due_date: NaiveDate,
    },
    AlertWorseningDaysToPay {
        change_days: String,
        recent_days: String,
    },
    AlertBrokenPromise {
        amount: String,
        currency: String,
        promised_date: NaiveDate,
        paid: String,
    },
    AlertRatingDowngrade {
        from: String,
        to: String,
    },
    /// A ladder step (its name) asks the team to review the account.
    AlertDunningReview {
        step: Box<Text>,
    },

    // Why a credit rating factor scored as it did.
    RatingPaysLate {
        days: String,
    },
    RatingNoPaidInvoices {},
    RatingSlower {
        days: String,
    },
    RatingFaster {
        days: String,
    },
    RatingSameSpeed {},
    RatingNoTrend {},
    RatingLateShare {
        percent: String,
    },
    RatingPartsShare {
        percent: String,
    },
    RatingBrokePromises {
        broken: i64,
        judged: i64,
    },
    RatingNoPromises {},
    RatingDisputedShare {
        percent: String,
    },
    RatingCreditUse {
        percent: String,
    },
    RatingNoLimit {},
    RatingCustomerFor {
        months: i64,
    },
    RatingExposure {
        percent: String,
    },

    // The default dunning ladder's steps.
    StepPoliteReminder {},
    StepDueToday {},
    StepOverdueReminder {},
    StepCall {},
    StepFirmLetter {},
    StepLateFee {},
    StepCreditHold {},
    StepVisit {},
    StepLegal {},

    // An invoice issued past the credit policy: its flag.
    /// Issued under the WARN policy.
    CreditFlagWarning {
        breach: Box<Text>,
    },
    /// Issued by someone with the override permission.
    CreditFlagOverride {
        breach: Box<Text>,
    },
    /// The customer is on credit hold (`reason`, as the person who set it wrote it).
    CreditBreachOnHold {
        reason: String,
    },
    /// Open invoices would reach `exposure_after`, over `limit` (both in `currency`).
    CreditBreachOverLimit {
        exposure_after: String,
        limit: String,
        currency: String,
    },

    // What a dunning run did, in a customer's activity log.
    /// A ladder step and what came of it.
    RunStepNote {
        step: Box<Text>,
        note: Box<Text>,
    },
    RunEmailSent {
        contact: String,
    },
    RunEmailNoContact {},
    /// A letter step's letter, made and waiting to be printed and mailed.
    RunLetterQueued {},
    RunEmailHeldUnverified {},
    RunEmailHeldLimit {},
    /// `channel` is `SMS` or `WECHAT`.
    RunMessageTask {
        channel: String,
    },
    /// A message made and waiting for its time (`at`, the customer's local time): `channel` is
    /// `SMS` or `WECOM`.
    RunMessageQueued {
        channel: String,
        contact: String,
        at: String,
    },
    /// Not sent: the customer refuses messages.
    RunMessageOptedOut {
        channel: String,
    },
    /// No contact to send it to (no mobile, or no WeChat Work contact id): a task.
    RunMessageNoRecipient {
        channel: String,
    },
    /// No approved SMS template is mapped to the step in this language: a task.
    RunSmsNoTemplate {
        locale: String,
    },
    /// The collector is not mapped to a WeChat Work member (or the customer has none): a task.
    RunWecomNoSender {},
    /// Not sent: the step's invoices were paid before it went.
    MessageNotSentPaid {
        channel: String,
    },
    /// The provider took the message.
    MessageSent {
        channel: String,
        contact: String,
    },
    /// In the collector's WeChat Work, waiting for them (`sender`, their name) to send it.
    MessageAwaitingConfirmation {
        sender: String,
    },
    /// The provider (or the collector, in WeChat Work) reports it reached the customer.
    MessageDelivered {
        channel: String,
        contact: String,
    },
    /// It did not go, or did not arrive, for `reason` (one of the `MessageWhy…` texts).
    MessageFailed {
        channel: String,
        reason: Box<Text>,
    },
    MessageWhyRefused {
        code: String,
        message: String,
    },
    MessageWhyRateLimited {},
    MessageWhyOutcomeUnknown {},
    MessageWhyNotDelivered {
        code: String,
    },
    MessageWhyNotConfirmed {
        days: i64,
    },
    MessageWhyNotWecomContact {},
    MessageWhyChannelRemoved {},
    /// What a WeChat Work reminder says.
    WecomReminder {
        company: String,
        customer: String,
        count: String,
        amount: String,
        days: String,
    },
    RunCallTask {},
    RunVisitTask {},
    RunReviewAsked {},
    RunLateFees {
        invoices: Vec<String>,
    },
    RunHoldPlaced {},
    RunAlreadyOnHold {},
    RunEscalated {},
    RunInterestBilled {
        invoices: Vec<String>,
    },

    /// The reason of a credit hold a ladder step placed.
    HoldByDunningStep {
        step: Box<Text>,
    },

    // Collection tasks.
    /// A ladder step's task for these invoices.
    TaskForStep {
        step: Box<Text>,
        invoices: Vec<String>,
    },
    /// A message of a ladder step that failed: send it another way.
    TaskMessageFailed {
        channel: String,
        step: Box<Text>,
        reason: Box<Text>,
    },
    /// Call about a broken promise.
    TaskBrokenPromise {
        amount: String,
        currency: String,
        promised_date: NaiveDate,
    },
    /// A task someone scheduled by hand: what to do, from its kind (their note is beside it).
    TaskScheduled {
        kind: crate::collections::TaskKind,
    },
}

impl Text {
    /// Text a person typed.
    pub fn typed(text: impl Into<String>) -> Text {
        Text::AsTyped { text: text.into() }
    }

    /// The code, such as `ALERT_NEAR_CREDIT_LIMIT` (`messageCode`).
    pub fn code(&self) -> String {
        super::tagged(self, "code").0
    }

    /// The parameters, always an object (`messageParams`).
    pub fn params(&self) -> Map<String, Value> {
        super::tagged(self, "code").1
    }

    /// The text from a stored code and parameters.
    pub fn from_stored(code: &str, params: Value) -> Result<Text, serde_json::Error> {
        serde_json::from_value(serde_json::json!({ "code": code, "params": params }))
    }

    /// One of each text, for tests.
    pub fn examples() -> Vec<Text> {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        let s = |text: &str| text.to_owned();
        vec![
            Text::typed("Check the bank slip"),
            Text::AlertOverCreditLimit {
                balance: s("12000.00"),
                currency: s("CNY"),
                limit: s("10000.00"),
            },
            Text::AlertNearCreditLimit { percent: s("85") },
            Text::AlertLargeInvoiceOverdue {
                number: s("INV-000042"),
                balance: s("150000.00"),
                currency: s("CNY"),
                due_date: day,
            },
            Text::AlertOverdueWhileOnHold {
                number: s("INV-000042"),
                due_date: day,
            },
            Text::AlertWorseningDaysToPay {
                change_days: s("12"),
                recent_days: s("20"),
            },
            Text::AlertBrokenPromise {
                amount: s("5000"),
                currency: s("CNY"),
                promised_date: day,
                paid: s("0"),
            },
            Text::AlertRatingDowngrade {
                from: s("B"),
                to: s("D"),
            },
            Text::AlertDunningReview {
                step: Box::new(Text::StepCall {}),
            },
            Text::RatingPaysLate { days: s("18.6") },
            Text::RatingNoPaidInvoices {},
            Text::RatingSlower { days: s("3.5") },
            Text::RatingFaster { days: s("3") },
            Text::RatingSameSpeed {},
            Text::RatingNoTrend {},
            Text::RatingLateShare { percent: s("30") },
            Text::RatingPartsShare { percent: s("10") },
            Text::RatingBrokePromises {
                broken: 1,
                judged: 4,
            },
            Text::RatingNoPromises {},
            Text::RatingDisputedShare { percent: s("5") },
            Text::RatingCreditUse { percent: s("60") },
            Text::RatingNoLimit {},
            Text::RatingCustomerFor { months: 18 },
            Text::RatingExposure { percent: s("12") },
            Text::StepPoliteReminder {},
            Text::StepDueToday {},
            Text::StepOverdueReminder {},
            Text::StepCall {},
            Text::StepFirmLetter {},
            Text::StepLateFee {},
            Text::StepCreditHold {},
            Text::StepVisit {},
            Text::StepLegal {},
            Text::CreditFlagWarning {
                breach: Box::new(Text::CreditBreachOverLimit {
                    exposure_after: s("12000.00"),
                    limit: s("10000.00"),
                    currency: s("CNY"),
                }),
            },
            Text::CreditFlagOverride {
                breach: Box::new(Text::CreditBreachOnHold {
                    reason: s("支票退票"),
                }),
            },
            Text::RunStepNote {
                step: Box::new(Text::StepFirmLetter {}),
                note: Box::new(Text::RunEmailSent {
                    contact: s("li@qq.cn"),
                }),
            },
            Text::RunEmailNoContact {},
            Text::RunEmailHeldUnverified {},
            Text::RunEmailHeldLimit {},
            Text::RunMessageTask {
                channel: s("WECHAT"),
            },
            Text::RunMessageQueued {
                channel: s("SMS"),
                contact: s("+8613800138000"),
                at: s("2026-03-01 08:00"),
            },
            Text::RunMessageOptedOut {
                channel: s("WECOM"),
            },
            Text::RunMessageNoRecipient { channel: s("SMS") },
            Text::RunSmsNoTemplate { locale: s("zh-CN") },
            Text::RunWecomNoSender {},
            Text::MessageNotSentPaid { channel: s("SMS") },
            Text::MessageSent {
                channel: s("SMS"),
                contact: s("+8613800138000"),
            },
            Text::MessageAwaitingConfirmation {
                sender: s("李明")
            },
            Text::MessageDelivered {
                channel: s("WECOM"),
                contact: s("王芳"),
            },
            Text::MessageFailed {
                channel: s("SMS"),
                reason: Box::new(Text::MessageWhyRefused {
                    code: s("SMS_TEMPLATE_ILLEGAL"),
                    message: s("模板不合法"),
                }),
            },
            Text::MessageWhyRateLimited {},
            Text::MessageWhyOutcomeUnknown {},
            Text::MessageWhyNotDelivered { code: s("MK:0001") },
            Text::MessageWhyNotConfirmed { days: 3 },
            Text::MessageWhyNotWecomContact {},
            Text::MessageWhyChannelRemoved {},
            Text::WecomReminder {
                company: s("杜利科技"),
                customer: s("上海某某贸易有限公司"),
                count: s("2"),
                amount: s("CNY 12,000.00"),
                days: s("15"),
            },
            Text::TaskMessageFailed {
                channel: s("WECOM"),
                step: Box::new(Text::StepCall {}),
                reason: Box::new(Text::MessageWhyNotConfirmed { days: 3 }),
            },
            Text::RunCallTask {},
            Text::RunVisitTask {},
            Text::RunReviewAsked {},
            Text::RunLateFees {
                invoices: vec![s("INV-000044")],
            },
            Text::RunHoldPlaced {},
            Text::RunAlreadyOnHold {},
            Text::RunEscalated {},
            Text::RunInterestBilled {
                invoices: vec![s("INV-000045")],
            },
            Text::HoldByDunningStep {
                step: Box::new(Text::StepCreditHold {}),
            },
            Text::TaskForStep {
                step: Box::new(Text::StepCall {}),
                invoices: vec![s("INV-000042"), s("INV-000043")],
            },
            Text::TaskBrokenPromise {
                amount: s("5000"),
                currency: s("CNY"),
                promised_date: day,
            },
            Text::TaskScheduled {
                kind: crate::collections::TaskKind::Visit,
            },
        ]
    }
}
