import { expect, openNav, test } from "./fixtures";

test.use({ locale: "en-US" });

test("an owner creates an API key, a third party uses it, the owner revokes it and reads the audit log", async ({ page }) => {
  const owner = `keys.${Date.now()}.${Math.floor(Math.random() * 1e6)}@e2e.example`;
  await page.goto("/signup");
  await page.getByLabel("Company name").fill("Keys Trading");
  await page.getByLabel("Your name").fill("Li Wei");
  await page.getByLabel("Email").fill(owner);
  await page.getByLabel("Password").fill("receivables-on-time");
  await page.getByTestId("create-account").click();
  await expect(page.getByTestId("company-name")).toHaveText("Keys Trading");

  await openNav(page, "settings", "API keys");
  await page.getByTestId("create-key").click();
  await expect(page.getByText("Choose at least one scope.")).toBeVisible();
  await page.getByLabel("Key name").fill("ERP sync");
  await page.getByRole("checkbox", { name: "team:read" }).check();
  await page.getByTestId("create-key").click();

  const secret = (await page.getByTestId("key-secret").textContent())!.trim();
  expect(secret).toMatch(/^duely_[0-9a-f]{12}_[0-9a-f]{64}$/);
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
  await expect(page.getByTestId("key-secret")).toHaveCount(0);

  const asThirdParty = () =>
    page.request.post("/graphql", {
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      data: { query: "{ members { user { email } role } }" },
    });
  const used = await (await asThirdParty()).json();
  expect(used.data.members[0].user.email).toBe(owner);

  const row = page.getByTestId("key-row").filter({ hasText: "ERP sync" });
  await page.reload();
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Revoked");
  const refused = await (await asThirdParty()).json();
  expect(refused.errors[0].extensions.code).toBe("UNAUTHENTICATED");

  await openNav(page, "settings", "Audit log");
  await expect(page.getByTestId("audit-row").filter({ hasText: "api_key.revoked" })).toHaveCount(1);
  await expect(page.getByTestId("audit-row").filter({ hasText: "api_key.created" })).toHaveCount(1);
  await expect(page.getByTestId("audit-row").filter({ hasText: "tenant.created" })).toHaveCount(1);
});
