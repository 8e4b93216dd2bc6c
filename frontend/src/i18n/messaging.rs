//! SMS and WeChat Work's texts (the channels, the ladder's SMS templates, the messages sent),
//! as `MessagingMsg::Name`, each with its Chinese text, then its English text.

use domain::Locale;
use domain::messaging::{MessageDeliveryStatus, SmsVariable};

/// The texts of this area, as `MessagingMsg::Name` (each a [`super::Msg`]).
pub struct MessagingMsg;

texts! { MessagingMsg;
    Nav => "短信与企业微信", "SMS & WeChat Work";
    Title => "短信与企业微信", "SMS and WeChat Work";
    Lead =>
        "让催收流程中的短信和微信步骤真正送达客户：短信通过您的阿里云或腾讯云账号，使用审核通过的模板发送；企业微信消息由客户的催收员名义发出。不会在客户的夜间发送，不发给已退订的客户，也绝不重复发送。",
        "Let the dunning ladder's SMS and WeChat steps reach customers: SMS through your Alibaba Cloud or Tencent Cloud account with its approved templates, WeChat Work messages on behalf of each customer's collector. Nothing goes in the customer's night, to a customer who opted out, or twice.";
    Sms => "短信", "SMS";
    Wecom => "企业微信", "WeChat Work";
    SmsNotSet =>
        "未设置：催收流程中的短信步骤仍作为催收员的任务。",
        "Not set up: the ladder's SMS steps stay tasks for the collector.";
    WecomNotSet =>
        "未设置：催收流程中的微信步骤仍作为催收员的任务。",
        "Not set up: the ladder's WeChat steps stay tasks for the collector.";
    Provider => "服务商", "Provider";
    Aliyun => "阿里云短信", "Alibaba Cloud SMS";
    Tencent => "腾讯云短信", "Tencent Cloud SMS";
    SignName => "短信签名", "Signature";
    SignNameHint =>
        "与服务商控制台中审核通过的签名一致，不含括号。",
        "As approved in the provider's console, without the brackets.";
    Region => "地域（可选）", "Region (optional)";
    RegionHint =>
        "留空即为默认地域（阿里云华东一杭州，腾讯云华南广州）。",
        "Empty for cn-hangzhou (Alibaba Cloud) or ap-guangzhou (Tencent Cloud).";
    SdkAppId => "短信应用 SdkAppId", "SMS application SdkAppId";
    CorpId => "企业 ID", "Corp ID";
    CorpIdHint =>
        "见企业微信管理后台 → 我的企业 → 企业信息（以 ww 开头）。",
        "My company → Company information in the WeChat Work admin console (ww…).";
    Senders => "每位催收员的发送账号", "Who sends for each collector";
    SendersHint =>
        "催收员的消息以哪个企业微信成员账号发出；成员需在企业微信中确认后才会发送。留空的催收员仍收到任务。",
        "The WeChat Work member (userid) each collector's messages go out as; they confirm each one in WeChat Work. A collector left empty gets tasks instead.";
    SenderUserId => "企业微信成员账号", "WeChat Work userid";
    QuietFrom => "免打扰开始", "Quiet from";
    QuietUntil => "结束", "until";
    QuietHint =>
        "按客户所在时区计算：落在其中的步骤等到结束后再发送。起止时间相同表示不设免打扰。",
        "In the customer's time zone: a step due inside waits for the end. The same time twice means no quiet hours.";
    Credentials => "访问凭证", "Credentials";
    CredentialsNew => "加密保存，之后不再显示。", "Stored sealed and never shown again.";
    CredentialsKeep => "留空则保留已保存的凭证。", "Leave them empty to keep the saved ones.";
    CredentialsSaved => "已保存的凭证结尾为", "Saved credentials end in";
    AccessKeyId => "AccessKey ID", "AccessKey ID";
    AccessKeySecret => "AccessKey Secret", "AccessKey secret";
    SecretId => "SecretId", "SecretId";
    SecretKey => "SecretKey", "SecretKey";
    WecomSecret => "客户联系应用的 Secret", "Customer contact secret";
    CallbackUrl => "回执接收地址", "Delivery receipts address";
    CallbackHint =>
        "请把它填到服务商控制台的短信状态报告回调地址中，每条短信的送达情况就会显示在这里。",
        "Give it to the provider's console as the SMS status report callback, so each message's delivery shows here.";
    Save => "保存通道", "Save channel";
    Saved => "通道已保存。", "Channel saved.";
    Remove => "移除通道", "Remove channel";
    RemoveConfirm =>
        "移除该通道？其步骤将重新作为任务；尚未发出的消息会被取消，并作为任务交给对应的催收员。",
        "Remove this channel? Its steps become tasks again; messages still waiting to go are cancelled and handed to their collectors as tasks.";
    Removed => "通道已移除。", "Channel removed.";
    ChangedBy => "最近修改人", "Last changed by";
    Log => "发送记录", "Messages";
    NoMessages => "还没有发送记录。", "No messages yet.";
    Refresh => "刷新", "Refresh";
    More => "更早的记录", "Older messages";
    AnyChannel => "全部通道", "Every channel";
    AnyStatus => "全部状态", "Every status";
    When => "时间", "When";
    Customer => "客户", "Customer";
    Channel => "通道", "Channel";
    Recipient => "接收方", "To";
    Status => "状态", "Status";
    Content => "内容", "Message";
    Reason => "原因", "Why";
    SendAfter => "发送时间", "goes at";
    Templates => "短信模板", "SMS templates";
    TemplatesLead =>
        "每个短信步骤按客户的语言发送服务商审核通过的模板，模板参数由该步骤自动填入。某种语言没有模板时，该步骤对这些客户仍作为任务。",
        "Each SMS step sends one of your provider's approved templates, in the customer's language, its parameters filled from the step. A step without a template in a language stays a task for those customers.";
    NoSmsChannel =>
        "请先在 设置 → 短信与企业微信 中设置短信通道。",
        "Set up an SMS channel first, in Settings → SMS & WeChat Work.";
    NoSmsSteps => "该流程没有短信步骤。", "This ladder has no SMS step.";
    ForZh => "中文客户", "Customers reading Chinese";
    ForEn => "英文客户", "Customers reading English";
    TemplateCode => "模板编号", "Template code";
    TemplateCodeHint =>
        "与审核通过的一致：阿里云如 SMS_123456789，腾讯云为数字编号。",
        "As approved: SMS_123456789 (Alibaba Cloud) or a number (Tencent Cloud).";
    ParamName => "参数名", "Parameter";
    ParamValue => "填入内容", "Filled with";
    AddParam => "添加参数", "Add parameter";
    RemoveParam => "删除", "Remove";
    SaveTemplate => "保存模板", "Save template";
    TemplateSaved => "短信模板已保存。", "SMS template saved.";
    DeleteTemplate => "移除模板", "Remove template";
    TemplateDeleted => "短信模板已移除。", "SMS template removed.";
    NotMapped =>
        "尚未设置模板：对这些客户，该步骤仍作为任务。",
        "No template yet: this step stays a task for these customers.";
    CustomerMessages => "短信与企业微信消息", "SMS and WeChat messages";
    CustomerOptedOut =>
        "该客户已退订短信和企业微信消息：不会向其发送。",
        "This customer refuses SMS and WeChat Work messages: none are sent.";
}

