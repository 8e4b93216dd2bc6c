//! Documents' texts (an invoice's PDF and sending it; the company profile documents print), as
//! `DocumentsMsg::Name`, each with its Chinese text, then its English text.

/// The texts of this area, as `DocumentsMsg::Name` (each a [`super::Msg`]).
pub struct DocumentsMsg;

texts! { DocumentsMsg;
    DownloadPdf => "下载 PDF", "Download PDF";
    Send => "发送给客户", "Send to customer";
    SendTitle => "通过邮件发送账单", "Send the invoice by email";
    SendTo => "收件人", "To";
    SendToHint => "留空：发送给客户的财务联系人", "Empty: the customer's billing contacts";
    Cc => "抄送", "Cc";
    CcHint => "最多 5 个地址，用逗号分隔", "Up to 5 addresses, separated by commas";
    Message => "附言", "Message";
    SendNow => "发送", "Send";
    Sent => "账单已发送至", "Invoice sent to";
    ProfileTitle => "公司资料", "Company profile";
    ProfileIntro =>
        "账单、对账单和催款函上印制的公司信息。",
        "What invoices, statements and letters print about your company.";
    LegalName => "公司全称", "Legal name";
    LegalNameHint => "留空：使用公司在 Duely 中的名称", "Empty: the company's name in Duely";
    TaxId => "纳税人识别号", "Tax ID";
    Address => "地址", "Address";
    Phone => "电话", "Phone";
    BankAccounts => "收款银行账户", "Bank accounts for transfers";
    BankName => "开户行", "Bank and branch";
    AccountName => "户名", "Account name";
    AccountNumber => "账号", "Account number";
    AddAccount => "添加账户", "Add an account";
    Remove => "删除", "Remove";
    Logo => "公司标志", "Logo";
    LogoHint => "PNG 或 JPEG，不超过 256 KB", "PNG or JPEG, at most 256 KB";
    RemoveLogo => "删除标志", "Remove the logo";
    Save => "保存资料", "Save profile";
    Saved => "公司资料已保存。", "Company profile saved.";
    ActionSendLetter => "寄送催款函", "Mail a demand letter";
    LettersTitle => "信函", "Letters";
    LettersLead =>
        "催款阶梯生成的催款函和律师函草稿：打印、寄出并登记快递单号。",
        "Demand letters from the ladders and lawyer's letter drafts: print them, mail them, record the tracking number.";
    ToPrint => "待寄出", "To print";
    Mailed => "已寄出", "Mailed";
    NoLetters => "这里没有信函。", "No letters here.";
    KindDemand => "催款函", "Demand letter";
    KindLawyerDraft => "律师函（草稿）", "Lawyer's letter (draft)";
    LetterDate => "日期", "Dated";
    Deadline => "付款期限", "Pay by";
    TrackingNumber => "快递单号", "Tracking number";
    MarkMailed => "登记寄出", "Mark mailed";
    MarkedMailed => "信函已登记寄出。", "Letter recorded as mailed.";
    DraftLawyerLetter => "起草律师函", "Draft lawyer's letter";
    LawyerLetterDrafted =>
        "律师函草稿已生成，可在“信函”中打印。",
        "Lawyer's letter drafted: it is in Letters, to print.";
}
