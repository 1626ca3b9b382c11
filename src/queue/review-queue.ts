import { Queue } from "bullmq";
import type { ReviewJob } from "../job/job.js";
import { reviewJobOptions } from "./job-options.js";
import { createRedisConnection } from "./redis-connection.js";

/** The producer side of the review queue, used by the app's webhook handlers. */
export interface ReviewQueue {
  readonly name: string;
  /** True when a job with this id is already queued, running, or kept after it finished. */
  has(jobId: string): Promise<boolean>;
  /**
   * Adds a review job. BullMQ ignores an add whose id already exists, so a redelivered
   * webhook makes no second job; `added` is false then.
   */
  enqueue(job: ReviewJob, jobId: string): Promise<{ added: boolean }>;
  /** Number of jobs in any state (tests and health checks). */
  count(): Promise<number>;
  close(): Promise<void>;
}

export interface ReviewQueueOptions {
  redisUrl: string;
  queueName: string;
  /** First retry delay; tests shorten it. */
  backoffMs?: number;
  /** Connection problems (Redis down): ioredis keeps reconnecting meanwhile. */
  onError?(error: Error): void;
}

/** Opens the review queue on Redis. */
export function createReviewQueue(options: ReviewQueueOptions): ReviewQueue {
  const connection = createRedisConnection(options.redisUrl, "producer");
  const queue = new Queue<ReviewJob>(options.queueName, { connection });
  queue.on("error", (error) => options.onError?.(error));
  return {
    name: options.queueName,
    async has(jobId) {
      return (await queue.getJob(jobId)) !== undefined;
    },
    async enqueue(job, jobId) {
      const added = await queue.add("review", job, reviewJobOptions(jobId, options.backoffMs));
      // An existing job comes back unchanged: ours is new only if it carries our check run.
      return { added: added.data.checkRunId === job.checkRunId && added.data.deliveryId === job.deliveryId };
    },
    async count() {
      const counts = await queue.getJobCounts();
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
