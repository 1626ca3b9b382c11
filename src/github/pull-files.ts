import { callGitHub } from "./to-app-error.js";
import type { GitHubClient } from "./client.js";
import type { RepoRef } from "./repo-ref.js";

/** One entry of "List pull requests files", the fields the worker uses. */
export interface PullFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  /** Blob SHA of the file at the head commit (null when GitHub gives none, e.g. a submodule). */
  sha: string | null;
  /** Absent for binary files and diffs GitHub finds too large. */
  patch?: string;
  previous_filename?: string;
}

/** GitHub lists at most 3,000 files of a pull request ("List pull requests files"). */
export const GITHUB_PULL_FILES_CAP = 3000;

/**
 * Lists the pull request's files, all pages (100 per page), stopping at `maxFiles`.
 * `truncated` is true when the pull request may have more files than were listed.
 */
export async function listPullFiles(
  gh: GitHubClient,
  ref: RepoRef,
  pullNumber: number,
  maxFiles: number,
): Promise<{ files: PullFile[]; truncated: boolean }> {
  const limit = Math.min(maxFiles, GITHUB_PULL_FILES_CAP);
  const files: PullFile[] = [];
  await callGitHub("list the pull request's files", () =>
    gh.paginate(gh.rest.pulls.listFiles, { ...ref, pull_number: pullNumber, per_page: 100 }, (response, done) => {
      for (const f of response.data) {
        if (files.length >= limit) break;
        files.push({
          filename: f.filename,
          status: f.status,
          sha: f.sha,
          ...(f.patch !== undefined ? { patch: f.patch } : {}),
          ...(f.previous_filename !== undefined ? { previous_filename: f.previous_filename } : {}),
        });
      }
      if (files.length >= limit) done();
      return [];
    }),
  );
  return { files, truncated: files.length >= limit };
}
