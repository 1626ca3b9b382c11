import type { Context } from "probot";
import { CHECK_NAME } from "../github/check-run.js";
import { reviewJobId, type ReviewJob } from "../job/job.js";
import type { ReviewQueue } from "../queue/review-queue.js";

/** The pull request a review is for: what the job needs besides the check run. */
export interface ReviewTarget {
  installationId: number;
  owner: string;
  repo: string;
  pullNumber: number;
  headSha: string;
  baseSha: string;
  deliveryId: string;
}

/**
 * The webhook's whole job: create the `cwe-review` check run (queued) on the head SHA and
 * enqueue the review. Nothing slow happens here: GitHub gives a webhook 10 s.
 *
 * A redelivered webhook finds its job id taken and adds nothing, not even a check run.
 * A re-run (`rerun: true`) always gets a new check run and a job id suffixed with it,
 * since the finished job with the plain id may still be kept in Redis.
 */
export async function startReview(
  octokit: Context["octokit"],
  queue: ReviewQueue,
  target: ReviewTarget,
  options: { rerun: boolean; log: Context["log"] },
): Promise<{ jobId: string; checkRunId: number } | null> {
  const baseId = reviewJobId(target);
  if (!options.rerun && (await queue.has(baseId))) {
    options.log.info({ jobId: baseId }, "cwe-review: already queued for this commit; ignoring the repeated delivery");
    return null;
  }
  const { data: check } = await octokit.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name: CHECK_NAME,
    head_sha: target.headSha,
    status: "queued",
    external_id: baseId,
  });
  const jobId = options.rerun ? `${baseId}-rerun-${check.id}` : baseId;
  const job: ReviewJob = { ...target, checkRunId: check.id };
  const { added } = await queue.enqueue(job, jobId);
  if (!added) {
    // Two deliveries raced past `has`: the other one's job reviews this commit.
    options.log.warn({ jobId, checkRunId: check.id }, "cwe-review: a concurrent delivery queued this commit first");
  }
  return { jobId, checkRunId: check.id };
}
