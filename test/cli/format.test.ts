import { formatSarif } from "../../src/cli/format-sarif.js";
import { formatText } from "../../src/cli/format-text.js";
import type { ScanReport } from "../../src/cli/scan-files.js";

const report: ScanReport = {
  findings: [
    { path: "app/views.py", line: 24, endLine: 25, cwe: "CWE-89", name: "SQL Injection", confidence: 0.97, message: "why89", fix: "fix89" },
    { path: "app/views.py", line: 31, endLine: 31, cwe: "CWE-78", name: "OS Command Injection", confidence: 0.6, message: "why78", fix: "fix78" },
    { path: "scripts/cleanup.py", line: 6, endLine: 6, cwe: "CWE-78", name: "OS Command Injection", confidence: 0.81, message: "why78", fix: "fix78" },
  ],
  files: 4,
  windows: 7,
  ms: 120,
};

describe("formatText", () => {
  it("groups findings by file with lines, CWE, confidence, why and fix", () => {
    expect(formatText(report)).toBe(
      [
        "app/views.py",
        "  24-25     CWE-89 SQL Injection (confidence 0.97)",
        "            why89",
        "            Fix: fix89",
        "  31        CWE-78 OS Command Injection (confidence 0.60)",
        "            why78",
        "            Fix: fix78",
        "",
        "scripts/cleanup.py",
        "  6         CWE-78 OS Command Injection (confidence 0.81)",
        "            why78",
        "            Fix: fix78",
        "",
        "3 findings in 2 files (4 files scanned, 7 windows, 120 ms)",
        "",
      ].join("\n"),
    );
  });

  it("says when there is nothing", () => {
    expect(formatText({ findings: [], files: 1, windows: 1, ms: 5 })).toBe("No findings (1 file scanned, 1 windows, 5 ms)\n");
  });
});

describe("formatSarif", () => {
  const log = JSON.parse(formatSarif(report, { name: "cwe-review-small", version: "1", toolVersion: "0.1.0" }));
  const run = log.runs[0];

  it("is a SARIF 2.1.0 log with one rule per CWE found", () => {
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(run.tool.driver.name).toBe("cwe-review");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["CWE-78", "CWE-89"]);
    expect(run.tool.driver.rules[1]).toMatchObject({
      shortDescription: { text: "SQL Injection" },
      helpUri: "https://cwe.mitre.org/data/definitions/89.html",
      properties: { tags: ["security", "external/cwe/cwe-89"] },
    });
  });

  it("has one result per finding pointing at its rule and region", () => {
    expect(run.results).toHaveLength(3);
    expect(run.results[0]).toMatchObject({
      ruleId: "CWE-89",
      ruleIndex: 1,
      level: "error",
      locations: [{ physicalLocation: { artifactLocation: { uri: "app/views.py" }, region: { startLine: 24, endLine: 25 } } }],
      properties: { confidence: 0.97 },
    });
    expect(run.results[1]).toMatchObject({ ruleId: "CWE-78", ruleIndex: 0, level: "warning" });
  });
});
