import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

// The browser runs 25 hours ahead of the company (UTC+14 against UTC-11): their dates always
// differ, so a date taken from the browser cannot pass for the company's.
const companyZone = "Pacific/Pago_Pago";
test.use({ locale: "en-US", timezoneId: "Pacific/Kiritimati" });

const companyToday = () => new Date().toLocaleDateString("en-CA", { timeZone: companyZone });

test("a team member whose browser is in another time zone works on the company's today", async ({ page, request }) => {
  const email = `calendar.${Date.now()}.${Math.floor(Math.random() * 1e6)}@e2e.example`;
  const password = "receivables-on-time";
  await graphql(request,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    { input: { companyName: "Apia Traders", name: "Sione Tuilagi", email, password, timeZone: companyZone } });

  await page.goto("/login");
  const browserToday = await page.evaluate(() => new Date().toLocaleDateString("en-CA"));
  expect(browserToday).not.toBe(companyToday());
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();

  // The aging report opens as of the company's today, and says so.
  await openNav(page, "reports", "Aging");
  await expect(page.locator('input[name="aging-as-of"]')).toHaveValue(companyToday());
  await expect(page.locator("caption").first()).toContainText(companyToday());
});
