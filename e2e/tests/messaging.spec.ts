import { expect, logIn, openNav, test } from "./fixtures";
import { graphql, signUpCompany } from "./api";

// SMS for real. An owner sets up the company's Alibaba Cloud SMS channel (the providers' stand-in
// answers as Alibaba Cloud does, and checks the request's signature), maps the ladder's SMS step to
// an approved template in the ladder editor, runs dunning, and sees the message sent on the
// customer's page; the provider's delivery receipt, pushed to the address the settings page shows,
// marks it delivered. In Chinese, a wrong setting is refused with its reason and a Tencent Cloud
// channel is saved.

const password = "texts-that-get-paid";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
const LADDER = `mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id } } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id } } }`;
const DELIVERIES = `query($filter: MessageDeliveriesFilter) { messageDeliveries(filter: $filter) {
  edges { node { id status providerMessageId recipient } } } }`;

/** An `Etc/GMT±N` zone where it is about noon now, so the customer's quiet hours never hold the SMS back. */
function daytimeZone(): string {
  let ahead = (12 - new Date().getUTCHours() + 24) % 24;
  if (ahead > 14) ahead -= 24;
  if (ahead === 0) return "Etc/UTC";
  return ahead > 0 ? `Etc/GMT-${ahead}` : `Etc/GMT+${-ahead}`;
}


