/**
 * The stand-in GitHub, driven by a real Octokit configured as for a GitHub Enterprise Server
 * (baseUrl …/api/v3, GitHub App auth), so what the demo and e2e test rely on is checked here.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import { Ajv } from "ajv";
import formatsModule from "ajv-formats";
import { OPERATIONS } from "../support/openapi/operations.js";
import { blobSha, FakeGitHub, pullRequestEvent, SAMPLE_REPO, sampleHistory, signWebhook, syntheticHistory } from "../support/fake-github/index.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
const APP_ID = 4242;
const { owner, repo, number } = SAMPLE_REPO;

// Octokit logs every 4xx; the refusals here are expected.
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let github: FakeGitHub;
let octokit: Octokit;
const history = sampleHistory();

beforeAll(async () => {
  github = await FakeGitHub.start({ appId: APP_ID, privateKey });
  github.addPullRequest({ ...SAMPLE_REPO, history, installationId: 77 });
  octokit = new Octokit({ baseUrl: github.apiUrl, authStrategy: createAppAuth, auth: { appId: APP_ID, privateKey, installationId: 77 }, log: quiet });
});
afterAll(async () => {
  await github.close();
});

const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (a: Ajv) => Ajv;
const responseAjv = addFormats(new Ajv({ strict: false, allErrors: true }));
/** The fake's answer must match GitHub's documented response schema for the operation. */
function expectDocumentedShape(operationId: string, data: unknown): void {
  const schema = OPERATIONS.get(operationId)?.response.schema;
  if (!schema) throw new Error(`no response schema for ${operationId}`);
  const validate = responseAjv.compile(schema);
  const ok = validate(data);
  expect(ok ? [] : responseAjv.errorsText(validate.errors)).toEqual([]);
}

describe("git history (real git)", () => {
  test("patches and blob SHAs are what git produces", () => {
    const push1 = history.heads[0];
    const db = push1?.files.find((f) => f.filename === "app/db.py");
    expect(db).toMatchObject({ status: "modified", additions: 12, deletions: 0, changes: 12 });
    expect(db?.patch?.split("\n")[0]).toBe("@@ -9,3 +9,15 @@ def find_order(conn, order_id):");
    expect(db?.patch).toContain(`+    cursor.execute(f"SELECT id, email FROM users WHERE name = '{username}'")`);
    const thumbs = push1?.files.find((f) => f.filename === "app/thumbnails.py");
    expect(thumbs?.status).toBe("added");
    const bytes = history.blobs.get(thumbs?.sha ?? "");
    expect(bytes).toBeDefined();
    expect(execFileSync("git", ["hash-object", "--stdin"], { input: bytes }).toString().trim()).toBe(thumbs?.sha);
    expect(blobSha(Buffer.from("x\n"))).toBe(execFileSync("git", ["hash-object", "--stdin"], { input: "x\n" }).toString().trim());
    expect(push1?.files.map((f) => f.filename).sort()).toEqual(["README.md", "app/db.py", "app/settings.py", "app/thumbnails.py", "app/views.py"]);
  });

  test("commit SHAs are reproducible", () => {
    expect(sampleHistory().heads.map((h) => h.commit.sha)).toEqual(history.heads.map((h) => h.commit.sha));
  });

  test("a synthetic pull request adds exactly the lines asked for", () => {
    const synthetic = syntheticHistory(320);
    const files = synthetic.heads[0]?.files ?? [];
    expect(files.reduce((n, f) => n + f.additions, 0)).toBe(320);
    expect(files.every((f) => f.filename.endsWith(".py") && f.status === "added")).toBe(true);
  });
});

