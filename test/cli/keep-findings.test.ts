import { keepFindings } from "../../src/cli/keep-findings.js";
import type { Finding } from "../../src/findings/finding.js";

const finding = (line: number, cwe: string, confidence: number): Finding => ({
  path: "a.py", line, endLine: line, cwe, name: cwe, confidence, message: "m", fix: "f",
});
const fileLines = [
  "import os",
  "os.system(cmd)",
  "os.system(cmd)  # nosec",
  "os.system(cmd)  # cwe-review: ignore[CWE-78]",
  "os.system(cmd)  # cwe-review: ignore[CWE-89]",
];

describe("keepFindings", () => {
  it.each([
    { case: "no filter", policy: { threshold: 0 }, findings: [finding(2, "CWE-78", 0.6)], kept: [2] },
    { case: "under threshold", policy: { threshold: 0.7 }, findings: [finding(2, "CWE-78", 0.6), finding(2, "CWE-89", 0.7)], kept: [2] },
    { case: "# nosec", policy: { threshold: 0 }, findings: [finding(3, "CWE-78", 0.9)], kept: [] },
    { case: "ignore[] for this CWE", policy: { threshold: 0 }, findings: [finding(4, "CWE-78", 0.9)], kept: [] },
    { case: "ignore[] for another CWE", policy: { threshold: 0 }, findings: [finding(5, "CWE-78", 0.9)], kept: [5] },
    { case: "outside the diff", policy: { threshold: 0, changedLines: new Set([1]) }, findings: [finding(2, "CWE-78", 0.9)], kept: [] },
    { case: "on a changed line", policy: { threshold: 0, changedLines: new Set([2]) }, findings: [finding(2, "CWE-78", 0.9)], kept: [2] },
  ])("$case", ({ policy, findings, kept }) => {
    expect(keepFindings(findings, { fileLines, ...policy }).map((f) => f.line)).toEqual(kept);
  });
});
