import { callGitHub } from "./to-app-error.js";
import type { GitHubClient } from "./client.js";
import type { RepoRef } from "./repo-ref.js";

/** One inline comment of a review, on the head side of the diff. */
export interface ReviewComment {
  path: string;
  line: number;
  side: "RIGHT";
  start_line?: number;
  start_side?: "RIGHT";
  body: string;
}

/**
 * Posts one review (event COMMENT) carrying all inline comments at once: one request per
 * push instead of one per comment, which is what triggers GitHub's secondary rate limits
 * ("Best practices for using the REST API": avoid many content-creating requests).
 */
export async function createReview(
  gh: GitHubClient,
  ref: RepoRef,
  pullNumber: number,
  review: { commitId: string; body: string; comments: readonly ReviewComment[] },
): Promise<number> {
  const { data } = await callGitHub("post the review", () =>
    gh.rest.pulls.createReview({
      ...ref,
      pull_number: pullNumber,
      commit_id: review.commitId,
      event: "COMMENT",
      body: review.body,
      comments: review.comments.map((c) => ({ ...c })),
    }),
  );
  return data.id;
}
