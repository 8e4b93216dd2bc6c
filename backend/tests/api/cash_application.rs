//! Cash application (收款核销): statements imported once per line, lines matched with reasons,
//! applied (by a person, or by themselves above the company's threshold), split, linked to a
//! keyed payment, ignored and undone; two people applying one line make one payment.

use crate::helpers::{TestApp, count, error_codes, spawn_app};
use crate::kit::TestTenant;
use chrono::NaiveDate;
use serde_json::{Value, json};

const TODAY: &str = "2026-11-30";

const LINE: &str = "id status direction bookedOn amount { amount currency } payerName remark
    appliedHow autoApplied ignoreReason
    suggestions { customer { id name } invoices { invoice { id number } amount { amount } }
        paymentId confidence reasons { code params message } }
    payments { id amount { amount } reversed method bankTransaction { id bankAccountName } }";

fn today() -> NaiveDate {
    TODAY.parse().unwrap_or_default()
}

async fn gql(t: &TestTenant<'_>, query: &str, variables: Value) -> Value {
    t.app
        .graphql_as(&t.owner.access_token, query, variables)
        .await
}

async fn ok(t: &TestTenant<'_>, query: &str, variables: Value, field: &str) -> Value {
    let body = gql(t, query, variables).await;
    assert!(body.get("errors").is_none(), "{field}: {body}");
    body["data"][field].clone()
}

async fn bank_account(t: &TestTenant<'_>, number: &str, mapping: Option<Value>) -> String {
    let created = ok(
        t,
        "mutation($input: CreateBankAccountInput!) { createBankAccount(input: $input) {
            bankAccount { id currency } } }",
        json!({ "input": { "name": "招商银行 基本户", "bankName": "招商银行",
            "accountNumber": number, "currency": "CNY" } }),
        "createBankAccount",
    )
    .await;
    let id = created["bankAccount"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if let Some(mapping) = mapping {
        ok(
            t,
            "mutation($input: UpdateBankAccountInput!) { updateBankAccount(input: $input) {
                bankAccount { id csvMapping { date credit } } } }",
            json!({ "input": { "bankAccountId": id, "csvMapping": mapping } }),
            "updateBankAccount",
        )
        .await;
    }
    id
}

