//! Duely's default collection scripts: numbered talking points for calls and visits, and a
//! ready-to-send message for WeChat, one per stage. Each stage asks for a concrete date and
//! amount and says what to log; the later ones add the contract's consequences (late fees,
//! credit hold, finally a lawyer's letter) politely but plainly, as seed article 000 §3 and §5
//! describe.

use super::Stage;
use crate::collections::CollectionChannel;
use crate::locale::Locale;

/// A script in (Simplified Chinese, English).
type Texts = (&'static str, &'static str);

/// The default script for `stage` on `channel` in `locale`; a channel without its own scripts
/// gets the phone one, the closest to what a collector says anywhere.
pub(super) fn text(stage: Stage, channel: CollectionChannel, locale: Locale) -> &'static str {
    let (zh, en) = match channel {
        CollectionChannel::Visit => visit(stage),
        CollectionChannel::Wechat => wechat(stage),
        _ => phone(stage),
    };
    match locale {
        Locale::ZhCn => zh,
        Locale::En => en,
    }
}

/// Talking points for a call.
fn phone(stage: Stage) -> Texts {
    match stage {
        Stage::Reminder => (
            "1. 开场：您好，我是{{company.name}}财务部的同事，请问是负责付款的同事吗？现在方便说两分钟吗？\n\
             2. 目的：{{customer.name}}有一笔 {{total}} 的货款即将到期，今天来电做个提前提醒。\n\
             3. 确认：发票和对账单是否已收到？金额、抬头、明细是否无误？\n\
             4. 询问：这笔款是否已列入本期付款计划？预计哪一天付、付多少？\n\
             5. 对方说发票没收到：当天重新发送，并确认收件人和地址。\n\
             6. 对方提出质量或数量问题：请对方说明发票号和具体问题，转交销售跟进；无异议的部分请按期付款。\n\
             7. 结束：复述对方确认的付款日期和金额，感谢配合，告知到账后我们会及时核对。\n\
             8. 记录：联系人、发票是否收到、有无异议、预计付款日期和金额。",
            "1. Opening: Hello, this is the accounts team at {{company.name}}. Am I speaking with the person who handles payments? Do you have two minutes?\n\
             2. Purpose: {{customer.name}} has {{total}} falling due shortly; this is a courtesy call ahead of the due date.\n\
             3. Confirm: Have you received the invoice and statement? Are the amount, billing details and items correct?\n\
             4. Ask: Is it in your next payment run? On what date, and for how much?\n\
             5. If the invoice was not received: resend it today and confirm the recipient and address.\n\
             6. If they raise a quality or quantity issue: take the invoice number and details, pass them to sales, and ask them to pay the undisputed part on time.\n\
             7. Close: repeat the agreed date and amount, thank them, and say we will confirm once it arrives.\n\
             8. Log: contact name, invoice received or not, any dispute, expected payment date and amount.",
        ),
        Stage::Early => (
            "1. 开场：您好，我是{{company.name}}财务部的同事，请问是负责付款的同事吗？\n\
             2. 目的：{{customer.name}}有 {{total}} 的货款已逾期 {{days_overdue}} 天，我们还没有查到到账，想确认一下情况。\n\
             3. 确认：发票是否收到、有无异议？款项是否已经付出？如已付，请提供付款日期和回单，我们来核对。\n\
             4. 询问：如尚未付款，具体哪一天能付？是全额还是部分？\n\
             5. 对方说资金紧张：请先付一部分，剩余部分约定明确日期。\n\
             6. 对方说老板不在、没人审批：请问还有谁可以审批、老板哪天回来，约好回电时间。\n\
             7. 对方说有质量问题：请说明发票号和具体问题，我们今天转交处理；无异议的部分请先安排付款。\n\
             8. 结束：复述“某月某日付多少”，请对方明确确认，并说明当天我们会核对到账。\n\
             9. 记录：承诺的付款日期和金额、联系人、异议内容、下次跟进日期。",
            "1. Opening: Hello, this is the accounts team at {{company.name}}. Am I speaking with the person who handles payments?\n\
             2. Purpose: {{total}} from {{customer.name}} is {{days_overdue}} days overdue and has not reached us. I'd like to check what happened.\n\
             3. Confirm: was the invoice received, and is there any query? If it has been paid, ask for the date and remittance so we can trace it.\n\
             4. Ask: if not, on what exact date will it be paid, and how much?\n\
             5. Money is tight: part payment now, a firm date for the rest.\n\
             6. The boss is away: who else can approve, and when is the boss back? Book a call-back.\n\
             7. Quality issue: take the invoice number and details and pass them on today; the undisputed part should be paid now.\n\
             8. Close: repeat the amount and date and get a clear yes; we will check receipt that day.\n\
             9. Log: promised date and amount, contact name, any dispute, next follow-up date.",
        ),
        Stage::Firm => (
            "1. 开场：您好，我是{{company.name}}财务部的同事，之前和贵司联系过货款的事。\n\
             2. 目的：{{customer.name}}的 {{total}} 货款已逾期 {{days_overdue}} 天，今天需要和您确定明确的付款日期和金额。\n\
             3. 回顾：如此前有过付款承诺，礼貌指出承诺未兑现，询问原因。\n\
             4. 要求：请在本周内付清；如确实无法一次付清，请今天确定首笔金额和日期，以及剩余款项的计划。\n\
             5. 对方说没钱：理解困难，但账款已明显超期，请给出本周能付的金额，其余按计划分期。\n\
             6. 对方说老板不在：请提供老板或财务负责人的联系方式，由我们直接联系；或约定明天上午回电。\n\
             7. 对方说有质量问题：此前未提出的，请今天书面说明发票号和问题；无异议的部分不应因此延迟。\n\
             8. 后果（语气平和）：按合同约定，逾期款项可能产生滞纳金，持续逾期会影响后续发货。\n\
             9. 结束：复述约定的日期和金额，告知当天会核对到账，并发书面确认。\n\
             10. 记录：承诺日期和金额、对接人及职务、对方理由、下次跟进日期。",
            "1. Opening: Hello, this is the accounts team at {{company.name}}, following up on your account.\n\
             2. Purpose: {{total}} from {{customer.name}} is {{days_overdue}} days overdue; today we need a firm date and amount.\n\
             3. Recap: if a promise was missed, say so politely and ask why.\n\
             4. Ask: full payment this week, or today a first amount and date and a plan for the rest.\n\
             5. No money: the account is well past due; what can be paid this week?\n\
             6. The boss is away: get the owner's or finance manager's number, or book a call for tomorrow.\n\
             7. Quality issue not raised before: in writing today; it does not hold up the undisputed part.\n\
             8. Consequences (calmly): under the contract, late fees may apply, and continued arrears will affect deliveries.\n\
             9. Close: repeat the date and amount; we will confirm in writing.\n\
             10. Log: promised date and amount, contact and role, reason given, next follow-up.",
        ),
        Stage::Serious => (
            "1. 开场：您好，我是{{company.name}}财务部的同事，麻烦请贵司财务负责人或老板接听。\n\
             2. 目的：{{customer.name}}的 {{total}} 货款已逾期 {{days_overdue}} 天，多次联系仍未解决，今天需要和有决定权的人沟通。\n\
             3. 说明后果：按合同约定，逾期款项将计收滞纳金；在结清或签署还款计划之前，贵司账户将暂停赊销，新订单需款到发货。\n\
             4. 要求：请在三个工作日内付清；如需分期，请今天确定首期金额和日期，并书面确认还款计划。\n\
             5. 对方说没钱：请说明实际情况，先付首期，其余分期，每期写明日期和金额，由负责人签字盖章。\n\
             6. 对方说老板不在：请告知老板回来的具体时间和联系方式，说明此事须在本周内解决。\n\
             7. 对方说有质量问题：逾期这么久才提出的，请书面列明问题和证据，我们会核实；无异议部分须立即支付。\n\
             8. 结束：复述付款日期、金额和分期安排，告知会发书面确认，请对方盖章或回复确认。\n\
             9. 记录：对接的负责人、承诺内容、是否同意书面还款计划、已告知的后果、下次跟进日期。",
            "1. Opening: Hello, this is the accounts team at {{company.name}}. May I speak to your finance manager or the owner?\n\
             2. Purpose: {{total}} from {{customer.name}} is {{days_overdue}} days overdue despite several calls; I need someone who can decide.\n\
             3. Consequences: under the contract, late fees are being charged; until it is paid or a plan is signed, credit is on hold and new orders ship only against payment.\n\
             4. Ask: full payment within three working days, or a first instalment today and a signed plan for the rest.\n\
             5. No money: each instalment with a date and amount, signed by a manager.\n\
             6. The boss is away: when exactly is the boss back? This must be settled this week.\n\
             7. Late quality issue: in writing with evidence; the undisputed part is due now.\n\
             8. Close: repeat dates and amounts; a written confirmation follows.\n\
             9. Log: who you spoke to, promises, plan agreed or not, next follow-up.",
        ),
        Stage::Final => (
            "1. 开场：您好，我是{{company.name}}财务部的同事，麻烦请贵司法定代表人或财务负责人接听。\n\
             2. 目的：{{customer.name}}的 {{total}} 货款已逾期 {{days_overdue}} 天，这是我们在采取法律措施之前的最后一次电话沟通。\n\
             3. 说明（平和但明确）：我们一直希望协商解决，但此前的承诺未兑现。如七日内仍未付清或签署还款协议，公司将委托律师发送律师函并依法起诉，追讨欠款、滞纳金及相关费用。\n\
             4. 要求：请在七日内付清；或今天约定时间签署书面还款协议，并支付首期款。\n\
             5. 对方说没钱：请提出具体还款方案，包括首期金额和日期，并说明能否提供担保。\n\
             6. 对方说老板不在：期限不变，请今天转告并约定回电时间；我们也会寄送书面通知。\n\
             7. 对方说有质量问题：此前未书面提出的，请在七日内提供书面材料；期限届满仍未付款的，按上述程序处理。\n\
             8. 结束：复述最后期限和对方的答复，不作超出公司授权的让步。\n\
             9. 记录：通话对象、时间、对方答复、已告知的最后期限；整理对账单、发票和催收记录，供律师使用。",
            "1. Opening: Hello, this is the accounts team at {{company.name}}. May I speak to your owner or finance manager?\n\
             2. Purpose: {{total}} from {{customer.name}} is {{days_overdue}} days overdue; this is our last call before legal action.\n\
             3. Explain (calmly): unless it is paid, or a repayment agreement signed, within seven days, we will instruct lawyers to send a formal demand and sue for the debt, late fees and costs.\n\
             4. Ask: full payment within seven days, or sign an agreement this week and pay a first instalment.\n\
             5. No money: a concrete plan with the first amount and date; can they offer security?\n\
             6. The boss is away: the deadline stands; written notice will follow.\n\
             7. Quality issue: send it in writing within seven days; the deadline stands.\n\
             8. Close: repeat the deadline; concede nothing beyond your authority.\n\
             9. Log: who, when, their answer; gather statement, invoices and call notes for the lawyers.",
        ),
    }
}

