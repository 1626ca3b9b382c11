import { scanFiles } from "../../src/cli/scan-files.js";
import type { Detector } from "../../src/detector/detector.js";
import type { Finding } from "../../src/findings/finding.js";
import type { WindowCutter } from "../../src/windows/cut-windows.js";
import { progress } from "./progress.js";

/** Files per scanFiles call: one progress tick each. */
const CHUNK = 64;

/**
 * Scans whole files exactly as `cwe-review scan FILES` does (same cutter, detector,
 * suppressions, no extra threshold), with a progress line.
 */
export async function scanWithModel(
  files: readonly string[],
  deps: { detector: Detector; cutter: WindowCutter; label: string },
): Promise<{ findings: Finding[]; windows: number; ms: number }> {
  const bar = progress(deps.label, files.length);
  const findings: Finding[] = [];
  let windows = 0;
  const started = performance.now();
  for (let start = 0; start < files.length; start += CHUNK) {
    const chunk = files.slice(start, start + CHUNK);
    const report = await scanFiles(chunk, { detector: deps.detector, cutter: deps.cutter, threshold: 0 });
    findings.push(...report.findings);
    windows += report.windows;
    bar.tick(chunk.length);
  }
  bar.done();
  return { findings, windows, ms: performance.now() - started };
}
