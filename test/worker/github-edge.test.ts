/**
 * The GitHub edge on its own, against nock with OpenAPI-validated bodies: annotation
 * batches, file decoding and skipping, pagination, error mapping, thread resolution, and
 * the fallback diff for files GitHub sends without a patch.
 */
import nock from "nock";
import { isPermanentError } from "../../src/errors/permanent-error.js";
import { isRetryableError, RetryableError } from "../../src/errors/retryable-error.js";
import { fingerprintMarker } from "../../src/findings/fingerprint.js";
import { completeCheck, type CheckAnnotation } from "../../src/github/check-run.js";
import { createGitHubClientFactory, type GitHubClient } from "../../src/github/client.js";
import { getBlobText } from "../../src/github/file-text.js";
import { listPullFiles } from "../../src/github/pull-files.js";
import { resolveThreads } from "../../src/github/resolve-threads.js";
import { listPostedComments } from "../../src/github/review-comments.js";
import { toAppError } from "../../src/github/to-app-error.js";
import { createWindowCutter } from "../../src/windows/cut-windows.js";
import { scanFile } from "../../src/worker/scan-file.js";
import { mockGitHub, type GitHubMock } from "../support/github-mock.js";
import { createRegexDetector } from "../support/regex-detector.js";
import { TEST_APP_ID, TEST_PRIVATE_KEY } from "../support/test-app.js";

const API = "https://api.github.com";
const REF = { owner: "o", repo: "r" };
const R = "/repos/o/r";
let github: GitHubMock;
let gh: GitHubClient;

/** A fresh installation client; its first request fetches a token, which is mocked here. */
function newClient(): GitHubClient {
  github.scope.post("/app/installations/5/access_tokens").reply(201, { token: "ghs_t", expires_at: "2099-01-01T00:00:00Z" });
  return createGitHubClientFactory({ appId: TEST_APP_ID, privateKey: TEST_PRIVATE_KEY, baseUrl: API, retry: { enabled: false }, throttle: { enabled: false } })(5);
}

beforeEach(() => {
  nock.disableNetConnect();
  github = mockGitHub(API);
  gh = newClient();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(github.violations).toEqual([]);
  expect(pending).toEqual([]);
});

describe("completeCheck", () => {
  it("sends 120 annotations as 50 + 50 + 20, the conclusion with the last batch", async () => {
    const annotations: CheckAnnotation[] = Array.from({ length: 120 }, (_, i) => ({
      path: "a.py", start_line: i + 1, end_line: i + 1, annotation_level: "failure", message: `m${i}`, title: "CWE-89",
    }));
    github.scope.patch(`${R}/check-runs/3`).times(3).reply(200, {});
    await completeCheck(gh, REF, 3, { conclusion: "failure", title: "t", summary: "s", annotations, now: new Date(0) });
    const bodies = github.requests.filter((r) => r.method === "PATCH").map((r) => r.body as { conclusion?: string; output: { annotations: CheckAnnotation[] } });
    expect(bodies.map((b) => b.output.annotations.length)).toEqual([50, 50, 20]);
    expect(bodies.map((b) => b.conclusion)).toEqual([undefined, undefined, "failure"]);
    expect(bodies.map((b) => (b as { status?: string }).status)).toEqual([undefined, undefined, "completed"]);
    expect(bodies.flatMap((b) => b.output.annotations.map((a) => a.start_line))).toEqual(annotations.map((a) => a.start_line));
  });

  it("on a retry, sends only the annotations the run does not already hold (listed over pages)", async () => {
    const annotations: CheckAnnotation[] = Array.from({ length: 120 }, (_, i) => ({
      path: "a.py", start_line: i + 1, end_line: i + 1, annotation_level: "failure", message: `m${i}`, title: "CWE-89",
    }));
    const listed = annotations.slice(0, 110).map((a) => ({ ...a, start_column: null, end_column: null, raw_details: null, blob_href: "https://github.com/o/r/blob/x/a.py" }));
    const next = `<${API}${R}/check-runs/3/annotations?per_page=100&page=2>; rel="next", <${API}${R}/check-runs/3/annotations?per_page=100&page=2>; rel="last"`;
    github.scope
      .get(`${R}/check-runs/3/annotations`).query({ per_page: "100" }).reply(200, listed.slice(0, 100), { link: next })
      .get(`${R}/check-runs/3/annotations`).query({ per_page: "100", page: "2" }).reply(200, listed.slice(100))
      .patch(`${R}/check-runs/3`).reply(200, {});
    await completeCheck(gh, REF, 3, { conclusion: "failure", title: "t", summary: "s", annotations, now: new Date(0), retry: true });
    const bodies = github.requests.filter((r) => r.method === "PATCH").map((r) => r.body as { conclusion?: string; output: { annotations: CheckAnnotation[] } });
    expect(bodies.map((b) => b.conclusion)).toEqual(["failure"]);
    expect(bodies[0]?.output.annotations.map((a) => a.start_line)).toEqual(annotations.slice(110).map((a) => a.start_line));
  });

  it("cuts a summary over GitHub's 65,535 characters", async () => {
    github.scope.patch(`${R}/check-runs/3`).reply(200, {});
    await completeCheck(gh, REF, 3, { conclusion: "success", title: "t", summary: "x".repeat(70_000), annotations: [], now: new Date(0) });
    const body = github.requests.find((r) => r.method === "PATCH")?.body as { output: { summary: string; annotations?: unknown } };
    expect(body.output.summary.length).toBe(65_535);
    expect(body.output.annotations).toBeUndefined();
  });
});

