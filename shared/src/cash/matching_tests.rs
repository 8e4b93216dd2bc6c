use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn invoice(n: u128, customer: u128, number: &str, balance: i64, due: u32) -> OpenInvoice {
    OpenInvoice {
        id: id(n),
        customer_id: id(customer),
        number: number.to_owned(),
        currency: Currency::CNY,
        balance: Decimal::from(balance),
        due_on: day(due),
    }
}

fn book(payers: &[LearnedPayer], keyed: Vec<KeyedPayment>) -> Book {
    Book::new(
        vec![
            invoice(1, 100, "INV-000101", 1000, 1),
            invoice(2, 100, "INV-000102", 2500, 2),
            invoice(3, 100, "INV-000103", 700, 3),
            invoice(4, 200, "INV-000201", 1000, 1),
            invoice(5, 200, "INV-000202", 4321, 5),
            OpenInvoice {
                currency: Currency::USD,
                ..invoice(6, 200, "INV-000203", 999, 6)
            },
        ],
        &[
            Customer {
                id: id(100),
                name: "上海甲贸易有限公司".to_owned(),
            },
            Customer {
                id: id(200),
                name: "乙科技（北京）有限公司".to_owned(),
            },
        ],
        payers,
        keyed,
    )
}

fn line<'a>(
    amount: i64,
    remark: Option<&'a str>,
    name: Option<&'a str>,
    account: Option<&'a str>,
) -> Incoming<'a> {
    Incoming {
        amount: Decimal::from(amount),
        currency: Currency::CNY,
        booked_on: day(20),
        payer_name: name,
        payer_account: account,
        remark,
        reference: None,
    }
}

fn codes(s: &Suggestion) -> Vec<Code> {
    s.reasons.iter().map(|r| r.code).collect()
}

#[test]
fn an_exact_number_in_the_remark_with_its_amount_is_near_certain() {
    let book = book(&[], vec![]);
    let found = book.suggest(&line(2500, Some("付INV-000102货款"), None, None));
    assert_eq!(found[0].customer_id, id(100));
    assert_eq!(
        found[0].invoices,
        vec![SuggestedInvoice {
            invoice_id: id(2),
            amount: Decimal::from(2500)
        }]
    );
    assert_eq!(found[0].confidence, Decimal::new(99, 2));
    assert_eq!(
        codes(&found[0]),
        vec![Code::InvoiceNumber, Code::AmountEqualsInvoice]
    );
}

#[test]
fn one_wrong_character_is_tolerated_but_trusted_less() {
    let book = book(&[], vec![]);
    // A substitution, a dropped and an added character, with the hyphen left out.
    for remark in ["INV0001O2", "INV00102", "INV0001022"] {
        let found = book.suggest(&line(2500, Some(remark), None, None));
        assert_eq!(
            found.first().map(|s| s.invoices[0].invoice_id),
            Some(id(2)),
            "{remark}"
        );
        assert_eq!(found[0].confidence, Decimal::new(96, 2), "{remark}");
        assert_eq!(found[0].reasons[0].code, Code::InvoiceNumberNear);
    }
    // One character off two invoices: the one whose balance is the amount, else neither.
    let found = book.suggest(&line(2500, Some("INV000I02"), None, None));
    assert_eq!(found[0].invoices[0].invoice_id, id(2));
    assert_eq!(found[0].reasons[0].code, Code::InvoiceNumberNear);
    assert!(
        book.suggest(&line(1234, Some("INV000I02"), None, None))
            .iter()
            .all(|s| s.reasons[0].code != Code::InvoiceNumberNear)
    );
    // Two characters off one is not a match.
    assert!(
        book.suggest(&line(2500, Some("INV-0X01X2"), None, None))
            .iter()
            .all(|s| s.reasons[0].code != Code::InvoiceNumberNear)
    );
}

