import { expect, test } from "./fixtures";

test.describe("a visitor whose browser prefers Chinese", () => {
  test.use({ locale: "zh-CN" });

  test("sees the app in Chinese with the server's version", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("让每一笔应收款按时到账");
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await expect(page.getByTestId("server-version")).toContainText(/\d+\.\d+\.\d+/);
  });

  test("switches to English, and the choice survives a reload", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Get every receivable paid on time");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.reload();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Get every receivable paid on time");
    await expect(page.getByRole("button", { name: "English" })).toHaveAttribute("aria-pressed", "true");
  });
});

test.describe("a visitor whose browser prefers English", () => {
  test.use({ locale: "en-US" });

  test("sees the app in English", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Get every receivable paid on time");
  });

  test("reaches the sign-in page from the navigation", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation").getByRole("link", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Sign in to Duely" })).toBeVisible();
    await expect(page.getByLabel("Email")).toBeVisible();
    await expect(page.getByLabel("Password")).toBeVisible();
  });

  test("is told which sign-in fields need attention", async ({ page }) => {
    await page.goto("/login");
    await page.getByTestId("sign-in").click();
    await expect(page.getByText("Enter your email.")).toBeVisible();
    await expect(page.getByText("Enter your password.")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Email").fill("someone@");
    await expect(page.getByText("That email does not look right, for example name@company.com.")).toBeVisible();
  });

  test("gets a helpful page for an address that does not exist", async ({ page }) => {
    const response = await page.goto("/no/such/page");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await page.getByRole("link", { name: "Back to the overview" }).click();
    await expect(page).toHaveURL(/\/$/);
  });
});
