//! Webhooks' texts (endpoints, their secret, the delivery log), as `WebhooksMsg::Name`, each
//! with its Chinese text, then its English text.

use domain::Locale;

/// The texts of this area, as `WebhooksMsg::Name` (each a [`super::Msg`]).
pub struct WebhooksMsg;

texts! { WebhooksMsg;
    Nav => "Webhook", "Webhooks";
    Title => "Webhook 事件推送", "Webhooks";
    Lead =>
        "把 Duely 里发生的事推送给您的其他系统：ERP 自动核销已付发票，仓库停止向被冻结信用的客户发货。每个事件都带签名，同一记录的事件按顺序送达，失败后重试一天，并可手动重发。",
        "Tell your other systems what happens in Duely: an ERP marks an invoice paid, a warehouse stops shipping to a customer on credit hold. Each event is signed, delivered in order for its record, retried for a day, and can be sent again.";
    Url => "接收地址（URL）", "Endpoint URL";
    UrlHint =>
        "以 https:// 开头，您的系统收到后返回 2xx 状态码。",
        "An https:// address your system answers with a 2xx status.";
    Description => "说明（可选）", "Description (optional)";
    Events => "订阅的事件", "Events";
    EventsNeeded => "请至少选择一个事件。", "Choose at least one event.";
    Add => "添加端点", "Add endpoint";
    Added => "端点已添加。", "Endpoint added.";
    Endpoints => "端点", "Endpoints";
    NoEndpoints => "还没有端点。", "No endpoints yet.";
    On => "启用中", "On";
    OffByMember => "已停用", "Switched off";
    OffFailing => "已停用：连续失败一天", "Switched off: failing for a day";
    FailingSince => "开始失败于", "Failing since";
    Secret => "签名密钥", "Signing secret";
    SecretTitle => "签名密钥", "Signing secret";
    SecretLead =>
        "请立即复制：密钥只显示这一次。接收端用它校验 Duely-Signature 请求头（示例代码见 README）。",
        "Copy it now: it is shown only this once. Your receiver checks the Duely-Signature header with it (see the README for code).";
    PreviousSecretUntil => "旧密钥仍同时签名，直到", "Previous secret also signs until";
    SendTest => "发送测试事件", "Send test event";
    TestSent => "测试事件已排队，请在下方日志查看结果。", "Test event queued; see the log below.";
    Rotate => "更换密钥", "Rotate secret";
    Rotated =>
        "已生成新密钥；旧密钥在 24 小时内仍同时签名。",
        "New secret made; the old one signs beside it for 24 hours.";
    SwitchOff => "停用", "Switch off";
    SwitchOn => "启用", "Switch on";
    Delete => "删除", "Delete";
    DeleteConfirm =>
        "删除该端点？之后不再推送任何事件，投递日志会保留。",
        "Delete this endpoint? It receives nothing more; its log is kept.";
    Deleted => "端点已删除。", "Endpoint deleted.";
    Saved => "端点已保存。", "Endpoint saved.";
    Log => "投递日志", "Delivery log";
    Refresh => "刷新", "Refresh";
    NoDeliveries => "还没有投递记录。", "Nothing delivered yet.";
    When => "时间", "When";
    Event => "事件", "Event";
    Status => "状态", "Status";
    Attempts => "尝试次数", "Attempts";
    Answer => "最近响应", "Last answer";
    Pending => "待发送", "Pending";
    Delivered => "已送达", "Delivered";
    Failed => "失败", "Failed";
    NextAttempt => "下次重试", "next try";
    Resend => "重新发送", "Send again";
    Resent => "已作为新的投递重新发送。", "Sent again as a new delivery.";
    Details => "详情", "Details";
    Body => "发送的内容", "Body sent";
    Verify =>
        "接收端按 README 中的示例（Python、Node.js、Go）校验签名。",
        "Receivers verify the signature as the README shows (Python, Node.js, Go).";
    MoreDeliveries => "更早的投递", "Older deliveries";
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