/// Posts a statement file; the status and the JSON answer.
async fn upload(t: &TestTenant<'_>, account: &str, query: &str, body: Vec<u8>) -> (u16, Value) {
    let response = t
        .app
        .client
        .post(t.app.url(&format!(
            "/api/bank-statements?bankAccountId={account}{query}"
        )))
        .bearer_auth(&t.owner.access_token)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Waits (up to 20 s) until every import's matching is done.
async fn matched(t: &TestTenant<'_>) {
    for _ in 0..200 {
        let imports = ok(
            t,
            "{ bankStatementImports(first: 50) { nodes { matchStatus } } }",
            json!({}),
            "bankStatementImports",
        )
        .await;
        let waiting = imports["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|node| node["matchStatus"] != "DONE");
        let jobs = count(
            &t.app.db,
            "SELECT count(*) FROM public.jobs WHERE kind = 'bank.match' AND finished_at IS NULL",
        )
        .await;
        if !waiting && jobs == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("matching did not finish");
}

async fn lines(t: &TestTenant<'_>, language: Option<&str>) -> Vec<Value> {
    let body = t
        .app
        .graphql_in(
            &t.owner.access_token,
            language,
            &format!("{{ bankTransactions(first: 100) {{ nodes {{ {LINE} }} }} }}"),
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let mut nodes = body["data"]["bankTransactions"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    nodes.sort_by_key(|n| n["amount"]["amount"].as_str().unwrap_or("").to_owned());
    nodes
}

fn by_remark<'a>(lines: &'a [Value], remark: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["remark"].as_str().is_some_and(|r| r.contains(remark)))
        .unwrap_or(&Value::Null)
}

fn camt(entries: &str, opening: &str, closing: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-11-30T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>S-2026-11-30</Id>
      <FrToDt><FrDtTm>2026-11-28T00:00:00</FrDtTm><ToDtTm>2026-11-30T23:59:59</ToDtTm></FrToDt>
      <Acct><Id><Othr><Id>6225880100001</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">{opening}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-28</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">{closing}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>
      {entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>"#
    )
    .into_bytes()
}

fn entry(
    bank_ref: &str,
    amount: &str,
    credit: bool,
    payer: &str,
    account: &str,
    remark: &str,
) -> String {
    let indicator = if credit { "CRDT" } else { "DBIT" };
    format!(
        r#"<Ntry><Amt Ccy="CNY">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-29</Dt></BookgDt><AcctSvcrRef>{bank_ref}</AcctSvcrRef>
        <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr><DbtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></DbtrAcct></RltdPties>
          <RmtInf><Ustrd>{remark}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"#
    )
}

struct Company<'a> {
    t: TestTenant<'a>,
    /// Customer id and its invoices (id, number), in order issued.
    a: (String, Vec<(String, String)>),
    b: (String, Vec<(String, String)>),
}

/// A company with two customers: 甲 with invoices of 1,000, 2,500 and 700; 乙 with 4,321.
async fn company(app: &TestApp) -> Company<'_> {
    app.set_today(today()).await;
    let t = TestTenant::sign_up(app, "现金核销公司").await;
    let api = t.api();
    let a = api
        .create_customer("A", json!({ "name": "上海甲贸易有限公司" }))
        .await;
    let b = api
        .create_customer("B", json!({ "name": "乙科技（北京）有限公司" }))
        .await;
    let mut a_invoices = Vec::new();
    for amount in ["1000", "2500", "700"] {
        let invoice = api.issue_invoice(&a.id, amount, json!({})).await;
        a_invoices.push((invoice.id, invoice.number.unwrap_or_default()));
    }
    let invoice = api.issue_invoice(&b.id, "4321", json!({})).await;
    let b_invoices = vec![(invoice.id, invoice.number.unwrap_or_default())];
    Company {
        t,
        a: (a.id, a_invoices),
        b: (b.id, b_invoices),
    }
}

#[tokio::test]
async fn a_camt_statement_is_imported_once_and_matched_with_reasons_in_the_readers_language() {
    let app = spawn_app().await;
    let Company { t, a, b } = company(&app).await;
    let account = bank_account(&t, "6225880100001", None).await;
    let second = &a.1[1].1;
    let entries = [
        entry(
            "B-1",
            "2500.00",
            true,
            "上海甲贸易有限公司",
            "31001",
            &format!("货款 {second}"),
        ),
        entry(
            "B-2",
            "4321.00",
            true,
            "乙科技(北京)有限公司",
            "62220",
            "十一月货款",
        ),
        entry("B-3", "15.00", false, "招商银行", "", "手续费"),
        entry("B-4", "88.00", true, "陌生公司", "99999", "往来款"),
    ]
    .join("\n");
    let file = camt(&entries, "10000.00", "16894.00");
    let (status, import) = upload(&t, &account, "", file.clone()).await;
    assert_eq!(status, 200, "{import}");
    assert_eq!(import["format"], "CAMT053");
    assert_eq!(
        (import["lines"].as_i64(), import["added"].as_i64()),
        (Some(4), Some(4))
    );
    assert_eq!(import["closingBalance"]["amount"], "16894.00", "{import}");
    assert_eq!(import["gaps"], json!([]));

    // The same file again adds nothing and says so.
    let (status, again) = upload(&t, &account, "", file).await;
    assert_eq!(status, 200);
    assert_eq!(
        (again["added"].as_i64(), again["alreadyPresent"].as_i64()),
        (Some(0), Some(4))
    );
    assert_eq!(
        count(
            &app.db,
            &format!(
                "SELECT count(*) FROM \"{}\".bank_transactions",
                t.id().schema_name()
            )
        )
        .await,
        4
    );

    matched(&t).await;
    let zh = lines(&t, Some("zh-CN")).await;
    let named = by_remark(&zh, second);
    assert_eq!(named["status"], "SUGGESTED", "{named}");
    let best = &named["suggestions"][0];
    assert_eq!(best["customer"]["id"], a.0.as_str());
    assert_eq!(best["invoices"][0]["invoice"]["number"], second.as_str());
    assert_eq!(best["confidence"], "0.99");
    assert_eq!(best["reasons"][0]["code"], "INVOICE_NUMBER");
    assert_eq!(
        best["reasons"][0]["message"],
        format!("附言中写有发票号 {second}。")
    );
    // The payer's name is the customer's, written with half-width brackets.
    let by_name = by_remark(&zh, "十一月");
    assert_eq!(by_name["suggestions"][0]["customer"]["id"], b.0.as_str());
    assert_eq!(
        by_name["suggestions"][0]["reasons"][0]["code"],
        "PAYER_IS_CUSTOMER"
    );
    // Money out has no status; an unknown payer with no fitting amount has no suggestion.
    let fee = by_remark(&zh, "手续费");
    assert_eq!(
        (fee["direction"].as_str(), fee["status"].as_str()),
        (Some("OUT"), None)
    );
    assert_eq!(by_remark(&zh, "往来款")["status"], "UNMATCHED");
    let en = lines(&t, Some("en")).await;
    assert_eq!(
        by_remark(&en, second)["suggestions"][0]["reasons"][0]["message"],
        format!("The remark names invoice {second}.")
    );
    // Reading applied nothing.
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{}\".payments", t.id().schema_name())
        )
        .await,
        0
    );

    // Counts and amounts by status.
    let totals = ok(
        &t,
        "{ bankTransactionTotals { status direction count amount { amount } } }",
        json!({}),
        "bankTransactionTotals",
    )
    .await;
    let suggested = totals
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["status"] == "SUGGESTED")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            suggested["count"].as_i64(),
            suggested["amount"]["amount"].as_str()
        ),
        (Some(2), Some("6821.00"))
    );
}

