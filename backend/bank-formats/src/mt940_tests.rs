use std::str::FromStr;

use chrono::NaiveDate;

use super::*;
use crate::{BalanceGap, Format, GapKind, sniff};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Two messages in SWIFT envelopes: the first balances, with a structured and an unstructured
/// `:86:`; the second crosses the year end and misses its closing by 7.50.
const TWO_MESSAGES: &str = "\
{1:F01COBADEFFAXXX0000000000}{2:O9401200240201COBADEFFAXXX00000000002402011200N}{3:{108:MT940}}{4:\r
:20:STARTUMS\r
:25:37040044/0532013000\r
:28C:00001/001\r
:60F:C240131EUR1000,00\r
:61:2402010201CR500,00NTRFE2E-INV-1001//BANKREF0001\r
:86:166?00SEPA-GUTSCHRIFT?109075?20EREF+E2E-INV-1001?21SVWZ+Rechnung INV-1001 Dank\r
?22e schoen?30COBADEFFXXX?31DE02120300000000202051?32Mueller und Soehne Gmb?33H\r
:61:240202D12,50NMSCNONREF//BANKREF0002\r
Kontofuehrung Februar\r
:86:Kontofuehrungsgebuehr\r
Februar 2024\r
:62F:C240202EUR1487,50\r
-}{5:{CHK:123456789ABC}}\r
{1:F01COBADEFFAXXX0000000000}{2:O9401200240203COBADEFFAXXX00000000002402031200N}{4:\r
:20:STARTUMS\r
:25:37040044/0532013000\r
:28C:00002/001\r
:60M:C240202EUR1487,50\r
:61:2312310102RD20,00NTRFNONREF\r
:86:Storno Lastschrift\r
:61:240105C0,01NTRFREF-2\r
:62M:C240202EUR1500,00\r
-}\r
";

#[test]
fn reads_two_messages_with_structured_and_free_86() {
    let bytes = TWO_MESSAGES.as_bytes();
    assert_eq!(sniff(bytes), Format::Mt940);
    let statement = crate::parse(Format::Mt940, bytes, None, Limits::default()).unwrap();
    assert_eq!(statement.account.as_deref(), Some("37040044/0532013000"));
    assert_eq!(statement.currency.as_deref(), Some("EUR"));
    assert_eq!(statement.opening_balance, Some(dec("1000")));
    assert_eq!(statement.closing_balance, Some(dec("1500")));
    assert_eq!(statement.period_from, Some(ymd(2024, 1, 2)));
    assert_eq!(statement.period_to, Some(ymd(2024, 2, 2)));
    assert_eq!(
        statement.lines[0],
        Line {
            row: 6,
            booked_on: ymd(2024, 2, 1),
            amount: dec("500.00"),
            currency: Some("EUR".into()),
            payer_name: Some("Mueller und Soehne GmbH".into()),
            payer_account: Some("DE02120300000000202051".into()),
            remark: Some("EREF+E2E-INV-1001 SVWZ+Rechnung INV-1001 Danke schoen".into()),
            reference: Some("E2E-INV-1001".into()),
            bank_ref: Some("BANKREF0001".into()),
            balance_after: None,
        }
    );
    assert_eq!(
        statement.lines[1],
        Line {
            row: 9,
            booked_on: ymd(2024, 2, 2),
            amount: dec("-12.50"),
            currency: Some("EUR".into()),
            payer_name: None,
            payer_account: None,
            remark: Some("Kontofuehrungsgebuehr Februar 2024".into()),
            reference: None,
            bank_ref: Some("BANKREF0002".into()),
            balance_after: None,
        }
    );
    // Reversal of a debit: money in, booked 2 January for a value date of 31 December.
    let reversal = &statement.lines[2];
    assert_eq!(
        (reversal.row, reversal.booked_on, reversal.amount),
        (20, ymd(2024, 1, 2), dec("20"))
    );
    assert_eq!(reversal.remark.as_deref(), Some("Storno Lastschrift"));
    assert_eq!(reversal.reference, None);
    assert_eq!(reversal.bank_ref, None);
    assert_eq!(statement.lines[3].reference.as_deref(), Some("REF-2"));
    assert_eq!(statement.lines[3].remark, None);
    assert_eq!(
        statement.gaps,
        vec![BalanceGap {
            statement: "00002/001".into(),
            expected: dec("1507.51"),
            found: dec("1500"),
            kind: GapKind::Closing,
        }]
    );
}

#[test]
fn reads_messages_without_envelopes_and_finds_an_opening_gap() {
    let text = "\
:20:A\n:25:6222020200112233445\n:60F:C240301CNY100,\n:61:240301C50,NTRFNONREF\n:62F:C240301CNY150,\n-\n\
:20:B\n:25:6222020200112233445\n:60F:D240302CNY10,\n:62F:D240302CNY10,\n-\n";
    let statement = parse(text.as_bytes(), None, Limits::default()).unwrap();
    assert_eq!(statement.lines.len(), 1);
    assert_eq!(statement.currency.as_deref(), Some("CNY"));
    assert_eq!(statement.closing_balance, Some(dec("-10")));
    assert_eq!(
        statement.gaps,
        vec![BalanceGap {
            statement: "B".into(),
            expected: dec("150"),
            found: dec("-10"),
            kind: GapKind::Opening,
        }]
    );
}

