//! More of the texts reached as `Msg::Name`, by area (the `texts!` table: each message, its
//! Chinese text, then its English text).

use super::Msg;

// Disputes.
texts! { Msg;
    DisputesLead =>
        "按负责人、争议原因和持续天数查看未解决的争议，并附客户原话。为每项争议指定负责人和处理期限，处理完毕后填写可发送给客户的处理说明。",
        "Open disputes by owner, reason and age, with the customer's own words. Give each one an owner and a date to settle it by, then resolve it with a note the customer can be sent.";
    DisputeStatusOpen => "未解决", "Open";
    DisputeStatusResolved => "已解决", "Resolved";
    DisputeStatusRejected => "已驳回", "Rejected";
    DisputeOwner => "负责人", "Owner";
    DisputeAnyOwner => "全部负责人", "Anyone";
    DisputeNoOwner => "未分配", "No one";
    DisputeReasonLabel => "争议原因", "Reason";
    DisputeReasonPrice => "价格", "Price";
    DisputeReasonQuantity => "数量", "Quantity";
    DisputeReasonQuality => "质量", "Quality";
    DisputeReasonNotReceived => "未收到货", "Not received";
    DisputeReasonDuplicate => "重复开票", "Duplicate invoice";
    DisputeReasonAlreadyPaid => "已付款", "Already paid";
    DisputeReasonTerms => "账期条款", "Terms";
    DisputeReasonOther => "其他", "Other";
    DisputeInvoiceColumn => "发票", "Invoice";
    DisputeNoteColumn => "争议说明", "Note";
    DisputeCustomerWords => "客户原话", "Customer's words";
    DisputeDueOn => "处理期限", "Due on";
    DisputeDueOnHint =>
        "可选今天起一年内的日期；留空表示不设期限。",
        "From today to a year on; leave it empty for no date.";
    DisputeAge => "已持续", "Open for";
    DisputeAgeDays => "{n} 天", "{n} days";
    DisputeAgeOneDay => "1 天", "1 day";
    DisputeResolution => "处理说明", "Resolution";
    DisputeAssign => "分配", "Assign";
    DisputeAssignTitle => "分配争议", "Assign the dispute";
    DisputeUpdated => "争议已更新。", "Dispute updated.";
    DisputeResolveTitle => "处理争议", "Resolve the dispute";
    DisputeOutcome => "处理结果", "Outcome";
    DisputeOutcomeResolved => "已解决：认可客户的异议", "Resolved: the customer's point is accepted";
    DisputeOutcomeRejected => "驳回：发票按原样有效", "Rejected: the invoice stands as issued";
    DisputeResolutionNote => "处理说明（可发送给客户）", "Resolution note (can be sent to the customer)";
    DisputeResolutionNoteHint =>
        "请以对客户的口吻填写：处理结论及后续安排。",
        "Write it as you would to the customer: what was decided and what happens next.";
    DisputeNoteRequired => "请填写处理说明。", "Write the note for the customer.";
    DisputeResolvedToast => "争议已解决。", "Dispute resolved.";
    DisputeRejectedToast => "争议已驳回。", "Dispute rejected.";
    DisputeOpenedByLabel => "登记人", "Opened by";
}

