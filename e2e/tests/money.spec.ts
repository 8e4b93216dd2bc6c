import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

// The money screens, in English: receipts exported from another system are imported through
// the import page's payments box (checked first, then recorded), one receipt paying two invoices
// of one customer; importing the same file again records nothing twice. Then an invoice gets an
// installment plan of three parts, split evenly, that is still there after a reload.

const password = "money-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "en-US" });

function day(offset: number) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

const file = (name: string, text: string) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;
const INVOICE_STATE = `query($id: ID!) { invoice(id: $id) { status balanceDue { amount } } }`;

test("receipts imported once pay two invoices, and an invoice is split into three installments", async ({ page, request }) => {
  // Two imports, an invoice page and a reload: more than the default half minute on a busy machine.
  test.slow();
  const email = `money.${stamp()}@e2e.example`;
  const signedUp = await graphql(request, SIGN_UP, {
    input: { companyName: "Xiamen Tea Traders", name: "Lin Hui", email, password },
  });
  const token = signedUp.signUp.accessToken as string;
  const created = await graphql(request, CUSTOMER, { input: { name: "Anxi Tieguanyin Co-op", code: "AX-1" } }, token);
  const customerId = created.createCustomer.customer.id as string;
  const invoice = async (quantity: string, unitPrice: string, issued: number, due: number) =>
    (
      await graphql(
        request,
        INVOICE,
        {
          input: {
            customerId, issue: true, issueDate: day(issued), dueDate: day(due),
            lines: [{ description: "Oolong tea", quantity, unitPrice, taxRate: "0" }],
          },
        },
        token,
      )
    ).createInvoice.invoice as { id: string; number: string };
  const older = await invoice("10", "800", -40, -10); // 8,000.00
  const newer = await invoice("5", "900", -20, 10); // 4,500.00
  const planned = await invoice("1", "1000", -5, 25); // 1,000.00

  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("Xiamen Tea Traders");

  // One receipt of 12,500.00, one row per invoice it pays.
  const receipts = file(
    "receipts.csv",
    "external_id,customer_code,received_on,amount,currency,method,reference,invoice_number,allocated_amount\n" +
      `ERP-RC-7781,AX-1,${day(-1)},12500.00,CNY,bank transfer,ICBC 7781,${older.number},8000.00\n` +
      `ERP-RC-7781,AX-1,${day(-1)},12500.00,CNY,bank transfer,ICBC 7781,${newer.number},4500.00\n`,
  );
  await openNav(page, "settings", "Import");
  const payments = page.getByTestId("import-payments");
  await expect(payments).toContainText("external_id,customer_code,received_on");
  await payments.getByLabel("CSV file").setInputFiles(receipts);
  await page.getByTestId("check-payments").click();
  await expect(payments.getByTestId("import-result")).toContainText("Every row is valid");
  await page.getByTestId("import-payments-now").click();
  await expect(payments.getByTestId("import-result")).toHaveText("Imported 1");
  for (const paid of [older, newer]) {
    const state = await graphql(request, INVOICE_STATE, { id: paid.id }, token);
    expect(state.invoice.status).toBe("PAID");
    expect(Number(state.invoice.balanceDue.amount)).toBe(0);
  }

  // The same file again: the receipt is known by its external_id and recorded no second time.
  await payments.getByLabel("CSV file").setInputFiles(receipts);
  await page.getByTestId("import-payments-now").click();
  await expect(payments.getByTestId("import-skipped")).toContainText("1 skipped (already imported)");
  await expect(payments.getByTestId("import-result")).toContainText("Imported 0");
  const again = await graphql(request, INVOICE_STATE, { id: planned.id }, token);
  expect(again.invoice.status).toBe("ISSUED");

  // Three installments of the 1,000.00 invoice, split evenly: the remainder goes on the last.
  await page.goto(`/invoices/${planned.id}`);
  await expect(page.getByTestId("invoice-number")).toHaveText(planned.number);
  const section = page.getByTestId("installments");
  await expect(section).toContainText("No installment plan");
  await page.getByTestId("edit-installments").click();
  const form = page.getByTestId("installments-form");
  await expect(form.getByTestId("installment-row")).toHaveCount(2);
  await form.getByTestId("add-installment").click();
  await expect(form.getByTestId("installment-row")).toHaveCount(3);
  await form.getByLabel("Due date 1", { exact: true }).fill(day(10));
  await form.getByLabel("Due date 2", { exact: true }).fill(day(40));
  await form.getByLabel("Due date 3", { exact: true }).fill(day(70));
  await form.getByTestId("split-installments").click();
  await expect(form.getByLabel("Amount 1", { exact: true })).toHaveValue("333.33");
  await expect(form.getByLabel("Amount 2", { exact: true })).toHaveValue("333.33");
  await expect(form.getByLabel("Amount 3", { exact: true })).toHaveValue("333.34");
  await form.getByTestId("save-installments").click();
  await expect(form).toBeHidden();
  await expect(section.getByTestId("installment-plan-row")).toHaveCount(3);

  await page.reload();
  const rows = page.getByTestId("installments").getByTestId("installment-plan-row");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText("333.33");
  await expect(rows.nth(2)).toContainText("333.34");
});
