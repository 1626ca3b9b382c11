import type { Context } from "probot";

/** A pull request a head SHA belongs to. */
export interface PullForSha {
  number: number;
  headSha: string;
  baseSha: string;
}

/**
 * Pull requests whose head is `headSha`. Check events carry them in `pull_requests`, but
 * for pushes to a fork that list is empty (docs: check_run webhook, "pull_requests"), so
 * then the open pull requests are listed and matched by head SHA.
 */
export async function pullsForSha(
  octokit: Context["octokit"],
  repo: { owner: string; repo: string },
  headSha: string,
  fromEvent: readonly { number: number; head: { sha: string }; base: { sha: string } }[],
): Promise<PullForSha[]> {
  if (fromEvent.length > 0) return fromEvent.map((p) => ({ number: p.number, headSha: p.head.sha, baseSha: p.base.sha }));
  const open = await octokit.paginate(octokit.rest.pulls.list, { ...repo, state: "open", per_page: 100 });
  return open.filter((p) => p.head.sha === headSha).map((p) => ({ number: p.number, headSha: p.head.sha, baseSha: p.base.sha }));
}
