//! No input makes a reader panic: real-shaped files of every format, with bytes replaced and
//! cut, are read through every format.

use bank_formats::{CsvMapping, Format, Limits, parse, sniff};
use proptest::prelude::*;

const CSV: &str = "账户明细\n交易日期,借方发生额,贷方发生额,对方户名,附言\n2024-03-01,,\"12,500.00\",上海明远,INV-1\n2024-03-02,(5.00),,,\n合计,5.00,12500.00,,\n";

const CAMT: &str = r#"<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>S1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct><Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal><Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-01-05</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs><RltdPties><Dbtr><Nm>A &amp; B</Nm></Dbtr></RltdPties><RmtInf><Ustrd>x</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"#;

const MT940: &str = "{1:F01AAAAAAAAAAAA0000000000}{2:I940}{4:\r\n:20:X\r\n:25:1/2\r\n:28C:1/1\r\n:60F:C240131EUR1000,00\r\n:61:2402010201CR500,00NTRFREF//B1\r\nextra\r\n:86:166?00X?20a?21b?31DE1?32N\r\n:61:240202D1,NMSCNONREF\r\n:86:free\r\ntext\r\n:62F:C240202EUR1499,00\r\n-}\r\n";

fn mapping() -> CsvMapping {
    CsvMapping {
        date: Some("交易日期".into()),
        debit: Some("借方发生额".into()),
        credit: Some("贷方发生额".into()),
        payer_name: Some("D".into()),
        remark: Some("附言".into()),
        ..CsvMapping::default()
    }
}

fn xlsx() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, "交易日期")?;
    sheet.write_string(0, 2, "贷方发生额")?;
    sheet.write_number_with_format(1, 0, 45_300.0, &date)?;
    sheet.write_number(1, 2, 5.0)?;
    workbook.save_to_buffer()
}

fn read_every_way(bytes: &[u8]) {
    let limits = Limits {
        max_lines: 50,
        max_unzipped_bytes: 1 << 20,
    };
    let _ = sniff(bytes);
    for format in [
        Format::Csv,
        Format::Xls,
        Format::Xlsx,
        Format::Camt053,
        Format::Mt940,
    ] {
        let _ = parse(format, bytes, Some(&mapping()), limits);
    }
}

fn mutated(seed: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for &(at, byte) in edits {
        if !bytes.is_empty() {
            let len = bytes.len();
            bytes[at % len] = byte;
        }
    }
    bytes.truncate(bytes.len() - cut % (bytes.len() + 1));
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn text_formats_never_panic(
        which in 0usize..3,
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<usize>(),
    ) {
        let seed = [CSV, CAMT, MT940][which].as_bytes();
        read_every_way(&mutated(seed, &edits, cut));
    }

    #[test]
    fn spreadsheets_never_panic(
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in any::<usize>(),
    ) {
        let seed = xlsx().unwrap();
        read_every_way(&mutated(&seed, &edits, cut));
        let xls = include_bytes!("fixtures/boc-export.xls");
        read_every_way(&mutated(xls, &edits, cut));
    }

    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_every_way(&bytes);
    }
}
