//! The texts of legal cases, dunning, the dashboard and reports, the account, tasks and
//! settings: a `texts!` table, each message with its Chinese text, then its English text.

use super::Msg;

texts! { Msg;
    NoLegalCases => "没有法务案件。", "No legal cases.";
    LegalNone => "已立案", "Opened";
    LegalLetterSent => "已发催告函", "Letter sent";
    LegalAgency => "委托催收机构", "With an agency";
    LegalLitigation => "诉讼中", "In litigation";
    LegalSettled => "已和解", "Settled";
    LegalWrittenOff => "已核销", "Written off";
    Agency => "催收机构", "Agency";
    Lawyer => "律师", "Lawyer";
    Costs => "费用", "Costs";
    OpenedOn => "立案日期", "Opened on";
    MoveTo => "推进到", "Move to";
    UpdateCase => "更新案件", "Update case";
    CaseUpdated => "案件已更新。", "Case updated.";
    EvidencePack => "下载证据包", "Download evidence pack";
    EscalateToLegal => "转法务", "Escalate to legal";
    Escalated => "已转入法务。", "Escalated to legal.";
    RunHistory => "执行记录", "Run history";
    RunNow => "立即执行", "Run now";
    RunFinished => "催收流程已执行。", "Dunning run finished.";
    NoRuns => "还没有执行记录。", "No runs yet.";
    RunDate => "日期", "Date";
    Trigger => "方式", "Trigger";
    Emails => "邮件", "Emails";
    Tasks => "任务", "Tasks";
    Fees => "滞纳金", "Fees";
    Holds => "暂停赊销", "Holds";
    Releases => "解除暂停", "Releases";
    LegalCount => "法务", "Legal";
    PausedCount => "暂停", "Paused";
    Failures => "失败", "Failures";
    CustomersCount => "客户", "Customers";
    Templates => "邮件模板", "Email templates";
    Step => "步骤", "Step";
    LanguageOfEmail => "语言", "Language";
    Subject => "主题", "Subject";
    Body => "正文", "Body";
    Variables => "可用变量", "Variables";
    SaveTemplate => "保存模板", "Save template";
    ResetTemplate => "恢复默认", "Reset to default";
    TemplateSaved => "模板已保存。", "Template saved.";
    LivePreview => "实时预览", "Live preview";
    DefaultText => "默认文本", "Default text";
    FeeRuleLabel => "滞纳金规则", "Late fee rule";
    NoFeeRule => "不收取滞纳金", "No late fees";
    LateFees => "滞纳金与利息", "Late fees and interest";
    Waive => "减免", "Waive";
    WaiveReason => "减免原因", "Reason for waiving";
    FeeWaived => "已减免。", "Fee waived.";
    Waived => "已减免", "Waived";
    FeeFor => "滞纳金所属发票", "Fee on invoice";
    KindActivity => "催收活动", "Collection activity";
    KindLegalCase => "转入法务", "Legal case opened";
    RiskGradeLabel => "风险等级", "Risk grade";
    AnyGrade => "全部等级", "Any grade";
    NavDashboard => "仪表盘", "Dashboard";
    NavAging => "账龄", "Aging";
    NavPerformance => "业绩", "Performance";
    DashboardTitle => "应收仪表盘", "Receivables dashboard";
    DashboardLead =>
        "所选期间的各项指标，与紧邻其前、同样长度的期间对比。",
        "Every KPI for the period you choose, against the period of the same length just before it.";
    KpiDso => "应收账款周转天数", "Days sales outstanding (DSO)";
    KpiCei => "回款有效指数", "Collection effectiveness (CEI)";
    KpiOver90 => "逾期 90 天以上占比", "Share over 90 days";
    KpiPromiseKept => "承诺兑现率", "Promise-kept rate";
    KpiCollected => "回款金额", "Collected";
    KpiDaysToPay => "平均付款天数", "Average days to pay";
    Previous => "前期", "Previous";
    AgingByBucket => "账龄分布", "Aging by bucket";
    DsoCeiTrend => "应收账款周转天数与回款有效指数月度趋势", "DSO and CEI by month";
    TopOverdue => "逾期金额最高的客户", "Top overdue customers";
    OpenAlerts => "未处理的风险提醒", "Open risk alerts";
    MyWorklistCount => "我的工作台待跟进客户", "Customers on my worklist";
    ShowTable => "以表格查看", "Show as a table";
    Month => "月份", "Month";
    TotalLabel => "合计", "Total";
    AgingTitle => "账龄报告", "Aging report";
    AgingLead =>
        "任意日期的精确账龄：只计当日已开具的发票和已收到的款项。点击金额查看明细。",
        "Exact aging as of any date: only what was issued and paid by then. Select an amount to see its invoices.";
    AsOf => "截至日期", "As of";
    GroupBy => "分组", "Group by";
    GroupNone => "不分组", "No grouping";
    GroupCustomer => "客户", "Customer";
    GroupCollector => "催收员", "Collector";
    GroupSegment => "客户分类", "Segment";
    Basis => "计算依据", "Basis";
    BasisDue => "到期日", "Due date";
    BasisInvoice => "开票日", "Invoice date";
    DrillDown => "明细", "Invoices";
    CreditRatingTitle => "信用评级", "Credit rating";
    Score => "评分", "Score";
    ComputedGrade => "计算等级", "Computed grade";
    RatingHistory => "评级历史", "Rating history";
    Grade => "等级", "Grade";
    RecommendedLimit => "建议信用额度", "Recommended credit limit";
    RecommendedTerms => "建议账期（天）", "Recommended terms (days)";
    Factor => "因素", "Factor";
    Points => "得分", "Points";
    Overridden => "人工调整", "Overridden";
    OverrideGrade => "调整等级", "Override grade";
    OverrideSaved => "评级已调整。", "Rating overridden.";
    PerformanceTitle => "催收业绩", "Collector performance";
    PerformanceLead =>
        "回款归属于付款前最近一次联系客户的催收员（归属期内）。",
        "A payment counts for the collector who last contacted the customer within the attribution window.";
    Rank => "排名", "Rank";
    Activities => "活动", "Activities";
    PromisesObtained => "获得承诺", "Promises";
    Target => "目标", "Target";
    Attainment => "完成率", "Attainment";
    PortfolioCei => "名下客户回款有效指数", "Portfolio CEI";
    AnalyticsSettingsTitle => "分析设置", "Analytics settings";
    BucketEdgesLabel => "账龄分段（天，逗号分隔）", "Aging bucket edges (days, comma-separated)";
    AttributionDaysLabel => "回款归属天数", "Days a contact earns a payment";
    LargeInvoiceLabel => "大额发票逾期预警金额", "Alert when an invoice this large is overdue";
    DailyDigestLabel => "每天用邮件发送新的风险预警", "Email a daily digest of new risk alerts";
    SettingsSaved => "设置已保存。", "Settings saved.";
    DaysToCollect => "平均回款天数", "Days to collect";
    PortfolioOverdue => "名下逾期 (期初 → 期末)", "Portfolio overdue (start → end)";
    Incentive => "奖励", "Incentive";
    SetTarget => "设置目标", "Set target";
    TargetSaved => "目标已保存。", "Target saved.";
    IncentiveRules => "奖励规则", "Incentive rules";
    RuleSaved => "规则已保存。", "Rule saved.";
    RuleKind => "规则类型", "Kind";
    Rate => "比例 (%)", "Rate (%)";
    SaveRule => "保存规则", "Save rule";
    ForgotPasswordLink => "忘记密码？", "Forgot password?";
    ForgotPasswordTitle => "找回密码", "Reset your password";
    ForgotPasswordLead =>
        "输入您账户的邮箱，我们会发送一个重设密码的链接。",
        "Enter your account's email and we will send you a link to set a new password.";
    SendResetLink => "发送重设链接", "Send reset link";
    ResetLinkSent =>
        "如果该邮箱有 Duely 账户，我们已向它发送重设密码的链接，链接一小时内有效。",
        "If an account exists for that email, we have sent it a link to reset the password. The link is valid for one hour.";
    BackToSignIn => "返回登录", "Back to sign in";
    ResetPasswordTitle => "设置新密码", "Set a new password";
    ResetPasswordLead =>
        "为您的账户设置一个新密码，设置后将直接登录。",
        "Choose a new password for your account; you will be signed in.";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    ConfirmNewPassword => "再次输入新密码", "Repeat the new password";
    PasswordsDiffer => "两次输入的密码不一致。", "The two passwords do not match.";
    SaveNewPassword => "保存新密码", "Save new password";
    ResetLinkInvalid =>
        "该链接已使用或已过期，请重新申请重设密码。",
        "This link has been used or has expired; request a new one.";
    RequestNewLink => "重新申请重设链接", "Request a new link";
    PasswordResetDone => "密码已重设，您已登录。", "Your password has been reset and you are signed in.";
    VerifyEmailTitle => "验证邮箱", "Verify your email";
    VerifyingEmail => "正在验证邮箱…", "Verifying your email…";
    EmailVerifiedDone => "邮箱已验证，谢谢！", "Your email address is verified. Thank you!";
    VerifyLinkInvalid =>
        "该验证链接已使用或已过期。登录后可在“我的账户”中重新发送验证邮件。",
        "This verification link has been used or has expired. Sign in and send a new one from your account.";
    NavAccount => "我的账户", "Account";
    AccountTitle => "我的账户", "Your account";
    AccountLead => "您的登录邮箱和密码。", "Your sign-in email and password.";
    EmailStatusVerified => "已验证", "Verified";
    EmailStatusUnverified => "未验证", "Not verified";
    ChangePassword => "修改密码", "Change password";
    ChangePasswordLead =>
        "修改密码后，您在其他设备上的登录都会退出。",
        "Changing your password signs you out on every other device.";
    PasswordChanged =>
        "密码已修改，其他设备上的登录已退出。",
        "Password changed; your other devices have been signed out.";
    WrongCurrentPassword => "当前密码不正确。", "The current password is not right.";
    VerifyBanner =>
        "请验证您的邮箱地址：在所有者的邮箱验证之前，不会向您的客户发送任何邮件。",
        "Verify your email address: until the owner's address is verified, no email goes to your customers.";
    ResendVerification => "重新发送验证邮件", "Resend email";
    VerificationEmailSent => "验证邮件已发送，请查收。", "Verification email sent; check your inbox.";
    EmailAlreadyVerified => "您的邮箱已经验证过了。", "Your email address is already verified.";
    NavSettings => "设置", "Settings";
    SettingsTitle => "公司设置", "Company settings";
    SettingsLead =>
        "信用政策、催收、报表、编号与公司信息。保存时整体校验，出错的项会标出原因。",
        "Credit policy, collections, reports, numbering and the company. A save is checked whole; a field that is refused says why.";
    SettingsCreditGroup => "信用政策", "Credit policy";
    OverLimitPolicyLabel => "开票超出信用额度时", "When an invoice exceeds the credit limit";
    OverLimitBlock =>
        "拒绝开具（可由有权限者强制开具）",
        "Refuse it (someone with the override permission can still issue it)";
    OverLimitWarn => "照常开具并标记警告", "Issue it with a warning flag";
    HoldOverLimitLabel =>
        "每日检查：超额客户自动冻结信用",
        "Daily run: put customers over their limit on credit hold";
    AutoReleaseHoldsLabel => "原因消除后自动解除冻结", "Release holds automatically once the cause clears";
    SettingsCollectionsGroup => "催收", "Collections";
    DunningRunHourLabel =>
        "每日催收执行时间（0–23 点，公司时区）",
        "Hour of the daily dunning run (0–23, company time zone)";
    PromiseGraceDaysLabel => "付款承诺宽限天数（0–30）", "Grace days for a promise to pay (0–30)";
    SettingsReportsGroup => "报表与预警", "Reports and alerts";
    SettingsNumberingGroup => "单据编号", "Numbering";
    InvoicePrefixLabel => "发票编号前缀", "Invoice number prefix";
    CreditNotePrefixLabel => "贷项通知单编号前缀", "Credit note number prefix";
    SettingsCompanyGroup => "公司信息", "Company";
    CompanyLocaleLabel => "公司默认语言", "Company language";
    ProfileTitle => "个人资料", "Your profile";
    ProfileLocaleLabel => "邮件与通知语言", "Language of emails and notifications";
    ProfileSaved => "个人资料已保存。", "Profile saved.";
    TaskReview => "复核", "Review";
    NavGroupToday => "今日", "Today";
    NavGroupReceivables => "应收", "Receivables";
    NavGroupCollections => "催收", "Collections";
    NavGroupReports => "报表", "Reports";
    NavGroupSettings => "设置", "Settings";
    NavTasks => "任务", "Tasks";
    NavDisputes => "争议", "Disputes";
    NavMenu => "菜单", "Menu";
    GlobalSearchLabel => "搜索客户和发票", "Search customers and invoices";
    GlobalSearchPlaceholder => "客户名称、编码或发票号", "Customer, code or invoice no.";
    GlobalSearchNoMatches => "没有匹配的结果", "No matches";
    GlobalSearchSearching => "正在搜索…", "Searching…";
    GlobalSearchInvoice => "发票", "Invoice";
    InvoicesDisputedFilter => "有未解决的争议", "With an open dispute";
    GlobalSearchResults => "搜索结果", "Search results";
    WorkShow => "显示", "Show";
    WorkScopeDefault => "我的（无分配时显示全部）", "Mine, or everyone's when I have none";
    WorkScopeMine => "我的", "Mine";
    WorkScopeAll => "全部", "All";
    WorkScopeUnassigned => "未分配", "Unassigned";
    WorkCollector => "催收专员", "Collector";
    WorkAnyCollector => "不限催收专员", "Any collector";
    TasksLead =>
        "所有待打的电话、待上门的拜访和待发的消息：来自催收流程、未兑现的付款承诺，或手动安排。",
        "Every call, visit and message to make: from the dunning ladder, broken promises, or scheduled by hand.";
    TaskKindLabel => "类型", "Kind";
    TaskKindCall => "电话", "Call";
    TaskKindVisit => "拜访", "Visit";
    TaskColumnTask => "任务", "Task";
    TaskAssignee => "负责人", "Assignee";
    TaskAnyAssignee => "不限", "Anyone";
    TaskSource => "来源", "Source";
    TaskSourceDunning => "催收流程", "Dunning ladder";
    TaskSourcePromise => "付款承诺", "Promise to pay";
    TaskSourceManual => "手动安排", "Scheduled by hand";
    TaskStatusOpen => "待办", "Open";
    TaskStatusDone => "已完成", "Done";
    TaskStatusCancelled => "已取消", "Cancelled";
    TaskDueBy => "截止日期", "Due by";
    TaskDueOnLabel => "到期日", "Due on";
    TaskDone => "完成", "Done";
    TaskDoneTitle => "完成任务并记录跟进结果", "Complete the task and log what happened";
    TaskReassign => "改派", "Reassign";
    TaskReassignTitle => "改派任务", "Reassign the task";
    TaskReassigned => "任务已改派。", "Task reassigned.";
    TaskCancelTitle => "取消任务", "Cancel the task";
    TaskCancelled => "任务已取消。", "Task cancelled.";
    TaskScheduleButton => "安排拜访或回电", "Schedule a visit or call back";
    TaskSchedule => "安排", "Schedule";
    TaskScheduled => "任务已安排。", "Task scheduled.";
    TaskCustomersCollector => "该客户的催收专员", "The customer's collector";
    TaskScheduleFollowUp => "同时安排跟进任务", "Schedule a follow-up task";
    NoTasks => "没有任务。", "No tasks here.";
    AllTasksLink => "全部任务", "All tasks";
    CustomerCollectorLabel => "催收专员", "Collector";
    CustomerSalespersonLabel => "销售负责人", "Salesperson";
    CustomerAssignNobody => "未分配", "Nobody";
    CustomerUnassigned => "未分配", "Unassigned";
    CustomerAssignKeep => "保持不变", "Keep";
    CustomerAssignClear => "取消分配", "Nobody";
    SelectCustomer => "选择", "Select";
    CustomerSelectAllOnPage => "全选本页", "Select all on this page";
    CustomerSelectedCount => "已选 {n} 个", "{n} selected";
    CustomerAssignAction => "分配", "Assign";
    CustomersAssigned => "已为 {n} 个客户分配", "Assigned {n} customers";
    CustomerAssignedOne => "已为 1 个客户分配", "Assigned 1 customer";
    CustomerChooseAssignee =>
        "请选择要分配的催收专员或销售负责人。",
        "Choose a collector or a salesperson to assign.";
    CustomerClearSelection => "取消选择", "Clear selection";
    CustomerBulkAssignTitle => "分配所选客户", "Assign the selected customers";
    CustomerCollectedByFilter => "催收人员", "Collected by";
    CustomerAnyCollector => "全部", "Anyone";
    EditCustomer => "编辑客户", "Edit customer";
    CustomerUpdated => "客户资料已保存。", "Customer saved.";
    CustomerSegmentLabel => "客户分类", "Segment";
    CustomerNotesLabel => "备注", "Notes";
    CustomerLocaleLabel => "邮件与对账单语言", "Language of its emails and statements";
    CustomerLocaleCompany => "公司默认语言", "The company's language";
    CustomerTimeZoneLabel => "时区", "Time zone";
    CustomerTimeZoneHint =>
        "短信和微信消息按此时区避开夜间；留空则用公司时区",
        "SMS and WeChat messages keep quiet hours in it; empty: the company's (such as Asia/Shanghai)";
    CustomerMessagingOptOut => "拒收短信和微信消息", "Refuses SMS and WeChat messages";
    CustomerImportAssignHint =>
        "collector_email 和 salesperson_email 填写团队成员的登录邮箱，系统按邮箱匹配成员：催收专员须是负责催收的成员，销售负责人须是负责销售的成员。",
        "collector_email and salesperson_email are matched to team members by the email address they sign in with: the collector must be someone who works collections, the salesperson someone who sells.";
    CustomerImportAssignEmpty => "留空则不分配。", "Leave them empty to assign no one.";
    SettingsHintOverLimitPolicy =>
        "默认为“拒绝开具”：开具后客户的未结发票将超出信用额度，或客户处于信用冻结状态时，系统拒绝开具；有强制开具权限的人员仍可开具，该发票会被标记并记入审计日志。选择“照常开具并标记警告”时，发票照常开具，并标记为信用政策例外。只有与客户币种相同的未结发票计入其信用额度。",
        "“Refuse it” (the default) stops an invoice that would take the customer over its credit limit, or that is for a customer on credit hold; someone with the override permission can still issue it, flagged and recorded in the audit log. “Issue it with a warning flag” lets the invoice go out, marked as a credit policy exception. Only open invoices in the customer's currency count against its limit.";
    SettingsHintHoldOverLimit =>
        "勾选后，每日检查会冻结未结发票超出信用额度的客户；之后为冻结客户开具新发票时，按上面的信用政策处理。默认不勾选。",
        "When ticked, the daily run puts each customer whose open invoices exceed its credit limit on credit hold; a new invoice for a customer on hold then follows the policy above. Default: off.";
    SettingsHintAutoReleaseHolds =>
        "勾选后，每日检查会自动解除冻结：由催收流程触发的冻结，在客户不再有逾期款项时解除；因超出额度触发的冻结，在未结余额回落到额度以内时解除。手动设置的冻结须人工解除。默认勾选。",
        "When ticked, the daily run lifts a hold placed by the dunning ladder once nothing is overdue, and a hold placed for going over the limit once the balance is back under it. Holds put on by hand stay until someone releases them. Default: on.";
    SettingsHintDunningRunHour =>
        "每天在这个整点执行催收：发送催款提醒，并生成到期的电话和拜访任务。填 0 到 23 的整数，按公司时区计。默认 8 点。",
        "The hour of the company's day at which the daily run sends the dunning reminders and creates the calls and visits due. A whole hour from 0 to 23, in the company's time zone. Default: 8.";
    SettingsHintPromiseGraceDays =>
        "客户在承诺付款日之后这么多天内付款，仍算履约；超过则视为违约。可填 0 到 30 天，默认 3 天。",
        "A payment that arrives up to this many days after the promised date still keeps the promise; later, the promise counts as broken. 0 to 30 days. Default: 3.";
    SettingsHintBucketEdges =>
        "填写三个依次递增的逾期天数（最多 3650），作为前三个账龄段的上限。默认 30, 60, 90，即逾期 1–30 天、31–60 天、61–90 天和 90 天以上。",
        "Three numbers of days overdue, each larger than the one before (at most 3650), that end the first three aging buckets. The default 30, 60, 90 gives 1–30, 31–60, 61–90 and over 90 days overdue.";
    SettingsHintAttributionDays =>
        "一笔回款计入到账前这么多天内跟进过该客户（电话、拜访、消息或付款承诺）的催收专员名下。可填 1 到 90 天，默认 14 天。",
        "A payment counts for the collector whose call, visit, message or promise to pay came at most this many days before it. 1 to 90 days. Default: 14.";
    SettingsHintLargeInvoice =>
        "逾期发票的未付余额达到该金额（按发票本身的币种计）时，系统发出风险预警。须大于零，默认 100000。",
        "An overdue invoice whose balance is at least this amount, in the invoice's own currency, raises a risk alert. Above zero. Default: 100000.";
    SettingsHintDailyDigest =>
        "勾选后，每位负责催收的成员每天收到一封邮件，汇总新增的风险预警。默认不勾选。",
        "When ticked, everyone who works collections gets an email each day listing the new risk alerts. Default: off.";
    SettingsHintInvoicePrefix =>
        "加在此后开具的每张发票的流水号之前：填 INV- 得到 INV-000042。已开具发票的编号不变。最多 12 个字符，可用字母、数字及 - / _ . ，默认 INV-。",
        "Put before the sequence number of each invoice issued from now on: INV- gives INV-000042. Numbers already given do not change. Up to 12 letters, digits, -, /, _ or .; default INV-.";
    SettingsHintCreditNotePrefix =>
        "加在此后每张贷项通知单的流水号之前，规则与发票编号前缀相同。默认 CN-。",
        "Put before the sequence number of each new credit note, with the same rules as the invoice prefix. Default: CN-.";
    SettingsHintTimeZone =>
        "公司按此时区划分日期：发票何时到期、何时算逾期，以及每日催收的执行时间。填写“地区/城市”格式的时区名称，如 Asia/Shanghai（默认）或 Europe/Berlin，也可填 UTC。",
        "The time zone whose calendar dates the company's days: when invoices fall due and become overdue, and the hour of the dunning run. A Region/City name such as Asia/Shanghai (the default) or Europe/Berlin, or UTC.";
    SettingsHintCompanyLocale =>
        "未设定语言的客户和联系人，收到的邮件、对账单和催款提醒使用此语言。默认简体中文。",
        "The language of emails, statements and reminders for customers and contacts who have no language of their own. Default: Simplified Chinese (简体中文).";
    SettingsHintBaseCurrency =>
        "新建客户默认使用此币种，报表也以此币种显示，另有设定的除外。填写三位 ISO 币种代码，如 CNY（默认）、USD、EUR。",
        "The currency new customers start with and reports are shown in, unless they say otherwise. A three-letter ISO code such as CNY (the default), USD or EUR.";
    SettingsAuditNote =>
        "每次保存的修改都会记入审计日志，包括修改人以及修改前后的值。",
        "Each saved change is recorded in the audit log: who made it, and the values before and after.";
    SettingsAuditLink => "查看审计日志", "See the audit log";
}
