/**
 * End to end over real processes, as a user runs cwe-review: a private redis-server, the app
 * (`npm start`) and a worker (`npm run worker`) with the committed model, talking HTTP to the
 * stand-in GitHub, which checks every request against GitHub's OpenAPI description. A signed
 * pull_request.opened webhook must produce one review with the expected inline comments and a
 * failing check run; a redelivery adds nothing; a synchronize push adds no duplicate comment.
 *
 * Needs `dist/` (built by `npm ci` through `prepare`; rebuilt here when src/ is newer).
 * E2E_MODEL_DIR=<bundle> runs it against another model bundle. Exact comments are asserted for
 * models verified below (by model.onnx hash); for any other, only the structure.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deliverWebhook, FakeGitHub, pullRequestEvent, SAMPLE_REPO, sampleHistory, type RecordedCheckRun } from "../support/fake-github/index.js";
import { ensureBuild } from "../../scripts/demo/ensure-build.js";
import { throwawayAppKey } from "../../scripts/demo/keys.js";
import { startStack, type Stack } from "../../scripts/demo/stack.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const COMMITTED_MODEL = "models/cwe-review-small";
const MODEL_DIR = process.env["E2E_MODEL_DIR"] ?? COMMITTED_MODEL;
const manifestPath = resolve(ROOT, MODEL_DIR, "manifest.json");
const onnxPath = resolve(ROOT, MODEL_DIR, "model.onnx");
const modelVersion = existsSync(manifestPath) ? String((JSON.parse(readFileSync(manifestPath, "utf8")) as { version?: unknown }).version) : "";
const modelSha = existsSync(onnxPath) ? createHash("sha256").update(readFileSync(onnxPath)).digest("hex") : "";
const APP_ID = 1;
const { owner, repo, number } = SAMPLE_REPO;

/**
 * What each verified model reports on the sample pull request's first push, by the sha256 of
 * its model.onnx: the inline comments in the order posted, as [path, first line, last line,
 * CWE] (lines of test/support/fake-github/sample/push1/), and the conclusion. A model not
 * listed here (a retrained one, the untrained placeholder) gets the structural assertions
 * only, and the test says so in its name: run `npm run demo` with it, check the comments, and
 * add its entry.
 */
