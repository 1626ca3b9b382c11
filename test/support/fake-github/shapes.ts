/**
 * GitHub's documented response shapes: each answer starts from the operation's example in
 * GitHub's OpenAPI description (test/support/openapi/operations.json) and overwrites the
 * fields that carry this repository's data, so unrelated fields keep realistic values.
 */
import { OPERATIONS } from "../openapi/operations.js";
import type { PullFile } from "./git-history.js";
import type { FakePull, FakeRepo, RecordedCheckRun, RecordedComment } from "./state.js";

type Json = Record<string, unknown>;

/** Where the stand-in lives: API root (`…/api/v3`) and web root. */
export interface Urls {
  api: string;
  web: string;
}

/** The app's bot user, as GitHub shows it on comments and reviews. */
export const BOT_USER = { login: "cwe-review[bot]", id: 41898282, node_id: "BOT_kgDOAn9RKg", type: "Bot", site_admin: false };

function example(operationId: string): Json {
  const op = OPERATIONS.get(operationId);
  const value = op?.response.example;
  const first = Array.isArray(value) ? value[0] : value;
  if (!first || typeof first !== "object") throw new Error(`fake GitHub: no documented example for ${operationId}`);
  return structuredClone(first) as Json;
}

function user(template: unknown, login: string, urls: Urls): Json {
  return { ...(template as Json), login, html_url: `${urls.web}/${login}`, url: `${urls.api}/users/${login}`, type: "User" };
}

/** A repository object as nested in pull requests. */
export function repoShape(repo: FakeRepo, template: unknown, urls: Urls): Json {
  const t = (template ?? {}) as Json;
  return {
    ...t,
    id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: user(t["owner"], repo.owner, urls),
    private: false,
    html_url: `${urls.web}/${repo.owner}/${repo.name}`,
    url: `${urls.api}/repos/${repo.owner}/${repo.name}`,
    default_branch: repo.defaultBranch,
  };
}

/** `pulls.get` (and `pulls.list` entries, which GitHub serves without the count fields). */
export function pullShape(repo: FakeRepo, pull: FakePull, urls: Urls, full = true): Json {
  const ex = example(full ? "pulls/get" : "pulls/list");
  const apiPull = `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pull.number}`;
  const head = ex["head"] as Json;
  const base = ex["base"] as Json;
  const out: Json = {
    ...ex,
    id: pull.id,
    number: pull.number,
    url: apiPull,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/pull/${pull.number}`,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    user: user(ex["user"], repo.owner, urls),
    head: { ...head, ref: pull.headRef, sha: pull.head.sha, label: `${repo.owner}:${pull.headRef}`, repo: repoShape(repo, head["repo"], urls), user: user(head["user"], repo.owner, urls) },
    base: { ...base, ref: pull.baseRef, sha: pull.base.sha, label: `${repo.owner}:${pull.baseRef}`, repo: repoShape(repo, base["repo"], urls), user: user(base["user"], repo.owner, urls) },
    merged_at: null,
    closed_at: null,
    // The documented example's team lacks the schema's required `type`; nobody is requested here.
    requested_reviewers: [],
    requested_teams: [],
  };
  if (full) {
    Object.assign(out, {
      merged: false,
      changed_files: pull.files.length,
      additions: pull.files.reduce((n, f) => n + f.additions, 0),
      deletions: pull.files.reduce((n, f) => n + f.deletions, 0),
      commits: pull.pushIndex + 1,
    });
  }
  return out;
}

/** A `pulls.listFiles` entry. */
export function fileShape(repo: FakeRepo, pull: FakePull, file: PullFile, urls: Urls): Json {
  const out: Json = {
    ...file,
    blob_url: `${urls.web}/${repo.owner}/${repo.name}/blob/${pull.head.sha}/${file.filename}`,
    raw_url: `${urls.web}/${repo.owner}/${repo.name}/raw/${pull.head.sha}/${file.filename}`,
    contents_url: `${urls.api}/repos/${repo.owner}/${repo.name}/contents/${encodeURIComponent(file.filename)}?ref=${pull.head.sha}`,
  };
  if (pull.omitPatchFor.has(file.filename)) delete out["patch"];
  return out;
}

/** A check run (create and update answer the same shape). */
export function checkRunShape(repo: FakeRepo, run: RecordedCheckRun, urls: Urls): Json {
  const ex = example("checks/create");
  const pulls = [...repo.pulls.values()].filter((p) => p.head.sha === run.headSha);
  return {
    ...ex,
    id: run.id,
    node_id: Buffer.from(`CheckRun${run.id}`).toString("base64"),
    head_sha: run.headSha,
    name: run.name,
    external_id: run.externalId,
    details_url: run.detailsUrl,
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/check-runs/${run.id}`,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      ...run.output,
      annotations_count: run.annotations.length,
      annotations_url: `${urls.api}/repos/${repo.owner}/${repo.name}/check-runs/${run.id}/annotations`,
    },
    pull_requests: pulls.map((p) => ({
      url: `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${p.number}`,
      id: p.id,
      number: p.number,
      head: { ref: p.headRef, sha: p.head.sha, repo: { id: repo.id, url: `${urls.api}/repos/${repo.owner}/${repo.name}`, name: repo.name } },
      base: { ref: p.baseRef, sha: p.base.sha, repo: { id: repo.id, url: `${urls.api}/repos/${repo.owner}/${repo.name}`, name: repo.name } },
    })),
  };
}

