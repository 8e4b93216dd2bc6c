import { expect, test } from "./fixtures";
import { graphql } from "./api";
import { pdfText } from "./pdf";

// The day's letters, in Chinese: a new company's standard ladder makes a demand letter (催款函)
// for an invoice 30 days overdue; the collector opens 信函, downloads it on the letterhead,
// records it mailed with the courier's tracking number (a malformed one refused first), and the
// invoice's timeline keeps the number. A legal case drafts a lawyer's letter. Then in English.

const password = "letters-by-courier";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
// A date in the company's calendar (Asia/Shanghai, UTC+8), `offset` days from today.
const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10);

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;
const RUN = `mutation { runDunningNow { run { id } } }`;
const ESCALATE = `mutation($input: EscalateToLegalInput!) { escalateToLegal(input: $input) { legalCase { id } } }`;

test.use({ locale: "zh-CN" });

test("打印当天的催款函并登记快递单号", async ({ page, request }) => {
  test.slow();
  const email = `letters.${stamp()}@e2e.example`;
  const signedUp = await graphql(request, SIGN_UP, {
    input: { companyName: "泉州纺织", name: "陈静", email, password },
  });
  const token = signedUp.signUp.accessToken as string;
  const customer = await graphql(request, CUSTOMER, { input: { name: "𠮷祥服饰", code: "JX-9" } }, token);
  const customerId = customer.createCustomer.customer.id as string;
  // 30 days overdue by the company's calendar (Asia/Shanghai): the +30 letter step is due.
  const invoice = (
    await graphql(
      request,
      INVOICE,
      { input: { customerId, issue: true, issueDate: day(-60), dueDate: day(-30), lines: [{ description: "面料", quantity: "1", unitPrice: "6000" }] } },
      token,
    )
  ).createInvoice.invoice as { id: string; number: string };
  await graphql(request, RUN, {}, token);

  await page.goto("/login");
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("泉州纺织");

  await page.goto("/letters");
  const letter = page.getByTestId("letter");
  await expect(letter).toHaveCount(1);
  await expect(letter.getByTestId("letter-title")).toHaveText("催款函");
  await expect(letter).toContainText(invoice.number);
  const download = page.waitForEvent("download");
  await letter.getByTestId("letter-pdf").click();
  const printed = pdfText((await (await download).path()) as string);
  expect(printed).toContain("催款函");
  expect(printed).toContain("𠮷祥服饰");
  expect(printed).toContain(invoice.number);

  // A malformed number is refused; a courier's is recorded and the letter leaves the list.
  await letter.getByLabel("快递单号").fill("顺丰");
  await letter.getByTestId("mark-mailed").click();
  await expect(letter.getByTestId("mark-mailed-error")).not.toBeEmpty();
  await letter.getByLabel("快递单号").fill("SF 1234 5678 9012");
  await letter.getByTestId("mark-mailed").click();
  await expect(page.getByText("信函已登记寄出。")).toBeVisible();
  await expect(page.getByTestId("letters-empty")).toBeVisible();
  await page.getByLabel("状态").selectOption({ label: "已寄出" });
  await expect(letter.getByTestId("letter-mailed")).toContainText("SF123456789012");

  // The invoice's timeline keeps the tracking number.
  await page.goto(`/invoices/${invoice.id}`);
  await expect(page.getByTestId("invoice-timeline").getByTestId("tracking-number")).toContainText("SF123456789012");

  // A legal case drafts a lawyer's letter, downloaded for the lawyer.
  await graphql(request, ESCALATE, { input: { customerId } }, token);
  await page.goto("/legal");
  const draft = page.waitForEvent("download");
  await page.getByTestId("draft-lawyer-letter").click();
  expect(pdfText((await (await draft).path()) as string)).toContain("律师函");
  await page.goto("/letters");
  await expect(page.getByTestId("letter-title")).toHaveText("律师函（草稿）");

  // The same list in English.
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Letters" })).toBeVisible();
  await expect(page.getByTestId("mark-mailed")).toHaveText("Mark mailed");
});
