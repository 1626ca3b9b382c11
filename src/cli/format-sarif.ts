import { describeCwe } from "../cwe/catalog.js";
import type { DetectorInfo } from "../detector/detector.js";
import type { ScanReport } from "./scan-files.js";

/** SARIF 2.1.0 schema (OASIS), as GitHub code scanning reads it. */
const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** Confidence at which a result is an `error` rather than a `warning`. */
const ERROR_CONFIDENCE = 0.8;

/**
 * The scan as a SARIF 2.1.0 log: one rule per CWE found (MITRE name, why, how to fix,
 * link), one result per finding with its region and confidence.
 */
export function formatSarif(report: ScanReport, tool: DetectorInfo & { toolVersion: string }): string {
  const cwes = [...new Set(report.findings.map((finding) => finding.cwe))].sort();
  const rules = cwes.map((cwe) => {
    const entry = describeCwe(cwe);
    const number = cwe.replace(/^CWE-/, "");
    return {
      id: cwe,
      name: entry.shortName.replace(/[^A-Za-z0-9]+/g, ""),
      shortDescription: { text: entry.shortName },
      fullDescription: { text: entry.name },
      help: { text: `${entry.why}\nFix: ${entry.fix}` },
      helpUri: `https://cwe.mitre.org/data/definitions/${number}.html`,
      properties: { tags: ["security", `external/cwe/cwe-${number}`] },
    };
  });
  const results = report.findings.map((finding) => ({
    ruleId: finding.cwe,
    ruleIndex: cwes.indexOf(finding.cwe),
    level: finding.confidence >= ERROR_CONFIDENCE ? "error" : "warning",
    message: { text: `${finding.name}: ${finding.message} Fix: ${finding.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: finding.path.split("\\").join("/") },
          region: { startLine: finding.line, endLine: finding.endLine },
        },
      },
    ],
    properties: { confidence: finding.confidence },
  }));
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "cwe-review",
            version: tool.toolVersion,
            informationUri: "https://cwe.mitre.org/",
            rules,
            properties: { model: `${tool.name} ${tool.version}` },
          },
        },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
