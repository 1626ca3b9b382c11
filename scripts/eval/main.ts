/**
 * `npm run eval`: scores the model bundle (and the base model and Bandit beside it) on the
 * test split, the challenge set, the mature sources and for speed, then writes
 * models/<name>/REPORT.md. Progress goes to stderr.
 *
 * Flags: --model DIR (default models/cwe-review-small), --base DIR (default
 * training/runs/base), --out FILE, --skip test,challenge,mature,speed.
 */
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../../src/cli/package-root.js";
import type { Detector } from "../../src/detector/detector.js";
import type { Finding } from "../../src/findings/finding.js";
import { createOnnxDetector, loadBundle } from "../../src/model/index.js";
import { createWindowCutter, type WindowCutter } from "../../src/windows/cut-windows.js";
import { BANDIT_CWE } from "./bandit-cwes.js";
import { loadChallenge, loadTestSplit, type Sample } from "./datasets.js";
import { evaluateChallenge, type ChallengeResult } from "./evaluate-challenge.js";
import { evaluateSamples, reportedOf, type Reported, type SampleResult } from "./evaluate-samples.js";
import { matmulPeakGflops, modelFlopsPerWindow } from "./machine-peak.js";
import { MATURE_PACKAGES, packageFiles } from "./mature-sources.js";
import { renderReport } from "./render-report.js";
import type { EvalResults, FalseAlarmRow, Row } from "./results.js";
import { banditVersion, runBandit, type BanditIssue } from "./run-bandit.js";
import { scanWithModel } from "./scan-with-model.js";
import { fullWindows, maxEventLoopDelayMs, windowsPerSecond } from "./speed.js";

