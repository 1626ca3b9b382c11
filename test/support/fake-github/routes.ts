/**
 * One handler per GitHub operation cwe-review calls, over the in-memory state. Each answers
 * what GitHub documents, including the refusals the app must handle (404 for a missing
 * file, 422 for a comment outside the diff or an unknown commit).
 */
import type { KeyObject } from "node:crypto";
import { checkAppJwt } from "./auth.js";
import { diffLines, positionOf } from "./diff-lines.js";
import { paginate } from "./paginate.js";
import { annotationShape, blobShape, checkRunShape, commentShape, contentShape, fileShape, pullShape, reviewShape, tokenShape, type Urls } from "./shapes.js";
import type { FakePull, FakeRepo, FakeState, RecordedCheckRun } from "./state.js";

/** What a handler gets. */
export interface RouteContext {
  state: FakeState;
  params: Record<string, string>;
  url: URL;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  urls: Urls;
  now: number;
  appId: number;
  publicKey: KeyObject | undefined;
}

/** What a handler answers. */
export interface RouteAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw text instead of JSON (the `raw` media type). */
  raw?: Buffer;
}

/** A refusal GitHub would send: 404, 422 with `errors`, 401… */
export class GitHubRefusal extends Error {
  override readonly name = "GitHubRefusal";
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

const notFound = () => new GitHubRefusal(404, "Not Found");
const unprocessable = (message: string) => new GitHubRefusal(422, "Validation Failed", [{ message, resource: "PullRequestReviewComment", code: "custom" }]);

function repoOf(ctx: RouteContext): FakeRepo {
  const repo = ctx.state.repo(ctx.params["owner"] ?? "", ctx.params["repo"] ?? "");
  if (!repo) throw notFound();
  return repo;
}

function pullOf(ctx: RouteContext, repo: FakeRepo): FakePull {
  const pull = repo.pulls.get(Number(ctx.params["pull_number"]));
  if (!pull) throw notFound();
  return pull;
}

function page<T>(items: readonly T[], url: URL): RouteAnswer {
  const { page: slice, link } = paginate(items, url);
  return { status: 200, body: slice, headers: link ? { link } : {} };
}

/** Resolves a branch name or commit SHA in the repository; GitHub's default is the default branch. */
function commitOf(repo: FakeRepo, ref: string | null) {
  const name = ref ?? repo.defaultBranch;
  const direct = repo.commits.get(name);
  if (direct) return direct;
  for (const pull of repo.pulls.values()) {
    if (pull.headRef === name) return pull.head;
    if (pull.baseRef === name) return pull.base;
  }
  return undefined;
}

function applyCheckRun(run: RecordedCheckRun, body: Record<string, unknown>, now: number): void {
  const str = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : undefined);
  if (str("name")) run.name = str("name") as string;
  if (str("details_url") !== undefined) run.detailsUrl = str("details_url") ?? null;
  if (str("external_id") !== undefined) run.externalId = str("external_id") ?? null;
  if (str("started_at")) run.startedAt = str("started_at") ?? null;
  if (str("status")) run.status = str("status") as string;
  // "Providing conclusion will automatically set the status parameter to completed."
  if (str("conclusion")) {
    run.conclusion = str("conclusion") ?? null;
    run.status = "completed";
  }
  if (run.status === "completed") {
    run.completedAt = str("completed_at") ?? run.completedAt ?? new Date(now).toISOString().replace(/\.\d+Z$/, "Z");
    run.completedAtMs ??= now;
  }
  const output = body["output"] as { title?: string; summary?: string; text?: string; annotations?: Record<string, unknown>[] } | undefined;
  if (output) {
    if (output.title !== undefined) run.output.title = output.title;
    if (output.summary !== undefined) run.output.summary = output.summary;
    if (output.text !== undefined) run.output.text = output.text;
    // "Each time you update the check run, annotations are appended."
    run.annotations.push(...(output.annotations ?? []));
  }
  run.updates.push({ at: now, body });
}

function hunkAround(patch: string, line: number): string {
  const hunks = patch.split(/\n(?=@@ )/);
  const found = hunks.find((h) => diffLines(h).right.has(line) || diffLines(h).left.has(line));
  return found ?? hunks[0] ?? "";
}

