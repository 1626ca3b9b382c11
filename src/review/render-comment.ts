import type { Finding } from "../findings/finding.js";

export function renderComment(_f: Finding, _fp: string): string {
  throw new Error("not implemented");
}
