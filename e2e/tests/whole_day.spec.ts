import { Page, expect, openNav, test } from "./fixtures";
import { execFileSync } from "node:child_process";
import { emailWith } from "./mail";

// A whole day in Chinese (issue 21), proven by one journey through the web app only: no API
// call and no SQL. Time moves only through the development clock (`duely clock`) and the daily
// jobs (`duely run-daily --date`). The owner signs up, verifies the email, sets the credit
// policy to WARN and the promise grace days, invites a collector who accepts, imports the
// customers with their collector and issues invoices. Sixteen days after the due date the
// ladder has raised its call tasks: the collector signs in, finds both customers overdue on the
// worklist, reads the call script, logs a call with a promise to pay and schedules a visit; the
// owner records a receipt against two chosen invoices and splits a third into installments.
// Sixty-one days after the due date the daily run judges the unpaid promise broken and the
// ladder raises its visit task, which the collector sees; the dashboard then shows every KPI
// for the chosen period. Each step leaves a screenshot as an artifact, and none shows English.

const password = "a-whole-day-in-chinese";

type Customer = { code: string; name: string };

/** The two customers, imported with their collector; the codes are the only Latin letters. */
const tea: Customer = { code: "XM-01", name: "厦门茶业贸易有限公司" };
const ceramics: Customer = { code: "QZ-02", name: "泉州陶瓷有限公司" };

/** A customer as the customer pickers of the invoice editor and the payment form name it. */
const option = (customer: Customer) => `${customer.code} · ${customer.name}`;

const csv = (name: string, text: string) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });

/** `iso` (YYYY-MM-DD) moved by `days`. */
function addDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The `duely` command; its answer is its output (log lines first, the answer last). */
function duely(...args: string[]): string {
  const bin = process.env.DUELY_BIN;
  if (!bin) throw new Error("DUELY_BIN is not set: run the journeys through ./infra/test.sh");
  return execFileSync(bin, args, { env: process.env }).toString();
}

/** Sets the company's clock to `day`: its web pages and jobs take that day for today. */
function setClock(tenantId: string, day: string) {
  expect(duely("clock", day, "--tenant", tenantId).trim().split("\n").pop()).toContain(day);
}

/** The company's daily jobs (promises judged, dunning, ratings, risk scan) as of `day`. */
function runDaily(tenantId: string, day: string): string {
  const output = duely("run-daily", "--date", day, "--tenant", tenantId);
  expect(output).toContain("promises judged");
  return output;
}

/** The path of the `/<route>/<token>` link in the newest email to `to` that has one. */
async function linkPath(to: string, route: "verify-email" | "invite"): Promise<string> {
  const email = await emailWith(to, `/${route}/`);
  const link = new RegExp(`https?://[^\\s"'<>]+?/${route}/[\\w-]+`).exec(email)?.[0];
  expect(link, email).toBeTruthy();
  return new URL(link!).pathname;
}

/**
 * Latin-letter words a Chinese screen may still show, because they are names or codes rather
 * than English: the product's name, currency codes, file formats, units and standards named
 * in the hints (CSV, PDF, the kinds of files attachments take, MiB, API, UTC, ISO; UTF-8 goes
 * with the numbering codes below), and Webhook, which Chinese software calls by that name.
 */
const NAMES_AND_CODES = /\b(?:Duely|CNY|USD|EUR|HKD|CSV|PDF|OFD|JPEG|PNG|WebP|HEIC|XLSX|DOCX|MiB|API|UTC|ISO|Webhook)\b/g;

/**
 * The text a person sees on the page, as on its screenshot: every rendered text node of the
 * body, and the chosen option of each select (not the options hidden in its list). Left out:
 * text in `<code>` (the CSV column names the import page lists), content folded in a closed
 * `<details>`, and the language switch, which names each language in that language.
 */
