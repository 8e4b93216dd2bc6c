import { test as base } from "@playwright/test";

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
