//! SMS and WeChat Work's messages (the channels, the ladder's SMS templates, the messages sent),
//! English and Chinese in one place; each language is one exhaustive match.

use domain::Locale;
use domain::messaging::{MessageDeliveryStatus, SmsVariable};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessagingMsg {
    Nav,
    Title,
    Lead,
    Sms,
    Wecom,
    SmsNotSet,
    WecomNotSet,
    Provider,
    Aliyun,
    Tencent,
    SignName,
    SignNameHint,
    Region,
    RegionHint,
    SdkAppId,
    CorpId,
    CorpIdHint,
    Senders,
    SendersHint,
    SenderUserId,
    QuietFrom,
    QuietUntil,
    QuietHint,
    Credentials,
    CredentialsNew,
    CredentialsKeep,
    CredentialsSaved,
    AccessKeyId,
    AccessKeySecret,
    SecretId,
    SecretKey,
    WecomSecret,
    CallbackUrl,
    CallbackHint,
    Save,
    Saved,
    Remove,
    RemoveConfirm,
    Removed,
    ChangedBy,
    Log,
    NoMessages,
    Refresh,
    More,
    AnyChannel,
    AnyStatus,
    When,
    Customer,
    Channel,
    Recipient,
    Status,
    Content,
    Reason,
    SendAfter,
    Templates,
    TemplatesLead,
    NoSmsChannel,
    NoSmsSteps,
    ForZh,
    ForEn,
    TemplateCode,
    TemplateCodeHint,
    ParamName,
    ParamValue,
    AddParam,
    RemoveParam,
    SaveTemplate,
    TemplateSaved,
    DeleteTemplate,
    TemplateDeleted,
    NotMapped,
    CustomerMessages,
    CustomerOptedOut,
}

pub(super) fn en(msg: MessagingMsg) -> &'static str {
    use MessagingMsg::*;
    match msg {
        Nav => "SMS & WeChat Work",
        Title => "SMS and WeChat Work",
        Lead => {
            "Let the dunning ladder's SMS and WeChat steps reach customers: SMS through your Alibaba Cloud or Tencent Cloud account with its approved templates, WeChat Work messages on behalf of each customer's collector. Nothing goes in the customer's night, to a customer who opted out, or twice."
        }
        Sms => "SMS",
        Wecom => "WeChat Work",
        SmsNotSet => "Not set up: the ladder's SMS steps stay tasks for the collector.",
        WecomNotSet => "Not set up: the ladder's WeChat steps stay tasks for the collector.",
        Provider => "Provider",
        Aliyun => "Alibaba Cloud SMS",
        Tencent => "Tencent Cloud SMS",
        SignName => "Signature",
        SignNameHint => "As approved in the provider's console, without the brackets.",
        Region => "Region (optional)",
        RegionHint => "Empty for cn-hangzhou (Alibaba Cloud) or ap-guangzhou (Tencent Cloud).",
        SdkAppId => "SMS application SdkAppId",
        CorpId => "Corp ID",
        CorpIdHint => "My company → Company information in the WeChat Work admin console (ww…).",
        Senders => "Who sends for each collector",
        SendersHint => {
            "The WeChat Work member (userid) each collector's messages go out as; they confirm each one in WeChat Work. A collector left empty gets tasks instead."
        }
        SenderUserId => "WeChat Work userid",
        QuietFrom => "Quiet from",
        QuietUntil => "until",
        QuietHint => {
            "In the customer's time zone: a step due inside waits for the end. The same time twice means no quiet hours."
        }
        Credentials => "Credentials",
        CredentialsNew => "Stored sealed and never shown again.",
        CredentialsKeep => "Leave them empty to keep the saved ones.",
        CredentialsSaved => "Saved credentials end in",
        AccessKeyId => "AccessKey ID",
        AccessKeySecret => "AccessKey secret",
        SecretId => "SecretId",
        SecretKey => "SecretKey",
        WecomSecret => "Customer contact secret",
        CallbackUrl => "Delivery receipts address",
        CallbackHint => {
            "Give it to the provider's console as the SMS status report callback, so each message's delivery shows here."
        }
        Save => "Save channel",
        Saved => "Channel saved.",
        Remove => "Remove channel",
        RemoveConfirm => {
            "Remove this channel? Its steps become tasks again; messages still waiting to go are cancelled and handed to their collectors as tasks."
        }
        Removed => "Channel removed.",
        ChangedBy => "Last changed by",
        Log => "Messages",
        NoMessages => "No messages yet.",
        Refresh => "Refresh",
        More => "Older messages",
        AnyChannel => "Every channel",
        AnyStatus => "Every status",
        When => "When",
        Customer => "Customer",
        Channel => "Channel",
        Recipient => "To",
        Status => "Status",
        Content => "Message",
        Reason => "Why",
        SendAfter => "goes at",
        Templates => "SMS templates",
        TemplatesLead => {
            "Each SMS step sends one of your provider's approved templates, in the customer's language, its parameters filled from the step. A step without a template in a language stays a task for those customers."
        }
        NoSmsChannel => "Set up an SMS channel first, in Settings → SMS & WeChat Work.",
        NoSmsSteps => "This ladder has no SMS step.",
        ForZh => "Customers reading Chinese",
        ForEn => "Customers reading English",
        TemplateCode => "Template code",
        TemplateCodeHint => {
            "As approved: SMS_123456789 (Alibaba Cloud) or a number (Tencent Cloud)."
        }
        ParamName => "Parameter",
        ParamValue => "Filled with",
        AddParam => "Add parameter",
        RemoveParam => "Remove",
        SaveTemplate => "Save template",
        TemplateSaved => "SMS template saved.",
        DeleteTemplate => "Remove template",
        TemplateDeleted => "SMS template removed.",
        NotMapped => "No template yet: this step stays a task for these customers.",
        CustomerMessages => "SMS and WeChat messages",
        CustomerOptedOut => "This customer refuses SMS and WeChat Work messages: none are sent.",
    }
}

