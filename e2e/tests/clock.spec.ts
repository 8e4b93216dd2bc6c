import { expect, test } from "./fixtures";
import { graphql } from "./api";
import { execFileSync } from "node:child_process";

// Time moves for one company through the development clock (`duely clock --tenant`), never by
// changing its data: an invoice issued today turns overdue when the company's day passes its
// due date. Other journeys, running beside this one, keep the real date.

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "zh-CN" });

function clock(...args: string[]) {
  const duely = process.env.DUELY_BIN;
  if (!duely) throw new Error("DUELY_BIN is not set: run the journeys through ./infra/test.sh");
  // The command's answer is its last line (its log lines come first, on the same output).
  return execFileSync(duely, ["clock", ...args], { env: process.env }).toString().trim().split("\n").pop();
}

test("an invoice issued today is overdue once the company's clock passes its due date", async ({ page, request }) => {
  const id = stamp();
  const email = `clock.${id}@e2e.example`;
  const signedUp = await graphql(
    request,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken tenant { id } } }`,
    { input: { companyName: "Xiamen Tea", name: "Lin Fang", email, password } },
  );
  const token = signedUp.signUp.accessToken as string;
  const tenantId = signedUp.signUp.tenant.id as string;
  const customer = await graphql(
    request,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
    { input: { name: "Anxi Oolong Trading", code: "AX-1", paymentTermsDays: 30 } },
    token,
  );
  const issued = await graphql(
    request,
    `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { number issueDate dueDate daysOverdue } } }`,
    {
      input: {
        customerId: customer.createCustomer.customer.id, issue: true,
        lines: [{ description: "Tieguanyin", quantity: "10", unitPrice: "880" }],
      },
    },
    token,
  );
  const invoice = issued.createInvoice.invoice;
  expect(invoice.daysOverdue).toBe(0);

  // Forty-five days after the invoice's date, for this company only.
  const later = new Date(`${invoice.issueDate}T00:00:00Z`);
  later.setUTCDate(later.getUTCDate() + 45);
  const day = later.toISOString().slice(0, 10);
  try {
    expect(clock(day, "--tenant", tenantId)).toContain(day);

    await page.goto("/login");
    await page.getByLabel("邮箱").fill(email);
    await page.getByLabel("密码").fill(password);
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("company-name")).toHaveText("Xiamen Tea");
    await page.goto("/invoices");
    const row = page.getByTestId("invoice-row").filter({ hasText: invoice.number });
    // Days past due, the row's last column: 45 days after issue on net-30 terms.
    await expect(row.locator("td").last()).toHaveText("15");
    await page.getByLabel("仅看逾期").check();
    await expect(page.getByTestId("invoice-row")).toHaveCount(1);
  } finally {
    expect(clock("--reset", "--tenant", tenantId)).toBe("the real date");
  }
});