#[tokio::test]
async fn above_the_threshold_a_line_applies_itself_and_is_a_payment_like_any_other() {
    let app = spawn_app().await;
    let Company { t, a, .. } = company(&app).await;
    let settings = ok(
        &t,
        "mutation { updateCompanySettings(input: { cashApplication: { autoApplyConfidence: \"0.9\" } }) {
            settings { cashApplication { autoApplyConfidence } } } }",
        json!({}),
        "updateCompanySettings",
    )
    .await;
    assert_eq!(
        settings["settings"]["cashApplication"]["autoApplyConfidence"],
        "0.90"
    );
    let refused = gql(
        &t,
        "mutation { updateCompanySettings(input: { cashApplication: { autoApplyConfidence: \"0.3\" } }) { settings { company { locale } } } }",
        json!({}),
    )
    .await;
    assert_eq!(error_codes(&refused), ["VALIDATION"], "{refused}");
    assert_eq!(
        refused["errors"][0]["extensions"]["reason"],
        "CONFIDENCE_OUT_OF_RANGE"
    );
    assert_eq!(
        refused["errors"][0]["extensions"]["field"],
        "input.cashApplication.autoApplyConfidence"
    );

    let account = bank_account(&t, "6225880100001", None).await;
    let first = &a.1[0].1;
    // One character off: a letter O for the zero after the prefix (a changed last digit
    // would be one off every neighbouring number too, and match none).
    let near = a.1[2].1.replacen("-0", "-O", 1);
    let entries = [
        entry("C-1", "1000.00", true, "某某", "1", &format!("付{first}")),
        // 700 is invoice three's balance, named one character off: applies itself too.
        entry("C-2", "700.00", true, "某某", "2", &near),
        // Named exactly but a part payment below the balance of 2,500 of invoice two.
        entry(
            "C-3",
            "300.00",
            true,
            "某某",
            "3",
            &format!("{} 部分", a.1[1].1),
        ),
    ]
    .join("\n");
    let (status, import) = upload(
        &t,
        &account,
        "&format=CAMT053",
        camt(&entries, "0", "2000.00"),
    )
    .await;
    assert_eq!(status, 200, "{import}");
    matched(&t).await;
    let all = lines(&t, None).await;
    let applied: Vec<&Value> = all.iter().filter(|l| l["status"] == "APPLIED").collect();
    assert_eq!(applied.len(), 3, "{all:#?}");
    assert!(applied.iter().all(|l| l["autoApplied"] == true));
    let payment = &by_remark(&all, first)["payments"][0];
    assert_eq!(payment["method"], "BANK_TRANSFER");
    assert_eq!(
        payment["bankTransaction"]["bankAccountName"],
        "招商银行 基本户"
    );
    let invoice = t
        .api()
        .invoice(&a.1[0].0)
        .await
        .unwrap_or_else(|| panic!("invoice"));
    assert_eq!(invoice.status, "PAID");
    let partial = t
        .api()
        .invoice(&a.1[1].0)
        .await
        .unwrap_or_else(|| panic!("invoice"));
    assert_eq!(partial.balance_due.amount, "2200.00");
    let imports = ok(
        &t,
        "{ bankStatementImports(first: 5) { nodes { matchStatus matched autoApplied } } }",
        json!({}),
        "bankStatementImports",
    )
    .await;
    assert_eq!(imports["nodes"][0]["autoApplied"], 3);
    // The audit log has each apply.
    let schema = t.id().schema_name();
    assert_eq!(count(&app.db, &format!("SELECT count(*) FROM \"{schema}\".audit_log WHERE action = 'bank_transaction.applied'")).await, 3);
}

