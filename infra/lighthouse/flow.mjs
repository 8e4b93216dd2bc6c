// Lighthouse 12 (its default: a mobile phone, slow 4G, 4x CPU slow-down) on a running Duely:
// the sign-in page opened cold, then a user flow as a finance manager on a phone lives it: the
// sign-in page, signing in to the demo company, then the dashboard (the browser's cache kept,
// as a phone keeps it). Prints each step's scores and largest paint; writes the whole flow as
// an HTML report. Usage: node flow.mjs BASE_URL REPORT_DIR (infra/lighthouse.sh runs it).
import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";
import lighthouse, { startFlow } from "lighthouse";

const [base, reportDir] = process.argv.slice(2);
const email = process.env.DEMO_EMAIL ?? "demo@duely.example";
const password = process.env.DEMO_PASSWORD ?? "duely-demo-2026";
const categories = ["performance", "accessibility", "best-practices"];

// The flags this machine's closed network needs (see e2e/playwright.config.ts).
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
  ],
});

// The metrics the performance score is made of, as Lighthouse shows them.
const metrics = [
  ["first-contentful-paint", "first paint"],
  ["largest-contentful-paint", "largest paint"],
  ["total-blocking-time", "blocking"],
  ["speed-index", "speed index"],
  ["cumulative-layout-shift", "layout shift"],
];

function summary(name, lhr) {
  const scores = categories.map((id) => `${id} ${Math.round((lhr.categories[id]?.score ?? 0) * 100)}`);
  const measured = metrics
    .filter(([id]) => lhr.audits[id]?.displayValue)
    .map(([id, label]) => `${label} ${lhr.audits[id].displayValue}`);
  return `${name}: ${scores.join(", ")}\n  ${measured.join(", ")}`;
}

try {
  // The sign-in page, as a first visit opens it (empty cache).
  const cold = await lighthouse(`${base}/login`, { port: new URL(browser.wsEndpoint()).port, onlyCategories: categories, output: "html" });
  fs.writeFileSync(path.join(reportDir, "sign-in.html"), cold.report);
  console.log(summary("sign-in page", cold.lhr));

  // The user flow.
  const page = await browser.newPage();
  const flow = await startFlow(page, { name: "Sign in to the demo company, then the dashboard", config: { extends: "lighthouse:default", settings: { onlyCategories: categories } } });
  await flow.navigate(`${base}/login`, { name: "Sign-in page" });
  await flow.startTimespan({ name: "Signing in" });
  await page.waitForSelector("input[type=email]");
  await page.type("input[type=email]", email);
  await page.type("input[type=password]", password);
  await page.click("[data-testid=sign-in]");
  await page.waitForSelector("[data-testid=company-name]", { timeout: 60_000 });
  await page.waitForNetworkIdle({ idleTime: 1000, timeout: 60_000 });
  await flow.endTimespan();
  await flow.navigate(`${base}/dashboard`, { name: "Dashboard", disableStorageReset: true });
  const result = await flow.createFlowResult();
  fs.writeFileSync(path.join(reportDir, "flow.html"), await flow.generateReport());
  for (const step of result.steps) {
    if (step.lhr.gatherMode !== "timespan") console.log(summary(step.name, step.lhr));
    else console.log(`${step.name} (timespan): performance ${Math.round((step.lhr.categories.performance?.score ?? 0) * 100)}`);
  }
} finally {
  await browser.close();
}
