//! Cash application's texts (the unapplied-cash queue, bank accounts, statement imports), as
//! `CashMsg::Name`, each with its Chinese text, then its English text.

/// The texts of this area, as `CashMsg::Name` (each a [`super::Msg`]).
pub struct CashMsg;

texts! { CashMsg;
    NavCash => "收款核销", "Cash application";
    Title => "收款核销", "Cash application";
    Lead =>
        "导入银行对账单，把每笔到账核销到对应的发票。匹配确定的流水可按公司设置自动核销；其余流水连同最佳建议及理由在此等待处理。",
        "Bring in what the bank says was received, and apply each receipt to the invoices it pays. Lines that match surely apply themselves when the company allows it; the rest wait here with their best suggestions and why.";
    Account => "银行账户", "Bank account";
    NoAccounts =>
        "还没有银行账户：请先添加客户付款的收款账户。",
        "No bank account yet: add the account your customers pay into.";
    AddAccount => "添加银行账户", "Add bank account";
    AccountName => "名称", "Name";
    BankName => "开户行", "Bank";
    AccountNumber => "账号", "Account number";
    SaveAccount => "保存账户", "Save account";
    AccountSaved => "银行账户已保存。", "Bank account saved.";
    Mapping => "列映射", "Column mapping";
    MappingLead =>
        "说明如何读取该账户导出的 CSV 和 Excel 文件：每一项填写列的表头（如“交易日期”）或列字母（如 A）。金额列可填带正负号的金额，或分别填写借方和贷方。camt.053 和 MT940 文件无需映射。",
        "How this account's CSV and Excel exports are read: each field names a column by its header (交易日期) or its letter (A). Give a signed amount, or debit and credit. camt.053 and MT940 files need no mapping.";
    MappingEncoding => "编码（UTF-8、GBK）", "Encoding (UTF-8, GBK)";
    MappingHeaderRow => "表头行号（留空自动识别）", "Header row (empty: found)";
    MappingDateFormat => "日期格式（留空自动识别）", "Date format (empty: the usual ones)";
    MappingDate => "日期列", "Date column";
    MappingAmount => "金额列（带正负号）", "Amount column (signed)";
    MappingDebit => "借方列（付出）", "Debit column (money out)";
    MappingCredit => "贷方列（收入）", "Credit column (money in)";
    MappingPayerName => "对方户名列", "Payer name column";
    MappingPayerAccount => "对方账号列", "Payer account column";
    MappingRemark => "附言列", "Remark column (附言)";
    MappingReference => "参考号列", "Reference column";
    MappingBalance => "余额列", "Balance column";
    MappingSaved => "列映射已保存。", "Column mapping saved.";
    Upload => "导入对账单", "Import statement";
    UploadHint =>
        "支持 CSV、Excel（XLS/XLSX）、camt.053 和 MT940，最大 20 MiB。重复导入同一文件或期间重叠时，只新增未导入过的流水。",
        "CSV, Excel (XLS or XLSX), camt.053 or MT940, at most 20 MiB. Importing a file again, or an overlapping period, adds only new lines.";
    ImportedLines => "文件中的流水", "Lines in the file";
    AddedLines => "新增", "New";
    PresentLines => "已存在", "Already present";
    Matching => "正在匹配流水", "Matching lines";
    MatchingDone => "匹配完成", "Matched";
    AutoAppliedCount => "笔自动核销", "applied automatically";
    Problems =>
        "文件未导入，未做任何更改。请修正以下问题后重新导入：",
        "The file was not imported; nothing changed. Fix these and import it again:";
    Row => "行", "Row";
    Column => "列", "Column";
    Problem => "问题", "Problem";
    Gap => "余额不连续", "Balances do not add up";
    GapLine =>
        "对账单 {statement}：应为 {expected}，文件为 {found}",
        "statement {statement}: expected {expected}, the file says {found}";
    TabWaiting => "待处理", "To apply";
    TabApplied => "已核销", "Applied";
    TabIgnored => "已忽略", "Ignored";
    TabAll => "全部", "All";
    StatusUnmatched => "未匹配", "Unmatched";
    StatusSuggested => "有建议", "Suggested";
    StatusApplied => "已核销", "Applied";
    StatusIgnored => "已忽略", "Ignored";
    PaidOut => "付出", "Paid out";
    BookedOn => "记账日期", "Booked";
    Payer => "付款人", "Payer";
    Remark => "附言", "Remark";
    Suggestion => "最佳匹配", "Best match";
    Confidence => "置信度", "confidence";
    NoSuggestion =>
        "未找到匹配：请选择客户和发票，或忽略该流水。",
        "No match found: choose the customer and invoices, or set it aside.";
    NoLines => "这里没有流水。", "No lines here.";
    ApplyBest => "核销", "Apply";
    ApplyOther => "选择发票 / 拆分", "Choose invoices / split";
    LinkKeyed => "关联已录入的收款", "Link to keyed payment";
    Ignore => "忽略", "Ignore";
    Undo => "撤销", "Undo";
    ApplyTitle => "核销流水", "Apply the line";
    PartCustomer => "客户", "Customer";
    PartAmount => "金额", "Amount";
    AddPart => "拆分给另一客户", "Split to another customer";
    RemovePart => "移除", "Remove";
    PartOldestFirst => "按账龄从早到晚冲抵", "to the oldest invoices first";
    ApplySubmit => "确认核销", "Apply";
    Unsplit => "尚未分配", "Left to split";
    IgnoreTitle => "忽略流水", "Set the line aside";
    IgnoreReason => "原因（银行手续费、非应收款项等）", "Why (bank fee, not a receivable…)";
    UndoTitle => "撤销核销", "Undo the line";
    UndoReason => "原因", "Why";
    UndoHint =>
        "将冲销该流水生成的收款，流水恢复为待处理。",
        "The payments it made are reversed and the line waits again.";
    AppliedToast => "已核销：发票已收款。", "Applied: the invoices are paid.";
    LinkedToast => "已关联手工录入的收款。", "Linked to the payment keyed by hand.";
    IgnoredToast => "流水已忽略。", "Line set aside.";
    UndoneToast => "已撤销：流水恢复为待处理。", "Undone: the line waits again.";
    Auto => "自动核销", "applied automatically";
    By => "核销人", "by";
    Payments => "收款", "Payments";
    AutoApplyLabel => "自动核销置信度", "Auto-apply at confidence";
    AutoApplyHint =>
        "最佳匹配置信度不低于此值（0.50–1.00）的流水自动核销；留空则全部人工核销。",
        "A line whose best match is at least this confident (0.50 to 1.00) applies itself; leave empty to apply every line by hand.";
    SettingsGroup => "收款核销", "Cash application";
    Totals => "按状态汇总", "By status";
    Lines => "笔", "lines";
    FromBank => "来自银行流水", "From the bank line";
    StatementReference => "对账单号", "Statement reference";
    StatementQuoteHint =>
        "付款时请在汇款附言中注明此对账单号。",
        "Please quote it in your payment's remittance information.";
    /// One line ("lines" is [`CashMsg::Lines`]).
    Line => "笔", "line";
    Linkable => "或关联该客户已手工录入的收款", "Or link it to a payment of this customer already keyed by hand";
    LinkThis => "关联", "Link";
    NoLinkable =>
        "该客户没有同金额、待关联银行流水的收款。",
        "No payment of this customer and amount is waiting for its bank line.";
}
