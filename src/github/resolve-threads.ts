import type { GitHubClient } from "./client.js";
import type { RepoRef } from "./repo-ref.js";

interface ThreadsPage {
  repository: {
    pullRequest: {
      reviewThreads: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: { id: string; isResolved: boolean; comments: { nodes: { databaseId: number | null }[] } }[];
      };
    } | null;
  } | null;
}

const THREADS_QUERY = `query($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
      }
    }
  }
}`;

const RESOLVE_MUTATION = `mutation($threadId: ID!) {
  resolveReviewThread(input: { threadId: $threadId }) { thread { id isResolved } }
}`;

/**
 * Resolves the review threads started by the given comments (findings that a later push
 * fixed). Threads are only reachable through GraphQL (`pullRequest.reviewThreads`). This is
 * a courtesy: failures are returned, never thrown, so they cannot fail a finished review.
 */
export async function resolveThreads(
  gh: GitHubClient,
  ref: RepoRef,
  pullNumber: number,
  commentIds: ReadonlySet<number>,
): Promise<{ resolved: number; errors: unknown[] }> {
  const errors: unknown[] = [];
  let resolved = 0;
  if (commentIds.size === 0) return { resolved, errors };
  try {
    let after: string | null = null;
    for (;;) {
      const page: ThreadsPage = await gh.graphql<ThreadsPage>(THREADS_QUERY, { ...ref, number: pullNumber, after });
      const threads = page.repository?.pullRequest?.reviewThreads;
      if (!threads) break;
      for (const thread of threads.nodes) {
        const first = thread.comments.nodes[0]?.databaseId;
        if (thread.isResolved || first === null || first === undefined || !commentIds.has(first)) continue;
        try {
          await gh.graphql(RESOLVE_MUTATION, { threadId: thread.id });
          resolved += 1;
        } catch (error) {
          errors.push(error);
        }
      }
      if (!threads.pageInfo.hasNextPage) break;
      after = threads.pageInfo.endCursor;
    }
  } catch (error) {
    errors.push(error);
  }
  return { resolved, errors };
}
