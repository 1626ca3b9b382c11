import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { WindowCutter } from "../../src/windows/cut-windows.js";
import { loadTestSplit } from "./datasets.js";
import { evaluateSamples, sampleIntervals, type Reported, type SampleResult } from "./evaluate-samples.js";
import { log, type ModelTool } from "./model-tool.js";
import { rekey, reportedFromBandit, reportedFromFindings } from "./reported.js";
import type { EvalResults, Row } from "./results.js";
import { runBandit } from "./run-bandit.js";
import { scanWithModel } from "./scan-with-model.js";

/**
 * The paper's table on data/test.jsonl: each sample is written to a file in `tmp` (Bandit
 * reads files) and every tool scans the same files.
 */
export async function evalTestSplit(root: string, tools: readonly ModelTool[], cutter: WindowCutter, tmp: string): Promise<EvalResults["testSplit"]> {
  const path = join(root, "data", "test.jsonl");
  if (!existsSync(path)) {
    log(`no ${path}; skipping the test split`);
    return undefined;
  }
  const samples = loadTestSplit(path);
  log(`test split: ${samples.length} samples`);
  const dir = join(tmp, "test");
  mkdirSync(dir, { recursive: true });
  const idOf = new Map<string, string>();
  const files = samples.map((sample, index) => {
    const file = join(dir, `sample_${String(index).padStart(5, "0")}.py`);
    writeFileSync(file, sample.code.endsWith("\n") ? sample.code : sample.code + "\n");
    idOf.set(file, sample.id);
    return file;
  });
  const score = (reported: ReadonlyMap<string, readonly Reported[]>): SampleResult => ({
    ...evaluateSamples(samples, reported),
    intervals: sampleIntervals(samples, reported),
  });
  const rows: Row<SampleResult>[] = [];
  for (const { tool, detector, note } of tools) {
    const { findings } = await scanWithModel(files, { detector, cutter, label: `test split [${tool}]` });
    rows.push({ tool, note, result: score(rekey(reportedFromFindings(findings), idOf)) });
  }
  log("test split: bandit");
  rows.push({ tool: "Bandit 1.6.2", note: "see note", result: score(rekey(reportedFromBandit(runBandit([dir])), idOf)) });
  const vulnerable = samples.filter((s) => s.label === "vulnerable").length;
  return { samples: samples.length, vulnerable, safe: samples.length - vulnerable, rows };
}
