//! The Chinese text of the disputes queue's, the contacts editor's and the money screens' messages.

use super::msg_more::{ContactMsg, DisputeMsg, MoneyMsg};

pub(super) fn dispute(msg: DisputeMsg) -> &'static str {
    use DisputeMsg::*;
    match msg {
        DisputesLead => {
            "按负责人、争议原因和持续天数查看未解决的争议，并附客户原话。为每项争议指定负责人和处理期限，处理完毕后填写可发送给客户的处理说明。"
        }
        DisputeStatusOpen => "未解决",
        DisputeStatusResolved => "已解决",
        DisputeStatusRejected => "已驳回",
        DisputeOwner => "负责人",
        DisputeAnyOwner => "全部负责人",
        DisputeNoOwner => "未分配",
        DisputeReasonLabel => "争议原因",
        DisputeReasonPrice => "价格",
        DisputeReasonQuantity => "数量",
        DisputeReasonQuality => "质量",
        DisputeReasonNotReceived => "未收到货",
        DisputeReasonDuplicate => "重复开票",
        DisputeReasonAlreadyPaid => "已付款",
        DisputeReasonTerms => "账期条款",
        DisputeReasonOther => "其他",
        DisputeInvoiceColumn => "发票",
        DisputeNoteColumn => "争议说明",
        DisputeCustomerWords => "客户原话",
        DisputeDueOn => "处理期限",
        DisputeDueOnHint => "可选今天起一年内的日期；留空表示不设期限。",
        DisputeAge => "已持续",
        DisputeAgeDays => "{n} 天",
        DisputeAgeOneDay => "1 天",
        DisputeResolution => "处理说明",
        DisputeAssign => "分配",
        DisputeAssignTitle => "分配争议",
        DisputeUpdated => "争议已更新。",
        DisputeResolveTitle => "处理争议",
        DisputeOutcome => "处理结果",
        DisputeOutcomeResolved => "已解决：认可客户的异议",
        DisputeOutcomeRejected => "驳回：发票按原样有效",
        DisputeResolutionNote => "处理说明（可发送给客户）",
        DisputeResolutionNoteHint => "请以对客户的口吻填写：处理结论及后续安排。",
        DisputeNoteRequired => "请填写处理说明。",
        DisputeResolvedToast => "争议已解决。",
        DisputeRejectedToast => "争议已驳回。",
        DisputeOpenedByLabel => "登记人",
    }
}

pub(super) fn contact(msg: ContactMsg) -> &'static str {
    use ContactMsg::*;
    match msg {
        ContactsBillingHint => {
            "发票、对账单和催收通知发给勾选了接收的联系人；都未勾选时，发给第一位留有邮箱的联系人。"
        }
        ContactLegend => "联系人",
        ContactPersonName => "姓名",
        ContactRole => "职务",
        ContactPhone => "电话",
        ContactMobile => "手机",
        ContactWechatId => "微信号",
        ContactWecomId => "企业微信外部联系人编号",
        ContactPreferredChannel => "首选联系方式",
        ContactNoChannel => "无偏好",
        ContactLocale => "沟通语言",
        ContactLocaleCustomer => "与客户一致",
        ContactBilling => "接收发票、对账单和催收通知",
        ContactBillingBadge => "接收账单",
        AddContact => "添加联系人",
        RemoveContact => "删除联系人",
        NoContacts => "暂无联系人。",
        CustomerTagsLabel => "标签",
        CustomerTagsHint => "多个标签用逗号分隔",
        ArchiveCustomer => "归档",
        ArchiveCustomerTitle => "归档客户",
        ArchiveCustomerConfirm => {
            "归档后，该客户不再显示在客户列表中，也不能再开具新发票；历史记录会保留，可随时恢复。"
        }
        CustomerArchivedBadge => "已归档",
        RestoreCustomer => "恢复",
        CustomerArchivedDone => "客户已归档。",
        CustomerRestored => "客户已恢复。",
    }
}

