import { expect, test } from "./fixtures";
import { graphql } from "./api";
import { emailTo } from "./mail";

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "en-US" });

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;

test("a person in two companies switches between them from the header", async ({ page, request }) => {
  const id = stamp();
  const accountant = `accountant.${id}@e2e.example`;
  const otherOwner = `owner.${id}@e2e.example`;

  // The accountant runs her own company, and is invited as finance manager into a second one.
  await graphql(request, SIGN_UP, {
    input: { companyName: "Lotus Bookkeeping", name: "Chen Jing", email: accountant, password },
  });
  const second = await graphql(request, SIGN_UP, {
    input: { companyName: "Harbour Freight", name: "Zhao Lei", email: otherOwner, password },
  });
  await graphql(
    request,
    `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }`,
    { input: { email: accountant, role: "FINANCE_MANAGER" } },
    second.signUp.accessToken,
  );
  const token = /duely_inv_[0-9a-f]+/.exec(await emailTo(accountant))?.[0];
  expect(token).toBeTruthy();
  await graphql(
    request,
    `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken } }`,
    { input: { token, password } },
  );

  await page.goto("/login");
  await page.getByLabel("Email").fill(accountant);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();

  const switcher = page.getByTestId("company-switcher");
  await expect(switcher.locator("option")).toHaveCount(2);
  const startedIn = await page.getByTestId("header-company").textContent();
  const target = startedIn === "Harbour Freight" ? "Lotus Bookkeeping" : "Harbour Freight";
  await switcher.selectOption({ label: target });

  await expect(page.getByText(`Switched to ${target}`)).toBeVisible();
  await expect(page.getByTestId("header-company")).toHaveText(target);
  await expect(page.getByTestId("company-name")).toHaveText(target);
  await expect(page.getByTestId("role")).toHaveText(target === "Harbour Freight" ? "Finance manager" : "Owner");

  // The choice survives a reload: the remembered session is the switched one.
  await page.reload();
  await expect(page.getByTestId("header-company")).toHaveText(target);
});