// Contacts.
texts! { Msg;
    ContactsBillingHint =>
        "发票、对账单和催收通知发给勾选了接收的联系人；都未勾选时，发给第一位留有邮箱的联系人。",
        "Invoices, statements and dunning go to the contacts ticked to receive them; when none is, to the first contact with an email address.";
    ContactLegend => "联系人", "Contact";
    ContactPersonName => "姓名", "Name";
    ContactRole => "职务", "Role";
    ContactPhone => "电话", "Phone";
    ContactMobile => "手机", "Mobile";
    ContactWechatId => "微信号", "WeChat ID";
    ContactWecomId => "企业微信外部联系人编号", "WeChat Work contact ID";
    ContactPreferredChannel => "首选联系方式", "Preferred channel";
    ContactNoChannel => "无偏好", "No preference";
    ContactLocale => "沟通语言", "Language";
    ContactLocaleCustomer => "与客户一致", "The customer's language";
    ContactBilling => "接收发票、对账单和催收通知", "Receives invoices, statements and dunning";
    ContactBillingBadge => "接收账单", "Billing";
    AddContact => "添加联系人", "Add contact";
    RemoveContact => "删除联系人", "Remove contact";
    NoContacts => "暂无联系人。", "No contacts yet.";
    CustomerTagsLabel => "标签", "Tags";
    CustomerTagsHint => "多个标签用逗号分隔", "Separated by commas";
    ArchiveCustomer => "归档", "Archive";
    ArchiveCustomerTitle => "归档客户", "Archive this customer";
    ArchiveCustomerConfirm =>
        "归档后，该客户不再显示在客户列表中，也不能再开具新发票；历史记录会保留，可随时恢复。",
        "An archived customer leaves the customer list and can take no new invoices; its history stays. You can restore it at any time.";
    CustomerArchivedBadge => "已归档", "Archived";
    RestoreCustomer => "恢复", "Restore";
    CustomerArchivedDone => "客户已归档。", "Customer archived.";
    CustomerRestored => "客户已恢复。", "Customer restored.";
}

// Money.
texts! { Msg;
    ImportPayments => "收款", "Receipts";
    PaymentImportGroupHint =>
        "每行对应一笔收款核销的一张发票：同一笔收款的各行使用相同的 external_id（该收款在原系统中的编号），且客户、收款日期、金额、币种、收款方式和参考号须一致。",
        "One row per invoice a payment pays: the rows of one payment share its external_id (its id in the other system) and agree on its customer, date, amount, currency, method and reference.";
    PaymentImportOnceHint =>
        "external_id 此前已导入的收款会被跳过，因此重复导入同一文件不会重复入账。",
        "A payment whose external_id was imported before is skipped, so importing the same file again records nothing twice.";
    PaymentImportAllocateHint =>
        "invoice_number 与 allocated_amount 须同时填写或同时留空：填写时将该金额核销到该客户的这张发票；留空时按到期先后优先核销该客户最早到期的发票，余款作为该客户的未核销预收款保留。",
        "invoice_number and allocated_amount, both or neither, apply that amount to the customer's invoice; a payment without them pays the customer's oldest due invoices first, and what is left stays as the customer's unapplied credit.";
    ImportSkippedCount => "已跳过 {n} 笔（此前已导入）", "{n} skipped (already imported)";
    Installments => "分期付款", "Installments";
    NoInstallmentPlan =>
        "未设置分期：全部余额于到期日一次性到期。",
        "No installment plan: the whole balance falls due on the due date.";
    InstallmentNumber => "期次", "Installment";
    EditInstallments => "编辑分期", "Edit plan";
    AddInstallment => "添加一期", "Add installment";
    SplitEvenly => "平均分配", "Split evenly";
    RemoveInstallments => "取消分期", "Remove plan";
    InstallmentsHint =>
        "请设置 2 至 60 期，各期金额合计须等于发票总额；每期到期日不得早于开票日期，且须晚于上一期。设置后，账龄和催收提醒按各期自己的到期日计算，收到的款项按期次顺序依次抵付。",
        "Give 2 to 60 installments that add up to the invoice total, each due on or after the issue date and after the one before. Aging and reminders then follow each installment's own due date, and payments settle the installments in order.";
    InstallmentsAddUpTo => "各期合计", "Installments add up to";
    InstallmentDueDateRequired => "请选择该期的到期日。", "Choose the installment's due date.";
    InstallmentsSaved => "分期计划已保存。", "Installment plan saved.";
    InstallmentsRemoved => "分期计划已取消。", "Installment plan removed.";
}