/** Handlers by operation id. */
export const ROUTES: Record<string, (ctx: RouteContext) => RouteAnswer> = {
  "apps/create-installation-access-token": (ctx) => {
    const problem = checkAppJwt(typeof ctx.headers["authorization"] === "string" ? ctx.headers["authorization"] : undefined, ctx.appId, ctx.publicKey, ctx.now);
    if (problem) throw new GitHubRefusal(401, `A JSON web token could not be decoded: ${problem}`);
    const installationId = Number(ctx.params["installation_id"]);
    if (![...ctx.state.repos.values()].some((r) => r.installationId === installationId)) throw notFound();
    const token = `ghs_fake${String(ctx.state.nextId("token")).padStart(32, "0")}`;
    ctx.state.tokens.set(token, installationId);
    return { status: 201, body: tokenShape(token, ctx.now) };
  },

  "checks/create": (ctx) => {
    const repo = repoOf(ctx);
    const headSha = String(ctx.body["head_sha"]);
    if (!repo.commits.has(headSha)) throw new GitHubRefusal(422, "Validation Failed", [{ resource: "CheckRun", field: "head_sha", code: "invalid", message: `No commit found for SHA: ${headSha}` }]);
    const run: RecordedCheckRun = {
      id: ctx.state.nextId("check"),
      owner: repo.owner,
      repo: repo.name,
      name: String(ctx.body["name"]),
      headSha,
      status: "queued",
      conclusion: null,
      externalId: null,
      detailsUrl: null,
      startedAt: new Date(ctx.now).toISOString().replace(/\.\d+Z$/, "Z"),
      completedAt: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      updates: [],
      completedAtMs: null,
    };
    applyCheckRun(run, ctx.body, ctx.now);
    ctx.state.checkRuns.set(run.id, run);
    return { status: 201, body: checkRunShape(repo, run, ctx.urls) };
  },

  "checks/update": (ctx) => {
    const repo = repoOf(ctx);
    const run = ctx.state.checkRuns.get(Number(ctx.params["check_run_id"]));
    if (!run || run.owner !== repo.owner || run.repo !== repo.name) throw notFound();
    applyCheckRun(run, ctx.body, ctx.now);
    return { status: 200, body: checkRunShape(repo, run, ctx.urls) };
  },

  "checks/list-annotations": (ctx) => {
    const repo = repoOf(ctx);
    const run = ctx.state.checkRuns.get(Number(ctx.params["check_run_id"]));
    if (!run || run.owner !== repo.owner || run.repo !== repo.name) throw notFound();
    return page(run.annotations.map((a) => annotationShape(repo, run, a, ctx.urls)), ctx.url);
  },

  "pulls/get": (ctx) => {
    const repo = repoOf(ctx);
    return { status: 200, body: pullShape(repo, pullOf(ctx, repo), ctx.urls) };
  },

  "pulls/list": (ctx) => {
    const repo = repoOf(ctx);
    const q = ctx.url.searchParams;
    const state = q.get("state") ?? "open";
    const head = q.get("head");
    const pulls = [...repo.pulls.values()]
      .filter((p) => state === "all" || p.state === state)
      .filter((p) => !head || `${repo.owner}:${p.headRef}`.toLowerCase() === head.toLowerCase())
      .filter((p) => !q.get("base") || p.baseRef === q.get("base"))
      .sort((a, b) => b.number - a.number);
    return page(pulls.map((p) => pullShape(repo, p, ctx.urls, false)), ctx.url);
  },

  "pulls/list-files": (ctx) => {
    const repo = repoOf(ctx);
    const pull = pullOf(ctx, repo);
    // "Responses include a maximum of 3000 files."
    return page(pull.files.slice(0, 3000).map((f) => fileShape(repo, pull, f, ctx.urls)), ctx.url);
  },

  "pulls/list-review-comments": (ctx) => {
    const repo = repoOf(ctx);
    const pull = pullOf(ctx, repo);
    const comments = ctx.state.comments.filter((c) => c.owner === repo.owner && c.repo === repo.name && c.pullNumber === pull.number).map((c) => c.data);
    return page(comments, ctx.url);
  },

  "pulls/create-review": (ctx) => {
    const repo = repoOf(ctx);
    const pull = pullOf(ctx, repo);
    const commitId = typeof ctx.body["commit_id"] === "string" ? ctx.body["commit_id"] : pull.head.sha;
    if (!repo.commits.has(commitId)) throw new GitHubRefusal(422, "Unprocessable Entity", [`No commit found for SHA: ${commitId}`]);
    const input = (ctx.body["comments"] ?? []) as { path: string; body: string; line?: number; side?: string; start_line?: number; start_side?: string; position?: number }[];
    const files = new Map(pull.files.map((f) => [f.filename, f]));
    // GitHub refuses the whole review when one comment cannot be placed.
    for (const c of input) {
      const file = files.get(c.path);
      if (!file) throw unprocessable(`Path could not be resolved: ${c.path}`);
      const lines = diffLines(file.patch);
      if (c.line !== undefined) {
        const side = c.side ?? "RIGHT";
        if (!(side === "LEFT" ? lines.left : lines.right).has(c.line)) throw unprocessable(`Pull request review thread line must be part of the diff (${c.path}:${c.line} ${side})`);
        if (c.start_line !== undefined) {
          const startSide = c.start_side ?? side;
          if (!(startSide === "LEFT" ? lines.left : lines.right).has(c.start_line)) throw unprocessable(`Pull request review thread start line must be part of the diff (${c.path}:${c.start_line})`);
          if (startSide === side && c.start_line >= c.line) throw unprocessable("Pull request review thread start_line must precede the end line");
        }
      } else if (c.position !== undefined && (c.position < 1 || c.position > lines.positions)) {
        throw unprocessable(`Pull request review thread position is invalid (${c.path} position ${c.position})`);
      }
    }
    const review = { id: ctx.state.nextId("review"), body: (ctx.body["body"] as string | undefined) ?? null, event: (ctx.body["event"] as string | undefined) ?? null, commitId, at: ctx.now };
    const commentIds = input.map((c) => {
      const id = ctx.state.nextId("comment");
      const data = commentShape(repo, pull.number, {
        id,
        reviewId: review.id,
        path: c.path,
        body: c.body,
        line: c.line ?? null,
        side: c.side ?? "RIGHT",
        startLine: c.start_line ?? null,
        startSide: c.start_side ?? null,
        position: c.position ?? (c.line !== undefined ? positionOf(files.get(c.path)?.patch, c.line, c.side ?? "RIGHT") : null),
        commitId,
        diffHunk: hunkAround(files.get(c.path)?.patch ?? "", c.line ?? 0),
        at: ctx.now,
      }, ctx.urls);
      ctx.state.comments.push({ owner: repo.owner, repo: repo.name, pullNumber: pull.number, resolved: false, data });
      return id;
    });
    ctx.state.reviews.push({ id: review.id, owner: repo.owner, repo: repo.name, pullNumber: pull.number, commitId, event: review.event, body: review.body, commentIds, at: ctx.now });
    return { status: 200, body: reviewShape(repo, pull.number, review, ctx.urls) };
  },

  "git/get-blob": (ctx) => {
    const repo = repoOf(ctx);
    const sha = ctx.params["file_sha"] ?? "";
    const bytes = repo.blobs.get(sha);
    if (!bytes) throw notFound();
    return { status: 200, body: blobShape(repo, sha, bytes, ctx.urls) };
  },

  "repos/get-content": (ctx) => {
    const repo = repoOf(ctx);
    const ref = ctx.url.searchParams.get("ref");
    const commit = commitOf(repo, ref);
    if (!commit) throw new GitHubRefusal(404, `No commit found for the ref ${ref ?? repo.defaultBranch}`);
    const path = ctx.params["path"] ?? "";
    const sha = commit.tree.get(path);
    const bytes = sha ? repo.blobs.get(sha) : undefined;
    if (!sha || !bytes) throw notFound();
    const accept = String(ctx.headers["accept"] ?? "");
    if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) return { status: 200, raw: bytes };
    return { status: 200, body: contentShape(repo, path, ref ?? repo.defaultBranch, sha, bytes, ctx.urls) };
  },
};
