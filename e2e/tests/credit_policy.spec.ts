import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

// The credit policy, switched on the settings page. A new company's settings are the defaults,
// each field explained under it; under BLOCK (the default) an invoice that takes a customer over
// its credit limit is refused, with the reason in the reader's language; the owner switches to
// WARN, the change lands in the audit log, and the same invoice is then issued with its credit
// flag instead of refused.

const password = "credit-policy-in-plain-view";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "en-US" });

test("an owner switches the credit policy to WARN and issues an invoice over the limit: flagged, not refused", async ({ page, request }) => {
  test.setTimeout(60_000);
  const email = `credit.${stamp()}@e2e.example`;
  const signedUp = await graphql(
    request,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    { input: { companyName: "Ningbo Valve Works", name: "Zhou Min", email, password } },
  );
  const token = signedUp.signUp.accessToken as string;
  // A customer with a low credit limit, in the company's currency.
  const created = await graphql(
    request,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
    { input: { name: "Cixi Pipe Fittings", code: "CX-1", creditLimit: "1000" } },
    token,
  );
  const customerId = created.createCustomer.customer.id as string;

  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("Ningbo Valve Works");

  // An invoice of CN¥5,000.00, five times the limit, saved and issued in the invoice editor.
  const issueOverLimit = async () => {
    await openNav(page, "receivables", "Invoices", { exact: true });
    await page.getByTestId("new-invoice").click();
    await page.getByTestId("invoice-customer").selectOption(customerId);
    const line = page.getByTestId("line-row").nth(0);
    await line.getByLabel("Description 1").fill("Ball valve DN50");
    await line.getByLabel("Quantity 1").fill("10");
    await line.getByLabel("Unit price 1").fill("500");
    await expect(page.getByTestId("invoice-total")).toHaveText("CN¥5,000.00");
    await page.getByTestId("save-and-issue").click();
  };
  const breach = "Open invoices would reach 5000.00 CNY, over the credit limit of 1000.00 CNY";

  // BLOCK, the default: refused, and the editor says why in English; nothing is issued.
  await issueOverLimit();
  await expect(page.getByTestId("invoice-form-error")).toContainText(breach);
  await expect(page).toHaveURL(/\/invoices\/new/);
  const none = await graphql(request, `{ invoices(first: 5) { totalCount } }`, {}, token);
  expect(none.invoices.totalCount).toBe(0);

  // The settings page on the company's first visit: every field holds its default and says
  // under it what it does.
  await openNav(page, "settings", "Settings", { exact: true });
  await expect(page.getByRole("heading", { name: "Company settings" })).toBeVisible();
  const form = page.getByTestId("company-settings");
  const field = (label: string) => form.getByLabel(label, { exact: true });
  const defaults: [string, string][] = [
    ["When an invoice exceeds the credit limit", "BLOCK"],
    ["Hour of the daily dunning run (0–23, company time zone)", "8"],
    ["Grace days for a promise to pay (0–30)", "3"],
    ["Aging bucket edges (days, comma-separated)", "30, 60, 90"],
    ["Days a contact earns a payment", "14"],
    ["Alert when an invoice this large is overdue", "100000"],
    ["Invoice number prefix", "INV-"],
    ["Credit note number prefix", "CN-"],
    ["Time zone", "Asia/Shanghai"],
    ["Company language", "ZH_CN"],
    ["Base currency", "CNY"],
  ];
  for (const [label, value] of defaults) {
    await expect(field(label), label).toHaveValue(value);
    await expect(field(label), label).toHaveAccessibleDescription(/default/i);
  }
  const checks: [string, boolean][] = [
    ["Daily run: put customers over their limit on credit hold", false],
    ["Release holds automatically once the cause clears", true],
    ["Email a daily digest of new risk alerts", false],
  ];
  for (const [label, checked] of checks) {
    await expect(field(label), label).toBeChecked({ checked });
    await expect(field(label), label).toHaveAccessibleDescription(/default/i);
  }
  const policy = field("When an invoice exceeds the credit limit");
  await expect(policy).toHaveAccessibleDescription(/Issue it with a warning flag/);

  // WARN, saved.
  await policy.selectOption("WARN");
  await page.getByTestId("save-company-settings").click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("company-settings").getByLabel("When an invoice exceeds the credit limit", { exact: true })).toHaveValue("WARN");

  // The change is in the audit log, one link away.
  await page.getByRole("link", { name: "See the audit log" }).click();
  await expect(page.getByTestId("audit-row").filter({ hasText: "settings.updated" })).toHaveCount(1);

  // WARN: the same invoice is issued, and shows its credit flag.
  await issueOverLimit();
  await expect(page.getByTestId("invoice-status")).toHaveText("Issued");
  await expect(page.getByTestId("invoice-number")).toHaveText(/^INV-\d+$/);
  const flag = page.getByTestId("credit-flag");
  await expect(flag).toContainText("Credit policy exception");
  await expect(flag).toContainText(`Warning: ${breach}`);
  await expect(page.getByTestId("invoice-form-error")).toHaveCount(0);
});