async function screenText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const shown: string[] = [];
    // Not shown: no box (display: none, `hidden`, a closed dialog) or visibility: hidden.
    const visible = (element: Element) => element.checkVisibility({ checkVisibilityCSS: true });
    const folded = (element: Element) => {
      const details = element.closest("details");
      return details !== null && !details.open && element.closest("summary") === null;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      const text = node.textContent?.trim();
      if (!element || !text) continue;
      if (element.closest("script, style, noscript, template, select, code, .locale-switcher")) continue;
      if (!visible(element) || folded(element)) continue;
      shown.push(text);
    }
    for (const select of Array.from(document.querySelectorAll("select"))) {
      if (visible(select) && !folded(select)) shown.push(select.selectedOptions[0]?.textContent?.trim() ?? "");
    }
    return shown.join("\n");
  });
}

/** The English words left on the page once addresses, numbers, codes and names are taken out. */
async function englishOn(page: Page): Promise<string[]> {
  const rest = (await screenText(page))
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, " ") // email addresses
    .replace(/\b[A-Z]{2,5}-\d*/g, " ") // invoice numbers, customer codes, numbering prefixes, UTF-8
    .replace(/\b[a-z]+(?:_[a-z]+)+\b/g, " ") // CSV column names the import hints name
    .replace(/\b[A-Z][a-z]+\/[A-Za-z_]+/g, " ") // time-zone names (Asia/Shanghai)
    .replace(NAMES_AND_CODES, " ");
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

/** Fails the journey (at its end, so every screen is checked) when English is on the page. */
async function noEnglish(page: Page, step: string) {
  const found = await englishOn(page);
  expect.soft(found, `English on the screen of step ${step}: ${found.join(", ")}`).toEqual([]);
}

/** The step's screenshot, kept as an artifact of the test, after checking it has no English. */
async function shot(page: Page, step: string) {
  await noEnglish(page, step);
  const path = test.info().outputPath(`${step}.png`);
  await page.screenshot({ path, fullPage: true });
  await test.info().attach(step, { path, contentType: "image/png" });
}

/** Issues a one-line invoice in the invoice editor and returns its number. */
async function issueInvoice(
  page: Page,
  customer: Customer,
  line: { description: string; quantity: string; unitPrice: string },
  total: string,
): Promise<string> {
  await openNav(page, "receivables", "发票", { exact: true });
  await page.getByTestId("new-invoice").click();
  await page.getByTestId("invoice-customer").selectOption({ label: option(customer) });
  const row = page.getByTestId("line-row").nth(0);
  await row.getByLabel("描述 1", { exact: true }).fill(line.description);
  await row.getByLabel("数量 1", { exact: true }).fill(line.quantity);
  await row.getByLabel("单价 1", { exact: true }).fill(line.unitPrice);
  await expect(page.getByTestId("invoice-total")).toHaveText(total);
  await page.getByTestId("save-and-issue").click();
  await expect(page.getByTestId("invoice-status")).toHaveText("已开具");
  const number = (await page.getByTestId("invoice-number").innerText()).trim();
  expect(number).toMatch(/^INV-\d+$/);
  return number;
}

async function signIn(page: Page, email: string, company: string) {
  await page.goto("/login");
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText(company);
}