const APPLY: &str = "mutation($input: ApplyBankTransactionInput!) {
    applyBankTransaction(input: $input) { bankTransaction { id status appliedHow
        payments { id amount { amount } customer { id } allocations { invoiceId amount { amount } } } } } }";

#[tokio::test]
async fn a_person_applies_splits_links_ignores_and_undoes() {
    let app = spawn_app().await;
    let Company { t, a, b } = company(&app).await;
    let account = bank_account(&t, "6225880100001", None).await;
    // A payment keyed by hand two days before the bank booked it.
    t.api()
        .record_payment(
            json!({ "customerId": b.0, "amount": "4321", "currency": "CNY",
            "method": "BANK_TRANSFER", "receivedOn": "2026-11-27" }),
        )
        .await;
    let entries = [
        entry(
            "D-1",
            "2500.00",
            true,
            "上海甲贸易有限公司",
            "31001",
            &a.1[1].1,
        ),
        entry(
            "D-2",
            "5000.00",
            true,
            "集团财务公司",
            "77777",
            "两家合并付款",
        ),
        entry(
            "D-3",
            "4321.00",
            true,
            "乙科技（北京）有限公司",
            "62220",
            "货款",
        ),
        entry("D-4", "20.00", true, "招商银行", "0", "利息"),
    ]
    .join("\n");
    let (status, _) = upload(&t, &account, "", camt(&entries, "0", "11841.00")).await;
    assert_eq!(status, 200);
    matched(&t).await;
    let all = lines(&t, None).await;
    let id = |remark: &str| {
        by_remark(&all, remark)["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };

    // The keyed payment is offered as itself, never as a second payment.
    let keyed = by_remark(&all, "货款");
    assert!(keyed["suggestions"][0]["paymentId"].is_string(), "{keyed}");
    assert_eq!(keyed["suggestions"].as_array().map(Vec::len), Some(1));

    // Apply in one click: the best suggestion; a retry with the key answers the same.
    let one_click = json!({ "input": { "transactionId": id(&a.1[1].1), "idempotencyKey": "k-1" } });
    let applied = ok(&t, APPLY, one_click.clone(), "applyBankTransaction").await;
    assert_eq!(applied["bankTransaction"]["status"], "APPLIED");
    assert_eq!(
        applied["bankTransaction"]["payments"][0]["allocations"][0]["invoiceId"],
        a.1[1].0.as_str()
    );
    let again = ok(&t, APPLY, one_click, "applyBankTransaction").await;
    assert_eq!(
        again["bankTransaction"]["payments"],
        applied["bankTransaction"]["payments"]
    );
    let twice = gql(
        &t,
        APPLY,
        json!({ "input": { "transactionId": id(&a.1[1].1) } }),
    )
    .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"], "{twice}");
    assert_eq!(
        twice["errors"][0]["extensions"]["reason"],
        "BANK_LINE_NOT_OPEN"
    );

    // Split across two customers: parts must add up to the line exactly.
    let split = |second: &str| {
        json!({ "input": { "transactionId": id("两家"), "parts": [
            { "customerId": a.0, "amount": "1700", "allocations": [
                { "invoiceId": a.1[0].0, "amount": "1000" }, { "invoiceId": a.1[2].0, "amount": "700" }] },
            { "customerId": b.0, "amount": second }] } })
    };
    let short = gql(&t, APPLY, split("3000")).await;
    assert_eq!(
        short["errors"][0]["extensions"]["reason"], "BANK_PARTS_DO_NOT_ADD_UP",
        "{short}"
    );
    let over = gql(&t, APPLY, json!({ "input": { "transactionId": id("两家"), "parts": [
        { "customerId": a.0, "amount": "5000", "allocations": [{ "invoiceId": a.1[0].0, "amount": "5000" }] }] } })).await;
    assert_eq!(
        over["errors"][0]["extensions"]["field"], "input.parts[0].allocations[0].amount",
        "{over}"
    );
    let done = ok(&t, APPLY, split("3300"), "applyBankTransaction").await;
    let payments = done["bankTransaction"]["payments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(payments.len(), 2, "{done}");

    // Link the keyed payment.
    let payment_id = keyed["suggestions"][0]["paymentId"].clone();
    let linked = ok(
        &t,
        "mutation($input: LinkBankTransactionInput!) { linkBankTransaction(input: $input) {
            bankTransaction { status appliedHow payments { id } } } }",
        json!({ "input": { "transactionId": id("货款"), "paymentId": payment_id } }),
        "linkBankTransaction",
    )
    .await;
    assert_eq!(linked["bankTransaction"]["appliedHow"], "LINKED");
    assert_eq!(linked["bankTransaction"]["payments"][0]["id"], payment_id);

    // Ignore interest with a reason; then undo it.
    let ignore =
        "mutation($input: BankTransactionReasonInput!) { ignoreBankTransaction(input: $input) {
        bankTransaction { status ignoreReason } } }";
    let ignored = ok(
        &t,
        ignore,
        json!({ "input": { "transactionId": id("利息"), "reason": "银行利息" } }),
        "ignoreBankTransaction",
    )
    .await;
    assert_eq!(ignored["bankTransaction"]["status"], "IGNORED");
    let undo =
        "mutation($input: BankTransactionReasonInput!) { undoBankTransaction(input: $input) {
        bankTransaction { status payments { reversed } } } }";
    let back = ok(
        &t,
        undo,
        json!({ "input": { "transactionId": id("利息"), "reason": "误操作" } }),
        "undoBankTransaction",
    )
    .await;
    assert_eq!(back["bankTransaction"]["status"], "UNMATCHED");

    // Undo the split: both payments reversed, the invoices open again.
    let undone = ok(
        &t,
        undo,
        json!({ "input": { "transactionId": id("两家"), "reason": "分错了" } }),
        "undoBankTransaction",
    )
    .await;
    assert_eq!(undone["bankTransaction"]["status"], "UNMATCHED");
    assert!(
        undone["bankTransaction"]["payments"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|p| p["reversed"] == true)
    );
    let first = t
        .api()
        .invoice(&a.1[0].0)
        .await
        .unwrap_or_else(|| panic!("invoice"));
    assert_eq!(first.balance_due.amount, "1000.00");
    let schema = t.id().schema_name();
    for action in ["applied", "linked", "ignored", "undone"] {
        assert!(count(&app.db, &format!("SELECT count(*) FROM \"{schema}\".audit_log WHERE action = 'bank_transaction.{action}'")).await >= 1, "{action}");
    }
    // Applying learned the payer: a later line from the same account is matched by it.
    assert!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".bank_payers WHERE value = '31001'")
        )
        .await
            == 1
    );

    // A payment reversed by hand (not through the line's undo) frees its line: it waits again.
    let payment = applied["bankTransaction"]["payments"][0]["id"].clone();
    ok(
        &t,
        "mutation($input: ReversePaymentInput!) { reversePayment(input: $input) { payment { id } } }",
        json!({ "input": { "paymentId": payment, "reason": "退票" } }),
        "reversePayment",
    )
    .await;
    let freed = by_remark(&lines(&t, None).await, &a.1[1].1).clone();
    assert_eq!(freed["status"], "SUGGESTED", "{freed:#}");
    assert_eq!(freed["appliedHow"], Value::Null);
    assert_eq!(freed["payments"][0]["reversed"], true);
    // And it can be applied again.
    let again = ok(
        &t,
        APPLY,
        json!({ "input": { "transactionId": id(&a.1[1].1) } }),
        "applyBankTransaction",
    )
    .await;
    assert_eq!(again["bankTransaction"]["status"], "APPLIED");
}