#[test]
fn a_part_payment_pays_the_named_invoice_up_to_the_amount() {
    let book = book(&[], vec![]);
    let found = book.suggest(&line(1000, Some("INV-000102 部分"), None, None));
    assert_eq!(
        found[0].invoices,
        vec![SuggestedInvoice {
            invoice_id: id(2),
            amount: Decimal::from(1000)
        }]
    );
    assert_eq!(found[0].confidence, Decimal::new(93, 2));
    assert!(codes(&found[0]).contains(&Code::PartialPayment));
}

#[test]
fn a_learned_payer_with_one_invoices_amount() {
    let payer = LearnedPayer {
        customer_id: id(200),
        account: Some("6222 0000 1111".to_owned()),
        name: None,
    };
    let book = book(&[payer], vec![]);
    let found = book.suggest(&line(4321, None, Some("某人"), Some("622200001111")));
    assert_eq!(found[0].customer_id, id(200));
    assert_eq!(found[0].invoices[0].invoice_id, id(5));
    assert_eq!(found[0].confidence, Decimal::new(95, 2));
    assert_eq!(
        codes(&found[0]),
        vec![Code::PayerAccountKnown, Code::AmountEqualsInvoice]
    );
}

#[test]
fn the_payers_name_being_the_customers_counts_full_width_or_not() {
    let book = book(&[], vec![]);
    let found = book.suggest(&line(5321, None, Some("乙科技(北京)有限公司"), None));
    assert_eq!(found[0].customer_id, id(200));
    assert_eq!(found[0].reasons[0].code, Code::PayerIsCustomer);
    assert_eq!(found[0].reasons[1].code, Code::AmountEqualsBalance);
}

#[test]
fn a_combination_of_open_invoices_is_found_and_only_in_the_lines_currency() {
    let book = book(&[], vec![]);
    let found = book.suggest(&line(1700, None, Some("上海甲贸易有限公司"), None));
    assert_eq!(found[0].confidence, Decimal::new(92, 2));
    let paid: Vec<Uuid> = found[0].invoices.iter().map(|i| i.invoice_id).collect();
    assert_eq!(paid, vec![id(1), id(3)]);
    // 999 is open only in USD.
    assert!(
        book.suggest(&line(999, None, Some("乙科技（北京）有限公司"), None))
            .iter()
            .all(|s| s.invoices.iter().all(|i| i.invoice_id != id(6)))
    );
}

#[test]
fn an_amount_alone_is_a_weak_hint_and_two_equal_candidates_are_doubted() {
    let book = book(&[], vec![]);
    let weak = book.suggest(&line(4321, None, Some("陌生人"), None));
    assert_eq!(weak[0].confidence, Decimal::new(45, 2));
    assert!(weak[0].confidence < crate::cash::auto_apply_bounds().0);
    // 1000 is open on two customers' invoices: no hint at all.
    assert!(book.suggest(&line(1000, None, None, None)).is_empty());
}

#[test]
fn a_payment_keyed_by_hand_is_offered_as_that_payment_only() {
    let keyed = KeyedPayment {
        id: id(9),
        customer_id: id(100),
        amount: Decimal::from(2500),
        currency: Currency::CNY,
        received_on: day(17),
    };
    let book = book(&[], vec![keyed]);
    let found = book.suggest(&line(2500, Some("INV-000102"), None, None));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].payment_id, Some(id(9)));
    assert!(found[0].invoices.is_empty());
    // Six days apart is another payment.
    let far = Incoming {
        booked_on: day(24),
        ..line(2500, Some("INV-000102"), None, None)
    };
    assert_eq!(book.suggest(&far)[0].payment_id, None);
}

#[test]
fn consumed_balances_are_not_offered_again() {
    let mut book = book(&[], vec![]);
    book.consume(id(2), Decimal::from(2500));
    let found = book.suggest(&line(2500, Some("INV-000102"), None, None));
    assert!(
        found
            .iter()
            .all(|s| s.invoices.iter().all(|i| i.invoice_id != id(2)))
    );
}

#[test]
fn one_edit_apart_is_exactly_one() {
    assert!(one_edit_apart("ABC123", "ABC124"));
    assert!(one_edit_apart("ABC123", "ABC12"));
    assert!(one_edit_apart("ABC123", "AABC123"));
    assert!(!one_edit_apart("ABC123", "ABC123"));
    assert!(!one_edit_apart("ABC123", "ABD124"));
}