test("一整天：注册、催收、收款、每日任务与仪表盘，全程中文", async ({ page, browser, baseURL }) => {
  // Two people, a dozen screens and two daily runs: far more than the default half minute.
  test.setTimeout(240_000);
  const id = `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
  const owner = `owner.${id}@e2e.example`;
  const collector = `collector.${id}@e2e.example`;
  const company = "福建远航供应链有限公司";
  const ownerName = "陈静";
  const collectorName = "周丽";
  // The collector works in a browser of her own, beside the owner's.
  const collectorContext = await browser.newContext({ baseURL, locale: "zh-CN" });
  const desk = await collectorContext.newPage();
  let tenantId = "";

  try {
    await test.step("所有者在网页上注册公司", async () => {
      await page.goto("/");
      await page.getByRole("navigation").getByRole("link", { name: "注册", exact: true }).click();
      await expect(page.getByRole("heading", { name: "注册 Duely" })).toBeVisible();
      await page.getByLabel("公司名称").fill(company);
      await page.getByLabel("您的姓名").fill(ownerName);
      await page.getByLabel("邮箱").fill(owner);
      await page.getByLabel("密码").fill(password);
      await page.getByLabel("记账本位币").selectOption("CNY");
      await page.getByLabel("时区").selectOption("Asia/Shanghai");
      await page.getByTestId("create-account").click();
      await expect(page.getByTestId("company-name")).toHaveText(company);
      await expect(page.getByTestId("role")).toHaveText("所有者");
      await expect(page.getByTestId("verify-banner")).toBeVisible();
      // The company's id, for the clock and the daily jobs, as the web app keeps it.
      const session = await page.evaluate(() => JSON.parse(localStorage.getItem("duely.session") ?? "{}"));
      tenantId = session.tenant_id as string;
      expect(tenantId, JSON.stringify(session)).toMatch(/^[0-9a-f-]{36}$/);
      await shot(page, "01-signed-up");
    });

    await test.step("所有者点开邮件中的链接验证邮箱", async () => {
      await page.goto(await linkPath(owner, "verify-email"));
      await expect(page.getByTestId("verify-result")).toHaveText("邮箱已验证，谢谢！");
      await shot(page, "02-email-verified");
      await page.getByRole("link", { name: "返回概览" }).click();
      await expect(page.getByTestId("company-name")).toHaveText(company);
      await expect(page.getByTestId("verify-banner")).toHaveCount(0);
    });

    await test.step("信用政策设为警告，付款承诺宽限 2 天", async () => {
      await openNav(page, "settings", "设置", { exact: true });
      await expect(page.getByRole("heading", { name: "公司设置" })).toBeVisible();
      const form = page.getByTestId("company-settings");
      await form.getByLabel("开票超出信用额度时", { exact: true }).selectOption("WARN");
      await form.getByLabel(/^付款承诺宽限天数/).fill("2");
      await page.getByTestId("save-company-settings").click();
      await expect(page.getByText("设置已保存。")).toBeVisible();
      await page.reload();
      await expect(form.getByLabel("开票超出信用额度时", { exact: true })).toHaveValue("WARN");
      await expect(form.getByLabel(/^付款承诺宽限天数/)).toHaveValue("2");
      await shot(page, "03-settings");
    });

    await test.step("邀请催收专员", async () => {
      await openNav(page, "settings", "团队", { exact: true });
      const invite = page.getByTestId("invite-form");
      await invite.getByLabel("邮箱").fill(collector);
      await invite.getByLabel("角色").selectOption("COLLECTOR");
      await page.getByTestId("send-invitation").click();
      await expect(page.getByText("邀请已发送。")).toBeVisible();
      await expect(page.getByTestId("pending-invitations")).toContainText(collector);
      await shot(page, "04-invited");
    });

    await test.step("催收专员从邀请邮件加入公司", async () => {
      await desk.goto(await linkPath(collector, "invite"));
      const summary = desk.getByTestId("invitation-summary");
      await expect(summary).toContainText(company);
      await expect(summary).toContainText("催收专员");
      await desk.getByLabel("您的姓名").fill(collectorName);
      await desk.getByLabel("密码").fill(password);
      await desk.getByTestId("accept-invitation").click();
      await expect(desk.getByTestId("company-name")).toHaveText(company);
      await expect(desk.getByTestId("role")).toHaveText("催收专员");
      await shot(desk, "05-collector-joined");
      await desk.getByTestId("sign-out").click();
      await expect(desk).toHaveURL(/\/login$/);
    });

    await test.step("导入客户及其催收专员", async () => {
      await openNav(page, "settings", "导入", { exact: true });
      const box = page.getByTestId("import-customers");
      const customers = csv(
        "customers.csv",
        "code,name,currency,payment_terms_days,credit_limit,contact_name,contact_email,collector_email\n" +
          `${tea.code},${tea.name},CNY,30,15000,林芳,lin.${id}@buyer.example,${collector}\n` +
          `${ceramics.code},${ceramics.name},CNY,30,50000,陈刚,chen.${id}@buyer.example,${collector}\n`,
      );
      // Checked first, then imported.
      await box.getByLabel("CSV 文件").setInputFiles(customers);
      await page.getByTestId("check-customers").click();
      await expect(box.getByTestId("import-result")).toContainText("所有行均有效");
      await page.getByTestId("import-customers-now").click();
      await expect(box.getByTestId("import-result")).toHaveText("已导入 2");
      await shot(page, "06-customers-imported");

      await openNav(page, "receivables", "客户", { exact: true });
      const rows = page.getByTestId("customer-row");
      await expect(rows).toHaveCount(2);
      for (const customer of [tea, ceramics]) {
        await expect(rows.filter({ hasText: customer.name }).getByTestId("row-collector")).toHaveText(collectorName);
      }
      await shot(page, "07-customers");
    });

    // Filled in as the invoices are issued and the company's days are known.
    const numbers: string[] = [];
    let issuedOn = "";
    let dueOn = "";

    await test.step("开具发票：一位客户三张，另一位一张", async () => {
      numbers.push(await issueInvoice(page, tea, { description: "铁观音", quantity: "10", unitPrice: "800" }, "¥8,000.00"));
      numbers.push(await issueInvoice(page, tea, { description: "大红袍", quantity: "5", unitPrice: "900" }, "¥4,500.00"));
      // The third takes the tea trader over its limit of ¥15,000: under WARN it is issued,
      // flagged, where BLOCK would have refused it.
      numbers.push(await issueInvoice(page, tea, { description: "白茶礼盒", quantity: "1", unitPrice: "3000" }, "¥3,000.00"));
      const flag = page.getByTestId("credit-flag");
      await expect(flag).toContainText("信用政策例外");
      await expect(flag).toContainText("警告");
      await shot(page, "08-invoice-over-limit");
      numbers.push(await issueInvoice(page, ceramics, { description: "青花瓷茶具", quantity: "12", unitPrice: "500" }, "¥6,000.00"));

      // The company's today and the due date of net-30 terms, as the invoice list shows them.
      await openNav(page, "receivables", "发票", { exact: true });
      await expect(page.getByTestId("invoice-row")).toHaveCount(4);
      const first = page.getByTestId("invoice-row").filter({ hasText: numbers[0] }).locator("td");
      issuedOn = (await first.nth(2).innerText()).trim();
      dueOn = (await first.nth(3).innerText()).trim();
      expect(issuedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(dueOn).toBe(addDays(issuedOn, 30));
      await shot(page, "09-invoices");
    });
    const [teaFirst, teaSecond, teaThird, ceramicsInvoice] = numbers;

    // Sixteen days past due: the ladder's call step (day 15) is the latest one due.
    const firstDay = addDays(dueOn, 16);
    const promisedOn = addDays(firstDay, 3);
    const visitOn = addDays(firstDay, 2);

    await test.step("十六天后：每日任务生成电话催收任务", async () => {
      setClock(tenantId, firstDay);
      runDaily(tenantId, firstDay);
    });

    const items = desk.getByTestId("work-item");
    const workItem = (customer: Customer) => items.filter({ hasText: customer.name });

    await test.step("催收专员登录，工作台上是两位逾期客户", async () => {
      await signIn(desk, collector, company);
      await openNav(desk, "today", "工作台", { exact: true });
      await expect(items).toHaveCount(2);
      for (const customer of [tea, ceramics]) {
        await expect(workItem(customer).getByTestId("work-reasons")).toContainText("逾期");
        const call = workItem(customer).getByTestId("task-row").filter({ hasText: "电话催收" });
        await expect(call).toBeVisible();
        await expect(call.getByTestId("task-script")).toBeVisible();
      }
      await expect(workItem(ceramics).getByTestId("task-row").filter({ hasText: ceramicsInvoice })).toBeVisible();
      await shot(desk, "10-worklist");
    });

    await test.step("催收专员看话术、记录电话和付款承诺、安排上门拜访", async () => {
      await workItem(ceramics).getByRole("link", { name: ceramics.name }).click();
      await expect(desk.getByTestId("customer-name")).toHaveText(ceramics.name);
      const log = desk.getByTestId("quick-log");
      await log.getByLabel("方式", { exact: true }).selectOption("PHONE");
      // What to say on this call, with the customer's figures filled in.
      const script = log.getByTestId("log-script");
      await expect(script).toBeVisible();
      await expect(script).toContainText("通话话术");
      await expect(script).toContainText(ceramics.name);
      await expect(script).toContainText("已逾期 16 天");
      await shot(desk, "11-call-script");

      await log.getByLabel("结果", { exact: true }).selectOption("PROMISE_TO_PAY");
      await log.getByLabel("联系人", { exact: true }).fill("陈刚");
      await log.getByLabel("备注", { exact: true }).fill("财务陈经理答应三天内付清");
      await log.getByTestId("log-invoices").getByLabel(new RegExp(ceramicsInvoice)).check();
      await log.getByLabel("承诺付款金额", { exact: true }).fill("6000");
      await log.getByLabel("承诺付款日期", { exact: true }).fill(promisedOn);
      await desk.getByTestId("save-activity").click();
      await expect(desk.getByTestId("activity-row").filter({ hasText: "财务陈经理答应三天内付清" })).toBeVisible();
      const promise = desk.getByTestId("promise-row");
      await expect(promise).toContainText("待兑现");
      await expect(promise).toContainText("¥6,000.00");

      await desk.getByTestId("schedule-task").click();
      const form = desk.getByTestId("task-form");
      await form.getByLabel("类型", { exact: true }).selectOption("VISIT");
      await form.getByLabel("到期日", { exact: true }).fill(visitOn);
      await form.getByLabel("备注", { exact: true }).fill("带对账单上门");
      await form.getByTestId("save-task").click();
      await expect(desk.getByText("任务已安排。")).toBeVisible();
      const visit = desk.getByTestId("customer-task").filter({ hasText: "带对账单上门" });
      await expect(visit).toContainText("拜访");
      await expect(visit).toContainText(collectorName);
      await shot(desk, "12-promise-and-visit");
    });

    await test.step("所有者登记一笔收款，核销选定的两张发票", async () => {
      await openNav(page, "receivables", "收款", { exact: true });
      await page.getByTestId("record-payment").click();
      const form = page.getByTestId("payment-form");
      await page.getByTestId("payment-customer").selectOption({ label: option(tea) });
      await form.getByLabel("金额", { exact: true }).fill("11000");
      await form.getByLabel("参考号", { exact: true }).fill("工商银行回单第八八四二号");
      await expect(form.getByTestId("allocation-row")).toHaveCount(3);
      // The customer paid the first and the third: the second stays open.
      const applyTo = (number: string) => form.getByLabel(`核销 ${number}`, { exact: true });
      await applyTo(teaFirst).fill("8000");
      await applyTo(teaSecond).fill("");
      await applyTo(teaThird).fill("3000");
      await expect(form.getByTestId("allocation-total")).toHaveText("¥11,000.00");
      await expect(form.getByTestId("allocation-unapplied")).toHaveText("¥0.00");
      await shot(page, "13-receipt-allocation");
      await page.getByTestId("save-payment").click();
      await expect(page.getByText("收款已登记。")).toBeVisible();
      await expect(page.getByTestId("payment-row")).toHaveCount(1);

      await openNav(page, "receivables", "发票", { exact: true });
      const status = (number: string) =>
        page.getByTestId("invoice-row").filter({ hasText: number }).getByTestId("invoice-status");
      await expect(status(teaFirst)).toHaveText("已结清");
      await expect(status(teaThird)).toHaveText("已结清");
      await expect(status(teaSecond)).toHaveText("已开具");
      await shot(page, "14-receipt-recorded");
    });

    await test.step("所有者为未付的发票设置两期分期付款", async () => {
      await page.getByTestId("invoice-row").filter({ hasText: teaSecond }).getByRole("link", { name: teaSecond }).click();
      await expect(page.getByTestId("invoice-number")).toHaveText(teaSecond);
      const section = page.getByTestId("installments");
      await expect(section).toContainText("未设置分期");
      await page.getByTestId("edit-installments").click();
      const form = page.getByTestId("installments-form");
      await expect(form.getByTestId("installment-row")).toHaveCount(2);
      await form.getByLabel("到期日 1", { exact: true }).fill(addDays(firstDay, 10));
      await form.getByLabel("到期日 2", { exact: true }).fill(addDays(firstDay, 40));
      await form.getByTestId("split-installments").click();
      await expect(form.getByLabel("金额 1", { exact: true })).toHaveValue("2250.00");
      await expect(form.getByLabel("金额 2", { exact: true })).toHaveValue("2250.00");
      await form.getByTestId("save-installments").click();
      await expect(form).toBeHidden();
      await expect(section.getByTestId("installment-plan-row")).toHaveCount(2);
      await shot(page, "15-installments");
    });

    // Sixty-one days past due: the promise (due three days after the call, two days' grace)
    // is long broken, and the ladder's visit step (day 60) is the latest one due.
    const secondDay = addDays(dueOn, 61);

    await test.step("六十一天后：每日任务判定承诺违约并生成拜访任务", async () => {
      setClock(tenantId, secondDay);
      expect(runDaily(tenantId, secondDay)).toContain("1 promises judged");
    });

    await test.step("催收专员看到违约提醒和新任务", async () => {
      // Still on the customer's page: the promise is marked broken.
      await desk.reload();
      await expect(desk.getByTestId("customer-name")).toHaveText(ceramics.name);
      await expect(desk.getByTestId("promise-row")).toContainText("未兑现");
      await shot(desk, "16-promise-broken");

      await openNav(desk, "today", "工作台", { exact: true });
      const alert = desk.getByTestId("alert-row").filter({ hasText: "承诺未兑现" }).filter({ hasText: ceramics.name });
      await expect(alert.first()).toBeVisible();
      const tasks = workItem(ceramics).getByTestId("task-row");
      await expect(tasks.filter({ hasText: `上门拜访 — ${ceramicsInvoice}` })).toBeVisible();
      await expect(tasks.filter({ hasText: "付款承诺违约" })).toBeVisible();
      await shot(desk, "17-worklist-after-run");

      await openNav(desk, "today", "任务", { exact: true });
      const rows = desk.getByTestId("task-row");
      await expect(rows.filter({ hasText: `上门拜访 — ${ceramicsInvoice}` })).toBeVisible();
      await expect(rows.filter({ hasText: "付款承诺违约" })).toBeVisible();
      await expect(rows.filter({ hasText: "带对账单上门" })).toBeVisible();
      await shot(desk, "18-tasks");

      await openNav(desk, "today", "付款承诺", { exact: true });
      const line = desk.getByTestId("promise-line").filter({ hasText: ceramics.name });
      await expect(line).toContainText("未兑现");
      await shot(desk, "19-promises");
    });

    await test.step("仪表盘：所选期间的全部指标", async () => {
      await openNav(page, "reports", "仪表盘", { exact: true });
      await page.getByLabel("统计期间", { exact: true }).selectOption("CUSTOM");
      await page.getByLabel("开始日期", { exact: true }).fill(issuedOn);
      await page.getByLabel("结束日期", { exact: true }).fill(secondDay);
      await expect(page.getByTestId("kpi-period")).toContainText(`${issuedOn} 至 ${secondDay}`);
      // The figures of this period: the receipt, and the one promise that fell due, broken.
      await expect(page.locator('[data-metric="COLLECTED"] .stat-value')).toHaveText(/^¥11,000(\.00)?$/);
      await expect(page.locator('[data-metric="PROMISE_KEPT_RATE"] .stat-value')).toHaveText("0%");
      const cards = page.getByTestId("kpi-card");
      await expect(cards).toHaveCount(13);
      // Every KPI is shown: a figure, or a dash with the reason it has none.
      for (const card of await cards.all()) {
        await expect(card.locator(".stat-label")).not.toBeEmpty();
        const value = (await card.locator(".stat-value").innerText()).trim();
        expect(value, await card.innerText()).not.toBe("");
        if (value === "—") {
          await expect(card.getByTestId("kpi-note")).toBeVisible();
        }
      }
      await expect(page.getByTestId("top-overdue")).toContainText(ceramics.name);
      await shot(page, "20-dashboard");
    });
  } finally {
    if (tenantId) duely("clock", "--reset", "--tenant", tenantId);
    await collectorContext.close();
  }
});
