import type { Detector } from "../detector/detector.js";
import type { GitHubClientFactory } from "../github/client.js";
import type { ReviewJob } from "../job/job.js";
import type { Attempt } from "../queue/review-worker.js";
import type { WindowCutter } from "../windows/cut-windows.js";
import { failReview } from "./fail-review.js";
import { processReview } from "./process-review.js";

/** What the queue worker calls: review a job, and close its check when it failed for good. */
export interface ReviewHandlers {
  handle(job: ReviewJob, attempt: Attempt): Promise<void>;
  onGiveUp(job: ReviewJob, error: Error): Promise<void>;
}

/** Binds the review to its long-lived dependencies (one GitHub client per job's installation). */
export function createReviewHandlers(deps: {
  clientFor: GitHubClientFactory;
  detector: Detector;
  cutter: WindowCutter;
  clock: () => Date;
  limits: { maxFileBytes: number; maxFiles: number };
  log?: { warn(message: string, fields?: object): void };
}): ReviewHandlers {
  return {
    async handle(job, attempt) {
      await processReview(job, { ...deps, github: deps.clientFor(job.installationId) }, attempt.number);
    },
    async onGiveUp(job, error) {
      await failReview(deps.clientFor(job.installationId), job, error, deps.clock());
    },
  };
}
