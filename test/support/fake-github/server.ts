/**
 * A stand-in for GitHub's REST API (and the GraphQL calls we make) on node:http, for the
 * demo, the end-to-end test and the benchmarks; never used by src/. Point the app at it as a
 * GitHub Enterprise Server: GHE_HOST=<fake.host>, GHE_PROTOCOL=http.
 *
 * Every request is checked against GitHub's OpenAPI description (validateRequest); a request
 * GitHub would refuse gets GitHub's refusal (422/401/404) and is recorded in `violations`.
 */
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { KeyObject } from "node:crypto";
import { matchOperation } from "../openapi/operations.js";
import { OpenApiViolation, validateRequest } from "../openapi/validate-request.js";
import { bearerToken, publicKeyOf } from "./auth.js";
import type { PullHistory } from "./git-history.js";
import { answerGraphql } from "./graphql.js";
import { GitHubRefusal, ROUTES, type RouteAnswer } from "./routes.js";
import type { Urls } from "./shapes.js";
import { FakeState, type FakePull, type RecordedCheckRun } from "./state.js";

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** How to start the stand-in. */
export interface FakeGitHubOptions {
  /** The GitHub App id the JWTs must name. Default 1. */
  appId?: number;
  /** The app's private key: when given, JWT signatures are verified with its public half. */
  privateKey?: string;
  /** Port to listen on (127.0.0.1). Default: a free one. */
  port?: number;
  /** Clock (ms since epoch), for reproducible timestamps. */
  now?: () => number;
}

/** What to open: a pull request over a history built by buildPullHistory(). */
export interface PullRequestSpec {
  owner: string;
  repo: string;
  number: number;
  history: PullHistory;
  installationId?: number;
  title?: string;
  body?: string;
  draft?: boolean;
  headRef?: string;
  /** Serve these files without `patch`, as GitHub does for very large diffs. */
  omitPatchFor?: string[];
}

/** Events: "request" (RecordedRequest), "check-run" (RecordedCheckRun, on every create/update), "check-run-completed" (RecordedCheckRun). */
export class FakeGitHub extends EventEmitter {
  readonly state = new FakeState();
  private readonly failures: { operationId: string; status: number; times: number }[] = [];
  private readonly publicKey: KeyObject | undefined;
  private readonly appId: number;
  private readonly now: () => number;

  private constructor(
    private readonly server: Server,
    options: FakeGitHubOptions,
  ) {
    super();
    this.appId = options.appId ?? 1;
    this.publicKey = options.privateKey ? publicKeyOf(options.privateKey) : undefined;
    this.now = options.now ?? Date.now;
    this.setMaxListeners(100);
  }