// Cancelling a promise and correcting an activity.
texts! { Msg;
    CancelPromise => "取消", "Cancel";
    CancelPromiseTitle => "取消付款承诺", "Cancel this promise";
    CancelPromiseLead =>
        "客户撤回或误登记的付款承诺可以取消，取消后不再判定为已兑现或已违约。",
        "Cancel a promise the customer withdrew or that was logged by mistake: it is no longer judged kept or broken.";
    CancelPromiseReason => "原因（选填）", "Reason (optional)";
    CancelPromiseNoReason => "取消时未填写原因", "Cancelled without a reason given";
    ConfirmCancelPromise => "确认取消承诺", "Cancel the promise";
    PromiseCancelledToast => "付款承诺已取消。", "Promise cancelled.";
    CorrectActivity => "更正", "Correct";
    CorrectActivityTitle => "更正催收记录", "Correct this activity";
    CorrectActivityHint =>
        "您登记的催收记录在登记后 24 小时内可以更正，更正内容会记入审计日志。",
        "You can correct an activity you logged for 24 hours after logging it; the change is kept in the audit log.";
    SaveActivityCorrection => "保存更正", "Save correction";
    ActivityCorrected => "催收记录已更正。", "Activity corrected.";
}

// Allocating a receipt.
texts! { Msg;
    AllocHint =>
        "已按到期日从早到晚预填核销金额，可按客户的付款说明逐张修改；未核销的余款作为该客户的预收款保留。",
        "Oldest due first is proposed; change what goes to each invoice as the customer asked. What is not applied stays with the customer as credit.";
    AllocNeedsAmount =>
        "选择客户并填写金额后，即可选择本笔收款核销的发票。",
        "Choose the customer and enter the amount to pick the invoices it pays.";
    AllocInvoiceColumn => "发票", "Invoice";
    AllocApplyColumn => "本次核销", "Apply";
    AllocApplyTo => "核销 {number}", "Apply to {number}";
    AllocPropose => "按到期日先后自动分配", "Propose oldest first";
    AllocTotal => "核销合计", "Allocated";
    AllocOverAmount => "核销合计超过收款金额。", "More is allocated than the amount received.";
}

// The dunning ladder's segments.
texts! { Msg;
    LadderSegments => "适用的客户分组", "Segments";
    LadderNoSegments => "暂无客户分组使用此催收阶梯。", "No segment follows this ladder.";
    LadderSegmentField => "客户分组", "Segment";
    LadderSegmentHint =>
        "该分组中没有单独指定催收阶梯的客户都按此阶梯催收；一个分组同一时间只使用一个阶梯。",
        "Every customer of this segment without a ladder of its own follows this ladder; a segment follows one ladder at a time.";
    LadderAssignSegment => "用于此分组", "Use for this segment";
    LadderSegmentRequired =>
        "请输入客户分组，与客户资料中的写法一致。",
        "Enter the segment, as it is written on the customers.";
    LadderSegmentAssigned => "该分组已改用此催收阶梯。", "The segment now follows this ladder.";
    RunScheduled => "定时执行", "Scheduled";
    RunManual => "手动执行", "Run by hand";
}

