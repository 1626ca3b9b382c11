/**
 * The app's webhook side against real payloads, a real Redis queue and nock for GitHub:
 * drafts, re-runs (including forks, whose check events list no pull requests), /healthz.
 */
import { randomUUID } from "node:crypto";
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import nock from "nock";
import { reviewJobId } from "../../src/job/job.js";
import { createReviewQueue, type ReviewQueue } from "../../src/queue/review-queue.js";
import { mockGitHub, type GitHubMock } from "../support/github-mock.js";
import { startRedis, type RedisHandle } from "../support/redis-server.js";
import { createTestProbot } from "../support/test-app.js";
import { examplePayload } from "../support/webhook-examples.js";

const API = "https://api.github.com";
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

interface PullPayload {
  installation: { id: number };
  repository: { name: string; owner: { login: string } };
  pull_request: { number: number; draft: boolean; head: { sha: string }; base: { sha: string } };
}

let redis: RedisHandle;
let queue: ReviewQueue;
let github: GitHubMock;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(() => {
  nock.disableNetConnect();
  queue = createReviewQueue({ redisUrl: redis.url, queueName: `test-${randomUUID()}` });
  github = mockGitHub(API);
  github.scope.post("/app/installations/1/access_tokens").reply(201, { token: "ghs_app", expires_at: "2099-01-01T00:00:00Z" });
});
afterEach(async () => {
  await queue.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

function draftPayload(): PullPayload {
  const payload = examplePayload<PullPayload>("pull_request", "opened");
  payload.pull_request.draft = true;
  return payload;
}

describe("draft pull requests", () => {
  it("get no check run and no job unless the base branch's config asks for drafts", async () => {
    const payload = draftPayload();
    github.scope
      .get("/repos/Codertocat/Hello-World/contents/.github%2Fcwe-review.yml")
      .query({ ref: payload.pull_request.base.sha })
      .reply(200, { type: "file", encoding: "base64", content: b64("threshold: 0.7\n") });
    const probot = await createTestProbot(queue, API);
    await probot.receive({ id: "d-1", name: "pull_request", payload } as never);
    expect(await queue.count()).toBe(0);
    expect(github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/check-runs"))).toEqual([]);
    expect(github.violations).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("are reviewed when the base branch's config says drafts: true", async () => {
    const payload = draftPayload();
    const pr = payload.pull_request;
    github.scope
      .get("/repos/Codertocat/Hello-World/contents/.github%2Fcwe-review.yml")
      .query({ ref: pr.base.sha })
      .reply(200, { type: "file", encoding: "base64", content: b64("drafts: true\n") })
      .post("/repos/Codertocat/Hello-World/check-runs")
      .reply(201, { id: 11 });
    const probot = await createTestProbot(queue, API);
    await probot.receive({ id: "d-2", name: "pull_request", payload } as never);
    expect(await queue.has(reviewJobId({ owner: "Codertocat", repo: "Hello-World", pullNumber: pr.number, headSha: pr.head.sha }))).toBe(true);
    expect(github.violations).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe("re-runs", () => {
  it("check_run.rerequested on a fork's commit (empty pull_requests) finds the pull request by head SHA and queues a fresh job", async () => {
    const payload = examplePayload<{ check_run: { name: string; head_sha: string; pull_requests: unknown[] } }>("check_run", "rerequested");
    payload.check_run.name = "cwe-review";
    expect(payload.check_run.pull_requests).toEqual([]); // the real payload is the fork case
    const sha = payload.check_run.head_sha;
    github.scope
      .get("/repos/github/hello-world/pulls")
      .query({ state: "open", per_page: "100" })
      .reply(200, [
        { number: 7, head: { sha: "0000000000000000000000000000000000000007" }, base: { sha: "b7" } },
        { number: 8, head: { sha }, base: { sha: "b8" } },
      ])
      .post("/repos/github/hello-world/check-runs")
      .reply(201, { id: 501 });
    // The first review's job is still kept in Redis: the re-run must not be deduplicated away.
    const firstId = reviewJobId({ owner: "github", repo: "hello-world", pullNumber: 8, headSha: sha });
    await queue.enqueue({ installationId: 1, owner: "github", repo: "hello-world", pullNumber: 8, headSha: sha, baseSha: "b8", checkRunId: 500, deliveryId: "old" }, firstId);

    const probot = await createTestProbot(queue, API);
    await probot.receive({ id: "r-1", name: "check_run", payload } as never);
    expect(await queue.has(`${firstId}-rerun-501`)).toBe(true);
    expect(await queue.count()).toBe(2);
    const created = github.requests.find((r) => r.method === "POST" && r.path.endsWith("/check-runs"));
    expect(created?.body).toMatchObject({ name: "cwe-review", head_sha: sha, status: "queued" });
    expect(github.violations).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("check_run.rerequested for another app's check is ignored", async () => {
    const payload = examplePayload<{ check_run: { name: string } }>("check_run", "rerequested");
    expect(payload.check_run.name).not.toBe("cwe-review");
    nock.cleanAll(); // no GitHub call at all, not even a token
    const probot = await createTestProbot(queue, API);
    await probot.receive({ id: "r-2", name: "check_run", payload } as never);
    expect(await queue.count()).toBe(0);
  });

  it("check_suite.rerequested queues one job per pull request it lists", async () => {
    const payload = examplePayload<{ check_suite: { head_sha: string; pull_requests: { number: number }[] } }>("check_suite", "rerequested");
    const suite = payload.check_suite;
    expect(suite.pull_requests.map((p) => p.number)).toEqual([2]);
    nock.cleanAll();
    github = mockGitHub(API);
    github.scope
      .post("/app/installations/957387/access_tokens")
      .reply(201, { token: "ghs_app", expires_at: "2099-01-01T00:00:00Z" })
      .post("/repos/Codertocat/Hello-World/check-runs")
      .reply(201, { id: 601 });
    const probot = await createTestProbot(queue, API);
    await probot.receive({ id: "r-3", name: "check_suite", payload } as never);
    const id = reviewJobId({ owner: "Codertocat", repo: "Hello-World", pullNumber: 2, headSha: suite.head_sha });
    expect(await queue.has(`${id}-rerun-601`)).toBe(true);
    expect(github.violations).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe("/healthz", () => {
  async function get(path: string, handler: (req: IncomingMessage, res: ServerResponse) => unknown) {
    const req = new IncomingMessage(new Socket());
    req.method = "GET";
    req.url = path;
    const res = new ServerResponse(req);
    let status = 0;
    res.writeHead = ((code: number) => {
      status = code;
      return res;
    }) as never;
    res.end = (() => res) as never;
    const handled = await handler(req, res);
    return { handled, status };
  }

  it("answers 200 while Redis is reachable and leaves other paths to Probot", async () => {
    nock.cleanAll();
    const probot = await createTestProbot(queue, API);
    const [healthz] = probot.handlers;
    if (!healthz) throw new Error("the app added no HTTP handler");
    expect(await get("/healthz", healthz)).toEqual({ handled: true, status: 200 });
    expect(await get("/api/github/webhooks", healthz)).toEqual({ handled: false, status: 0 });
  });
});
