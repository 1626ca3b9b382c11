import type { ChallengeResult } from "./evaluate-challenge.js";
import type { SampleResult } from "./evaluate-samples.js";

/** A row of a comparison table: which tool, its scores, an optional note. */
export interface Row<T> {
  tool: string;
  result: T;
  note?: string;
}

/** False alarms of both tools on one package. */
export interface FalseAlarmRow {
  name: string;
  files: number;
  lines: number;
  ours: number;
  bandit: number;
}

/** Speed at one thread count. */
export interface SpeedRow {
  threads: number;
  /** Best round. */
  windowsPerSecond: number;
  medianWindowsPerSecond: number;
  peakGflops: number;
}

/** Everything the report shows; sections left out were skipped (missing data or flags). */
export interface EvalResults {
  meta: {
    date: string;
    commit: string;
    dirty: boolean;
    dataHash: string;
    model: { name: string; version: string; dir: string };
    baseModel: string | null;
    bandit: string | null;
    loadAverage: number[];
    cores: number;
    node: string;
    minutes: number;
  };
  testSplit?: { samples: number; vulnerable: number; safe: number; rows: Row<SampleResult>[] };
  challenge?: { files: number; labelled: number; rows: Row<ChallengeResult>[] };
  falseAlarms?: FalseAlarmRow[];
  speed?: { rows: SpeedRow[]; flopsPerWindow: number; unknownMatmuls: number; seq: number; eventLoop: { windows: number; maxDelayMs: number } };
}