pub(super) fn zh(msg: MessagingMsg) -> &'static str {
    use MessagingMsg::*;
    match msg {
        Nav => "短信与企业微信",
        Title => "短信与企业微信",
        Lead => {
            "让催收流程中的短信和微信步骤真正送达客户：短信通过您的阿里云或腾讯云账号，使用审核通过的模板发送；企业微信消息由客户的催收员名义发出。不会在客户的夜间发送，不发给已退订的客户，也绝不重复发送。"
        }
        Sms => "短信",
        Wecom => "企业微信",
        SmsNotSet => "未设置：催收流程中的短信步骤仍作为催收员的任务。",
        WecomNotSet => "未设置：催收流程中的微信步骤仍作为催收员的任务。",
        Provider => "服务商",
        Aliyun => "阿里云短信",
        Tencent => "腾讯云短信",
        SignName => "短信签名",
        SignNameHint => "与服务商控制台中审核通过的签名一致，不含括号。",
        Region => "地域（可选）",
        RegionHint => "留空即为默认地域（阿里云华东一杭州，腾讯云华南广州）。",
        SdkAppId => "短信应用 SdkAppId",
        CorpId => "企业 ID",
        CorpIdHint => "见企业微信管理后台 → 我的企业 → 企业信息（以 ww 开头）。",
        Senders => "每位催收员的发送账号",
        SendersHint => {
            "催收员的消息以哪个企业微信成员账号发出；成员需在企业微信中确认后才会发送。留空的催收员仍收到任务。"
        }
        SenderUserId => "企业微信成员账号",
        QuietFrom => "免打扰开始",
        QuietUntil => "结束",
        QuietHint => {
            "按客户所在时区计算：落在其中的步骤等到结束后再发送。起止时间相同表示不设免打扰。"
        }
        Credentials => "访问凭证",
        CredentialsNew => "加密保存，之后不再显示。",
        CredentialsKeep => "留空则保留已保存的凭证。",
        CredentialsSaved => "已保存的凭证结尾为",
        AccessKeyId => "AccessKey ID",
        AccessKeySecret => "AccessKey Secret",
        SecretId => "SecretId",
        SecretKey => "SecretKey",
        WecomSecret => "客户联系应用的 Secret",
        CallbackUrl => "回执接收地址",
        CallbackHint => {
            "请把它填到服务商控制台的短信状态报告回调地址中，每条短信的送达情况就会显示在这里。"
        }
        Save => "保存通道",
        Saved => "通道已保存。",
        Remove => "移除通道",
        RemoveConfirm => {
            "移除该通道？其步骤将重新作为任务；尚未发出的消息会被取消，并作为任务交给对应的催收员。"
        }
        Removed => "通道已移除。",
        ChangedBy => "最近修改人",
        Log => "发送记录",
        NoMessages => "还没有发送记录。",
        Refresh => "刷新",
        More => "更早的记录",
        AnyChannel => "全部通道",
        AnyStatus => "全部状态",
        When => "时间",
        Customer => "客户",
        Channel => "通道",
        Recipient => "接收方",
        Status => "状态",
        Content => "内容",
        Reason => "原因",
        SendAfter => "发送时间",
        Templates => "短信模板",
        TemplatesLead => {
            "每个短信步骤按客户的语言发送服务商审核通过的模板，模板参数由该步骤自动填入。某种语言没有模板时，该步骤对这些客户仍作为任务。"
        }
        NoSmsChannel => "请先在 设置 → 短信与企业微信 中设置短信通道。",
        NoSmsSteps => "该流程没有短信步骤。",
        ForZh => "中文客户",
        ForEn => "英文客户",
        TemplateCode => "模板编号",
        TemplateCodeHint => "与审核通过的一致：阿里云如 SMS_123456789，腾讯云为数字编号。",
        ParamName => "参数名",
        ParamValue => "填入内容",
        AddParam => "添加参数",
        RemoveParam => "删除",
        SaveTemplate => "保存模板",
        TemplateSaved => "短信模板已保存。",
        DeleteTemplate => "移除模板",
        TemplateDeleted => "短信模板已移除。",
        NotMapped => "尚未设置模板：对这些客户，该步骤仍作为任务。",
        CustomerMessages => "短信与企业微信消息",
        CustomerOptedOut => "该客户已退订短信和企业微信消息：不会向其发送。",
    }
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