describe("REST operations over Octokit (GHES base URL, app auth)", () => {
  test("pulls.get answers the documented shape with the sample's SHAs", async () => {
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
    expect(data.head.sha).toBe(history.heads[0]?.commit.sha);
    expect(data.base.sha).toBe(history.base.sha);
    expect(data.changed_files).toBe(5);
    expectDocumentedShape("pulls/get", data);
  });

  test("pulls.listFiles paginates with Link headers", async () => {
    const first = await octokit.rest.pulls.listFiles({ owner, repo, pull_number: number, per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toMatch(/page=2>; rel="next".*page=3>; rel="last"/);
    const all = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 2 });
    expect(all.map((f) => f.filename).sort()).toEqual(["README.md", "app/db.py", "app/settings.py", "app/thumbnails.py", "app/views.py"]);
    expectDocumentedShape("pulls/list-files", all);
  });

  test("repos.getContent and git.getBlob return the file at a commit; a missing file is 404", async () => {
    const head = history.heads[0]?.commit.sha ?? "";
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path: "app/thumbnails.py", ref: head });
    expectDocumentedShape("repos/get-content", data);
    const file = data as { content: string; sha: string };
    expect(Buffer.from(file.content, "base64").toString()).toContain("shell=True");
    const blob = await octokit.rest.git.getBlob({ owner, repo, file_sha: file.sha });
    expect(Buffer.from(blob.data.content, "base64").toString()).toContain("shell=True");
    expectDocumentedShape("git/get-blob", blob.data);
    await expect(octokit.rest.repos.getContent({ owner, repo, path: ".github/cwe-review.yml", ref: history.base.sha })).rejects.toMatchObject({ status: 404 });
    expect(github.state.violations).toEqual([]);
  });

  test("failNext answers the next calls of an operation with an error, then serves again", async () => {
    github.failNext("pulls/get", 502, 2);
    await expect(octokit.rest.pulls.get({ owner, repo, pull_number: number })).rejects.toMatchObject({ status: 502 });
    await expect(octokit.rest.pulls.get({ owner, repo, pull_number: number })).rejects.toMatchObject({ status: 502 });
    await expect(octokit.rest.pulls.get({ owner, repo, pull_number: number })).resolves.toMatchObject({ status: 200 });
    expect(github.state.violations).toEqual([]);
  });

  test("pulls.list finds the pull request by head branch", async () => {
    const { data } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:feature-${number}` });
    expect(data.map((p) => p.number)).toEqual([number]);
  });

  test("check runs: create, 50 annotations per update, completed", async () => {
    const head = history.heads[0]?.commit.sha ?? "";
    const created = await octokit.rest.checks.create({ owner, repo, name: "cwe-review", head_sha: head, status: "queued" });
    expectDocumentedShape("checks/create", created.data);
    const annotations = Array.from({ length: 50 }, (_, i) => ({ path: "app/db.py", start_line: i + 1, end_line: i + 1, annotation_level: "failure" as const, message: "m" }));
    await octokit.rest.checks.update({ owner, repo, check_run_id: created.data.id, output: { title: "t", summary: "s", annotations } });
    const done = await octokit.rest.checks.update({ owner, repo, check_run_id: created.data.id, status: "completed", conclusion: "failure", output: { title: "t", summary: "done", annotations: annotations.slice(0, 3) } });
    expectDocumentedShape("checks/update", done.data);
    expect(done.data.output.annotations_count).toBe(53);
    const run = github.state.checkRuns.get(created.data.id);
    expect(run).toMatchObject({ status: "completed", conclusion: "failure", output: { summary: "done" } });
    expect(run?.completedAtMs).not.toBeNull();
    const listed = await octokit.paginate(octokit.rest.checks.listAnnotations, { owner, repo, check_run_id: created.data.id, per_page: 20 });
    expectDocumentedShape("checks/list-annotations", listed);
    expect(listed.map((a) => a.start_line)).toEqual([...annotations.map((a) => a.start_line), 1, 2, 3]);
  });

  test("a request GitHub would refuse gets 422 and is recorded", async () => {
    const head = history.heads[0]?.commit.sha ?? "";
    const before = github.state.violations.length;
    const { data } = await octokit.rest.checks.create({ owner, repo, name: "cwe-review", head_sha: head });
    const annotations = Array.from({ length: 51 }, (_, i) => ({ path: "a.py", start_line: i + 1, end_line: i + 1, annotation_level: "notice" as const, message: "m" }));
    await expect(octokit.rest.checks.update({ owner, repo, check_run_id: data.id, output: { title: "t", summary: "s", annotations } })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.checks.update({ owner, repo, check_run_id: data.id, status: "completed" })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.checks.create({ owner, repo, name: "cwe-review", head_sha: "0".repeat(40) })).rejects.toMatchObject({ status: 422 });
    const recorded = github.state.violations.slice(before).map((v) => v.message);
    expect(recorded).toEqual([
      expect.stringMatching(/checks\/update .*annotations must NOT have more than 50 items/),
      expect.stringMatching(/checks\/update .*must have required property 'conclusion'/),
      expect.stringMatching(/No commit found for SHA/),
    ]);
    github.state.violations.length = before;
  });

  test("reviews: comments only on diff lines; listed back with all pages; threads resolve over GraphQL", async () => {
    const head = history.heads[0]?.commit.sha ?? "";
    // Line 15 of app/db.py is the added f-string query; line 2 is outside every hunk.
    await expect(octokit.rest.pulls.createReview({ owner, repo, pull_number: number, commit_id: head, event: "COMMENT", body: "b", comments: [{ path: "app/db.py", line: 2, side: "RIGHT", body: "x" }] })).rejects.toMatchObject({ status: 422 });
    expect(github.state.violations.pop()?.message).toMatch(/line must be part of the diff/);
    await expect(octokit.rest.pulls.createReview({ owner, repo, pull_number: number, event: "COMMENT", body: "b", comments: [{ path: "app/db.py", line: 15, side: "RIGHTT", body: "x" }] })).rejects.toMatchObject({ status: 422 });
    expect(github.state.violations.pop()?.message).toMatch(/side must be equal to one of the allowed values/);

    const review = await octokit.rest.pulls.createReview({
      owner, repo, pull_number: number, commit_id: head, event: "COMMENT", body: "cwe-review found 2 weaknesses",
      comments: [
        { path: "app/db.py", line: 15, side: "RIGHT", body: "CWE-89 <!-- fp:1 -->" },
        { path: "app/thumbnails.py", start_line: 7, start_side: "RIGHT", line: 8, side: "RIGHT", body: "CWE-78" },
      ],
    });
    expect(review.data.state).toBe("COMMENTED");
    expectDocumentedShape("pulls/create-review", review.data);
    const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, { owner, repo, pull_number: number, per_page: 1 });
    expect(comments.map((c) => [c.path, c.start_line, c.line, c.side, c.body])).toEqual([
      ["app/db.py", null, 15, "RIGHT", "CWE-89 <!-- fp:1 -->"],
      ["app/thumbnails.py", 7, 8, "RIGHT", "CWE-78"],
    ]);
    expectDocumentedShape("pulls/list-review-comments", comments);

    const threads = await octokit.graphql<{ repository: { pullRequest: { reviewThreads: { nodes: { id: string; isResolved: boolean; comments: { nodes: { databaseId: number }[] } }[] } } } }>(
      "query($owner: String!, $repo: String!, $number: Int!, $after: String) { repository(owner: $owner, name: $repo) { pullRequest(number: $number) { reviewThreads(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id isResolved comments(first: 1) { nodes { databaseId } } } } } } }",
      { owner, repo, number, after: null },
    );
    const nodes = threads.repository.pullRequest.reviewThreads.nodes;
    expect(nodes.map((n) => n.comments.nodes[0]?.databaseId)).toEqual(comments.map((c) => c.id));
    await octokit.graphql("mutation($threadId: ID!) { resolveReviewThread(input: { threadId: $threadId }) { thread { id isResolved } } }", { threadId: nodes[0]?.id });
    expect(github.state.comments.map((c) => c.resolved)).toEqual([true, false]);
    expect(github.state.reviews).toHaveLength(1);
    expect(github.state.violations).toEqual([]);
  });

  test("a push moves the head; the synchronize payload names both SHAs", () => {
    const pull = github.push(owner, repo, number);
    expect(pull.head.sha).toBe(history.heads[1]?.commit.sha);
    const payload = pullRequestEvent(github, owner, repo, number, "synchronize");
    expect(payload).toMatchObject({ action: "synchronize", before: history.heads[0]?.commit.sha, after: history.heads[1]?.commit.sha, installation: { id: 77 }, repository: { full_name: `${owner}/${repo}` } });
    // Expected value from `printf '{}' | openssl dgst -sha256 -hmac s`.
    expect(signWebhook("{}", "s")).toBe("sha256=143ca8d517ba1b181025d732b1cf275d90104fca57bb02a565542978aa18c4b6");
  });
});

describe("authentication", () => {
  test("a JWT signed by another key gets no token; calls without a token are 401", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const intruder = new Octokit({ baseUrl: github.apiUrl, authStrategy: createAppAuth, auth: { appId: APP_ID, privateKey: other.privateKey, installationId: 77 } });
    await expect(intruder.rest.pulls.get({ owner, repo, pull_number: number })).rejects.toMatchObject({ status: 401 });
    const anonymous = new Octokit({ baseUrl: github.apiUrl });
    await expect(anonymous.rest.pulls.get({ owner, repo, pull_number: number })).rejects.toMatchObject({ status: 401 });
    expect(github.state.violations.splice(0).map((v) => v.status)).toEqual([401, 401]);
  });
});
