/**
 * Throughput: N pull requests queued first, then W worker processes drain the queue. Timed
 * from the first check run going in_progress to the last one completing, so worker start-up
 * (model loading) is not counted.
 */
import type { PullHistory } from "../test/support/fake-github/git-history.js";
import { startBenchStack, type BenchStack } from "./bench-stack.js";
import { cpuSeconds, peakRssMb } from "./peak-rss.js";

/** One throughput run. */
export interface ThroughputRun {
  prsPerMinute: number;
  /** Highest peak RSS among the workers (MB). */
  workerPeakRssMb: number;
  /** CPU the workers used during the drain, in cores (CPU seconds / wall seconds). */
  workerCores: number;
}

/** Queues `histories.length` pull requests, then starts `workers` workers (WORKER_CONCURRENCY `concurrency`) and times the drain. */
export async function measureThroughput(root: string, modelDir: string, workers: number, histories: readonly PullHistory[], concurrency = 1): Promise<ThroughputRun> {
  const bench: BenchStack = await startBenchStack(root, modelDir, 0, concurrency);
  try {
    const heads: string[] = [];
    // Deliver in small groups: GitHub sends webhooks one by one, not 100 at once.
    for (let i = 0; i < histories.length; i += 10) {
      const group = histories.slice(i, i + 10);
      const opened = await Promise.all(group.map((h, k) => bench.open(1 + i + k, h)));
      heads.push(...opened.map((o) => o.headSha));
    }
    await bench.github.waitFor(() => heads.every((sha) => bench.github.checkRunsFor(sha).length === 1), 60_000, "every check run to be created");
    const started = await bench.stack.addWorkers(workers);
    const pids = started.map((w) => w.child.pid ?? 0);
    const cpuBefore = pids.reduce((n, pid) => n + cpuSeconds(pid), 0);
    const wallBefore = Date.now();
    const runs = await Promise.all(heads.map((sha) => bench.completed(sha, 30 * 60_000)));
    const workerCores = (pids.reduce((n, pid) => n + cpuSeconds(pid), 0) - cpuBefore) / ((Date.now() - wallBefore) / 1000);
    const firstStart = Math.min(...runs.map((r) => r.updates.find((u) => u.body["status"] === "in_progress")?.at ?? Number.POSITIVE_INFINITY));
    const lastDone = Math.max(...runs.map((r) => r.completedAtMs ?? 0));
    const rss = started.map((w) => (w.child.pid === undefined ? 0 : (peakRssMb(w.child.pid) ?? 0)));
    return { prsPerMinute: (runs.length / (lastDone - firstStart)) * 60_000, workerPeakRssMb: Math.max(...rss), workerCores };
  } finally {
    await bench.stop();
  }
}