/// Talking points for a visit, where a signed statement or plan can be taken away.
fn visit(stage: Stage) -> Texts {
    match stage {
        Stage::Reminder => (
            "1. 准备：带上对账单、发票复印件和名片，提前预约贵司财务负责人。\n\
             2. 开场：感谢{{customer.name}}一直以来的合作，今天来拜访，顺便核对一下账目。\n\
             3. 对账：逐笔核对即将到期的 {{total}}，确认发票已收到、金额无误、没有质量或数量异议。\n\
             4. 询问：这笔款安排在哪一天付？付款需要哪些审批、由谁签字？\n\
             5. 如有异议：当场记下发票号和问题，回公司后两个工作日内答复；无异议的部分请按期付款。\n\
             6. 请对方在对账单上签字或盖章，双方各留一份。\n\
             7. 结束：复述付款日期和金额，交换付款负责人的联系方式，代表{{company.name}}致谢。\n\
             8. 记录：见到的人及职务、对账结果、预计付款日期和金额、对方经营近况。",
            "1. Prepare: statement, invoice copies and your business card; book the meeting with their finance lead.\n\
             2. Opening: thank {{customer.name}} for the business; you are here to keep in touch and go over the account.\n\
             3. Reconcile: go through the {{total}} falling due; confirm the invoices arrived, the amounts are right and there is no quality or quantity issue.\n\
             4. Ask: on what date will it be paid? What approvals are needed, and who signs?\n\
             5. If there is an issue: note the invoice number and details and promise an answer within two working days; the undisputed part should be paid on time.\n\
             6. Ask them to sign or stamp the statement; each side keeps a copy.\n\
             7. Close: repeat the date and amount, swap contacts with whoever pays, and thank them on behalf of {{company.name}}.\n\
             8. Log: who you met and their role, the reconciliation, expected date and amount, how their business is doing.",
        ),
        Stage::Early => (
            "1. 准备：带上对账单和逾期发票复印件，提前约好负责付款的人。\n\
             2. 开场：感谢接待。{{customer.name}}有 {{total}} 已逾期 {{days_overdue}} 天，今天来当面了解情况，看看有没有需要我们配合的地方。\n\
             3. 核对：发票是否收到、有无异议、是否已付款（如已付，请出示回单）。\n\
             4. 询问：具体哪一天付？付多少？\n\
             5. 对方说资金紧张：请当场安排一部分，其余约定明确日期。\n\
             6. 对方说老板不在：请见能审批的人，或约定老板回来后的见面时间。\n\
             7. 对方说有质量问题：当场查看并拍照，写明发票号，回公司转交处理；无异议的部分请照常付款。\n\
             8. 请对方在对账单上签字确认余额，并写明付款日期。\n\
             9. 记录：见到的人、签字的对账单、承诺日期和金额、下次跟进日期。",
            "1. Prepare: statement and copies of the overdue invoices; arrange to meet whoever handles payments.\n\
             2. Opening: thank them for seeing you. {{total}} from {{customer.name}} is {{days_overdue}} days overdue; you are here to understand why and whether {{company.name}} can help.\n\
             3. Check: was the invoice received? Any query? Already paid (ask to see the remittance)?\n\
             4. Ask: on what exact date will it be paid, and how much?\n\
             5. Money is tight: part payment arranged now, a firm date for the rest.\n\
             6. The boss is away: meet whoever can approve, or fix a meeting for when the boss is back.\n\
             7. Quality issue: look at it, take photos, note the invoice number and pass it on; the undisputed part is paid as normal.\n\
             8. Ask them to sign the statement confirming the balance and to write the payment date on it.\n\
             9. Log: who you met, the signed statement, promised date and amount, next follow-up date.",
        ),
        Stage::Firm => (
            "1. 准备：带上对账单、发票复印件和此前的沟通记录，约见财务负责人或老板。\n\
             2. 开场：感谢接待。{{customer.name}}的 {{total}} 已逾期 {{days_overdue}} 天，电话沟通没有解决，今天专程来当面确定付款安排。\n\
             3. 对账：核对余额，请对方在对账单上签字盖章。\n\
             4. 要求：请本周内付清；如无法一次付清，当场确定首笔金额和日期，以及剩余款项的计划。\n\
             5. 对方说没钱：了解实际经营情况，请今明两天先付一部分，其余写入付款计划。\n\
             6. 对方说老板不在：请当场电话联系老板，或约定两日内再次见面。\n\
             7. 对方说有质量问题：请当场书面说明，我们会核实；无异议的部分不应因此延迟。\n\
             8. 说明后果（语气平和）：按合同约定，逾期款项可能产生滞纳金，持续逾期会影响后续供货。\n\
             9. 结束：请对方在付款计划上签字，复述日期和金额。\n\
             10. 记录：见到的人及职务、签字文件、承诺日期和金额、对方经营状况、下次跟进日期。",
            "1. Prepare: statement, invoice copies and notes of earlier calls; meet the finance manager or owner.\n\
             2. Opening: thank them for seeing you. {{total}} from {{customer.name}} is {{days_overdue}} days overdue and calls have not settled it.\n\
             3. Reconcile: ask them to sign and stamp the statement.\n\
             4. Ask: full payment this week, or now a first amount and date and a plan for the rest.\n\
             5. No money: part payment today or tomorrow, the rest in a plan.\n\
             6. The boss is away: ask them to phone the boss now, or meet again within two days.\n\
             7. Quality issue: in writing now; it does not hold up the undisputed part.\n\
             8. Consequences (calmly): under the contract, late fees may apply, and continued arrears will affect supply.\n\
             9. Close: have the plan signed; repeat dates and amounts for {{company.name}}'s records.\n\
             10. Log: who you met, documents signed, promised date and amount, next follow-up.",
        ),
        Stage::Serious => (
            "1. 准备：带上对账单、发票复印件、催收记录和书面还款计划，约见老板或财务负责人。\n\
             2. 开场：感谢接待。{{customer.name}}的 {{total}} 已逾期 {{days_overdue}} 天，多次联系仍未解决，今天需要和有决定权的人当面确定方案。\n\
             3. 对账：核对余额，请对方在对账单上签字盖章。\n\
             4. 说明：按合同约定，逾期款项将计收滞纳金；在结清或签署还款计划之前，贵司账户暂停赊销，新订单需款到发货。\n\
             5. 要求：三个工作日内付清；或当场签署还款计划，写明每期日期和金额，首期尽快支付。\n\
             6. 对方说没钱：请说明资金来源和可行的期限；可以接受分期，但须签字盖章。\n\
             7. 对方说老板不在：约定老板在场的具体时间，本周内再来。\n\
             8. 对方说有质量问题：请书面列明问题和证据，我们会核实；无异议的部分须立即支付。\n\
             9. 结束：复述已签的计划或付款日期，留存签字文件。\n\
             10. 记录：见到的人、签字的对账单和还款计划、已告知的后果、对方经营状况（是否停工、搬迁等）。",
            "1. Prepare: statement, invoice copies, collection history and a repayment plan; meet the owner or finance manager.\n\
             2. Opening: thank them for seeing you. {{total}} from {{customer.name}} is {{days_overdue}} days overdue despite several contacts; a decision is needed today.\n\
             3. Reconcile: ask them to sign and stamp the statement.\n\
             4. Explain: under the contract, late fees are being charged; until it is paid or a plan is signed, credit is on hold and new orders ship only against payment.\n\
             5. Ask: full payment within three working days, or sign the plan now and pay the first instalment promptly.\n\
             6. No money: instalments are fine if signed and stamped.\n\
             7. The boss is away: fix a time this week when the boss is there.\n\
             8. Quality issue: in writing with evidence; the undisputed part is due now.\n\
             9. Close: keep the signed papers.\n\
             10. Log: who you met, papers signed, state of their business (idle, moving).",
        ),
        Stage::Final => (
            "1. 准备：带上对账单、发票复印件、全部催收记录和书面还款协议，最好两人同去，约见法定代表人或老板。\n\
             2. 开场：感谢接待。{{customer.name}}的 {{total}} 已逾期 {{days_overdue}} 天，这是我们在采取法律措施之前最后一次当面协商。\n\
             3. 对账：核对余额，请对方在对账单上签字盖章，作为双方确认的欠款金额。\n\
             4. 说明（平和但明确）：如七日内仍未付清或签署还款协议，公司将委托律师发送律师函并依法起诉，追讨欠款、滞纳金及相关费用。\n\
             5. 要求：七日内付清；或当场签署还款协议，并约定首期付款。\n\
             6. 对方说没钱：请提出书面还款方案，写明首期金额、日期，并说明能否提供担保。\n\
             7. 对方说老板不在：期限不变，请当场电话联系老板，并当面递交书面通知。\n\
             8. 全程保持礼貌，不争吵，不作超出授权的承诺。\n\
             9. 记录：见到的人、签字文件、对方答复、最后期限；整理全部材料交法务或律师。",
            "1. Prepare: statement, invoice copies, collection history and a repayment agreement; go in pairs; meet the legal representative or owner.\n\
             2. Opening: thank them for seeing you. {{total}} from {{customer.name}} is {{days_overdue}} days overdue; this is our last meeting before legal action.\n\
             3. Reconcile: ask them to sign and stamp the statement as the amount owed.\n\
             4. Explain (calmly): unless it is paid, or a repayment agreement signed, within seven days, {{company.name}} will instruct lawyers to send a formal demand and sue for the debt, late fees and costs.\n\
             5. Ask: full payment within seven days, or sign the agreement now.\n\
             6. No money: a written plan with the first amount and date.\n\
             7. The boss is away: the deadline stands; hand over the written notice.\n\
             8. Stay polite; promise nothing beyond your authority.\n\
             9. Log: who you met, papers signed, their answer; pass the file to the lawyers.",
        ),
    }
}

