import { expect, openNav, test } from "./fixtures";
import { graphql } from "./api";

// The disputes queue: a customer disputes an invoice's quality; the owner finds it under
// Receivables → Disputes, takes it with a date to settle it by, and resolves it with a note
// the customer can be sent. It then leaves the open queue and shows among the resolved.

const password = "work-the-dispute";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

test.use({ locale: "en-US" });

function day(offset: number) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

/** A `YYYY-MM-DD` day as the English app writes it: `15 Jan 2026`. */
function english(iso: string) {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const [year, month, dayOfMonth] = iso.split("-");
  return `${Number(dayOfMonth)} ${months[Number(month) - 1]} ${year}`;
}

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;
const DISPUTE = `mutation($input: OpenDisputeInput!) { openDispute(input: $input) { dispute { id } } }`;

test("the owner assigns a dispute from the queue, sets its due date and resolves it with a note", async ({ page, request }) => {
  const email = `disputes.${stamp()}@e2e.example`;
  const ownerName = "Lin Hui";
  const signedUp = await graphql(request, SIGN_UP, {
    input: { companyName: "Suzhou Silk Works", name: ownerName, email, password },
  });
  const token = signedUp.signUp.accessToken as string;
  const ownerId = signedUp.signUp.user.id as string;
  const customerId = (
    await graphql(request, CUSTOMER, { input: { name: "Wuxi Garments", code: "WX-1", creditLimit: "100000" } }, token)
  ).createCustomer.customer.id as string;
  const invoice = (
    await graphql(
      request,
      INVOICE,
      { input: { customerId, issue: true, lines: [{ description: "Silk rolls", quantity: "12", unitPrice: "450" }] } },
      token,
    )
  ).createInvoice.invoice as { id: string; number: string };
  await graphql(
    request,
    DISPUTE,
    { input: { invoiceId: invoice.id, reason: "Three rolls arrived stained", reasonCode: "QUALITY" } },
    token,
  );

  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toHaveText("Suzhou Silk Works");

  // The queue: the open dispute with its reason, the team's note and no owner yet.
  await openNav(page, "receivables", "Disputes");
  await expect(page).toHaveURL(/\/disputes$/);
  const rows = page.getByTestId("dispute-row");
  await expect(rows).toHaveCount(1);
  const row = rows.filter({ hasText: invoice.number });
  await expect(row.getByTestId("dispute-reason")).toHaveText("Quality");
  await expect(row).toContainText("Wuxi Garments");
  await expect(row).toContainText("Three rolls arrived stained");
  await expect(row.getByTestId("dispute-owner")).toHaveText("No one");
  await expect(row.getByTestId("dispute-age")).toHaveText(/^(0 days|1 day)$/);

  // Assign it to the owner, to settle within a week; the reason code stays as it was.
  const due = day(7);
  await row.getByTestId("dispute-assign").click();
  const assign = page.getByTestId("dispute-assign-form");
  await expect(assign.getByLabel("Reason", { exact: true })).toHaveValue("QUALITY");
  await assign.getByLabel("Owner", { exact: true }).selectOption(ownerId);
  await assign.getByLabel("Due on", { exact: true }).fill(due);
  await assign.getByTestId("save-dispute").click();
  await expect(assign).toBeHidden();
  await expect(row.getByTestId("dispute-owner")).toHaveText(ownerName);
  await expect(row.getByTestId("dispute-due")).toContainText(english(due));
  await expect(row.getByTestId("dispute-overdue")).toHaveCount(0);
  await expect(row.getByTestId("dispute-reason")).toHaveText("Quality");

  // Resolve it: the note is what the customer can be sent.
  const note = "We will credit the three stained rolls on a credit note this week.";
  await row.getByTestId("dispute-resolve").click();
  const resolve = page.getByTestId("dispute-resolve-form");
  // A note is required.
  await resolve.getByTestId("confirm-resolve").click();
  await expect(resolve.getByText("Write the note for the customer.")).toBeVisible();
  await resolve.getByLabel("Outcome", { exact: true }).selectOption("RESOLVED");
  await resolve.getByLabel("Resolution note (can be sent to the customer)").fill(note);
  await resolve.getByTestId("confirm-resolve").click();
  await expect(resolve).toBeHidden();
  await expect(page.getByText("Dispute resolved.")).toBeVisible();

  // Gone from the open queue; there among the resolved, with its note and no actions left.
  await expect(rows).toHaveCount(0);
  await page.getByTestId("dispute-filters").getByLabel("Status", { exact: true }).selectOption("RESOLVED");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(invoice.number);
  await expect(rows.first().getByTestId("dispute-resolution")).toContainText(note);
  await expect(rows.first().getByTestId("dispute-owner")).toHaveText(ownerName);
  await expect(rows.first().getByTestId("dispute-assign")).toHaveCount(0);
  await expect(rows.first().getByTestId("dispute-resolve")).toHaveCount(0);
});
