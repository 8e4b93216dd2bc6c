import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

// Collection scripts (话术), in Chinese: the owner rewrites the call script of the ladder's +15
// step (a wrong place is refused under the text), the dunning run's call task and the customer's
// quick log show it with the customer's figures filled in, with no English anywhere, and
// "restore default" brings Duely's script back.

const password = "the-collection-scripts";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
const english = /[A-Za-z]{3,}/;

test.use({ locale: "zh-CN" });

function day(offset: number) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id } } }`;
const RUN_DUNNING = `mutation { runDunningNow { run { tasks } } }`;

test("the owner edits a step's call script, collectors read it filled in, and the default comes back", async ({ page, request }) => {
  // Four screens and two saves: more than the default half minute on a busy machine.
  test.slow();
  const owner = `scripts.${stamp()}@e2e.example`;
  const signedUp = await graphql(request, SIGN_UP, {
    input: { companyName: "宁波五金", name: "张敏", email: owner, password, locale: "ZH_CN" },
  });
  const token = signedUp.signUp.accessToken as string;
  const name = "余姚模具厂";
  const created = await graphql(request, CUSTOMER, { input: { name, code: "SC-1", locale: "ZH_CN" } }, token);
  const customerId = created.createCustomer.customer.id as string;
  // Sixteen days overdue: the customer is at the default ladder's call step (day 15).
  await graphql(
    request,
    INVOICE,
    {
      input: {
        customerId, issue: true, issueDate: day(-46), dueDate: day(-16),
        lines: [{ description: "模具钢", quantity: "4", unitPrice: "2000" }],
      },
    },
    token,
  );

  await page.goto("/login");
  await page.getByLabel("邮箱").fill(owner);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("宁波五金");

  // The +15 step's call script in Chinese: Duely's default to begin with.
  await openNav(page, "collections", "催收流程", { exact: true });
  const editor = page.getByTestId("script-editor");
  const chooseCallScript = async () => {
    await editor.getByTestId("script-step").selectOption("15");
    await editor.getByTestId("script-channel").selectOption("PHONE");
    await editor.getByTestId("script-locale").selectOption({ label: "中文" });
  };
  await chooseCallScript();
  const badge = editor.getByTestId("script-badge");
  const body = editor.getByTestId("script-body");
  await expect(badge).toHaveText("系统默认话术");
  await expect(body).toHaveValue(/开场/);
  await expect(editor).toContainText("{{customer.name}} 客户名称");
  await expect(editor).toContainText("{{days_overdue}} 逾期天数");

  // A place that does not exist is refused, in Chinese, under the text.
  await body.fill("您好，{{customer.nmae}}");
  await editor.getByTestId("save-script").click();
  await expect(editor.getByTestId("script-error")).toContainText("不是可用的变量");
  await expect(badge).toHaveText("系统默认话术");

  // The company's own script, with the customer's name among its places.
  const script = [
    "您好，请问是{{customer.name}}负责付款的同事吗？",
    "贵司{{total}}的货款已逾期{{days_overdue}}天，请今天确认付款日期。",
    "——{{company.name}}财务部",
  ].join("\n");
  await body.fill(script);
  await editor.getByTestId("save-script").click();
  await expect(page.getByText("话术已保存。")).toBeVisible();
  await expect(editor.getByTestId("script-error")).toHaveCount(0);
  await expect(badge).toContainText("修改");
  await expect(badge).toContainText(owner);

  // Saved: the page reads it back after a reload.
  await page.reload();
  await chooseCallScript();
  await expect(body).toHaveValue(script);
  await expect(badge).toContainText(owner);

  // Today's run gives the +15 step's call task: its dialog shows the script, filled in.
  await graphql(request, RUN_DUNNING, {}, token);
  await openNav(page, "today", "任务", { exact: true });
  const taskRow = page.getByTestId("task-row").filter({ hasText: name });
  await expect(taskRow).toHaveCount(1);
  await expect(taskRow.getByTestId("task-script")).toContainText("通话话术");
  await taskRow.getByTestId("task-done").click();
  const dialog = page.getByRole("dialog");
  const taskScript = dialog.getByTestId("task-script");
  await expect(taskScript).toContainText("通话话术");
  await expect(taskScript).toContainText(`请问是${name}负责付款的同事吗？`);
  await expect(taskScript).toContainText("——宁波五金财务部");
  expect(await taskScript.innerText()).not.toMatch(english);
  await dialog.getByRole("button", { name: "关闭" }).click();
  await expect(dialog).toHaveCount(0);

  // The quick log on the customer's page: the call script, filled in, its lines kept.
  await page.goto(`/customers/${customerId}`);
  await expect(page.getByTestId("customer-name")).toHaveText(name);
  const log = page.getByTestId("quick-log");
  await log.getByLabel("方式", { exact: true }).selectOption({ label: "电话" });
  const logScript = log.getByTestId("log-script");
  await expect(logScript).toContainText("通话话术");
  await expect(logScript).toContainText(`请问是${name}负责付款的同事吗？`);
  await expect(logScript).toContainText("请今天确认付款日期。");
  await expect(logScript).toContainText("¥");
  await expect(logScript.locator(".script-text")).toHaveCSS("white-space", "pre-wrap");
  expect(await logScript.innerText()).not.toMatch(english);
  // An email has no script; a WeChat message has Duely's, with the customer's name.
  await log.getByLabel("方式", { exact: true }).selectOption({ label: "邮件" });
  await expect(logScript).toHaveCount(0);
  await log.getByLabel("方式", { exact: true }).selectOption({ label: "微信" });
  await expect(logScript).toContainText("微信话术");
  await expect(logScript).toContainText(name);
  expect(await logScript.innerText()).not.toMatch(english);

  // "Restore default" brings Duely's call script back, on the editor and in the quick log.
  await openNav(page, "collections", "催收流程", { exact: true });
  await chooseCallScript();
  await expect(body).toHaveValue(script);
  await editor.getByTestId("reset-script").click();
  await expect(page.getByText("已恢复默认话术。")).toBeVisible();
  await expect(badge).toHaveText("系统默认话术");
  await expect(body).toHaveValue(/开场/);

  await page.goto(`/customers/${customerId}`);
  await log.getByLabel("方式", { exact: true }).selectOption({ label: "电话" });
  await expect(logScript).toContainText("开场");
  await expect(logScript).toContainText(name);
  await expect(logScript).not.toContainText("请今天确认付款日期");
  expect(await logScript.innerText()).not.toMatch(english);
});
