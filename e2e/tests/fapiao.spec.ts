import { expect, test } from "./fixtures";
import { graphql } from "./api";

// Fapiao (发票) recorded against an invoice in the web app, in Chinese: a fully digital fapiao
// for the whole invoice; a second that would exceed the total is refused at its amount field;
// the invoice list finds it by "已开发票"; a credit note's red-letter fapiao is recorded by choosing
// the note; voided with a reason, it stays listed, marked. Then the same panel read in English.

const password = "fapiao-on-record";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;
const CREDIT_NOTE = `mutation($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { creditNote { id } } }`;

test.use({ locale: "zh-CN" });

test("财务登记、查找并作废一张发票", async ({ page, request }) => {
  test.slow();
  const email = `fapiao.${stamp()}@e2e.example`;
  const signedUp = await graphql(request, SIGN_UP, {
    input: { companyName: "苏州精工", name: "王芳", email, password },
  });
  const token = signedUp.signUp.accessToken as string;
  const customer = await graphql(request, CUSTOMER, { input: { name: "𠮷祥五金（深圳）有限公司", code: "JX-1" } }, token);
  const customerId = customer.createCustomer.customer.id as string;
  const invoice = async (unitPrice: string) =>
    (
      await graphql(
        request,
        INVOICE,
        { input: { customerId, issue: true, lines: [{ description: "轴承", quantity: "1", unitPrice, taxRate: "0.13" }] } },
        token,
      )
    ).createInvoice.invoice as { id: string; number: string };
  const billed = await invoice("1000"); // 1,130.00 with tax
  const other = await invoice("100");

  await page.goto("/login");
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("苏州精工");

  await page.goto(`/invoices/${billed.id}`);
  const panel = page.getByTestId("fapiaos");
  await expect(panel).toContainText("尚未登记发票。");
  await panel.getByTestId("record-fapiao").click();
  const form = panel.getByTestId("fapiao-form");
  await form.getByLabel("发票种类").selectOption({ label: "数电票（专用发票）" });
  await form.getByLabel("发票号码").fill("24312000000012345678");
  await form.getByLabel("价税合计").fill("1130");
  await form.getByLabel("税额").fill("130");
  await form.getByTestId("save-fapiao").click();
  const row = panel.getByTestId("fapiao");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("fapiao-number")).toHaveText("24312000000012345678");
  await expect(row).toContainText("数电票（专用发票）");

  // One more would exceed the invoice's total: refused at the amount.
  await panel.getByTestId("record-fapiao").click();
  await form.getByLabel("发票号码").fill("24312000000012345679");
  await form.getByLabel("价税合计").fill("1");
  await form.getByLabel("税额").fill("0");
  await form.getByTestId("save-fapiao").click();
  await expect(form.locator("#fapiao-amount-error")).toContainText("1130.00");
  await expect(row).toHaveCount(1);

  // The list by whether a fapiao stands.
  await page.goto("/invoices");
  await page.getByLabel("发票（税务）").selectOption({ label: "已开发票" });
  await expect(page.getByRole("link", { name: billed.number })).toBeVisible();
  await expect(page.getByRole("link", { name: other.number })).toHaveCount(0);
  await page.getByLabel("发票（税务）").selectOption({ label: "未开发票" });
  await expect(page.getByRole("link", { name: other.number })).toBeVisible();
  await expect(page.getByRole("link", { name: billed.number })).toHaveCount(0);

  // Goods came back: a credit note of 113.00, and its red-letter fapiao chosen by the note.
  await graphql(request, CREDIT_NOTE, { input: { invoiceId: billed.id, amount: "113", reason: "退货" } }, token);
  await page.goto(`/invoices/${billed.id}`);
  await panel.getByTestId("record-fapiao").click();
  await form.getByLabel("发票种类").selectOption({ label: "数电票（专用发票）" });
  await form.getByLabel("发票号码").fill("24312000000099990001");
  await form.getByLabel("价税合计").fill("113");
  await form.getByLabel("税额").fill("13");
  await form.getByLabel("红字发票对应贷项通知单").selectOption({ index: 1 });
  await form.getByTestId("save-fapiao").click();
  await expect(row).toHaveCount(2);
  await expect(row.nth(1)).toContainText("红字发票");

  // Voided with a reason, it stays listed, marked.
  page.once("dialog", (dialog) => dialog.accept("购买方税号有误"));
  await row.nth(1).getByTestId("void-fapiao").click();
  await expect(row.nth(1).getByTestId("fapiao-voided")).toHaveText("已作废");
  await expect(row.nth(1)).toContainText("购买方税号有误");

  // The same panel in English.
  await page.getByRole("button", { name: "English" }).click();
  await expect(panel.getByRole("heading", { name: "Fapiao" })).toBeVisible();
  await expect(row.nth(1).getByTestId("fapiao-voided")).toHaveText("Voided");
  await expect(row.nth(0)).toContainText("Digital VAT special");
});
