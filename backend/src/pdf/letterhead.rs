//! The company's heading on its documents (logo, legal name, tax id, address, phone) and how
//! to pay it (the bank accounts, and what to quote in the transfer's remark).

use super::{Layout, MARGIN, PAGE_WIDTH, Picture, picture};
use crate::company_profile::service::Letterhead;
use domain::Locale;

const LOGO_WIDTH: f32 = 110.0;
const LOGO_HEIGHT: f32 = 48.0;

/// Draws the heading from the top of the current page and moves below it.
pub fn heading(doc: &mut Layout, head: &Letterhead, locale: Locale) {
    let full_width = PAGE_WIDTH - 2.0 * MARGIN;
    let top = doc.y + 10.0;
    let logo = head
        .logo
        .as_ref()
        .and_then(|logo| Picture::new(logo.bytes.clone(), logo.format));
    let mut x = MARGIN;
    if let Some(logo) = &logo {
        x += picture(&mut doc.page, MARGIN, top, LOGO_WIDTH, LOGO_HEIGHT, logo) + 14.0;
    }
    let width = full_width - (x - MARGIN);
    doc.paragraph(x, width, 13.0, true, &head.name);
    let (tax, phone) = match locale {
        Locale::ZhCn => ("纳税人识别号", "电话"),
        Locale::En => ("Tax ID", "Phone"),
    };
    if let Some(tax_id) = &head.tax_id {
        doc.paragraph(x, width, 8.5, false, &format!("{tax}: {tax_id}"));
    }
    if let Some(address) = &head.address {
        doc.paragraph(x, width, 8.5, false, address);
    }
    if let Some(number) = &head.phone {
        doc.paragraph(x, width, 8.5, false, &format!("{phone}: {number}"));
    }
    if logo.is_some() {
        doc.y = doc.y.min(top - LOGO_HEIGHT - 6.0);
    }
    doc.y -= 8.0;
}

/// Where to pay and what to quote: each bank account, and the request to put `reference` in
/// the transfer's remark (汇款附言), which cash matching reads.
pub fn how_to_pay(doc: &mut Layout, head: &Letterhead, locale: Locale, reference: &str) {
    let full_width = PAGE_WIDTH - 2.0 * MARGIN;
    let (title, bank, name, number, quote) = match locale {
        Locale::ZhCn => (
            "付款方式",
            "开户行",
            "户名",
            "账号",
            format!("转账时请在汇款附言中注明发票号 {reference}，以便我们及时核销。"),
        ),
        Locale::En => (
            "How to pay",
            "Bank",
            "Account name",
            "Account number",
            format!(
                "Please quote {reference} in the transfer's remark so we can match your payment."
            ),
        ),
    };
    doc.make_room(60.0);
    doc.paragraph(MARGIN, full_width, 10.0, true, title);
    for account in &head.bank_accounts {
        doc.make_room(40.0);
        doc.paragraph(
            MARGIN,
            full_width,
            9.0,
            false,
            &format!("{bank}: {}", account.bank_name),
        );
        doc.paragraph(
            MARGIN,
            full_width,
            9.0,
            false,
            &format!("{name}: {}", account.account_name),
        );
        doc.paragraph(
            MARGIN,
            full_width,
            9.0,
            true,
            &format!("{number}: {}", account.account_number),
        );
        doc.y -= 4.0;
    }
    doc.paragraph(MARGIN, full_width, 9.0, true, &quote);
}
