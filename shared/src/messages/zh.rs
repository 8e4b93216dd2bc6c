//! 简体中文 (zh-CN).

use crate::billing::{Limit, Plan};
use crate::reason::{Entity, Reason};
use chrono::NaiveDate;

fn entity(entity: &Entity) -> &'static str {
    match entity {
        Entity::Customer => "客户",
        Entity::Invoice => "发票",
        Entity::CreditNote => "贷项通知单",
        Entity::Dispute => "争议",
        Entity::Payment => "收款",
        Entity::Ladder => "催收阶梯",
        Entity::Template => "模板",
        Entity::Run => "催收批次",
        Entity::Fee => "费用",
        Entity::Activity => "催收记录",
        Entity::Promise => "付款承诺",
        Entity::Task => "任务",
        Entity::LegalCase => "法律案件",
        Entity::Alert => "预警",
        Entity::Rating => "评级",
        Entity::IncentiveRule => "奖励规则",
        Entity::Company => "公司",
        Entity::User => "用户",
        Entity::Member => "团队成员",
        Entity::ApiKey => "API 密钥",
        Entity::ApprovalRequest => "审批申请",
        Entity::BankAccount => "银行账户",
        Entity::BankTransaction => "银行流水",
        Entity::Fapiao => "发票（税务）",
        Entity::Letter => "信函",
        Entity::Attachment => "附件",
        Entity::WebhookEndpoint => "Webhook 端点",
        Entity::WebhookDelivery => "Webhook 投递",
        Entity::MessageChannel => "消息渠道",
        Entity::MessageDelivery => "消息",
        Entity::Report => "报表",
    }
}

fn plan(plan: &Plan) -> &'static str {
    match plan {
        Plan::Free => "免费版",
        Plan::Growth => "成长版",
        Plan::Scale => "规模版",
    }
}

fn limit(limit: &Limit, allowed: u64) -> String {
    match limit {
        Limit::Users => format!("{allowed} 名团队成员"),
        Limit::Customers => format!("{allowed} 个客户"),
        Limit::InvoicesPerMonth => format!("每月 {allowed} 张发票"),
        Limit::ApiKeys => format!("{allowed} 个 API 密钥"),
        Limit::EmailsPerDay => format!("每天 {allowed} 封客户邮件"),
    }
}

