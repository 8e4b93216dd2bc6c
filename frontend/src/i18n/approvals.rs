//! The approvals' messages (the inbox, the requests, the policies), with their English and
//! Chinese texts in one place; each language is one exhaustive match.

use super::Msg;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalMsg {
    NavApprovals,
    ApprovalsTitle,
    ApprovalsLead,
    ApprovalsAwaitingMe,
    ApprovalsAll,
    ApprovalsMine,
    ApprovalsNone,
    ApprovalChange,
    ApprovalFor,
    ApprovalAmount,
    ApprovalAboveEvery,
    ApprovalAskedBy,
    ApprovalWaiting,
    ApprovalStatus,
    ApprovalAgeDays,
    ApprovalAgeToday,
    ActionCreditLimitChange,
    ActionWriteOff,
    ActionVoidInvoice,
    ActionCreditNote,
    ActionFeeWaiver,
    ActionPaymentReversal,
    ActionCreditBlockOverride,
    ActionCreditHoldRelease,
    StatusPending,
    StatusApproved,
    StatusRejected,
    StatusCancelled,
    StatusExpired,
    StatusFailed,
    ApprovalBefore,
    ApprovalAfter,
    ApprovalWhy,
    ApprovalLevels,
    ApprovalLevelWaiting,
    ApprovalComment,
    ApprovalCommentHint,
    ApprovalCommentRequired,
    Approve,
    RejectRequest,
    WithdrawRequest,
    ApprovalRanToast,
    ApprovalLevelToast,
    ApprovalFailedToast,
    ApprovalRejectedToast,
    ApprovalWithdrawnToast,
    ApprovalSentToast,
    ApprovalWillWait,
    ApprovalThen,
    ApprovalExpiresOn,
    ApprovalView,
    ApprovalFailure,
    FactNumber,
    FactStatus,
    FactCustomer,
    FactTotal,
    FactBalanceDue,
    FactAmountPaid,
    FactAmountCredited,
    FactDueDate,
    FactCreditLimit,
    FactNoLimit,
    FactCreditHold,
    FactBalance,
    FactOverdue,
    FactRiskGrade,
    FactAmount,
    FactAllocated,
    FactReceivedOn,
    FactReference,
    FactYes,
    FactNo,
    AfterWrittenOff,
    AfterVoided,
    AfterCreditNote,
    AfterFeeWaived,
    AfterPaymentReversed,
    AfterIssuedDespiteBlock,
    AfterHoldReleased,
    AfterNewLimit,
    ApprovalPoliciesTitle,
    ApprovalPoliciesLead,
    ApplySuggestedPolicies,
    ApplySuggestedHint,
    SuggestedApplied,
    PolicyOn,
    ThresholdCurrency,
    ThresholdAbove,
    ThresholdLevels,
    AddThreshold,
    RemoveThreshold,
    AddLevel,
    RemoveLevel,
    SavePolicy,
    PolicySaved,
    LevelRole,
    ApprovalExpiryDaysLabel,
    SettingsHintExpiryDays,
    SettingsApprovalsGroup,
    ApprovalNamedMember,
    ApprovalEmailsLabel,
    ApprovalEmailsImmediate,
    ApprovalEmailsDaily,
    ApprovalEmailsNone,
}

