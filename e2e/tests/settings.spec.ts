import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

// The company's settings page, in Chinese: a value the server refuses is named beside its field
// in Chinese (translated from the error's reason and parameters, never from its English
// message); a valid change is saved whole, and the WARN credit policy then lets an invoice over
// the limit go out with its flag.

const password = "settings-in-one-place";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "zh-CN" });

test("a finance manager changes the company's settings in Chinese, and a refused value says why in Chinese", async ({ page, request }) => {
  const email = `settings.${stamp()}@e2e.example`;
  const signedUp = await graphql(
    request,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    { input: { companyName: "杭州丝绸贸易", name: "王芳", email, password } },
  );
  const token = signedUp.signUp.accessToken as string;
  const customer = await graphql(
    request,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
    { input: { name: "苏州绣品有限公司", code: "SZ-1", creditLimit: "1000" } },
    token,
  );

  await page.goto("/login");
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("杭州丝绸贸易");
  await openNav(page, "settings", "设置", { exact: true });
  await expect(page.getByRole("heading", { name: "公司设置" })).toBeVisible();
  const form = page.getByTestId("company-settings");
  const hour = form.getByLabel("每日催收执行时间（0–23 点，公司时区）");
  await expect(hour).toHaveValue("8");

  // 24 is no hour: the server refuses the whole change and the field says why, in Chinese.
  await hour.fill("24");
  await form.getByLabel("开票超出信用额度时").selectOption("WARN");
  await page.getByTestId("save-company-settings").click();
  const refusal = form.locator("#dunning-run-hour-error");
  await expect(refusal).toHaveText("请填写 0 到 23 之间的值");
  expect(await refusal.textContent()).not.toMatch(/[A-Za-z]{3,}/);

  // A valid change is saved and stays.
  await hour.fill("7");
  await form.getByLabel("发票编号前缀").fill("FP-");
  await page.getByTestId("save-company-settings").click();
  await expect(page.getByText("设置已保存。")).toBeVisible();
  await page.reload();
  await expect(form.getByLabel("每日催收执行时间（0–23 点，公司时区）")).toHaveValue("7");
  await expect(form.getByLabel("开票超出信用额度时")).toHaveValue("WARN");
  await expect(form.getByLabel("发票编号前缀")).toHaveValue("FP-");

  // Under WARN an invoice over the credit limit goes out, numbered with the new prefix and
  // flagged.
  const issued = await graphql(
    request,
    `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { number status creditFlag } } }`,
    {
      input: {
        customerId: customer.createCustomer.customer.id, issue: true,
        lines: [{ description: "真丝面料", quantity: "10", unitPrice: "500" }],
      },
    },
    token,
  );
  const invoice = issued.createInvoice.invoice;
  expect(invoice.status).toBe("ISSUED");
  expect(invoice.number).toMatch(/^FP-/);
  expect(invoice.creditFlag).toBeTruthy();
});
