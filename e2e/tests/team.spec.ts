import { expect, openNav, test } from "./fixtures";
import { emailTo } from "./mail";

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "en-US" });

test("an owner invites a collector, who joins from the email and cannot reach team settings or API keys", async ({ page }) => {
  const id = stamp();
  const owner = `owner.${id}@e2e.example`;
  const collector = `collector.${id}@e2e.example`;

  await page.goto("/signup");
  await page.getByLabel("Company name").fill("Yuanhang Trading");
  await page.getByLabel("Your name").fill("Li Wei");
  await page.getByLabel("Email").fill(owner);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("create-account").click();
  await expect(page.getByTestId("company-name")).toHaveText("Yuanhang Trading");

  await openNav(page, "settings", "Team");
  await expect(page.getByRole("heading", { name: "Team", level: 1 })).toBeVisible();
  await expect(page.getByTestId("member-row")).toHaveCount(1);
  const invite = page.getByTestId("invite-form");
  await invite.getByLabel("Email").fill(collector);
  await invite.getByLabel("Role").selectOption("COLLECTOR");
  await page.getByTestId("send-invitation").click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  await expect(page.getByTestId("pending-invitations")).toContainText(collector);

  const email = await emailTo(collector);
  expect(email).toContain("Yuanhang Trading");
  const link = /https?:\/\/\S+\/invite\/duely_inv_[0-9a-f]+/.exec(email)?.[0];
  expect(link, email).toBeTruthy();

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);

  await page.goto(new URL(link!).pathname);
  await expect(page.getByTestId("invitation-summary")).toContainText("Yuanhang Trading");
  await expect(page.getByTestId("invitation-summary")).toContainText("Collector");
  await page.getByLabel("Your name").fill("Wang Fang");
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("accept-invitation").click();

  await expect(page.getByTestId("company-name")).toHaveText("Yuanhang Trading");
  await expect(page.getByTestId("role")).toHaveText("Collector");
  // None of the settings group's pages is a collector's: the group is not shown at all.
  await expect(page.getByTestId("nav-group-settings")).toHaveCount(0);
  await expect(page.getByRole("navigation").getByRole("link", { name: "Team" })).toHaveCount(0);
  await page.goto("/team");
  await expect(page.getByTestId("no-access")).toBeVisible();
  await expect(page.getByTestId("member-row")).toHaveCount(0);
  await expect(page.getByRole("navigation").getByRole("link", { name: "API keys" })).toHaveCount(0);
  await page.goto("/api-keys");
  await expect(page.getByTestId("no-access")).toBeVisible();
  await expect(page.getByTestId("create-key-form")).toHaveCount(0);

  // The used link does not work twice.
  await page.goto(new URL(link!).pathname);
  await expect(page.getByTestId("invitation-invalid")).toBeVisible();
});

async function api(request: import("@playwright/test").APIRequestContext, query: string, variables: object, token?: string) {
  const response = await request.post("/graphql", {
    data: { query, variables },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = await response.json();
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

test.describe("中文界面", () => {
  test.use({ locale: "zh-CN" });

  test("移除管理员时，其创建的 API 密钥和发出的邀请一并收回，并在团队页列出", async ({ page, request }) => {
    const id = stamp();
    const owner = `owner.${id}@e2e.example`;
    const admin = `admin.${id}@e2e.example`;
    const ownerToken = (await api(request,
      `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
      { input: { companyName: "远航贸易", name: "李伟", email: owner, password } })).signUp.accessToken;
    await api(request, `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }`,
      { input: { email: admin, role: "ADMIN" } }, ownerToken);
    const token = /duely_inv_[0-9a-f]+/.exec(await emailTo(admin))?.[0];
    const adminToken = (await api(request,
      `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken } }`,
      { input: { token, name: "王芳", password } })).acceptInvitation.accessToken;
    await api(request, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: "ERP 同步", scopes: ["invoices:read"] } }, adminToken);
    await api(request, `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }`,
      { input: { email: `viewer.${id}@e2e.example`, role: "VIEWER" } }, adminToken);

    await page.goto("/login");
    await page.getByLabel("邮箱").fill(owner);
    await page.getByLabel("密码").fill(password);
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("company-name")).toHaveText("远航贸易");
    await page.goto("/team");
    await expect(page.getByTestId("pending-invitations")).toContainText("王芳");
    const adminRow = page.getByTestId("member-row").filter({ hasText: admin });
    await adminRow.getByRole("button").click();
    await page.getByTestId("confirm-remove").click();
    const revoked = page.getByTestId("access-revoked");
    await expect(revoked).toContainText("已收回的访问权限");
    await expect(revoked).toContainText("ERP 同步");
    await expect(revoked).toContainText(`viewer.${id}@e2e.example`);
  });
});
