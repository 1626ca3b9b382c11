/**
 * `npm run bench [-- --quick] [--model DIR] [--only model,latency,throughput,bandit] [--json FILE] [--throughput-runs N]`
 *
 * Prints a Markdown table; every figure is the median of several runs (the count is in the
 * table). Progress and ETA go to stderr. Sections:
 * - model: windows/s at 1 and 2 onnxruntime threads, 128 and 256 tokens, in this process;
 * - latency: webhook sent → check run completed, p50/p95, PRs of 10, 300, 3,000 changed
 *   Python lines, one at a time on one worker (separate processes, real Redis, stand-in GitHub);
 * - throughput: 100 queued PRs drained by 1, 2 and 4 worker processes (PRs/minute);
 * - worker peak RSS (VmHWM) during the latency and throughput runs;
 * - Bandit wall time on the same changed files.
 */
import { cpus } from "node:os";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { syntheticHistory } from "../test/support/fake-github/synthetic-pr.js";
import { ensureBuild } from "../scripts/demo/ensure-build.js";
import { running } from "../scripts/demo/service.js";
import { banditVersion, measureBandit } from "./bandit.js";
import { startBenchStack } from "./bench-stack.js";
import { measureModel } from "./model-speed.js";
import { peakRssMb } from "./peak-rss.js";
import { measureLatency } from "./pr-latency.js";
import { progress } from "./progress.js";
import { median, quantile } from "./stats.js";
import { measureThroughput } from "./throughput.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    model: { type: "string", default: "models/cwe-review-small" },
    only: { type: "string", default: "model,latency,throughput,bandit" },
    json: { type: "string" },
    "throughput-runs": { type: "string" },
  },
});
const quick = args.quick;
const modelDir = resolve(ROOT, args.model);
const only = new Set(args.only.split(","));

/** How much of everything: --quick keeps each figure but runs fewer repetitions. */
const PLAN = quick
  ? { modelWindows: 32, modelRuns: 3, latencySizes: [10, 300, 3000], latencyRuns: { 10: 3, 300: 3, 3000: 2 } as Record<number, number>, throughputPrs: 20, throughputLines: 30, throughputWorkers: [1, 2, 4], throughputRuns: 1, concurrencyRow: 4, banditRuns: 3 }
  : { modelWindows: 64, modelRuns: 5, latencySizes: [10, 300, 3000], latencyRuns: { 10: 11, 300: 11, 3000: 5 } as Record<number, number>, throughputPrs: 100, throughputLines: 30, throughputWorkers: [1, 2, 4], throughputRuns: 3, concurrencyRow: 4, banditRuns: 5 };

if (args["throughput-runs"]) PLAN.throughputRuns = Math.max(1, Number(args["throughput-runs"]) || 1);

const rows: string[][] = [];
const results: Record<string, unknown> = { quick, model: args.model, cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, at: new Date().toISOString() };
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

