//! The Chinese text of every [`crate::messages::Text`]: what the server stores as a code and
//! shows in the reader's language (alerts, rating reasons, ladder steps, run notes, task titles).

use super::zh::date;
use crate::collections::TaskKind;

pub(super) fn text(text: &crate::messages::Text) -> String {
    use crate::messages::Text;
    match text {
        Text::AsTyped { text } => text.clone(),
        Text::AlertOverCreditLimit {
            balance,
            currency,
            limit,
        } => format!("未结发票 {balance} {currency}，已超过信用额度 {limit}"),
        Text::AlertNearCreditLimit { percent } => {
            format!("未结发票已达信用额度的 {percent}%")
        }
        Text::AlertLargeInvoiceOverdue {
            number,
            balance,
            currency,
            due_date,
        } => format!(
            "发票 {number}（{balance} {currency}）自 {} 起逾期",
            date(due_date)
        ),
        Text::AlertOverdueWhileOnHold { number, due_date } => format!(
            "客户处于信用冻结期间，发票 {number} 于 {} 逾期",
            date(due_date)
        ),
        Text::AlertWorseningDaysToPay {
            change_days,
            recent_days,
        } => format!("付款比以前慢 {change_days} 天（近期平均逾期 {recent_days} 天）"),
        Text::AlertBrokenPromise {
            amount,
            currency,
            promised_date,
            paid,
        } => format!(
            "承诺于 {} 前支付 {amount} {currency}，已违约：实付 {paid}",
            date(promised_date)
        ),
        Text::AlertRatingDowngrade { from, to } => format!("信用评级由 {from} 降为 {to}"),
        Text::AlertDunningReview { step } => {
            format!("催收步骤“{}”请团队复核该客户", text_of(step))
        }
        Text::RatingPaysLate { days } => format!("平均在到期日后 {days} 天付款"),
        Text::RatingNoPaidInvoices {} => "尚无已付发票：按中性计".to_owned(),
        Text::RatingSlower { days } => format!("付款比以前慢 {days} 天"),
        Text::RatingFaster { days } => format!("付款比以前快 {days} 天"),
        Text::RatingSameSpeed {} => "付款速度与以前持平".to_owned(),
        Text::RatingNoTrend {} => "历史不足，无法判断趋势：按中性计".to_owned(),
        Text::RatingLateShare { percent } => format!("{percent}% 的发票逾期付款"),
        Text::RatingPartsShare { percent } => format!("{percent}% 的发票分次付款"),
        Text::RatingBrokePromises { broken, judged } => {
            format!("{judged} 次付款承诺中违约 {broken} 次")
        }
        Text::RatingNoPromises {} => "暂无已判定的付款承诺".to_owned(),
        Text::RatingDisputedShare { percent } => format!("{percent}% 的发票有争议"),
        Text::RatingCreditUse { percent } => format!("已用信用额度的 {percent}%"),
        Text::RatingNoLimit {} => "未设信用额度：按中性计".to_owned(),
        Text::RatingCustomerFor { months } => format!("合作 {months} 个月"),
        Text::RatingExposure { percent } => format!("占公司应收账款的 {percent}%"),
        Text::StepPoliteReminder {} => "友好提醒".to_owned(),
        Text::StepDueToday {} => "今日到期".to_owned(),
        Text::StepOverdueReminder {} => "逾期提醒".to_owned(),
        Text::StepCall {} => "电话催收".to_owned(),
        Text::StepFirmLetter {} => "正式催款函".to_owned(),
        Text::StepLateFee {} => "滞纳金".to_owned(),
        Text::StepCreditHold {} => "信用冻结".to_owned(),
        Text::StepVisit {} => "上门拜访".to_owned(),
        Text::StepLegal {} => "法律程序".to_owned(),
        Text::CreditFlagWarning { breach } => format!("警告：{}", text_of(breach)),
        Text::CreditFlagOverride { breach } => format!("强制开具：{}", text_of(breach)),
        Text::CreditBreachOnHold { reason } => format!("该客户处于信用冻结状态（{reason}）。"),
        Text::CreditBreachOverLimit {
            exposure_after,
            limit,
            currency,
        } => format!(
            "开具后未结发票将达到 {exposure_after} {currency}，超过信用额度 {limit} {currency}。"
        ),
        Text::RunStepNote { step, note } => format!("{}：{}", text_of(step), text_of(note)),
        Text::RunEmailSent { contact } => format!("已发送邮件至 {contact}"),
        Text::RunLetterQueued {} => "已生成催款函，待打印寄出".to_owned(),
        Text::RunEmailNoContact {} => "没有联系人留有邮箱：已为催收专员创建任务".to_owned(),
        Text::RunEmailHeldUnverified {} => {
            "邮件暂缓：所有者邮箱尚未验证；已为催收专员创建任务".to_owned()
        }
        Text::RunEmailHeldLimit {} => "邮件暂缓：已达今日发送上限；已为催收专员创建任务".to_owned(),
        Text::RunMessageTask { channel } => format!(
            "待发送{}消息：未配置服务商，已为催收专员创建任务",
            if channel == "SMS" { "短信" } else { "微信" }
        ),
        Text::RunMessageQueued {
            channel,
            contact,
            at,
        } => format!(
            "{}消息将于{at}（客户当地时间）发给{contact}",
            channel_name(channel)
        ),
        Text::RunMessageOptedOut { channel } => {
            format!("未发送{}消息：客户已退订消息", channel_name(channel))
        }
        Text::RunMessageNoRecipient { channel } => format!(
            "待发送{}消息：{}，已为催收专员创建任务",
            channel_name(channel),
            if channel == "SMS" {
                "没有联系人留有手机号"
            } else {
                "没有联系人有企业微信外部联系人ID"
            }
        ),
        Text::RunSmsNoTemplate { locale } => format!(
            "待发送短信：此步骤未配置{}的已审核模板，已为催收专员创建任务",
            if locale == "en" { "英文" } else { "中文" }
        ),
        Text::RunWecomNoSender {} => {
            "待发送微信消息：催收专员未关联企业微信成员，已创建任务".to_owned()
        }
        Text::MessageNotSentPaid { channel } => {
            format!("未发送{}消息：发送前发票已结清", channel_name(channel))
        }
        Text::MessageSent { channel, contact } => {
            format!("{}消息已发给{contact}", channel_name(channel))
        }
        Text::MessageAwaitingConfirmation { sender } => {
            format!("微信消息等待{sender}在企业微信中确认发送")
        }
        Text::MessageDelivered { channel, contact } => {
            format!("{}消息已送达{contact}", channel_name(channel))
        }
        Text::MessageFailed { channel, reason } => {
            format!("{}消息发送失败：{}", channel_name(channel), text_of(reason))
        }
        Text::MessageWhyRefused { code, message } => {
            format!("服务商拒绝发送（{code}：{message}）")
        }
        Text::MessageWhyRateLimited {} => "服务商持续限流，已停止重试".to_owned(),
        Text::MessageWhyOutcomeUnknown {} => "服务商未答复是否已发送，为免重复不再发送".to_owned(),
        Text::MessageWhyNotDelivered { code } => format!("运营商未能送达（{code}）"),
        Text::MessageWhyNotConfirmed { days } => {
            format!("催收专员{days}天内未在企业微信中发送")
        }
        Text::MessageWhyNotWecomContact {} => "客户不是催收专员的企业微信联系人".to_owned(),
        Text::MessageWhyChannelRemoved {} => "发送前渠道已被删除".to_owned(),
        Text::WecomReminder {
            company,
            customer,
            count,
            amount,
            days,
        } => format!(
            "{customer}您好，这里是{company}。贵司有{count}张发票共计{amount}已逾期（最长{days}天），请尽快安排付款；如已付款，请忽略本消息。"
        ),
        Text::TaskMessageFailed {
            channel,
            step,
            reason,
        } => format!(
            "{} — {}消息发送失败：{}",
            text_of(step),
            channel_name(channel),
            text_of(reason)
        ),
        Text::RunCallTask {} => "已为催收专员创建电话任务".to_owned(),
        Text::RunVisitTask {} => "已为催收专员创建拜访任务".to_owned(),
        Text::RunReviewAsked {} => "已请团队复核该客户".to_owned(),
        Text::RunLateFees { invoices } => format!("已收取滞纳金：{}", invoices.join("、")),
        Text::RunHoldPlaced {} => "已设置信用冻结".to_owned(),
        Text::RunAlreadyOnHold {} => "已处于信用冻结状态".to_owned(),
        Text::RunEscalated {} => "已转入法律程序：已建案待复核".to_owned(),
        Text::RunInterestBilled { invoices } => format!("已计收利息：{}", invoices.join("、")),
        Text::HoldByDunningStep { step } => format!("催收步骤：{}", text_of(step)),
        Text::TaskForStep { step, invoices } => {
            format!("{} — {}", text_of(step), invoices.join("、"))
        }
        Text::TaskBrokenPromise {
            amount,
            currency,
            promised_date,
        } => format!(
            "付款承诺违约：就原定 {} 支付的 {amount} {currency} 致电客户",
            date(promised_date)
        ),
        Text::TaskScheduled { kind } => match kind {
            TaskKind::Call => "回电客户",
            TaskKind::Visit => "上门拜访客户",
            TaskKind::Sms => "给客户发短信",
            TaskKind::Wechat => "通过微信联系客户",
            TaskKind::Email => "给客户发邮件",
            TaskKind::Letter => "给客户寄信函",
            TaskKind::Review => "复核客户账户",
        }
        .to_owned(),
    }
}

fn text_of(inner: &crate::messages::Text) -> String {
    text(inner)
}

/// A channel's name as people say it.
fn channel_name(channel: &str) -> &'static str {
    if channel == "SMS" { "短信" } else { "微信" }
}
