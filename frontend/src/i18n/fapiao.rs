//! Fapiao's texts (发票 recorded against invoices), as `FapiaoMsg::Name`, each with its Chinese
//! text, then its English text.

/// The texts of this area, as `FapiaoMsg::Name` (each a [`super::Msg`]).
pub struct FapiaoMsg;

texts! { FapiaoMsg;
    Title => "发票（税务）", "Fapiao";
    None => "尚未登记发票。", "No fapiao recorded.";
    Record => "登记发票", "Record fapiao";
    Number => "发票号码", "Fapiao number";
    Code => "发票代码", "Fapiao code";
    CodeHint => "仅纸质增值税发票：10 位或 12 位数字", "Paper VAT fapiao only: 10 or 12 digits";
    Kind => "发票种类", "Kind";
    IssuedOn => "开票日期", "Issued on";
    Amount => "价税合计", "Amount (tax included)";
    Tax => "税额", "Tax";
    RedLetter => "红字发票", "Red-letter";
    CreditNote => "红字发票对应贷项通知单", "Red-letter, for credit note";
    Save => "登记", "Record";
    Recorded => "发票已登记。", "Fapiao recorded.";
    Void => "作废", "Void";
    VoidReason => "作废原因？", "Why is this fapiao voided?";
    Voided => "已作废", "Voided";
    KindVatSpecial => "增值税专用发票", "VAT special";
    KindVatGeneral => "增值税普通发票", "VAT general";
    KindDigitalVatSpecial => "数电票（专用发票）", "Digital VAT special";
    KindDigitalVatGeneral => "数电票（普通发票）", "Digital general";
    KindOther => "其他", "Other";
    FilterAll => "发票：全部", "Fapiao: any";
    FilterIssued => "已开发票", "Fapiao issued";
    FilterNotIssued => "未开发票", "No fapiao yet";
}
