/**
 * What the worker does when GitHub fails: retry what a retry can fix (5xx), give up at once
 * on what it cannot (404), always complete the check run with the reason, and never post
 * a comment twice when a job is retried after its review was posted.
 */
import { randomUUID } from "node:crypto";
import nock from "nock";
import { reviewJobId, type ReviewJob } from "../../src/job/job.js";
import { REVIEW_JOB_ATTEMPTS } from "../../src/queue/job-options.js";
import { createReviewQueue, type ReviewQueue } from "../../src/queue/review-queue.js";
import type { ReviewWorker } from "../../src/queue/review-worker.js";
import { mockGitHub, type GitHubMock } from "../support/github-mock.js";
import { startRedis, type RedisHandle } from "../support/redis-server.js";
import { createRegexDetector } from "../support/regex-detector.js";
import { startTestWorker, waitForJob } from "../support/review-worker-harness.js";

const API = "https://api.github.com";
const REPO = "/repos/octo-org/service";
const JOB: ReviewJob = {
  installationId: 42,
  owner: "octo-org",
  repo: "service",
  pullNumber: 9,
  headSha: "a".repeat(40),
  baseSha: "b".repeat(40),
  checkRunId: 7001,
  deliveryId: "delivery-9",
};
const SOURCE = 'def q(cur, x):\n    cur.execute(f"SELECT {x}")\n';
const PATCH = '@@ -0,0 +1,2 @@\n+def q(cur, x):\n+    cur.execute(f"SELECT {x}")';

