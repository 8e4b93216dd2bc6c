import { APIRequestContext, expect, openNav, test } from "./fixtures";
import { graphql } from "./api";
import { execFileSync } from "node:child_process";
import { emailTo, verifyAddress } from "./mail";

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);

test.use({ locale: "en-US" });

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken tenant { id } user { id } } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const INVOICE = `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`;

/** The daily jobs (promises judged, dunning run) for one company as of `date`: the jobs' clock. */
function runDaily(tenantId: string, date: string) {
  const duely = process.env.DUELY_BIN;
  if (!duely) throw new Error("DUELY_BIN is not set: run the journeys through ./infra/test.sh");
  return execFileSync(duely, ["run-daily", "--date", date, "--tenant", tenantId], { env: process.env }).toString();
}

async function signUp(request: APIRequestContext, company: string, owner: string) {
  const signedUp = await graphql(request, SIGN_UP, {
    input: { companyName: company, name: "Owner", email: owner, password },
  });
  await verifyAddress(request, owner);
  return {
    token: signedUp.signUp.accessToken as string,
    tenantId: signedUp.signUp.tenant.id as string,
    userId: signedUp.signUp.user.id as string,
  };
}

test("a collector's promise is broken when its date passes, and an alert appears", async ({ page, request }) => {
  const id = stamp();
  const owner = `owner.${id}@e2e.example`;
  const collector = `collector.${id}@e2e.example`;
  const { token, tenantId } = await signUp(request, "Quanzhou Textiles", owner);
  await graphql(
    request,
    `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }`,
    { input: { email: collector, role: "COLLECTOR" } },
    token,
  );
  const invitation = /duely_inv_[0-9a-f]+/.exec(await emailTo(collector))?.[0];
  const joined = await graphql(
    request,
    `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { user { id } } }`,
    { input: { token: invitation, name: "Wu Min", password } },
  );
  const customer = await graphql(
    request,
    CUSTOMER,
    { input: { name: "Jinjiang Garments", code: "JJ-1", collectorId: joined.acceptInvitation.user.id } },
    token,
  );
  await graphql(
    request,
    INVOICE,
    {
      input: {
        customerId: customer.createCustomer.customer.id, issue: true, issueDate: day(-50), dueDate: day(-20),
        lines: [{ description: "Cotton twill", quantity: "1", unitPrice: "5000" }],
      },
    },
    token,
  );

  // The collector starts the day at the worklist: the overdue customer is at the top, with why.
  await page.goto("/login");
  await page.getByLabel("Email").fill(collector);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();
  await openNav(page, "today", "Worklist");
  const item = page.getByTestId("work-item").first();
  await expect(item).toContainText("Jinjiang Garments");
  await expect(item.getByTestId("work-reasons")).toContainText("overdue");

  // A call with a promise to pay tomorrow (today or tomorrow in the company's time zone, which
  // runs ahead of UTC), logged from the customer's page.
  await item.getByRole("link", { name: "Jinjiang Garments" }).click();
  const log = page.getByTestId("quick-log");
  await log.getByLabel("Channel").selectOption("PHONE");
  await log.getByLabel("Outcome").selectOption("PROMISE_TO_PAY");
  await log.getByLabel("Note").fill("Finance will wire it today");
  await log.getByLabel("Promised amount").fill("5000");
  await log.getByLabel("Promised date").fill(day(1));
  await page.getByTestId("save-activity").click();
  await expect(page.getByTestId("promise-row")).toContainText("Open");

  // Six days later nothing has arrived: the daily job judges the promise broken.
  const output = runDaily(tenantId, day(6));
  expect(output).toContain("1 promises judged");
  await page.reload();
  await expect(page.getByTestId("promise-row")).toContainText("Broken");

  await openNav(page, "today", "Worklist");
  const alert = page.getByTestId("alert-row").first();
  await expect(alert).toContainText("Broken promise");
  await expect(alert).toContainText("Jinjiang Garments");
});

