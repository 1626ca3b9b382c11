import type { Context } from "probot";
import { parseRepoConfig } from "../config/repo-config.js";
import { getRepoConfigText, type ContentsReader } from "../github/repo-config-text.js";

/**
 * Whether the repository asks for drafts to be reviewed (`drafts: true`), read from the
 * BASE commit so that a pull request cannot change how it is itself reviewed. A bad config
 * falls back to the default (drafts skipped); the worker reports the error on the check.
 */
export async function draftsAllowed(
  octokit: Context["octokit"],
  repo: { owner: string; repo: string },
  baseSha: string,
): Promise<boolean> {
  const text = await getRepoConfigText(octokit as unknown as ContentsReader, repo, baseSha);
  return parseRepoConfig(text).config.drafts;
}
