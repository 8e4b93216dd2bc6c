use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::{BalanceGap, Format, GapKind, sniff};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Two statements of one account: the first balances; the second opens above the first's
/// closing and does not add up to its own closing.
const TWO_STATEMENTS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-20240201</MsgId><CreDtTm>2024-02-01T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-2024-001</Id>
      <ElctrncSeqNb>1</ElctrncSeqNb>
      <FrToDt><FrDtTm>2024-01-01T00:00:00+01:00</FrDtTm><ToDtTm>2024-01-31T23:59:59+01:00</ToDtTm></FrToDt>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-01</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">1600.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-31</Dt></Dt>
      </Bal>
      <Ntry>
        <Amt Ccy="EUR">500.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2024-01-05</Dt></BookgDt>
        <ValDt><Dt>2024-01-05</Dt></ValDt>
        <AcctSvcrRef>BANKREF-0001</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>TX-0001</AcctSvcrRef><EndToEndId>E2E-INV-1001</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="EUR">500.00</Amt></TxAmt></AmtDtls>
            <RltdPties>
              <Dbtr><Nm>Müller &amp; Söhne GmbH</Nm></Dbtr>
              <DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct>
              <Cdtr><Nm>Duely Demo AG</Nm></Cdtr>
            </RltdPties>
            <RmtInf><Ustrd>Invoice INV-1001</Ustrd><Ustrd>thank you &#x263A;</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">200.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>PDNG</Sts>
        <BookgDt><Dt>2024-01-30</Dt></BookgDt>
        <AcctSvcrRef>BANKREF-0002</AcctSvcrRef>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">100.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>2024-01-20T10:15:00</DtTm></BookgDt>
        <AcctSvcrRef>BANKREF-0003</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
    </Stmt>
    <Stmt>
      <Id>STMT-2024-002</Id>
      <FrToDt><FrDtTm>2024-02-01T00:00:00</FrDtTm><ToDtTm>2024-02-29T23:59:59</ToDtTm></FrToDt>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1650.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>
      <Ntry>
        <Amt Ccy="EUR">120.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2024-02-03</Dt></BookgDt>
        <AcctSvcrRef>BANKREF-0004</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties>
            <Dbtr><Nm>Duely Demo AG</Nm></Dbtr>
            <Cdtr><Nm>Stadtwerke</Nm></Cdtr>
            <CdtrAcct><Id><Othr><Id>12345678</Id></Othr></Id></CdtrAcct>
          </RltdPties>
        </TxDtls></NtryDtls>
        <AddtlNtryInf>Lastschrift Strom</AddtlNtryInf>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"#;