async function main(): Promise<void> {
  ensureBuild(ROOT, (l) => process.stderr.write(`bench: ${l}\n`));
  const steps =
    (only.has("model") ? 4 : 0) +
    (only.has("latency") ? PLAN.latencySizes.length : 0) +
    (only.has("throughput") ? (PLAN.throughputWorkers.length + 1) * PLAN.throughputRuns : 0) +
    (only.has("bandit") ? PLAN.latencySizes.length : 0);
  const p = progress(steps);
  let workerPeak = 0;

  if (only.has("model")) {
    for (const threads of [1, 2]) {
      for (const tokens of [128, 256]) {
        p.step(`model: ${threads} thread(s), ${tokens} tokens`);
        const rates = await measureModel(modelDir, threads, tokens, PLAN.modelWindows, PLAN.modelRuns);
        results[`model_${threads}t_${tokens}`] = rates;
        rows.push(["model", `windows/s, ${threads} thread${threads > 1 ? "s" : ""}, ${tokens} tokens`, fmt(median(rates), 1), `median of ${rates.length} passes over ${PLAN.modelWindows} windows`]);
      }
    }
  }

  const latencyP50 = new Map<number, number>();
  if (only.has("latency")) {
    const bench = await startBenchStack(ROOT, modelDir, 1);
    try {
      for (const size of PLAN.latencySizes) {
        const runs = PLAN.latencyRuns[size] ?? 3;
        p.step(`latency: ${runs} PRs of ${size} changed lines`);
        const ms = await measureLatency(bench, size, runs);
        results[`latency_${size}`] = ms;
        latencyP50.set(size, median(ms));
        rows.push(["latency", `PR of ${size.toLocaleString("en")} changed lines, p50 / p95`, `${fmt(median(ms))} / ${fmt(quantile(ms, 0.95))} ms`, `${runs} PRs, one at a time, 1 worker`]);
      }
      const pid = bench.stack.workers[0]?.child.pid;
      workerPeak = Math.max(workerPeak, pid === undefined ? 0 : (peakRssMb(pid) ?? 0));
    } finally {
      await bench.stop();
    }
  }

  if (only.has("throughput")) {
    // The same pull requests for every worker count, so only the workers differ.
    const histories = Array.from({ length: PLAN.throughputPrs }, (_, i) => syntheticHistory(PLAN.throughputLines, 5000 + i));
    for (const workers of PLAN.throughputWorkers) {
      const perRun: number[] = [];
      const cores: number[] = [];
      for (let r = 0; r < PLAN.throughputRuns; r++) {
        p.step(`throughput: ${PLAN.throughputPrs} PRs, ${workers} worker(s), run ${r + 1}/${PLAN.throughputRuns}`);
        const run = await measureThroughput(ROOT, modelDir, workers, histories);
        perRun.push(run.prsPerMinute);
        cores.push(run.workerCores);
        workerPeak = Math.max(workerPeak, run.workerPeakRssMb);
      }
      results[`throughput_${workers}w`] = perRun;
      results[`throughput_${workers}w_cores`] = cores;
      rows.push(["throughput", `${PLAN.throughputPrs} queued PRs (${PLAN.throughputLines} changed lines each), ${workers} worker process${workers > 1 ? "es" : ""}`, `${fmt(median(perRun), 1)} PRs/min`, `median of ${perRun.length} run(s); workers used ${fmt(median(cores), 2)} cores`]);
    }
    // One process taking several jobs at once: shows whether the workers wait or compute.
    const perRun: number[] = [];
    const cores: number[] = [];
    for (let r = 0; r < PLAN.throughputRuns; r++) {
      p.step(`throughput: ${PLAN.throughputPrs} PRs, 1 worker with WORKER_CONCURRENCY=${PLAN.concurrencyRow}, run ${r + 1}/${PLAN.throughputRuns}`);
      const run = await measureThroughput(ROOT, modelDir, 1, histories, PLAN.concurrencyRow);
      perRun.push(run.prsPerMinute);
      cores.push(run.workerCores);
      workerPeak = Math.max(workerPeak, run.workerPeakRssMb);
    }
    results[`throughput_1w_c${PLAN.concurrencyRow}`] = perRun;
    rows.push(["throughput", `${PLAN.throughputPrs} queued PRs, 1 worker process, WORKER_CONCURRENCY=${PLAN.concurrencyRow}`, `${fmt(median(perRun), 1)} PRs/min`, `median of ${perRun.length} run(s); workers used ${fmt(median(cores), 2)} cores`]);
  }

  if (workerPeak > 0) {
    results["worker_peak_rss_mb"] = workerPeak;
    rows.push(["memory", "worker peak RSS (VmHWM), highest of all workers", `${fmt(workerPeak)} MB`, "target < 400 MB"]);
  }

  if (only.has("bandit")) {
    const version = banditVersion();
    for (const size of PLAN.latencySizes) {
      p.step(`bandit: ${size} changed lines`);
      if (!version) {
        rows.push(["bandit", `same ${size} changed lines`, "n/a", "bandit not installed (apt-get install bandit)"]);
        continue;
      }
      const { ms, issues } = measureBandit(syntheticHistory(size, 9000 + size), PLAN.banditRuns);
      results[`bandit_${size}`] = ms;
      const ours = latencyP50.get(size);
      rows.push(["bandit", `${version.split(" ").slice(0, 2).join(" ")} on the same ${size.toLocaleString("en")} changed lines (wall)`, `${fmt(median(ms))} ms`, `median of ${ms.length}; ${issues} issues${ours !== undefined ? `; cwe-review p50 ${fmt(ours)} ms` : ""}`]);
    }
  }
  p.done();

  const header = `cwe-review benchmarks${quick ? " (--quick)" : ""}: ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, Node ${process.version}, model ${args.model}`;
  const table = [
    "| what | measure | result | runs / notes |",
    "| --- | --- | ---: | --- |",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
  process.stdout.write(`${header}\n\n${table.join("\n")}\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ ...results, rows }, null, 1) + "\n");
}

// Ctrl-C or a kill: stop the app and workers this run started (each in its own process group).
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping its processes\n`);
    void Promise.allSettled([...running].map((s) => s.stop(2000))).finally(() => process.exit(130));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
