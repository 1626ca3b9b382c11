/**
 * A worker that dies mid-job (crash, OOM kill) leaves its job active; BullMQ's stalled-job
 * check fails it once it stalls too often, without our processor running. The check run
 * must still be completed: the give-up handler has to run for such jobs too.
 */
import { randomUUID } from "node:crypto";
import { reviewJobId, type ReviewJob } from "../../src/job/job.js";
import { createReviewQueue, type ReviewQueue } from "../../src/queue/review-queue.js";
import { createReviewWorker, type ReviewWorker } from "../../src/queue/review-worker.js";
import { startRedis, type RedisHandle } from "../support/redis-server.js";

const JOB: ReviewJob = {
  installationId: 1,
  owner: "octo-org",
  repo: "service",
  pullNumber: 3,
  headSha: "c".repeat(40),
  baseSha: "d".repeat(40),
  checkRunId: 99,
  deliveryId: "delivery-stalled",
};

let redis: RedisHandle;
let queue: ReviewQueue;
const workers: ReviewWorker[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(() => {
  queue = createReviewQueue({ redisUrl: redis.url, queueName: `test-${randomUUID()}` });
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
  await queue.close();
});

test("a job whose worker died reaches the give-up handler (which completes its check run)", async () => {
  let release: () => void = () => undefined;
  const crashing = createReviewWorker({
    redisUrl: redis.url,
    queueName: queue.name,
    concurrency: 1,
    lockDurationMs: 1_000,
    // The stalled check runs at most once per interval queue-wide (a Redis key with that
    // expiry), so the crashing worker's interval must be short too.
    stalledIntervalMs: 300,
    handle: () => new Promise<void>((resolve) => (release = resolve)),
    onGiveUp: async () => undefined,
  });
  workers.push(crashing);
  const active = new Promise<void>((resolve) => crashing.worker.once("active", () => resolve()));
  await queue.enqueue(JOB, reviewJobId(JOB));
  await active;
  // Dies without finishing or releasing its lock: nothing renews it any more.
  await crashing.worker.close(true);

  const gaveUp: Array<{ job: ReviewJob; error: Error }> = [];
  const survivor = createReviewWorker({
    redisUrl: redis.url,
    queueName: queue.name,
    concurrency: 1,
    stalledIntervalMs: 300,
    maxStalledCount: 0,
    handle: async () => undefined,
    onGiveUp: async (job, error) => {
      gaveUp.push({ job, error });
    },
  });
  workers.push(survivor);

  const deadline = Date.now() + 15_000;
  while (gaveUp.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  release();

  expect(gaveUp).toHaveLength(1);
  expect(gaveUp[0]?.job).toEqual(JOB);
});

test("a failed attempt that will be retried does not give up", async () => {
  const gaveUp: ReviewJob[] = [];
  let attempts = 0;
  const worker = createReviewWorker({
    redisUrl: redis.url,
    queueName: queue.name,
    concurrency: 1,
    handle: async () => {
      attempts += 1;
      if (attempts === 1) throw new Error("GitHub answered 502");
    },
    onGiveUp: async (job) => {
      gaveUp.push(job);
    },
  });
  workers.push(worker);
  const completed = new Promise<void>((resolve) => worker.worker.once("completed", () => resolve()));
  const quick = createReviewQueue({ redisUrl: redis.url, queueName: queue.name, backoffMs: 10 });
  await quick.enqueue(JOB, reviewJobId(JOB));
  await completed;
  await quick.close();

  expect(attempts).toBe(2);
  expect(gaveUp).toEqual([]);
});