const root = packageRoot();
const { values } = parseArgs({
  options: {
    model: { type: "string", default: join(root, "models", "cwe-review-small") },
    base: { type: "string", default: join(root, "training", "runs", "base") },
    out: { type: "string" },
    skip: { type: "string", default: "" },
  },
});
const skip = new Set((values.skip ?? "").split(",").filter(Boolean));
const modelDir = values.model as string;
const baseDir = values.base as string;
const started = Date.now();
const log = (text: string) => process.stderr.write(`[eval ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

function git(args: string): string {
  try {
    return execSync(`git ${args}`, { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

function dataHash(): string {
  const hash = createHash("sha256");
  const dataDir = join(root, "data");
  const files = [
    ...(existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f.endsWith(".jsonl")).sort().map((f) => join(dataDir, f)) : []),
    join(dataDir, "challenge", "labels.jsonl"),
  ].filter((f) => existsSync(f));
  for (const file of files) hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 16);
}

/** Tools compared in every table: our model, the base model when its bundle exists, Bandit. */
interface ModelTool {
  tool: string;
  detector: Detector;
  note?: string;
}

function byFile<T extends { path: string }>(items: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(item.path, [...(map.get(item.path) ?? []), item]);
  return map;
}

function reportedFromFindings(findings: readonly Finding[]): Map<string, Reported[]> {
  return new Map([...byFile(findings)].map(([path, list]) => [path, list.map((f) => reportedOf(f.cwe, f.line, f.endLine))]));
}

function reportedFromBandit(issues: readonly BanditIssue[]): Map<string, Reported[]> {
  const map = new Map<string, Reported[]>();
  for (const issue of issues) {
    const cwe = BANDIT_CWE[issue.testId];
    if (cwe === undefined) continue;
    const lines = issue.lineRange.length > 0 ? issue.lineRange : [issue.line];
    map.set(issue.filename, [...(map.get(issue.filename) ?? []), { cwe, lines }]);
  }
  return map;
}

/** Re-keys a per-path map with `keyOf(path)`, dropping paths it does not know. */
function rekey<T>(map: ReadonlyMap<string, T>, keyOf: ReadonlyMap<string, string>): Map<string, T> {
  const out = new Map<string, T>();
  for (const [path, value] of map) {
    const key = keyOf.get(path);
    if (key !== undefined) out.set(key, value);
  }
  return out;
}

async function evalTestSplit(tools: ModelTool[], cutter: WindowCutter, tmp: string): Promise<EvalResults["testSplit"]> {
  const path = join(root, "data", "test.jsonl");
  if (!existsSync(path)) {
    log(`no ${path}; skipping the test split`);
    return undefined;
  }
  const samples: Sample[] = loadTestSplit(path);
  log(`test split: ${samples.length} samples`);
  // One file per sample, shared by all tools (Bandit reads files).
  const dir = join(tmp, "test");
  execSync(`mkdir -p ${JSON.stringify(dir)}`);
  const idOf = new Map<string, string>();
  const files = samples.map((sample, index) => {
    const file = join(dir, `sample_${String(index).padStart(5, "0")}.py`);
    writeFileSync(file, sample.code.endsWith("\n") ? sample.code : sample.code + "\n");
    idOf.set(file, sample.id);
    return file;
  });
  const rows: Row<SampleResult>[] = [];
  for (const { tool, detector, note } of tools) {
    const { findings } = await scanWithModel(files, { detector, cutter, label: `test split [${tool}]` });
    rows.push({ tool, note, result: evaluateSamples(samples, rekey(reportedFromFindings(findings), idOf)) });
  }
  log("test split: bandit");
  rows.push({ tool: "Bandit 1.6.2", note: "see note", result: evaluateSamples(samples, rekey(reportedFromBandit(runBandit([dir])), idOf)) });
  const vulnerable = samples.filter((s) => s.label === "vulnerable").length;
  return { samples: samples.length, vulnerable, safe: samples.length - vulnerable, rows };
}

async function evalChallenge(tools: ModelTool[], cutter: WindowCutter): Promise<EvalResults["challenge"]> {
  const dir = join(root, "data", "challenge");
  if (!existsSync(join(dir, "labels.jsonl"))) {
    log("no data/challenge/labels.jsonl; skipping the challenge set");
    return undefined;
  }
  const labels = loadChallenge(dir);
  const keyOf = new Map(labels.map((l) => [join(dir, l.file), l.file]));
  const files = [...keyOf.keys()];
  log(`challenge set: ${files.length} files`);
  const rows: Row<ChallengeResult>[] = [];
  for (const { tool, detector, note } of tools) {
    const { findings } = await scanWithModel(files, { detector, cutter, label: `challenge [${tool}]` });
    rows.push({ tool, note, result: evaluateChallenge(labels, rekey(reportedFromFindings(findings), keyOf)) });
  }
  log("challenge set: bandit");
  rows.push({ tool: "Bandit 1.6.2", note: "see note", result: evaluateChallenge(labels, rekey(reportedFromBandit(runBandit(files)), keyOf)) });
  return { files: files.length, labelled: labels.reduce((n, l) => n + l.findings.length, 0), rows };
}

async function evalFalseAlarms(detector: Detector, cutter: WindowCutter): Promise<FalseAlarmRow[]> {
  const rows: FalseAlarmRow[] = [];
  for (const name of MATURE_PACKAGES) {
    const { files, lines } = packageFiles(name);
    const { findings } = await scanWithModel(files, { detector, cutter, label: `mature sources: ${name} [ours]` });
    log(`mature sources: ${name}: bandit`);
    const bandit = runBandit(files).filter((issue) => issue.severity !== "LOW").length;
    rows.push({ name, files: files.length, lines, ours: findings.length, bandit });
  }
  return rows;
}

async function evalSpeed(cutterLines: string[]): Promise<EvalResults["speed"]> {
  const seq = loadBundle(modelDir).manifest.maxLength;
  const rows = [];
  let eventLoop = { windows: 0, maxDelayMs: 0 };
  for (const threads of [1, 2]) {
    const detector = await createOnnxDetector(modelDir, { threads });
    try {
      const windows = fullWindows(cutterLines, 64, detector);
      log(`speed: ${threads} thread(s), ${windows.length} windows of ${seq} tokens, ~4 s`);
      rows.push({ threads, windowsPerSecond: await windowsPerSecond(detector, windows), peakGflops: matmulPeakGflops(threads) });
      if (threads === 2) {
        const many = fullWindows(cutterLines, 200, detector);
        log(`event loop: max delay while detecting ${many.length} windows`);
        eventLoop = { windows: many.length, maxDelayMs: await maxEventLoopDelayMs(detector, many) };
      }
    } finally {
      await detector.close();
    }
  }
  const flops = modelFlopsPerWindow(join(modelDir, "model.onnx"), seq);
  return { rows, flopsPerWindow: flops.flops, unknownMatmuls: flops.unknown, seq, eventLoop };
}

async function main(): Promise<void> {
  const bundle = loadBundle(modelDir);
  const loadAverage = loadavg();
  const detector = await createOnnxDetector(modelDir, { threads: 2 });
  const tools: ModelTool[] = [{ tool: `cwe-review (${bundle.manifest.name})`, detector }];
  let baseName: string | null = null;
  if (existsSync(join(baseDir, "manifest.json"))) {
    const base = await createOnnxDetector(baseDir, { threads: 2 });
    baseName = `${base.info.name} ${base.info.version}`;
    tools.push({ tool: "base model", detector: base, note: "before fine-tuning" });
  } else {
    log(`no base model bundle at ${baseDir}; its row is left out`);
  }
  const cutter = await createWindowCutter();
  const tmp = mkdtempSync(join(tmpdir(), "cwe-review-eval-"));
  const results: EvalResults = {
    meta: {
      date: new Date().toISOString(),
      commit: git("rev-parse --short HEAD"),
      dirty: git("status --porcelain --untracked-files=no") !== "",
      dataHash: dataHash(),
      model: { name: bundle.manifest.name, version: bundle.manifest.version, dir: relative(root, bundle.dir) || bundle.dir },
      baseModel: baseName,
      bandit: banditVersion(),
      loadAverage,
      cores: cpus().length,
      node: process.version,
      minutes: 0,
    },
  };
  try {
    if (!skip.has("test")) results.testSplit = await evalTestSplit(tools, cutter, tmp);
    if (!skip.has("challenge")) results.challenge = await evalChallenge(tools, cutter);
    if (!skip.has("mature")) results.falseAlarms = await evalFalseAlarms(detector, cutter);
  } finally {
    for (const tool of tools) await tool.detector.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!skip.has("speed")) {
    const { files } = packageFiles("flask");
    results.speed = await evalSpeed(files.flatMap((file) => readFileSync(file, "utf8").split("\n")));
  }
  results.meta.minutes = (Date.now() - started) / 60_000;
  const out = values.out ?? join(bundle.dir, "REPORT.md");
  writeFileSync(out, renderReport(results));
  log(`wrote ${relative(root, out)} in ${results.meta.minutes.toFixed(1)} min`);
}

main().catch((error: unknown) => {
  process.stderr.write(`eval failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
