import { expect, test } from "./fixtures";
import { graphql } from "./api";
import { verifyAddress } from "./mail";

// Cash application (收款核销), in Chinese: the finance team adds its bank account, imports the
// bank's camt.053 statement and watches it matched; applies the line whose remark names an
// invoice in one click, splits a group's combined transfer between two customers, and undoes
// the first one, which waits again.

const password = "apply-the-cash";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "zh-CN" });

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;

function entry(ref: string, amount: string, credit: boolean, payer: string, remark: string, day: string) {
  return `<Ntry><Amt Ccy="CNY">${amount}</Amt><CdtDbtInd>${credit ? "CRDT" : "DBIT"}</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>${day}</Dt></BookgDt><AcctSvcrRef>${ref}</AcctSvcrRef>
    <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>${payer}</Nm></Dbtr></RltdPties>
    <RmtInf><Ustrd>${remark}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
}

function statement(entries: string[]) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>E2E</MsgId><CreDtTm>2026-01-01T00:00:00</CreDtTm></GrpHdr>
<Stmt><Id>E2E-1</Id><Acct><Id><Othr><Id>6225880199990001</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
${entries.join("\n")}
</Stmt></BkToCstmrStmt></Document>`;
}

test("a statement is imported, a line applied in one click, another split, and one undone", async ({ page, request }) => {
  test.slow();
  const id = stamp();
  const owner = `cash.${id}@e2e.example`;
  const token = (
    await graphql(request, SIGN_UP, { input: { companyName: "泉州茶业", name: "陈总", email: owner, password } })
  ).signUp.accessToken as string;
  const customer = async (name: string, code: string) =>
    (await graphql(request, CUSTOMER, { input: { name, code } }, token)).createCustomer.customer.id as string;
  const invoice = async (customerId: string, amount: string) =>
    (
      await graphql(
        request,
        INVOICE,
        { input: { customerId, issue: true, lines: [{ description: "铁观音", quantity: "1", unitPrice: amount }] } },
        token,
      )
    ).createInvoice.invoice as { id: string; number: string };
  const jia = await customer("厦门甲茶行有限公司", `JIA-${id}`);
  const yi = await customer("福州乙贸易有限公司", `YI-${id}`);
  await invoice(jia, "1000");
  const second = await invoice(jia, "2500");
  await invoice(jia, "700");
  await invoice(yi, "4321");
  // Yesterday, so the bank's day is never after the company's.
  const day = new Date(Date.now() - 36 * 3600 * 1000).toISOString().slice(0, 10);

  await page.goto("/login");
  await page.getByLabel("邮箱").fill(owner);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("泉州茶业");

  // The bank account.
  await page.goto("/cash");
  await expect(page.getByRole("heading", { name: "收款核销" })).toBeVisible();
  await expect(page.getByTestId("no-bank-accounts")).toBeVisible();
  await page.getByTestId("add-bank-account").click();
  const form = page.getByTestId("bank-account-form");
  await form.getByLabel("名称").fill("招商银行 基本户");
  await form.getByLabel("开户行").fill("招商银行泉州分行");
  await form.getByLabel("账号").fill("6225880199990001");
  await page.getByTestId("save-bank-account").click();
  await expect(page.getByText("银行账户已保存。")).toBeVisible();

  // The statement: one line names an invoice, one is a group's combined transfer, one a fee.
  const file = statement([
    entry("E2E-A", "2500.00", true, "厦门甲茶行有限公司", `付${second.number}货款`, day),
    entry("E2E-B", "5000.00", true, "泉州集团财务公司", "代付货款", day),
    entry("E2E-C", "12.00", false, "招商银行", "手续费", day),
  ]);
  await page.getByTestId("statement-file").setInputFiles({
    name: "camt053.xml",
    mimeType: "application/xml",
    buffer: Buffer.from(file),
  });
  await page.getByTestId("import-statement").click();
  await expect(page.getByTestId("statement-imported")).toContainText("新增 3");
  // Matching is a background job: on a loaded CI machine (a debug build, every journey at once)
  // it has taken more than the default 10 s to be picked up and finish.
  await expect(page.getByTestId("matching-progress")).toHaveAttribute("data-done", "true", { timeout: 30_000 });

  // The named invoice: its reason in Chinese, applied in one click.
  const named = page.getByTestId("cash-line").filter({ hasText: second.number });
  await expect(named.getByTestId("cash-suggested-customer")).toHaveText("厦门甲茶行有限公司");
  await expect(named.getByTestId("cash-reason").first()).toHaveText(`附言中写有发票号 ${second.number}。`);
  await named.getByTestId("cash-apply").click();
  await expect(page.getByText("已核销：发票已收款。")).toBeVisible();
  await expect(page.getByTestId("cash-line").filter({ hasText: second.number })).toHaveCount(0);

  // The combined transfer: 1,700 to 甲 (oldest first: 1,000 and 700), 3,300 to 乙.
  const combined = page.getByTestId("cash-line").filter({ hasText: "代付货款" });
  await combined.getByTestId("cash-apply-other").click();
  const dialog = page.getByTestId("cash-action-form");
  await dialog.getByTestId("cash-part-customer").selectOption({ label: `JIA-${id} · 厦门甲茶行有限公司` });
  await dialog.locator("#cash-part-amount").fill("1700");
  await dialog.getByTestId("cash-add-part").click();
  await dialog.getByTestId("cash-extra-customer").selectOption({ label: `YI-${id} · 福州乙贸易有限公司` });
  await dialog.getByTestId("cash-extra-amount").fill("3300");
  await page.getByTestId("cash-confirm").click();
  await expect(page.getByText("已核销：发票已收款。").last()).toBeVisible();
  await expect(page.getByTestId("cash-empty")).toBeVisible();

  // Applied: both lines, the split one with two payments. Undo the first: it waits again.
  await page.getByTestId("cash-tab-applied").click();
  await expect(page.getByTestId("cash-line")).toHaveCount(2);
  await expect(page.getByTestId("cash-line").filter({ hasText: "代付货款" }).getByTestId("cash-payments")).toContainText("福州乙贸易有限公司");
  await page.getByTestId("cash-line").filter({ hasText: second.number }).getByTestId("cash-undo").click();
  await page.getByTestId("cash-action-form").getByLabel("原因").fill("付款人要求退回");
  await page.getByTestId("cash-confirm").click();
  await expect(page.getByText("已撤销：流水恢复为待处理。")).toBeVisible();
  await page.getByTestId("cash-tab-waiting").click();
  await expect(page.getByTestId("cash-line").filter({ hasText: second.number })).toHaveCount(1);
  await expect(page.getByTestId("cash-totals")).toContainText("已核销 1 笔");

  // The split's payments are payments like any other, and say where they came from.
  await page.goto("/payments");
  await expect(page.getByTestId("payment-bank-origin").first()).toContainText("来自银行流水 · 招商银行 基本户");
});

