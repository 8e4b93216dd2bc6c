//! Dunning email templates: plain text written by admins, with `{{variable}}` places filled
//! from the customer's data. The same renderer runs on the server (the email sent) and in the
//! web app (the editor's live preview), so the preview is exactly what goes out.
//!
//! Admins write text, not HTML: the HTML part escapes everything they wrote and every value,
//! so neither a template nor a customer's name can inject markup.

use crate::display;
use crate::locale::Locale;
use serde::{Deserialize, Serialize};

/// The variables a template may use, with what each stands for.
pub const VARIABLES: &[(&str, &str)] = &[
    ("customer.name", "the customer's name"),
    ("customer.code", "the customer's code"),
    ("company.name", "your company's name"),
    ("invoices", "a table of the invoices at this step"),
    ("total", "the total owed on those invoices"),
    ("days_overdue", "the most days any of them is overdue"),
    (
        "pay_link",
        "a link to the customer's statement, to confirm or pay",
    ),
    ("today", "the date of the message"),
    (
        "deadline",
        "the date to pay by: seven days after the date of the message",
    ),
];

/// Days a letter gives to pay, from its date (`{{deadline}}`).
pub const PAY_WITHIN_DAYS: u64 = 7;

/// The date to pay by for a message dated `today` (an ISO date).
pub fn deadline(today: &str) -> Option<chrono::NaiveDate> {
    today
        .parse::<chrono::NaiveDate>()
        .ok()?
        .checked_add_days(chrono::Days::new(PAY_WITHIN_DAYS))
}

pub const MAX_SUBJECT: usize = 200;
pub const MAX_BODY: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub number: String,
    /// ISO dates and decimal strings, formatted per locale when rendered.
    pub due_date: String,
    pub days_overdue: i64,
    pub balance: String,
    pub currency: String,
}

/// What fills a template's places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    pub customer_name: String,
    pub customer_code: String,
    pub company_name: String,
    pub invoices: Vec<InvoiceLine>,
    pub pay_link: String,
    pub today: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("`{{{{{0}}}}}` is not a variable; use one of: {list}", list = variable_list())]
    UnknownVariable(String),
    #[error("a `{{{{` is not closed with `}}}}`")]
    Unclosed,
    #[error("the subject must be 1 to {MAX_SUBJECT} characters on one line")]
    Subject,
    #[error("the body must be 1 to {MAX_BODY} characters")]
    Body,
    #[error("`{0}` is not an amount")]
    Amount(String),
}

