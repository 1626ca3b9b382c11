import { groupBootstrap, type Interval } from "./bootstrap.js";
import type { ChallengeFile } from "./datasets.js";
import type { Reported } from "./evaluate-samples.js";
import { binaryScores, correctCweScores, share, type Labelled, type Scores } from "./metrics.js";

/** Challenge-set scores for one tool. */
export interface ChallengeResult {
  /** Any finding vs any label, per file. */
  fileLevel: Scores;
  /** (file, CWE) pairs, micro-averaged. */
  correctCwe: Scores;
  /** Correctly detected (file, CWE) pairs where a finding of that CWE lands on a labelled line. */
  localization: ReturnType<typeof share>;
  /** Labelled weaknesses found with the right CWE on a labelled line, of all labelled weaknesses. */
  lineRecall: ReturnType<typeof share>;
  /** 95% intervals over resampled files (see challengeIntervals). */
  intervals?: { fileF1: Interval; cweF1: Interval };
}

/** Scores one tool on the challenge files (`reportedByFile` keyed by the labels' `file`). */
export function evaluateChallenge(files: readonly ChallengeFile[], reportedByFile: ReadonlyMap<string, readonly Reported[]>): ChallengeResult {
  const items: Labelled[] = files.map((file) => ({
    truth: new Set(file.findings.map((f) => f.cwe)),
    predicted: new Set((reportedByFile.get(file.file) ?? []).map((r) => r.cwe)),
  }));
  let located = 0;
  let detectedPairs = 0;
  let labelled = 0;
  let labelledFound = 0;
  for (const file of files) {
    const reported = reportedByFile.get(file.file) ?? [];
    const linesByCwe = new Map<string, Set<number>>();
    for (const f of file.findings) linesByCwe.set(f.cwe, new Set([...(linesByCwe.get(f.cwe) ?? []), ...f.lines]));
    for (const [cwe, lines] of linesByCwe) {
      const sameCwe = reported.filter((r) => r.cwe === cwe);
      if (sameCwe.length === 0) continue;
      detectedPairs++;
      if (sameCwe.some((r) => r.lines.some((line) => lines.has(line)))) located++;
    }
    for (const f of file.findings) {
      labelled++;
      const lines = new Set(f.lines);
      if (reported.some((r) => r.cwe === f.cwe && r.lines.some((line) => lines.has(line)))) labelledFound++;
    }
  }
  return {
    fileLevel: binaryScores(items),
    correctCwe: correctCweScores(items),
    localization: share(located, detectedPairs),
    lineRecall: share(labelledFound, labelled),
  };
}

/** 95% intervals of file-level and correct-CWE F1 over resampled files (each file is one author's module). */
export function challengeIntervals(files: readonly ChallengeFile[], reportedByFile: ReadonlyMap<string, readonly Reported[]>, rounds = 1000): { fileF1: Interval; cweF1: Interval } {
  const file = (f: ChallengeFile) => f.file;
  return {
    fileF1: groupBootstrap(files, file, (resample) => evaluateChallenge(resample, reportedByFile).fileLevel.f1, rounds),
    cweF1: groupBootstrap(files, file, (resample) => evaluateChallenge(resample, reportedByFile).correctCwe.f1, rounds),
  };
}
