import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "en-US" });

test("a collector corrects the activity they just logged, then cancels the promise it recorded", async ({ page, request }) => {
  const owner = `promise.${stamp()}@e2e.example`;
  const token = (await graphql(request,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    { input: { companyName: "Quanzhou Stoneworks", name: "Chen Mei", email: owner, password } })).signUp.accessToken;
  const customerId = (await graphql(request,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
    { input: { name: "Jinjiang Granite", code: "JJ-1" } }, token)).createCustomer.customer.id;

  await page.goto("/login");
  await page.getByLabel("Email").fill(owner);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("Quanzhou Stoneworks");
  await page.goto(`/customers/${customerId}`);

  // A call with a promise to pay, from the quick log.
  const log = page.getByTestId("quick-log");
  await log.getByLabel("Channel").selectOption("PHONE");
  await log.getByLabel("Outcome").selectOption("PROMISE_TO_PAY");
  await log.getByLabel("Note").fill("Will pay next wek");
  const soon = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
  await log.getByLabel("Promised amount").fill("8000");
  await log.getByLabel("Promised date").fill(soon);
  await page.getByTestId("save-activity").click();
  const row = page.getByTestId("activity-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Will pay next wek");
  await expect(page.getByTestId("promise-row")).toContainText("Open");

  // Its author corrects the note within the day.
  await row.getByTestId("edit-activity").click();
  const edit = page.getByTestId("edit-activity-form");
  await expect(edit.getByLabel("Note", { exact: true })).toHaveValue("Will pay next wek");
  await edit.getByLabel("Note", { exact: true }).fill("Will pay next week, after the audit");
  await page.getByTestId("save-activity-edit").click();
  await expect(page.getByText("Activity corrected.")).toBeVisible();
  await expect(edit).toHaveCount(0);
  await expect(row).toContainText("Will pay next week, after the audit");
  await expect(row).not.toContainText("next wek");

  // The customer withdraws the promise: cancelled from the promises page.
  await openNav(page, "today", "Promises");
  const line = page.getByTestId("promise-line");
  await expect(line).toHaveCount(1);
  await expect(line).toContainText("Open");
  await line.getByTestId("cancel-promise").click();
  await page.getByTestId("cancel-promise-form").getByLabel("Reason (optional)").fill("Paying through the parent company instead");
  await page.getByTestId("confirm-cancel-promise").click();
  await expect(page.getByText("Promise cancelled.")).toBeVisible();
  await expect(line).toContainText("Cancelled");
  await expect(line.getByTestId("cancel-promise")).toHaveCount(0);

  // The customer page agrees, and offers no second cancel.
  await page.goto(`/customers/${customerId}`);
  await expect(page.getByTestId("promise-row")).toContainText("Cancelled");
  await expect(page.getByTestId("promise-row").getByTestId("cancel-promise")).toHaveCount(0);
});
