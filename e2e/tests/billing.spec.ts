import { APIRequestContext, expect, openNav, test } from "./fixtures";
import { graphql } from "./api";
import { createHmac } from "node:crypto";
import { emailTo, verifyAddress } from "./mail";

// Billing against the Stripe stand-in (infra/stripe_standin.py): the trial notice, upgrading
// through Checkout, a failed payment's notice from a signed webhook, connecting the company's
// own Stripe account, and a customer paying a statement online.

const password = "receivables-on-time";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
const stripeBase = () => {
  const base = process.env.DUELY_STRIPE_API_BASE;
  if (!base) throw new Error("DUELY_STRIPE_API_BASE is not set: run the journeys through ./infra/test.sh");
  return base;
};

test.use({ locale: "en-US" });

/** A Stripe event signed exactly as Stripe signs one: HMAC-SHA256 of `${t}.${body}`. */
async function deliver(request: APIRequestContext, path: string, secret: string, type: string, object: object) {
  const body = JSON.stringify({
    id: `evt_${stamp().replace(".", "_")}`, object: "event", api_version: "2025-03-31.basil",
    created: Math.floor(Date.now() / 1000), data: { object }, livemode: false, pending_webhooks: 1,
    request: { id: null, idempotency_key: null }, type,
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  const response = await request.post(path, {
    data: body,
    headers: { "content-type": "application/json", "stripe-signature": `t=${t},v1=${v1}` },
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** What the stand-in received that mentions `marker`, newest last. */
async function standinRequests(request: APIRequestContext, marker: string) {
  const response = await request.get(`${stripeBase()}/_standin/requests`);
  const all: Array<{ path: string; form: any; responseId?: string }> = await response.json();
  return all.filter((entry) => JSON.stringify(entry).includes(marker));
}

test("an owner upgrades through Checkout, sees a failed payment, connects Stripe, and a customer pays online", async ({ page, request }) => {
  // A long journey: the owner's verification email, Checkout, two webhooks and a customer's payment.
  test.setTimeout(60_000);
  const id = stamp();
  const owner = `billing.${id}@e2e.example`;
  const signedUp = await graphql(request,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken tenant { id } } }`,
    { input: { companyName: "Ningbo Valves", name: "Chen Yu", email: owner, password } });
  const token = signedUp.signUp.accessToken;
  const tenantId = signedUp.signUp.tenant.id;
  await verifyAddress(request, owner);

  await page.goto("/login");
  await page.getByLabel("Email").fill(owner);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("company-name")).toBeVisible();

  // The trial, then the billing page with usage against GROWTH's limits.
  await expect(page.getByTestId("subscription-notice")).toContainText("You are trying GROWTH until");
  await openNav(page, "settings", "Billing");
  await expect(page.getByTestId("plan-in-force")).toHaveText("GROWTH");
  await expect(page.getByTestId("subscription-status")).toHaveText("Trial");
  await expect(page.getByTestId("usage")).toContainText("Team members");
  await expect(page.getByTestId("plan-FREE")).not.toContainText("Upgrade");

  // Upgrading goes to Stripe Checkout for SCALE.
  await page.getByTestId("upgrade-SCALE").click();
  await page.waitForURL(/\/checkout\/cs_test_/);
  await expect(page.getByTestId("mode")).toHaveText("subscription");
  const sessions = await standinRequests(request, tenantId);
  const checkout = sessions.filter((entry) => entry.path === "/v1/checkout/sessions").pop()!;
  expect(checkout.form.line_items[0].price).toBe("price_scale_e2e");
  const customer = sessions.find((entry) => entry.path === "/v1/customers")!;
  expect(customer.form.email).toBe(owner);

  // Stripe reports the subscription, then a failed renewal: the notice asks for payment.
  const secret = process.env.E2E_STRIPE_WEBHOOK_SECRET!;
  const stripeCustomer = customer.responseId;
  expect(stripeCustomer).toMatch(/^cus_/);
  await deliver(request, "/webhooks/stripe", secret, "checkout.session.completed", {
    id: "cs_test_done", object: "checkout.session", mode: "subscription", status: "complete",
    payment_status: "paid", customer: stripeCustomer, client_reference_id: tenantId, subscription: `sub_${id.replace(".", "_")}`,
    metadata: { duely_tenant: tenantId, duely_plan: "SCALE" },
  });
  await deliver(request, "/webhooks/stripe", secret, "invoice.payment_failed", {
    id: `in_${id.replace(".", "_")}`, object: "invoice", status: "open", customer: stripeCustomer,
    amount_due: 19900, currency: "usd",
  });
  await page.goto("/billing");
  await expect(page.getByTestId("plan-in-force")).toHaveText("SCALE");
  await expect(page.getByTestId("subscription-status")).toHaveText("Past due");
  await expect(page.getByTestId("subscription-notice")).toContainText("A subscription payment failed");

  // The company connects its own Stripe account for online payment.
  await openNav(page, "settings", "Online payment");
  await expect(page.getByTestId("stripe-not-connected")).toBeVisible();
  await expect(page.getByTestId("webhook-url")).toContainText(`/webhooks/stripe/${tenantId}`);
  const companyKey = `sk_test_ningbo_${id.replace(".", "_")}`;
  await page.getByLabel("Stripe secret key").fill("pk_test_wrong");
  await page.getByLabel("Webhook signing secret").fill("whsec_ningbo");
  await page.getByTestId("connect-stripe").click();
  await expect(page.getByText(/secret key \(sk_live_…, sk_test_…\)/)).toBeVisible();
  await page.getByLabel("Stripe secret key").fill(companyKey);
  await page.getByTestId("connect-stripe").click();
  await expect(page.getByTestId("stripe-connected")).toContainText(companyKey.slice(-4));

  // A customer with an open invoice gets a statement and pays it online.
  const buyerEmail = `wu.${id}@buyer.example`;
  const buyer = await graphql(request,
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
    { input: { name: "Cixi Pumps", code: "CP-1", contacts: [{ name: "Wu", email: buyerEmail }] } }, token);
  const customerId = buyer.createCustomer.customer.id;
  const invoice = await graphql(request,
    `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id number } } }`,
    { input: { customerId, issue: true, lines: [{ description: "Valves", quantity: "3", unitPrice: "420.50" }] } }, token);
  // The company's today (sign-up's default time zone), which may be tomorrow in UTC.
  const today = new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
  const sent = await graphql(request,
    `mutation($input: SendStatementInput!) { sendStatement(input: $input) { sentTo references } }`,
    { input: { customerId, from: "2026-01-01", to: today } }, token);
  const reference = sent.sendStatement.references[0] as string;
  const email = await emailTo(buyerEmail);
  const link = /https?:\/\/\S+\/s\/duely_stm_[0-9a-f_]+/.exec(email)?.[0];
  expect(link, email).toBeTruthy();
  await page.getByTestId("sign-out").click();
  await page.goto(new URL(link!).pathname);
  // The statement's reference, to quote when paying by transfer.
  await expect(page.getByTestId("statement-reference")).toContainText(reference);
  await page.getByTestId("pay-online").click();
  await page.waitForURL(/\/checkout\/cs_test_/);
  await expect(page.getByTestId("amount")).toHaveText("126150 cny");

  // Stripe tells the company's endpoint the payment succeeded: recorded and allocated.
  const paid = (await standinRequests(request, companyKey)).filter((entry) => entry.path === "/v1/checkout/sessions").pop()!;
  const linkId = paid.form.metadata.duely_link;
  await deliver(request, `/webhooks/stripe/${tenantId}`, "whsec_ningbo", "checkout.session.completed", {
    id: "cs_test_paid", object: "checkout.session", mode: "payment", status: "complete", payment_status: "paid",
    amount_total: 126150, currency: "cny", payment_intent: `pi_${id.replace(".", "_")}`, metadata: { duely_link: linkId },
  });
  const after = await graphql(request,
    `query($id: ID!) { invoice(id: $id) { status balanceDue { amount } allocations { amount { amount } } } }`,
    { id: invoice.createInvoice.invoice.id }, token);
  expect(after.invoice.status).toBe("PAID");
  expect(after.invoice.balanceDue.amount).toBe("0.00");
  await page.goto(new URL(link!).pathname);
  await expect(page.getByTestId("closing-balance")).toHaveText("CN¥0.00");
});
