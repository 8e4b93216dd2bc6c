import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

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
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === "base64") return `${headers}\n\n${Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8")}`;
  if (encoding === "quoted-printable") {
    const joined = body.replace(/=\n/g, "");
    const bytes = Buffer.from(joined.replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16))), "latin1");
    return `${headers}\n\n${bytes.toString("utf8")}`;
  }
  return text;
}

/** Waits for the newest message to `to` and returns it decoded. */
export async function emailTo(to: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = readdirSync(maildir())
      .map((name) => join(maildir(), name))
      .map((path) => ({ path, modified: statSync(path).mtimeMs, raw: readFileSync(path, "utf8") }))
      .filter(({ raw }) => new RegExp(`^to:.*${to.replace(/[.+]/g, "\\$&")}`, "im").test(raw))
      .sort((a, b) => b.modified - a.modified)[0];
    if (found) return decode(found.raw);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no email to ${to} arrived`);
}
