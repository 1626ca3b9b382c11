/**
 * What the app enqueues (DESIGN.md, "Job"): only ids, so a job can be retried or re-run
 * at any time; the worker reads everything else from GitHub.
 */
export interface ReviewJob {
  installationId: number;
  owner: string;
  repo: string;
  pullNumber: number;
  headSha: string;
  baseSha: string;
  checkRunId: number;
  deliveryId: string;
}

/**
 * Job id derived from repo + PR + head SHA, so a redelivered webhook adds no second job
 * (BullMQ ignores an add whose id already exists). BullMQ forbids ':' in custom ids.
 */
export function reviewJobId(job: Pick<ReviewJob, "owner" | "repo" | "pullNumber" | "headSha">): string {
  return `${job.owner}/${job.repo}#${job.pullNumber}@${job.headSha}`.replace(/:/g, "_");
}