#[test]
fn reads_two_statements_with_a_pending_entry_and_gaps() {
    let bytes = TWO_STATEMENTS.as_bytes();
    assert_eq!(sniff(bytes), Format::Camt053);
    let statement = crate::parse(Format::Camt053, bytes, None, Limits::default()).unwrap();
    assert_eq!(statement.account.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(statement.currency.as_deref(), Some("EUR"));
    assert_eq!(statement.period_from, Some(ymd(2024, 1, 1)));
    assert_eq!(statement.period_to, Some(ymd(2024, 2, 29)));
    assert_eq!(statement.opening_balance, Some(dec("1000.00")));
    assert_eq!(statement.closing_balance, Some(dec("1500.00")));
    assert_eq!(
        statement.lines,
        vec![
            Line {
                row: 1,
                booked_on: ymd(2024, 1, 5),
                amount: dec("500.00"),
                currency: Some("EUR".into()),
                payer_name: Some("Müller & Söhne GmbH".into()),
                payer_account: Some("DE02120300000000202051".into()),
                remark: Some("Invoice INV-1001 thank you ☺".into()),
                reference: Some("E2E-INV-1001".into()),
                bank_ref: Some("BANKREF-0001".into()),
                balance_after: None,
            },
            Line {
                row: 3,
                booked_on: ymd(2024, 1, 20),
                amount: dec("100.00"),
                currency: Some("EUR".into()),
                payer_name: None,
                payer_account: None,
                remark: None,
                reference: Some("RF18539007547034".into()),
                bank_ref: Some("BANKREF-0003".into()),
                balance_after: None,
            },
            Line {
                row: 4,
                booked_on: ymd(2024, 2, 3),
                amount: dec("-120.00"),
                currency: Some("EUR".into()),
                payer_name: Some("Stadtwerke".into()),
                payer_account: Some("12345678".into()),
                remark: Some("Lastschrift Strom".into()),
                reference: None,
                bank_ref: Some("BANKREF-0004".into()),
                balance_after: None,
            },
        ]
    );
    assert_eq!(
        statement.gaps,
        vec![
            BalanceGap {
                statement: "STMT-2024-002".into(),
                expected: dec("1600.00"),
                found: dec("1650.00"),
                kind: GapKind::Opening,
            },
            BalanceGap {
                statement: "STMT-2024-002".into(),
                expected: dec("1530.00"),
                found: dec("1500.00"),
                kind: GapKind::Closing,
            },
        ]
    );
}

#[test]
fn reads_version_08_with_prefixes_status_codes_and_parties() {
    let xml = r#"<?xml version="1.0"?>
<c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
 <c:BkToCstmrStmt>
  <c:Stmt>
   <c:Id>2024-03</c:Id>
   <c:Acct><c:Id><c:Othr><c:Id>110923456710101</c:Id></c:Othr></c:Id><c:Ccy>CNY</c:Ccy></c:Acct>
   <c:Bal><c:Tp><c:CdOrPrtry><c:Cd>PRCD</c:Cd></c:CdOrPrtry></c:Tp><c:Amt Ccy="CNY">10.00</c:Amt><c:CdtDbtInd>DBIT</c:CdtDbtInd></c:Bal>
   <c:Bal><c:Tp><c:CdOrPrtry><c:Cd>CLBD</c:Cd></c:CdOrPrtry></c:Tp><c:Amt Ccy="CNY">90.00</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd></c:Bal>
   <c:Ntry>
    <c:Amt Ccy="CNY">100.00</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd>
    <c:Sts><c:Cd>BOOK</c:Cd></c:Sts>
    <c:BookgDt><c:Dt>2024-03-04</c:Dt></c:BookgDt>
    <c:NtryDtls><c:TxDtls>
     <c:RltdPties>
      <c:Dbtr><c:Pty><c:Nm>上海明远贸易有限公司</c:Nm></c:Pty></c:Dbtr>
      <c:DbtrAcct><c:Id><c:Othr><c:Id>31001234567890</c:Id></c:Othr></c:Id></c:DbtrAcct>
     </c:RltdPties>
     <c:RmtInf><c:Ustrd><![CDATA[INV-2024-0031 <货款>]]></c:Ustrd></c:RmtInf>
    </c:TxDtls></c:NtryDtls>
   </c:Ntry>
   <c:Ntry>
    <c:Amt Ccy="CNY">5.00</c:Amt><c:CdtDbtInd>DBIT</c:CdtDbtInd>
    <c:Sts><c:Cd>PDNG</c:Cd></c:Sts>
    <c:BookgDt><c:Dt>2024-03-05</c:Dt></c:BookgDt>
   </c:Ntry>
  </c:Stmt>
 </c:BkToCstmrStmt>
</c:Document>"#;
    let statement = parse(xml.as_bytes(), Limits::default()).unwrap();
    assert_eq!(statement.account.as_deref(), Some("110923456710101"));
    assert_eq!(statement.opening_balance, Some(dec("-10.00")));
    assert_eq!(statement.gaps, vec![]);
    assert_eq!(statement.period_from, Some(ymd(2024, 3, 4)));
    let line = &statement.lines[0];
    assert_eq!(statement.lines.len(), 1);
    assert_eq!(line.payer_name.as_deref(), Some("上海明远贸易有限公司"));
    assert_eq!(line.payer_account.as_deref(), Some("31001234567890"));
    assert_eq!(line.remark.as_deref(), Some("INV-2024-0031 <货款>"));
    assert_eq!(line.currency.as_deref(), Some("CNY"));
}

fn one_entry(entry: &str) -> String {
    format!(
        r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>S</Id>{entry}</Stmt></BkToCstmrStmt></Document>"#
    )
}

#[test]
fn names_bad_entries_by_position_and_element() {
    let entries = [
        r#"<Ntry><Amt Ccy="EUR">1,00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-01-01</Dt></BookgDt></Ntry>"#,
        r#"<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-02-30</Dt></BookgDt></Ntry>"#,
        r#"<Ntry><Amt Ccy="EUR">1.00</Amt><BookgDt><Dt>2024-01-01</Dt></BookgDt></Ntry>"#,
        r#"<Ntry><CdtDbtInd>DBIT</CdtDbtInd><ValDt><Dt>2024-01-01</Dt></ValDt></Ntry>"#,
    ]
    .concat();
    let problems = parse(one_entry(&entries).as_bytes(), Limits::default()).unwrap_err();
    let at = |row, column: &str, kind| Problem {
        row: Some(row),
        column: Some(column.into()),
        kind,
    };
    let missing = |what: &str| ProblemKind::Missing { what: what.into() };
    assert_eq!(
        problems,
        vec![
            at(
                1,
                "Amt",
                ProblemKind::BadAmount {
                    value: "1,00".into()
                }
            ),
            at(
                2,
                "BookgDt",
                ProblemKind::BadDate {
                    value: "2024-02-30".into()
                }
            ),
            at(3, "CdtDbtInd", missing("CdtDbtInd")),
            at(4, "Amt", missing("Amt")),
            at(4, "BookgDt", missing("BookgDt")),
        ]
    );
}

#[test]
fn refuses_doctypes_and_entities_without_expanding_them() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<Document><BkToCstmrStmt><Stmt><Id>&lol2;</Id></Stmt></BkToCstmrStmt></Document>"#;
    let external = r#"<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document><BkToCstmrStmt><Stmt><Id>&xxe;</Id></Stmt></BkToCstmrStmt></Document>"#;
    let unknown = one_entry("<Id>&nbsp;</Id>");
    for xml in [bomb, external, unknown.as_str()] {
        let problems = parse(xml.as_bytes(), Limits::default()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            matches!(problems[0].kind, ProblemKind::Malformed { .. }),
            "{problems:?}"
        );
    }
}

