import { expect, test } from "./fixtures";
import { graphql } from "./api";
import { emailTo } from "./mail";

// Attachments. A collector on a phone logs a visit and attaches the photo of the signed delivery
// note from the camera; Duely keeps it without where it was taken. In English, finance attaches
// the bank's voucher to a payment, previews it and deletes a wrong file with a reason.

const password = "files-with-records";
const stamp = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`;
const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { user { id } } }`;
const MEMBERS = `{ members { user { id email } } }`;
const CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`;
const PAYMENT = `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } } }`;
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

/// A JPEG whose EXIF says "rotate" and holds a GPS latitude: what a phone's camera writes.
function photoWithLocation(): Buffer {
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8,
    0, 2,
    0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0,
    0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38,
    0, 0, 0, 0,
    0, 1,
    0, 1, 0, 2, 0, 0, 0, 2, 0x4e, 0, 0, 0,
    0, 0, 0, 0,
  ]);
  const length = tiff.length + 8;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe1, length >> 8, length & 0xff]),
    Buffer.from("Exif\0\0", "binary"),
    tiff,
    Buffer.from([0xff, 0xda, 0x00, 0x02, 0x12, 0x34, 0xff, 0xd9]),
  ]);
}

async function company(request: Parameters<typeof graphql>[0], name: string) {
  const id = stamp();
  const owner = `owner.${id}@e2e.example`;
  const collector = `collector.${id}@e2e.example`;
  const token = (await graphql(request, SIGN_UP, { input: { companyName: name, name: "陈静", email: owner, password } }))
    .signUp.accessToken as string;
  await graphql(request, INVITE, { input: { email: collector, role: "COLLECTOR" } }, token);
  const invitation = /duely_inv_[0-9a-f]+/.exec(await emailTo(collector))?.[0];
  expect(invitation).toBeTruthy();
  await graphql(request, ACCEPT, { input: { token: invitation, name: "周丽", password } });
  const members = (await graphql(request, MEMBERS, {}, token)).members as { user: { id: string; email: string } }[];
  const collectorId = members.find((member) => member.user.email === collector)?.user.id;
  const customerId = (
    await graphql(request, CUSTOMER, { input: { name: `晋江服装厂 ${id}`, code: `AT-${id.slice(-4)}`, collectorId } }, token)
  ).createCustomer.customer.id as string;
  return { owner, collector, token, customerId };
}

test.describe("on a phone, in Chinese", () => {
  test.use({ locale: "zh-CN", viewport: { width: 390, height: 844 }, hasTouch: true });

  test("催收员拜访后拍下签收单，附在拜访记录上", async ({ page, request }) => {
    test.slow();
    const { collector, customerId } = await company(request, "泉州纺织");
    await page.goto("/login");
    await page.getByLabel("邮箱").fill(collector);
    await page.getByLabel("密码").fill(password);
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("company-name")).toHaveText("泉州纺织");
    await page.goto(`/customers/${customerId}`);

    const log = page.getByTestId("quick-log");
    await log.getByLabel("方式").selectOption("VISIT");
    await log.getByLabel("结果").selectOption("CALLBACK_REQUESTED");
    await page.getByTestId("save-activity").click();
    const visit = page.getByTestId("activity-row");
    await expect(visit).toHaveCount(1);
    await visit.getByTestId("attachments-toggle").click();
    const files = visit.getByTestId("attachments-activity");
    await expect(files.getByTestId("attachments-none")).toHaveText("还没有附件。");
    await files.getByLabel("拍照上传").setInputFiles({ name: "签收单.jpg", mimeType: "image/jpeg", buffer: photoWithLocation() });
    await expect(page.getByText("附件已上传。")).toBeVisible();
    const photo = files.getByTestId("attachment");
    await expect(photo.getByTestId("attachment-name")).toHaveText("签收单.jpg");
    await expect(photo).toContainText("已去除拍摄地点");
    await expect(photo).toContainText(collector);
    await photo.getByTestId("attachment-preview-button").click();
    await expect(page.getByTestId("attachment-preview")).toBeVisible();
    await expect(page.getByTestId("attachment-preview")).toHaveAttribute("src", /^blob:/);
  });
});

test.describe("in English", () => {
  test.use({ locale: "en-US" });

  test("finance attaches the bank's voucher to a payment and deletes a wrong file", async ({ page, request }) => {
    test.slow();
    const { owner, token, customerId } = await company(request, "Xiamen Tiles");
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await graphql(
      request,
      PAYMENT,
      { input: { customerId, amount: "8800", currency: "CNY", receivedOn: today, method: "BANK_TRANSFER", reference: "HD-2026-118" } },
      token,
    );
    await page.goto("/login");
    await page.getByLabel("Email").fill(owner);
    await page.getByLabel("Password").fill(password);
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("company-name")).toHaveText("Xiamen Tiles");
    await page.goto("/payments");
    const row = page.getByTestId("payment-row").filter({ hasText: "HD-2026-118" });
    await row.getByTestId("attachments-toggle").click();
    const files = row.getByTestId("attachments-payment");
    await files.getByLabel("Attach a file").setInputFiles({ name: "voucher-HD-2026-118.pdf", mimeType: "application/pdf", buffer: PDF });
    await expect(page.getByText("File attached.")).toBeVisible();
    await expect(files.getByTestId("attachment-name")).toHaveText("voucher-HD-2026-118.pdf");
    await files.getByTestId("attachment-preview-button").click();
    await expect(page.getByTestId("attachment-preview")).toHaveAttribute("src", /^blob:/);
    await page.keyboard.press("Escape");

    // A page passed off as a PDF is refused, in English, naming the accepted kinds.
    await files.getByLabel("Attach a file").setInputFiles({ name: "receipt.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html>hi</html>") });
    await expect(page.getByText(/Only PDF, OFD, JPEG, PNG, WebP, HEIC, XLSX and DOCX/)).toBeVisible();

    // The customer's contract, attached by mistake to the wrong customer: deleted with a reason.
    await page.goto(`/customers/${customerId}`);
    const contract = page.getByTestId("attachments-customer");
    await contract.getByLabel("Attach a file").setInputFiles({ name: "contract.pdf", mimeType: "application/pdf", buffer: PDF });
    await expect(contract.getByTestId("attachment")).toHaveCount(1);
    await contract.getByRole("button", { name: "Delete", exact: true }).click();
    await contract.getByTestId("attachment-delete-reason").fill("wrong customer");
    await contract.getByTestId("attachment-delete").click();
    await expect(page.getByText("File deleted; it is kept for the audit log.")).toBeVisible();
    await expect(contract.getByTestId("attachments-none")).toBeVisible();
  });
});