fn variable_list() -> String {
    VARIABLES
        .iter()
        .map(|(name, _)| format!("{{{{{name}}}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

enum Piece<'a> {
    Text(&'a str),
    Variable(&'a str),
}

fn parse(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        pieces.push(Piece::Text(&rest[..start]));
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(TemplateError::Unclosed)?;
        let name = after[..end].trim();
        if !VARIABLES.iter().any(|(known, _)| *known == name) {
            return Err(TemplateError::UnknownVariable(name.to_owned()));
        }
        pieces.push(Piece::Variable(name));
        rest = &after[end + 2..];
    }
    pieces.push(Piece::Text(rest));
    Ok(pieces)
}

/// Checks a template before it is saved.
pub fn validate(subject: &str, body: &str) -> Result<(), TemplateError> {
    let subject_len = subject.trim().chars().count();
    if subject_len == 0 || subject_len > MAX_SUBJECT || subject.contains(['\n', '\r']) {
        return Err(TemplateError::Subject);
    }
    let body_len = body.trim().chars().count();
    if body_len == 0 || body_len > MAX_BODY {
        return Err(TemplateError::Body);
    }
    parse(subject)?;
    parse(body)?;
    Ok(())
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A balance as sent: a decimal string, or the error that names it.
fn parse_amount(text: &str) -> Result<rust_decimal::Decimal, TemplateError> {
    text.trim()
        .parse()
        .map_err(|_| TemplateError::Amount(text.to_owned()))
}

/// An amount shown with its currency's decimals ("1200" is ¥1,200.00), rounded by the one
/// money rule (half away from zero).
fn amount(locale: Locale, text: &str, currency: &str) -> Result<String, TemplateError> {
    let value = parse_amount(text)?;
    Ok(display::money(
        locale,
        &display::amount_string(value, currency),
        currency,
    ))
}

/// Totals per currency, formatted: "¥1,200.00 + $300.00".
fn totals(locale: Locale, invoices: &[InvoiceLine]) -> Result<String, TemplateError> {
    let mut sums: Vec<(String, rust_decimal::Decimal)> = Vec::new();
    for line in invoices {
        let amount = parse_amount(&line.balance)?;
        match sums
            .iter_mut()
            .find(|(currency, _)| *currency == line.currency)
        {
            Some((_, sum)) => *sum += amount,
            None => sums.push((line.currency.clone(), amount)),
        }
    }
    Ok(sums
        .iter()
        .map(|(currency, sum)| amount(locale, &sum.to_string(), currency))
        .collect::<Result<Vec<_>, _>>()?
        .join(" + "))
}

fn headings(locale: Locale) -> [&'static str; 4] {
    match locale {
        Locale::ZhCn => ["发票号", "到期日", "逾期天数", "未付金额"],
        Locale::En => ["Invoice", "Due", "Days overdue", "Balance"],
    }
}

fn text_table(locale: Locale, invoices: &[InvoiceLine]) -> Result<String, TemplateError> {
    let mut out = headings(locale).join(" | ");
    for line in invoices {
        out.push('\n');
        out.push_str(&format!(
            "{} | {} | {} | {}",
            line.number,
            display::date(locale, &line.due_date),
            line.days_overdue.max(0),
            amount(locale, &line.balance, &line.currency)?
        ));
    }
    Ok(out)
}

fn html_table(locale: Locale, invoices: &[InvoiceLine]) -> Result<String, TemplateError> {
    let cell = "style=\"padding:4px 12px;border-bottom:1px solid #ddd;text-align:left\"";
    let mut out = String::from("<table style=\"border-collapse:collapse\"><thead><tr>");
    for heading in headings(locale) {
        out.push_str(&format!("<th {cell}>{}</th>", escape_html(heading)));
    }
    out.push_str("</tr></thead><tbody>");
    for line in invoices {
        out.push_str(&format!(
            "<tr><td {cell}>{}</td><td {cell}>{}</td><td {cell}>{}</td><td {cell}>{}</td></tr>",
            escape_html(&line.number),
            escape_html(&display::date(locale, &line.due_date)),
            line.days_overdue.max(0),
            escape_html(&amount(locale, &line.balance, &line.currency)?),
        ));
    }
    out.push_str("</tbody></table>");
    Ok(out)
}

fn value(name: &str, locale: Locale, context: &Context) -> Result<String, TemplateError> {
    Ok(match name {
        "customer.name" => context.customer_name.clone(),
        "customer.code" => context.customer_code.clone(),
        "company.name" => context.company_name.clone(),
        "total" => totals(locale, &context.invoices)?,
        "days_overdue" => context
            .invoices
            .iter()
            .map(|line| line.days_overdue.max(0))
            .max()
            .unwrap_or(0)
            .to_string(),
        "pay_link" => context.pay_link.clone(),
        "today" => display::date(locale, &context.today),
        "deadline" => deadline(&context.today)
            .map(|day| display::date(locale, &day.to_string()))
            .unwrap_or_default(),
        _ => String::new(),
    })
}

/// Fills a checked template. Fails on a template that `validate` would refuse, and on a
/// balance that is not a decimal (a bug upstream, never shown as 0).
pub fn render(
    subject: &str,
    body: &str,
    locale: Locale,
    context: &Context,
) -> Result<Rendered, TemplateError> {
    let subject = parse(subject)?
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => Ok((*text).to_owned()),
            // A table has no place in a subject line: it becomes the count of invoices.
            Piece::Variable("invoices") => Ok(context.invoices.len().to_string()),
            Piece::Variable(name) => value(name, locale, context),
        })
        .collect::<Result<String, _>>()?
        .replace(['\n', '\r'], " ")
        .trim()
        .to_owned();
    let pieces = parse(body)?;
    let mut text = String::new();
    let mut html = String::from(
        "<div style=\"font-family:sans-serif;font-size:14px;line-height:1.5;color:#222\">",
    );
    for piece in &pieces {
        match piece {
            Piece::Text(part) => {
                text.push_str(part);
                html.push_str(&escape_html(part).replace('\n', "<br>\n"));
            }
            Piece::Variable("invoices") => {
                text.push_str(&text_table(locale, &context.invoices)?);
                html.push_str(&html_table(locale, &context.invoices)?);
            }
            Piece::Variable("pay_link") => {
                text.push_str(&context.pay_link);
                let link = escape_html(&context.pay_link);
                html.push_str(&format!("<a href=\"{link}\">{link}</a>"));
            }
            Piece::Variable(name) => {
                let filled = value(name, locale, context)?;
                text.push_str(&filled);
                html.push_str(&escape_html(&filled));
            }
        }
    }
    html.push_str("</div>");
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// The tone of a step by its day: before the due date, on it, soon after, or firm.
fn tone(offset_days: i32) -> usize {
    match offset_days {
        i32::MIN..=-1 => 0,
        0 => 1,
        1..=29 => 2,
        _ => 3,
    }
}

/// The template a step uses until an admin writes its own: (subject, body).
/// The default words of a step with a template: an email's by how late the step is, a
/// letter's always the demand letter.
pub fn default_template_for(
    action: crate::dunning::StepAction,
    offset_days: i32,
    locale: Locale,
) -> (&'static str, &'static str) {
    match action {
        crate::dunning::StepAction::SendLetter => default_letter(locale),
        _ => default_template(offset_days, locale),
    }
}

/// The demand letter (催款函) a letter step prints by default: the title, then the text.
pub fn default_letter(locale: Locale) -> (&'static str, &'static str) {
    match locale {
        Locale::ZhCn => (
            "催款函",
            "{{customer.name}}：\n\n贵司与我司之间的交易中，截至 {{today}}，以下发票已到期未付，最长逾期 {{days_overdue}} 天，合计 {{total}}：\n\n{{invoices}}\n\n请贵司于 {{deadline}} 前将上述款项付至本函所列账户，并在汇款附言中注明发票号。如已付款，请将付款凭证发送给我们，并忽略本函。\n\n逾期未付的，我司将按合同约定收取滞纳金、暂停赊销，并保留通过法律途径追索的权利。\n\n特此函告。",
        ),
        Locale::En => (
            "Demand for payment",
            "To {{customer.name}},\n\nAs of {{today}}, the invoices below are due and unpaid, up to {{days_overdue}} days overdue, {{total}} in all:\n\n{{invoices}}\n\nPlease pay this amount by {{deadline}} into the account given in this letter, quoting the invoice numbers in the transfer's remark. If you have paid, please send us the remittance advice and disregard this letter.\n\nIf it remains unpaid, we will charge late fees as agreed, stop credit and reserve the right to recover the debt by legal means.",
        ),
    }
}

/// The lawyer's letter (律师函) a legal case drafts for the company's lawyer to review.
pub fn lawyer_letter(locale: Locale) -> (&'static str, &'static str) {
    match locale {
        Locale::ZhCn => (
            "律师函（草稿）",
            "{{customer.name}}：\n\n本律师受 {{company.name}} 委托，就贵司拖欠货款一事致函如下：\n\n截至 {{today}}，贵司尚欠委托人下列发票款项，最长逾期 {{days_overdue}} 天，合计 {{total}}：\n\n{{invoices}}\n\n委托人已多次催告，贵司至今未予清偿。请贵司于 {{deadline}} 前付清全部欠款。逾期未付的，本律师将依委托人指示，通过诉讼或仲裁追索欠款及逾期付款损失，由此产生的一切费用由贵司承担。\n\n特此函告。\n\n（本函为草稿，须经律师审阅、签字并加盖律师事务所公章后方可发出。）",
        ),
        Locale::En => (
            "Letter before action (draft)",
            "To {{customer.name}},\n\nWe act for {{company.name}} regarding the debt you owe our client.\n\nAs of {{today}}, the invoices below remain unpaid, up to {{days_overdue}} days overdue, {{total}} in all:\n\n{{invoices}}\n\nOur client has reminded you several times without result. Please pay the full amount by {{deadline}}. Otherwise, on our client's instructions, we will start proceedings to recover the debt and the losses its late payment caused, at your cost.\n\n(This is a draft: a lawyer reviews, signs and stamps it before it is sent.)",
        ),
    }
}

pub fn default_template(offset_days: i32, locale: Locale) -> (&'static str, &'static str) {
    const ZH: [(&str, &str); 4] = [
        (
            "{{company.name}}：付款提醒",
            "{{customer.name}}，您好：\n\n以下发票即将到期，合计 {{total}}：\n\n{{invoices}}\n\n如已安排付款，请忽略本邮件。查看对账单或在线付款：{{pay_link}}\n\n{{company.name}}",
        ),
        (
            "{{company.name}}：发票今日到期",
            "{{customer.name}}，您好：\n\n以下发票今日到期，合计 {{total}}：\n\n{{invoices}}\n\n请安排付款。查看对账单或在线付款：{{pay_link}}\n\n{{company.name}}",
        ),
        (
            "{{company.name}}：发票已逾期",
            "{{customer.name}}，您好：\n\n以下发票已逾期（最长 {{days_overdue}} 天），合计 {{total}}：\n\n{{invoices}}\n\n请尽快付款；如有疑问请与我们联系。查看对账单或在线付款：{{pay_link}}\n\n{{company.name}}",
        ),
        (
            "{{company.name}}：逾期账款催告函",
            "{{customer.name}}：\n\n尽管我们多次提醒，以下发票仍未付清，已逾期最长 {{days_overdue}} 天，合计 {{total}}：\n\n{{invoices}}\n\n请于七日内付清。否则我们将按合同收取滞纳金、暂停赊销，并保留采取法律措施的权利。查看对账单或在线付款：{{pay_link}}\n\n{{company.name}}",
        ),
    ];
    const EN: [(&str, &str); 4] = [
        (
            "{{company.name}}: a friendly reminder",
            "Dear {{customer.name}},\n\nThe invoices below fall due soon, {{total}} in all:\n\n{{invoices}}\n\nIf payment is on its way, please ignore this message. See your statement or pay online: {{pay_link}}\n\n{{company.name}}",
        ),
        (
            "{{company.name}}: invoices due today",
            "Dear {{customer.name}},\n\nThe invoices below are due today, {{total}} in all:\n\n{{invoices}}\n\nPlease arrange payment. See your statement or pay online: {{pay_link}}\n\n{{company.name}}",
        ),
        (
            "{{company.name}}: overdue invoices",
            "Dear {{customer.name}},\n\nThe invoices below are overdue (up to {{days_overdue}} days), {{total}} in all:\n\n{{invoices}}\n\nPlease pay them soon, or tell us if something is wrong. See your statement or pay online: {{pay_link}}\n\n{{company.name}}",
        ),
        (
            "{{company.name}}: final notice of overdue invoices",
            "Dear {{customer.name}},\n\nDespite our reminders, the invoices below are still unpaid, up to {{days_overdue}} days overdue, {{total}} in all:\n\n{{invoices}}\n\nPlease pay within seven days. Otherwise we will charge late fees as agreed, stop credit and may take legal action. See your statement or pay online: {{pay_link}}\n\n{{company.name}}",
        ),
    ];
    match locale {
        Locale::ZhCn => ZH[tone(offset_days)],
        Locale::En => EN[tone(offset_days)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context {
            customer_name: "Acme <Trading> & Co".into(),
            customer_code: "ACME".into(),
            company_name: "Duely Demo".into(),
            invoices: vec![
                InvoiceLine {
                    number: "INV-1".into(),
                    due_date: "2026-06-01".into(),
                    days_overdue: 19,
                    balance: "1200.00".into(),
                    currency: "CNY".into(),
                },
                InvoiceLine {
                    number: "INV-2".into(),
                    due_date: "2026-06-10".into(),
                    days_overdue: 10,
                    balance: "300.5".into(),
                    currency: "CNY".into(),
                },
            ],
            pay_link: "https://app.duely.example/s/abc?x=1&y=2".into(),
            today: "2026-06-20".into(),
        }
    }

    #[test]
    fn values_and_text_are_escaped_in_html_but_not_in_text() {
        let out = render(
            "Hi {{customer.name}}",
            "<b>{{customer.name}}</b> owes {{total}}\n{{pay_link}}",
            Locale::En,
            &context(),
        )
        .unwrap();
        assert_eq!(out.subject, "Hi Acme <Trading> & Co");
        assert!(out.text.starts_with("<b>Acme <Trading> & Co</b> owes"));
        assert!(
            out.html
                .contains("&lt;b&gt;Acme &lt;Trading&gt; &amp; Co&lt;/b&gt;")
        );
        assert!(!out.html.contains("<b>"));
        assert!(
            out.html
                .contains("<a href=\"https://app.duely.example/s/abc?x=1&amp;y=2\">")
        );
    }

    #[test]
    fn the_invoice_table_and_totals_follow_the_locale() {
        let zh = render(
            "{{invoices}} 张发票",
            "{{invoices}}\n{{total}}",
            Locale::ZhCn,
            &context(),
        )
        .unwrap();
        assert_eq!(zh.subject, "2 张发票");
        assert!(zh.text.contains("发票号 | 到期日"));
        assert!(zh.text.contains("INV-1 | "));
        assert!(zh.text.contains("1,500.50"), "{}", zh.text);
        assert!(zh.html.contains("<table"));
        assert!(zh.html.contains(
            "<td style=\"padding:4px 12px;border-bottom:1px solid #ddd;text-align:left\">INV-2</td>"
        ));
    }

    #[test]
    fn amounts_round_half_away_from_zero_and_a_bad_amount_is_an_error() {
        let mut half = context();
        half.invoices[0].balance = "0.125".into();
        half.invoices.truncate(1);
        let out = render("x", "{{total}}", Locale::En, &half).unwrap();
        // Half to even would show 0.12.
        assert_eq!(out.text, "CN¥0.13");

        let mut broken = context();
        broken.invoices[1].balance = "twelve".into();
        assert_eq!(
            render("x", "{{total}}", Locale::En, &broken),
            Err(TemplateError::Amount("twelve".into()))
        );
        assert_eq!(
            render("x", "{{invoices}}", Locale::En, &broken),
            Err(TemplateError::Amount("twelve".into()))
        );
    }

    #[test]
    fn unknown_variables_and_bad_shapes_are_refused() {
        assert_eq!(
            validate("Hi", "Dear {{ customer.nme }}"),
            Err(TemplateError::UnknownVariable("customer.nme".into()))
        );
        assert_eq!(
            validate("Hi", "Dear {{customer.name"),
            Err(TemplateError::Unclosed)
        );
        assert_eq!(validate("Two\nlines", "x"), Err(TemplateError::Subject));
        assert_eq!(validate("Hi", "  "), Err(TemplateError::Body));
        assert!(
            TemplateError::UnknownVariable("x".into())
                .to_string()
                .contains("{{customer.name}}")
        );
    }

    #[test]
    fn every_default_template_is_valid_in_both_languages() {
        for offset in [-3, 0, 7, 30, 90] {
            for locale in Locale::ALL {
                let (subject, body) = default_template(offset, locale);
                validate(subject, body).unwrap();
                let out = render(subject, body, locale, &context()).unwrap();
                assert!(out.text.contains("INV-1"));
            }
        }
    }
}
