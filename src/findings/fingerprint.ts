import type { Finding } from "./finding.js";

export function fingerprint(_f: Pick<Finding, "path" | "cwe">, _lineText: string): string {
  throw new Error("not implemented");
}
export function fingerprintMarker(fp: string): string {
  return `<!-- cwe-review:fp=${fp} -->`;
}
export function readFingerprint(_commentBody: string): string | null {
  throw new Error("not implemented");
}