test.describe("in English", () => {
  test.use({ locale: "en-US" });

  test("an owner sets up Alibaba Cloud SMS, maps the ladder's SMS step and sees the reminder delivered", async ({ page, request }) => {
    test.slow();
    const { owner, token } = await signUpCompany(request, "Xiamen Ceramics", password);
    // The ladder: an SMS three days after the due date, and a customer with a mobile. Its invoice,
    // four days late, comes once the channel and template are set up: the server's own daily run
    // may come at any moment, and a step it took as a task (no channel yet) is not taken again.
    await graphql(request, LADDER, { input: { name: "Texts first", makeDefault: true, steps: [
      { offsetDays: 3, action: "SEND_SMS", name: "SMS reminder" },
      { offsetDays: 30, action: "CALL_TASK", name: "Call" },
    ] } }, token);
    const customerId = (await graphql(request, CUSTOMER, { input: {
      name: "Tong'an Tiles", code: `TT-${stamp().slice(-4)}`, timeZone: daytimeZone(),
      contacts: [{ name: "Wang Fang", mobile: "138 0013 8000", billing: true }],
    } }, token)).createCustomer.customer.id as string;

    await logIn(page, owner, password, ["Email", "Password"]);
    await expect(page.getByTestId("company-name")).toHaveText("Xiamen Ceramics");
    await openNav(page, "settings", "SMS & WeChat Work");
    await expect(page.getByRole("heading", { name: "SMS and WeChat Work", level: 1 })).toBeVisible();
    const sms = page.getByTestId("sms-channel");
    await expect(sms).toContainText("Not set up: the ladder's SMS steps stay tasks for the collector.");

    // Without a signature or keys, the form says what is missing and nothing is saved.
    await page.getByTestId("save-sms-channel").click();
    await expect(sms.getByRole("alert").first()).toBeVisible();
    await sms.getByLabel("Signature").fill("杜利科技");
    await sms.getByLabel("AccessKey ID").fill("LTAIstandin");
    await sms.getByLabel("AccessKey secret").fill("standin-aliyun-secret");
    await page.getByTestId("save-sms-channel").click();
    await expect(page.getByText("Channel saved.")).toBeVisible();
    await expect(sms.getByTestId("credentials-hint")).toHaveText("…ndin");
    const callbackUrl = ((await sms.getByTestId("callback-url").textContent()) ?? "").trim();
    expect(callbackUrl).toMatch(/\/webhooks\/messages\/[0-9a-f-]+\/[A-Za-z0-9_-]+$/);
    // The secret is never shown again: the fields are empty.
    await expect(sms.getByLabel("AccessKey secret")).toHaveValue("");

    // The ladder editor maps the SMS step to the approved template, for customers reading Chinese.
    await openNav(page, "collections", "Dunning");
    const step = page.getByTestId("sms-step").filter({ hasText: "SMS reminder" });
    const chinese = step.locator('[data-testid="sms-template"][data-locale="zh-CN"]');
    await expect(chinese).toContainText("No template yet");
    await chinese.getByLabel("Template code").fill("SMS_465310012");
    await chinese.getByRole("button", { name: "Add parameter" }).click();
    await chinese.getByLabel("Parameter 1").fill("name");
    await chinese.getByLabel("Filled with 1").selectOption({ label: "Customer's name" });
    await chinese.getByRole("button", { name: "Add parameter" }).click();
    await chinese.getByLabel("Parameter 2").fill("amount");
    await chinese.getByLabel("Filled with 2").selectOption({ label: "Amount due" });
    await chinese.getByTestId("save-sms-template").click();
    await expect(page.getByText("SMS template saved.")).toBeVisible();
    await expect(chinese.getByRole("button", { name: "Remove template" })).toBeVisible();

    // Whichever run comes first, the server's daily one or this one by hand, sends it.
    await graphql(request, INVOICE, { input: {
      customerId, issue: true, issueDate: day(-34), dueDate: day(-4),
      lines: [{ description: "Floor tiles", quantity: "1", unitPrice: "1200", taxRate: "0" }],
    } }, token);
    await page.getByTestId("run-now").click();
    await expect(page.getByText("Dunning run finished.")).toBeVisible();

    // The customer's page shows the reminder as Alibaba Cloud took it.
    await page.goto(`/customers/${customerId}`);
    const row = page.getByTestId("message-delivery").first();
    await expect(async () => {
      await page.getByTestId("refresh-messages").click();
      await expect(row).toHaveAttribute("data-status", "SENT", { timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await expect(row).toContainText("+8613800138000");
    await expect(row).toContainText("SMS reminder");
    await expect(row).toContainText("Sent");

    // Alibaba Cloud's delivery receipt, pushed to the address the settings page showed.
    const sent = (await graphql(request, DELIVERIES, { filter: { customerId } }, token)).messageDeliveries.edges[0].node;
    const pushed = await request.post(callbackUrl, { data: [{
      phone_number: "13800138000", send_time: "2026-12-06 10:00:00", report_time: "2026-12-06 10:00:05",
      success: true, err_code: "DELIVERED", err_msg: "用户接收成功", sms_size: "1",
      biz_id: sent.providerMessageId, out_id: sent.id,
    }] });
    expect(pushed.status()).toBe(200);
    await page.getByTestId("refresh-messages").click();
    await expect(row).toHaveAttribute("data-status", "DELIVERED");
    await expect(row).toContainText("Delivered");

    // The company's log on the settings page has it too.
    await openNav(page, "settings", "SMS & WeChat Work");
    await expect(page.getByTestId("message-delivery").first()).toContainText("Tong'an Tiles");
  });
});

test.describe("in Chinese", () => {
  test.use({ locale: "zh-CN" });

  test("老板设置腾讯云短信通道：缺少应用编号时被拒绝并说明原因，补全后保存", async ({ page, request }) => {
    const { owner } = await signUpCompany(request, "泉州石材", password);
    await logIn(page, owner, password, ["邮箱", "密码"]);
    await openNav(page, "settings", "短信与企业微信");
    await expect(page.getByRole("heading", { name: "短信与企业微信", level: 1 })).toBeVisible();
    const sms = page.getByTestId("sms-channel");
    await sms.getByLabel("服务商").selectOption({ label: "腾讯云短信" });
    await sms.getByLabel("短信签名").fill("泉州石材");
    await sms.getByLabel("SecretId").fill("AKIDstandin");
    await sms.getByLabel("SecretKey").fill("standin-tencent-key");
    await page.getByTestId("save-sms-channel").click();
    // The application's id is missing: said under its field, in Chinese.
    const appId = sms.getByLabel("短信应用 SdkAppId");
    await expect(sms.getByRole("alert").first()).toBeVisible();
    await appId.fill("1400000001");
    await page.getByTestId("save-sms-channel").click();
    await expect(page.getByText("通道已保存。")).toBeVisible();
    await expect(sms.getByTestId("credentials-hint")).toHaveText("…ndin");
    await expect(page.getByTestId("wecom-channel")).toContainText("未设置：催收流程中的微信步骤仍作为催收员的任务。");
    await expect(page.getByText("还没有发送记录。")).toBeVisible();
  });
});
