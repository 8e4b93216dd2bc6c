import { expect, openNav, test } from "./fixtures";
import { readFileSync } from "node:fs";

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "en-US" });

const file = (name: string, text: string) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });

test("a finance lead imports customers and invoices from CSV, fixes a bad row, and exports the invoices", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Company name").fill("Huaxin Distribution");
  await page.getByLabel("Your name").fill("Zhou Min");
  await page.getByLabel("Email").fill(`import.${stamp()}@e2e.example`);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("create-account").click();
  await expect(page.getByTestId("company-name")).toHaveText("Huaxin Distribution");

  await openNav(page, "settings", "Import");
  const customers = page.getByTestId("import-customers");
  await customers.getByLabel("CSV file").setInputFiles(
    file("customers.csv", "code,name,currency\nHX-1,南京五金,CNY\nHX-1,Duplicate,CNY\nHX-2,Ningbo Plastics,RMB\n"),
  );
  await page.getByTestId("import-customers-now").click();
  await expect(customers.getByTestId("import-problem")).toHaveCount(2);
  await expect(customers.getByTestId("import-problems")).toContainText("appears twice");
  await expect(customers.getByTestId("import-problems")).toContainText("currency");

  await customers.getByLabel("CSV file").setInputFiles(
    file("customers.csv", "code,name,currency,payment_terms_days\nHX-1,南京五金,CNY,30\nHX-2,Ningbo Plastics,CNY,60\n"),
  );
  await page.getByTestId("import-customers-now").click();
  await expect(customers.getByTestId("import-result")).toHaveText("Imported 2");

  const invoices = page.getByTestId("import-invoices");
  await invoices.getByLabel("CSV file").setInputFiles(
    file(
      "invoices.csv",
      "number,customer_code,issue_date,description,quantity,unit_price,tax_rate\n" +
        "K3-001,HX-1,2026-09-01,Hinges,100,2.5,13%\nK3-001,HX-1,2026-09-01,Screws,1000,0.05,13%\nK3-002,HX-2,2026-09-15,Crates,20,18,13%\n",
    ),
  );
  await page.getByTestId("check-invoices").click();
  await expect(invoices.getByTestId("import-result")).toContainText("Every row is valid");
  await page.getByTestId("import-invoices-now").click();
  await expect(invoices.getByTestId("import-result")).toHaveText("Imported 2");

  await openNav(page, "receivables", "Invoices");
  await expect(page.getByTestId("invoice-row")).toHaveCount(2);
  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const saved = await (await download).path();
  const csv = readFileSync(saved!, "utf8");
  expect(csv).toContain("K3-001,HX-1,南京五金,ISSUED");
  expect(csv).toContain("K3-002");
});
