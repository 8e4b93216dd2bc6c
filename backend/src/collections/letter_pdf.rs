//! A letter as a PDF: the company's letterhead, the addressee, the date, the title, the text
//! as it was rendered when the letter was made (wrapped, running onto more pages), the
//! accounts to pay into, and the company's name to sign under.

use crate::collections::store::letters::LetterRow;
use crate::company_profile::service::Letterhead;
use crate::pdf::{Layout, MARGIN, PAGE_WIDTH, PdfError, assemble, letterhead, right, rule, text};
use domain::Locale;
use domain::letters::LetterKind;

pub fn render(letter: &LetterRow, head: &Letterhead) -> Result<Vec<u8>, PdfError> {
    let locale = letter.locale;
    let full_width = PAGE_WIDTH - 2.0 * MARGIN;
    let (to, dated, page) = match locale {
        Locale::ZhCn => ("致", "日期", "页"),
        Locale::En => ("To", "Date", "Page"),
    };
    let mut doc = Layout::default();
    letterhead::heading(&mut doc, head, locale);
    rule(&mut doc.page, doc.y + 6.0);
    doc.y -= 14.0;
    let addressee = format!("{to}: {} ({})", letter.customer_name, letter.customer_code);
    doc.paragraph(MARGIN, full_width - 150.0, 10.0, true, &addressee);
    right(
        &mut doc.page,
        PAGE_WIDTH - MARGIN,
        doc.y + 14.5,
        9.0,
        false,
        &format!("{dated}: {}", letter.letter_date),
    );
    if let Some(address) = &letter.billing_address {
        doc.paragraph(MARGIN, full_width, 9.0, false, address);
    }
    doc.y -= 16.0;
    let title_width = crate::pdf::width(&letter.title, 16.0, true);
    text(
        &mut doc.page,
        MARGIN + ((full_width - title_width) / 2.0).max(0.0),
        doc.y,
        16.0,
        true,
        &letter.title,
    );
    doc.y -= 28.0;
    for paragraph in letter.body.split('\n') {
        if paragraph.trim().is_empty() {
            doc.y -= 6.0;
            continue;
        }
        doc.paragraph(MARGIN, full_width, 10.0, false, paragraph);
    }
    doc.y -= 10.0;
    if letter.kind == LetterKind::Demand && !head.bank_accounts.is_empty() {
        let numbers = letter.invoice_numbers.join(", ");
        letterhead::how_to_pay(&mut doc, head, locale, &numbers);
        doc.y -= 10.0;
    }
    // Signed under by the company (a lawyer's letter by the law firm, once reviewed).
    doc.make_room(60.0);
    doc.y -= 10.0;
    right(
        &mut doc.page,
        PAGE_WIDTH - MARGIN,
        doc.y,
        11.0,
        true,
        &head.name,
    );
    doc.y -= 16.0;
    right(
        &mut doc.page,
        PAGE_WIDTH - MARGIN,
        doc.y,
        10.0,
        false,
        &letter.letter_date.to_string(),
    );
    assemble(&doc.finish(page), &letter.title)
}