const EXPECTED_BY_MODEL: Record<string, { version: string; comments: [string, number, number, string][]; conclusion: string }> = {
  // cwe-review-small 0.6.0 (0.5.0 fine-tuned further on 15,404 train examples), at its shared
  // threshold 0.72. The f-string SQL (line 17) and the shell=True command (lines 8-9) keep their
  // CWEs; the list-form subprocess call is still flagged, now as CWE-77. A regression from 0.5.0:
  // yaml.load with Loader=yaml.Loader (settings.py line 12) scores 0.62 for CWE-502, under the
  // threshold (0.5.0: 0.66 against 0.60), so this pull request gets no CWE-502 comment.
  "129df7c0d20a3422d266172f666c64dc3f57f4d665d194c8ea66934eba514d90": {
    version: "0.6.0",
    comments: [
      ["app/db.py", 17, 17, "CWE-89"],
      ["app/thumbnails.py", 8, 9, "CWE-78"],
      ["app/thumbnails.py", 13, 14, "CWE-77"],
    ],
    conclusion: "failure",
  },
  // cwe-review-small 0.5.0 (0.4.0 fine-tuned further on the new-library families), at its shared
  // threshold 0.60. The three planted weaknesses with the right CWE, as 0.4.0 (the f-string SQL on
  // line 17, the line after the execute). One false alarm is left: the list-form subprocess call
  // (CWE-78); the parameterised COUNT query is no longer flagged.
  "bf31ea573a2303281d5aaa48eda319ec42fb7e63ce01ed569c024618e54a8835": {
    version: "0.5.0",
    comments: [
      ["app/db.py", 17, 17, "CWE-89"],
      ["app/thumbnails.py", 8, 9, "CWE-78"],
      ["app/thumbnails.py", 13, 14, "CWE-78"],
      ["app/settings.py", 12, 12, "CWE-502"],
    ],
    conclusion: "failure",
  },
  // cwe-review-small 0.4.0 (whole-module training families, input noise), at its shared threshold
  // 0.39. All three planted weaknesses get the right CWE: the shell=True command now spans its
  // call (CWE-78, lines 8-9), yaml.load (CWE-502), and the f-string SQL, though only on line 17,
  // the line after the execute. The same two false alarms as 0.3.0: the list-form subprocess
  // call, now named CWE-78, and the parameterised COUNT query (CWE-89).
  "c41e46f079288471cd90ba1f649258446de76f19fca2fb79243998474a48cbca": {
    version: "0.4.0",
    comments: [
      ["app/db.py", 17, 17, "CWE-89"],
      ["app/thumbnails.py", 8, 9, "CWE-78"],
      ["app/thumbnails.py", 13, 14, "CWE-78"],
      ["app/db.py", 22, 23, "CWE-89"],
      ["app/settings.py", 12, 12, "CWE-502"],
    ],
    conclusion: "failure",
  },
  // cwe-review-small 0.3.0 (factored CWE head), at the default threshold (the model's shared
  // threshold 0.36). It names all three planted weaknesses with the right CWE: the f-string SQL
  // (CWE-89, db.py 16-17), the shell=True command (CWE-78, though on line 9, one below the call
  // on line 8) and yaml.load with the unsafe loader (CWE-502). Two false alarms remain: the
  // list-form subprocess call (CWE-77, line 13) and the parameterised COUNT query (CWE-89, 22-23).
  "5f61f5c6e601de7fc59db96a779ce3e68d6e20ab1afca1ae7bb681c33f3aa066": {
    version: "0.3.0",
    comments: [
      ["app/db.py", 16, 17, "CWE-89"],
      ["app/thumbnails.py", 9, 9, "CWE-78"],
      ["app/settings.py", 12, 12, "CWE-502"],
      ["app/thumbnails.py", 13, 13, "CWE-77"],
      ["app/db.py", 22, 23, "CWE-89"],
    ],
    conclusion: "failure",
  },
};
const EXPECTED = EXPECTED_BY_MODEL[modelSha];
const EXACT = EXPECTED !== undefined;
const EXPECTED_COMMENTS = EXPECTED?.comments ?? [];

/** The hidden fingerprint every comment carries (src/findings/fingerprint.ts). */
const FINGERPRINT = /<!-- cwe-review:fp=[0-9a-f]+ -->/;

const modelPresent = existsSync(manifestPath);
// Without a model bundle the worker refuses to start; say so instead of failing obscurely.
const describeIfModel = modelPresent ? describe : describe.skip;
if (!modelPresent) console.warn(`e2e: SKIPPED, no model bundle at ${MODEL_DIR} (the committed model is ${COMMITTED_MODEL})`);