#[allow(non_upper_case_globals)]
impl Msg {
    pub const NavApprovals: Msg = Msg::Approval(ApprovalMsg::NavApprovals);
    pub const ApprovalsTitle: Msg = Msg::Approval(ApprovalMsg::ApprovalsTitle);
    pub const ApprovalsLead: Msg = Msg::Approval(ApprovalMsg::ApprovalsLead);
    pub const ApprovalsAwaitingMe: Msg = Msg::Approval(ApprovalMsg::ApprovalsAwaitingMe);
    pub const ApprovalsAll: Msg = Msg::Approval(ApprovalMsg::ApprovalsAll);
    pub const ApprovalsMine: Msg = Msg::Approval(ApprovalMsg::ApprovalsMine);
    pub const ApprovalsNone: Msg = Msg::Approval(ApprovalMsg::ApprovalsNone);
    pub const ApprovalChange: Msg = Msg::Approval(ApprovalMsg::ApprovalChange);
    pub const ApprovalFor: Msg = Msg::Approval(ApprovalMsg::ApprovalFor);
    pub const ApprovalAmount: Msg = Msg::Approval(ApprovalMsg::ApprovalAmount);
    pub const ApprovalAboveEvery: Msg = Msg::Approval(ApprovalMsg::ApprovalAboveEvery);
    pub const ApprovalAskedBy: Msg = Msg::Approval(ApprovalMsg::ApprovalAskedBy);
    pub const ApprovalWaiting: Msg = Msg::Approval(ApprovalMsg::ApprovalWaiting);
    pub const ApprovalStatus: Msg = Msg::Approval(ApprovalMsg::ApprovalStatus);
    pub const ApprovalAgeDays: Msg = Msg::Approval(ApprovalMsg::ApprovalAgeDays);
    pub const ApprovalAgeToday: Msg = Msg::Approval(ApprovalMsg::ApprovalAgeToday);
    pub const ActionCreditLimitChange: Msg = Msg::Approval(ApprovalMsg::ActionCreditLimitChange);
    pub const ActionWriteOff: Msg = Msg::Approval(ApprovalMsg::ActionWriteOff);
    pub const ActionVoidInvoice: Msg = Msg::Approval(ApprovalMsg::ActionVoidInvoice);
    pub const ActionCreditNote: Msg = Msg::Approval(ApprovalMsg::ActionCreditNote);
    pub const ActionFeeWaiver: Msg = Msg::Approval(ApprovalMsg::ActionFeeWaiver);
    pub const ActionPaymentReversal: Msg = Msg::Approval(ApprovalMsg::ActionPaymentReversal);
    pub const ActionCreditBlockOverride: Msg =
        Msg::Approval(ApprovalMsg::ActionCreditBlockOverride);
    pub const ActionCreditHoldRelease: Msg = Msg::Approval(ApprovalMsg::ActionCreditHoldRelease);
    pub const StatusPending: Msg = Msg::Approval(ApprovalMsg::StatusPending);
    pub const StatusApproved: Msg = Msg::Approval(ApprovalMsg::StatusApproved);
    pub const StatusRejected: Msg = Msg::Approval(ApprovalMsg::StatusRejected);
    pub const StatusCancelled: Msg = Msg::Approval(ApprovalMsg::StatusCancelled);
    pub const StatusExpired: Msg = Msg::Approval(ApprovalMsg::StatusExpired);
    pub const StatusFailed: Msg = Msg::Approval(ApprovalMsg::StatusFailed);
    pub const ApprovalBefore: Msg = Msg::Approval(ApprovalMsg::ApprovalBefore);
    pub const ApprovalAfter: Msg = Msg::Approval(ApprovalMsg::ApprovalAfter);
    pub const ApprovalWhy: Msg = Msg::Approval(ApprovalMsg::ApprovalWhy);
    pub const ApprovalLevels: Msg = Msg::Approval(ApprovalMsg::ApprovalLevels);
    pub const ApprovalLevelWaiting: Msg = Msg::Approval(ApprovalMsg::ApprovalLevelWaiting);
    pub const ApprovalComment: Msg = Msg::Approval(ApprovalMsg::ApprovalComment);
    pub const ApprovalCommentHint: Msg = Msg::Approval(ApprovalMsg::ApprovalCommentHint);
    pub const ApprovalCommentRequired: Msg = Msg::Approval(ApprovalMsg::ApprovalCommentRequired);
    pub const Approve: Msg = Msg::Approval(ApprovalMsg::Approve);
    pub const RejectRequest: Msg = Msg::Approval(ApprovalMsg::RejectRequest);
    pub const WithdrawRequest: Msg = Msg::Approval(ApprovalMsg::WithdrawRequest);
    pub const ApprovalRanToast: Msg = Msg::Approval(ApprovalMsg::ApprovalRanToast);
    pub const ApprovalLevelToast: Msg = Msg::Approval(ApprovalMsg::ApprovalLevelToast);
    pub const ApprovalFailedToast: Msg = Msg::Approval(ApprovalMsg::ApprovalFailedToast);
    pub const ApprovalRejectedToast: Msg = Msg::Approval(ApprovalMsg::ApprovalRejectedToast);
    pub const ApprovalWithdrawnToast: Msg = Msg::Approval(ApprovalMsg::ApprovalWithdrawnToast);
    pub const ApprovalSentToast: Msg = Msg::Approval(ApprovalMsg::ApprovalSentToast);
    pub const ApprovalWillWait: Msg = Msg::Approval(ApprovalMsg::ApprovalWillWait);
    pub const ApprovalThen: Msg = Msg::Approval(ApprovalMsg::ApprovalThen);
    pub const ApprovalExpiresOn: Msg = Msg::Approval(ApprovalMsg::ApprovalExpiresOn);
    pub const ApprovalView: Msg = Msg::Approval(ApprovalMsg::ApprovalView);
    pub const ApprovalFailure: Msg = Msg::Approval(ApprovalMsg::ApprovalFailure);
    pub const FactNumber: Msg = Msg::Approval(ApprovalMsg::FactNumber);
    pub const FactStatus: Msg = Msg::Approval(ApprovalMsg::FactStatus);
    pub const FactCustomer: Msg = Msg::Approval(ApprovalMsg::FactCustomer);
    pub const FactTotal: Msg = Msg::Approval(ApprovalMsg::FactTotal);
    pub const FactBalanceDue: Msg = Msg::Approval(ApprovalMsg::FactBalanceDue);
    pub const FactAmountPaid: Msg = Msg::Approval(ApprovalMsg::FactAmountPaid);
    pub const FactAmountCredited: Msg = Msg::Approval(ApprovalMsg::FactAmountCredited);
    pub const FactDueDate: Msg = Msg::Approval(ApprovalMsg::FactDueDate);
    pub const FactCreditLimit: Msg = Msg::Approval(ApprovalMsg::FactCreditLimit);
    pub const FactNoLimit: Msg = Msg::Approval(ApprovalMsg::FactNoLimit);
    pub const FactCreditHold: Msg = Msg::Approval(ApprovalMsg::FactCreditHold);
    pub const FactBalance: Msg = Msg::Approval(ApprovalMsg::FactBalance);
    pub const FactOverdue: Msg = Msg::Approval(ApprovalMsg::FactOverdue);
    pub const FactRiskGrade: Msg = Msg::Approval(ApprovalMsg::FactRiskGrade);
    pub const FactAmount: Msg = Msg::Approval(ApprovalMsg::FactAmount);
    pub const FactAllocated: Msg = Msg::Approval(ApprovalMsg::FactAllocated);
    pub const FactReceivedOn: Msg = Msg::Approval(ApprovalMsg::FactReceivedOn);
    pub const FactReference: Msg = Msg::Approval(ApprovalMsg::FactReference);
    pub const FactYes: Msg = Msg::Approval(ApprovalMsg::FactYes);
    pub const FactNo: Msg = Msg::Approval(ApprovalMsg::FactNo);
    pub const AfterWrittenOff: Msg = Msg::Approval(ApprovalMsg::AfterWrittenOff);
    pub const AfterVoided: Msg = Msg::Approval(ApprovalMsg::AfterVoided);
    pub const AfterCreditNote: Msg = Msg::Approval(ApprovalMsg::AfterCreditNote);
    pub const AfterFeeWaived: Msg = Msg::Approval(ApprovalMsg::AfterFeeWaived);
    pub const AfterPaymentReversed: Msg = Msg::Approval(ApprovalMsg::AfterPaymentReversed);
    pub const AfterIssuedDespiteBlock: Msg = Msg::Approval(ApprovalMsg::AfterIssuedDespiteBlock);
    pub const AfterHoldReleased: Msg = Msg::Approval(ApprovalMsg::AfterHoldReleased);
    pub const AfterNewLimit: Msg = Msg::Approval(ApprovalMsg::AfterNewLimit);
    pub const ApprovalPoliciesTitle: Msg = Msg::Approval(ApprovalMsg::ApprovalPoliciesTitle);
    pub const ApprovalPoliciesLead: Msg = Msg::Approval(ApprovalMsg::ApprovalPoliciesLead);
    pub const ApplySuggestedPolicies: Msg = Msg::Approval(ApprovalMsg::ApplySuggestedPolicies);
    pub const ApplySuggestedHint: Msg = Msg::Approval(ApprovalMsg::ApplySuggestedHint);
    pub const SuggestedApplied: Msg = Msg::Approval(ApprovalMsg::SuggestedApplied);
    pub const PolicyOn: Msg = Msg::Approval(ApprovalMsg::PolicyOn);
    pub const ThresholdCurrency: Msg = Msg::Approval(ApprovalMsg::ThresholdCurrency);
    pub const ThresholdAbove: Msg = Msg::Approval(ApprovalMsg::ThresholdAbove);
    pub const ThresholdLevels: Msg = Msg::Approval(ApprovalMsg::ThresholdLevels);
    pub const AddThreshold: Msg = Msg::Approval(ApprovalMsg::AddThreshold);
    pub const RemoveThreshold: Msg = Msg::Approval(ApprovalMsg::RemoveThreshold);
    pub const AddLevel: Msg = Msg::Approval(ApprovalMsg::AddLevel);
    pub const RemoveLevel: Msg = Msg::Approval(ApprovalMsg::RemoveLevel);
    pub const SavePolicy: Msg = Msg::Approval(ApprovalMsg::SavePolicy);
    pub const PolicySaved: Msg = Msg::Approval(ApprovalMsg::PolicySaved);
    pub const LevelRole: Msg = Msg::Approval(ApprovalMsg::LevelRole);
    pub const ApprovalExpiryDaysLabel: Msg = Msg::Approval(ApprovalMsg::ApprovalExpiryDaysLabel);
    pub const SettingsHintExpiryDays: Msg = Msg::Approval(ApprovalMsg::SettingsHintExpiryDays);
    pub const SettingsApprovalsGroup: Msg = Msg::Approval(ApprovalMsg::SettingsApprovalsGroup);
    pub const ApprovalNamedMember: Msg = Msg::Approval(ApprovalMsg::ApprovalNamedMember);
    pub const ApprovalEmailsLabel: Msg = Msg::Approval(ApprovalMsg::ApprovalEmailsLabel);
    pub const ApprovalEmailsImmediate: Msg = Msg::Approval(ApprovalMsg::ApprovalEmailsImmediate);
    pub const ApprovalEmailsDaily: Msg = Msg::Approval(ApprovalMsg::ApprovalEmailsDaily);
    pub const ApprovalEmailsNone: Msg = Msg::Approval(ApprovalMsg::ApprovalEmailsNone);
}