#[tokio::test]
async fn two_people_applying_one_line_at_once_make_one_payment() {
    let app = spawn_app().await;
    let Company { t, a, .. } = company(&app).await;
    let account = bank_account(&t, "6225880100001", None).await;
    let entries = entry("E-1", "1000.00", true, "某某", "1", &a.1[0].1);
    upload(&t, &account, "", camt(&entries, "0", "1000.00")).await;
    matched(&t).await;
    let line = lines(&t, None).await[0]["id"].clone();
    let input = json!({ "input": { "transactionId": line, "parts": [{ "customerId": a.0, "amount": "1000" }] } });
    let (one, two) = tokio::join!(gql(&t, APPLY, input.clone()), gql(&t, APPLY, input));
    let outcomes = [error_codes(&one), error_codes(&two)];
    assert!(
        outcomes.contains(&vec![]) && outcomes.contains(&vec!["CONFLICT".to_owned()]),
        "{one} {two}"
    );
    let schema = t.id().schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".payments")
        )
        .await,
        1
    );
}

/// A GBK export of a Chinese bank, with two title rows above the table.
fn gbk_csv(rows: &[(&str, &str, &str, &str, &str)]) -> Vec<u8> {
    let mut text = String::from(
        "招商银行对公账户交易明细\n账号：6225880100001,币种：人民币\n交易日期,摘要,借方发生额,贷方发生额,余额,对方户名,对方账号,附言\n",
    );
    for (date, debit, credit, payer, remark) in rows {
        text.push_str(&format!(
            "{date},转账,{debit},{credit},0,{payer},6222000011112222,{remark}\n"
        ));
    }
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    bytes.into_owned()
}