// The dashboard's KPIs.
texts! { Msg;
    KpiPeriod => "统计期间", "Period";
    KpiMonthToDate => "本月至今", "This month to date";
    KpiQuarterToDate => "本季度至今", "This quarter to date";
    KpiYearToDate => "本年至今", "This year to date";
    KpiCustomPeriod => "自定义日期", "Custom dates";
    KpiPeriodRange =>
        "{from} 至 {to}，对比前期 {pfrom} 至 {pto}",
        "{from} to {to}, compared with {pfrom} to {pto}";
    KpiPeriodMissing => "请选择统计期间的开始日期和结束日期。", "Choose the first and the last day of the period.";
    KpiPeriodReversed => "开始日期不能晚于结束日期。", "The first day must not be after the last day.";
    KpiPeriodTooLong => "统计期间最长为两年。", "A period can be at most two years long.";
    KpiCompanyCurrency => "本公司记账币种", "The company's currency";
    KpiAllSegments => "全部客户分类", "All segments";
    KpiAllCollectors => "全部催收员", "All collectors";
    KpiCollectorNow =>
        "以下数据按目前分配给该催收员的客户统计。系统不记录过往的客户调配：期间内调入或调出的客户，均按今天的分配计算。",
        "The figures are for the customers assigned to this collector now. Past reassignments are not tracked: a customer who moved to or from this collector during the period counts as assigned today.";
    KpiAgingAllCustomers =>
        "账龄为截至今日的全部客户数据，不受客户分类和催收员筛选影响。",
        "Aging as of today, for every customer: the segment and collector do not filter it.";
    KpiCountbackDso => "倒推法应收账款周转天数", "Countback DSO";
    KpiBestPossibleDso => "最佳应收账款周转天数", "Best possible DSO";
    KpiDaysDelinquent => "平均逾期天数", "Average days delinquent";
    KpiArTurnover => "应收账款周转率", "Receivables turnover";
    KpiCollectionPeriod => "平均收款期", "Average collection period";
    KpiBadDebtRatio => "坏账率", "Bad-debt ratio";
    KpiEndingAr => "期末应收余额", "Receivables at the period's end";
    KpiDaysValue => "{n} 天", "{n} days";
    KpiTimesValue => "{n} 次", "{n}×";
    KpiNoteNoSales => "不适用：本期没有赊销", "Not meaningful: no credit sales in this period";
    KpiNoteNegative => "不适用：分母为负数", "Not meaningful: the denominator is negative";
    KpiNoteNoReceivables =>
        "不适用：期初和期末均没有应收余额",
        "Not meaningful: nothing was owed at the start or the end of this period";
    KpiNoteNothingOwed =>
        "不适用：期末没有应收余额",
        "Not meaningful: nothing was owed at the end of this period";
    KpiNoteNothingDue =>
        "不适用：本期没有应收回的款项",
        "Not meaningful: nothing was there to collect in this period";
    KpiNoteNoPromises =>
        "不适用：本期没有到期的付款承诺",
        "Not meaningful: no promise to pay fell due in this period";
    KpiNoteNoSettled => "不适用：本期没有结清的发票", "Not meaningful: no invoice was paid off in this period";
    KpiTrendDso => "应收账款周转天数（天）", "DSO (days)";
    KpiTrendCei => "回款有效指数（%）", "CEI (%)";
    KpiDaysOverdue => "逾期 {n} 天", "{n} days overdue";
    KpiOneDayOverdue => "逾期 1 天", "1 day overdue";
}

// Collection scripts.
texts! { Msg;
    ScriptsTitle => "催收话术", "Collection scripts";
    ScriptsLead =>
        "每个催收步骤中，电话和上门拜访时要说的话，以及要发送的微信消息。催收员在任务和快速记录中看到的话术，会自动填入该客户的名称、逾期金额和逾期天数。",
        "What collectors say on a call or a visit, and the WeChat message they send, at each step of the ladder. Collectors see the script with the customer's figures filled in on their tasks and in the quick log.";
    ScriptLanguage => "话术语言", "Script language";
    ScriptLocaleZh => "中文", "Chinese";
    ScriptLocaleEn => "英文", "English";
    ScriptBody => "话术内容", "Script";
    ScriptPlaceCustomer => "客户名称", "the customer's name";
    ScriptPlaceCompany => "本公司名称", "your company's name";
    ScriptPlaceTotal => "逾期总额", "the overdue total";
    ScriptPlaceDays => "逾期天数", "days overdue";
    ScriptDefault => "系统默认话术", "Duely's default";
    ScriptEditedBy => "由 {name} 修改", "Edited by {name}";
    SaveScript => "保存话术", "Save script";
    ResetScript => "恢复默认", "Restore default";
    ScriptSaved => "话术已保存。", "Script saved.";
    ScriptRestored => "已恢复默认话术。", "Default script restored.";
    ScriptReadOnly =>
        "只有具备“管理催收流程”权限的成员可以修改话术。",
        "Only members who manage dunning can change scripts.";
    ScriptCallTitle => "通话话术", "Call script";
    ScriptVisitTitle => "拜访话术", "Visit script";
    ScriptWechatTitle => "微信话术", "WeChat message";
}

// The kinds of incentive rule (the performance page).
texts! { Msg;
    RulePercentAboveTarget => "超出目标部分的百分比", "% of collections above target";
    RulePercentOfCollected => "回款金额的百分比", "% of what is collected";
    RulePerKeptPromise => "每兑现一笔承诺的固定金额", "A fixed amount per kept promise";
}
