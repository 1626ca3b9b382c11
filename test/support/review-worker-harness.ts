import type { Detector } from "../../src/detector/detector.js";
import { createGitHubClientFactory } from "../../src/github/client.js";
import { createReviewWorker, type ReviewWorker } from "../../src/queue/review-worker.js";
import { createWindowCutter, type WindowCutter } from "../../src/windows/cut-windows.js";
import { createReviewHandlers } from "../../src/worker/review-handlers.js";
import { TEST_APP_ID, TEST_PRIVATE_KEY } from "./test-app.js";

let cutter: Promise<WindowCutter> | undefined;

/**
 * A real queue worker wired like src/worker/main.ts, except for the detector (passed in)
 * and Octokit's retry waits (shortened; throttling off so writes are not spaced 1 s apart).
 */
export async function startTestWorker(options: {
  redisUrl: string;
  queueName: string;
  baseUrl: string;
  detector: Detector;
  now?: () => Date;
  octokitRetries?: number;
}): Promise<ReviewWorker & { errors: Error[] }> {
  cutter ??= createWindowCutter();
  const errors: Error[] = [];
  const handlers = createReviewHandlers({
    clientFor: createGitHubClientFactory({
      appId: TEST_APP_ID,
      privateKey: TEST_PRIVATE_KEY,
      baseUrl: options.baseUrl,
      retry: { retries: options.octokitRetries ?? 0, retryAfterBaseValue: 5 },
      throttle: { enabled: false },
    }),
    detector: options.detector,
    cutter: await cutter,
    clock: options.now ?? (() => new Date("2026-01-02T03:04:05Z")),
    limits: { maxFileBytes: 1_000_000, maxFiles: 3000 },
  });
  const worker = createReviewWorker({
    redisUrl: options.redisUrl,
    queueName: options.queueName,
    concurrency: 1,
    ...handlers,
    onError: (error) => errors.push(error),
  });
  return Object.assign(worker, { errors });
}

/** Resolves when the job with this id completes; rejects on its first failed attempt unless failures are expected. */
export function waitForJob(worker: ReviewWorker, jobId: string, opts: { allowFailures?: boolean; timeoutMs?: number } = {}): Promise<{ failures: string[] }> {
  const failures: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`job ${jobId} did not complete in time; failures: ${failures.join(" | ")}`)), opts.timeoutMs ?? 20_000);
    const done = () => {
      clearTimeout(timer);
      worker.worker.off("completed", onCompleted);
      worker.worker.off("failed", onFailed);
    };
    const onCompleted = (job: { id?: string }) => {
      if (job.id !== jobId) return;
      done();
      resolve({ failures });
    };
    const onFailed = (job: { id?: string; attemptsMade: number; opts: { attempts?: number } } | undefined, error: Error) => {
      if (job?.id !== jobId) return;
      failures.push(`${error.name}: ${error.message}`);
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === "UnrecoverableError";
      if (!opts.allowFailures || final) {
        done();
        if (opts.allowFailures) resolve({ failures });
        else reject(new Error(`job ${jobId} failed: ${error.name}: ${error.message}`));
      }
    };
    worker.worker.on("completed", onCompleted);
    worker.worker.on("failed", onFailed);
  });
}
