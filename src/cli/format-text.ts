import type { Finding } from "../findings/finding.js";
import type { ScanReport } from "./scan-files.js";

/**
 * A readable report: findings grouped by file, each with its lines, CWE, confidence,
 * why and how to fix, then a one-line total.
 */
export function formatText(report: ScanReport): string {
  const out: string[] = [];
  const byPath = new Map<string, Finding[]>();
  for (const finding of report.findings) byPath.set(finding.path, [...(byPath.get(finding.path) ?? []), finding]);
  for (const [path, findings] of byPath) {
    out.push(path);
    for (const f of findings) {
      const lines = f.endLine > f.line ? `${f.line}-${f.endLine}` : `${f.line}`;
      out.push(`  ${lines.padEnd(9)} ${f.cwe} ${f.name} (confidence ${f.confidence.toFixed(2)})`);
      out.push(`  ${" ".repeat(9)} ${f.message}`);
      out.push(`  ${" ".repeat(9)} Fix: ${f.fix}`);
    }
    out.push("");
  }
  const n = report.findings.length;
  out.push(
    `${n === 0 ? "No findings" : `${n} finding${n === 1 ? "" : "s"} in ${byPath.size} file${byPath.size === 1 ? "" : "s"}`}` +
      ` (${report.files} file${report.files === 1 ? "" : "s"} scanned, ${report.windows} windows, ${report.ms} ms)`,
  );
  return out.join("\n") + "\n";
}
