import { isPathIncluded, type RepoConfig } from "../config/repo-config.js";
import type { Finding } from "./finding.js";
import { fileSuppression, isFindingSuppressed, type FileSuppression } from "./suppressions.js";

/** What {@link selectFindings} needs besides the findings. */
export interface SelectContext {
  /** Changed (added, RIGHT-side) 1-based lines per path; a path missing here has no changes. */
  changedLines: ReadonlyMap<string, ReadonlySet<number>>;
  /** The head version of each file, split into lines (for bounds and suppression comments). */
  fileLines: ReadonlyMap<string, readonly string[]>;
  config: RepoConfig;
}

/**
 * Decides which findings to report, in order of confidence (highest first):
 * - drops excluded paths, skipped CWEs and findings below the confidence threshold;
 * - keeps a finding only when its range touches a changed line. The range is then narrowed
 *   to changed lines: `line` moves to the first changed line in it and `endLine` stops
 *   before the first unchanged one, so a multi-line comment never reaches outside the diff
 *   (reviewdog's `InDiffContext`, `filter/filter.go`);
 * - moves findings with a suppression comment on any line of their range, or silenced by their
 *   file's `ignore-file` marker, to `suppressed`;
 * - keeps one finding per path + CWE + line, the most confident.
 */
export function selectFindings(findings: readonly Finding[], ctx: SelectContext): { kept: Finding[]; suppressed: Finding[] } {
  const { config } = ctx;
  const skip = new Set(config.skipCwes.map((id) => id.toUpperCase()));
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  const fileMarkers = new Map<string, FileSuppression>();
  const markersOf = (path: string, lines: readonly string[]) => {
    let markers = fileMarkers.get(path);
    if (!markers) fileMarkers.set(path, (markers = fileSuppression(lines)));
    return markers;
  };
  for (const finding of findings) {
    if (!isPathIncluded(config, finding.path)) continue;
    if (skip.has(finding.cwe.toUpperCase())) continue;
    if (!(finding.confidence >= config.threshold)) continue; // also drops NaN
    const lines = ctx.fileLines.get(finding.path);
    const inFile = clampToFile(finding, lines?.length);
    if (!inFile) continue;
    const inDiff = narrowToDiff(inFile, ctx.changedLines.get(finding.path));
    if (!inDiff) continue;
    const silenced = lines !== undefined && isFindingSuppressed(lines, inFile, markersOf(finding.path, lines));
    (silenced ? suppressed : kept).push(inDiff);
  }
  return { kept: sortByConfidence(dedupe(kept)), suppressed: sortByConfidence(dedupe(suppressed)) };
}

function clampToFile(f: Finding, lineCount: number | undefined): Finding | null {
  const max = lineCount ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(f.line) || f.line < 1 || f.line > max) return null;
  const endLine = Math.min(Math.max(f.endLine, f.line), max);
  return endLine === f.endLine ? f : { ...f, endLine };
}

function narrowToDiff(f: Finding, changed: ReadonlySet<number> | undefined): Finding | null {
  if (!changed) return null;
  const start = rangeOf(f).find((line) => changed.has(line));
  if (start === undefined) return null;
  let end = start;
  while (end < f.endLine && changed.has(end + 1)) end++;
  return start === f.line && end === f.endLine ? f : { ...f, line: start, endLine: end };
}

function rangeOf(f: Pick<Finding, "line" | "endLine">): number[] {
  return Array.from({ length: f.endLine - f.line + 1 }, (_, i) => f.line + i);
}

function dedupe(findings: Finding[]): Finding[] {
  const best = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.path}\0${f.cwe}\0${f.line}`;
    const seen = best.get(key);
    if (!seen || f.confidence > seen.confidence) best.set(key, f);
  }
  return [...best.values()];
}

/** Highest confidence first; ties in file order, so output never depends on model batch order. */
export function sortByConfidence(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) => b.confidence - a.confidence || a.path.localeCompare(b.path) || a.line - b.line || a.cwe.localeCompare(b.cwe),
  );
}
