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
    { case: "a marker on a later line of the range, as in the app", policy: { threshold: 0 }, findings: [{ ...finding(2, "CWE-78", 0.9), endLine: 3 }], kept: [] },
  ])("$case", ({ policy, findings, kept }) => {
    expect(keepFindings(findings, { fileLines, ...policy }).map((f) => f.line)).toEqual(kept);
  });

  it("honours the file-wide marker for the CWEs it lists", () => {
    const marked = ["# cwe-review: ignore-file[CWE-78]", ...fileLines];
    const kept = keepFindings([finding(3, "CWE-78", 0.9), finding(3, "CWE-89", 0.9)], { fileLines: marked, threshold: 0 });
    expect(kept.map((f) => f.cwe)).toEqual(["CWE-89"]);
  });
});
