import { readFileSync } from "node:fs";
import type { Detector } from "../detector/detector.js";
import type { Finding } from "../findings/finding.js";
import type { WindowCutter } from "../windows/cut-windows.js";
import type { Window } from "../windows/window.js";
import { keepFindings } from "./keep-findings.js";

/** What `cwe-review scan --format json` prints (DESIGN.md): a public interface. */
export interface ScanReport {
  findings: Finding[];
  /** Files scanned (with a diff: files the diff adds lines to). */
  files: number;
  /** Model windows cut from them. */
  windows: number;
  /** Wall time of reading, cutting and detecting, in milliseconds (model loading excluded). */
  ms: number;
}

/** Files cut between two detector calls: bounds memory on large trees. */
const FILES_PER_BATCH = 32;

/**
 * Reads, cuts and scans `files`. With `changed` (from a diff, keyed by the paths in
 * `files`), only those lines are focus lines and only findings on them are kept; files
 * the diff does not touch are skipped.
 */
export async function scanFiles(
  files: readonly string[],
  deps: { detector: Detector; cutter: WindowCutter; changed?: ReadonlyMap<string, readonly number[]>; threshold: number; now?: () => number },
): Promise<ScanReport> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const findings: Finding[] = [];
  let fileCount = 0;
  let windowCount = 0;
  const targets = deps.changed === undefined ? files : files.filter((file) => (deps.changed?.get(file)?.length ?? 0) > 0);
  for (let start = 0; start < targets.length; start += FILES_PER_BATCH) {
    const windows: Window[] = [];
    const fileLines = new Map<string, string[]>();
    for (const file of targets.slice(start, start + FILES_PER_BATCH)) {
      const source = readFileSync(file, "utf8");
      fileLines.set(file, source.split(/\r?\n/));
      windows.push(...deps.cutter.cut(file, source, deps.changed?.get(file) ?? "all", deps.detector.budget));
      fileCount++;
    }
    windowCount += windows.length;
    const found = windows.length === 0 ? [] : await deps.detector.detect(windows);
    for (const [file, lines] of fileLines) {
      const changed = deps.changed?.get(file);
      findings.push(
        ...keepFindings(
          found.filter((finding) => finding.path === file),
          { fileLines: lines, changedLines: changed === undefined ? undefined : new Set(changed), threshold: deps.threshold },
        ),
      );
    }
  }
  return { findings, files: fileCount, windows: windowCount, ms: Math.round(now() - started) };
}
