//! The approvals' texts (the inbox, the requests, the policies), as `Msg::Name`, each with its
//! Chinese text, then its English text.

use super::Msg;

texts! { Msg;
    NavApprovals => "审批", "Approvals";
    ApprovalsTitle => "审批", "Approvals";
    ApprovalsLead =>
        "涉及资金和风险的变更在此等待审批。每一级由一位非发起人的成员审批；最后一级批准时，系统按当时的账面重新核对后执行变更。",
        "Changes to money and risk that wait for a decision. Each level is decided by one person who did not ask for the change; the last approval makes it, checked again against the books as they are then.";
    ApprovalsAwaitingMe => "待我审批", "Awaiting me";
    ApprovalsAll => "全部申请", "All requests";
    ApprovalsMine => "我发起的", "Asked by me";
    ApprovalsNone => "暂无审批申请。", "No requests here.";
    ApprovalChange => "变更", "Change";
    ApprovalFor => "对象", "For";
    ApprovalAmount => "审批金额", "Amount compared";
    ApprovalAboveEvery => "超过所有金额档", "Above every threshold";
    ApprovalAskedBy => "发起人", "Asked by";
    ApprovalWaiting => "提交时间", "Asked";
    ApprovalStatus => "状态", "Status";
    ApprovalAgeDays => "{n} 天前", "{n} days ago";
    ApprovalAgeToday => "今天", "today";
    ActionCreditLimitChange => "调整信用额度", "Credit limit change";
    ActionWriteOff => "核销坏账", "Write-off";
    ActionVoidInvoice => "作废发票", "Invoice void";
    ActionCreditNote => "开具贷项通知单", "Credit note";
    ActionFeeWaiver => "减免费用", "Fee waiver";
    ActionPaymentReversal => "冲销收款", "Payment reversal";
    ActionCreditBlockOverride => "超额度放行", "Credit block override";
    ActionCreditHoldRelease => "解除信用冻结", "Credit hold release";
    StatusPending => "待审批", "Pending";
    StatusApproved => "已批准", "Approved";
    StatusRejected => "已驳回", "Rejected";
    StatusCancelled => "已撤回", "Withdrawn";
    StatusExpired => "已过期", "Expired";
    StatusFailed => "未能执行", "Could not be made";
    ApprovalBefore => "提交时的情况", "As it stood when asked";
    ApprovalAfter => "申请的变更", "Asked for";
    ApprovalWhy => "理由", "Why";
    ApprovalLevels => "审批流程", "Approvals, in order";
    ApprovalLevelWaiting => "待审批", "Waiting";
    ApprovalComment => "审批意见", "Comment";
    ApprovalCommentHint => "驳回时必填，发起人可以看到。", "Required to reject; the maker sees it.";
    ApprovalCommentRequired => "请填写驳回理由。", "Write why you reject it.";
    Approve => "批准", "Approve";
    RejectRequest => "驳回", "Reject";
    WithdrawRequest => "撤回", "Withdraw";
    ApprovalRanToast => "已批准，变更已生效。", "Approved: the change is made.";
    ApprovalLevelToast => "已批准，等待下一级审批。", "Approved; the next level decides now.";
    ApprovalFailedToast => "已批准，但变更未能执行：", "Approved, but the change could not be made:";
    ApprovalRejectedToast => "已驳回，未做任何更改。", "Rejected: nothing changed.";
    ApprovalWithdrawnToast => "已撤回。", "Withdrawn.";
    ApprovalSentToast => "已提交审批，批准后生效。", "Sent for approval: it takes effect once approved.";
    ApprovalWillWait => "此变更需要审批：", "This change will go for approval:";
    ApprovalThen => "然后", "then";
    ApprovalExpiresOn => "到期日", "Expires";
    ApprovalView => "查看", "Open";
    ApprovalFailure => "未能执行的原因", "Why it could not be made";
    FactNumber => "编号", "Number";
    FactStatus => "状态", "Status";
    FactCustomer => "客户", "Customer";
    FactTotal => "金额", "Total";
    FactBalanceDue => "未收余额", "Balance due";
    FactAmountPaid => "已收", "Paid";
    FactAmountCredited => "已冲减", "Credited";
    FactDueDate => "到期日", "Due date";
    FactCreditLimit => "信用额度", "Credit limit";
    FactNoLimit => "无额度", "No limit";
    FactCreditHold => "信用冻结", "Credit hold";
    FactBalance => "应收余额", "Open balance";
    FactOverdue => "逾期金额", "Overdue";
    FactRiskGrade => "信用评级", "Rating";
    FactAmount => "金额", "Amount";
    FactAllocated => "已核销", "Allocated";
    FactReceivedOn => "收款日期", "Received on";
    FactReference => "参考号", "Reference";
    FactYes => "是", "Yes";
    FactNo => "否", "No";
    AfterWrittenOff => "余额作为坏账核销", "Balance written off as bad debt";
    AfterVoided => "发票作废", "Invoice voided";
    AfterCreditNote => "开具贷项通知单，金额", "A credit note for";
    AfterFeeWaived => "费用减免", "Fee waived";
    AfterPaymentReversed => "冲销收款及其全部核销", "Payment reversed with every allocation";
    AfterIssuedDespiteBlock => "超出信用政策仍开具发票", "Invoice issued despite the credit block";
    AfterHoldReleased => "解除信用冻结", "Credit hold released";
    AfterNewLimit => "新的信用额度", "New credit limit";
    ApprovalPoliciesTitle => "审批规则", "Approval policies";
    ApprovalPoliciesLead =>
        "哪些变更需要审批、超过多少金额、由谁逐级审批。没有单独设置金额档的币种，按最高一档的全部级别审批。新公司默认全部关闭。",
        "Which changes wait for approval, above which amounts, and who approves them, level by level. A change in a currency with no amount of its own needs every level of the largest one. All are off for a new company.";
    ApplySuggestedPolicies => "启用推荐的审批规则", "Turn on the suggested policies";
    ApplySuggestedHint =>
        "对超过小型财务团队通常自行处理金额的变更启用审批（按本位币）：财务经理审批，金额最大的再由所有者审批。",
        "Every change above amounts a small finance team signs off alone, in the base currency: a finance manager, then the owner for the largest.";
    SuggestedApplied => "已启用推荐的审批规则。", "The suggested policies are on.";
    PolicyOn => "启用", "On";
    ThresholdCurrency => "币种", "Currency";
    ThresholdAbove => "金额超过", "Above";
    ThresholdLevels => "审批人（按顺序）", "Approvers, in order";
    AddThreshold => "添加金额档", "Add an amount";
    RemoveThreshold => "删除", "Remove";
    AddLevel => "添加一级", "Add a level";
    RemoveLevel => "删除最后一级", "Remove the last level";
    SavePolicy => "保存", "Save";
    PolicySaved => "审批规则已保存。", "Policy saved.";
    LevelRole => "任一", "Any";
    ApprovalExpiryDaysLabel => "审批申请有效天数", "Days a request waits for its decision";
    SettingsHintExpiryDays =>
        "1 至 90 天（默认 7 天）；到期仍未审批的申请自动失效，不做任何更改。",
        "1 to 90 days (7 by default); a request still undecided then expires and changes nothing.";
    SettingsApprovalsGroup => "审批", "Approvals";
    ApprovalNamedMember => "指定成员", "a named member";
    ApprovalEmailsLabel => "审批邮件", "Approval emails";
    ApprovalEmailsImmediate => "每个待我审批的申请即时发送", "Each request awaiting me, at once";
    ApprovalEmailsDaily => "每日汇总一封", "One digest a day";
    ApprovalEmailsNone => "不发送（仅在审批页和角标提示）", "None (the inbox and its badge only)";
}
