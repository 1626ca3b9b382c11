import { matchOperation, OPENAPI_VERSION } from "../support/openapi/operations.js";
import { OpenApiViolation, validateRequest } from "../support/openapi/validate-request.js";

const API = "https://api.github.com";
const GHE = "https://ghe.example.com/api/v3";
const CHECK = "/repos/octo/app/check-runs";
const REVIEW = "/repos/octo/app/pulls/7/reviews";

const annotation = (i: number) => ({ path: "app/db.py", start_line: i + 1, end_line: i + 1, annotation_level: "failure", message: "SQL built from input" });
const comment = { path: "app/db.py", line: 12, side: "RIGHT", body: "CWE-89" };

/** Runs validateRequest and returns the thrown violation (or undefined when it passes). */
function violation(method: string, url: string, body: unknown): OpenApiViolation | undefined {
  try {
    validateRequest(method, url, body);
    return undefined;
  } catch (err) {
    if (err instanceof OpenApiViolation) return err;
    throw err;
  }
}

describe("matchOperation", () => {
  test.each([
    ["POST", `${API}${CHECK}`, "checks/create", {}],
    ["PATCH", `${GHE}${CHECK}/42`, "checks/update", { check_run_id: "42" }],
    ["GET", `${API}/repos/octo/app/pulls/7`, "pulls/get", { pull_number: "7" }],
    ["GET", `${API}/repos/octo/app/pulls?state=open&head=octo:feature`, "pulls/list", {}],
    ["GET", `${API}/repos/octo/app/pulls/7/files?per_page=100&page=2`, "pulls/list-files", {}],
    ["GET", `${API}/repos/octo/app/pulls/7/comments`, "pulls/list-review-comments", {}],
    ["POST", `${GHE}${REVIEW}`, "pulls/create-review", {}],
    ["GET", `${API}/repos/octo/app/git/blobs/abc123`, "git/get-blob", { file_sha: "abc123" }],
    ["GET", `${API}/repos/octo/app/contents/.github/cwe-review.yml?ref=main`, "repos/get-content", { path: ".github/cwe-review.yml" }],
    ["GET", `${API}/repos/octo/app/contents/app%2Fdb.py`, "repos/get-content", { path: "app/db.py" }],
    ["POST", `${API}/app/installations/5/access_tokens`, "apps/create-installation-access-token", { installation_id: "5" }],
    ["POST", `${API}/graphql`, "graphql", {}],
    ["POST", "https://ghe.example.com/api/graphql", "graphql", {}],
    ["PATCH", `http://127.0.0.1:4000/api/v3${CHECK}/1`, "checks/update", {}],
    ["POST", `${CHECK}`, "checks/create", {}],
  ])("%s %s → %s", (method, url, id, params) => {
    const m = matchOperation(method, url);
    expect(m?.op.id).toBe(id);
    expect(m?.params).toMatchObject(params);
  });

  test("an endpoint cwe-review does not use matches nothing", () => {
    expect(matchOperation("DELETE", `${API}/repos/octo/app`)).toBeUndefined();
    expect(matchOperation("GET", `${API}${CHECK}`)).toBeUndefined();
  });
});