  /** Starts the server on 127.0.0.1 and resolves once it listens. */
  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const server = createServer();
    const github = new FakeGitHub(server, options);
    server.on("request", (req, res) => void github.handle(req, res));
    // Workers keep connections alive; don't let an idle socket hold close() up.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    return github;
  }

  /** `127.0.0.1:<port>`: the value for GHE_HOST. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Web root, e.g. http://127.0.0.1:4312. */
  get url(): string {
    return `http://${this.host}`;
  }

  /** REST root as GitHub Enterprise Server names it: `<url>/api/v3`. */
  get apiUrl(): string {
    return `${this.url}/api/v3`;
  }

  /** Opens a pull request at the first push of its history. */
  addPullRequest(spec: PullRequestSpec): FakePull {
    const repo = this.state.ensureRepo(spec.owner, spec.repo, spec.installationId ?? 1);
    const { history } = spec;
    const first = history.heads[0];
    if (!first) throw new Error("fake GitHub: a pull request needs at least one push");
    repo.commits.set(history.base.sha, history.base);
    for (const h of history.heads) repo.commits.set(h.commit.sha, h.commit);
    for (const [sha, bytes] of history.blobs) repo.blobs.set(sha, bytes);
    const pull: FakePull = {
      id: this.state.nextId("pull"),
      number: spec.number,
      title: spec.title ?? `Pull request ${spec.number}`,
      body: spec.body ?? "",
      draft: spec.draft ?? false,
      state: "open",
      headRef: spec.headRef ?? `feature-${spec.number}`,
      baseRef: repo.defaultBranch,
      history,
      pushIndex: 0,
      base: history.base,
      head: first.commit,
      files: first.files,
      omitPatchFor: new Set(spec.omitPatchFor ?? []),
    };
    repo.pulls.set(spec.number, pull);
    return pull;
  }

  /** Moves a pull request to its next push (what a `synchronize` webhook announces); returns the pull with its new head. */
  push(owner: string, repo: string, number: number): FakePull {
    const pull = this.state.repo(owner, repo)?.pulls.get(number);
    const next = pull?.history.heads[pull.pushIndex + 1];
    if (!pull || !next) throw new Error(`fake GitHub: ${owner}/${repo}#${number} has no further push`);
    pull.pushIndex += 1;
    pull.head = next.commit;
    pull.files = next.files;
    return pull;
  }

  /** Answers the next `times` calls of an operation with `status` (e.g. 502 to exercise retries). */
  failNext(operationId: string, status: number, times = 1): void {
    this.failures.push({ operationId, status, times });
  }

  /** Check runs created on a commit, oldest first. */
  checkRunsFor(headSha: string): RecordedCheckRun[] {
    return [...this.state.checkRuns.values()].filter((r) => r.headSha === headSha);
  }

  /**
   * Resolves once `test()` holds, re-checking after every request; rejects after `timeoutMs`
   * with `label` and the last requests, so a stuck flow says where it stopped.
   */
  waitFor<T>(test: () => T | undefined | false, timeoutMs: number, label: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = test();
        if (value === undefined || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const last = this.state.requests.slice(-5).map((r) => `${r.method} ${r.url} → ${r.status}`).join("\n  ");
        reject(new Error(`fake GitHub: timed out after ${timeoutMs} ms waiting for ${label}; last requests:\n  ${last || "(none)"}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off("request", check);
      };
      if (!check()) this.on("request", check);
    });
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private urls(): Urls {
    return { api: this.apiUrl, web: this.url };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    const at = this.now();
    const matched = matchOperation(method, rawUrl);
    let answer: RouteAnswer;
    const body = parseJson(text);
    try {
      answer = this.answer(req, method, rawUrl, text, body, at);
    } catch (error) {
      answer = this.refusal(method, rawUrl, error);
    }
    const record = { at, method, url: rawUrl, operationId: matched?.op.id ?? null, status: answer.status, body };
    this.state.requests.push(record);
    this.send(res, answer);
    this.emit("request", record);
    const checkRunId = matched?.op.id === "checks/update" ? Number(matched.params["check_run_id"]) : undefined;
    const run = checkRunId !== undefined ? this.state.checkRuns.get(checkRunId) : matched?.op.id === "checks/create" && answer.status === 201 ? [...this.state.checkRuns.values()].pop() : undefined;
    if (run && answer.status < 300) {
      this.emit("check-run", run);
      if (run.status === "completed") this.emit("check-run-completed", run);
    }
  }

  private answer(req: IncomingMessage, method: string, rawUrl: string, text: string, body: unknown, now: number): RouteAnswer {
    const matched = matchOperation(method, rawUrl);
    validateRequest(method, rawUrl, text);
    if (!matched) throw new GitHubRefusal(404, "Not Found");
    const { op, params } = matched;
    const failure = this.failures.find((f) => f.operationId === op.id && f.times > 0);
    if (failure) {
      failure.times -= 1;
      return { status: failure.status, body: { message: `fake GitHub: injected ${failure.status}` } };
    }
    const authorization = typeof req.headers.authorization === "string" ? req.headers.authorization : undefined;
    if (op.id !== "apps/create-installation-access-token") {
      const installation = this.state.tokens.get(bearerToken(authorization) ?? "");
      if (installation === undefined) throw new GitHubRefusal(401, "Bad credentials");
      const repo = params["owner"] ? this.state.repo(params["owner"], params["repo"] ?? "") : undefined;
      // An installation sees only its own repositories; GitHub answers 404 for the rest.
      if (repo && repo.installationId !== installation) throw new GitHubRefusal(404, "Not Found");
    }
    if (op.id === "graphql") {
      const { query, variables } = body as { query: string; variables: Record<string, unknown> };
      return { status: 200, body: answerGraphql(this.state, query, variables) };
    }
    const route = ROUTES[op.id];
    if (!route) throw new GitHubRefusal(404, `fake GitHub: ${op.id} is not implemented`);
    return route({
      state: this.state,
      params,
      url: new URL(rawUrl, this.url),
      body: (body ?? {}) as Record<string, unknown>,
      headers: req.headers,
      urls: this.urls(),
      now,
      appId: this.appId,
      publicKey: this.publicKey,
    });
  }

  private refusal(method: string, url: string, error: unknown): RouteAnswer {
    if (error instanceof OpenApiViolation) {
      this.state.violations.push({ method, url, status: 422, message: error.message });
      return { status: error.operationId ? 422 : 404, body: { message: error.operationId ? "Invalid request." : "Not Found", errors: error.violations, documentation_url: "https://docs.github.com/rest", status: error.operationId ? "422" : "404" } };
    }
    if (error instanceof GitHubRefusal) {
      // 404s are answers the app must handle (a missing config file); the rest are its mistakes.
      if (error.status !== 404) this.state.violations.push({ method, url, status: error.status, message: `${error.message}${error.errors ? `: ${JSON.stringify(error.errors)}` : ""}` });
      const body: Record<string, unknown> = { message: error.message, documentation_url: "https://docs.github.com/rest", status: String(error.status) };
      if (error.errors) body["errors"] = error.errors;
      return { status: error.status, body };
    }
    this.state.violations.push({ method, url, status: 500, message: `fake GitHub crashed: ${String(error)}` });
    return { status: 500, body: { message: `fake GitHub: ${String(error)}` } };
  }

  private send(res: ServerResponse, answer: RouteAnswer): void {
    const reset = Math.floor(this.now() / 1000) + 3600;
    const headers: Record<string, string> = {
      "x-github-request-id": `FAKE:${this.state.requests.length}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-used": "1",
      "x-ratelimit-reset": String(reset),
      "x-ratelimit-resource": "core",
      ...answer.headers,
    };
    if (answer.raw) {
      res.writeHead(answer.status, { ...headers, "content-type": "application/vnd.github.raw; charset=utf-8" });
      res.end(answer.raw);
      return;
    }
    const payload = answer.body === undefined ? "" : JSON.stringify(answer.body);
    res.writeHead(answer.status, { ...headers, "content-type": "application/json; charset=utf-8" });
    res.end(payload);
  }
}
