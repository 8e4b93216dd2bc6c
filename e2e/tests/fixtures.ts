import { Page, test as base } from "@playwright/test";

export * from "@playwright/test";

/// Every journey fails on a content security policy violation: a page that needs an inline
/// script or a foreign file would work in development and break for users, so it breaks here.
export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ context }, use) => {
      const violations: string[] = [];
      await context.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (event) => {
          console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
        });
      });
      context.on("console", (message) => {
        const text = message.text();
        if (text.startsWith("CSP violation:") || text.includes("Content Security Policy")) {
          violations.push(`${message.location().url}: ${text}`);
        }
      });
      await use();
      if (violations.length > 0) {
        throw new Error(`content security policy violations:\n${violations.join("\n")}`);
      }
    },
    { auto: true },
  ],
});

/// The groups of the main menu, by the test id of their toggles (`nav-group-<group>`).
export type NavGroup = "today" | "receivables" | "collections" | "reports" | "settings";

/// Follows a link of the main menu: opens the phone menu when it is shown (a narrow window),
/// opens the link's group (each group's links are hidden until its button is pressed), then
/// clicks the link by its accessible name, as `getByRole("link", { name })` matches it.
export async function openNav(
  page: Page,
  group: NavGroup,
  link: string | RegExp,
  options: { exact?: boolean } = {},
): Promise<void> {
  // The group is there once the session is known (its links depend on the role).
  const toggle = page.getByTestId(`nav-group-${group}`);
  await toggle.waitFor({ state: "attached" });
  const menu = page.getByTestId("nav-menu");
  if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true") {
    await menu.click();
  }
  if ((await toggle.getAttribute("aria-expanded")) !== "true") {
    await toggle.click();
  }
  await page.getByRole("navigation").getByRole("link", { name: link, exact: options.exact }).click();
}

/// Signs in on the sign-in page, its fields found by their labels in the page's language.
export async function logIn(page: Page, email: string, password: string, labels: [string, string]): Promise<void> {
  await page.goto("/login");
  await page.getByLabel(labels[0]).fill(email);
  await page.getByLabel(labels[1]).fill(password);
  await page.getByTestId("sign-in").click();
}
