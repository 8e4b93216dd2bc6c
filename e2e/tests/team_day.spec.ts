import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";
import { emailTo } from "./mail";

// The team's day, in Chinese: the owner gives two overdue customers to a collector from the
// customer list; the dunning ladder's call tasks follow them, so the owner's unassigned view
// keeps only the third customer; the collector signs in to a worklist with both customers and
// their call tasks, completes one, and schedules a visit from the customer's page.

const password = "the-team-day";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "zh-CN" });

function day(offset: number) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken tenant { id } user { id } } }`;
const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { user { id } } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;
const RUN_DUNNING = `mutation { runDunningNow { run { tasks failures } } }`;

test("the owner assigns two customers to a collector, who works their ladder tasks and schedules a visit", async ({ page, request }) => {
  // Two sign-ins and five screens: more than the default half minute on a busy machine.
  test.slow();
  const id = stamp();
  const owner = `owner.${id}@e2e.example`;
  const collector = `collector.${id}@e2e.example`;
  const collectorName = "周丽";

  // The company, its collector (joined from the invitation email) and three overdue customers.
  const signedUp = await graphql(request, SIGN_UP, {
    input: { companyName: "泉州纺织", name: "陈静", email: owner, password },
  });
  const token = signedUp.signUp.accessToken as string;
  await graphql(request, INVITE, { input: { email: collector, role: "COLLECTOR" } }, token);
  const invitation = /duely_inv_[0-9a-f]+/.exec(await emailTo(collector))?.[0];
  expect(invitation).toBeTruthy();
  await graphql(request, ACCEPT, { input: { token: invitation, name: collectorName, password } });

  const first = `晋江服装厂 ${id}`;
  const second = `石狮鞋业 ${id}`;
  const third = `南安石材 ${id}`;
  const customerIds: Record<string, string> = {};
  for (const [index, name] of [first, second, third].entries()) {
    const created = await graphql(request, CUSTOMER, { input: { name, code: `TD-${index + 1}` } }, token);
    const customerId = created.createCustomer.customer.id as string;
    customerIds[name] = customerId;
    // Sixteen days overdue: the default ladder's call step (day 15) is due.
    await graphql(
      request,
      INVOICE,
      {
        input: {
          customerId, issue: true, issueDate: day(-46), dueDate: day(-16),
          lines: [{ description: "棉布", quantity: "10", unitPrice: "800" }],
        },
      },
      token,
    );
  }

  // The owner assigns the first two to the collector from the customer list.
  await page.goto("/login");
  await page.getByLabel("邮箱").fill(owner);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("泉州纺织");
  await openNav(page, "receivables", "客户", { exact: true });
  await expect(page.getByTestId("customer-row")).toHaveCount(3);
  await page.getByLabel(`选择 ${first}`, { exact: true }).check();
  await page.getByLabel(`选择 ${second}`, { exact: true }).check();
  const bulk = page.getByTestId("bulk-assign");
  await expect(bulk.getByTestId("selected-count")).toHaveText("已选 2 个");
  await bulk.getByLabel("催收专员", { exact: true }).selectOption({ label: collectorName });
  await bulk.getByTestId("assign-selected").click();
  await expect(page.getByText("已为 2 个客户分配")).toBeVisible();
  const row = (name: string) => page.getByTestId("customer-row").filter({ hasText: name });
  await expect(row(first).getByTestId("row-collector")).toHaveText(collectorName);
  await expect(row(second).getByTestId("row-collector")).toHaveText(collectorName);
  await expect(row(third).getByTestId("row-collector")).toHaveText("—");

  // Today's dunning run: each customer's call task goes to its collector (the third's to nobody).
  const run = await graphql(request, RUN_DUNNING, {}, token);
  expect(run.runDunningNow.run.failures).toBe(0);

  // The owner's unassigned view keeps only the third customer.
  await openNav(page, "today", "工作台", { exact: true });
  await expect(page.getByTestId("work-item").filter({ hasText: first })).toBeVisible();
  await page.getByTestId("worklist-scope").selectOption("UNASSIGNED");
  const items = page.getByTestId("work-item");
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText(third);
  await expect(items.filter({ hasText: first })).toHaveCount(0);
  await expect(items.filter({ hasText: second })).toHaveCount(0);
  // So does the task list's unassigned queue: only the third customer's call task is there.
  await openNav(page, "today", "任务", { exact: true });
  await expect(page.getByTestId("task-row")).toHaveCount(3);
  await page.getByTestId("tasks-scope").selectOption("UNASSIGNED");
  await expect(page.getByTestId("task-row")).toHaveCount(1);
  await expect(page.getByTestId("task-row")).toContainText(third);

  // The collector signs in: both customers, each with the ladder's call task.
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel("邮箱").fill(collector);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("泉州纺织");
  await openNav(page, "today", "工作台", { exact: true });
  await expect(items).toHaveCount(2);
  const firstItem = items.filter({ hasText: first });
  await expect(firstItem).toBeVisible();
  await expect(items.filter({ hasText: second })).toBeVisible();
  await expect(items.filter({ hasText: third })).toHaveCount(0);
  await expect(page.getByTestId("task-row")).toHaveCount(2);
  const callTask = firstItem.getByTestId("task-row");
  await expect(callTask).toContainText("电话催收");

  // She calls the first customer and completes the task from the worklist.
  await callTask.getByTestId("open-task").click();
  const done = firstItem.getByTestId("complete-task");
  await done.getByLabel("结果", { exact: true }).selectOption("CALLBACK_REQUESTED");
  await done.getByLabel("备注", { exact: true }).fill("财务下周一回电");
  await done.getByTestId("save-task").click();
  await expect(page.getByText("任务已完成，活动已记录。")).toBeVisible();
  await expect(page.getByTestId("task-row")).toHaveCount(1);
  await expect(items.filter({ hasText: first }).getByTestId("task-row")).toHaveCount(0);

  // Her open tasks keep only the second customer's call; the first one is done.
  await openNav(page, "today", "任务", { exact: true });
  const tasks = page.getByTestId("task-row");
  await expect(tasks).toHaveCount(1);
  await expect(tasks).toContainText(second);
  await page.getByTestId("task-filters").getByLabel("状态", { exact: true }).selectOption("DONE");
  await expect(tasks.filter({ hasText: second })).toHaveCount(0);
  await expect(tasks).toHaveCount(1);
  await expect(tasks).toContainText(first);
  await expect(tasks).toContainText("已完成");

  // On the first customer's page she schedules a visit, listed there and among her tasks.
  await page.goto(`/customers/${customerIds[first]}`);
  await page.getByTestId("schedule-task").click();
  const form = page.getByTestId("task-form");
  await form.getByLabel("类型", { exact: true }).selectOption("VISIT");
  await form.getByLabel("到期日", { exact: true }).fill(day(3));
  await form.getByLabel("备注", { exact: true }).fill("带对账单上门");
  await form.getByTestId("save-task").click();
  await expect(page.getByText("任务已安排。")).toBeVisible();
  const customerTask = page.getByTestId("customer-task");
  await expect(customerTask).toHaveCount(1);
  await expect(customerTask).toContainText("拜访");
  await expect(customerTask).toContainText("带对账单上门");
  await expect(customerTask).toContainText(collectorName);

  await openNav(page, "today", "任务", { exact: true });
  await expect(tasks).toHaveCount(2);
  const visit = tasks.filter({ hasText: "带对账单上门" });
  await expect(visit).toContainText(first);
  await expect(visit).toContainText("拜访");
  await expect(visit).toContainText(collectorName);
});
