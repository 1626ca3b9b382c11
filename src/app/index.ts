import type { ApplicationFunction } from "probot";
import { readAppEnv } from "../config/env.js";
import { closeOnSignal } from "../queue/close-on-signal.js";
import { createReviewQueue } from "../queue/review-queue.js";
import { createApp } from "./create-app.js";

/**
 * Entry for `probot run ./dist/src/app/index.js` (`npm start`). Probot reads APP_ID,
 * PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST itself; we read our Redis and queue settings.
 */
const app: ApplicationFunction = (probot, options) => {
  const env = readAppEnv();
  const queue = createReviewQueue({
    redisUrl: env.redisUrl,
    queueName: env.queueName,
    onError: (error) => probot.log.warn(`cwe-review: Redis (CWE_REVIEW_REDIS_URL): ${error.message}; webhooks fail until it is back`),
  });
  closeOnSignal(() => queue.close());
  return createApp(queue)(probot, options);
};

export default app;
