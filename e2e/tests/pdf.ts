import { execFileSync } from "node:child_process";

/** A downloaded PDF's text as a person copying it from a viewer gets it (poppler's pdftotext). */
export function pdfText(path: string): string {
  return execFileSync("pdftotext", ["-enc", "UTF-8", "-layout", path, "-"]).toString("utf8");
}
