//! The English text of every [`crate::messages::Text`]: what the server stores as a code and
//! shows in the reader's language (alerts, rating reasons, ladder steps, run notes, task titles).

use super::en_words::date;
use super::plural;
use crate::collections::TaskKind;

pub(super) fn text(text: &crate::messages::Text) -> String {
    use crate::messages::Text;
    match text {
        Text::AsTyped { text } => text.clone(),
        Text::AlertOverCreditLimit {
            balance,
            currency,
            limit,
        } => format!("Open invoices of {balance} {currency} are over the credit limit of {limit}"),
        Text::AlertNearCreditLimit { percent } => {
            format!("Open invoices have reached {percent}% of the credit limit")
        }
        Text::AlertLargeInvoiceOverdue {
            number,
            balance,
            currency,
            due_date,
        } => format!(
            "Invoice {number} of {balance} {currency} is overdue since {}",
            date(due_date)
        ),
        Text::AlertOverdueWhileOnHold { number, due_date } => format!(
            "Invoice {number} fell overdue on {} while the customer is on credit hold",
            date(due_date)
        ),
        Text::AlertWorseningDaysToPay {
            change_days,
            recent_days,
        } => format!(
            "Pays {change_days} days later than before ({recent_days} days past due on average lately)"
        ),
        Text::AlertBrokenPromise {
            amount,
            currency,
            promised_date,
            paid,
        } => format!(
            "Promise to pay {amount} {currency} by {} was broken: {paid} paid",
            date(promised_date)
        ),
        Text::AlertRatingDowngrade { from, to } => {
            format!("Credit rating went down from {from} to {to}")
        }
        Text::AlertDunningReview { step } => format!(
            "Dunning step \"{}\" asks the team to review the account",
            text_of(step)
        ),
        Text::RatingPaysLate { days } => format!("Pays on average {days} days after the due date"),
        Text::RatingNoPaidInvoices {} => "No paid invoices yet: neutral".to_owned(),
        Text::RatingSlower { days } => format!("Paying {days} days slower than before"),
        Text::RatingFaster { days } => format!("Paying {days} days faster than before"),
        Text::RatingSameSpeed {} => "Paying as fast as before".to_owned(),
        Text::RatingNoTrend {} => "Too little history for a trend: neutral".to_owned(),
        Text::RatingLateShare { percent } => format!("{percent}% of invoices paid late"),
        Text::RatingPartsShare { percent } => format!("{percent}% of invoices paid in parts"),
        Text::RatingBrokePromises { broken, judged } => format!(
            "Broke {broken} of {}",
            plural(*judged, "promise to pay", "promises to pay")
        ),
        Text::RatingNoPromises {} => "No promises to pay judged".to_owned(),
        Text::RatingDisputedShare { percent } => format!("{percent}% of invoices disputed"),
        Text::RatingCreditUse { percent } => format!("Uses {percent}% of its credit limit"),
        Text::RatingNoLimit {} => "No credit limit set: neutral".to_owned(),
        Text::RatingCustomerFor { months } => {
            format!("A customer for {}", plural(*months, "month", "months"))
        }
        Text::RatingExposure { percent } => {
            format!("Holds {percent}% of the company's receivables")
        }
        Text::StepPoliteReminder {} => "Polite reminder".to_owned(),
        Text::StepDueToday {} => "Due today".to_owned(),
        Text::StepOverdueReminder {} => "Overdue reminder".to_owned(),
        Text::StepCall {} => "Call".to_owned(),
        Text::StepFirmLetter {} => "Firm letter".to_owned(),
        Text::StepLateFee {} => "Late fee".to_owned(),
        Text::StepCreditHold {} => "Credit hold".to_owned(),
        Text::StepVisit {} => "Visit".to_owned(),
        Text::StepLegal {} => "Legal".to_owned(),
        Text::CreditFlagWarning { breach } => format!("Warning: {}", text_of(breach)),
        Text::CreditFlagOverride { breach } => format!("Override: {}", text_of(breach)),
        Text::CreditBreachOnHold { reason } => {
            format!("The customer is on credit hold ({reason}).")
        }
        Text::CreditBreachOverLimit {
            exposure_after,
            limit,
            currency,
        } => format!(
            "Open invoices would reach {exposure_after} {currency}, over the credit limit of {limit} {currency}."
        ),
        Text::RunStepNote { step, note } => format!("{}: {}", text_of(step), text_of(note)),
        Text::RunEmailSent { contact } => format!("email sent to {contact}"),
        Text::RunLetterQueued {} => "letter made, to be printed and mailed".to_owned(),
        Text::RunEmailNoContact {} => {
            "no contact has an email address: a task for the collector".to_owned()
        }
        Text::RunEmailHeldUnverified {} => {
            "email held: the owner's address is not verified; a task for the collector".to_owned()
        }
        Text::RunEmailHeldLimit {} => {
            "email held: today's sending limit is reached; a task for the collector".to_owned()
        }
        Text::RunMessageTask { channel } => format!(
            "{} message to send: a task for the collector (no provider is configured)",
            if channel == "SMS" { "SMS" } else { "WeChat" }
        ),
        Text::RunMessageQueued {
            channel,
            contact,
            at,
        } => format!(
            "{} message to {contact}, going at {at} (the customer's time)",
            channel_name(channel)
        ),
        Text::RunMessageOptedOut { channel } => format!(
            "{} message not sent: the customer refuses messages",
            channel_name(channel)
        ),
        Text::RunMessageNoRecipient { channel } => format!(
            "{} message to send: a task for the collector ({})",
            channel_name(channel),
            if channel == "SMS" {
                "no contact has a mobile number"
            } else {
                "no contact has a WeChat Work contact id"
            }
        ),
        Text::RunSmsNoTemplate { locale } => format!(
            "SMS to send: a task for the collector (no approved template is mapped to this step in {})",
            if locale == "en" { "English" } else { "Chinese" }
        ),
        Text::RunWecomNoSender {} => {
            "WeChat message to send: a task (the collector has no WeChat Work member mapped)"
                .to_owned()
        }
        Text::MessageNotSentPaid { channel } => format!(
            "{} message not sent: its invoices were paid before it went",
            channel_name(channel)
        ),
        Text::MessageSent { channel, contact } => {
            format!("{} message sent to {contact}", channel_name(channel))
        }
        Text::MessageAwaitingConfirmation { sender } => {
            format!("WeChat message waiting for {sender} to send it in WeChat Work")
        }
        Text::MessageDelivered { channel, contact } => {
            format!("{} message reached {contact}", channel_name(channel))
        }
        Text::MessageFailed { channel, reason } => format!(
            "{} message failed: {}",
            channel_name(channel),
            text_of(reason)
        ),
        Text::MessageWhyRefused { code, message } => {
            format!("the provider refused it ({code}: {message})")
        }
        Text::MessageWhyRateLimited {} => {
            "the provider kept asking to slow down until Duely gave up".to_owned()
        }
        Text::MessageWhyOutcomeUnknown {} => {
            "the provider did not answer whether it was sent; it is not sent again".to_owned()
        }
        Text::MessageWhyNotDelivered { code } => {
            format!("the carrier could not deliver it ({code})")
        }
        Text::MessageWhyNotConfirmed { days } => {
            format!("the collector did not send it in WeChat Work within {days} days")
        }
        Text::MessageWhyNotWecomContact {} => {
            "the customer is not the collector's WeChat Work contact".to_owned()
        }
        Text::MessageWhyChannelRemoved {} => "the channel was removed before it went".to_owned(),
        Text::WecomReminder {
            company,
            customer,
            count,
            amount,
            days,
        } => format!(
            "Hello {customer}, this is {company}. {count} of your invoices, {amount} in all, are overdue (the oldest by {days} days). Please arrange payment; if you have paid, please ignore this message."
        ),
        Text::TaskMessageFailed {
            channel,
            step,
            reason,
        } => format!(
            "{} — {} message failed: {}",
            text_of(step),
            channel_name(channel),
            text_of(reason)
        ),
        Text::RunCallTask {} => "Call task for the collector".to_owned(),
        Text::RunVisitTask {} => "Visit task for the collector".to_owned(),
        Text::RunReviewAsked {} => "The team was asked to review the account".to_owned(),
        Text::RunLateFees { invoices } => format!("Late fees charged: {}", invoices.join(", ")),
        Text::RunHoldPlaced {} => "Credit hold placed".to_owned(),
        Text::RunAlreadyOnHold {} => "Already on credit hold".to_owned(),
        Text::RunEscalated {} => "Escalated to legal: a case is open for review".to_owned(),
        Text::RunInterestBilled { invoices } => {
            format!("Interest billed: {}", invoices.join(", "))
        }
        Text::HoldByDunningStep { step } => format!("Dunning step: {}", text_of(step)),
        Text::TaskForStep { step, invoices } => {
            format!("{} — {}", text_of(step), invoices.join(", "))
        }
        Text::TaskBrokenPromise {
            amount,
            currency,
            promised_date,
        } => format!(
            "Broken promise: call about the {amount} {currency} promised for {}",
            date(promised_date)
        ),
        Text::TaskScheduled { kind } => match kind {
            TaskKind::Call => "Call the customer back",
            TaskKind::Visit => "Visit the customer",
            TaskKind::Sms => "Send the customer a text message",
            TaskKind::Wechat => "Message the customer on WeChat",
            TaskKind::Email => "Email the customer",
            TaskKind::Letter => "Send the customer a letter",
            TaskKind::Review => "Review the customer's account",
        }
        .to_owned(),
    }
}

fn text_of(inner: &crate::messages::Text) -> String {
    text(inner)
}

/// A channel's name as people say it.
fn channel_name(channel: &str) -> &'static str {
    if channel == "SMS" { "SMS" } else { "WeChat" }
}
