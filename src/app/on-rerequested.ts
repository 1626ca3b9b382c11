import type { Context } from "probot";
import { CHECK_NAME } from "../github/check-run.js";
import type { ReviewQueue } from "../queue/review-queue.js";
import { pullsForSha } from "./pulls-for-sha.js";
import { startReview } from "./start-review.js";

type RerequestContext = Context<"check_run.rerequested" | "check_suite.rerequested">;

/**
 * "Re-run" on our check run or its suite: a fresh check run and job for every open pull
 * request with that head SHA. Drafts are not re-checked: someone asked for this run.
 */
export async function onRerequested(context: RerequestContext, queue: ReviewQueue): Promise<void> {
  const { repository, installation } = context.payload;
  if (!installation) return;
  const check = "check_run" in context.payload ? context.payload.check_run : context.payload.check_suite;
  if ("check_run" in context.payload && context.payload.check_run.name !== CHECK_NAME) return;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const pulls = await pullsForSha(context.octokit, repo, check.head_sha, check.pull_requests);
  if (pulls.length === 0) {
    context.log.info({ headSha: check.head_sha }, "cwe-review: re-run requested for a commit that heads no open pull request");
  }
  for (const pull of pulls) {
    await startReview(
      context.octokit,
      queue,
      { installationId: installation.id, ...repo, pullNumber: pull.number, headSha: pull.headSha, baseSha: pull.baseSha, deliveryId: context.id },
      { rerun: true, log: context.log },
    );
  }
}
