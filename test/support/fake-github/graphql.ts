/**
 * The two GraphQL operations cwe-review sends (review threads are not in the REST API):
 * listing a pull request's review threads and `resolveReviewThread`. Each of our review
 * comments starts its own thread, whose id is `PRRT_<comment id>`.
 */
import type { FakeState } from "./state.js";

/** A GraphQL answer: `data`, or `errors` as GitHub sends them (HTTP 200 either way). */
export type GraphqlAnswer = { data: unknown } | { errors: { type?: string; message: string }[] };

/** Answers one GraphQL request from the state; unknown queries are errors, not silence. */
export function answerGraphql(state: FakeState, query: string, variables: Record<string, unknown>): GraphqlAnswer {
  state.graphql.push({ query, variables });
  if (/\bresolveReviewThread\s*\(/.test(query)) {
    const threadId = String(variables["threadId"] ?? variables["id"] ?? "");
    const comment = state.comments.find((c) => `PRRT_${c.data.id}` === threadId);
    if (!comment) return { errors: [{ type: "NOT_FOUND", message: `Could not resolve to a node with the global id of '${threadId}'` }] };
    comment.resolved = true;
    return { data: { resolveReviewThread: { thread: { id: threadId, isResolved: true } } } };
  }
  if (/\breviewThreads\s*\(/.test(query)) {
    const owner = String(variables["owner"] ?? "");
    const repo = String(variables["repo"] ?? variables["name"] ?? "");
    const number = Number(variables["number"] ?? variables["pullNumber"]);
    const pull = state.repo(owner, repo)?.pulls.get(number);
    if (!pull) return { data: { repository: state.repo(owner, repo) ? { pullRequest: null } : null } };
    const threads = state.comments.filter((c) => c.owner.toLowerCase() === owner.toLowerCase() && c.repo.toLowerCase() === repo.toLowerCase() && c.pullNumber === number);
    // One page of up to 100 threads; `after` is the index of the last thread served.
    const start = variables["after"] ? Number(variables["after"]) : 0;
    const page = threads.slice(start, start + 100);
    return {
      data: {
        repository: {
          pullRequest: {
            reviewThreads: {
              pageInfo: { hasNextPage: start + 100 < threads.length, endCursor: page.length ? String(start + page.length) : null },
              nodes: page.map((c) => ({
                id: `PRRT_${c.data.id}`,
                isResolved: c.resolved,
                path: c.data.path,
                line: c.data.line,
                comments: { nodes: [{ databaseId: c.data.id, id: `PRRC_${c.data.id}`, body: c.data.body, path: c.data.path }] },
              })),
            },
          },
        },
      },
    };
  }
  return { errors: [{ message: "fake GitHub: this GraphQL query is not implemented (only reviewThreads and resolveReviewThread)" }] };
}
