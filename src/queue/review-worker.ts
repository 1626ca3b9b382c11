import { type Job, UnrecoverableError, Worker } from "bullmq";
import { isPermanentError } from "../errors/permanent-error.js";
import type { ReviewJob } from "../job/job.js";
import { createRedisConnection } from "./redis-connection.js";

/** The worker running a job stopped (crash, kill) more often than BullMQ allows. */
export class StalledJobError extends Error {
  override readonly name = "StalledJobError";
  constructor(reason: string | undefined) {
    super(`the review was interrupted: the worker running it stopped (crash or kill) too often${reason ? ` (${reason})` : ""}; press Re-run to try again`);
  }
}

/** Where in its retries a job is, so a handler can tell its last try. */
export interface Attempt {
  /** 1-based number of this attempt. */
  number: number;
  /** Attempts the job has in all. */
  of: number;
}

export interface ReviewWorkerOptions {
  redisUrl: string;
  queueName: string;
  concurrency: number;
  /** Does the review; throws to retry (any error) or to give up (a PermanentError). */
  handle(job: ReviewJob, attempt: Attempt): Promise<void>;
  /**
   * Called once when a job fails for good (PermanentError, or the last attempt failed),
   * before BullMQ records the failure, so the check run can complete with the reason.
   * Its own errors are passed to `onError`, never thrown.
   */
  onGiveUp(job: ReviewJob, error: Error): Promise<void>;
  onError?(error: Error, job?: ReviewJob): void;
  /** Lock held per job; renewed every half of it while the job runs. */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died (BullMQ default 30 s); tests shorten it. */
  stalledIntervalMs?: number;
  /** Times a job may stall before it fails for good (BullMQ default 1). */
  maxStalledCount?: number;
}

/** A running worker: close it on shutdown so it finishes its current jobs first. */
export interface ReviewWorker {
  readonly worker: Worker<ReviewJob>;
  close(): Promise<void>;
}

/**
 * Starts a BullMQ worker on the review queue. Any number of them, in any number of
 * processes, may share one Redis.
 */
export function createReviewWorker(options: ReviewWorkerOptions): ReviewWorker {
  const connection = createRedisConnection(options.redisUrl, "worker");
  // Jobs this process already gave up on, so the `failed` event below does not give up twice.
  const gaveUp = new Set<string>();
  const giveUp = async (job: Job<ReviewJob>, error: Error): Promise<void> => {
    if (job.id !== undefined) gaveUp.add(job.id);
    try {
      await options.onGiveUp(job.data, error);
    } catch (giveUpError) {
      options.onError?.(giveUpError instanceof Error ? giveUpError : new Error(String(giveUpError)), job.data);
    }
  };
  const processor = async (job: Job<ReviewJob>): Promise<void> => {
    // attemptsMade counts finished attempts, so this one is attemptsMade + 1 (bullmq job.ts, shouldRetryJob).
    const attempt = { number: job.attemptsMade + 1, of: job.opts.attempts ?? 1 };
    try {
      await options.handle(job.data, attempt);
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const permanent = isPermanentError(error);
      if (permanent || attempt.number >= attempt.of) await giveUp(job, error);
      // UnrecoverableError tells BullMQ to skip the remaining attempts.
      if (permanent) throw new UnrecoverableError(error.message);
      throw error;
    }
  };
  const worker = new Worker<ReviewJob>(options.queueName, processor, {
    connection,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs ?? 60_000,
    ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
    ...(options.maxStalledCount === undefined ? {} : { maxStalledCount: options.maxStalledCount }),
  });
  worker.on("error", (error) => options.onError?.(error));
  worker.on("failed", (job, error) => {
    options.onError?.(error, job?.data);
    // A job whose worker died (crash, OOM kill) too often gets a deferred failure from BullMQ's
    // stalled-job check (bullmq 6, moveStalledJobsToWait.lua sets `defa` and moves it back to
    // wait); the next worker to take it fails it without running our processor, so the
    // processor never gives up on it: close its check run here.
    if (job?.deferredFailure && job.id !== undefined && !gaveUp.has(job.id)) {
      void giveUp(job, new StalledJobError(job.deferredFailure));
    }
  });
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