pub(super) fn money(msg: MoneyMsg) -> &'static str {
    use MoneyMsg::*;
    match msg {
        ImportPayments => "收款",
        PaymentImportGroupHint => {
            "每行对应一笔收款核销的一张发票：同一笔收款的各行使用相同的 external_id（该收款在原系统中的编号），且客户、收款日期、金额、币种、收款方式和参考号须一致。"
        }
        PaymentImportOnceHint => {
            "external_id 此前已导入的收款会被跳过，因此重复导入同一文件不会重复入账。"
        }
        PaymentImportAllocateHint => {
            "invoice_number 与 allocated_amount 须同时填写或同时留空：填写时将该金额核销到该客户的这张发票；留空时按到期先后优先核销该客户最早到期的发票，余款作为该客户的未核销预收款保留。"
        }
        ImportSkippedCount => "已跳过 {n} 笔（此前已导入）",
        Installments => "分期付款",
        NoInstallmentPlan => "未设置分期：全部余额于到期日一次性到期。",
        InstallmentNumber => "期次",
        EditInstallments => "编辑分期",
        AddInstallment => "添加一期",
        SplitEvenly => "平均分配",
        RemoveInstallments => "取消分期",
        InstallmentsHint => {
            "请设置 2 至 60 期，各期金额合计须等于发票总额；每期到期日不得早于开票日期，且须晚于上一期。设置后，账龄和催收提醒按各期自己的到期日计算，收到的款项按期次顺序依次抵付。"
        }
        InstallmentsAddUpTo => "各期合计",
        InstallmentDueDateRequired => "请选择该期的到期日。",
        InstallmentsSaved => "分期计划已保存。",
        InstallmentsRemoved => "分期计划已取消。",
    }
}

#[rustfmt::skip]
pub(super) fn promise(msg: super::msg_more::PromiseMsg) -> &'static str {
    use super::msg_more::PromiseMsg::*;
    match msg {
        CancelPromise => "取消",
        CancelPromiseTitle => "取消付款承诺",
        CancelPromiseLead => "客户撤回或误登记的付款承诺可以取消，取消后不再判定为已兑现或已违约。",
        CancelPromiseReason => "原因（选填）",
        CancelPromiseNoReason => "取消时未填写原因",
        ConfirmCancelPromise => "确认取消承诺",
        PromiseCancelledToast => "付款承诺已取消。",
        CorrectActivity => "更正",
        CorrectActivityTitle => "更正催收记录",
        CorrectActivityHint => "您登记的催收记录在登记后 24 小时内可以更正，更正内容会记入审计日志。",
        SaveActivityCorrection => "保存更正",
        ActivityCorrected => "催收记录已更正。",
    }
}

pub(super) fn alloc(msg: super::msg_more::AllocMsg) -> &'static str {
    use super::msg_more::AllocMsg::*;
    match msg {
        AllocHint => {
            "已按到期日从早到晚预填核销金额，可按客户的付款说明逐张修改；未核销的余款作为该客户的预收款保留。"
        }
        AllocNeedsAmount => "选择客户并填写金额后，即可选择本笔收款核销的发票。",
        AllocInvoiceColumn => "发票",
        AllocApplyColumn => "本次核销",
        AllocApplyTo => "核销 {number}",
        AllocPropose => "按到期日先后自动分配",
        AllocTotal => "核销合计",
        AllocOverAmount => "核销合计超过收款金额。",
    }
}

pub(super) fn ladder(msg: super::msg_more::LadderMsg) -> &'static str {
    use super::msg_more::LadderMsg::*;
    match msg {
        LadderSegments => "适用的客户分组",
        LadderNoSegments => "暂无客户分组使用此催收阶梯。",
        LadderSegmentField => "客户分组",
        LadderSegmentHint => {
            "该分组中没有单独指定催收阶梯的客户都按此阶梯催收；一个分组同一时间只使用一个阶梯。"
        }
        LadderAssignSegment => "用于此分组",
        LadderSegmentRequired => "请输入客户分组，与客户资料中的写法一致。",
        LadderSegmentAssigned => "该分组已改用此催收阶梯。",
        RunScheduled => "定时执行",
        RunManual => "手动执行",
    }
}