#[test]
fn names_bad_fields_by_line_and_tag() {
    let text = "\
:20:X\n:60F:C240301EUR100,00\n\
:61:241301C1,00NTRFA\n\
:61:240301C1.00NTRFB\n\
:61:240301X1,00NTRFC\n\
:61:240301C1,00\n\
:61:240301C0,NTRFE\n\
:62F:C240301EUR1X\n";
    let problems = parse(text.as_bytes(), None, Limits::default()).unwrap_err();
    let kinds: Vec<(Option<usize>, Option<String>, ProblemKind)> = problems
        .into_iter()
        .map(|p| (p.row, p.column, p.kind))
        .collect();
    let tag = |t: &str| Some(t.to_owned());
    assert_eq!(
        kinds[0],
        (
            Some(3),
            tag(":61:"),
            ProblemKind::BadDate {
                value: "241301".into()
            }
        )
    );
    assert_eq!(
        kinds[1],
        (
            Some(4),
            tag(":61:"),
            ProblemKind::BadAmount { value: "1".into() }
        )
    );
    assert!(matches!(
        &kinds[2],
        (Some(5), _, ProblemKind::Malformed { .. })
    ));
    assert!(matches!(
        &kinds[3],
        (Some(6), _, ProblemKind::Malformed { .. })
    ));
    assert_eq!(kinds[4], (Some(7), tag(":61:"), ProblemKind::NoAmount));
    assert_eq!(
        kinds[5],
        (
            Some(8),
            tag(":62F:"),
            ProblemKind::BadAmount { value: "1X".into() }
        )
    );
    assert_eq!(kinds.len(), 6);
}

#[test]
fn refuses_missing_balances_stray_text_and_too_many_lines() {
    let problems = parse(b":20:X\n:61:240301C1,00NTRFA\n", None, Limits::default()).unwrap_err();
    let missing: Vec<ProblemKind> = problems.into_iter().map(|p| p.kind).collect();
    assert_eq!(
        missing,
        vec![
            ProblemKind::Missing {
                what: ":60F:".into()
            },
            ProblemKind::Missing {
                what: ":62F:".into()
            },
        ]
    );

    let problems = parse(b"hello\n:20:X\n", None, Limits::default()).unwrap_err();
    assert_eq!(problems[0].row, Some(1));
    assert!(matches!(problems[0].kind, ProblemKind::Malformed { .. }));

    let problems = parse(b"", None, Limits::default()).unwrap_err();
    assert_eq!(problems, only(ProblemKind::UnknownFormat));

    let mut text = String::from(":20:X\n:60F:C240301EUR0,\n");
    for _ in 0..4 {
        text.push_str(":61:240301C1,00NTRFA\n:86:x\n");
    }
    text.push_str(":62F:C240301EUR4,\n");
    let limits = Limits {
        max_lines: 3,
        ..Limits::default()
    };
    let problems = parse(text.as_bytes(), None, limits).unwrap_err();
    assert_eq!(
        problems,
        vec![Problem {
            row: Some(9),
            column: None,
            kind: ProblemKind::TooManyLines { limit: 3 },
        }]
    );
    let limits = Limits {
        max_lines: 4,
        ..Limits::default()
    };
    assert_eq!(parse(text.as_bytes(), None, limits).unwrap().gaps, vec![]);
}

#[test]
fn reads_subfields_and_envelopes() {
    assert_eq!(subfields("?20a?21b"), Some(vec![(20, "a"), (21, "b")]));
    assert_eq!(
        subfields("166?00X?20what? no?21y"),
        Some(vec![(0, "X"), (20, "what? no"), (21, "y")])
    );
    assert_eq!(subfields("Miete Januar"), None);
    assert_eq!(subfields("123 Main St"), None);
    assert_eq!(strip_envelope("{1:A}{2:B}{3:{108:C}}{4:"), Some(""));
    assert_eq!(strip_envelope("{5:{CHK:1}}"), Some(""));
    assert_eq!(strip_envelope("{1:A"), None);
    assert_eq!(split_tag(":28C:1/1"), Some(("28C", "1/1")));
    assert_eq!(split_tag(":86:a:b"), Some(("86", "a:b")));
    assert_eq!(split_tag(":abc:"), None);
}

#[test]
fn reads_a_gbk_statement_when_the_mapping_says_so() {
    let text = ":20:X\n:60F:C240301CNY0,\n:61:240301C5,NTRFNONREF\n:86:货款\n:62F:C240301CNY5,\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    assert!(parse(&bytes, None, Limits::default()).is_err());
    let mapping = CsvMapping {
        encoding: Some("GBK".into()),
        ..CsvMapping::default()
    };
    let statement = parse(&bytes, Some(&mapping), Limits::default()).unwrap();
    assert_eq!(statement.lines[0].remark.as_deref(), Some("货款"));
}