#[test]
fn refuses_malformed_xml_other_documents_and_too_many_entries() {
    let problems = parse(
        b"<Document><BkToCstmrStmt></Stmt></Document>",
        Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(problems[0].kind, ProblemKind::Malformed { .. }));

    let problems = parse(
        b"<Document><CstmrCdtTrfInitn/></Document>",
        Limits::default(),
    )
    .unwrap_err();
    assert_eq!(problems, only(ProblemKind::UnknownFormat));

    let problems = parse(
        one_entry("")
            .replace("<Stmt><Id>S</Id></Stmt>", "")
            .as_bytes(),
        Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        problems,
        only(ProblemKind::Missing {
            what: "Stmt".into()
        })
    );

    let entry = r#"<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-01-01</Dt></BookgDt></Ntry>"#;
    let limits = Limits {
        max_lines: 2,
        ..Limits::default()
    };
    assert_eq!(
        parse(one_entry(&entry.repeat(2)).as_bytes(), limits)
            .unwrap()
            .lines
            .len(),
        2
    );
    let problems = parse(one_entry(&entry.repeat(3)).as_bytes(), limits).unwrap_err();
    assert_eq!(
        problems,
        vec![Problem {
            row: Some(3),
            column: None,
            kind: ProblemKind::TooManyLines { limit: 2 },
        }]
    );
}