#[rustfmt::skip]
pub(super) fn en(msg: ApprovalMsg) -> &'static str {
    use ApprovalMsg::*;
    match msg {
        NavApprovals => "Approvals",
        ApprovalsTitle => "Approvals",
        ApprovalsLead => "Changes to money and risk that wait for a decision. Each level is decided by one person who did not ask for the change; the last approval makes it, checked again against the books as they are then.",
        ApprovalsAwaitingMe => "Awaiting me",
        ApprovalsAll => "All requests",
        ApprovalsMine => "Asked by me",
        ApprovalsNone => "No requests here.",
        ApprovalChange => "Change",
        ApprovalFor => "For",
        ApprovalAmount => "Amount compared",
        ApprovalAboveEvery => "Above every threshold",
        ApprovalAskedBy => "Asked by",
        ApprovalWaiting => "Asked",
        ApprovalStatus => "Status",
        ApprovalAgeDays => "{n} days ago",
        ApprovalAgeToday => "today",
        ActionCreditLimitChange => "Credit limit change",
        ActionWriteOff => "Write-off",
        ActionVoidInvoice => "Invoice void",
        ActionCreditNote => "Credit note",
        ActionFeeWaiver => "Fee waiver",
        ActionPaymentReversal => "Payment reversal",
        ActionCreditBlockOverride => "Credit block override",
        ActionCreditHoldRelease => "Credit hold release",
        StatusPending => "Pending",
        StatusApproved => "Approved",
        StatusRejected => "Rejected",
        StatusCancelled => "Withdrawn",
        StatusExpired => "Expired",
        StatusFailed => "Could not be made",
        ApprovalBefore => "As it stood when asked",
        ApprovalAfter => "Asked for",
        ApprovalWhy => "Why",
        ApprovalLevels => "Approvals, in order",
        ApprovalLevelWaiting => "Waiting",
        ApprovalComment => "Comment",
        ApprovalCommentHint => "Required to reject; the maker sees it.",
        ApprovalCommentRequired => "Write why you reject it.",
        Approve => "Approve",
        RejectRequest => "Reject",
        WithdrawRequest => "Withdraw",
        ApprovalRanToast => "Approved: the change is made.",
        ApprovalLevelToast => "Approved; the next level decides now.",
        ApprovalFailedToast => "Approved, but the change could not be made:",
        ApprovalRejectedToast => "Rejected: nothing changed.",
        ApprovalWithdrawnToast => "Withdrawn.",
        ApprovalSentToast => "Sent for approval: it takes effect once approved.",
        ApprovalWillWait => "This change will go for approval:",
        ApprovalThen => "then",
        ApprovalExpiresOn => "Expires",
        ApprovalView => "Open",
        ApprovalFailure => "Why it could not be made",
        FactNumber => "Number",
        FactStatus => "Status",
        FactCustomer => "Customer",
        FactTotal => "Total",
        FactBalanceDue => "Balance due",
        FactAmountPaid => "Paid",
        FactAmountCredited => "Credited",
        FactDueDate => "Due date",
        FactCreditLimit => "Credit limit",
        FactNoLimit => "No limit",
        FactCreditHold => "Credit hold",
        FactBalance => "Open balance",
        FactOverdue => "Overdue",
        FactRiskGrade => "Rating",
        FactAmount => "Amount",
        FactAllocated => "Allocated",
        FactReceivedOn => "Received on",
        FactReference => "Reference",
        FactYes => "Yes",
        FactNo => "No",
        AfterWrittenOff => "Balance written off as bad debt",
        AfterVoided => "Invoice voided",
        AfterCreditNote => "A credit note for",
        AfterFeeWaived => "Fee waived",
        AfterPaymentReversed => "Payment reversed with every allocation",
        AfterIssuedDespiteBlock => "Invoice issued despite the credit block",
        AfterHoldReleased => "Credit hold released",
        AfterNewLimit => "New credit limit",
        ApprovalPoliciesTitle => "Approval policies",
        ApprovalPoliciesLead => "Which changes wait for approval, above which amounts, and who approves them, level by level. A change in a currency with no amount of its own needs every level of the largest one. All are off for a new company.",
        ApplySuggestedPolicies => "Turn on the suggested policies",
        ApplySuggestedHint => "Every change above amounts a small finance team signs off alone, in the base currency: a finance manager, then the owner for the largest.",
        SuggestedApplied => "The suggested policies are on.",
        PolicyOn => "On",
        ThresholdCurrency => "Currency",
        ThresholdAbove => "Above",
        ThresholdLevels => "Approvers, in order",
        AddThreshold => "Add an amount",
        RemoveThreshold => "Remove",
        AddLevel => "Add a level",
        RemoveLevel => "Remove the last level",
        SavePolicy => "Save",
        PolicySaved => "Policy saved.",
        LevelRole => "Any",
        ApprovalExpiryDaysLabel => "Days a request waits for its decision",
        SettingsHintExpiryDays => "1 to 90 days (7 by default); a request still undecided then expires and changes nothing.",
        SettingsApprovalsGroup => "Approvals",
        ApprovalNamedMember => "a named member",
        ApprovalEmailsLabel => "Approval emails",
        ApprovalEmailsImmediate => "Each request awaiting me, at once",
        ApprovalEmailsDaily => "One digest a day",
        ApprovalEmailsNone => "None (the inbox and its badge only)",
    }
}

