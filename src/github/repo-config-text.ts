import { callGitHub, requestStatus } from "./to-app-error.js";

/** Where the reviewed repository keeps its cwe-review settings. */
export const REPO_CONFIG_PATH = ".github/cwe-review.yml";

/**
 * The part of Octokit this needs, so both the app (Probot's Octokit) and the worker
 * (our installation client) can call it.
 */
export interface ContentsReader {
  rest: {
    repos: {
      getContent(params: { owner: string; repo: string; path: string; ref: string }): Promise<{ data: unknown }>;
    };
  };
}

/**
 * Reads `.github/cwe-review.yml` at a commit; null when the repository has none (404).
 * Read it at the BASE commit: a pull request must not be able to switch off its own review.
 */
export async function getRepoConfigText(
  gh: ContentsReader,
  ref: { owner: string; repo: string },
  commitSha: string,
): Promise<string | null> {
  try {
    const { data } = await gh.rest.repos.getContent({ ...ref, path: REPO_CONFIG_PATH, ref: commitSha });
    const file = data as { type?: string; content?: string; encoding?: string };
    if (file.type !== "file" || typeof file.content !== "string") return null;
    return Buffer.from(file.content, file.encoding === "base64" ? "base64" : "utf8").toString("utf8");
  } catch (error) {
    if (requestStatus(error) === 404) return null;
    return callGitHub(`read ${REPO_CONFIG_PATH}`, () => Promise.reject(error));
  }
}