fn statement(reference: &str, customer: u128, closing: i64) -> SentStatement {
    SentStatement {
        reference: reference.to_owned(),
        customer_id: id(customer),
        currency: Currency::CNY,
        closing_balance: Decimal::from(closing),
    }
}

fn with_statements() -> Book {
    book(&[], vec![]).with_statements(vec![
        statement("ST00000041", 200, 5321),
        statement("ST00000042", 100, 4200),
        statement("ST00000043", 200, 1000),
    ])
}

#[test]
fn a_statement_reference_with_its_closing_balance_pays_that_customer_oldest_first() {
    let found = with_statements().suggest(&line(4200, Some("付对账单ST00000042"), None, None));
    assert_eq!(found[0].customer_id, id(100));
    assert_eq!(found[0].confidence, Decimal::new(97, 2));
    assert_eq!(
        codes(&found[0]),
        vec![Code::StatementReference, Code::AmountEqualsStatement]
    );
    assert_eq!(found[0].reasons[1].params["amount"], "4200.00");
    // Oldest due first: 1,000 + 2,500 + 700 of the 4,200.
    let paid: Vec<(Uuid, Decimal)> = found[0]
        .invoices
        .iter()
        .map(|i| (i.invoice_id, i.amount))
        .collect();
    assert_eq!(
        paid,
        vec![
            (id(1), Decimal::from(1000)),
            (id(2), Decimal::from(2500)),
            (id(3), Decimal::from(700))
        ]
    );
}

#[test]
fn a_statement_reference_one_character_off_is_kept_only_when_the_amount_tells_which() {
    let book = with_statements();
    // ST00000045 is one off 41, 42 and 43: the amount is 43's closing balance.
    let found = book.suggest(&line(1000, Some("ST00000045"), None, None));
    assert_eq!(found[0].customer_id, id(200));
    assert_eq!(codes(&found[0])[0], Code::StatementReferenceNear);
    assert_eq!(found[0].reasons[0].params["found"], "ST00000045");
    assert_eq!(found[0].confidence, Decimal::new(94, 2));
    // No closing balance is the amount: none of the three is trusted.
    let found = book.suggest(&line(333, Some("ST00000045"), None, None));
    assert!(
        found
            .iter()
            .all(|s| !codes(s).contains(&Code::StatementReferenceNear))
    );
}

#[test]
fn a_statement_reference_with_another_amount_waits_for_a_person() {
    let book = with_statements();
    let found = book.suggest(&line(3000, Some("ST00000042"), None, None));
    assert_eq!(found[0].customer_id, id(100));
    assert_eq!(
        codes(&found[0]),
        vec![Code::StatementReference, Code::OnAccount]
    );
    assert_eq!(found[0].confidence, Decimal::new(75, 2));
    // A payer's known account says someone else pays: much less likely.
    let payer = LearnedPayer {
        customer_id: id(200),
        account: Some("6222 0000 1111".to_owned()),
        name: None,
    };
    let book = book_with_payer(payer);
    let found = book.suggest(&line(4200, Some("ST00000042"), None, Some("6222000011 11")));
    let quoted = found
        .iter()
        .find(|s| s.customer_id == id(100))
        .map(|s| s.confidence);
    assert_eq!(quoted, Some(Decimal::new(67, 2)));
}

fn book_with_payer(payer: LearnedPayer) -> Book {
    book(&[payer], vec![]).with_statements(vec![statement("ST00000042", 100, 4200)])
}

#[test]
fn a_statement_in_another_currency_is_not_quoted() {
    let book = book(&[], vec![]).with_statements(vec![SentStatement {
        currency: Currency::USD,
        ..statement("ST00000042", 100, 4200)
    }]);
    let found = book.suggest(&line(4200, Some("ST00000042"), None, None));
    assert!(
        found
            .iter()
            .all(|s| !codes(s).contains(&Code::StatementReference))
    );
}
