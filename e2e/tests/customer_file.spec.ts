import { expect, test } from "./fixtures";
import { graphql } from "./api";

// The customer file, in Chinese: the owner edits a customer's language, tags and contacts (one
// who receives invoices, statements and dunning, one who does not), finds them again after a
// reload, then archives the customer and restores it. A customer with an open invoice cannot be
// archived, and the dialog says why.

const password = "the-customer-file";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "zh-CN" });

function day(offset: number) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id } } }`;

test("the owner edits a customer's contacts and language, then archives and restores it", async ({ page, request }) => {
  test.slow();
  const owner = `file.${stamp()}@e2e.example`;
  const signedUp = await graphql(request, SIGN_UP, {
    input: { companyName: "厦门茶业", name: "林婷", email: owner, password },
  });
  const token = signedUp.signUp.accessToken as string;
  const name = "漳州茶叶批发";
  const created = await graphql(request, CUSTOMER, { input: { name, code: "CF-1" } }, token);
  const customerId = created.createCustomer.customer.id as string;
  // A second customer with an issued, unpaid invoice: it cannot be archived.
  const busy = await graphql(request, CUSTOMER, { input: { name: "龙岩茶具", code: "CF-2" } }, token);
  const busyId = busy.createCustomer.customer.id as string;
  await graphql(
    request,
    INVOICE,
    {
      input: {
        customerId: busyId, issue: true, issueDate: day(-5), dueDate: day(25),
        lines: [{ description: "茶具", quantity: "2", unitPrice: "300" }],
      },
    },
    token,
  );

  await page.goto("/login");
  await page.getByLabel("邮箱").fill(owner);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("厦门茶业");

  // A new customer writes in the company's language and has no contacts.
  await page.goto(`/customers/${customerId}`);
  await expect(page.getByTestId("customer-name")).toHaveText(name);
  await expect(page.getByTestId("customer-locale")).toHaveText("公司默认语言");
  await expect(page.getByTestId("customer-contact")).toHaveCount(0);

  // Edit: English, two tags, two contacts.
  await page.getByTestId("edit-customer").click();
  const form = page.getByTestId("edit-customer-form");
  await form.getByLabel("邮件与对账单语言", { exact: true }).selectOption("EN");
  await form.getByLabel("标签", { exact: true }).fill("重点客户，茶叶");
  const rows = form.getByTestId("contact-row");
  await expect(rows).toHaveCount(0);
  await form.getByTestId("add-contact").click();
  await form.getByTestId("add-contact").click();
  await expect(rows).toHaveCount(2);

  const billing = rows.nth(0);
  await billing.getByLabel("姓名", { exact: true }).fill("王芳");
  await billing.getByLabel("职务", { exact: true }).fill("财务经理");
  await billing.getByLabel("邮箱", { exact: true }).fill("wang.fang@example.cn");
  await billing.getByLabel("微信号", { exact: true }).fill("wangfang_88");
  await billing.getByLabel("首选联系方式", { exact: true }).selectOption("WECHAT");
  await billing.getByLabel("接收发票、对账单和催收通知", { exact: true }).check();

  const buyer = rows.nth(1);
  await buyer.getByLabel("姓名", { exact: true }).fill("李强");
  await buyer.getByLabel("职务", { exact: true }).fill("采购");
  await buyer.getByLabel("手机", { exact: true }).fill("13800138000");
  await buyer.getByLabel("沟通语言", { exact: true }).selectOption("ZH_CN");
  await expect(buyer.getByLabel("接收发票、对账单和催收通知", { exact: true })).not.toBeChecked();

  await form.getByTestId("save-customer-changes").click();
  await expect(page.getByText("客户资料已保存。")).toBeVisible();
  await expect(form).toHaveCount(0);

  // After a reload, the page shows the language, the tags and both contacts.
  await page.reload();
  await expect(page.getByTestId("customer-locale")).toHaveText("English");
  await expect(page.getByTestId("customer-tags")).toHaveText("重点客户, 茶叶");
  const contacts = page.getByTestId("customer-contact");
  await expect(contacts).toHaveCount(2);
  const wang = contacts.filter({ hasText: "王芳" });
  await expect(wang).toContainText("财务经理");
  await expect(wang).toContainText("wang.fang@example.cn");
  await expect(wang).toContainText("wangfang_88");
  await expect(wang).toContainText("首选联系方式: 微信");
  await expect(wang.getByTestId("contact-billing")).toHaveText("接收账单");
  const li = contacts.filter({ hasText: "李强" });
  await expect(li).toContainText("13800138000");
  await expect(li).toContainText("沟通语言: 中文");
  await expect(li.getByTestId("contact-billing")).toHaveCount(0);

  // The dialog opens with what was saved.
  await page.getByTestId("edit-customer").click();
  await expect(form.getByLabel("邮件与对账单语言", { exact: true })).toHaveValue("EN");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).getByLabel("姓名", { exact: true })).toHaveValue("王芳");
  await expect(rows.nth(0).getByLabel("微信号", { exact: true })).toHaveValue("wangfang_88");
  await expect(rows.nth(0).getByLabel("接收发票、对账单和催收通知", { exact: true })).toBeChecked();
  await expect(rows.nth(1).getByLabel("姓名", { exact: true })).toHaveValue("李强");
  await expect(rows.nth(1).getByLabel("接收发票、对账单和催收通知", { exact: true })).not.toBeChecked();
  await page.getByRole("dialog").getByRole("button", { name: "关闭" }).click();
  await expect(form).toHaveCount(0);

  // Archive (nothing is open), then restore.
  await expect(page.getByTestId("archived-badge")).toHaveCount(0);
  await page.getByTestId("archive-customer").click();
  await page.getByTestId("confirm-archive").click();
  await expect(page.getByText("客户已归档。")).toBeVisible();
  await expect(page.getByTestId("archived-badge")).toHaveText("已归档");
  await expect(page.getByTestId("archive-customer")).toHaveCount(0);
  await page.getByTestId("restore-customer").click();
  await expect(page.getByText("客户已恢复。")).toBeVisible();
  await expect(page.getByTestId("archived-badge")).toHaveCount(0);
  await expect(page.getByTestId("archive-customer")).toBeVisible();

  // The customer with an open invoice is refused, with the reason in Chinese.
  await page.goto(`/customers/${busyId}`);
  await expect(page.getByTestId("customer-name")).toHaveText("龙岩茶具");
  await page.getByTestId("archive-customer").click();
  await page.getByTestId("confirm-archive").click();
  await expect(page.getByTestId("archive-error")).toContainText("该客户尚有 1 张未结清发票");
  await page.getByRole("dialog").getByRole("button", { name: "取消" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByTestId("archived-badge")).toHaveCount(0);
});
