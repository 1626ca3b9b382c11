/**
 * `npm run eval`: scores the model bundle (and the base model and Bandit beside it) on the
 * test split, the challenge set, the mature sources and for speed, then writes
 * models/<name>/REPORT.md. Progress goes to stderr.
 *
 * Flags: --model DIR (default models/cwe-review-small), --base DIR (default
 * training/runs/base, exported from training/encoders/ when missing), --out FILE,
 * --skip test,challenge,mature,speed.
 */
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../../src/cli/package-root.js";
import { createOnnxDetector, loadBundle } from "../../src/model/index.js";
import { createWindowCutter } from "../../src/windows/cut-windows.js";
import { ensureBaseBundle } from "./base-bundle.js";
import { evalChallenge } from "./eval-challenge.js";
import { evalFalseAlarms } from "./eval-false-alarms.js";
import { evalSpeed } from "./eval-speed.js";
import { evalTestSplit } from "./eval-test-split.js";
import { packageFiles } from "./mature-sources.js";
import { log, type ModelTool } from "./model-tool.js";
import { renderReport } from "./render-report.js";
import type { EvalResults } from "./results.js";
import { banditVersion } from "./run-bandit.js";

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

function git(args: string): string {
  try {
    return execSync(`git ${args}`, { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

/** sha256 (16 hex digits) of data/*.jsonl and data/challenge/labels.jsonl, names included. */
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

async function main(): Promise<void> {
  const bundle = loadBundle(modelDir);
  const loadAverage = loadavg();
  const detector = await createOnnxDetector(modelDir, { threads: 2 });
  const tools: ModelTool[] = [{ tool: `cwe-review (${bundle.manifest.name})`, detector }];
  let baseName: string | null = null;
  const baseBundle = ensureBaseBundle(root, modelDir, baseDir);
  if (baseBundle !== null) {
    const base = await createOnnxDetector(baseBundle, { threads: 2 });
    baseName = `${base.info.name} ${base.info.version}`;
    tools.push({ tool: "base model", detector: base, note: "before fine-tuning" });
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
    if (!skip.has("test")) results.testSplit = await evalTestSplit(root, tools, cutter, tmp);
    if (!skip.has("challenge")) results.challenge = await evalChallenge(root, tools, cutter);
    if (!skip.has("mature")) results.falseAlarms = await evalFalseAlarms(detector, cutter);
  } finally {
    for (const tool of tools) await tool.detector.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!skip.has("speed")) {
    const { files } = packageFiles("flask");
    results.speed = await evalSpeed(modelDir, files.flatMap((file) => readFileSync(file, "utf8").split("\n")));
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
