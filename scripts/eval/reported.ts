import type { Finding } from "../../src/findings/finding.js";
import { BANDIT_CWE } from "./bandit-cwes.js";
import { reportedOf, type Reported } from "./evaluate-samples.js";
import type { BanditIssue } from "./run-bandit.js";

/** Findings grouped by path, as the evaluations compare them. */
export function reportedFromFindings(findings: readonly Finding[]): Map<string, Reported[]> {
  const map = new Map<string, Reported[]>();
  for (const f of findings) map.set(f.path, [...(map.get(f.path) ?? []), reportedOf(f.cwe, f.line, f.endLine)]);
  return map;
}

/** Bandit issues of mapped tests (bandit-cwes.ts) grouped by file name. */
export function reportedFromBandit(issues: readonly BanditIssue[]): Map<string, Reported[]> {
  const map = new Map<string, Reported[]>();
  for (const issue of issues) {
    const cwe = BANDIT_CWE[issue.testId];
    if (cwe === undefined) continue;
    const lines = issue.lineRange.length > 0 ? issue.lineRange : [issue.line];
    map.set(issue.filename, [...(map.get(issue.filename) ?? []), { cwe, lines }]);
  }
  return map;
}

/** Re-keys a per-path map with `keyOf(path)`, dropping paths it does not know. */
export function rekey<T>(map: ReadonlyMap<string, T>, keyOf: ReadonlyMap<string, string>): Map<string, T> {
  const out = new Map<string, T>();
  for (const [path, value] of map) {
    const key = keyOf.get(path);
    if (key !== undefined) out.set(key, value);
  }
  return out;
}