pub(super) fn kpi(msg: super::msg_more::KpiMsg) -> &'static str {
    use super::msg_more::KpiMsg::*;
    match msg {
        KpiPeriod => "统计期间",
        KpiMonthToDate => "本月至今",
        KpiQuarterToDate => "本季度至今",
        KpiYearToDate => "本年至今",
        KpiCustomPeriod => "自定义日期",
        KpiPeriodRange => "{from} 至 {to}，对比前期 {pfrom} 至 {pto}",
        KpiPeriodMissing => "请选择统计期间的开始日期和结束日期。",
        KpiPeriodReversed => "开始日期不能晚于结束日期。",
        KpiPeriodTooLong => "统计期间最长为两年。",
        KpiCompanyCurrency => "本公司记账币种",
        KpiAllSegments => "全部客户分类",
        KpiAllCollectors => "全部催收员",
        KpiCollectorNow => {
            "以下数据按目前分配给该催收员的客户统计。系统不记录过往的客户调配：期间内调入或调出的客户，均按今天的分配计算。"
        }
        KpiAgingAllCustomers => "账龄为截至今日的全部客户数据，不受客户分类和催收员筛选影响。",
        KpiCountbackDso => "倒推法应收账款周转天数",
        KpiBestPossibleDso => "最佳应收账款周转天数",
        KpiDaysDelinquent => "平均逾期天数",
        KpiArTurnover => "应收账款周转率",
        KpiCollectionPeriod => "平均收款期",
        KpiBadDebtRatio => "坏账率",
        KpiEndingAr => "期末应收余额",
        KpiDaysValue => "{n} 天",
        KpiTimesValue => "{n} 次",
        KpiNoteNoSales => "不适用：本期没有赊销",
        KpiNoteNegative => "不适用：分母为负数",
        KpiNoteNoReceivables => "不适用：期初和期末均没有应收余额",
        KpiNoteNothingOwed => "不适用：期末没有应收余额",
        KpiNoteNothingDue => "不适用：本期没有应收回的款项",
        KpiNoteNoPromises => "不适用：本期没有到期的付款承诺",
        KpiNoteNoSettled => "不适用：本期没有结清的发票",
        KpiTrendDso => "应收账款周转天数（天）",
        KpiTrendCei => "回款有效指数（%）",
        KpiDaysOverdue => "逾期 {n} 天",
        KpiOneDayOverdue => "逾期 1 天",
    }
}

#[rustfmt::skip]
pub(super) fn script(msg: super::msg_more::ScriptMsg) -> &'static str {
    use super::msg_more::ScriptMsg::*;
    match msg {
        ScriptsTitle => "催收话术",
        ScriptsLead => "每个催收步骤中，电话和上门拜访时要说的话，以及要发送的微信消息。催收员在任务和快速记录中看到的话术，会自动填入该客户的名称、逾期金额和逾期天数。",
        ScriptLanguage => "话术语言",
        ScriptLocaleZh => "中文",
        ScriptLocaleEn => "英文",
        ScriptBody => "话术内容",
        ScriptPlaceCustomer => "客户名称",
        ScriptPlaceCompany => "本公司名称",
        ScriptPlaceTotal => "逾期总额",
        ScriptPlaceDays => "逾期天数",
        ScriptDefault => "系统默认话术",
        ScriptEditedBy => "由 {name} 修改",
        SaveScript => "保存话术",
        ResetScript => "恢复默认",
        ScriptSaved => "话术已保存。",
        ScriptRestored => "已恢复默认话术。",
        ScriptReadOnly => "只有具备“管理催收流程”权限的成员可以修改话术。",
        ScriptCallTitle => "通话话术",
        ScriptVisitTitle => "拜访话术",
        ScriptWechatTitle => "微信话术",
    }
}

pub(super) fn incentive(msg: super::msg_more::IncentiveMsg) -> &'static str {
    use super::msg_more::IncentiveMsg::*;
    match msg {
        RulePercentAboveTarget => "超出目标部分的百分比",
        RulePercentOfCollected => "回款金额的百分比",
        RulePerKeptPromise => "每兑现一笔承诺的固定金额",
    }
}
