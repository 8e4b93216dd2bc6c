import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "en-US" });

test("a collector logs a call with a promise to pay from the customer page", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Company name").fill("Minjiang Supplies");
  await page.getByLabel("Your name").fill("He Jun");
  await page.getByLabel("Email").fill(`collect.${stamp()}@e2e.example`);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("create-account").click();
  await expect(page.getByTestId("company-name")).toHaveText("Minjiang Supplies");

  await openNav(page, "receivables", "Customers");
  await page.getByTestId("new-customer").click();
  const form = page.getByTestId("customer-form");
  await form.getByLabel("Name", { exact: true }).fill("Fuzhou Tea Traders");
  await form.getByLabel("Code").fill("FZ-1");
  await page.getByTestId("save-customer").click();
  await expect(page.getByTestId("customer-name")).toHaveText("Fuzhou Tea Traders");

  // A call that reached no one, then one with a promise.
  const log = page.getByTestId("quick-log");
  await log.getByLabel("Channel").selectOption("PHONE");
  await expect(log.getByTestId("log-script")).toContainText("Call script");
  await log.getByLabel("Outcome").selectOption("NO_ANSWER");
  await log.getByLabel("Note").fill("Rang twice");
  await page.getByTestId("save-activity").click();
  await expect(page.getByTestId("activity-row")).toHaveCount(1);

  await log.getByLabel("Outcome").selectOption("PROMISE_TO_PAY");
  await log.getByLabel("Note").fill("Will pay after the audit");
  await page.getByTestId("save-activity").click();
  await expect(log.getByRole("alert")).toContainText("promise");
  const soon = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
  await log.getByLabel("Promised amount").fill("12000");
  await log.getByLabel("Promised date").fill(soon);
  await page.getByTestId("save-activity").click();
  await expect(page.getByTestId("activity-row")).toHaveCount(2);
  await expect(page.getByTestId("promise-row")).toHaveCount(1);
  await expect(page.getByTestId("promise-row")).toContainText("Open");
  await expect(page.getByTestId("promise-row")).toContainText("CN¥12,000.00");

  // Every promise in the company, by status, with the kept rate of those that fell due.
  await openNav(page, "today", "Promises");
  await expect(page.getByTestId("promise-line")).toHaveCount(1);
  await expect(page.getByTestId("promise-line")).toContainText("Fuzhou Tea Traders");
  await expect(page.getByTestId("kept-rate")).toContainText("—");
  await page.getByLabel("Status").selectOption("BROKEN");
  await expect(page.getByTestId("promise-line")).toHaveCount(0);
});

test("a finance lead sees the default ladder, adds one, and previews a run", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Company name").fill("Xiamen Ceramics");
  await page.getByLabel("Your name").fill("Lin Tao");
  await page.getByLabel("Email").fill(`dunning.${stamp()}@e2e.example`);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("create-account").click();
  await expect(page.getByTestId("company-name")).toHaveText("Xiamen Ceramics");

  await openNav(page, "collections", "Dunning");
  const standard = page.getByTestId("ladder").first();
  await expect(standard).toContainText("Standard");
  await expect(standard.locator("li")).toHaveCount(9);

  const editor = page.getByTestId("ladder-editor");
  await editor.getByLabel("Ladder name").fill("Key accounts");
  await editor.getByLabel("Days from due 1").fill("10");
  await editor.getByLabel("Step name 1").fill("Account manager call");
  await editor.getByLabel("Action 1").selectOption("CALL_TASK");
  await page.getByTestId("save-ladder").click();
  await expect(page.getByText("Ladder saved.")).toBeVisible();
  await expect(page.getByTestId("ladder")).toHaveCount(2);
  await expect(page.getByTestId("ladder").nth(1)).toContainText("Account manager call");

  // The new ladder is edited: a late fee of 2% and the company's default from now on.
  const keyAccounts = page.getByTestId("ladder").filter({ hasText: "Key accounts" });
  await keyAccounts.getByTestId("edit-ladder").click();
  await expect(editor.getByLabel("Ladder name")).toHaveValue("Key accounts");
  await editor.getByLabel("Charged as").selectOption("PERCENT");
  await editor.getByLabel("Percent", { exact: true }).fill("2");
  await editor.getByLabel("Make this the default ladder").check();
  await page.getByTestId("save-ladder").click();
  // (The first save's toast may still show: the saved ladder itself is the proof.)
  await expect(keyAccounts.getByTestId("fee-rule")).toContainText("2%");
  await expect(keyAccounts).toContainText("Default");

  await page.getByTestId("run-preview").click();
  await expect(page.getByTestId("preview-empty")).toBeVisible();
});

test("a visit is logged against an invoice, dunning is paused and resumed, and the customer gets its own ladder", async ({ page, request }) => {
  const owner = `visit.${stamp()}@e2e.example`;
  const token = (await graphql(request,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    { input: { companyName: "Xiamen Tiles", name: "Lin Fang", email: owner, password } })).signUp.accessToken;
  const customerId = (await graphql(request,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
    { input: { name: "Zhangzhou Builders", code: "ZZ-1" } }, token)).createCustomer.customer.id;
  const created = (await graphql(request,
    `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`,
    { input: { customerId, issue: true, lines: [{ description: "Tiles", quantity: "3", unitPrice: "900" }] } },
    token)).createInvoice.invoice;
  const number = created.number;

  await page.goto("/login");
  await page.getByLabel("Email").fill(owner);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("Xiamen Tiles");
  await page.goto(`/customers/${customerId}`);

  // A visit: who was met, where, about which invoice.
  const log = page.getByTestId("quick-log");
  await log.getByLabel("Channel").selectOption("VISIT");
  // The visit script loads above the fields and moves them down: wait for it, as a person
  // would, before ticking an invoice (a click aimed before it lands would miss).
  await expect(log.getByTestId("log-script")).toContainText("Visit script");
  await log.getByLabel("Outcome").selectOption("CALLBACK_REQUESTED");
  await log.getByLabel("Contact name").fill("Manager Wu");
  await log.getByLabel("Location").fill("Site office, Longhai");
  await log.getByTestId("log-invoices").getByLabel(new RegExp(number)).check();
  await page.getByTestId("save-activity").click();
  const row = page.getByTestId("activity-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Manager Wu");
  await expect(row).toContainText("Site office, Longhai");
  await expect(row).toContainText(number);
  // The invoice keeps its own timeline.
  await page.goto(`/invoices/${created.id}`);
  await expect(page.getByTestId("invoice-activity")).toContainText("Manager Wu");
  await page.goto(`/customers/${customerId}`);

  // Dunning paused until a day, with a reason; then resumed.
  const dunning = page.getByTestId("dunning-controls");
  const later = new Date(Date.now() + 20 * 86400_000).toISOString().slice(0, 10);
  await dunning.getByLabel("Pause until").fill(later);
  await dunning.getByLabel("Reason for the pause").fill("Waiting for the site audit");
  await page.getByTestId("pause-dunning").click();
  await expect(page.getByTestId("dunning-paused")).toContainText("Waiting for the site audit");
  await page.getByTestId("resume-dunning").click();
  await expect(page.getByTestId("dunning-paused")).toHaveCount(0);

  // The customer's own ladder.
  const assign = page.getByTestId("assign-ladder");
  await expect(assign.getByText("(by segment or the default)")).toBeVisible();
  await assign.getByRole("button", { name: "Assign ladder" }).click();
  await expect(page.getByText("Ladder assigned.")).toBeVisible();
  await expect(assign.getByText("(by segment or the default)")).toHaveCount(0);
});