test("an admin edits a step's email with a live preview, runs dunning, and takes a customer to legal", async ({ page, request }) => {
  const id = stamp();
  const owner = `admin.${id}@e2e.example`;
  const { token, userId } = await signUp(request, "Ningbo Bearings", owner);
  // The owner collects this customer herself.
  const customer = await graphql(
    request,
    CUSTOMER,
    { input: { name: "Cixi Motors", code: "CX-1", collectorId: userId } },
    token,
  );
  const customerId = customer.createCustomer.customer.id;
  await graphql(
    request,
    INVOICE,
    {
      input: {
        customerId, issue: true, issueDate: day(-100), dueDate: day(-70),
        lines: [{ description: "Bearings", quantity: "10", unitPrice: "820" }],
      },
    },
    token,
  );

  await page.goto("/login");
  await page.getByLabel("Email").fill(owner);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();
  await openNav(page, "collections", "Dunning");

  // The template editor previews live, with the same renderer the run uses.
  const editor = page.getByTestId("template-editor");
  await editor.getByLabel("Body").fill("Dear {{customer.name}}, please pay {{total}} <now>.");
  const preview = page.getByTestId("template-preview");
  await expect(preview).toContainText("please pay");
  await expect(preview).toContainText("<now>");
  await editor.getByLabel("Body").fill("Dear {{customer.nmae}}");
  await expect(preview.getByRole("alert")).toContainText("{{customer.name}}");
  await editor.getByLabel("Body").fill("Dear {{customer.name}}, please pay {{total}}.\n{{invoices}}");
  await page.getByTestId("save-template").click();
  await expect(page.getByText("Template saved.")).toBeVisible();

  // The ladder editor previews an unsaved ladder on the real data, saving nothing. Its step is
  // at +65: due for this invoice whether or not the server's own daily run has already taken
  // the default ladder's +60 visit (a step at or below one taken is not due again).
  const ladderEditor = page.getByTestId("ladder-editor");
  await ladderEditor.getByLabel("Ladder name").fill("Gentle");
  await ladderEditor.getByLabel("Days from due 1").fill("65");
  await ladderEditor.getByLabel("Step name 1").fill("Gentle nudge");
  await page.getByTestId("preview-draft").click();
  await expect(page.getByTestId("preview-of-draft")).toBeVisible();
  // The preview runs the whole ladder over the company's data on the server: on a loaded CI
  // machine (every journey at once, a debug build) it has taken more than the default 10 s.
  await expect(page.getByTestId("preview-row").filter({ hasText: "Cixi Motors" })).toContainText("Gentle nudge", {
    timeout: 20_000,
  });
  await expect(page.getByTestId("ladder")).toHaveCount(1);

  // The ladder is given to a segment: asked for the segment first, then shown on the ladder.
  const ladder = page.getByTestId("ladder");
  await expect(ladder.getByTestId("ladder-segments")).toContainText("No segment follows this ladder.");
  await ladder.getByRole("button", { name: "Use for this segment" }).click();
  await expect(ladder.getByRole("alert")).toContainText("Enter the segment");
  await ladder.getByLabel("Segment", { exact: true }).fill("Key accounts");
  await ladder.getByRole("button", { name: "Use for this segment" }).click();
  await expect(page.getByText("The segment now follows this ladder.")).toBeVisible();
  await expect(ladder.getByTestId("ladder-segment")).toHaveText("Key accounts");

  await page.getByTestId("run-now").click();
  await expect(page.getByText("Dunning run finished.")).toBeVisible();
  // (The scheduled run may have come first, if the company's hour has passed today.)
  await expect(page.getByTestId("runs").locator("tbody tr").first()).toContainText("Run by hand");

  // Seventy days late, the ladder's +60 step gave the collector a visit; she logs it.
  await openNav(page, "today", "Worklist");
  const task = page.getByTestId("task-row").first();
  await expect(task).toContainText("Visit");
  await task.getByTestId("open-task").click();
  const form = page.getByTestId("complete-task");
  await form.getByLabel("Outcome").selectOption("CALLBACK_REQUESTED");
  await form.getByLabel("Note").fill("Met the CFO; call back Friday");
  await page.getByTestId("save-task").click();
  await expect(page.getByText("Task completed and logged.")).toBeVisible();
  await expect(page.getByTestId("task-row")).toHaveCount(0);

  // Legal: escalate from the customer's page, move the case forward, download the evidence.
  await page.goto(`/customers/${customerId}`);
  await page.getByTestId("escalate-legal").click();
  await expect(page.getByText("Escalated to legal.")).toBeVisible();
  await openNav(page, "collections", "Legal");
  const legalCase = page.getByTestId("legal-case");
  await expect(legalCase).toContainText("Cixi Motors");
  await expect(legalCase.getByTestId("legal-status")).toHaveText("Opened");
  await legalCase.getByLabel("Move to").selectOption("LETTER_SENT");
  await legalCase.getByLabel("Costs").fill("300");
  await page.getByTestId("save-case").click();
  await expect(page.getByText("Case updated.")).toBeVisible();
  await expect(legalCase.getByTestId("legal-status")).toHaveText("Letter sent");
  const download = page.waitForEvent("download");
  await legalCase.getByTestId("evidence").click();
  expect((await download).suggestedFilename()).toBe("evidence-CX-1.zip");
});
