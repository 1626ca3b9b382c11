/**
 * Composition root of a worker process (`npm run worker`): reads the environment, loads the
 * model bundle, and consumes review jobs from Redis. Nothing imports this file.
 */
import { EnvError, readWorkerEnv } from "../config/env.js";
import { createGitHubClientFactory } from "../github/client.js";
import { createOnnxDetector, isModelBundleError } from "../model/index.js";
import { closeOnSignal } from "../queue/close-on-signal.js";
import { createReviewWorker } from "../queue/review-worker.js";
import { createWindowCutter } from "../windows/cut-windows.js";
import { createLog } from "./log.js";
import { createReviewHandlers } from "./review-handlers.js";

async function main(): Promise<void> {
  const env = readWorkerEnv();
  const log = createLog(env.logLevel);
  // Refuse to start without a matching model: better a crash at deploy than failed reviews.
  const detector = await createOnnxDetector(env.modelDir);
  const cutter = await createWindowCutter();
  const handlers = createReviewHandlers({
    clientFor: createGitHubClientFactory({ appId: env.appId, privateKey: env.privateKey, baseUrl: env.githubBaseUrl, log }),
    detector,
    cutter,
    clock: () => new Date(),
    limits: { maxFileBytes: env.maxFileBytes, maxFiles: env.maxFiles },
    log,
  });
  const worker = createReviewWorker({
    redisUrl: env.redisUrl,
    queueName: env.queueName,
    concurrency: env.concurrency,
    ...handlers,
    onError: (error, job) => log.error(`cwe-review: ${error.name}: ${error.message}`, job ? { pull: `${job.owner}/${job.repo}#${job.pullNumber}`, sha: job.headSha } : {}),
  });
  log.info(`cwe-review worker: model ${detector.info.name} ${detector.info.version}, queue "${env.queueName}", concurrency ${env.concurrency}`);
  closeOnSignal(async () => {
    await worker.close();
    await detector.close();
  }, (message) => log.info(message));
}

main().catch((error: unknown) => {
  // Configuration problems carry messages that say what to do: print them without a stack.
  if (error instanceof EnvError || isModelBundleError(error)) {
    console.error((error as Error).message);
  } else {
    console.error("cwe-review worker failed to start:", error);
  }
  process.exit(1);
});
