import http from "node:http";
import { AddressInfo } from "node:net";
import crypto from "node:crypto";
import { expect, logIn, openNav, test } from "./fixtures";
import { graphql, signUpCompany } from "./api";

// Webhooks. An owner registers their ERP's endpoint (here a receiver on this machine), keeps the
// signing secret shown once, sends a test event and sees it delivered in the log; an invoice
// issued over the API reaches the receiver signed, and the receiver checks the signature as the
// README shows. In Chinese, the same from the settings menu.

const password = "hooks-to-the-erp";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;

type Heard = { signature: string; body: string };

/// A receiver as an ERP would run one: it records what it is sent and answers 200.
async function receiver() {
  const heard: Heard[] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      heard.push({ signature: String(request.headers["duely-signature"] ?? ""), body });
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { heard, url: `http://127.0.0.1:${port}/duely`, close: () => server.close() };
}

/// The README's check: `t` and the `v1` digests from the header, HMAC-SHA256 of "<t>.<body>".
function verifies(header: string, body: string, secret: string): boolean {
  const parts = header.split(",").map((part) => part.split("=", 2) as [string, string]);
  const t = parts.find(([key]) => key === "t")?.[1];
  const expected = crypto.createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return parts.some(([key, value]) => key === "v1" && value === expected);
}


/// Presses the log's Refresh until a delivery with `text` shows `status`.
async function waitForDelivery(page: import("@playwright/test").Page, text: RegExp | string, status: string) {
  await expect(async () => {
    await page.getByTestId("refresh-webhook-log").click();
    const row = page.getByTestId("webhook-delivery").filter({ hasText: text }).filter({ hasText: status });
    await expect(row.first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
}

test.describe("in English", () => {
  test.use({ locale: "en-US" });

  test("an owner registers the ERP's endpoint, tests it and sees an issued invoice delivered, signed", async ({ page, request }) => {
    test.slow();
    const erp = await receiver();
    try {
      const { owner, token } = await signUpCompany(request, "Fuzhou Valves", password);
      await logIn(page, owner, password, ["Email", "Password"]);
      await expect(page.getByTestId("company-name")).toHaveText("Fuzhou Valves");
      await openNav(page, "settings", "Webhooks");
      await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();

      const form = page.getByTestId("webhook-form");
      await form.getByLabel("Endpoint URL").fill(erp.url);
      await form.getByLabel("Description (optional)").fill("Kingdee ERP");
      // Nothing chosen: the form says what is missing.
      await page.getByTestId("add-webhook").click();
      await expect(form.getByText("Choose at least one event.")).toBeVisible();
      await form.getByRole("checkbox", { name: /invoice\.issued/ }).check();
      await form.getByRole("checkbox", { name: /invoice\.paid/ }).check();
      await page.getByTestId("add-webhook").click();
      const secret = (await page.getByTestId("webhook-secret").textContent())?.trim() ?? "";
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      await page.keyboard.press("Escape");

      const endpoint = page.getByTestId("webhook-endpoint");
      await expect(endpoint).toContainText(erp.url);
      await expect(endpoint).toContainText("Invoice issued");
      await expect(endpoint).toContainText(`whsec_…${secret.slice(-4)}`);
      await endpoint.getByTestId("send-test-event").click();
      await expect(page.getByText("Test event queued; see the log below.")).toBeVisible();
      await waitForDelivery(page, "Test event", "Delivered");

      // An invoice issued through the API reaches the ERP, signed with the secret.
      const customerId = (await graphql(request, CUSTOMER, { input: { name: "Minjiang Pumps", code: `MP-${stamp().slice(-4)}` } }, token))
        .createCustomer.customer.id as string;
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      await graphql(
        request,
        INVOICE,
        { input: { customerId, issue: true, issueDate: today, dueDate: today, lines: [{ description: "Gate valve", quantity: "2", unitPrice: "450", taxRate: "0" }] } },
        token,
      );
      await waitForDelivery(page, "invoice.issued", "Delivered");
      const issued = erp.heard.map((h) => ({ ...h, json: JSON.parse(h.body) })).find((h) => h.json.type === "invoice.issued");
      expect(issued, JSON.stringify(erp.heard)).toBeTruthy();
      expect(issued!.json.data.total).toBe("900.00");
      expect(verifies(issued!.signature, issued!.body, secret)).toBe(true);
      expect(verifies(issued!.signature, issued!.body, "whsec_not_it")).toBe(false);

      // The body sent is in the log, and a delivery can be sent again.
      const row = page.getByTestId("webhook-delivery").filter({ hasText: "invoice.issued" }).first();
      await row.getByRole("button", { name: "Details" }).click();
      await expect(page.locator(".webhook-body").first()).toContainText('"type": "invoice.issued"');
      const before = erp.heard.length;
      await row.getByTestId("resend-webhook").click();
      await expect(page.getByText("Sent again as a new delivery.")).toBeVisible();
      await expect.poll(() => erp.heard.length, { timeout: 15_000 }).toBeGreaterThan(before);
    } finally {
      erp.close();
    }
  });
});

test.describe("in Chinese", () => {
  test.use({ locale: "zh-CN" });

  test("老板在设置里添加 Webhook 端点，发送测试事件并看到已送达", async ({ page, request }) => {
    test.slow();
    const erp = await receiver();
    try {
      const { owner } = await signUpCompany(request, "漳州建材", password);
      await logIn(page, owner, password, ["邮箱", "密码"]);
      await expect(page.getByTestId("company-name")).toHaveText("漳州建材");
      await openNav(page, "settings", "Webhook");
      await expect(page.getByRole("heading", { name: "Webhook 事件推送" })).toBeVisible();
      const form = page.getByTestId("webhook-form");
      await form.getByLabel("接收地址（URL）").fill(erp.url);
      await form.getByRole("checkbox", { name: /客户信用冻结变更/ }).check();
      await page.getByTestId("add-webhook").click();
      await expect(page.getByRole("dialog")).toContainText("只显示这一次");
      const secret = (await page.getByTestId("webhook-secret").textContent())?.trim() ?? "";
      await page.keyboard.press("Escape");
      const endpoint = page.getByTestId("webhook-endpoint");
      await expect(endpoint).toContainText("启用中");
      await endpoint.getByTestId("send-test-event").click();
      await waitForDelivery(page, "测试事件", "已送达");
      await expect.poll(() => erp.heard.length).toBe(1);
      expect(verifies(erp.heard[0].signature, erp.heard[0].body, secret)).toBe(true);

      // Switched off, it says so and cannot be sent a test.
      await endpoint.getByRole("button", { name: "停用" }).click();
      await expect(page.getByTestId("webhook-endpoint")).toContainText("已停用");
      await expect(page.getByTestId("webhook-endpoint").getByTestId("send-test-event")).toBeDisabled();
    } finally {
      erp.close();
    }
  });
});