/// A message ready to send on WeChat.
fn wechat(stage: Stage) -> Texts {
    match stage {
        Stage::Reminder => (
            "{{customer.name}}您好！我是{{company.name}}财务部的同事。温馨提醒：贵司有一笔 {{total}} 的货款即将到期。\n\n\
             麻烦帮忙确认：\n\
             1. 发票是否已收到，金额和明细是否无误？\n\
             2. 这笔款预计哪一天安排付款？\n\n\
             如有任何问题，请随时告诉我，我们会尽快处理。谢谢，祝工作顺利！",
            "Hello {{customer.name}}, this is the accounts team at {{company.name}}. A friendly reminder that {{total}} falls due shortly.\n\n\
             Could you please confirm:\n\
             1. Have you received the invoice, and are the amount and details correct?\n\
             2. On what date do you expect to make the payment?\n\n\
             If anything needs sorting out, just let me know and we will deal with it promptly. Thank you!",
        ),
        Stage::Early => (
            "{{customer.name}}您好！我是{{company.name}}财务部的同事。贵司 {{total}} 的货款已逾期 {{days_overdue}} 天，我们这边暂未查到到账。\n\n\
             如已付款，麻烦发一下付款回单，我们马上核对；如尚未安排，请告知具体的付款日期和金额。\n\n\
             如发票或货物有任何问题，也请直接告诉我，我们会尽快处理。谢谢！",
            "Hello {{customer.name}}, this is the accounts team at {{company.name}}. {{total}} on your account is now {{days_overdue}} days overdue, and we have not yet received it.\n\n\
             If you have already paid, please send the remittance and we will match it straight away. If not, please let me know the date and amount you will pay.\n\n\
             If there is any problem with the invoice or the goods, just tell me and we will look into it promptly. Thank you!",
        ),
        Stage::Firm => (
            "{{customer.name}}您好！我是{{company.name}}财务部的同事。贵司 {{total}} 的货款已逾期 {{days_overdue}} 天，此前多次联系仍未收到款项。\n\n\
             请于本周内安排付清，并回复确认具体的付款日期和金额。如一次付清确有困难，请今天回复首笔付款的金额和日期，以及剩余款项的计划。\n\n\
             按合同约定，逾期款项可能产生滞纳金，也会影响后续供货。希望尽快解决，感谢配合！",
            "Hello {{customer.name}}, this is the accounts team at {{company.name}}. {{total}} on your account is now {{days_overdue}} days overdue, and we have not received payment despite earlier reminders.\n\n\
             Please arrange full payment this week and reply to confirm the date and amount. If paying in one go is genuinely difficult, please reply today with the amount and date of a first payment and a plan for the rest.\n\n\
             Under our contract, late fees may apply to overdue amounts, and continued arrears will affect future deliveries. We would like to resolve this quickly. Thank you for your cooperation.",
        ),
        Stage::Serious => (
            "{{customer.name}}您好！我是{{company.name}}财务部的同事。贵司 {{total}} 的货款已逾期 {{days_overdue}} 天，经多次沟通仍未解决。\n\n\
             特此告知：按合同约定，逾期款项将计收滞纳金；在款项结清或双方签署还款计划之前，贵司账户将暂停赊销，新订单需款到发货。\n\n\
             请于三个工作日内付清，或回复书面还款计划（写明每期日期和金额），并由贵司负责人确认。如有疑问，请直接回复或来电。谢谢！",
            "Hello {{customer.name}}, this is the accounts team at {{company.name}}. {{total}} on your account is now {{days_overdue}} days overdue and remains unresolved after several contacts.\n\n\
             Please note that, under our contract, late fees will be charged on the overdue amount, and until it is paid or a repayment plan is signed, your account is on credit hold: new orders will ship only against payment.\n\n\
             Please pay in full within three working days, or reply with a written repayment plan (dates and amounts of each instalment) confirmed by a manager. If you have any questions, reply here or call us. Thank you.",
        ),
        Stage::Final => (
            "{{customer.name}}您好！我是{{company.name}}财务部的同事。贵司 {{total}} 的货款已逾期 {{days_overdue}} 天，我们多次联系并给予宽限，款项仍未结清。\n\n\
             这是我们在采取法律措施之前的最后通知：请于七日内付清全部欠款，或与我们签署书面还款协议并支付首期款。逾期仍未处理的，公司将委托律师发送律师函并依法起诉，追讨欠款、滞纳金及相关费用。\n\n\
             我们仍希望协商解决，请尽快回复。",
            "Hello {{customer.name}}, this is the accounts team at {{company.name}}. {{total}} on your account is now {{days_overdue}} days overdue; despite repeated contact and extra time, it remains unpaid.\n\n\
             This is our final notice before legal action. Please pay the full balance within seven days, or sign a written repayment agreement with us and pay the first instalment. Otherwise we will instruct lawyers to send a formal demand and start proceedings to recover the debt, late fees and costs.\n\n\
             We would still prefer to settle this by agreement, so please reply as soon as possible.",
        ),
    }
}
