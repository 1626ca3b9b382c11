/**
 * The whole path: a real pull_request webhook payload → Probot app → queued check run →
 * job in a real Redis → real queue worker (regex test detector) → one review with inline
 * comments → completed check run. GitHub is nock, with every request body validated
 * against GitHub's OpenAPI description and every mock required to be used.
 */
import { randomUUID } from "node:crypto";
import nock from "nock";
import type { Probot } from "probot";
import { reviewJobId } from "../../src/job/job.js";
import { createReviewQueue, type ReviewQueue } from "../../src/queue/review-queue.js";
import type { ReviewWorker } from "../../src/queue/review-worker.js";
import { graphqlPath, mockGitHub, restPrefix, type GitHubMock } from "../support/github-mock.js";
import { startRedis, type RedisHandle } from "../support/redis-server.js";
import { createRegexDetector } from "../support/regex-detector.js";
import { startTestWorker, waitForJob } from "../support/review-worker-harness.js";
import { createTestProbot } from "../support/test-app.js";
import { examplePayload } from "../support/webhook-examples.js";

// Base and head of app/db.py; line 6 is the changed line, line 9 an old f-string query the
// push did not touch (the detector flags it, but it is not on a changed line).
const BASE_DB = `import sqlite3


def find_user(conn, name):
    cur = conn.cursor()
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    return cur.fetchone()

    conn.execute(f"DELETE FROM audit WHERE day < '{today}'")
`;
const HEAD_DB = BASE_DB.replace(`cur.execute("SELECT * FROM users WHERE name = ?", (name,))`, `cur.execute(f"SELECT * FROM users WHERE name = '{name}'")`);
// As `git diff` prints it for the pull request (GitHub's patch field omits the file headers).
const PATCH_DB = `@@ -3,7 +3,7 @@ import sqlite3
 
 def find_user(conn, name):
     cur = conn.cursor()
-    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
+    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
     return cur.fetchone()
 
     conn.execute(f"DELETE FROM audit WHERE day < '{today}'")`;
// The next push adds a docstring above: the same finding moves to line 7.
const HEAD_DB_2 = HEAD_DB.replace("def find_user(conn, name):\n", 'def find_user(conn, name):\n    """Look a user up."""\n');
const PATCH_DB_2 = `@@ -3,7 +3,8 @@ import sqlite3
 
 def find_user(conn, name):
+    """Look a user up."""
     cur = conn.cursor()
-    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
+    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
     return cur.fetchone()
 
     conn.execute(f"DELETE FROM audit WHERE day < '{today}'")`;

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