describe("getBlobText", () => {
  const blob = (bytes: Buffer) => ({ sha: "s", size: bytes.length, encoding: "base64", content: bytes.toString("base64") });
  it.each([
    ["UTF-8 text", Buffer.from("x = 'é'\n"), { text: "x = 'é'\n" }],
    ["Latin-1 bytes", Buffer.from([0x78, 0x3d, 0xe9, 0x0a]), { skipped: "not UTF-8 text" }],
    ["a NUL byte", Buffer.from([0x78, 0x00, 0x79]), { skipped: "binary file" }],
    ["over the size limit", Buffer.from("a".repeat(101)), { skipped: "larger than 100 bytes" }],
  ])("%s", async (_name, bytes, expected) => {
    github.scope.get(`${R}/git/blobs/s`).reply(200, blob(bytes));
    expect(await getBlobText(gh, REF, "s", 100)).toEqual(expected);
  });

  it("skips a file GitHub cannot return (404) and retries a 502", async () => {
    github.scope.get(`${R}/git/blobs/s`).reply(404, {}).get(`${R}/git/blobs/s`).reply(502, {});
    expect(await getBlobText(gh, REF, "s", 100)).toEqual({ skipped: "GitHub could not return the file (404)" });
    await expect(getBlobText(gh, REF, "s", 100)).rejects.toBeInstanceOf(RetryableError);
  });
});

describe("pagination", () => {
  const link = (path: string, page: number) => `<${API}${path}?per_page=100&page=${page}>; rel="next"`;

  it("lists files across pages and stops at maxFiles", async () => {
    const file = (i: number) => ({ sha: `s${i}`, filename: `f${i}.py`, status: "added", additions: 1, deletions: 0, changes: 1, patch: "@@ -0,0 +1 @@\n+x" });
    github.scope
      .get(`${R}/pulls/1/files`).query({ per_page: "100" })
      .reply(200, Array.from({ length: 100 }, (_, i) => file(i)), { link: link(`${R}/pulls/1/files`, 2) })
      .get(`${R}/pulls/1/files`).query({ per_page: "100", page: "2" })
      .reply(200, [file(100), file(101)]);
    const all = await listPullFiles(gh, REF, 1, 3000);
    expect(all.files.map((f) => f.filename).slice(-2)).toEqual(["f100.py", "f101.py"]);
    expect(all.truncated).toBe(false);

    github.scope.get(`${R}/pulls/1/files`).query({ per_page: "100" }).reply(200, Array.from({ length: 100 }, (_, i) => file(i)), { link: link(`${R}/pulls/1/files`, 2) });
    const capped = await listPullFiles(gh, REF, 1, 30);
    expect(capped.files).toHaveLength(30);
    expect(capped.truncated).toBe(true);
  });

  it("reads fingerprints from review comments on every page and ignores other comments", async () => {
    const fpA = "0123456789abcdef";
    const fpB = "fedcba9876543210";
    github.scope
      .get(`${R}/pulls/1/comments`).query({ per_page: "100" })
      .reply(200, [
        { id: 1, path: "a.py", line: 3, body: `SQL injection\n${fingerprintMarker(fpA)}` },
        { id: 2, path: "a.py", line: 4, body: "a human's comment" },
      ], { link: link(`${R}/pulls/1/comments`, 2) })
      .get(`${R}/pulls/1/comments`).query({ per_page: "100", page: "2" })
      .reply(200, [{ id: 3, path: "b.py", line: null, original_line: 9, body: fingerprintMarker(fpB) }]);
    const posted = await listPostedComments(gh, REF, 1);
    expect([...posted.entries()]).toEqual([
      [fpA, { path: "a.py", line: 3, commentId: 1 }],
      [fpB, { path: "b.py", line: 9, commentId: 3 }],
    ]);
  });
});

