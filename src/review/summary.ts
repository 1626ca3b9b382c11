import { cweMarkdownLink, percent } from "../cwe/cwe-link.js";
import type { DetectorInfo } from "../detector/detector.js";
import type { Finding } from "../findings/finding.js";
import { hideMarkers } from "./render-comment.js";

/**
 * GitHub, "Update a check run", `output.summary`: "Maximum length: 65535 characters." We
 * measure UTF-8 bytes, never fewer than characters, so the summary fits however GitHub counts.
 */
export const MAX_SUMMARY_CHARS = 65535;

/** Everything the check-run summary reports. */
export interface SummaryInput {
  /** Findings reported on this push (after config, suppressions and dedupe). */
  findings: readonly Finding[];
  /** Reported findings that got no inline comment. */
  overflow: readonly Finding[];
  /** Findings from earlier pushes that are gone now. */
  fixed: readonly { path: string; line: number | null }[];
  filesScanned: number;
  windows: number;
  skipped: readonly { path: string; reason: string }[];
  model: DetectorInfo;
  configError?: string;
  ms?: number;
}

/**
 * Check-run title and Markdown summary: a table of CWEs with counts and files, the findings
 * not commented inline, what was fixed since the last push, skipped files with reasons, the
 * config error if any, and the model. "No Python changes" when nothing matched. Cut at a line boundary to {@link MAX_SUMMARY_CHARS}
 * with a note saying how much was left out.
 */
export function renderSummary(input: SummaryInput): { title: string; summary: string } {
  const n = input.findings.length;
  const nothingScanned = input.filesScanned === 0 && n === 0;
  // Skipped files are Python changes we could not read: saying "no changes" would mislead.
  const title = nothingScanned
    ? input.skipped.length > 0
      ? "No files could be scanned"
      : "No Python changes"
    : n === 0
      ? "No weaknesses found"
      : `${n} potential weakness${n === 1 ? "" : "es"} found`;

  const lines: string[] = [];
  if (input.configError) lines.push(`> **Config problem:** ${oneLine(input.configError)}`, "");
  if (nothingScanned && input.skipped.length === 0) lines.push("No Python files in this pull request matched the configured paths.", "");
  else if (nothingScanned) lines.push("Every Python file in this pull request was skipped; see below why.", "");
  else if (n === 0) lines.push(`No weaknesses found in ${plural(input.filesScanned, "file")}.`, "");
  else lines.push(...cweTable(input.findings), "");

  if (input.overflow.length > 0) {
    lines.push(`### Not commented inline (${input.overflow.length})`, "");
    for (const f of input.overflow) {
      lines.push(`- \`${code(f.path)}\` line ${lineRange(f)}: ${cweMarkdownLink(f.cwe)} ${oneLine(f.name)} (${percent(f.confidence)}): ${oneLine(f.message)}`);
    }
    lines.push("");
  }
  if (input.fixed.length > 0) {
    lines.push(`### Fixed since the last push (${input.fixed.length})`, "");
    for (const x of input.fixed) lines.push(`- \`${code(x.path)}\`${x.line === null ? "" : ` line ${x.line}`}`);
    lines.push("");
  }
  if (input.skipped.length > 0) {
    lines.push(`### Skipped files (${input.skipped.length})`, "");
    for (const s of input.skipped) lines.push(`- \`${code(s.path)}\`: ${oneLine(s.reason)}`);
    lines.push("");
  }
  const timing = input.ms === undefined ? "" : ` in ${(input.ms / 1000).toFixed(1)} s`;
  const footer =
    `<sub>Model ${oneLine(input.model.name)} ${oneLine(input.model.version)} · ` +
    `${plural(input.filesScanned, "file")}, ${plural(input.windows, "window")} scanned${timing}</sub>`;
  return { title, summary: fit(lines, footer, MAX_SUMMARY_CHARS) };
}

function cweTable(findings: readonly Finding[]): string[] {
  const byCwe = new Map<string, { name: string; count: number; files: Set<string>; top: number }>();
  for (const f of findings) {
    const row = byCwe.get(f.cwe) ?? { name: f.name, count: 0, files: new Set<string>(), top: 0 };
    row.count++;
    row.files.add(f.path);
    row.top = Math.max(row.top, f.confidence);
    byCwe.set(f.cwe, row);
  }
  const rows = [...byCwe.entries()].sort(([a, x], [b, y]) => y.count - x.count || y.top - x.top || a.localeCompare(b));
  return [
    "| CWE | Weakness | Findings | Files |",
    "| --- | --- | ---: | --- |",
    ...rows.map(([cwe, r]) => {
      const files = [...r.files].sort();
      const shown = files.slice(0, 5).map((p) => `\`${code(p)}\``).join(", ");
      const more = files.length > 5 ? ` and ${files.length - 5} more` : "";
      return `| ${cweMarkdownLink(cwe)} | ${cell(r.name)} | ${r.count} | ${shown}${more} |`;
    }),
  ];
}

/** Joins lines and the footer; when too long, drops whole lines from the end and says so. */
function fit(lines: string[], footer: string, max: number): string {
  const whole = [...lines, footer].join("\n");
  if (utf8Length(whole) <= max) return whole;
  const kept: string[] = [];
  let size = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const note = `\n_…summary truncated: ${lines.length - i} more lines not shown (GitHub allows ${max} characters)._\n${footer}`;
    if (size + utf8Length(line) + 1 + utf8Length(note) > max) return [...kept, note].join("\n");
    kept.push(line);
    size += utf8Length(line) + 1;
  }
  return whole; // unreachable: the loop returns before running out of lines
}

const encoder = new TextEncoder();
function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function lineRange(f: Finding): string {
  return f.endLine > f.line ? `${f.line}–${f.endLine}` : `${f.line}`;
}

/** Model and user text on one Markdown line, with no HTML comment able to hide the rest. */
function oneLine(text: string): string {
  return hideMarkers(text.replace(/\s+/g, " ").trim());
}

function cell(text: string): string {
  return oneLine(text).replace(/\|/g, "\\|");
}

/** A path inside backticks: a backtick in it would end the code span. */
function code(text: string): string {
  return oneLine(text).replace(/`/g, "'");
}
