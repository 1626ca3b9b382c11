/**
 * The stand-in GitHub's memory: repositories with their commits and blobs, pull requests,
 * and everything the app posted (check runs, reviews, review comments, GraphQL calls).
 * Plain data; server.ts and the route handlers read and change it.
 */
import type { Commit, PullFile, PullHistory } from "./git-history.js";

/** A repository with every commit and blob its pull requests reference. */
export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  installationId: number;
  defaultBranch: string;
  commits: Map<string, Commit>;
  blobs: Map<string, Buffer>;
  pulls: Map<number, FakePull>;
}

/** An open pull request; `push()` moves its head along its history (a synchronize). */
export interface FakePull {
  id: number;
  number: number;
  title: string;
  body: string;
  draft: boolean;
  state: "open" | "closed";
  headRef: string;
  baseRef: string;
  history: PullHistory;
  /** Index into history.heads of the current head. */
  pushIndex: number;
  base: Commit;
  head: Commit;
  files: PullFile[];
  /** Files whose `patch` GitHub would omit (too large a diff): the app must cope. */
  omitPatchFor: Set<string>;
}

/** A check run as the app created and then updated it. */
export interface RecordedCheckRun {
  id: number;
  owner: string;
  repo: string;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Annotations appended by every create/update, in order. */
  annotations: Record<string, unknown>[];
  /** Each request body the app sent for this run (create first), with its arrival time (ms). */
  updates: { at: number; body: Record<string, unknown> }[];
  /** Arrival time (ms since epoch) of the update that completed it. */
  completedAtMs: number | null;
}

/** A review as the app posted it (one per push). */
export interface RecordedReview {
  id: number;
  owner: string;
  repo: string;
  pullNumber: number;
  commitId: string;
  event: string | null;
  body: string | null;
  /** The comment ids this review created, in the order sent. */
  commentIds: number[];
  at: number;
}

/** A review comment in GitHub's documented shape, plus what the fake tracks about its thread. */
export interface RecordedComment {
  owner: string;
  repo: string;
  pullNumber: number;
  resolved: boolean;
  /** The `pulls.listReviewComments` entry. */
  data: Record<string, unknown> & { id: number; path: string; body: string; line: number | null; side: string; start_line: number | null };
}

/** One request as it arrived. */
export interface RecordedRequest {
  at: number;
  method: string;
  /** Path and query, as sent (including any /api/v3 prefix). */
  url: string;
  operationId: string | null;
  status: number;
  body: unknown;
}

/** A request GitHub would have refused (OpenAPI violation, line outside the diff, unknown endpoint…). */
export interface RecordedViolation {
  method: string;
  url: string;
  status: number;
  message: string;
}

/** Everything the stand-in holds. Ids count up from fixed starts so runs are reproducible. */
export class FakeState {
  readonly repos = new Map<string, FakeRepo>();
  readonly checkRuns = new Map<number, RecordedCheckRun>();
  readonly reviews: RecordedReview[] = [];
  readonly comments: RecordedComment[] = [];
  readonly graphql: { query: string; variables: Record<string, unknown> }[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly violations: RecordedViolation[] = [];
  readonly tokens = new Map<string, number>();
  private nextIds = { repo: 1296269, pull: 1347000, check: 4000, review: 80000, comment: 10000, token: 1 };

  nextId(kind: keyof FakeState["nextIds"]): number {
    return this.nextIds[kind]++;
  }

  repo(owner: string, name: string): FakeRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  /** The repository, created on first use. */
  ensureRepo(owner: string, name: string, installationId: number): FakeRepo {
    const key = `${owner}/${name}`.toLowerCase();
    let repo = this.repos.get(key);
    if (!repo) {
      repo = { id: this.nextId("repo"), owner, name, installationId, defaultBranch: "main", commits: new Map(), blobs: new Map(), pulls: new Map() };
      this.repos.set(key, repo);
    }
    return repo;
  }
}
