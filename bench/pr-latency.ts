/**
 * Pull request latency: from sending the signed webhook to the check run's completion
 * arriving at GitHub, one pull request at a time on one worker (the figure a user waits).
 */
import { syntheticHistory } from "../test/support/fake-github/synthetic-pr.js";
import type { BenchStack } from "./bench-stack.js";

/**
 * Pause before each pull request. Octokit's throttling plugin spaces a process's writes
 * (1 s) and notifying requests such as reviews (3 s); without a pause each measured review
 * would also wait out the previous one's spacing, which a pull request arriving at an idle
 * worker does not.
 */
const IDLE_GAP_MS = 3100;

let nextNumber = 1000;
let nextVariant = 1;

/** Latencies (ms) of `count` fresh pull requests of `changedLines` changed Python lines each. */
export async function measureLatency(bench: BenchStack, changedLines: number, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, IDLE_GAP_MS));
    const history = syntheticHistory(changedLines, nextVariant++);
    const { sentAt, headSha } = await bench.open(nextNumber++, history);
    const run = await bench.completed(headSha, 300_000);
    if (run.conclusion === null || run.completedAtMs === null) throw new Error("check run completed without conclusion");
    latencies.push(run.completedAtMs - sentAt);
  }
  return latencies;
}
