import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";
import { graphql } from "./api";
import { emailWith, verifyAddress } from "./mail";
import { pdfText } from "./pdf";

// An invoice as a document, in Chinese: finance fills in the company profile (settings →
// 公司资料), downloads the invoice's PDF (the profile, the customer with an Extension B
// character, the bank account to pay into), then sends it to the customer's billing contact
// with a copy and a note; the email arrives and the timeline shows the sending. Then the same
// buttons read in English.

const password = "documents-on-paper";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;

test.use({ locale: "zh-CN" });

test("财务填写公司资料，下载账单 PDF 并发送给客户", async ({ page, request }) => {
  test.slow();
  const email = `documents.${stamp()}@e2e.example`;
  const billing = `ap.${stamp()}@e2e.example`;
  const boss = `boss.${stamp()}@e2e.example`;
  const signedUp = await graphql(request, SIGN_UP, {
    input: { companyName: "苏州精工", name: "王芳", email, password },
  });
  const token = signedUp.signUp.accessToken as string;
  await verifyAddress(request, email);
  const customer = await graphql(
    request,
    CUSTOMER,
    {
      input: {
        name: "𠮷祥五金（深圳）有限公司",
        code: "JX-1",
        contacts: [{ name: "李雷", email: billing, billing: true, locale: "ZH_CN" }],
      },
    },
    token,
  );
  const customerId = customer.createCustomer.customer.id as string;
  const invoice = (
    await graphql(
      request,
      INVOICE,
      { input: { customerId, issue: true, lines: [{ description: "轴承", quantity: "10", unitPrice: "100", taxRate: "0.13" }] } },
      token,
    )
  ).createInvoice.invoice as { id: string; number: string };

  await page.goto("/login");
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("苏州精工");

  // The company profile, from the settings menu.
  await page.goto("/settings/profile");
  const profile = page.getByTestId("company-profile-form");
  await profile.getByLabel("公司全称").fill("苏州精工机械有限公司");
  await profile.getByLabel("纳税人识别号").fill("91320500MA1XYZ0001");
  await profile.getByLabel("地址").fill("苏州工业园区星湖街 328 号");
  await profile.getByTestId("profile-add-account").click();
  const account = profile.getByTestId("profile-bank-account");
  await account.getByLabel("开户行").fill("中国银行苏州分行");
  await account.getByLabel("户名").fill("苏州精工机械有限公司");
  await account.getByLabel("账号").fill("4635 1234 5678");
  await profile.getByTestId("save-company-profile").click();
  await expect(page.getByText("公司资料已保存。")).toBeVisible();

  // The invoice's PDF prints the profile, the customer and how to pay.
  await page.goto(`/invoices/${invoice.id}`);
  const download = page.waitForEvent("download");
  await page.getByTestId("download-invoice-pdf").click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`invoice-${invoice.number}.pdf`);
  const printed = pdfText((await file.path()) as string);
  expect(printed).toContain("苏州精工机械有限公司");
  expect(printed).toContain("𠮷祥五金（深圳）有限公司");
  expect(printed).toContain("中国银行苏州分行");
  expect(printed).toContain("1,130.00");
  expect(printed).toContain(`注明发票号 ${invoice.number}`);
  expect(readFileSync((await file.path()) as string).subarray(0, 5).toString()).toBe("%PDF-");

  // Sent to the billing contact, with a copy and a note; a bad copy address is refused first.
  await page.getByTestId("send-invoice").click();
  const form = page.getByTestId("send-invoice-form");
  await form.getByLabel("抄送").fill("不是邮箱");
  await form.getByTestId("send-invoice-now").click();
  await expect(form.locator("#send-invoice-cc-error")).toBeVisible();
  await form.getByLabel("抄送").fill(boss);
  await form.getByLabel("附言").fill("请查收十一月账单。");
  await form.getByTestId("send-invoice-now").click();
  await expect(page.getByText(`账单已发送至 ${billing}`)).toBeVisible();
  const mail = await emailWith(billing, "请查收十一月账单。");
  expect(mail).toContain(`注明发票号 ${invoice.number}`);
  expect(mail).toMatch(/^cc:.*boss\./im);
  expect(mail).toContain(`invoice-${invoice.number}.pdf`);
  await expect(page.getByTestId("invoice-timeline")).toContainText(`已发送至 ${billing}`);

  // The same buttons in English.
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByTestId("download-invoice-pdf")).toHaveText("Download PDF");
  await expect(page.getByTestId("send-invoice")).toHaveText("Send to customer");
});