#[rustfmt::skip]
pub(super) fn zh(msg: ApprovalMsg) -> &'static str {
    use ApprovalMsg::*;
    match msg {
        NavApprovals => "审批",
        ApprovalsTitle => "审批",
        ApprovalsLead => "涉及资金和风险的变更在此等待审批。每一级由一位非发起人的成员审批；最后一级批准时，系统按当时的账面重新核对后执行变更。",
        ApprovalsAwaitingMe => "待我审批",
        ApprovalsAll => "全部申请",
        ApprovalsMine => "我发起的",
        ApprovalsNone => "暂无审批申请。",
        ApprovalChange => "变更",
        ApprovalFor => "对象",
        ApprovalAmount => "审批金额",
        ApprovalAboveEvery => "超过所有金额档",
        ApprovalAskedBy => "发起人",
        ApprovalWaiting => "提交时间",
        ApprovalStatus => "状态",
        ApprovalAgeDays => "{n} 天前",
        ApprovalAgeToday => "今天",
        ActionCreditLimitChange => "调整信用额度",
        ActionWriteOff => "核销坏账",
        ActionVoidInvoice => "作废发票",
        ActionCreditNote => "开具贷项通知单",
        ActionFeeWaiver => "减免费用",
        ActionPaymentReversal => "冲销收款",
        ActionCreditBlockOverride => "超额度放行",
        ActionCreditHoldRelease => "解除信用冻结",
        StatusPending => "待审批",
        StatusApproved => "已批准",
        StatusRejected => "已驳回",
        StatusCancelled => "已撤回",
        StatusExpired => "已过期",
        StatusFailed => "未能执行",
        ApprovalBefore => "提交时的情况",
        ApprovalAfter => "申请的变更",
        ApprovalWhy => "理由",
        ApprovalLevels => "审批流程",
        ApprovalLevelWaiting => "待审批",
        ApprovalComment => "审批意见",
        ApprovalCommentHint => "驳回时必填，发起人可以看到。",
        ApprovalCommentRequired => "请填写驳回理由。",
        Approve => "批准",
        RejectRequest => "驳回",
        WithdrawRequest => "撤回",
        ApprovalRanToast => "已批准，变更已生效。",
        ApprovalLevelToast => "已批准，等待下一级审批。",
        ApprovalFailedToast => "已批准，但变更未能执行：",
        ApprovalRejectedToast => "已驳回，未做任何更改。",
        ApprovalWithdrawnToast => "已撤回。",
        ApprovalSentToast => "已提交审批，批准后生效。",
        ApprovalWillWait => "此变更需要审批：",
        ApprovalThen => "然后",
        ApprovalExpiresOn => "到期日",
        ApprovalView => "查看",
        ApprovalFailure => "未能执行的原因",
        FactNumber => "编号",
        FactStatus => "状态",
        FactCustomer => "客户",
        FactTotal => "金额",
        FactBalanceDue => "未收余额",
        FactAmountPaid => "已收",
        FactAmountCredited => "已冲减",
        FactDueDate => "到期日",
        FactCreditLimit => "信用额度",
        FactNoLimit => "无额度",
        FactCreditHold => "信用冻结",
        FactBalance => "应收余额",
        FactOverdue => "逾期金额",
        FactRiskGrade => "信用评级",
        FactAmount => "金额",
        FactAllocated => "已核销",
        FactReceivedOn => "收款日期",
        FactReference => "参考号",
        FactYes => "是",
        FactNo => "否",
        AfterWrittenOff => "余额作为坏账核销",
        AfterVoided => "发票作废",
        AfterCreditNote => "开具贷项通知单，金额",
        AfterFeeWaived => "费用减免",
        AfterPaymentReversed => "冲销收款及其全部核销",
        AfterIssuedDespiteBlock => "超出信用政策仍开具发票",
        AfterHoldReleased => "解除信用冻结",
        AfterNewLimit => "新的信用额度",
        ApprovalPoliciesTitle => "审批规则",
        ApprovalPoliciesLead => "哪些变更需要审批、超过多少金额、由谁逐级审批。没有单独设置金额档的币种，按最高一档的全部级别审批。新公司默认全部关闭。",
        ApplySuggestedPolicies => "启用推荐的审批规则",
        ApplySuggestedHint => "对超过小型财务团队通常自行处理金额的变更启用审批（按本位币）：财务经理审批，金额最大的再由所有者审批。",
        SuggestedApplied => "已启用推荐的审批规则。",
        PolicyOn => "启用",
        ThresholdCurrency => "币种",
        ThresholdAbove => "金额超过",
        ThresholdLevels => "审批人（按顺序）",
        AddThreshold => "添加金额档",
        RemoveThreshold => "删除",
        AddLevel => "添加一级",
        RemoveLevel => "删除最后一级",
        SavePolicy => "保存",
        PolicySaved => "审批规则已保存。",
        LevelRole => "任一",
        ApprovalExpiryDaysLabel => "审批申请有效天数",
        SettingsHintExpiryDays => "1 至 90 天（默认 7 天）；到期仍未审批的申请自动失效，不做任何更改。",
        SettingsApprovalsGroup => "审批",
        ApprovalNamedMember => "指定成员",
        ApprovalEmailsLabel => "审批邮件",
        ApprovalEmailsImmediate => "每个待我审批的申请即时发送",
        ApprovalEmailsDaily => "每日汇总一封",
        ApprovalEmailsNone => "不发送（仅在审批页和角标提示）",
    }
}