#[tokio::test]
async fn a_gbk_csv_with_title_rows_is_read_through_the_accounts_mapping_and_problems_are_named() {
    let app = spawn_app().await;
    let Company { t, a, .. } = company(&app).await;
    let mapping = json!({ "encoding": "GBK", "date": "交易日期", "debit": "借方发生额",
        "credit": "贷方发生额", "payerName": "对方户名", "payerAccount": "对方账号", "remark": "附言",
        "balance": "余额" });
    let account = bank_account(&t, "6225880100001", Some(mapping)).await;
    let file = gbk_csv(&[
        ("2026-11-29", "", "1000.00", "上海甲贸易有限公司", &a.1[0].1),
        ("2026-11-29", "15.00", "", "招商银行", "手续费"),
    ]);
    let (status, dry) = upload(&t, &account, "&dryRun=true", file.clone()).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(
        (dry["dryRun"].as_bool(), dry["added"].as_i64()),
        (Some(true), Some(2))
    );
    let schema = t.id().schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".bank_transactions")
        )
        .await,
        0
    );
    let (status, import) = upload(&t, &account, "", file).await;
    assert_eq!(
        (status, import["format"].as_str()),
        (200, Some("CSV")),
        "{import}"
    );
    assert_eq!(import["added"], 2);

    // A bad date is named by row and column, and nothing is written.
    let bad = gbk_csv(&[("2026-13-01", "", "5.00", "某某", "x")]);
    let (status, refused) = upload(&t, &account, "", bad).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["problems"][0]["code"], "BANK_STATEMENT_BAD_DATE");
    assert_eq!(refused["problems"][0]["row"], 4);
    assert_eq!(refused["problems"][0]["column"], "交易日期");
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".bank_transactions")
        )
        .await,
        2
    );
    // A CSV for an account with no mapping cannot be read.
    let bare = bank_account(&t, "999", None).await;
    let (status, body) = upload(&t, &bare, "&format=CSV", b"a,b\n1,2\n".to_vec()).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["reason"],
        "BANK_MAPPING_NEEDED"
    );
}

