import { expect, openNav, test } from "./fixtures";
import { readFileSync } from "node:fs";
import { emailTo, verifyAddress } from "./mail";
import { pdfText } from "./pdf";

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "en-US" });

test("a finance lead creates a customer, issues an invoice, records a partial payment and sees the balance", async ({ page }) => {
  // A long journey: the owner verifies the address from the email, then a statement goes out and
  // the customer answers it.
  test.setTimeout(60_000);
  const id = stamp();
  await page.goto("/signup");
  await page.getByLabel("Company name").fill("Jinghua Components");
  await page.getByLabel("Your name").fill("Chen Jing");
  await page.getByLabel("Email").fill(`finance.${id}@e2e.example`);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("create-account").click();
  await expect(page.getByTestId("company-name")).toHaveText("Jinghua Components");
  // The owner follows the verification link: only then do customers get email.
  await verifyAddress(page.request, `finance.${id}@e2e.example`);

  // A customer with a credit limit.
  await openNav(page, "receivables", "Customers");
  await page.getByTestId("new-customer").click();
  const form = page.getByTestId("customer-form");
  await form.getByLabel("Name", { exact: true }).fill("Suzhou Precision Parts");
  await form.getByLabel("Code").fill("SZ-001");
  await form.getByLabel("Credit limit").fill("50000");
  // Two contacts from the start: accounts payable gets the billing, the buyer does not.
  const contacts = form.getByTestId("contact-row");
  await form.getByTestId("add-contact").click();
  await contacts.nth(0).getByLabel("Name", { exact: true }).fill("Wang Lei");
  await contacts.nth(0).getByLabel("Email", { exact: true }).fill(`wang.${id}@buyer.example`);
  await contacts.nth(0).getByLabel("Receives invoices, statements and dunning").check();
  await form.getByTestId("add-contact").click();
  await contacts.nth(1).getByLabel("Name", { exact: true }).fill("Li Qiang");
  await contacts.nth(1).getByLabel("Role", { exact: true }).fill("Buyer");
  await page.getByTestId("save-customer").click();
  await expect(page.getByTestId("customer-name")).toHaveText("Suzhou Precision Parts");
  const listed = page.getByTestId("customer-contact");
  await expect(listed).toHaveCount(2);
  await expect(listed.filter({ hasText: "Wang Lei" }).getByTestId("contact-billing")).toBeVisible();
  await expect(listed.filter({ hasText: "Li Qiang" })).toContainText("Buyer");
  await expect(page.getByTestId("stat-balance")).toContainText("CN¥0.00");

  // An invoice with two lines; totals update as the lines are typed.
  await page.getByTestId("customer-new-invoice").click();
  await expect(page.getByTestId("invoice-customer")).toHaveValue(/.+/);
  const lines = page.getByTestId("line-row");
  await lines.nth(0).getByLabel("Description 1").fill("Bearing housing");
  await lines.nth(0).getByLabel("Quantity 1").fill("100");
  await lines.nth(0).getByLabel("Unit price 1").fill("85.5");
  await lines.nth(0).getByLabel("Tax % 1").fill("13");
  await page.getByTestId("add-line").click();
  await lines.nth(1).getByLabel("Description 2").fill("Freight");
  await lines.nth(1).getByLabel("Quantity 2").fill("1");
  await lines.nth(1).getByLabel("Unit price 2").fill("350");
  await expect(page.getByTestId("invoice-total")).toHaveText("CN¥10,011.50");
  await page.getByTestId("save-and-issue").click();
  await expect(page.getByTestId("invoice-number")).toHaveText("INV-000001");
  await expect(page.getByTestId("invoice-status")).toHaveText("Issued");
  await expect(page.getByTestId("invoice-balance")).toHaveText("CN¥10,011.50");

  // A partial payment, previewed before it is saved.
  await page.getByTestId("invoice-record-payment").click();
  const payment = page.getByTestId("payment-form");
  await payment.getByLabel("Amount").fill("4000");
  await expect(payment.getByLabel("Apply to INV-000001", { exact: true })).toHaveValue("4000.00");
  await payment.getByLabel("Reference").fill("BOC-20261123-01");
  await page.getByTestId("save-payment").click();
  await expect(page.getByText("Payment recorded.")).toBeVisible();
  await expect(page.getByTestId("payment-row")).toHaveCount(1);

  // The balance follows.
  await page.getByTestId("payment-row").getByRole("link", { name: "Suzhou Precision Parts" }).click();
  await expect(page.getByTestId("stat-balance")).toContainText("CN¥6,011.50");
  await page.getByTestId("customer-invoice-row").getByRole("link", { name: "INV-000001" }).click();
  await expect(page.getByTestId("invoice-status")).toHaveText("Partly paid");
  await expect(page.getByTestId("invoice-paid")).toHaveText("CN¥4,000.00");
  await expect(page.getByTestId("allocation-row")).toHaveCount(1);

  // The statement: the invoice, the payment, the balance; sent to the customer, who confirms it.
  await page.getByRole("link", { name: "Suzhou Precision Parts" }).first().click();
  await page.getByTestId("customer-statement").click();
  await expect(page.getByTestId("statement-line")).toHaveCount(2);
  await expect(page.getByTestId("closing-balance")).toHaveText("CN¥6,011.50");
  await expect(page.getByTestId("download-csv")).toHaveAttribute("href", /^data:text\/csv/);
  const pdfDownload = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download PDF" }).click();
  const pdfPath = (await (await pdfDownload).path())!;
  expect(readFileSync(pdfPath, "latin1").startsWith("%PDF-")).toBeTruthy();
  expect(pdfText(pdfPath)).toContain("6,011.50");
  await page.getByTestId("send-statement").click();
  await expect(page.getByText(`Statement sent to wang.${id}@buyer.example`)).toBeVisible();

  const email = await emailTo(`wang.${id}@buyer.example`);
  const link = /https?:\/\/\S+\/s\/duely_stm_[0-9a-f_]+/.exec(email)?.[0];
  expect(link, email).toBeTruthy();
  await page.getByTestId("sign-out").click();
  await page.goto(new URL(link!).pathname);
  await expect(page.getByTestId("statement-company")).toHaveText("Jinghua Components");
  await expect(page.getByTestId("closing-balance")).toHaveText("CN¥6,011.50");
  await page.getByLabel("Your name").fill("Wang Lei");
  await page.getByTestId("confirm-statement").click();
  await expect(page.getByTestId("statement-thanks")).toBeVisible();
});
