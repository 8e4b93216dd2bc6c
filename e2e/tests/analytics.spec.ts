import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);

test.use({ locale: "en-US" });

test("a finance lead reads the dashboard, drills into aging, and overrides a credit rating", async ({ page, request }) => {
  const owner = `analyst.${stamp()}@e2e.example`;
  const signedUp = await graphql(request,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    { input: { companyName: "Fujian Paper", name: "Xu Li", email: owner, password } });
  const token = signedUp.signUp.accessToken;
  const customer = await graphql(request,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
    { input: { name: "Putian Printing", code: "PT-1" } }, token);
  const customerId = customer.createCustomer.customer.id;
  const invoice = async (amount: string, issued: number, due: number) =>
    (await graphql(request,
      `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { number } } }`,
      { input: { customerId, issue: true, issueDate: day(issued), dueDate: day(due),
                 lines: [{ description: "Paper", quantity: "1", unitPrice: amount }] } }, token)).createInvoice.invoice.number;
  const late = await invoice("4200", -75, -45);
  await invoice("1800", -5, 25);

  await page.goto("/login");
  await page.getByLabel("Email").fill(owner);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();

  // The dashboard: every KPI against the previous period, the charts and the lists.
  await openNav(page, "reports", "Dashboard");
  await expect(page.getByTestId("kpi-card")).toHaveCount(13);
  await expect(page.getByTestId("kpi-card").first()).toContainText("Previous:");
  await expect(page.getByRole("img", { name: /Aging by bucket/ })).toBeVisible();
  await expect(page.getByRole("img", { name: /DSO and CEI by month/ })).toBeVisible();
  await expect(page.getByTestId("top-overdue")).toContainText("Putian Printing");
  await expect(page.getByTestId("top-overdue")).toContainText(/\d+ days overdue/);

  // The year to date, then only the customers Xu Li collects now: none (Putian Printing has no
  // collector), so the screen says what the filter covers and why the ratios have no figure.
  await page.getByLabel("Period", { exact: true }).selectOption("YEAR");
  await expect(page.getByTestId("kpi-period")).toContainText(`1 Jan ${new Date().getFullYear()}`);
  await expect(page.getByTestId("kpi-card")).toHaveCount(13);
  await expect(page.getByTestId("kpi-collector-hint")).toHaveCount(0);
  await page.getByLabel("Collector", { exact: true }).selectOption({ label: "Xu Li" });
  await expect(page.getByTestId("kpi-collector-hint")).toContainText("assigned to this collector now");
  await expect(page.locator('[data-metric="DSO"]').getByTestId("kpi-note"))
    .toHaveText("Not meaningful: no credit sales in this period");
  await expect(page.getByTestId("top-overdue")).not.toContainText("Putian Printing");
  await expect(page.getByTestId("kpi-card")).toHaveCount(13);

  // The aging report, by customer, and the invoices behind the 31-60 day amount.
  await openNav(page, "reports", "Aging");
  const row = page.getByTestId("aging-row").first();
  await expect(row).toContainText("Putian Printing");
  await row.getByRole("button", { name: "CN¥4,200.00" }).click();
  await expect(page.getByTestId("drill-row")).toHaveCount(1);
  await expect(page.getByTestId("drill-row")).toContainText(late);
  const download = page.waitForEvent("download");
  await page.getByTestId("aging-csv").click();
  expect((await download).suggestedFilename()).toMatch(/^aging-\d{4}-\d{2}-\d{2}\.csv$/);
  const pdf = page.waitForEvent("download");
  await page.getByTestId("aging-pdf").click();
  expect((await pdf).suggestedFilename()).toMatch(/^aging-\d{4}-\d{2}-\d{2}\.pdf$/);

  // The company's analytics settings, on the aging page: a wrong value is named, a right one
  // is kept.
  const settings = page.getByTestId("analytics-settings");
  await expect(settings.getByLabel("Days a contact earns a payment")).toHaveValue("14");
  await settings.getByLabel("Aging bucket edges (days, comma-separated)").fill("30, 20, 90");
  await page.getByTestId("save-analytics-settings").click();
  await expect(page.getByText(/three increasing whole days/)).toBeVisible();
  await settings.getByLabel("Aging bucket edges (days, comma-separated)").fill("30, 60, 90");
  await settings.getByLabel("Days a contact earns a payment").fill("7");
  await page.getByTestId("save-analytics-settings").click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("analytics-settings").getByLabel("Days a contact earns a payment")).toHaveValue("7");

  // Staff performance: the leaderboard and the forms for targets and incentive rules.
  await openNav(page, "reports", "Performance");
  await expect(page.getByTestId("leaderboard")).toBeVisible();
  await expect(page.getByTestId("target-form")).toBeVisible();

  // The customer's credit panel explains the score and takes an override with a reason.
  await page.goto(`/customers/${customerId}`);
  const panel = page.getByTestId("credit-panel");
  await expect(panel.getByTestId("rating-factor")).toHaveCount(9);
  await panel.getByLabel("Override grade").selectOption("A");
  await panel.getByLabel("Reason").fill("Bank guarantee on file");
  await page.getByTestId("save-override").click();
  await expect(page.getByText("Rating overridden.")).toBeVisible();
  await expect(panel.getByTestId("credit-grade")).toHaveText("A");
  await panel.getByTestId("rating-history").locator("summary").click();
  await expect(panel.getByTestId("rating-history-row").first()).toContainText("Bank guarantee on file");

  // The customer list filters by risk grade.
  await openNav(page, "receivables", "Customers");
  await page.getByLabel("Risk grade").selectOption("A");
  await expect(page.getByTestId("customer-row")).toHaveCount(1);
  await expect(page.getByTestId("customer-grade")).toHaveText("A");
});
