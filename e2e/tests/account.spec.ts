import { expect, test } from "./fixtures";
import { graphql } from "./api";
import { emailWith } from "./mail";

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;

/** The path of the `/<route>/<token>` link in the newest email to `to` that has one. The newest
 * email may still be an earlier one (sign-up sends its own), so this waits for the right kind. */
async function linkPath(to: string, route: "verify-email" | "reset-password"): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"'<>]+?/${route}/[\\w-]+`);
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        link = pattern.exec(await emailWith(to, `/${route}/`))?.[0];
        return link;
      },
      { message: `an email to ${to} with a /${route}/ link`, timeout: 15_000 },
    )
    .toBeTruthy();
  return new URL(link!).pathname;
}

test.describe("an owner", () => {
  test.use({ locale: "en-US" });

  test("verifies the email from the link, resets a forgotten password, then changes it", async ({ page }) => {
    // Two emails to wait for and four password hashes: a longer journey than most.
    test.setTimeout(60_000);
    const owner = `owner.${stamp()}@e2e.example`;
    const resetPassword = "collected-in-thirty-days";
    const changedPassword = "statements-every-month";

    await page.goto("/signup");
    await page.getByLabel("Company name").fill("Yuanhang Trading");
    await page.getByLabel("Your name").fill("Li Wei");
    await page.getByLabel("Email").fill(owner);
    await page.getByLabel("Password").fill(password);
    await page.getByTestId("create-account").click();
    await expect(page.getByTestId("company-name")).toHaveText("Yuanhang Trading");

    const banner = page.getByTestId("verify-banner");
    await expect(banner).toContainText("Verify your email address");
    await expect(banner.getByTestId("resend-verification")).toBeVisible();

    // The link works while signed in, and the banner goes without signing in again.
    await page.goto(await linkPath(owner, "verify-email"));
    await expect(page.getByTestId("verify-result")).toHaveText("Your email address is verified. Thank you!");
    await page.getByRole("link", { name: "Back to the overview" }).click();
    await expect(page.getByTestId("company-name")).toHaveText("Yuanhang Trading");
    await expect(page.getByTestId("verify-banner")).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId("company-name")).toHaveText("Yuanhang Trading");
    await expect(page.getByTestId("verify-banner")).toHaveCount(0);

    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
    await page.getByTestId("forgot-form").getByLabel("Email").fill(owner);
    await page.getByTestId("send-reset-link").click();
    await expect(page.getByTestId("reset-link-sent")).toHaveText(
      "If an account exists for that email, we have sent it a link to reset the password. The link is valid for one hour.",
    );

    const resetPath = await linkPath(owner, "reset-password");
    await page.goto(resetPath);
    const resetForm = page.getByTestId("reset-form");
    await resetForm.getByLabel("New password", { exact: true }).fill(resetPassword);
    await resetForm.getByLabel("Repeat the new password").fill("not the same password");
    await page.getByTestId("save-new-password").click();
    await expect(page.getByText("The two passwords do not match.")).toBeVisible();
    await resetForm.getByLabel("Repeat the new password").fill(resetPassword);
    await page.getByTestId("save-new-password").click();
    await expect(page.getByTestId("company-name")).toHaveText("Yuanhang Trading");

    await page.getByTestId("account-link").click();
    await expect(page.getByRole("heading", { name: "Your account", level: 1 })).toBeVisible();
    await expect(page.getByTestId("account-email-address")).toHaveText(owner);
    await expect(page.getByTestId("email-status")).toHaveText("Verified");
    await expect(page.getByTestId("resend-verification")).toHaveCount(0);

    const changeForm = page.getByTestId("change-password-form");
    await changeForm.getByLabel("Current password").fill(password);
    await changeForm.getByLabel("New password", { exact: true }).fill(changedPassword);
    await changeForm.getByLabel("Repeat the new password").fill(changedPassword);
    await page.getByTestId("change-password").click();
    await expect(page.getByText("The current password is not right.")).toBeVisible();
    await changeForm.getByLabel("Current password").fill(resetPassword);
    await page.getByTestId("change-password").click();
    await expect(page.getByText("Password changed; your other devices have been signed out.")).toBeVisible();

    // This session carries on with its new tokens.
    await page.reload();
    await expect(page.getByTestId("account-email-address")).toHaveText(owner);

    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel("Email").fill(owner);
    await page.getByLabel("Password").fill(resetPassword);
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("form-error")).toHaveText("The email or password is not right.");
    await page.getByLabel("Password").fill(changedPassword);
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("company-name")).toHaveText("Yuanhang Trading");

    // A used reset link does not work twice.
    await page.goto(resetPath);
    await resetForm.getByLabel("New password", { exact: true }).fill(resetPassword);
    await resetForm.getByLabel("Repeat the new password").fill(resetPassword);
    await page.getByTestId("save-new-password").click();
    await expect(page.getByTestId("reset-link-invalid")).toBeVisible();
  });
});

test.describe("a Chinese-speaking owner", () => {
  test.use({ locale: "zh-CN" });

  test("is asked to verify the email, and gets the same answer about a reset link for any address", async ({
    page,
    request,
  }) => {
    const owner = `li.${stamp()}@e2e.example`;
    await graphql(request, SIGN_UP, {
      input: { companyName: "上海远航贸易有限公司", name: "李伟", email: owner, password },
    });

    await page.goto("/login");
    await page.getByLabel("邮箱").fill(owner);
    await page.getByLabel("密码").fill(password);
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("company-name")).toHaveText("上海远航贸易有限公司");
    const banner = page.getByTestId("verify-banner");
    await expect(banner).toContainText("请验证您的邮箱地址");
    // Sign-up has just sent an email, so the server may ask to wait before another.
    await banner.getByTestId("resend-verification").click();
    await expect(page.getByText(/验证邮件已发送，请查收。|操作过于频繁，请稍后再试。/)).toBeVisible();

    await page.getByTestId("account-link").click();
    await expect(page.getByTestId("email-status")).toHaveText("未验证");
    await expect(page.getByTestId("verify-banner")).toHaveCount(0);

    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByRole("link", { name: "忘记密码？" }).click();
    await expect(page.getByRole("heading", { name: "找回密码" })).toBeVisible();
    await page.getByTestId("forgot-form").getByLabel("邮箱").fill(`nobody.${stamp()}@e2e.example`);
    await page.getByTestId("send-reset-link").click();
    await expect(page.getByTestId("reset-link-sent")).toHaveText(
      "如果该邮箱有 Duely 账户，我们已向它发送重设密码的链接，链接一小时内有效。",
    );
  });
});
