import type { JobsOptions } from "bullmq";

/** Attempts per job: GitHub 5xx and rate limits usually clear within a few minutes. */
export const REVIEW_JOB_ATTEMPTS = 5;

/**
 * Retries back off exponentially (2 s, 4 s, 8 s, 16 s); completed jobs stay an hour so a
 * redelivered webhook in that time still finds its job id and adds nothing
 * (bullmq docs/gitbook/guide/jobs/job-ids.md); failed ones stay a week for inspection.
 */
export function reviewJobOptions(jobId: string, backoffMs = 2000): JobsOptions {
  return {
    jobId,
    attempts: REVIEW_JOB_ATTEMPTS,
    backoff: { type: "exponential", delay: backoffMs },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