/// What fills a template parameter, in the reader's language.
pub fn variable_label(locale: Locale, variable: SmsVariable) -> &'static str {
    let (zh, en) = match variable {
        SmsVariable::CustomerName => ("客户名称", "Customer's name"),
        SmsVariable::CompanyName => ("本公司名称", "Your company's name"),
        SmsVariable::AmountDue => ("应付金额", "Amount due"),
        SmsVariable::InvoiceCount => ("发票张数", "Number of invoices"),
        SmsVariable::InvoiceNumber => ("发票号", "Invoice number"),
        SmsVariable::DueDate => ("到期日", "Due date"),
        SmsVariable::DaysOverdue => ("逾期天数", "Days overdue"),
    };
    match locale {
        Locale::ZhCn => zh,
        Locale::En => en,
    }
}

/// A message's status, in the reader's language.
pub fn delivery_status_label(locale: Locale, status: MessageDeliveryStatus) -> &'static str {
    let (zh, en) = match status {
        MessageDeliveryStatus::Scheduled => ("待发送", "Scheduled"),
        MessageDeliveryStatus::Sent => ("已发送", "Sent"),
        MessageDeliveryStatus::Delivered => ("已送达", "Delivered"),
        MessageDeliveryStatus::Failed => ("失败", "Failed"),
        MessageDeliveryStatus::Cancelled => ("已取消", "Cancelled"),
    };
    match locale {
        Locale::ZhCn => zh,
        Locale::En => en,
    }
}
