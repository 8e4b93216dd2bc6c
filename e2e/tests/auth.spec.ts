import { expect, test } from "./fixtures";

const password = "receivables-on-time";
const uniqueEmail = (who: string) => `${who}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@e2e.example`;

test.describe("a finance lead", () => {
  test.use({ locale: "en-US" });

  test("signs up a company, stays signed in across a reload, signs out and back in", async ({ page }) => {
    const email = uniqueEmail("owner");
    await page.goto("/");
    await page.getByRole("navigation").getByRole("link", { name: "Sign up" }).click();
    await expect(page.getByRole("heading", { name: "Sign up for Duely" })).toBeVisible();

    await page.getByLabel("Company name").fill("Yuanhang Trading");
    await page.getByLabel("Your name").fill("Li Wei");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByLabel("Base currency").selectOption("CNY");
    await page.getByTestId("create-account").click();

    await expect(page.getByTestId("company-name")).toHaveText("Yuanhang Trading");
    await expect(page.getByTestId("role")).toHaveText("Owner");
    await expect(page.getByText("Invite and manage team members")).toBeVisible();

    await page.reload();
    await expect(page.getByTestId("company-name")).toHaveText("Yuanhang Trading");
    await expect(page.getByTestId("header-company")).toHaveText("Yuanhang Trading");

    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL(/\/login$/);
    await page.reload();
    await expect(page.getByTestId("header-company")).toHaveCount(0);

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("form-error")).toHaveText("The email or password is not right.");

    await page.getByLabel("Password").fill(password);
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("company-name")).toHaveText("Yuanhang Trading");
  });

  test("keeps the session when a refresh fails for any reason but an ended session", async ({ page }) => {
    test.setTimeout(60_000);
    await page.goto("/signup");
    await page.getByLabel("Company name").fill("Flaky Network Trading");
    await page.getByLabel("Your name").fill("Li Wei");
    await page.getByLabel("Email").fill(uniqueEmail("flaky"));
    await page.getByLabel("Password").fill(password);
    await page.getByTestId("create-account").click();
    await expect(page.getByTestId("company-name")).toHaveText("Flaky Network Trading");

    // The network drops every refresh: the reload cannot restore the session yet…
    let refusals = 0;
    await page.route("**/graphql", async (route) => {
      if (route.request().postData()?.includes("refreshSession")) {
        refusals += 1;
        await route.abort("connectionreset");
      } else {
        await route.continue();
      }
    });
    await page.reload();
    await expect.poll(() => refusals).toBeGreaterThan(0);
    // …but the stored session is kept, not thrown away,
    expect(await page.evaluate(() => window.localStorage.getItem("duely.session"))).not.toBeNull();
    // and once the network is back, the app retries and the user is still signed in.
    await page.unroute("**/graphql");
    await expect(page.getByTestId("company-name")).toHaveText("Flaky Network Trading", { timeout: 20_000 });
  });

  test("is told at once what is wrong with the sign-up form", async ({ page }) => {
    await page.goto("/signup");
    await page.getByTestId("create-account").click();
    await expect(page.getByText("Enter your email.")).toBeVisible();
    await expect(page.getByText("A password needs at least 10 characters.")).toBeVisible();

    await page.getByLabel("Email").fill("li@yuanhang.example");
    await page.getByLabel("Password").fill("qwertyuiop");
    await expect(page.getByText("That is one of the most common passwords; choose another.")).toBeVisible();
  });

  test("is told when the email already has an account", async ({ page }) => {
    const email = uniqueEmail("taken");
    for (const attempt of [1, 2]) {
      await page.goto("/signup");
      await page.getByLabel("Company name").fill(`Acme ${attempt}`);
      await page.getByLabel("Your name").fill("Wang Fang");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByTestId("create-account").click();
      if (attempt === 1) {
        await expect(page.getByTestId("company-name")).toHaveText("Acme 1");
        await page.getByTestId("sign-out").click();
        await expect(page).toHaveURL(/\/login$/);
      }
    }
    await expect(page.getByText("This email already has an account.")).toBeVisible();
  });
});

test.describe("a Chinese-speaking finance lead", () => {
  test.use({ locale: "zh-CN" });

  test("signs up in Chinese", async ({ page }) => {
    await page.goto("/signup");
    await expect(page.getByRole("heading", { name: "注册 Duely" })).toBeVisible();
    await page.getByLabel("公司名称").fill("上海远航贸易有限公司");
    await page.getByLabel("您的姓名").fill("李伟");
    await page.getByLabel("邮箱").fill(uniqueEmail("li"));
    await page.getByLabel("密码").fill(password);
    await page.getByTestId("create-account").click();
    await expect(page.getByTestId("company-name")).toHaveText("上海远航贸易有限公司");
    await expect(page.getByTestId("role")).toHaveText("所有者");
  });
});
