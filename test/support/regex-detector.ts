import type { Detector } from "../../src/detector/detector.js";
import type { Finding } from "../../src/findings/finding.js";
import type { Window } from "../../src/windows/window.js";

/**
 * A detector for tests: flags every window line that builds SQL with an f-string passed to
 * `execute(` as CWE-89. Real windows in, real findings out, no model: the pipeline around
 * the detector is what the tests exercise. Records the windows it saw.
 */
export function createRegexDetector(): Detector & { seen: Window[] } {
  const seen: Window[] = [];
  return {
    info: { name: "regex-test-detector", version: "0.0.0" },
    budget: { maxTokens: 256, countTokens: (line) => Math.ceil(line.length / 4) + 1 },
    seen,
    async detect(windows) {
      const findings: Finding[] = [];
      for (const window of windows) {
        seen.push(window);
        window.lines.forEach((text, i) => {
          if (!/execute\(f"/.test(text)) return;
          const line = window.lineNumbers[i] ?? 0;
          findings.push({
            path: window.path,
            line,
            endLine: line,
            cwe: "CWE-89",
            name: "SQL Injection",
            confidence: 0.93,
            message: "The query is built with an f-string from values the caller controls.",
            fix: "Pass the values as query parameters: cursor.execute(sql, params).",
          });
        });
      }
      return findings;
    },
    async close() {},
  };
}
