import { completeCheck } from "../github/check-run.js";
import type { GitHubClient } from "../github/client.js";
import type { ReviewJob } from "../job/job.js";

/**
 * Completes the check run of a job that failed for good with conclusion `failure` and the
 * reason, so the pull request does not wait on a queued check forever and the "Re-run"
 * button starts a fresh attempt.
 */
export async function failReview(gh: GitHubClient, job: ReviewJob, error: Error, now: Date): Promise<void> {
  await completeCheck(gh, { owner: job.owner, repo: job.repo }, job.checkRunId, {
    conclusion: "failure",
    title: "cwe-review could not finish this review",
    summary: `The review of ${job.headSha.slice(0, 7)} stopped: ${error.message}\n\nFix the cause if the message names one, then use **Re-run** on this check.`,
    annotations: [],
    now,
  });
}
