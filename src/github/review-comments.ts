import { readFingerprint } from "../findings/fingerprint.js";
import { callGitHub } from "./to-app-error.js";
import type { GitHubClient } from "./client.js";
import type { RepoRef } from "./repo-ref.js";

/** A comment cwe-review posted earlier, found by the fingerprint hidden in its body. */
export interface PostedComment {
  path: string;
  line: number;
  commentId: number;
}

/**
 * Reads every review comment of the pull request (all pages) and returns those carrying a
 * cwe-review fingerprint, by fingerprint. This is what makes posting idempotent: a retried
 * job, or a new push, does not comment a finding twice.
 */
export async function listPostedComments(gh: GitHubClient, ref: RepoRef, pullNumber: number): Promise<Map<string, PostedComment>> {
  const posted = new Map<string, PostedComment>();
  await callGitHub("read the pull request's review comments", () =>
    gh.paginate(gh.rest.pulls.listReviewComments, { ...ref, pull_number: pullNumber, per_page: 100 }, (response) => {
      for (const comment of response.data) {
        const fp = readFingerprint(comment.body);
        if (fp === null || posted.has(fp)) continue;
        posted.set(fp, { path: comment.path, line: comment.line ?? comment.original_line ?? 0, commentId: comment.id });
      }
      return [];
    }),
  );
  return posted;
}