#[tokio::test]
async fn undoing_a_line_follows_the_payment_reversal_policy() {
    let app = spawn_app().await;
    let Company { t, a, .. } = company(&app).await;
    let account = bank_account(&t, "6225880100001", None).await;
    let entries = entry("F-1", "1000.00", true, "某某", "1", &a.1[0].1);
    upload(&t, &account, "", camt(&entries, "0", "1000.00")).await;
    matched(&t).await;
    let line = lines(&t, None).await[0]["id"].clone();
    ok(
        &t,
        APPLY,
        json!({ "input": { "transactionId": line } }),
        "applyBankTransaction",
    )
    .await;
    ok(
        &t,
        "mutation($input: SaveApprovalPolicyInput!) { saveApprovalPolicy(input: $input) { policy { action } } }",
        json!({ "input": { "action": "PAYMENT_REVERSAL", "enabled": true, "thresholds": [
            { "currency": "CNY", "above": "500", "levels": [{ "role": "OWNER" }] }] } }),
        "saveApprovalPolicy",
    )
    .await;
    let undo =
        "mutation($input: BankTransactionReasonInput!) { undoBankTransaction(input: $input) {
        bankTransaction { status } } }";
    let refused = gql(
        &t,
        undo,
        json!({ "input": { "transactionId": line, "reason": "退回" } }),
    )
    .await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{refused}");
    assert_eq!(
        refused["errors"][0]["extensions"]["reason"],
        "APPROVAL_REQUIRED"
    );
    // Nothing changed: the line is applied and its payment stands.
    assert_eq!(lines(&t, None).await[0]["status"], "APPLIED");
    let schema = t.id().schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{schema}\".payment_reversals")
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_generated_statement_in_the_benchmarks_mix_is_applied_rightly_above_the_threshold() {
    use duely_backend::demo::statement::{STATEMENT_ACCOUNT, generate_statement, seed_statement};
    let app = spawn_app().await;
    app.set_today(today()).await;
    let email = app.email("generated-owner");
    let owner = app.sign_up("生成公司", &email).await;
    let t = TestTenant {
        app: &app,
        name: "生成公司".to_owned(),
        owner,
    };
    let size = duely_backend::demo::ledger::LedgerSize {
        customers: 60,
        invoices: 1_500,
        months: 6,
    };
    app.generate_ledger(t.id(), size).await;
    ok(
        &t,
        "mutation { updateCompanySettings(input: { cashApplication: { autoApplyConfidence: \"0.90\" } }) { settings { company { locale } } } }",
        json!({}),
        "updateCompanySettings",
    )
    .await;
    let generated = seed_statement(&app.db, t.id(), &email, 300, 7)
        .await
        .unwrap();
    // The same seed gives the same statement.
    let again = generate_statement(
        &app.db,
        t.id(),
        300,
        7,
        today() - chrono::Duration::days(1),
        STATEMENT_ACCOUNT,
    )
    .await
    .unwrap();
    assert_eq!(again.camt053, generated.camt053);
    let accounts = ok(
        &t,
        "{ bankAccounts { id accountNumber } }",
        json!({}),
        "bankAccounts",
    )
    .await;
    let account = accounts[0]["id"].as_str().unwrap_or_default().to_owned();
    let (status, import) = upload(&t, &account, "", generated.camt053.into_bytes()).await;
    assert_eq!(status, 200, "{import}");
    assert_eq!(
        import["added"].as_u64(),
        Some(generated.truth.len() as u64),
        "{import}"
    );
    matched(&t).await;

    let schema = t.id().schema_name();
    #[derive(sea_orm::FromQueryResult)]
    struct Applied {
        bank_ref: String,
        invoice_id: uuid::Uuid,
        amount: rust_decimal::Decimal,
    }
    use sea_orm::FromQueryResult;
    let applied = Applied::find_by_statement(sea_orm::Statement::from_string(
        sea_orm::DbBackend::Postgres,
        format!(
            "SELECT t.bank_ref, a.invoice_id, a.amount FROM \"{schema}\".bank_transactions t
             JOIN \"{schema}\".payments p ON p.bank_transaction_id = t.id
             JOIN \"{schema}\".allocations a ON a.payment_id = p.id WHERE t.auto_applied"
        ),
    ))
    .all(&app.db)
    .await
    .unwrap();
    let mut got: std::collections::HashMap<String, Vec<(uuid::Uuid, rust_decimal::Decimal)>> =
        Default::default();
    for row in applied {
        got.entry(row.bank_ref)
            .or_default()
            .push((row.invoice_id, row.amount));
    }
    let (mut paying, mut right) = (0, 0);
    for (reference, (kind, paid)) in &generated.truth {
        let mut expected = paid.clone();
        expected.sort();
        let mut made = got.get(reference).cloned().unwrap_or_default();
        made.sort();
        if !made.is_empty() {
            assert_eq!(made, expected, "{kind} line {reference} applied wrongly");
        }
        if !paid.is_empty() {
            paying += 1;
            right += usize::from(!made.is_empty());
        }
    }
    assert!(
        right * 100 >= paying * 90,
        "{right} of {paying} applied automatically"
    );
}

