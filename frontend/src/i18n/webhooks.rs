//! Webhooks' messages (endpoints, their secret, the delivery log), English and Chinese in one
//! place; each language is one exhaustive match.

use domain::Locale;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhooksMsg {
    Nav,
    Title,
    Lead,
    Url,
    UrlHint,
    Description,
    Events,
    EventsNeeded,
    Add,
    Added,
    Endpoints,
    NoEndpoints,
    On,
    OffByMember,
    OffFailing,
    FailingSince,
    Secret,
    SecretTitle,
    SecretLead,
    PreviousSecretUntil,
    SendTest,
    TestSent,
    Rotate,
    Rotated,
    SwitchOff,
    SwitchOn,
    Delete,
    DeleteConfirm,
    Deleted,
    Saved,
    Log,
    Refresh,
    NoDeliveries,
    When,
    Event,
    Status,
    Attempts,
    Answer,
    Pending,
    Delivered,
    Failed,
    NextAttempt,
    Resend,
    Resent,
    Details,
    Body,
    Verify,
    MoreDeliveries,
}

pub(super) fn en(msg: WebhooksMsg) -> &'static str {
    use WebhooksMsg::*;
    match msg {
        Nav => "Webhooks",
        Title => "Webhooks",
        Lead => {
            "Tell your other systems what happens in Duely: an ERP marks an invoice paid, a warehouse stops shipping to a customer on credit hold. Each event is signed, delivered in order for its record, retried for a day, and can be sent again."
        }
        Url => "Endpoint URL",
        UrlHint => "An https:// address your system answers with a 2xx status.",
        Description => "Description (optional)",
        Events => "Events",
        EventsNeeded => "Choose at least one event.",
        Add => "Add endpoint",
        Added => "Endpoint added.",
        Endpoints => "Endpoints",
        NoEndpoints => "No endpoints yet.",
        On => "On",
        OffByMember => "Switched off",
        OffFailing => "Switched off: failing for a day",
        FailingSince => "Failing since",
        Secret => "Signing secret",
        SecretTitle => "Signing secret",
        SecretLead => {
            "Copy it now: it is shown only this once. Your receiver checks the Duely-Signature header with it (see the README for code)."
        }
        PreviousSecretUntil => "Previous secret also signs until",
        SendTest => "Send test event",
        TestSent => "Test event queued; see the log below.",
        Rotate => "Rotate secret",
        Rotated => "New secret made; the old one signs beside it for 24 hours.",
        SwitchOff => "Switch off",
        SwitchOn => "Switch on",
        Delete => "Delete",
        DeleteConfirm => "Delete this endpoint? It receives nothing more; its log is kept.",
        Deleted => "Endpoint deleted.",
        Saved => "Endpoint saved.",
        Log => "Delivery log",
        Refresh => "Refresh",
        NoDeliveries => "Nothing delivered yet.",
        When => "When",
        Event => "Event",
        Status => "Status",
        Attempts => "Attempts",
        Answer => "Last answer",
        Pending => "Pending",
        Delivered => "Delivered",
        Failed => "Failed",
        NextAttempt => "next try",
        Resend => "Send again",
        Resent => "Sent again as a new delivery.",
        Details => "Details",
        Body => "Body sent",
        Verify => "Receivers verify the signature as the README shows (Python, Node.js, Go).",
        MoreDeliveries => "Older deliveries",
    }
}

pub(super) fn zh(msg: WebhooksMsg) -> &'static str {
    use WebhooksMsg::*;
    match msg {
        Nav => "Webhook",
        Title => "Webhook 事件推送",
        Lead => {
            "把 Duely 里发生的事推送给您的其他系统：ERP 自动核销已付发票，仓库停止向被冻结信用的客户发货。每个事件都带签名，同一记录的事件按顺序送达，失败后重试一天，并可手动重发。"
        }
        Url => "接收地址（URL）",
        UrlHint => "以 https:// 开头，您的系统收到后返回 2xx 状态码。",
        Description => "说明（可选）",
        Events => "订阅的事件",
        EventsNeeded => "请至少选择一个事件。",
        Add => "添加端点",
        Added => "端点已添加。",
        Endpoints => "端点",
        NoEndpoints => "还没有端点。",
        On => "启用中",
        OffByMember => "已停用",
        OffFailing => "已停用：连续失败一天",
        FailingSince => "开始失败于",
        Secret => "签名密钥",
        SecretTitle => "签名密钥",
        SecretLead => {
            "请立即复制：密钥只显示这一次。接收端用它校验 Duely-Signature 请求头（示例代码见 README）。"
        }
        PreviousSecretUntil => "旧密钥仍同时签名，直到",
        SendTest => "发送测试事件",
        TestSent => "测试事件已排队，请在下方日志查看结果。",
        Rotate => "更换密钥",
        Rotated => "已生成新密钥；旧密钥在 24 小时内仍同时签名。",
        SwitchOff => "停用",
        SwitchOn => "启用",
        Delete => "删除",
        DeleteConfirm => "删除该端点？之后不再推送任何事件，投递日志会保留。",
        Deleted => "端点已删除。",
        Saved => "端点已保存。",
        Log => "投递日志",
        Refresh => "刷新",
        NoDeliveries => "还没有投递记录。",
        When => "时间",
        Event => "事件",
        Status => "状态",
        Attempts => "尝试次数",
        Answer => "最近响应",
        Pending => "待发送",
        Delivered => "已送达",
        Failed => "失败",
        NextAttempt => "下次重试",
        Resend => "重新发送",
        Resent => "已作为新的投递重新发送。",
        Details => "详情",
        Body => "发送的内容",
        Verify => "接收端按 README 中的示例（Python、Node.js、Go）校验签名。",
        MoreDeliveries => "更早的投递",
    }
}

/// What an event means, in the reader's language (its name stays as the API writes it).
pub fn event_label(locale: Locale, event: &str) -> &'static str {
    let (zh, en) = match event {
        "invoice.issued" => ("发票已开具", "Invoice issued"),
        "invoice.paid" => ("发票已结清", "Invoice paid"),
        "invoice.voided" => ("发票已作废", "Invoice voided"),
        "invoice.written_off" => ("发票已核销为坏账", "Invoice written off"),
        "payment.recorded" => ("回款已登记", "Payment recorded"),
        "payment.reversed" => ("回款已冲销", "Payment reversed"),
        "promise.created" => ("付款承诺已记录", "Promise to pay made"),
        "promise.kept" => ("付款承诺已兑现", "Promise kept"),
        "promise.broken" => ("付款承诺未兑现", "Promise broken"),
        "customer.credit_hold_changed" => ("客户信用冻结变更", "Credit hold changed"),
        "customer.credit_limit_changed" => ("客户信用额度变更", "Credit limit changed"),
        "dispute.opened" => ("争议已提出", "Dispute opened"),
        "dispute.resolved" => ("争议已解决", "Dispute resolved"),
        "approval.decided" => ("审批已决定", "Approval decided"),
        "webhook.test" => ("测试事件", "Test event"),
        _ => ("", ""),
    };
    match locale {
        Locale::ZhCn => zh,
        Locale::En => en,
    }
}