pub(super) fn date(day: &NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A status's Chinese name (`PARTIALLY_PAID` is `部分收款`); a status this list lacks reads as sent.
pub(super) fn status_zh(status: &str) -> String {
    let name = match status {
        "DRAFT" => "草稿",
        "ISSUED" => "已开具",
        "PARTIALLY_PAID" => "部分收款",
        "PAID" => "已结清",
        "VOID" => "已作废",
        "WRITTEN_OFF" => "已核销",
        "OPEN" => "处理中",
        "RESOLVED" => "已解决",
        "REJECTED" => "已驳回",
        "ACTIVE" => "进行中",
        "CANCELED" | "CANCELLED" => "已取消",
        "CONFIRMED" => "已确认",
        "DISPUTED" => "有异议",
        "ACKNOWLEDGED" => "已确认收到",
        "KEPT" => "已兑现",
        "PARTIALLY_KEPT" => "部分兑现",
        "BROKEN" => "已违约",
        "PENDING" => "待处理",
        "SETTLED" => "已和解",
        "LETTER_SENT" => "已发律师函",
        "AGENCY" => "委托催收",
        "LITIGATION" => "诉讼中",
        "CLOSED" => "已结案",
        "DONE" => "已完成",
        "NONE" => "未启动",
        "APPROVED" => "已批准",
        "EXPIRED" => "已过期",
        "FAILED" => "执行失败",
        other => return other.to_owned(),
    };
    name.to_owned()
}

pub(super) fn reason(reason: &Reason) -> String {
    match reason {
        Reason::Internal {} => "服务出错了，我们已记录该问题。".to_owned(),
        Reason::MalformedRequest {} => "请求不是有效的 GraphQL 请求。".to_owned(),
        // 该协议的客户端按此固定文字识别，不随语言变化。
        Reason::PersistedQueryNotFound {} => "PersistedQueryNotFound".to_owned(),
        Reason::PersistedQueryInvalid {} => {
            "persistedQuery 扩展须为版本 1，附文档的十六进制 SHA-256，且与随附文档一致。".to_owned()
        }
        Reason::InvalidArgument {} => "参数类型不正确。".to_owned(),
        Reason::CompanyReadOnly {} => {
            "公司账户为只读：订阅已结束。所有者或管理员可在账单页面重新订阅，数据均未删除。"
                .to_owned()
        }
        Reason::PlanLimitReached {
            limit: reached,
            plan: current,
            allowed,
            upgrade_to,
        } => {
            let head = format!("{}最多允许{}", plan(current), limit(reached, *allowed));
            match upgrade_to {
                Some(next) => format!("{head}；{}允许更多，请在账单页面升级。", plan(next)),
                None => format!("{head}；这已是最高套餐，请联系我们提高上限。"),
            }
        }
        Reason::TooManyAttempts { seconds } => format!("操作过于频繁，请 {seconds} 秒后再试。"),
        Reason::ServerBusy { seconds } => format!("服务器繁忙，请 {seconds} 秒后再试。"),
        Reason::PdfFontMissing {} => "服务器缺少打印 PDF 所需的字体，请联系管理员。".to_owned(),
        Reason::DatabaseUnavailable { seconds } => {
            format!("服务暂时无法访问数据库，请 {seconds} 秒后再试。")
        }
        Reason::RecordNotFound { entity: kind } => format!("找不到该{}。", entity(kind)),
        Reason::Required {} => "此项必填".to_owned(),
        Reason::TextLength { min, max } => match (min, max) {
            (Some(min), Some(max)) => format!("请填写 {min} 到 {max} 个字符"),
            (None, Some(max)) => format!("最多 {max} 个字符"),
            (Some(min), None) => format!("至少 {min} 个字符"),
            (None, None) => "请填写内容".to_owned(),
        },
        Reason::ControlCharacters {} => "含有控制字符，请使用纯文本".to_owned(),
        Reason::InvalidCharacters { symbols, max } => match max {
            Some(max) => format!("请使用 1 到 {max} 个字母、数字或 {symbols}"),
            None => format!("只能使用字母、数字或 {symbols}"),
        },
        Reason::NotANumber { value } => format!("“{value}”不是有效的数字"),
        Reason::NotPositive {} => "金额必须大于零".to_owned(),
        Reason::Negative {} => "金额不能小于零".to_owned(),
        Reason::OutOfRange { min, max } => format!("请填写 {min} 到 {max} 之间的值"),
        Reason::TooManyDecimals {
            amount,
            currency,
            allowed,
        } => format!("{amount} 的小数位数超过了 {currency} 允许的 {allowed} 位"),
        Reason::AmountTooLarge {} => "金额过大（最多 100 万亿）".to_owned(),
        Reason::UnknownCurrency { value } => {
            format!("“{value}”不是有效的币种代码（ISO 4217，例如 CNY）")
        }
        Reason::NotAnId { value } => format!("“{value}”不是有效的编号"),
        Reason::NotOneOf { allowed } => format!("请从以下选项中选择：{}", allowed.join("、")),
        Reason::CountOutOfRange { min, max } => format!("请提供 {min} 到 {max} 项"),
        Reason::Duplicate {} => "同一项重复出现".to_owned(),
        Reason::DateOutOfRange { earliest, latest } => match (earliest, latest) {
            (Some(from), Some(to)) => format!("日期须在 {} 至 {} 之间", date(from), date(to)),
            (Some(from), None) => format!("日期不能早于 {}", date(from)),
            (None, Some(to)) => format!("日期不能晚于 {}", date(to)),
            (None, None) => "请填写有效日期".to_owned(),
        },
        Reason::BadPeriod { years } => match years {
            Some(years) => format!("期间的结束日须晚于开始日，且不超过 {years} 年"),
            None => "期间的结束日须晚于开始日".to_owned(),
        },
        Reason::BadCursor {} => "分页游标无效，请使用列表返回的 endCursor".to_owned(),
        Reason::EmailMalformed {} => "邮箱地址格式不正确".to_owned(),
        Reason::UnknownTimeZone { value } => format!("“{value}”不是有效的时区（例如 Asia/Shanghai）"),
        Reason::CurrencyMismatch { expected, given } => {
            format!("不能将 {given} 金额与 {expected} 金额合并计算")
        }
        Reason::AgingEdgesNotIncreasing {} => {
            "请填写三个递增的正整数天数，例如 30、60、90".to_owned()
        }
        Reason::EitherNotBoth {} => "二者只能填写其一".to_owned(),
        Reason::InvoiceNotDraft { status } => format!(
            "发票状态为“{}”，只有草稿可以编辑；请作废或开具贷项通知单。",
            status_zh(status)
        ),
        Reason::InvoiceAlreadyIssued { status } => {
            format!("发票状态为“{}”，只有草稿可以开具。", status_zh(status))
        }
        Reason::InvoiceNotVoidable { status } => format!(
            "发票状态为“{}”，只有草稿或未收款的已开具发票可以作废。",
            status_zh(status)
        ),
        Reason::InvoiceNotOpen { status, action } => {
            let wanted = match action.as_str() {
                "DISPUTE" => "只有未结清的发票可以提出争议",
                "CREDIT" => "贷项通知单只能用于未结清的发票",
                _ => "只有未结清的发票可以核销",
            };
            format!("发票状态为“{}”，{wanted}。", status_zh(status))
        }
        Reason::InvoiceClosed { status } => format!(
            "发票状态为“{}”，只有草稿或未结清的发票可以设置分期计划。",
            status_zh(status)
        ),
        Reason::CustomerArchived {} => "该客户已归档，请先恢复".to_owned(),
        Reason::InvoiceCurrencyNeedsLines {} => {
            "更改币种时请同时重新提交明细行，以便按新币种计价".to_owned()
        }
        Reason::InvoiceHasPayments {} => {
            "该发票已有收款或贷项通知单；请先冲销，或改为核销。".to_owned()
        }
        Reason::InvoiceNumberTaken {} => "已有其他发票使用此编号。".to_owned(),
        Reason::InvoiceExternalRefTaken {} => "已有其他发票使用此外部参考号。".to_owned(),
        Reason::DueBeforeIssue { issue_date } => {
            format!("到期日不能早于开票日（{}）", date(issue_date))
        }
        Reason::OverBalanceDue {
            balance_due,
            currency,
        } => format!("不能超过未付余额 {balance_due} {currency}"),
        Reason::DisputeClosed { status } => {
            format!("该争议已{}。", status_zh(status).trim_start_matches('已'))
        }
        Reason::CreditHoldBlocksIssue { reason } => format!(
            "该客户处于信用冻结状态（{reason}）。拥有超额审批权限的人员可以强制开具。"
        ),
        Reason::CreditLimitBlocksIssue {
            limit,
            exposure_after,
            currency,
        } => format!(
            "开具后未结发票将达到 {exposure_after} {currency}，超过信用额度 {limit} {currency}。拥有超额审批权限的人员可以强制开具。"
        ),
        Reason::InvoiceNoLines {} => "发票至少需要一行明细".to_owned(),
        Reason::InvoiceTooManyLines { max } => format!("一张发票最多 {max} 行明细"),
        Reason::LineDescription { line, max } => {
            format!("第 {line} 行：描述为空或超过 {max} 个字符")
        }
        Reason::LineQuantity { line, decimals } => {
            format!("第 {line} 行：数量必须大于零，且最多 {decimals} 位小数")
        }
        Reason::LineUnitPrice { line, decimals } => {
            format!("第 {line} 行：单价不能为负数，且最多 {decimals} 位小数")
        }
        Reason::LineTaxRate { line } => {
            format!("第 {line} 行：税率须为 0 到 1 之间的小数，最多 4 位小数（0.13 即 13%）")
        }
        Reason::LineTooLarge { line } => format!("第 {line} 行：金额过大（最多 100 万亿）"),
        Reason::InvoiceZeroTotal {} => "发票总额必须大于零".to_owned(),
        Reason::InstallmentDueDates {} => {
            "各期到期日不能早于开票日，且须逐期递增".to_owned()
        }
        Reason::InstallmentCount { min, max } => {
            format!("请设置 {min} 到 {max} 期，或不设分期以取消分期计划")
        }
        Reason::InstallmentsDoNotAddUp {
            sum,
            total,
            currency,
        } => format!("各期合计 {sum}，与发票总额 {total} {currency} 不一致"),
        Reason::FapiaoNumberFormat { digits, .. } if *digits > 0 => {
            format!("该类发票号码为 {digits} 位数字")
        }
        Reason::FapiaoNumberFormat { .. } => "发票号码为 1 至 40 位字母或数字".to_owned(),
        Reason::FapiaoCodeFormat { kind } => match kind.as_str() {
            "VAT_SPECIAL" | "VAT_GENERAL" => "发票代码为 10 位或 12 位数字".to_owned(),
            "OTHER" => "发票代码最多 20 位字母或数字".to_owned(),
            _ => "数电票没有发票代码".to_owned(),
        },
        Reason::FapiaoTaxOverAmount {} => "税额不能为负，且须小于价税合计".to_owned(),
        Reason::FapiaoOverInvoice {
            total,
            issued,
            currency,
        } => format!("该发票已开票 {issued} {currency}，再开将超过发票总额 {total} {currency}"),
        Reason::FapiaoOverCreditNote {
            amount,
            issued,
            currency,
        } => format!(
            "该贷项通知单已开红字发票 {issued} {currency}，再开将超过其金额 {amount} {currency}"
        ),
        Reason::FapiaoRedOverBlue {
            blue,
            red,
            currency,
        } => format!("红字发票合计 {red} {currency} 将超过所冲销的蓝字发票 {blue} {currency}"),
        Reason::FapiaoNumberTaken { number } => format!("发票号码 {number} 已登记"),
        Reason::FapiaoVoided {} => "该发票登记已作废。".to_owned(),
        Reason::FapiaoInvoiceNotIssued { status } => {
            format!("只有已开具的发票才能登记税务发票，该发票状态为 {status}。")
        }
        Reason::FapiaoIssuedInFuture { today } => format!("开票日期不能晚于今天（{today}）"),
        Reason::FapiaoCreditNoteOfAnotherInvoice {} => "该贷项通知单不属于此发票".to_owned(),
        Reason::InvoiceNotSendable { status } => format!(
            "只有已开具的发票可以发送给客户；此发票状态为“{}”。",
            status_zh(status)
        ),
        Reason::InvoiceNoContactEmail {} => {
            "该客户没有留有邮箱的联系人：请填写收件地址，或添加财务联系人。".to_owned()
        }
        Reason::InvoiceTooManyCopies { max } => format!("抄送地址最多 {max} 个"),
        Reason::LetterAlreadyMailed { mailed_on } => {
            format!("该信函已于 {} 登记寄出。", date(mailed_on))
        }
        Reason::LetterNothingOverdue {} => "该客户没有逾期欠款，无需发函。".to_owned(),
        Reason::AttachmentTooLarge { max_mib } => format!("文件超过 {max_mib} MiB。"),
        Reason::AttachmentEmpty {} => "文件是空的。".to_owned(),
        Reason::AttachmentKindNotAccepted {} => {
            "只能上传 PDF、OFD、JPEG、PNG、WebP、HEIC、XLSX 和 DOCX 文件（按文件内容判断，而非文件名）。".to_owned()
        }
        Reason::AttachmentPhotoUnreadable {} => {
            "无法读取照片的元数据，因而无法去除拍摄地点：请重新保存照片，或上传截图。".to_owned()
        }
        Reason::AttachmentTooMany { max } => format!("每条记录最多 {max} 个附件。"),
        Reason::AttachmentAlreadyDeleted {} => "该附件已被删除。".to_owned(),
        Reason::AttachmentUploadCutShort {} => "上传中断，请重新上传文件。".to_owned(),
        Reason::WebhookUrlInvalid { max } => {
            format!("须为完整的 HTTPS 地址，不含用户名和密码，最多 {max} 个字符")
        }
        Reason::WebhookAddressNotPublic {} => "须为公网地址，不能是内网、本机或链路本地地址".to_owned(),
        Reason::WebhookEventUnknown { event } => format!("“{event}”不是可订阅的事件"),
        Reason::WebhookEndpointsTooMany { max } => format!("每家公司最多 {max} 个 Webhook 端点。"),
        Reason::WebhookEndpointDisabled {} => "该端点已停用：请先启用再发送。".to_owned(),
        Reason::LogoInvalid { max_kb } => format!("标志须为不超过 {max_kb} KB 的 PNG 或 JPEG 图片"),
        Reason::TooManyBankAccounts { max } => format!("银行账户最多 {max} 个"),
        Reason::IdempotencyKeyReused {} => "该幂等键已用于其他请求，请使用新的幂等键。".to_owned(),
        Reason::IdempotencyKeyInUse {} => "使用该幂等键的请求正在处理中，请稍后重试。".to_owned(),
        Reason::PaymentAlreadyReversed {} => "该笔收款已被冲销。".to_owned(),
        Reason::PaymentFullyAllocated {} => "该笔收款已全部分配至发票。".to_owned(),
        Reason::PaymentNoOpenInvoices {} => "该客户没有此币种的未结发票。".to_owned(),
        Reason::PaymentNoUnappliedCredit { currency } => {
            format!("该客户没有 {currency} 的未分配收款余额。")
        }
        Reason::PaymentAllocationNotOpen {} => "该发票不是此客户在该币种下的未结发票".to_owned(),
        Reason::PaymentAllocationOverBalance { amount, balance } => {
            format!("{amount} 超过了该发票的未付余额 {balance}")
        }
        Reason::PaymentAllocationsOverAmount {
            allocated,
            available,
        } => format!("分配合计 {allocated}，超过了可分配金额 {available}"),


        Reason::StatementNoContactEmail {} => {
            "该客户没有留有邮箱的联系人，请填写邮箱地址".to_owned()
        }
        Reason::StatementAddressNotAContact {} => {
            "请发送至该客户联系人的邮箱；向客户添加新的邮箱地址需要客户管理权限".to_owned()
        }
        Reason::StatementConfirmedWithDisputes {} => {
            "确认余额的对账单不能同时对发票提出异议".to_owned()
        }
        Reason::StatementDisputeUnexplained {} => "请说明有误之处，或选择有异议的发票".to_owned(),
        Reason::StatementLinkInvalid {} => "该对账单链接无效或已过期，请索取新的链接。".to_owned(),
        Reason::StatementAlreadyAnswered {} => "该对账单已回复，不能重复回复。".to_owned(),
        Reason::StatementInvoiceNotDisputable { number } => {
            format!("{number} 不是本对账单上未结且无异议的发票")
        }
        Reason::CustomerCodeTaken {} => "已有其他客户使用此编码。".to_owned(),
        Reason::CustomerHasOpenInvoices { count } => {
            format!("该客户尚有 {count} 张未结清发票，请先收款、作废或核销后再归档。")
        }
        Reason::CustomerAlreadyOnHold {} => "该客户已处于信用冻结状态。".to_owned(),
        Reason::CustomerNotOnHold {} => "该客户未处于信用冻结状态，无需解除。".to_owned(),
        Reason::CustomerAssigneeNotMember {} => "该用户不是本公司的成员".to_owned(),
        Reason::AssigneeMayNotCollect { role } => {
            format!("{}不负责催收，不能担任催收专员或承接催收任务", role_zh(role))
        }
        Reason::AssigneeMayNotSell { role } => {
            format!("{}不负责销售，不能担任客户的销售负责人", role_zh(role))
        }
        Reason::AnalyticsCompanyWideOnly {} => {
            "全公司指标仅对可查看全部客户的用户开放".to_owned()
        }
        Reason::AnalyticsRateOutOfRange {} => "请填写大于 0 且不超过 100 的百分比".to_owned(),
        Reason::AnalyticsRuleNameTaken {} => "已有其他奖励规则使用此名称。".to_owned(),
        Reason::AnalyticsAlertAlready { status } => {
            format!("该预警已处于“{}”状态。", status_zh(status))
        }
        Reason::CredentialsMissing {} => {
            "请先登录，或以 `Authorization: Bearer <密钥>` 的形式发送 API 密钥。".to_owned()
        }
        Reason::AuthorizationNotBearer {} => {
            "请以 `Authorization: Bearer <令牌或 API 密钥>` 的形式发送凭据。".to_owned()
        }
        Reason::AuthorizationNotText {} => "Authorization 请求头不是有效的文本。".to_owned(),
        Reason::SessionExpired {} => "您的会话已过期或无效，请刷新会话或重新登录。".to_owned(),
        Reason::SessionRevoked {} => {
            "您的会话已结束（您已离开该公司，或密码已更改），请重新登录。".to_owned()
        }
        Reason::ApiKeyInvalid {} => "此 API 密钥无效或已被吊销。".to_owned(),
        Reason::CredentialsUnchecked {} => "暂时无法验证您的凭据，请重试。".to_owned(),
        Reason::MemberOnly {} => "此操作须由已登录的团队成员执行，API 密钥无权执行。".to_owned(),
        Reason::RoleNotAllowed { role } => {
            format!("您的角色（{}）无权执行此操作。", role_zh(role))
        }
        Reason::ApiKeyScopeMissing { scope } => match scope {
            Some(scope) => format!("此 API 密钥缺少 `{scope}` 权限范围。"),
            None => "此操作须由已登录的团队成员执行，API 密钥无权执行。".to_owned(),
        },
        Reason::SignUpEmailTaken {} => {
            "该邮箱已注册账户。请直接登录，或请贵公司的所有者邀请您加入。".to_owned()
        }
        Reason::LogInCredentialsWrong {} => "邮箱或密码不正确。".to_owned(),
        Reason::MembershipNotFound {} => "您不是该编号所对应公司的成员。".to_owned(),
        Reason::AccountWithoutCompany {} => {
            "您的账户目前不属于任何公司，请联系公司所有者邀请您加入。".to_owned()
        }
        Reason::SessionEnded {} => "此会话已结束，请重新登录。".to_owned(),
        Reason::LogOutTokenRequired {} => {
            "请提供要结束的会话的刷新令牌，或登录后结束您的全部会话。".to_owned()
        }
        Reason::PasswordTooShort { min } => format!("密码至少需要 {min} 个字符"),
        Reason::PasswordTooLong { max } => format!("密码最多 {max} 个字符"),
        Reason::PasswordSameAsEmail {} => "密码不能与您的邮箱地址相同".to_owned(),
        Reason::PasswordTooCommon {} => "该密码属于最常见的密码，极易被猜中，请另选一个".to_owned(),
        Reason::CurrentPasswordWrong {} => "当前密码不正确。".to_owned(),
        Reason::AccountLinkInvalid {} => {
            "此链接已失效：它已被使用、已被新链接取代或已过期。请重新申请。".to_owned()
        }
        Reason::PasswordResetWithoutCompany {} => {
            "您的密码已更改，但您的账户目前不属于任何公司，请联系公司所有者邀请您加入。".to_owned()
        }
        Reason::AccountLinkAddressChanged {} => {
            "此链接对应的邮箱地址已不再属于该账户。".to_owned()
        }
        Reason::TeamOwnerOnly {} => "只有所有者才能将他人设为所有者。".to_owned(),
        Reason::TeamAlreadyMember {} => "此人已是公司成员。".to_owned(),
        Reason::InvitationInvalid {} => {
            "此邀请已失效：它已被使用、已被撤回或已过期。请重新申请邀请。".to_owned()
        }
        Reason::InvitationSenderCannotInvite {} => {
            "此邀请已失效：发出邀请的人已无权邀请成员。请重新申请邀请。".to_owned()
        }
        Reason::InvitationPasswordRequired {} => {
            "请输入您现有账户的密码以接受邀请。".to_owned()
        }
        Reason::InvitationPasswordWrong {} => "该账户的密码不正确。".to_owned(),
        Reason::InvitationAccountJustCreated {} => {
            "该邮箱的账户刚刚创建，请登录后接受邀请。".to_owned()
        }
        Reason::TeamLastOwner {} => {
            "公司必须至少保留一名所有者：请先将其他成员设为所有者。".to_owned()
        }
        Reason::ApiKeyNameLength { max } => {
            format!("请为密钥命名（1 到 {max} 个字符），例如使用调用它的系统的名称。")
        }
        Reason::ApiKeyScopesEmpty {} => "请为密钥至少选择一个权限范围。".to_owned(),
        Reason::ApiKeyScopeUnknown { value, allowed } => format!(
            "未知的权限范围“{value}”；权限范围的格式为“领域:读写权限”。可用的权限范围：{}",
            allowed.join("、")
        ),
        Reason::ActivityInFuture {} => "催收记录的发生时间不能晚于当前时间".to_owned(),
        Reason::ActivityPromiseRequired {} => {
            "结果为“承诺付款”时，须填写承诺的金额和日期".to_owned()
        }
        Reason::ActivityInvoiceNotOfCustomer {} => "不是该客户的发票".to_owned(),
        Reason::ActivityNotAuthor {} => "只有登记该催收记录的人员才能更正。".to_owned(),
        Reason::ActivityEditWindowPassed { hours } => format!(
            "催收记录仅可在登记后 {hours} 小时内更正；超过时限请另行登记一条新记录。"
        ),
        Reason::PromiseNotOpen { status } => {
            format!("该付款承诺状态为“{}”，无法再取消。", status_zh(status))
        }
        Reason::LadderNameTaken {} => "已有同名的催收阶梯。".to_owned(),
        Reason::LadderAssignCustomerOrSegment {} => {
            "请指定一个客户或一个客户分组，二者选其一".to_owned()
        }
        Reason::LadderStepsSameDay { step } => {
            format!("第 {step} 步：两个步骤不能安排在同一天")
        }
        Reason::LadderStepBeforeDue { step } => format!(
            "第 {step} 步：滞纳金、信用冻结和法律行动须安排在到期日之后（至少 1 天）"
        ),
        Reason::LadderNoEmailStep {} => "该催收阶梯在这一天没有邮件步骤".to_owned(),
        Reason::TemplateUnknownVariable { name } => format!(
            "“{{{{{name}}}}}”不是可用的变量，请使用模板编辑器中列出的变量"
        ),
        Reason::TemplateUnclosed {} => "模板中的“{{”缺少对应的“}}”".to_owned(),
        Reason::TemplateSubjectInvalid { max } => {
            format!("邮件主题须为 1 到 {max} 个字符，且只能占一行")
        }
        Reason::FeeAlreadyWaived {} => "该费用已减免。".to_owned(),
        Reason::FeeFixedAmountInvalid {} => "固定费用必须大于零".to_owned(),
        Reason::FeePercentOutOfRange {} => "百分比须大于 0 且不超过 100".to_owned(),
        Reason::FeeRateOutOfRange {} => "年利率须大于 0% 且不超过 100%".to_owned(),
        Reason::FeeCapOutOfRange {} => {
            "利息上限须大于 0% 且不超过发票金额的 100%".to_owned()
        }
        Reason::LegalCaseNoInvoices {} => {
            "请至少指定一张发票；如不指定，则纳入该客户全部逾期发票".to_owned()
        }
        Reason::LegalCaseInvoiceNotOpen {} => {
            "不是该客户以其结算币种开具的未结发票".to_owned()
        }
        Reason::LegalCaseNothingOverdue {} => {
            "该客户没有逾期款项，请指定要追讨的发票".to_owned()
        }
        Reason::LegalCaseAlreadyOpen {} => {
            "该客户已有进行中的法律案件，请更新该案件。".to_owned()
        }
        Reason::LegalCaseClosed {} => "该案件已结案，不能再变更。".to_owned(),
        Reason::LegalCaseCannotMove { status, allowed } => format!(
            "案件当前处于“{}”阶段，只能推进到后续阶段：{}",
            status_zh(status),
            allowed
                .iter()
                .map(|next| status_zh(next))
                .collect::<Vec<_>>()
                .join("、")
        ),
        Reason::WorklistNotYours {} => {
            "催收员只能查看自己的工作清单；经理可以选择任意催收员。".to_owned()
        }
        Reason::TaskNotOpen { status } => {
            format!("该任务状态为“{}”，无法再完成。", status_zh(status))
        }
        Reason::TaskAssigneeNotCustomersCollector {} => {
            "催收专员只处理自己负责的客户，请先将其设为该客户的催收专员。".to_owned()
        }
        Reason::TaskOthersForManagers {} => {
            "催收专员只能为自己安排任务；将任务交给他人或改派须由经理操作。".to_owned()
        }
        Reason::ApprovalRequired { action } => format!("该变更须按“{}”审批规则审批，未做任何更改。请提交审批。", action_zh(action)),
        Reason::NoEligibleApprover {} => "团队中没有人能审批这一级：每一级都需要一位不同的所有者、管理员或财务经理。".to_owned(),
        Reason::ApprovalRoleCannotDecide { role } => format!("{}不能审批：只有所有者、管理员和财务经理可以。", role_zh(role)),
        Reason::ApprovalAlreadyPending {} => "该记录的同类变更已在审批中：请撤回它或等待审批结果。".to_owned(),
        Reason::ApprovalNotPending { status } => format!("该申请已是“{}”状态，只有待审批的申请可以审批或撤回。", status_zh(status)),
        Reason::ApprovalMakerCannotDecide {} => "变更由您发起，须由他人审批。".to_owned(),
        Reason::ApprovalNotAnApprover { level } => format!("审批规则指定由其他人审批本申请的第 {level} 级。"),
        Reason::ApprovalDecidedEarlierLevel {} => "您已审批过本申请的前一级，这一级须由他人审批。".to_owned(),
        Reason::ApprovalCancelMakerOrAdmin {} => "只有发起人、所有者或管理员可以撤回申请。".to_owned(),
        Reason::ApprovalStateChanged {} => "申请提交后所依据的情况（余额或额度）已变化，未做任何更改。请重新提交。".to_owned(),
        Reason::ApprovalCommandUnreadable { kind } => format!("当前版本无法执行所保存的变更（{kind}），未做任何更改。"),
        Reason::BillingNotConfigured {} => {
            "本服务器未配置账单功能（未设置 DUELY_STRIPE_SECRET_KEY），暂无法购买套餐。".to_owned()
        }
        Reason::BillingEncryptionKeyMissing {} => {
            "本服务器未配置 DUELY_ENCRYPTION_KEY，无法保存收款密钥。".to_owned()
        }
        Reason::BillingStripeNotConnected {} => {
            "在线收款未开启：请先在收款设置中连接公司的 Stripe 账户。".to_owned()
        }
        Reason::BillingStripeKeyRefused {} => {
            "Stripe 拒绝了该密钥，请确认它是此账户当前有效的密钥（以 sk_ 开头）。".to_owned()
        }
        Reason::BillingStripeRefused { message } => format!("Stripe 拒绝了该请求：{message}"),
        Reason::BillingStripeUnreachable {} => {
            "无法连接 Stripe，未做任何更改，请稍后重试。".to_owned()
        }
        Reason::BillingPlanNotForSale { plan: offered } => {
            format!("本服务器未为{}配置 Stripe 价格，暂无法购买", plan(offered))
        }
        Reason::BillingFreeNeedsNoCheckout {} => "免费版无需付款，请选择成长版或规模版".to_owned(),
        Reason::BillingAlreadySubscribed {} => {
            "公司已有订阅：请在账单门户中更改套餐或付款方式。".to_owned()
        }
        Reason::BillingSecretKeyMalformed {} => {
            "请粘贴 Stripe 控制台“开发者 → API 密钥”中的账户密钥（以 sk_ 开头）或受限密钥（以 rk_ 开头）"
                .to_owned()
        }
        Reason::BillingWebhookSecretMalformed {} => {
            "请粘贴您在 Stripe 中为本公司网址添加的 Webhook 端点的签名密钥".to_owned()
        }
        Reason::BillingInvoiceNotPayable {} => {
            "只有已开具且有应收余额的发票才能在线支付".to_owned()
        }
        Reason::BillingNothingOwed {} => "当前没有欠款，无需支付。".to_owned(),
        Reason::BillingChargeTooPrecise {} => {
            "该余额无法在线支付：Stripe 无法按该币种精确收取此金额的最后一位小数。".to_owned()
        }
        Reason::BillingChargeTooLarge {} => {
            "该余额无法在线支付：金额超过了 Stripe 允许的上限。".to_owned()
        }
        Reason::EmailOwnerNotVerified {} => {
            "公司所有者验证邮箱地址之前，不会向客户发送任何邮件：请点击验证邮件中的链接（或在页面横幅中重新发送验证邮件）。"
                .to_owned()
        }
        Reason::FileBadQuery { detail } => {
            format!("查询参数无效（{detail}）；日期格式为 YYYY-MM-DD，开关参数须为布尔值")
        }
        Reason::FileUnknownExport {} => {
            "没有该导出文件：可导出客户、发票和收款的 CSV 文件。".to_owned()
        }
        Reason::FileUnknownImport {} => "只能导入客户、发票和收款。".to_owned(),
        Reason::FileUnknownReport {} => {
            "没有该报表：可下载账龄报表的 CSV 或 PDF 文件。".to_owned()
        }
        Reason::ImportServerBusy { running, seconds } => {
            format!("本服务器已有 {running} 个大文件导入正在进行，请 {seconds} 秒后再试。")
        }
        Reason::ImportCustomerCodeTakenMeanwhile {} => {
            "导入期间，文件中的某个客户编码已被占用，请重新检查".to_owned()
        }
        Reason::ImportInvoiceNumberTakenMeanwhile {} => {
            "导入期间，文件中的某个发票号或参考号已被占用，请重新检查".to_owned()
        }
        Reason::ImportFileEmpty { columns } => {
            format!("文件为空；第一行应为列名：{}", columns.join(","))
        }
        Reason::ImportFileTooLarge { max_mib } => {
            format!("文件超过 {max_mib} MiB，请拆分为较小的文件")
        }
        Reason::ImportTooManyColumns { max } => format!("每行最多 {max} 列"),
        Reason::ImportCellTooLong { max_bytes } => format!("单元格最多 {max_bytes} 字节"),
        Reason::ImportTooManyRows { max } => format!("每个文件最多 {max} 行"),
        Reason::ImportNulCharacter {} => "文件含有 NUL 字符，请另存为 UTF-8 文本".to_owned(),
        Reason::ImportMisplacedQuote {} => "引号字段未闭合，或引号位置有误".to_owned(),
        Reason::ImportNotUtf8 {} => "文件必须是 UTF-8 编码的文本".to_owned(),
        Reason::ImportNotCsv {} => "无法按 CSV 格式读取该文件".to_owned(),
        Reason::ImportUploadCutShort {} => "上传中断，请重新发送文件".to_owned(),
        Reason::ImportUnreadable { detail } => format!("读取出错：{detail}"),
        Reason::ImportUnknownColumn { columns } => {
            format!("未知的列；可用的列为 {}", columns.join(","))
        }
        Reason::ImportColumnTwice {} => "该列出现了两次".to_owned(),
        Reason::ImportColumnRequired {} => "缺少此必需列".to_owned(),
        Reason::ImportCellCount { cells, header } => {
            format!("该行有 {cells} 个单元格，但表头有 {header} 列")
        }
        Reason::ImportCustomerExists { code } => format!("编码为 {code} 的客户已存在"),
        Reason::ImportCodeRepeated { code } => format!("客户编码 {code} 在文件中出现了两次"),
        Reason::ImportContactNameMissing {} => {
            "填写联系人邮箱或电话时，须同时填写联系人姓名".to_owned()
        }
        Reason::ImportCreditLimitNotAllowed {} => "设置信用额度需要信用政策权限".to_owned(),
        Reason::ImportNotADate { value } => {
            format!("“{value}”不是有效日期，请使用 YYYY-MM-DD 格式")
        }
        Reason::ImportTaxRateAmbiguous { value } => {
            format!("百分比请写作“{value}%”，或写成小数（例如 0.13）")
        }
        Reason::ImportUnknownCustomer { code } => {
            format!("没有编码为“{code}”的客户，请先导入客户")
        }
        Reason::ImportInvoiceRowsDiffer { number, first_line } => format!(
            "发票 {number} 的各行客户、日期、币种或参考号不一致（该发票的第一行在第 {first_line} 行）"
        ),
        Reason::ImportInvoiceExists { number } => format!("发票 {number} 已存在"),
        Reason::ImportReferenceRepeated { reference, number } => {
            format!("{reference} 也是文件中发票 {number} 的参考号")
        }
        Reason::ImportReferenceTaken { reference } => {
            format!("已有其他发票使用参考号 {reference}")
        }
        Reason::ImportNoSuchMember { email } => {
            format!("本公司没有邮箱为 {email} 的成员")
        }
        Reason::ImportMemberMayNotCollect { email, role } => format!(
            "{email} 的角色是{}，不负责催收，不能担任催收专员",
            role_zh(role)
        ),
        Reason::ImportMemberMayNotSell { email, role } => format!(
            "{email} 的角色是{}，不负责销售，不能担任销售负责人",
            role_zh(role)
        ),
        Reason::ImportPaymentRecordedMeanwhile {} => {
            "导入期间，文件中的某笔收款已被其他操作记录，请重新导入该文件（已记录的收款会被跳过）"
                .to_owned()
        }
        Reason::ImportPaymentRowsDiffer {
            external_id,
            first_line,
        } => format!(
            "收款 {external_id} 此列的值与其第一行（第 {first_line} 行）不同；同一笔收款的各行\
             须有相同的客户、日期、金额、币种、收款方式和参考号"
        ),
        Reason::ImportAllocationIncomplete {} => {
            "发票号与分配金额须同时填写，或同时留空".to_owned()
        }
        Reason::ImportUnknownInvoice { number } => format!("没有发票号为“{number}”的发票"),
        Reason::ConfidenceOutOfRange { min, max } => format!("请填写 {min} 到 {max} 之间的小数，最多两位小数。"),
        Reason::BankAccountArchived {} => "该银行账户已归档：不能再导入或核销。".to_owned(),
        Reason::BankCurrencyMismatch { account, file } => format!("文件币种为 {file}，账户币种为 {account}。"),
        Reason::BankMappingNeeded {} => "CSV 或 Excel 对账单需要先在银行账户上设置列映射。".to_owned(),
        Reason::BankStatementUnknownFormat {} => "无法识别的对账单格式：支持 CSV、XLS、XLSX、CAMT.053 和 MT940。".to_owned(),
        Reason::BankStatementBadEncoding { encoding } => format!("文件不是有效的 {encoding} 文本；请在列映射中设置编码（GBK 或 UTF-8）。"),
        Reason::BankStatementUnknownEncoding { encoding } => format!("不支持的编码：{encoding}。"),
        Reason::BankStatementMappingIncomplete { missing } => format!("列映射未指定{missing}所在的列。"),
        Reason::BankStatementColumnNotFound { column } => format!("表头中没有列 {column}。"),
        Reason::BankStatementHeaderNotFound {} => "找不到包含已映射日期列和金额列的表头行；请设置表头行号。".to_owned(),
        Reason::BankStatementBadDate { value } => format!("{value} 不是符合日期格式的日期。"),
        Reason::BankStatementBadAmount { value } => format!("{value} 不是有效金额。"),
        Reason::BankStatementNoAmount {} => "该行没有金额。".to_owned(),
        Reason::BankStatementMalformed { detail } => format!("文件格式有误：{detail}。"),
        Reason::BankStatementTooManyLines { max } => format!("文件超过 {max} 行，请拆分后导入。"),
        Reason::BankStatementTooLargeUnzipped { max_mib } => format!("表格解压后超过 {max_mib} MiB。"),
        Reason::BankStatementMissing { what } => format!("文件缺少 {what}。"),
        Reason::BankLineNotOpen { status } => format!("该流水状态为 {status}：只有未匹配或有建议的流水可以核销、关联或忽略。"),
        Reason::BankLineNotApplied { status } => format!("该流水状态为 {status}：只有已核销或已关联的流水可以撤销。"),
        Reason::BankLineOutgoing {} => "付出的款项不能核销应收。".to_owned(),
        Reason::BankPartsDoNotAddUp { total, amount } => format!("各部分合计 {total}，流水金额为 {amount}：两者必须相等。"),
        Reason::BankLinkAmountDiffers { payment, line } => format!("收款金额为 {payment}，流水金额为 {line}：只能关联金额和币种相同的收款。"),
        Reason::BankPaymentNotLinkable {} => "该收款已关联其他流水，或已冲销。".to_owned(),
        Reason::ImportInvoiceOfAnotherCustomer { number, code } => {
            format!("发票 {number} 不是客户 {code} 的发票")
        }
    }
}

/// A role's name, as the team page shows it.
fn role_zh(role: &str) -> &str {
    match role {
        "OWNER" => "所有者",
        "ADMIN" => "管理员",
        "FINANCE_MANAGER" => "财务经理",
        "COLLECTOR" => "催收专员",
        "SALES" => "销售",
        "VIEWER" => "只读成员",
        other => other,
    }
}

/// An approval action's name, as the approvals settings show it.
fn action_zh(action: &str) -> &str {
    crate::approvals::ApprovalAction::parse(action)
        .map(|action| action.name(crate::Locale::ZhCn))
        .unwrap_or(action)
}
