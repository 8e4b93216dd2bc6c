import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

// The header: the menu grouped by what people do (one row on a laptop, behind "Menu" on a
// phone) and the search across customers and invoices, through the lists' own filters.

const password = "find-it-from-the-header";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;

test.use({ locale: "en-US" });

test("an owner finds customers and invoices from the header and reaches every group of the menu", async ({ page, request }) => {
  const email = `nav.${stamp()}@e2e.example`;
  const signedUp = await graphql(
    request,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    { input: { companyName: "Ningbo Tools Trading", name: "Zhou Min", email, password } },
  );
  const token = signedUp.signUp.accessToken as string;
  const harbour = (
    await graphql(request, CUSTOMER, { input: { name: "Ningbo Harbour Tools", code: "NB-7", creditLimit: "100000" } }, token)
  ).createCustomer.customer.id as string;
  await graphql(request, CUSTOMER, { input: { name: "Ningbo Bearings", code: "NB-8", creditLimit: "100000" } }, token);
  const lines = [{ description: "Spanners", quantity: "10", unitPrice: "80" }];
  const disputed = (await graphql(request, INVOICE, { input: { customerId: harbour, issue: true, lines } }, token))
    .createInvoice.invoice as { id: string; number: string };
  await graphql(request, INVOICE, { input: { customerId: harbour, issue: true, lines } }, token);
  await graphql(
    request,
    `mutation($input: OpenDisputeInput!) { openDispute(input: $input) { dispute { id } } }`,
    { input: { invoiceId: disputed.id, reason: "Two spanners arrived bent" } },
    token,
  );

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("Ningbo Tools Trading");

  // The search: customers by name (with their code) and their invoices; the keyboard opens one.
  const search = page.getByTestId("global-search");
  await expect(search).toHaveAccessibleName("Search customers and invoices");
  const results = page.getByTestId("search-result");
  await search.fill("Ningbo");
  await expect(results.filter({ hasText: "NB-7" })).toContainText("Ningbo Harbour Tools");
  await expect(results.filter({ hasText: "NB-8" })).toContainText("Ningbo Bearings");
  await expect(results.filter({ hasText: disputed.number })).toContainText("Ningbo Harbour Tools");
  await search.press("ArrowDown");
  await expect(results.first()).toHaveAttribute("aria-selected", "true");
  await search.press("Escape");
  await expect(results.first()).toBeHidden();
  await search.press("ArrowDown");
  await expect(results.first()).toHaveAttribute("aria-selected", "true");
  await search.press("Enter");
  await expect(page).toHaveURL(/\/customers\/[^/]+$/);
  await expect(search).toHaveValue("");

  // By code, and an invoice by its number, with the mouse.
  await search.fill("NB-8");
  await results.filter({ hasText: "Ningbo Bearings" }).click();
  await expect(page.getByTestId("customer-name")).toHaveText("Ningbo Bearings");
  await search.fill(disputed.number);
  await results.filter({ hasText: disputed.number }).click();
  await expect(page).toHaveURL(new RegExp(`/invoices/${disputed.id}$`));
  await expect(page.getByTestId("invoice-number")).toHaveText(disputed.number);
  await search.fill("no such thing");
  await expect(page.getByText("No matches")).toBeVisible();
  await search.press("Escape");

  // The menu: the groups on one row; the disputes queue lists the open one, and the group of
  // the page shown is marked.
  const groups = ["today", "receivables", "collections", "reports", "settings"];
  const tops = await Promise.all(groups.map(async (group) => (await page.getByTestId(`nav-group-${group}`).boundingBox())?.y));
  expect(new Set(tops).size, JSON.stringify(tops)).toBe(1);
  await openNav(page, "receivables", "Disputes");
  await expect(page).toHaveURL(/\/disputes$/);
  await expect(page.getByTestId("dispute-row")).toHaveCount(1);
  await expect(page.getByTestId("dispute-row")).toContainText(disputed.number);
  await expect(page.getByTestId("nav-group-receivables")).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId("nav-group-receivables")).toHaveAttribute("aria-expanded", "false");
  await openNav(page, "receivables", "Invoices");
  await expect(page.getByTestId("invoice-row")).toHaveCount(2);

  // A group's list closes with Escape (the focus back on its button) and with a click elsewhere.
  const reports = page.getByTestId("nav-group-reports");
  await reports.click();
  await expect(page.getByRole("navigation").getByRole("link", { name: "Aging" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(reports).toHaveAttribute("aria-expanded", "false");
  await expect(reports).toBeFocused();
  await reports.click();
  await page.locator("#main").click({ position: { x: 5, y: 5 } });
  await expect(reports).toHaveAttribute("aria-expanded", "false");
  await openNav(page, "today", "Worklist");
  await expect(page).toHaveURL(/\/worklist$/);

  // A laptop's narrower screen keeps the groups on one row.
  await page.setViewportSize({ width: 1024, height: 768 });
  const narrowTops = await Promise.all(groups.map(async (group) => (await page.getByTestId(`nav-group-${group}`).boundingBox())?.y));
  expect(new Set(narrowTops).size, JSON.stringify(narrowTops)).toBe(1);

  // A phone: the menu is behind its button, and a link closes it.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("nav-menu")).toBeVisible();
  await expect(page.getByTestId("nav-group-settings")).toBeHidden();
  await openNav(page, "settings", "Team");
  await expect(page).toHaveURL(/\/team$/);
  await expect(page.getByTestId("nav-menu")).toHaveAttribute("aria-expanded", "false");
  await expect(page.getByTestId("nav-group-settings")).toBeHidden();
});