/** A check-run annotation as "List check run annotations" answers it (columns and blob_href added). */
export function annotationShape(repo: FakeRepo, run: RecordedCheckRun, annotation: Record<string, unknown>, urls: Urls): Json {
  return {
    path: annotation["path"],
    start_line: annotation["start_line"],
    end_line: annotation["end_line"],
    start_column: annotation["start_column"] ?? null,
    end_column: annotation["end_column"] ?? null,
    annotation_level: annotation["annotation_level"],
    title: annotation["title"] ?? null,
    message: annotation["message"],
    raw_details: annotation["raw_details"] ?? null,
    blob_href: `${urls.web}/${repo.owner}/${repo.name}/blob/${run.headSha}/${String(annotation["path"])}`,
  };
}

/** A submitted review. */
export function reviewShape(repo: FakeRepo, pullNumber: number, review: { id: number; body: string | null; event: string | null; commitId: string; at: number }, urls: Urls): Json {
  const ex = example("pulls/create-review");
  const state = review.event === "APPROVE" ? "APPROVED" : review.event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : review.event === "COMMENT" ? "COMMENTED" : "PENDING";
  return {
    ...ex,
    id: review.id,
    node_id: `PRR_${review.id}`,
    user: { ...(ex["user"] as Json), ...BOT_USER },
    body: review.body ?? "",
    state,
    commit_id: review.commitId,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/pull/${pullNumber}#pullrequestreview-${review.id}`,
    pull_request_url: `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pullNumber}`,
    submitted_at: new Date(review.at).toISOString(),
    author_association: "NONE",
  };
}

/** A review comment as `pulls.listReviewComments` lists it. */
export function commentShape(
  repo: FakeRepo,
  pullNumber: number,
  c: { id: number; reviewId: number; path: string; body: string; line: number | null; side: string; startLine: number | null; startSide: string | null; position: number | null; commitId: string; diffHunk: string; at: number },
  urls: Urls,
): RecordedComment["data"] {
  const ex = example("pulls/list-review-comments");
  const url = `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/comments/${c.id}`;
  const at = new Date(c.at).toISOString();
  return {
    ...ex,
    id: c.id,
    node_id: `PRRC_${c.id}`,
    pull_request_review_id: c.reviewId,
    url,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/pull/${pullNumber}#discussion_r${c.id}`,
    pull_request_url: `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pullNumber}`,
    diff_hunk: c.diffHunk,
    path: c.path,
    position: c.position,
    original_position: c.position,
    commit_id: c.commitId,
    original_commit_id: c.commitId,
    in_reply_to_id: undefined,
    user: { ...(ex["user"] as Json), ...BOT_USER },
    body: c.body,
    created_at: at,
    updated_at: at,
    author_association: "NONE",
    start_line: c.startLine,
    original_start_line: c.startLine,
    start_side: c.startLine === null ? null : (c.startSide ?? c.side),
    line: c.line,
    original_line: c.line,
    side: c.side,
    _links: { self: { href: url }, html: { href: `${urls.web}/${repo.owner}/${repo.name}/pull/${pullNumber}#discussion_r${c.id}` }, pull_request: { href: `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pullNumber}` } },
  };
}

/** A file from the contents API (GitHub wraps base64 at 60 characters per line). */
export function contentShape(repo: FakeRepo, path: string, ref: string, sha: string, bytes: Buffer, urls: Urls): Json {
  const base64 = bytes.toString("base64").replace(/(.{60})/g, "$1\n");
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  return {
    type: "file",
    encoding: "base64",
    size: bytes.length,
    name: path.split("/").pop(),
    path,
    content: base64.endsWith("\n") ? base64 : `${base64}\n`,
    sha,
    url: `${api}/contents/${path}?ref=${ref}`,
    git_url: `${api}/git/blobs/${sha}`,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/blob/${ref}/${path}`,
    download_url: `${urls.web}/${repo.owner}/${repo.name}/raw/${ref}/${path}`,
    _links: { self: `${api}/contents/${path}?ref=${ref}`, git: `${api}/git/blobs/${sha}`, html: `${urls.web}/${repo.owner}/${repo.name}/blob/${ref}/${path}` },
  };
}

/** A git blob. */
export function blobShape(repo: FakeRepo, sha: string, bytes: Buffer, urls: Urls): Json {
  return { sha, node_id: `B_${sha.slice(0, 12)}`, size: bytes.length, url: `${urls.api}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}`, content: bytes.toString("base64").replace(/(.{60})/g, "$1\n"), encoding: "base64" };
}

/** An installation access token (valid one hour, as GitHub issues them). */
export function tokenShape(token: string, now: number): Json {
  const ex = example("apps/create-installation-access-token");
  return { ...ex, token, expires_at: new Date(now + 3600_000).toISOString().replace(/\.\d+Z$/, "Z"), repository_selection: "all", repositories: undefined };
}
