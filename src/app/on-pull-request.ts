import type { Context } from "probot";
import type { ReviewQueue } from "../queue/review-queue.js";
import { draftsAllowed } from "./drafts-allowed.js";
import { startReview } from "./start-review.js";

/** The pull_request actions that bring new code to review. */
export const REVIEWED_ACTIONS = ["opened", "synchronize", "reopened", "ready_for_review"] as const;

type PullRequestContext = Context<
  "pull_request.opened" | "pull_request.synchronize" | "pull_request.reopened" | "pull_request.ready_for_review"
>;

/**
 * Reviews a pushed pull request. Drafts are skipped unless the base branch's config sets
 * `drafts: true`; a skipped draft gets NO check run: a neutral one would count as passing
 * for a required check, and `ready_for_review` starts the real review anyway.
 */
export async function onPullRequest(context: PullRequestContext, queue: ReviewQueue): Promise<void> {
  const { pull_request: pr, repository, installation } = context.payload;
  if (!installation) {
    context.log.warn("cwe-review: pull_request event without an installation; is this a GitHub App webhook?");
    return;
  }
  if (pr.state !== "open") return;
  const repo = { owner: repository.owner.login, repo: repository.name };
  if (pr.draft && !(await draftsAllowed(context.octokit, repo, pr.base.sha))) {
    context.log.info({ pull: pr.number }, "cwe-review: draft pull request skipped (set drafts: true to review drafts)");
    return;
  }
  await startReview(
    context.octokit,
    queue,
    {
      installationId: installation.id,
      ...repo,
      pullNumber: pr.number,
      headSha: pr.head.sha,
      baseSha: pr.base.sha,
      deliveryId: context.id,
    },
    { rerun: false, log: context.log },
  );
}