describe("toAppError", () => {
  beforeEach(() => {
    nock.cleanAll(); // no requests here: drop the client's token mock
  });
  const httpError = (status: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error("x"), { name: "HttpError", status, response: { headers } });
  it.each([
    [500, {}, "retry"],
    [502, {}, "retry"],
    [429, {}, "retry"],
    [401, {}, "retry"],
    [403, { "x-ratelimit-remaining": "0" }, "retry"],
    [403, { "retry-after": "60" }, "retry"],
    [403, {}, "give up"],
    [404, {}, "give up"],
    [422, {}, "give up"],
  ])("%i %j → %s", (status, headers, expected) => {
    const mapped = toAppError(httpError(status, headers), "do it");
    expect(isRetryableError(mapped) ? "retry" : isPermanentError(mapped) ? "give up" : "unchanged").toBe(expected);
  });
  it("leaves other errors unchanged", () => {
    const error = new TypeError("bug");
    expect(toAppError(error, "do it")).toBe(error);
  });
});

describe("resolveThreads", () => {
  it("resolves the unresolved threads started by the fixed comments, and reports a failing mutation without throwing", async () => {
    const page = (nodes: unknown[], next: string | null) => ({
      data: { repository: { pullRequest: { reviewThreads: { pageInfo: { hasNextPage: next !== null, endCursor: next }, nodes } } } },
    });
    const thread = (id: string, databaseId: number, isResolved = false) => ({ id, isResolved, comments: { nodes: [{ databaseId }] } });
    const mutations: string[] = [];
    github.scope
      .post("/graphql", (b: { variables: { after: string | null } }) => b.variables.after === null)
      .reply(200, page([thread("T1", 11), thread("T2", 12), thread("T3", 13, true)], "c1"))
      .post("/graphql", (b: { variables: { after: string | null } }) => b.variables.after === "c1")
      .reply(200, page([thread("T4", 14)], null))
      .post("/graphql", (b: { variables: { threadId?: string } }) => b.variables.threadId === "T1" && mutations.push("T1") > 0)
      .reply(200, { data: { resolveReviewThread: { thread: { id: "T1", isResolved: true } } } })
      .post("/graphql", (b: { variables: { threadId?: string } }) => b.variables.threadId === "T4" && mutations.push("T4") > 0)
      .reply(200, { errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration" }] });
    const result = await resolveThreads(gh, REF, 1, new Set([11, 13, 14]));
    expect(mutations).toEqual(["T1", "T4"]);
    expect(result.resolved).toBe(1);
    expect(result.errors).toHaveLength(1);
  });
});

describe("scanFile without a patch", () => {
  it("reads the base version and diffs it, so only changed lines are in focus", async () => {
    const base = "import os\n\ndef f(cur, x):\n    return 1\n";
    const head = 'import os\n\ndef f(cur, x):\n    cur.execute(f"SELECT {x}")\n    return 1\n';
    github.scope
      .get(`${R}/git/blobs/h1`).reply(200, { sha: "h1", size: head.length, encoding: "base64", content: Buffer.from(head).toString("base64") })
      .get(`${R}/contents/old%2Fq.py`).query({ ref: "base0" })
      .reply(200, { type: "file", sha: "b1", size: base.length, encoding: "base64", content: Buffer.from(base).toString("base64") });
    const detector = createRegexDetector();
    const scan = await scanFile(gh, REF, { filename: "new/q.py", previous_filename: "old/q.py", status: "renamed", sha: "h1" }, {
      baseSha: "base0", maxFileBytes: 10_000, detector, cutter: await createWindowCutter(),
    });
    expect(scan).toMatchObject({ path: "new/q.py", changedLines: [4], windows: 1 });
    expect(detector.seen.map((w) => w.focusLines)).toEqual([[4]]);
    expect("findings" in scan && scan.findings.map((f) => f.line)).toEqual([4]);
  });
});
