import { expect, test } from "./fixtures";
import { graphql } from "./api";
import { emailTo } from "./mail";

// Approvals (审批), in Chinese: the owner turns on a write-off policy in the settings (above
// ¥1,000 the owner approves); a finance manager writes off a ¥5,000 invoice, is told before
// confirming that it will go for approval, and sends it; the invoice stays as it was. The owner
// sees the request on the badge, opens the inbox, reads it against the balance it was asked
// on, approves it with a comment, and the invoice is written off.

const password = "approve-the-write-off";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "zh-CN" });

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;
const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { user { id } } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;

async function signIn(page: import("@playwright/test").Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("厦门五金");
}

test("a finance manager asks for a write-off and the owner approves it from the inbox", async ({ page, request }) => {
  // Three sign-ins and four screens: more than the default half minute on a busy machine.
  test.slow();
  const id = stamp();
  const owner = `owner.${id}@e2e.example`;
  const finance = `finance.${id}@e2e.example`;
  const token = (
    await graphql(request, SIGN_UP, { input: { companyName: "厦门五金", name: "林总", email: owner, password } })
  ).signUp.accessToken as string;
  await graphql(request, INVITE, { input: { email: finance, role: "FINANCE_MANAGER" } }, token);
  const invitation = /duely_inv_[0-9a-f]+/.exec(await emailTo(finance))?.[0];
  expect(invitation).toBeTruthy();
  await graphql(request, ACCEPT, { input: { token: invitation, name: "王会计", password } });
  const customerId = (
    await graphql(request, CUSTOMER, { input: { name: "漳州建材", code: `ZZ-${id}` } }, token)
  ).createCustomer.customer.id as string;
  const invoice = (
    await graphql(
      request,
      INVOICE,
      { input: { customerId, issue: true, lines: [{ description: "螺栓", quantity: "100", unitPrice: "50" }] } },
      token,
    )
  ).createInvoice.invoice as { id: string; number: string };

  // The owner: write-offs above ¥1,000 wait for the owner.
  await signIn(page, owner);
  await page.goto("/settings");
  const policy = page.getByTestId("policy-WRITE_OFF");
  await expect(policy).toBeVisible();
  await policy.getByTestId("policy-enabled").check();
  await policy.getByTestId("add-threshold").click();
  await expect(policy.getByTestId("threshold-currency")).toHaveValue("CNY");
  await policy.getByTestId("threshold-above").fill("1000");
  await expect(policy.getByTestId("threshold-level")).toHaveValue("ROLE:OWNER");
  await policy.getByTestId("save-policy").click();
  await expect(page.getByText("审批规则已保存。")).toBeVisible();
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);

  // The finance manager: told before confirming, then sent for approval; nothing changed yet.
  await signIn(page, finance);
  await page.goto(`/invoices/${invoice.id}`);
  await expect(page.getByTestId("invoice-status")).toHaveText("已开具");
  await page.getByTestId("write-off").click();
  const form = page.getByTestId("invoice-action-form");
  await expect(form.getByTestId("approval-notice")).toHaveText("此变更需要审批：所有者");
  await form.getByLabel("原因").fill("客户已破产清算");
  await page.getByTestId("confirm-invoice-action").click();
  await expect(page.getByText("已提交审批，批准后生效。")).toBeVisible();
  await expect(page.getByTestId("invoice-status")).toHaveText("已开具");
  // Her own request, waiting for the owner.
  await page.goto("/approvals");
  await expect(page.getByTestId("approvals-empty")).toBeVisible();
  await page.getByTestId("approvals-mine").click();
  const mine = page.getByTestId("approval-request");
  await expect(mine).toHaveCount(1);
  await expect(mine.getByTestId("approval-status")).toHaveText("待审批");
  await expect(mine.getByTestId("approve-request")).toHaveCount(0);
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);

  // The owner: the badge counts it; the inbox shows it against the balance asked on.
  await signIn(page, owner);
  await expect(page.getByTestId("approvals-badge-count")).toHaveText("1");
  await page.getByTestId("approvals-badge").click();
  await expect(page).toHaveURL(/\/approvals/);
  const request_ = page.getByTestId("approval-request");
  await expect(request_).toHaveCount(1);
  await expect(request_.getByTestId("approval-action")).toHaveText("核销坏账");
  await expect(request_).toContainText(invoice.number);
  await expect(request_.getByTestId("approval-amount")).toHaveText("¥5,000.00");
  await expect(request_.getByTestId("approval-reason")).toHaveText("客户已破产清算");
  await expect(request_.getByTestId("approval-before")).toContainText("未收余额");
  await expect(request_.getByTestId("approval-before")).toContainText("¥5,000.00");
  await expect(request_.getByTestId("approval-after")).toContainText("余额作为坏账核销");
  await expect(request_.getByTestId("approval-levels")).toContainText("所有者");
  await request_.getByTestId("approval-comment").fill("同意核销，已确认法院裁定");
  await request_.getByTestId("approve-request").click();
  await expect(page.getByText("已批准，变更已生效。")).toBeVisible();
  await expect(page.getByTestId("approval-request")).toHaveCount(0);
  await expect(page.getByTestId("approvals-badge")).toHaveCount(0);
  await page.getByTestId("approvals-all").click();
  await expect(page.getByTestId("approval-status")).toHaveText("已批准");

  await page.goto(`/invoices/${invoice.id}`);
  await expect(page.getByTestId("invoice-status")).toHaveText("已核销坏账");
});