// The same work in English: a customer pays the statement it was sent, quoting its reference;
// the line is explained in English, applied in one click, and counted as one line.
test.describe("in English", () => {
  test.use({ locale: "en-US" });

  test("a line quoting a statement's reference is explained and applied", async ({ page, request }) => {
    test.slow();
    const id = stamp();
    const owner = `cash.en.${id}@e2e.example`;
    const token = (
      await graphql(request, SIGN_UP, { input: { companyName: "Harbour Teas", name: "Ann Lee", email: owner, password } })
    ).signUp.accessToken as string;
    // Statements go to customers once the owner's address is verified.
    await verifyAddress(request, owner);
    const day = new Date(Date.now() - 36 * 3600 * 1000).toISOString().slice(0, 10);
    const buyer = (await graphql(request, CUSTOMER, { input: { name: "Kowloon Tea House", code: `KTH-${id}` } }, token))
      .createCustomer.customer.id as string;
    await graphql(
      request,
      INVOICE,
      { input: { customerId: buyer, issue: true, issueDate: day, lines: [{ description: "Oolong", quantity: "1", unitPrice: "4321" }] } },
      token,
    );
    const sent = await graphql(
      request,
      `mutation($input: SendStatementInput!) { sendStatement(input: $input) { references } }`,
      { input: { customerId: buyer, from: day, to: day, email: `ap.${id}@e2e.example` } },
      token,
    );
    const reference = sent.sendStatement.references[0] as string;
    // Another customer's cheque of 100 keyed by hand ten days earlier: too far apart for
    // matching to offer it.
    const other = (await graphql(request, CUSTOMER, { input: { name: "Lantau Traders", code: `LT-${id}` } }, token))
      .createCustomer.customer.id as string;
    const early = new Date(Date.now() - 11 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    await graphql(
      request,
      `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } } }`,
      { input: { customerId: other, amount: "100", currency: "CNY", receivedOn: early, method: "CHECK", reference: "CHQ-881" } },
      token,
    );

    await page.goto("/login");
    await page.getByLabel("Email").fill(owner);
    await page.getByLabel("Password").fill(password);
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("company-name")).toHaveText("Harbour Teas");

    await page.goto("/cash");
    await expect(page.getByRole("heading", { name: "Cash application" })).toBeVisible();
    await page.getByTestId("add-bank-account").click();
    const form = page.getByTestId("bank-account-form");
    await form.getByLabel("Name").fill("HSBC current");
    await form.getByLabel("Bank").fill("HSBC");
    await form.getByLabel("Account number").fill("6225880199990001");
    await page.getByTestId("save-bank-account").click();
    await expect(page.getByText("Bank account saved.")).toBeVisible();

    await page.getByTestId("statement-file").setInputFiles({
      name: "camt053.xml",
      mimeType: "application/xml",
      buffer: Buffer.from(
        statement([
          entry("EN-A", "4321.00", true, "K T H Ltd", `Payment of statement ${reference}`, day),
          entry("EN-B", "100.00", true, "J Smith", "cheque deposit", day),
        ]),
      ),
    });
    await page.getByTestId("import-statement").click();
    await expect(page.getByTestId("statement-imported")).toContainText("New 2");
    await expect(page.getByTestId("matching-progress")).toHaveAttribute("data-done", "true", { timeout: 30_000 });

    const line = page.getByTestId("cash-line").filter({ hasText: reference });
    await expect(line.getByTestId("cash-suggested-customer")).toHaveText("Kowloon Tea House");
    await expect(line.getByTestId("cash-reason").first()).toHaveText(
      `The remark names statement ${reference}, sent to this customer.`,
    );
    await expect(line.getByTestId("cash-reason").nth(1)).toHaveText(
      "The amount equals the statement's closing balance, 4321.00.",
    );
    await line.getByTestId("cash-apply").click();
    await expect(page.getByText("Applied: the invoices are paid.")).toBeVisible();
    await expect(page.getByTestId("cash-totals")).toContainText("Applied 1 line ·");

    // The deposited cheque: linked to the payment keyed by hand, found from the dialog.
    const cheque = page.getByTestId("cash-line").filter({ hasText: "cheque deposit" });
    await cheque.getByTestId("cash-apply-other").click();
    const dialog = page.getByTestId("cash-action-form");
    await dialog.getByTestId("cash-part-customer").selectOption({ label: `LT-${id} · Lantau Traders` });
    const keyed = dialog.getByTestId("cash-linkable-payment");
    await expect(keyed).toContainText("CHQ-881");
    await keyed.getByTestId("cash-link-payment").click();
    await expect(page.getByText("Linked to the payment keyed by hand.")).toBeVisible();
    await expect(page.getByTestId("cash-totals")).toContainText("Applied 2 lines ·");
  });
});