describeIfModel(`review flow over real processes (${EXACT ? `model ${modelVersion}: exact comments` : `STRUCTURE ONLY: model ${MODEL_DIR} ${modelVersion} (sha256 ${modelSha.slice(0, 12)}) has no verified comments`})`, () => {
  let github: FakeGitHub;
  let stack: Stack;
  const secret = randomBytes(16).toString("hex");
  const history = sampleHistory();

  beforeAll(async () => {
    ensureBuild(ROOT);
    const privateKey = throwawayAppKey();
    github = await FakeGitHub.start({ appId: APP_ID, privateKey });
    github.addPullRequest({ ...SAMPLE_REPO, history, installationId: 1 });
    stack = await startStack({ root: ROOT, github, appId: APP_ID, privateKey, webhookSecret: secret, workers: 1, modelDir: MODEL_DIR, logDir: mkdtempSync(join(tmpdir(), "cwe-review-e2e-")), readyTimeoutS: 45 });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await github?.close();
  });

  const completedOn = (sha: string) => github.waitFor(() => github.checkRunsFor(sha).find((r) => r.status === "completed"), 45_000, `the check run on ${sha.slice(0, 7)} to complete`);
  const commentsOn = () => github.state.comments.filter((c) => c.owner === owner && c.repo === repo && c.pullNumber === number);

  let opened: RecordedCheckRun;

  test("pull_request.opened → check run queued, then one review with the inline comments and a failing check", async () => {
    const head = history.heads[0]?.commit.sha ?? "";
    const delivery = await deliverWebhook(stack.webhookUrl, secret, "pull_request", pullRequestEvent(github, owner, repo, number, "opened"));
    expect(delivery.status).toBeLessThan(300);
    opened = await completedOn(head);

    // The app created the run queued; the worker moved it on and completed it.
    const statuses = opened.updates.map((u) => u.body["status"]).filter(Boolean);
    expect(statuses[0]).toBe("queued");
    expect(statuses).toContain("in_progress");
    expect(opened.name).toBe("cwe-review");
    expect(github.checkRunsFor(head)).toHaveLength(1);

    const reviews = github.state.reviews.filter((r) => r.commitId === head);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]?.event).toBe("COMMENT");
    const comments = commentsOn();
    expect(comments.map((c) => c.data.id)).toEqual(reviews[0]?.commentIds);
    for (const c of comments) {
      expect(c.data.side).toBe("RIGHT");
      expect(c.data.body).toMatch(FINGERPRINT);
      expect(c.data.body).toMatch(/\[CWE-\d+\]\(https:\/\/cwe\.mitre\.org\/data\/definitions\/\d+\.html\)/);
    }
    if (EXACT) {
      const got = comments.map((c) => [c.data.path, c.data.start_line ?? c.data.line, c.data.line, /CWE-\d+/.exec(c.data.body)?.[0]]);
      expect(got).toEqual(EXPECTED_COMMENTS);
      expect(opened.conclusion).toBe(EXPECTED?.conclusion);
      expect(opened.annotations).toHaveLength(EXPECTED_COMMENTS.length);
      for (const [, , , cwe] of EXPECTED_COMMENTS) expect(opened.output.summary).toContain(cwe);
    } else {
      expect(comments.length).toBeGreaterThan(0);
      expect(opened.conclusion).toMatch(/^(failure|success|neutral)$/);
    }
    expect(github.state.violations).toEqual([]);
  }, 60_000);

  test("the same delivery again (GitHub redelivers) adds no check run, no job, no review", async () => {
    const head = history.heads[0]?.commit.sha ?? "";
    const requestsBefore = github.state.requests.length;
    const delivery = await deliverWebhook(stack.webhookUrl, secret, "pull_request", pullRequestEvent(github, owner, repo, number, "opened"));
    expect(delivery.status).toBeLessThan(300);
    // Give a wrongly queued job time to reach GitHub before checking that nothing did.
    await new Promise((r) => setTimeout(r, 1500));
    expect(github.checkRunsFor(head)).toHaveLength(1);
    expect(github.state.reviews).toHaveLength(1);
    // The app may read with its token; it must not write.
    const writes = github.state.requests.slice(requestsBefore).filter((r) => r.method !== "GET" && r.operationId !== "apps/create-installation-access-token");
    expect(writes).toEqual([]);
  }, 30_000);

  test("a synchronize push that moves the same findings adds no duplicate comment", async () => {
    const pull = github.push(owner, repo, number);
    const commentsBefore = commentsOn().map((c) => c.data.id);
    const delivery = await deliverWebhook(stack.webhookUrl, secret, "pull_request", pullRequestEvent(github, owner, repo, number, "synchronize"));
    expect(delivery.status).toBeLessThan(300);
    const run = await completedOn(pull.head.sha);
    // No two comments on the pull request carry the same fingerprint (path, CWE, line text).
    const fingerprints = commentsOn().map((c) => FINGERPRINT.exec(c.data.body)?.[0]);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    if (EXACT) {
      // The push only moved the findings down a line and added safe code: nothing new to say.
      expect(commentsOn().map((c) => c.data.id)).toEqual(commentsBefore);
      // A review without comments would still be noise on the pull request: none is posted.
      expect(github.state.reviews.filter((r) => r.commitId === pull.head.sha && r.commentIds.length === 0)).toEqual([]);
      expect(run.conclusion).toBe("failure");
      expect(run.annotations).toHaveLength(EXPECTED_COMMENTS.length);
    }
    expect(github.state.violations).toEqual([]);
  }, 60_000);
});
