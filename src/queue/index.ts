export { createReviewQueue, type ReviewQueue, type ReviewQueueOptions } from "./review-queue.js";
export { createReviewWorker, type ReviewWorker, type ReviewWorkerOptions, type Attempt } from "./review-worker.js";
export { REVIEW_JOB_ATTEMPTS } from "./job-options.js";
export { closeOnSignal } from "./close-on-signal.js";