interface PullPayload {
  action: string;
  number: number;
  installation: { id: number };
  repository: { name: string; owner: { login: string } };
  pull_request: { number: number; draft?: boolean; head: { sha: string }; base: { sha: string } };
  after?: string;
}

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describe.each([
  ["api.github.com", "https://api.github.com"],
  ["GitHub Enterprise Server (GHE_HOST)", "https://ghe.example.com/api/v3"],
])("review pipeline against %s", (_label, baseUrl) => {
  const prefix = restPrefix(baseUrl);
  let queue: ReviewQueue;
  let worker: ReviewWorker | undefined;
  let probot: Probot;
  let github: GitHubMock;

  beforeEach(async () => {
    nock.disableNetConnect();
    queue = createReviewQueue({ redisUrl: redis.url, queueName: `test-${randomUUID()}`, backoffMs: 10 });
    probot = await createTestProbot(queue, baseUrl);
    github = mockGitHub(baseUrl);
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await queue.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  function repoPath(payload: PullPayload, rest: string): string {
    return `${prefix}/repos/${payload.repository.owner.login}/${payload.repository.name}${rest}`;
  }

  function mockWorkerReads(payload: PullPayload, files: { head: string; patch: string; blobSha: string }, comments: object[]) {
    const pr = payload.pull_request;
    github.scope
      .post(`${prefix}/app/installations/${payload.installation.id}/access_tokens`)
      .reply(201, { token: "ghs_worker", expires_at: "2099-01-01T00:00:00Z" })
      .get(repoPath(payload, "/contents/.github%2Fcwe-review.yml"))
      .query({ ref: pr.base.sha })
      .reply(404, { message: "Not Found" })
      .get(repoPath(payload, `/pulls/${pr.number}/files`))
      .query({ per_page: "100" })
      .reply(200, [
        { sha: files.blobSha, filename: "app/db.py", status: "modified", additions: 1, deletions: 1, changes: 2, patch: files.patch },
        { sha: "d1e2", filename: "README.md", status: "modified", additions: 1, deletions: 0, changes: 1, patch: "@@ -1 +1,2 @@\n # Hello\n+World" },
      ])
      .get(repoPath(payload, `/git/blobs/${files.blobSha}`))
      .reply(200, { sha: files.blobSha, size: Buffer.byteLength(files.head), encoding: "base64", content: b64(files.head) })
      .get(repoPath(payload, `/pulls/${pr.number}/comments`))
      .query({ per_page: "100" })
      .reply(200, comments);
  }

  it("reviews an opened pull request once: queued check, one job, one review, completed check; a redelivery adds nothing", async () => {
    const payload = examplePayload<PullPayload>("pull_request", "opened");
    const pr = payload.pull_request;
    const checks = repoPath(payload, "/check-runs");

    // The app: token for the installation, then the queued check run.
    github.scope
      .post(`${prefix}/app/installations/${payload.installation.id}/access_tokens`)
      .reply(201, { token: "ghs_app", expires_at: "2099-01-01T00:00:00Z" })
      .post(checks)
      .reply(201, { id: 4001, name: "cwe-review", head_sha: pr.head.sha, status: "queued" });

    await probot.receive({ id: "delivery-1", name: "pull_request", payload } as never);
    // The same payload delivered again before the worker ran: no second check run, no second job.
    await probot.receive({ id: "delivery-1", name: "pull_request", payload } as never);
    expect(await queue.count()).toBe(1);
    const created = github.requests.find((r) => r.method === "POST" && r.path === checks);
    expect(created?.body).toMatchObject({ name: "cwe-review", head_sha: pr.head.sha, status: "queued" });

    mockWorkerReads(payload, { head: HEAD_DB, patch: PATCH_DB, blobSha: "b10b" }, []);
    github.scope
      .patch(`${checks}/4001`)
      .reply(200, { id: 4001 })
      .post(repoPath(payload, `/pulls/${pr.number}/reviews`))
      .reply(200, { id: 77 })
      .patch(`${checks}/4001`)
      .reply(200, { id: 4001 });

    const detector = createRegexDetector();
    worker = await startTestWorker({ redisUrl: redis.url, queueName: queue.name, baseUrl, detector });
    await waitForJob(worker, reviewJobId({ owner: "Codertocat", repo: "Hello-World", pullNumber: pr.number, headSha: pr.head.sha }));

    const bodies = github.requests.filter((r) => r.method !== "GET" && !r.path.endsWith("access_tokens"));
    const [inProgress, review, completed] = bodies.slice(1) as { body: Record<string, unknown> }[];
    expect(inProgress?.body).toMatchObject({ status: "in_progress" });

    // One review, event COMMENT, one inline comment on the changed line 6 (not on line 9).
    const comments = review?.body["comments"] as { path: string; line: number; side: string; body: string }[];
    expect(review?.body).toMatchObject({ event: "COMMENT", commit_id: pr.head.sha });
    expect(comments.map((c) => [c.path, c.line, c.side])).toEqual([["app/db.py", 6, "RIGHT"]]);
    expect(comments[0]?.body).toContain("CWE-89");
    expect(comments[0]?.body).toContain("https://cwe.mitre.org/data/definitions/89.html");
    expect(comments[0]?.body).toMatch(/<!-- cwe-review:fp=[^ ]+ -->/);

    // Check run completed: failure by default config, a summary naming the CWE and the model, one annotation.
    expect(completed?.body).toMatchObject({ status: "completed", conclusion: "failure" });
    const output = completed?.body["output"] as { title: string; summary: string; annotations: { path: string; start_line: number; end_line: number }[] };
    expect(output.summary).toContain("CWE-89");
    expect(output.summary).toContain("regex-test-detector");
    expect(output.annotations.map((a) => [a.path, a.start_line, a.end_line])).toEqual([["app/db.py", 6, 6]]);

    // Only app/db.py reached the detector, in windows focused on its changed line.
    expect(new Set(detector.seen.map((w) => w.path))).toEqual(new Set(["app/db.py"]));
    expect(detector.seen.flatMap((w) => w.focusLines)).toEqual([6]);

    // Delivered once more after the review: the kept job id still dedupes it.
    await probot.receive({ id: "delivery-1", name: "pull_request", payload } as never);
    expect(await queue.count()).toBe(1);

    expect(github.violations).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("does not comment a finding again on a later push (synchronize) and still fails the check", async () => {
    const payload = examplePayload<PullPayload>("pull_request", "synchronize");
    const pr = payload.pull_request;
    // A later push: the real payload, moved to a new head commit.
    pr.head.sha = "5f1e1d0c4b3a29180716f5e4d3c2b1a098765432";
    payload.after = pr.head.sha;
    const checks = repoPath(payload, "/check-runs");
    github.scope
      .post(`${prefix}/app/installations/${payload.installation.id}/access_tokens`)
      .reply(201, { token: "ghs_app", expires_at: "2099-01-01T00:00:00Z" })
      .post(checks)
      .reply(201, { id: 4002, name: "cwe-review", head_sha: pr.head.sha, status: "queued" });
    await probot.receive({ id: "delivery-2", name: "pull_request", payload } as never);

    // The comment the first push posted, as GitHub lists it: rendered by the same code.
    const first = createRegexDetector();
    const firstBody = await renderedCommentFor(first);
    mockWorkerReads(payload, { head: HEAD_DB_2, patch: PATCH_DB_2, blobSha: "b20b" }, [
      { id: 9001, path: "app/db.py", line: 7, original_line: 6, side: "RIGHT", body: firstBody, user: { login: "cwe-review[bot]" } },
    ]);
    github.scope.patch(`${checks}/4002`).reply(200, { id: 4002 }).patch(`${checks}/4002`).reply(200, { id: 4002 });

    worker = await startTestWorker({ redisUrl: redis.url, queueName: queue.name, baseUrl, detector: createRegexDetector() });
    await waitForJob(worker, reviewJobId({ owner: "Codertocat", repo: "Hello-World", pullNumber: pr.number, headSha: pr.head.sha }));

    expect(github.requests.some((r) => r.path.endsWith("/reviews"))).toBe(false);
    const completed = github.requests.filter((r) => r.method === "PATCH").at(-1)?.body as Record<string, unknown>;
    expect(completed).toMatchObject({ status: "completed", conclusion: "failure" });
    const output = completed["output"] as { annotations: { start_line: number }[] };
    expect(output.annotations.map((a) => a.start_line)).toEqual([7]);
    expect(github.violations).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("reports a finding a later push fixed and resolves its thread", async () => {
    const payload = examplePayload<PullPayload>("pull_request", "synchronize");
    const pr = payload.pull_request;
    pr.head.sha = "6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7";
    const checks = repoPath(payload, "/check-runs");
    github.scope
      .post(`${prefix}/app/installations/${payload.installation.id}/access_tokens`)
      .reply(201, { token: "ghs_app", expires_at: "2099-01-01T00:00:00Z" })
      .post(checks)
      .reply(201, { id: 4003, name: "cwe-review", head_sha: pr.head.sha, status: "queued" });
    await probot.receive({ id: "delivery-3", name: "pull_request", payload } as never);

    // The query is parameterised again (with another name), so the file is still in the diff.
    const fixedHead = BASE_DB.replace("(name,))", "(user_name,))");
    const fixedPatch = `@@ -3,7 +3,7 @@ import sqlite3
 
 def find_user(conn, name):
     cur = conn.cursor()
-    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
+    cur.execute("SELECT * FROM users WHERE name = ?", (user_name,))
     return cur.fetchone()
 
     conn.execute(f"DELETE FROM audit WHERE day < '{today}'")`;
    const firstBody = await renderedCommentFor(createRegexDetector());
    mockWorkerReads(payload, { head: fixedHead, patch: fixedPatch, blobSha: "b30b" }, [
      { id: 9001, path: "app/db.py", line: 6, side: "RIGHT", body: firstBody },
    ]);
    github.scope
      .patch(`${checks}/4003`).reply(200, { id: 4003 })
      .patch(`${checks}/4003`).reply(200, { id: 4003 })
      .post(graphqlPath(baseUrl), (body: { query: string }) => body.query.includes("reviewThreads"))
      .reply(200, { data: { repository: { pullRequest: { reviewThreads: {
        pageInfo: { hasNextPage: false, endCursor: null },
        nodes: [{ id: "PRRT_1", isResolved: false, comments: { nodes: [{ databaseId: 9001 }] } }],
      } } } } })
      .post(graphqlPath(baseUrl), (body: { query: string; variables: { threadId?: string } }) => body.query.includes("resolveReviewThread") && body.variables.threadId === "PRRT_1")
      .reply(200, { data: { resolveReviewThread: { thread: { id: "PRRT_1", isResolved: true } } } });

    worker = await startTestWorker({ redisUrl: redis.url, queueName: queue.name, baseUrl, detector: createRegexDetector() });
    await waitForJob(worker, reviewJobId({ owner: "Codertocat", repo: "Hello-World", pullNumber: pr.number, headSha: pr.head.sha }));

    expect(github.requests.some((r) => r.path.endsWith("/reviews"))).toBe(false);
    const completed = github.requests.filter((r) => r.method === "PATCH").at(-1)?.body as { conclusion: string; output: { summary: string } };
    expect(completed.conclusion).toBe("success");
    expect(completed.output.summary).toMatch(/Fixed since the last push \(1\)[\s\S]*app\/db\.py/);
    expect(github.violations).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

/** The body our code renders for the finding on HEAD_DB line 6, i.e. what the first push posted. */
async function renderedCommentFor(detector: ReturnType<typeof createRegexDetector>): Promise<string> {
  const { planReview } = await import("../../src/review/plan-review.js");
  const [finding] = await detector.detect([{ path: "app/db.py", lines: HEAD_DB.split("\n"), lineNumbers: HEAD_DB.split("\n").map((_, i) => i + 1), focusLines: [6] }]);
  if (!finding) throw new Error("the test detector found nothing");
  const lines = HEAD_DB.split("\n");
  const plan = planReview([finding], { fileLines: new Map([["app/db.py", lines]]), posted: new Set(), inlineComments: true, maxInline: 25 });
  const body = plan.comments[0]?.body;
  if (!body) throw new Error("planReview made no comment");
  return body;
}