let redis: RedisHandle;
let queue: ReviewQueue;
let worker: ReviewWorker | undefined;
let github: GitHubMock;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(() => {
  nock.disableNetConnect();
  queue = createReviewQueue({ redisUrl: redis.url, queueName: `test-${randomUUID()}`, backoffMs: 10 });
  github = mockGitHub(API);
  github.scope.post(`/app/installations/${JOB.installationId}/access_tokens`).reply(201, { token: "ghs_w", expires_at: "2099-01-01T00:00:00Z" });
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await queue.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The calls of one attempt up to the files list. */
function mockAttemptStart() {
  github.scope
    .patch(`${REPO}/check-runs/${JOB.checkRunId}`, (body: { status?: string }) => body.status === "in_progress")
    .reply(200, {})
    .get(`${REPO}/contents/.github%2Fcwe-review.yml`)
    .query({ ref: JOB.baseSha })
    .reply(404, {});
}

function mockFilesOk() {
  github.scope
    .get(`${REPO}/pulls/9/files`)
    .query({ per_page: "100" })
    .reply(200, [{ sha: "c0de", filename: "svc/q.py", status: "added", additions: 2, deletions: 0, changes: 2, patch: PATCH }])
    .get(`${REPO}/git/blobs/c0de`)
    .reply(200, { sha: "c0de", size: SOURCE.length, encoding: "base64", content: Buffer.from(SOURCE).toString("base64") });
}

function completions(): Record<string, unknown>[] {
  return github.requests.filter((r) => r.method === "PATCH" && (r.body as { status?: string }).status === "completed").map((r) => r.body as Record<string, unknown>);
}

async function run(opts: { octokitRetries?: number; allowFailures?: boolean } = {}) {
  await queue.enqueue(JOB, reviewJobId(JOB));
  worker = await startTestWorker({ redisUrl: redis.url, queueName: queue.name, baseUrl: API, detector: createRegexDetector(), octokitRetries: opts.octokitRetries ?? 0 });
  return waitForJob(worker, reviewJobId(JOB), { allowFailures: opts.allowFailures ?? true });
}

it("retries GitHub 500s: Octokit's retry first, then the queue's backoff, then succeeds", async () => {
  // Attempt 1: the files list fails twice (the request and Octokit's one retry).
  mockAttemptStart();
  github.scope.get(`${REPO}/pulls/9/files`).query({ per_page: "100" }).times(2).reply(500, { message: "boom" });
  // Attempt 2: everything works.
  mockAttemptStart();
  mockFilesOk();
  github.scope
    .get(`${REPO}/pulls/9/comments`).query({ per_page: "100" }).reply(200, [])
    .post(`${REPO}/pulls/9/reviews`).reply(200, { id: 1 })
    .get(`${REPO}/check-runs/${JOB.checkRunId}/annotations`).query({ per_page: "100" }).reply(200, [])
    .patch(`${REPO}/check-runs/${JOB.checkRunId}`).reply(200, {});

  const { failures } = await run({ octokitRetries: 1 });
  expect(failures).toEqual(["RetryableError: GitHub answered 500 when trying to list the pull request's files; will retry"]);
  expect(completions()).toEqual([expect.objectContaining({ conclusion: "failure" })]); // the finding fails the check
  expect(github.violations).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
});

it("does not post the review again when the job is retried after posting it", async () => {
  mockAttemptStart();
  mockFilesOk();
  github.scope
    .get(`${REPO}/pulls/9/comments`).query({ per_page: "100" }).reply(200, [])
    .post(`${REPO}/pulls/9/reviews`).reply(200, { id: 1 })
    // Completing the check fails after the review is up: the job is retried.
    .patch(`${REPO}/check-runs/${JOB.checkRunId}`).reply(502, {});
  mockAttemptStart();
  mockFilesOk();
  let posted: { path: string; line: number; body: string } | undefined;
  github.scope
    .get(`${REPO}/pulls/9/comments`).query({ per_page: "100" })
    .reply(200, () => [{ id: 31, ...posted, side: "RIGHT" }])
    // The retry asks which annotations the run already holds: none, the completion failed.
    .get(`${REPO}/check-runs/${JOB.checkRunId}/annotations`).query({ per_page: "100" }).reply(200, [])
    .patch(`${REPO}/check-runs/${JOB.checkRunId}`).reply(200, {});
  github.scope.on("request", (_req: unknown, _i: unknown, body: string) => {
    const parsed = body ? (JSON.parse(body) as { comments?: { path: string; line: number; body: string }[] }) : {};
    if (parsed.comments) posted = parsed.comments[0];
  });

  const { failures } = await run();
  expect(failures).toHaveLength(1);
  expect(github.requests.filter((r) => r.path.endsWith("/reviews"))).toHaveLength(1);
  expect(posted?.line).toBe(2);
  expect(completions().at(-1)).toMatchObject({ conclusion: "failure", output: { annotations: [expect.objectContaining({ start_line: 2 })] } });
  expect(github.violations).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
});

it("does not annotate the check run twice when a completion reached GitHub but its answer was lost", async () => {
  let sent: Record<string, unknown>[] = [];
  let posted: { path: string; line: number; body: string } | undefined;
  github.scope.on("request", (_req: unknown, _i: unknown, body: string) => {
    const parsed = body ? (JSON.parse(body) as { comments?: (typeof posted & object)[]; conclusion?: string; output?: { annotations?: Record<string, unknown>[] } }) : {};
    if (parsed.comments) posted = parsed.comments[0];
    if (parsed.conclusion) sent = parsed.output?.annotations ?? [];
  });
  mockAttemptStart();
  mockFilesOk();
  github.scope
    .get(`${REPO}/pulls/9/comments`).query({ per_page: "100" }).reply(200, [])
    .post(`${REPO}/pulls/9/reviews`).reply(200, { id: 1 })
    .patch(`${REPO}/check-runs/${JOB.checkRunId}`).reply(502, {});
  mockAttemptStart();
  mockFilesOk();
  github.scope
    .get(`${REPO}/pulls/9/comments`).query({ per_page: "100" })
    .reply(200, () => [{ id: 31, ...posted, side: "RIGHT" }])
    // GitHub had appended the first attempt's annotation (as it lists them: columns, blob_href).
    .get(`${REPO}/check-runs/${JOB.checkRunId}/annotations`).query({ per_page: "100" })
    .reply(200, () => sent.map((a) => ({ start_column: null, end_column: null, raw_details: null, blob_href: "https://github.com/b", ...a })))
    .patch(`${REPO}/check-runs/${JOB.checkRunId}`).reply(200, {});

  const { failures } = await run();
  expect(failures).toHaveLength(1);
  expect(github.requests.filter((r) => r.path.endsWith("/reviews"))).toHaveLength(1);
  const [first, retry] = completions();
  expect(first).toMatchObject({ output: { annotations: [expect.objectContaining({ start_line: 2 })] } });
  expect(retry).toMatchObject({ conclusion: "failure", status: "completed" });
  expect((retry?.["output"] as { annotations?: unknown }).annotations).toBeUndefined();
  expect(github.violations).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
});

it("gives up at once on a 404 and completes the check with failure and the reason", async () => {
  mockAttemptStart();
  github.scope
    .get(`${REPO}/pulls/9/files`).query({ per_page: "100" }).reply(404, { message: "Not Found" })
    .patch(`${REPO}/check-runs/${JOB.checkRunId}`).reply(200, {});

  const { failures } = await run();
  expect(failures).toEqual([expect.stringMatching(/^UnrecoverableError: GitHub answered 404 when trying to list the pull request's files/)]);
  const [done] = completions();
  expect(done).toMatchObject({ conclusion: "failure", output: { title: "cwe-review could not finish this review" } });
  expect((done?.["output"] as { summary: string }).summary).toContain("GitHub answered 404 when trying to list the pull request's files");
  expect(github.violations).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
});

it(`completes the check with failure after the last of ${REVIEW_JOB_ATTEMPTS} attempts`, async () => {
  for (let i = 0; i < REVIEW_JOB_ATTEMPTS; i += 1) {
    mockAttemptStart();
    github.scope.get(`${REPO}/pulls/9/files`).query({ per_page: "100" }).reply(503, {});
  }
  github.scope.patch(`${REPO}/check-runs/${JOB.checkRunId}`).reply(200, {});

  const { failures } = await run();
  expect(failures).toHaveLength(REVIEW_JOB_ATTEMPTS);
  expect(completions()).toEqual([
    expect.objectContaining({ conclusion: "failure", output: expect.objectContaining({ summary: expect.stringContaining("GitHub answered 503") }) }),
  ]);
  expect(github.violations).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
});
