import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { APIRequestContext } from "@playwright/test";

/** The SMTP sink's maildir, set by ./infra/test.sh. */
const maildir = () => {
  const dir = process.env.DUELY_MAILDIR;
  if (!dir) throw new Error("DUELY_MAILDIR is not set: run the journeys through ./infra/test.sh");
  return join(dir, "new");
};

function decode(raw: string): string {
  const text = raw.replace(/\r\n/g, "\n");
  const split = text.indexOf("\n\n");
  const headers = text.slice(0, split);
  const body = text.slice(split + 2);
  // A multipart message (text and an attachment, or text and HTML): each part decoded in turn.
  const boundary = /boundary="?([^";\s]+)"?/i.exec(headers)?.[1];
  if (boundary) {
    const parts = body
      .split(`--${boundary}`)
      .map((part) => part.replace(/^\n/, ""))
      .filter((part) => part.trim() !== "" && !part.startsWith("--"))
      .map(decode);
    return `${headers}\n\n${parts.join("\n")}`;
  }
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === "base64") return `${headers}\n\n${Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8")}`;
  if (encoding === "quoted-printable") {
    const joined = body.replace(/=\n/g, "");
    const bytes = Buffer.from(joined.replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16))), "latin1");
    return `${headers}\n\n${bytes.toString("utf8")}`;
  }
  return text;
}

/** Waits for the newest message to `to` that `keep` accepts and returns it decoded. */
async function emailWhere(to: string, keep: (text: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = readdirSync(maildir())
      .map((name) => join(maildir(), name))
      .map((path) => ({ path, modified: statSync(path).mtimeMs, raw: readFileSync(path, "utf8") }))
      .filter(({ raw }) => new RegExp(`^to:.*${to.replace(/[.+]/g, "\\$&")}`, "im").test(raw))
      .sort((a, b) => b.modified - a.modified)
      .map(({ raw }) => decode(raw))
      .find(keep);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no such email to ${to} arrived`);
}

/** The newest message to `to`, passing over the verification email every sign-up sends. */
export async function emailTo(to: string, timeoutMs = 15_000): Promise<string> {
  return emailWhere(to, (text) => !text.includes("/verify-email/"), timeoutMs);
}

/** The newest message to `to` that contains `needle`. */
export async function emailWith(to: string, needle: string, timeoutMs = 15_000): Promise<string> {
  return emailWhere(to, (text) => text.includes(needle), timeoutMs);
}

/** Follows the link of the verification email sent to `to`, as its owner does: a company
 * emails its customers only once its owner's address is verified. */
export async function verifyAddress(request: APIRequestContext, to: string): Promise<void> {
  const token = /\/verify-email\/([\w-]+)/.exec(await emailWith(to, "/verify-email/"))?.[1];
  if (!token) throw new Error(`no verification link in the email to ${to}`);
  const response = await request.post("/graphql", {
    data: {
      query: "mutation($input: VerifyEmailInput!) { verifyEmail(input: $input) { user { emailVerified } } }",
      variables: { input: { token } },
    },
  });
  const body = await response.json();
  if (body.errors || body.data?.verifyEmail?.user?.emailVerified !== true) {
    throw new Error(`verifying ${to} failed: ${JSON.stringify(body)}`);
  }
}
