/**
 * A stack for benchmarks: stand-in GitHub, private Redis, the app and workers started as the
 * node commands behind `npm start` / `npm run worker` (so each worker's own memory can be
 * read), and helpers to open synthetic pull requests and time their reviews.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deliverWebhook, FakeGitHub, pullRequestEvent, type PullHistory, type RecordedCheckRun } from "../test/support/fake-github/index.js";
import { throwawayAppKey } from "../scripts/demo/keys.js";
import { startStack, type Stack } from "../scripts/demo/stack.js";

export const OWNER = "bench";
export const REPO = "service";
const APP_ID = 1;

/** A running benchmark stack. */
export interface BenchStack {
  github: FakeGitHub;
  stack: Stack;
  /** Opens pull request `number` over `history` and delivers its signed `opened` webhook; returns when the app answered. */
  open(number: number, history: PullHistory): Promise<{ sentAt: number; headSha: string }>;
  /** Resolves with the completed check run on `headSha`. */
  completed(headSha: string, timeoutMs: number): Promise<RecordedCheckRun>;
  stop(): Promise<void>;
}

/** Starts the stack with `workers` worker processes of `concurrency` each. */
export async function startBenchStack(root: string, modelDir: string, workers: number, concurrency = 1): Promise<BenchStack> {
  const privateKey = throwawayAppKey();
  const secret = randomBytes(16).toString("hex");
  const github = await FakeGitHub.start({ appId: APP_ID, privateKey });
  const logDir = mkdtempSync(join(tmpdir(), "cwe-review-bench-"));
  let stack: Stack;
  try {
    stack = await startStack({ root, github, appId: APP_ID, privateKey, webhookSecret: secret, workers, concurrency, modelDir, logDir, viaNpm: false });
  } catch (error) {
    await github.close();
    throw error;
  }
  return {
    github,
    stack,
    async open(number, history) {
      const pull = github.addPullRequest({ owner: OWNER, repo: REPO, number, history, installationId: 1 });
      const delivery = await deliverWebhook(stack.webhookUrl, secret, "pull_request", pullRequestEvent(github, OWNER, REPO, number, "opened"));
      if (delivery.status >= 300) throw new Error(`the app answered ${delivery.status}: ${delivery.body}`);
      return { sentAt: delivery.sentAt, headSha: pull.head.sha };
    },
    completed(headSha, timeoutMs) {
      return github.waitFor(() => github.checkRunsFor(headSha).find((r) => r.status === "completed"), timeoutMs, `the review of ${headSha.slice(0, 7)}`);
    },
    async stop() {
      await stack.stop();
      await github.close();
    },
  };
}
