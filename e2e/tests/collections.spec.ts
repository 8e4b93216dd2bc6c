import { expect, test } from "@playwright/test";

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

  await page.getByRole("navigation").getByRole("link", { name: "Customers" }).click();
  await page.getByTestId("new-customer").click();
  const form = page.getByTestId("customer-form");
  await form.getByLabel("Name", { exact: true }).fill("Fuzhou Tea Traders");
  await form.getByLabel("Code").fill("FZ-1");
  await page.getByTestId("save-customer").click();
  await expect(page.getByTestId("customer-name")).toHaveText("Fuzhou Tea Traders");

  // A call that reached no one, then one with a promise.
  const log = page.getByTestId("quick-log");
  await log.getByLabel("Channel").selectOption("PHONE");
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
});

test("a finance lead sees the default ladder, adds one, and previews a run", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Company name").fill("Xiamen Ceramics");
  await page.getByLabel("Your name").fill("Lin Tao");
  await page.getByLabel("Email").fill(`dunning.${stamp()}@e2e.example`);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("create-account").click();
  await expect(page.getByTestId("company-name")).toHaveText("Xiamen Ceramics");

  await page.getByRole("navigation").getByRole("link", { name: "Dunning" }).click();
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

  await page.getByTestId("run-preview").click();
  await expect(page.getByTestId("preview-empty")).toBeVisible();
});
