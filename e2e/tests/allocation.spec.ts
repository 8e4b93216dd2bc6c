import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

// A receipt against two chosen invoices, in English: a customer owes three issued invoices due at
// different dates; the payment form lists them due date first with the oldest-first proposal
// prefilled. The customer paid the second and the third, so the oldest's amount is cleared and the
// others' entered (a first try above an invoice's balance is refused under that invoice). Saved,
// the oldest stays open and the two chosen are paid.

const password = "pick-the-invoices";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "en-US" });

function day(offset: number) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;
const INVOICE_STATE = `query($id: ID!) { invoice(id: $id) { status balanceDue { amount } } }`;

test("a receipt is allocated to the two invoices the user picks", async ({ page, request }) => {
  test.slow();
  const email = `alloc.${stamp()}@e2e.example`;
  const signedUp = await graphql(request, SIGN_UP, {
    input: { companyName: "Ningbo Valve Works", name: "Chen Jing", email, password },
  });
  const token = signedUp.signUp.accessToken as string;
  const created = await graphql(request, CUSTOMER, { input: { name: "Hangzhou Pump Co", code: "HZ-7" } }, token);
  const customerId = created.createCustomer.customer.id as string;
  const invoice = async (unitPrice: string, issued: number, due: number) =>
    (
      await graphql(
        request,
        INVOICE,
        {
          input: {
            customerId, issue: true, issueDate: day(issued), dueDate: day(due),
            lines: [{ description: "Gate valve", quantity: "1", unitPrice, taxRate: "0" }],
          },
        },
        token,
      )
    ).createInvoice.invoice as { id: string; number: string };
  const oldest = await invoice("1000", -60, -30); // 1,000.00, due a month ago
  const second = await invoice("2000", -40, -10); // 2,000.00
  const third = await invoice("3000", -15, 15); // 3,000.00, not yet due

  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("Ningbo Valve Works");

  await openNav(page, "receivables", "Payments");
  await page.getByTestId("record-payment").click();
  const form = page.getByTestId("payment-form");
  await page.getByTestId("payment-customer").selectOption(customerId);
  await form.getByLabel("Amount", { exact: true }).fill("5000");
  await form.getByLabel("Reference").fill("CMB-5000-HZ7");

  // The open invoices, due date first, with the oldest-first proposal.
  const rows = form.getByTestId("allocation-row");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText(oldest.number);
  await expect(rows.nth(1)).toContainText(second.number);
  await expect(rows.nth(2)).toContainText(third.number);
  const applyTo = (number: string) => form.getByLabel(`Apply to ${number}`, { exact: true });
  await expect(applyTo(oldest.number)).toHaveValue("1000.00");
  await expect(applyTo(second.number)).toHaveValue("2000.00");
  await expect(applyTo(third.number)).toHaveValue("2000.00");
  await expect(form.getByTestId("allocation-total")).toHaveText("CN¥5,000.00");

  // The customer paid the second and the third: a first try puts too much on the second.
  await applyTo(oldest.number).fill("");
  await applyTo(second.number).fill("2500");
  await applyTo(third.number).fill("2500");
  await expect(form.getByTestId("allocation-total")).toHaveText("CN¥5,000.00");
  await page.getByTestId("save-payment").click();
  await expect(rows.nth(1).getByRole("alert")).toBeVisible();
  await expect(rows.nth(0).getByRole("alert")).toHaveCount(0);
  await expect(rows.nth(2).getByRole("alert")).toHaveCount(0);

  // The proposal can be had again; then the right amounts.
  await form.getByTestId("propose-allocation").click();
  await expect(applyTo(oldest.number)).toHaveValue("1000.00");
  await applyTo(oldest.number).fill("");
  await applyTo(second.number).fill("2000");
  await applyTo(third.number).fill("3000");
  await expect(form.getByTestId("allocation-total")).toHaveText("CN¥5,000.00");
  await expect(form.getByTestId("allocation-unapplied")).toHaveText("CN¥0.00");
  await page.getByTestId("save-payment").click();
  await expect(page.getByText("Payment recorded.")).toBeVisible();
  await expect(page.getByTestId("payment-row")).toHaveCount(1);

  // The oldest stays open; the two chosen are paid.
  const stillOpen = await graphql(request, INVOICE_STATE, { id: oldest.id }, token);
  expect(stillOpen.invoice.status).toBe("ISSUED");
  expect(Number(stillOpen.invoice.balanceDue.amount)).toBe(1000);
  for (const paid of [second, third]) {
    const state = await graphql(request, INVOICE_STATE, { id: paid.id }, token);
    expect(state.invoice.status).toBe("PAID");
    expect(Number(state.invoice.balanceDue.amount)).toBe(0);
  }
});