#[tokio::test]
async fn a_statement_reference_in_the_remark_pays_that_statement_and_applies_itself() {
    let app = spawn_app().await;
    let Company { t, b, .. } = company(&app).await;
    ok(
        &t,
        "mutation { updateCompanySettings(input: { cashApplication: { autoApplyConfidence: \"0.9\" } }) { settings { company { locale } } } }",
        json!({}),
        "updateCompanySettings",
    )
    .await;
    // 乙's statement (closing 4,321.00), sent twice: each send is numbered.
    let send =
        "mutation($input: SendStatementInput!) { sendStatement(input: $input) { references } }";
    let input = json!({ "input": { "customerId": b.0, "from": "2026-11-01", "to": TODAY,
        "email": app.email("finance-b") } });
    let first = ok(&t, send, input.clone(), "sendStatement").await["references"][0].clone();
    let second = ok(&t, send, input, "sendStatement").await["references"][0].clone();
    let (first, second) = (
        first.as_str().unwrap_or_default().to_owned(),
        second.as_str().unwrap_or_default().to_owned(),
    );
    assert_ne!(first, second);

    let account = bank_account(&t, "6225880100001", None).await;
    // A stranger pays quoting the statement; another quotes it one character off with an
    // amount that is not its closing balance.
    let slip = format!("ST0{}", &second[2..]);
    let entries = [
        entry(
            "S-1",
            "4321.00",
            true,
            "丙某",
            "9",
            &format!("付对账单{second}"),
        ),
        entry("S-2", "21.00", true, "丁某", "8", &format!("{slip} 尾款")),
    ]
    .join("\n");
    let (status, import) = upload(
        &t,
        &account,
        "&format=CAMT053",
        camt(&entries, "0", "4342.00"),
    )
    .await;
    assert_eq!(status, 200, "{import}");
    matched(&t).await;
    let all = lines(&t, Some("en")).await;
    let quoted = by_remark(&all, "付对账单");
    assert_eq!(quoted["status"], "APPLIED", "{all:#?}");
    assert_eq!(quoted["autoApplied"], true);
    assert_eq!(quoted["suggestions"][0]["customer"]["id"], b.0);
    assert_eq!(
        quoted["suggestions"][0]["reasons"][1]["message"],
        "The amount equals the statement's closing balance, 4321.00."
    );
    let invoice = t
        .api()
        .invoice(&b.1[0].0)
        .await
        .unwrap_or_else(|| panic!("invoice"));
    assert_eq!(invoice.status, "PAID");
    // The customer's timeline names the bank line the payment came from, and the statements.
    let timeline = ok(
        &t,
        "query($id: ID!) { customer(id: $id) { timeline(first: 20) { kind reference } } }",
        json!({ "id": b.0 }),
        "customer",
    )
    .await;
    let entries = timeline["timeline"].as_array().cloned().unwrap_or_default();
    let received = entries
        .iter()
        .find(|e| e["kind"] == "PAYMENT_RECEIVED")
        .map(|e| e["reference"].as_str().unwrap_or_default().to_owned());
    assert_eq!(
        received,
        Some("S-1 · 招商银行 基本户 2026-11-29".to_owned()),
        "{timeline:#}"
    );
    assert!(
        entries.iter().any(|e| e["kind"] == "STATEMENT_SENT"
            && e["reference"]
                .as_str()
                .is_some_and(|r| r.starts_with(&first))),
        "{timeline:#}"
    );
    // Off by one character and paying less than the statement: suggested, below the threshold.
    let slipped = by_remark(&all, &slip);
    assert_eq!(slipped["status"], "SUGGESTED", "{slipped:#}");
    assert_eq!(slipped["suggestions"][0]["confidence"], "0.75");
    assert_eq!(
        slipped["suggestions"][0]["reasons"][0]["code"],
        "STATEMENT_REFERENCE_NEAR"
    );
}
