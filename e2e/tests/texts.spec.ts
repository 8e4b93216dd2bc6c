import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";
import { execFileSync } from "node:child_process";

// A Chinese finance team's day carries no English: the risk alert, the reasons of a credit
// rating and the dunning ladder's call task are written by the server in the reader's language
// (the web app sends its own as Accept-Language), and a value the server refuses says why in
// Chinese too.

const password = "texts-in-chinese";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
const english = /[A-Za-z]{4,}/;

test.use({ locale: "zh-CN" });

function runDaily(tenantId: string) {
  const duely = process.env.DUELY_BIN;
  if (!duely) throw new Error("DUELY_BIN is not set: run the journeys through ./infra/test.sh");
  return execFileSync(duely, ["run-daily", "--tenant", tenantId], { env: process.env }).toString();
}

function day(offset: number) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

test("alerts, rating reasons, ladder tasks and refusals read in Chinese", async ({ page, request }) => {
  const email = `texts.${stamp()}@e2e.example`;
  const signedUp = await graphql(
    request,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken tenant { id } user { id } } }`,
    { input: { companyName: "温州鞋业", name: "陈静", email, password } },
  );
  const token = signedUp.signUp.accessToken as string;
  const tenantId = signedUp.signUp.tenant.id as string;
  // The owner collects this customer herself.
  const customer = await graphql(
    request,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
    { input: { name: "瑞安皮革厂", code: "RA-1", creditLimit: "1000", collectorId: signedUp.signUp.user.id } },
    token,
  );
  const customerId = customer.createCustomer.customer.id as string;
  const issued = await graphql(
    request,
    `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { number } } }`,
    {
      input: {
        customerId, issue: true, overrideCreditBlock: true, issueDate: day(-50), dueDate: day(-20),
        lines: [{ description: "牛皮", quantity: "10", unitPrice: "500" }],
      },
    },
    token,
  );
  const number = issued.createInvoice.invoice.number as string;
  // The daily jobs: the ladder's call step (15 days overdue), the rating, the risk scan.
  expect(runDaily(tenantId)).toContain("alerts raised");

  await page.goto("/login");
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("温州鞋业");

  // The worklist: the over-limit alert and the ladder's call task, in Chinese.
  await openNav(page, "today", "工作台");
  const alert = page.getByTestId("alert-row").filter({ hasText: "信用额度" }).first();
  await expect(alert).toContainText("已超过信用额度");
  expect((await alert.textContent()) ?? "").not.toMatch(english);
  const task = page.getByTestId("task-row").first();
  await expect(task).toContainText(`电话催收 — ${number}`);
  expect(((await task.textContent()) ?? "").replace(number, "")).not.toMatch(english);

  // The customer's credit rating explains each factor in Chinese.
  await page.goto(`/customers/${customerId}`);
  const factors = page.getByTestId("credit-panel").getByTestId("rating-factor");
  await expect(factors).toHaveCount(9);
  for (const reason of await factors.locator("td:first-child").allTextContents()) {
    expect(reason).not.toMatch(english);
  }
  await expect(factors.locator("td:first-child").first()).toContainText("尚无已付发票");

  // A value the server refuses names the field in Chinese.
  await page.goto("/settings");
  const form = page.getByTestId("company-settings");
  await form.getByLabel("付款承诺宽限天数（0–30）").fill("45");
  await page.getByTestId("save-company-settings").click();
  const refusal = form.locator("#promise-grace-days-error");
  await expect(refusal).toHaveText("请填写 0 到 30 之间的值");
  expect((await refusal.textContent()) ?? "").not.toMatch(english);
});
