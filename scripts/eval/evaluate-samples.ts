import { groupBootstrap, type Interval } from "./bootstrap.js";
import type { Sample } from "./datasets.js";
import { binaryScores, lineRange, macroScores, share, type Labelled, type Scores } from "./metrics.js";

/** What a tool reported on one file: CWEs with the lines each finding covers. */
export interface Reported {
  cwe: string;
  lines: number[];
}

/** The paper's table on the test split for one tool. */
export interface SampleResult {
  binary: Scores;
  macro: Scores;
  perCwe: Map<string, Scores>;
  /** Vulnerable samples given a right CWE where a finding of a right CWE covers a marked line. */
  localization: ReturnType<typeof share>;
  /** 95% intervals over resampled scenario families (see sampleIntervals). */
  intervals?: { f1: Interval; macroF1: Interval };
}

/**
 * Scores one tool on the test split. A sample is predicted vulnerable when the tool
 * reports anything on it; its predicted CWEs are the CWEs reported. Macro scores are over
 * the CWEs the split labels.
 */
export function evaluateSamples(samples: readonly Sample[], reportedBySample: ReadonlyMap<string, readonly Reported[]>): SampleResult {
  const items: Labelled[] = samples.map((sample) => ({
    truth: new Set(sample.label === "vulnerable" ? sample.cwes : []),
    predicted: new Set((reportedBySample.get(sample.id) ?? []).map((r) => r.cwe)),
  }));
  const cwes = [...new Set(samples.flatMap((s) => (s.label === "vulnerable" ? s.cwes : [])))].sort();
  const { macro, perCwe } = macroScores(items, cwes);
  let hits = 0;
  let detected = 0;
  for (const sample of samples) {
    if (sample.label !== "vulnerable") continue;
    const truth = new Set(sample.cwes);
    // Only findings of a CWE the sample has: a tool that sprays every label on every line
    // must not score localization by chance.
    const right = (reportedBySample.get(sample.id) ?? []).filter((r) => truth.has(r.cwe));
    if (right.length === 0) continue;
    detected++;
    const marked = new Set(sample.lines);
    if (right.some((r) => r.lines.some((line) => marked.has(line)))) hits++;
  }
  return { binary: binaryScores(items), macro, perCwe, localization: share(hits, detected) };
}

/**
 * 95% intervals of binary and macro F1 over resamples of the split's scenario families: how far
 * the figures could move on another draw of families, so two releases (or a release and a
 * target) are compared against the noise, not against the third decimal.
 */
export function sampleIntervals(samples: readonly Sample[], reportedBySample: ReadonlyMap<string, readonly Reported[]>, rounds = 1000): { f1: Interval; macroF1: Interval } {
  const family = (sample: Sample) => sample.family;
  return {
    f1: groupBootstrap(samples, family, (resample) => evaluateSamples(resample, reportedBySample).binary.f1, rounds),
    macroF1: groupBootstrap(samples, family, (resample) => evaluateSamples(resample, reportedBySample).macro.f1, rounds),
  };
}

/** Lines of a finding-like record. */
export function reportedOf(cwe: string, line: number, endLine: number): Reported {
  return { cwe, lines: lineRange(line, endLine) };
}
