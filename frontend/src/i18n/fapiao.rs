//! Fapiao's messages (发票 recorded against invoices), English and Chinese in one place; each
//! language is one exhaustive match.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FapiaoMsg {
    Title,
    None,
    Record,
    Number,
    Code,
    CodeHint,
    Kind,
    IssuedOn,
    Amount,
    Tax,
    RedLetter,
    CreditNote,
    Save,
    Recorded,
    Void,
    VoidReason,
    Voided,
    KindVatSpecial,
    KindVatGeneral,
    KindDigitalVatSpecial,
    KindDigitalVatGeneral,
    KindOther,
    FilterAll,
    FilterIssued,
    FilterNotIssued,
}

pub(super) fn en(msg: FapiaoMsg) -> &'static str {
    use FapiaoMsg::*;
    match msg {
        Title => "Fapiao",
        None => "No fapiao recorded.",
        Record => "Record fapiao",
        Number => "Fapiao number",
        Code => "Fapiao code",
        CodeHint => "Paper VAT fapiao only: 10 or 12 digits",
        Kind => "Kind",
        IssuedOn => "Issued on",
        Amount => "Amount (tax included)",
        Tax => "Tax",
        RedLetter => "Red-letter",
        CreditNote => "Red-letter, for credit note",
        Save => "Record",
        Recorded => "Fapiao recorded.",
        Void => "Void",
        VoidReason => "Why is this fapiao voided?",
        Voided => "Voided",
        KindVatSpecial => "VAT special",
        KindVatGeneral => "VAT general",
        KindDigitalVatSpecial => "Digital VAT special",
        KindDigitalVatGeneral => "Digital general",
        KindOther => "Other",
        FilterAll => "Fapiao: any",
        FilterIssued => "Fapiao issued",
        FilterNotIssued => "No fapiao yet",
    }
}

pub(super) fn zh(msg: FapiaoMsg) -> &'static str {
    use FapiaoMsg::*;
    match msg {
        Title => "发票（税务）",
        None => "尚未登记发票。",
        Record => "登记发票",
        Number => "发票号码",
        Code => "发票代码",
        CodeHint => "仅纸质增值税发票：10 位或 12 位数字",
        Kind => "发票种类",
        IssuedOn => "开票日期",
        Amount => "价税合计",
        Tax => "税额",
        RedLetter => "红字发票",
        CreditNote => "红字发票对应贷项通知单",
        Save => "登记",
        Recorded => "发票已登记。",
        Void => "作废",
        VoidReason => "作废原因？",
        Voided => "已作废",
        KindVatSpecial => "增值税专用发票",
        KindVatGeneral => "增值税普通发票",
        KindDigitalVatSpecial => "数电票（专用发票）",
        KindDigitalVatGeneral => "数电票（普通发票）",
        KindOther => "其他",
        FilterAll => "发票：全部",
        FilterIssued => "已开发票",
        FilterNotIssued => "未开发票",
    }
}