describe("validateRequest rejects what GitHub refuses", () => {
  test.each<[string, string, string, unknown, RegExp]>([
    ["51 annotations", "PATCH", `${API}${CHECK}/1`, { output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i)) } }, /checks\/update .*body\/output\/annotations must NOT have more than 50 items/],
    ["bad annotation level", "PATCH", `${API}${CHECK}/1`, { output: { title: "t", summary: "s", annotations: [{ ...annotation(0), annotation_level: "error" }] } }, /annotation_level must be equal to one of the allowed values: \["notice","warning","failure"\]/],
    ["completed without conclusion (update)", "PATCH", `${API}${CHECK}/1`, { status: "completed" }, /body must have required property 'conclusion'/],
    ["completed without conclusion (create)", "POST", `${API}${CHECK}`, { name: "cwe-review", head_sha: "abc", status: "completed" }, /checks\/create .*must have required property 'conclusion'/],
    ["completed_at without conclusion", "POST", `${API}${CHECK}`, { name: "cwe-review", head_sha: "abc", completed_at: "2026-01-01T00:00:00Z" }, /must have required property 'conclusion'/],
    ["misspelled check field", "POST", `${API}${CHECK}`, { name: "cwe-review", head_sha: "abc", stauts: "queued" }, /must NOT have additional properties "stauts"/],
    ["misspelled output field", "PATCH", `${GHE}${CHECK}/1`, { output: { title: "t", summery: "s" } }, /body\/output must have required property 'summary'.*body\/output must NOT have additional properties "summery"/],
    ["side RIGHTT", "POST", `${API}${REVIEW}`, { event: "COMMENT", body: "b", comments: [{ ...comment, side: "RIGHTT" }] }, /pulls\/create-review .*body\/comments\/0\/side must be equal to one of the allowed values: \["LEFT","RIGHT"\]/],
    ["start_side lower case", "POST", `${API}${REVIEW}`, { comments: [{ ...comment, start_line: 10, start_side: "right" }] }, /start_side must be equal to one of the allowed values/],
    ["misspelled comment field", "POST", `${API}${REVIEW}`, { comments: [{ ...comment, star_line: 10 }] }, /comments\/0 must NOT have additional properties "star_line"/],
    ["comment without line or position", "POST", `${API}${REVIEW}`, { comments: [{ path: "a.py", body: "b" }] }, /must have required property 'line'/],
    ["start_line without line", "POST", `${API}${REVIEW}`, { comments: [{ path: "a.py", body: "b", position: 3, start_line: 1 }] }, /must have property line when property start_line is present/],
    ["unknown review event", "POST", `${API}${REVIEW}`, { event: "COMMENTED", body: "b" }, /body\/event must be equal to one of the allowed values/],
    ["per_page over 100", "GET", `${API}/repos/octo/app/pulls/7/files?per_page=300`, undefined, /query parameter\/per_page must be <= 100/],
    ["misspelled query parameter", "GET", `${API}/repos/octo/app/pulls/7/files?perpage=100`, undefined, /query parameter "perpage" is not accepted by pulls\/list-files/],
    ["non-numeric pull number", "GET", `${API}/repos/octo/app/pulls/undefined/files`, undefined, /path parameter\/pull_number must be integer/],
    ["a body on a GET", "GET", `${API}/repos/octo/app/pulls/7`, { state: "open" }, /pulls\/get takes no request body/],
    ["check without body", "POST", `${API}${CHECK}`, undefined, /request body is required/],
    ["GraphQL without variables", "POST", `${API}/graphql`, { query: "mutation { x }" }, /graphql .*must have required property 'variables'/],
    ["GraphQL with a stray field", "POST", "https://ghe.example.com/api/graphql", { query: "q", variables: {}, threadId: "x" }, /additional properties "threadId"/],
    ["endpoint not used", "DELETE", `${API}/repos/octo/app/pulls/7`, undefined, /unknown operation .*no operation cwe-review uses/],
  ])("%s", (_label, method, url, body, message) => {
    const err = violation(method, url, body);
    expect(err).toBeInstanceOf(OpenApiViolation);
    expect(err?.name).toBe("OpenApiViolation");
    expect(err?.message).toMatch(message);
  });
});

describe("validateRequest accepts what the app sends", () => {
  test.each<[string, string, string, unknown]>([
    ["create queued check", "POST", `${API}${CHECK}`, { name: "cwe-review", head_sha: "abc", status: "queued", external_id: "d-1" }],
    ["in_progress", "PATCH", `${API}${CHECK}/1`, { status: "in_progress", started_at: "2026-11-26T06:00:00Z" }],
    ["50 annotations", "PATCH", `${GHE}${CHECK}/1`, { output: { title: "t", summary: "s", annotations: Array.from({ length: 50 }, (_, i) => annotation(i)) } }],
    ["completed with conclusion", "PATCH", `${API}${CHECK}/1`, { status: "completed", conclusion: "failure", completed_at: "2026-11-26T06:00:01Z", output: { title: "2 weaknesses", summary: "| CWE | n |" } }],
    ["conclusion alone", "PATCH", `${API}${CHECK}/1`, { conclusion: "success" }],
    ["review with single and multi-line comments", "POST", `${API}${REVIEW}`, { commit_id: "abc", event: "COMMENT", body: "cwe-review", comments: [comment, { ...comment, start_line: 10, start_side: "RIGHT" }] }],
    ["review comment by position", "POST", `${API}${REVIEW}`, { event: "COMMENT", body: "b", comments: [{ path: "a.py", position: 4, body: "b" }] }],
    ["paginated list", "GET", `${API}/repos/octo/app/pulls/7/files?per_page=100&page=3`, undefined],
    ["comments list", "GET", `${API}/repos/octo/app/pulls/7/comments?per_page=100`, ""],
    ["contents at ref", "GET", `${API}/repos/octo/app/contents/.github/cwe-review.yml?ref=abc`, undefined],
    ["token without body", "POST", `${API}/app/installations/5/access_tokens`, undefined],
    ["token body as JSON string", "POST", `${API}/app/installations/5/access_tokens`, JSON.stringify({ repositories: ["app"] })],
    ["resolveReviewThread", "POST", `${API}/graphql`, { query: "mutation($id: ID!) { resolveReviewThread(input: {threadId: $id}) { thread { id } } }", variables: { id: "PRRT_1" } }],
  ])("%s", (_label, method, url, body) => {
    expect(violation(method, url, body)).toBeUndefined();
  });
});

test("the fixture was extracted from the installed @octokit/openapi (else run npm run openapi:extract)", async () => {
  const { createRequire } = await import("node:module");
  const installed = (createRequire(import.meta.url)("@octokit/openapi/package.json") as { version: string }).version;
  expect(OPENAPI_VERSION).toBe(installed);
});
