import { expect, test } from "./fixtures";
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

  await page.getByRole("navigation").getByRole("link", { name: "Team" }).click();
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
