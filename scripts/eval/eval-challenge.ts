import { existsSync } from "node:fs";
import { join } from "node:path";
import type { WindowCutter } from "../../src/windows/cut-windows.js";
import { loadChallenge } from "./datasets.js";
import { challengeIntervals, evaluateChallenge, type ChallengeResult } from "./evaluate-challenge.js";
import type { Reported } from "./evaluate-samples.js";
import { log, type ModelTool } from "./model-tool.js";
import { rekey, reportedFromBandit, reportedFromFindings } from "./reported.js";
import type { EvalResults, Row } from "./results.js";
import { runBandit } from "./run-bandit.js";
import { scanWithModel } from "./scan-with-model.js";

/** File- and line-level scores on the independent challenge set, every tool on the same files. */
export async function evalChallenge(root: string, tools: readonly ModelTool[], cutter: WindowCutter): Promise<EvalResults["challenge"]> {
  const dir = join(root, "data", "challenge");
  if (!existsSync(join(dir, "labels.jsonl"))) {
    log("no data/challenge/labels.jsonl; skipping the challenge set");
    return undefined;
  }
  const labels = loadChallenge(dir);
  const keyOf = new Map(labels.map((l) => [join(dir, l.file), l.file]));
  const files = [...keyOf.keys()];
  log(`challenge set: ${files.length} files`);
  const score = (reported: ReadonlyMap<string, readonly Reported[]>): ChallengeResult => ({
    ...evaluateChallenge(labels, reported),
    intervals: challengeIntervals(labels, reported),
  });
  const rows: Row<ChallengeResult>[] = [];
  for (const { tool, detector, note } of tools) {
    const { findings } = await scanWithModel(files, { detector, cutter, label: `challenge [${tool}]` });
    rows.push({ tool, note, result: score(rekey(reportedFromFindings(findings), keyOf)) });
  }
  log("challenge set: bandit");
  rows.push({ tool: "Bandit 1.6.2", note: "see note", result: score(rekey(reportedFromBandit(runBandit(files)), keyOf)) });
  return { files: files.length, labelled: labels.reduce((n, l) => n + l.findings.length, 0), rows };
}
