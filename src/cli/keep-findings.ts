import type { Finding } from "../findings/finding.js";
import { fileSuppression, isFindingSuppressed } from "../findings/suppressions.js";

/** Which findings of one file the CLI reports. */
export interface KeepPolicy {
  /** File lines, 0-based array of 1-based lines, to read suppression comments. */
  fileLines: readonly string[];
  /** Lines a diff added; undefined scans the whole file. */
  changedLines?: ReadonlySet<number>;
  /** Minimum confidence. */
  threshold: number;
}

/**
 * Keeps findings at or above the threshold, anchored on a changed line (when a diff is
 * given) and not silenced by `# nosec` / `# cwe-review: ignore[...]` on a line of their range or
 * by the file's `# cwe-review: ignore-file` marker: the same rule as the app's.
 */
export function keepFindings(findings: readonly Finding[], policy: KeepPolicy): Finding[] {
  const file = fileSuppression(policy.fileLines);
  return findings.filter(
    (finding) =>
      finding.confidence >= policy.threshold &&
      (policy.changedLines === undefined || policy.changedLines.has(finding.line)) &&
      !isFindingSuppressed(policy.fileLines, finding, file),
  );
}
