import { createHash } from "node:crypto";
import type { Finding } from "./finding.js";

/**
 * Stable id of a finding across pushes: sha256 of path, CWE and the flagged line's text with
 * whitespace collapsed, as 16 hex characters. Line numbers are left out on purpose: code
 * above the finding moves it without changing what it is (reviewdog keeps the same idea in
 * `service/serviceutil/comment.go`).
 *
 * @example
 * fingerprint({ path: "a.py", cwe: "CWE-89" }, "  cur.execute(q)  ") === fingerprint({ path: "a.py", cwe: "CWE-89" }, "cur.execute(q)")
 */
export function fingerprint(f: Pick<Finding, "path" | "cwe">, lineText: string): string {
  const normalized = lineText.replace(/\s+/g, " ").trim();
  // NUL separators: no path, id or code line contains one, so fields cannot run together.
  return createHash("sha256").update(`${f.path}\0${f.cwe}\0${normalized}`).digest("hex").slice(0, 16);
}

const MARKER = /<!--\s*cwe-review:fp=([0-9a-f]{16})\s*-->/;

/** Hidden HTML comment carrying a fingerprint inside a review comment's Markdown. */
export function fingerprintMarker(fp: string): string {
  return `<!-- cwe-review:fp=${fp} -->`;
}

/** The fingerprint hidden in a comment body by {@link fingerprintMarker}, or null. */
export function readFingerprint(commentBody: string): string | null {
  return MARKER.exec(commentBody)?.[1] ?? null;
}
