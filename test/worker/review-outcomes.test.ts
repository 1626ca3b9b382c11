/**
 * Check-run outcomes that depend on the repository rather than on findings: nothing to scan,
 * a bad config file, files that cannot be scanned. Real Redis and worker, nock for GitHub.
 */
import { randomUUID } from "node:crypto";
import nock from "nock";
import { reviewJobId, type ReviewJob } from "../../src/job/job.js";
import { createReviewQueue, type ReviewQueue } from "../../src/queue/review-queue.js";
import type { ReviewWorker } from "../../src/queue/review-worker.js";
import { mockGitHub, type GitHubMock } from "../support/github-mock.js";
import { startRedis, type RedisHandle } from "../support/redis-server.js";
import { createRegexDetector } from "../support/regex-detector.js";
import { startTestWorker, waitForJob } from "../support/review-worker-harness.js";

const API = "https://api.github.com";
const R = "/repos/octo-org/service";
const JOB: ReviewJob = {
  installationId: 43, owner: "octo-org", repo: "service", pullNumber: 3,
  headSha: "c".repeat(40), baseSha: "d".repeat(40), checkRunId: 8001, deliveryId: "delivery-3",
};
const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString("base64");

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
  github.scope
    .post(`/app/installations/${JOB.installationId}/access_tokens`).reply(201, { token: "ghs_o", expires_at: "2099-01-01T00:00:00Z" })
    .patch(`${R}/check-runs/${JOB.checkRunId}`).reply(200, {});
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await queue.close();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(github.violations).toEqual([]);
  expect(pending).toEqual([]);
});

async function review(config: string | null, files: object[]): Promise<{ conclusion: string; output: { title: string; summary: string } }> {
  const configMock = github.scope.get(`${R}/contents/.github%2Fcwe-review.yml`).query({ ref: JOB.baseSha });
  if (config === null) configMock.reply(404, {});
  else configMock.reply(200, { type: "file", encoding: "base64", content: b64(config) });
  github.scope
    .get(`${R}/pulls/3/files`).query({ per_page: "100" }).reply(200, files)
    .get(`${R}/pulls/3/comments`).query({ per_page: "100" }).reply(200, [])
    .patch(`${R}/check-runs/${JOB.checkRunId}`).reply(200, {});
  await queue.enqueue(JOB, reviewJobId(JOB));
  worker = await startTestWorker({ redisUrl: redis.url, queueName: queue.name, baseUrl: API, detector: createRegexDetector() });
  await waitForJob(worker, reviewJobId(JOB));
  return github.requests.filter((r) => r.method === "PATCH").at(-1)?.body as never;
}

it("succeeds with 'No Python changes' when the pull request touches no Python", async () => {
  const done = await review(null, [
    { sha: "1", filename: "README.md", status: "modified", additions: 1, deletions: 0, changes: 1, patch: "@@ -1 +1,2 @@\n a\n+b" },
    { sha: "2", filename: "old.py", status: "removed", additions: 0, deletions: 3, changes: 3, patch: "@@ -1,3 +0,0 @@\n-a\n-b\n-c" },
  ]);
  expect(done).toMatchObject({ conclusion: "success", output: { title: "No Python changes" } });
});

it("reports a bad .github/cwe-review.yml in the check and reviews with the defaults", async () => {
  const source = 'def q(cur, x):\n    cur.execute(f"SELECT {x}")\n';
  github.scope.get(`${R}/git/blobs/b1`).reply(200, { sha: "b1", size: source.length, encoding: "base64", content: b64(source) });
  github.scope.post(`${R}/pulls/3/reviews`).reply(200, { id: 5 });
  const done = await review("threshold: [not, a, number]\n", [
    { sha: "b1", filename: "q.py", status: "added", additions: 2, deletions: 0, changes: 2, patch: '@@ -0,0 +1,2 @@\n+def q(cur, x):\n+    cur.execute(f"SELECT {x}")' },
  ]);
  expect(done.conclusion).toBe("failure"); // the defaults fail on any finding
  expect(done.output.summary).toContain("Config problem");
  expect(done.output.summary).toContain("threshold");
});

it("lists files it could not scan, with the reason, and still completes", async () => {
  github.scope.get(`${R}/git/blobs/b2`).reply(200, { sha: "b2", size: 3, encoding: "base64", content: b64(Buffer.from([0x61, 0xff, 0x0a])) });
  const done = await review(null, [
    { sha: "b2", filename: "latin1.py", status: "added", additions: 1, deletions: 0, changes: 1, patch: "@@ -0,0 +1 @@\n+a\xff" },
  ]);
  expect(done.conclusion).toBe("success");
  expect(done.output.summary).toContain("latin1.py");
  expect(done.output.summary).toContain("not UTF-8 text");
});
