/**
 * `npm run demo`: cwe-review reviewing a sample pull request, end to end, on this machine.
 * Starts a private Redis, a stand-in GitHub serving the sample repository, the app
 * (`npm start`) and a worker (`npm run worker`) with the committed model, sends a signed
 * pull_request.opened webhook, waits for the check run, and prints what a reviewer sees.
 * Every process it starts is stopped on exit, on error and on Ctrl-C.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deliverWebhook, FakeGitHub, pullRequestEvent, SAMPLE_REPO, sampleHistory, type RecordedCheckRun } from "../../test/support/fake-github/index.js";
import { ensureBuild } from "./ensure-build.js";
import { throwawayAppKey } from "./keys.js";
import { renderCheck, renderComments } from "./reviewer-view.js";
import { running } from "./service.js";
import { startStack, type Stack } from "./stack.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// DEMO_APP_ROOT: run the app and worker from another folder laid out as the Docker image's runtime
// stage (scripts/docker/runtime-layout.sh), with the image's own node commands instead of npm scripts.
const APP_ROOT = process.env["DEMO_APP_ROOT"] ? resolve(process.env["DEMO_APP_ROOT"]) : ROOT;
const APP_ID = 1;
const MODEL_DIR = process.env["MODEL_DIR"] ?? "models/cwe-review-small";
const TIMEOUT_S = 120;

const say = (line: string) => process.stdout.write(`${line}\n`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

let stack: Stack | undefined;
let github: FakeGitHub | undefined;

async function cleanup(): Promise<void> {
  await Promise.allSettled([...running].map((s) => s.stop()));
  await stack?.stop().catch(() => undefined);
  await github?.close().catch(() => undefined);
}

// Ctrl-C or a kill: stop every child (each runs in its own process group) before leaving.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    say(`\n${signal}: stopping the demo's processes …`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Shows the check run's progress: a live line on a terminal, one line per change otherwise. */
function watchProgress(gh: FakeGitHub): () => void {
  const tty = process.stdout.isTTY;
  let state = "waiting for the app to create the check run";
  const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
  let frame = 0;
  const onRun = (run: RecordedCheckRun) => {
    const next = `check run ${run.status}${run.conclusion ? ` (${run.conclusion})` : ""}`;
    if (next === state) return;
    state = next;
    if (!tty) say(`  ${elapsed()}  ${state}`);
  };
  gh.on("check-run", onRun);
  const timer = tty ? setInterval(() => process.stdout.write(`\r  ${frames[frame++ % frames.length]} ${elapsed()}  ${state}\x1b[K`), 100) : undefined;
  return () => {
    gh.off("check-run", onRun);
    if (timer) {
      clearInterval(timer);
      process.stdout.write(`\r  ✓ ${elapsed()}  ${state}\x1b[K\n`);
    }
  };
}

async function main(): Promise<number> {
  if (!existsSync(resolve(APP_ROOT, MODEL_DIR, "manifest.json"))) {
    say(`demo: no model bundle at ${MODEL_DIR} (manifest.json missing). The committed model lives in models/cwe-review-small; set MODEL_DIR to use another.`);
    return 1;
  }
  if (APP_ROOT === ROOT) ensureBuild(ROOT, (line) => say(`demo: ${line}`));
  const logDir = mkdtempSync(join(tmpdir(), "cwe-review-demo-"));
  const privateKey = throwawayAppKey();
  const secret = randomBytes(16).toString("hex");

  const history = sampleHistory();
  github = await FakeGitHub.start({ appId: APP_ID, privateKey });
  const pull = github.addPullRequest({ ...SAMPLE_REPO, history, installationId: 1, body: "Adds thumbnails, plugin loading and a user lookup." });
  say(`demo: stand-in GitHub at ${github.apiUrl} serving ${SAMPLE_REPO.owner}/${SAMPLE_REPO.repo}#${SAMPLE_REPO.number} "${SAMPLE_REPO.title}"`);
  say(`      ${pull.files.length} changed files: ${pull.files.map((f) => `${f.filename} (+${f.additions}/-${f.deletions})`).join(", ")}`);
  const viaNpm = APP_ROOT === ROOT;
  say(viaNpm
    ? `demo: starting redis-server, the app (npm start) and a worker (npm run worker); logs in ${logDir}`
    : `demo: starting redis-server, and the app and a worker from ${APP_ROOT} as the image runs them (node …); logs in ${logDir}`);
  stack = await startStack({ root: APP_ROOT, github, appId: APP_ID, privateKey, webhookSecret: secret, workers: 1, modelDir: MODEL_DIR, logDir, viaNpm });
  say(`demo: ready after ${elapsed()} (Redis ${stack.redis.url}, app ${stack.webhookUrl})`);

  const payload = pullRequestEvent(github, SAMPLE_REPO.owner, SAMPLE_REPO.repo, SAMPLE_REPO.number, "opened");
  const stopProgress = watchProgress(github);
  let run: RecordedCheckRun;
  try {
    const delivery = await deliverWebhook(stack.webhookUrl, secret, "pull_request", payload);
    if (delivery.status >= 300) throw new Error(`the app answered the webhook with ${delivery.status}: ${delivery.body}`);
    const gh = github;
    run = await gh.waitFor(() => gh.checkRunsFor(pull.head.sha).find((r) => r.status === "completed"), TIMEOUT_S * 1000, "the check run to complete");
  } finally {
    stopProgress();
  }

  const review = github.state.reviews.find((r) => r.commitId === pull.head.sha);
  const comments = github.state.comments.filter((c) => review?.commentIds.includes(c.data.id)).map((c) => c.data);
  const tree = pull.head.tree;
  const blobs = github.state.repo(SAMPLE_REPO.owner, SAMPLE_REPO.repo)?.blobs;
  const fileAt = (path: string) => {
    const sha = tree.get(path);
    return sha ? blobs?.get(sha)?.toString("utf8") : undefined;
  };
  say("");
  say(`What a reviewer sees on ${SAMPLE_REPO.owner}/${SAMPLE_REPO.repo}#${SAMPLE_REPO.number}: ${review ? `one review with ${comments.length} inline comment(s)` : "no review"}`);
  say("");
  for (const line of renderComments(comments, fileAt)) say(line);
  for (const line of renderCheck({ name: run.name, status: run.status, conclusion: run.conclusion, title: run.output.title, summary: run.output.summary, annotations: run.annotations.length })) say(line);
  say("");
  const violations = github.state.violations;
  if (violations.length > 0) {
    say(`demo: ${violations.length} request(s) that GitHub would have refused:`);
    for (const v of violations) say(`  ${v.status} ${v.method} ${v.url}: ${v.message}`);
    return 1;
  }
  say(`demo: ${github.state.requests.length} GitHub API requests, all valid against GitHub's OpenAPI description; finished in ${elapsed()}`);
  return 0;
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    say(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
    await cleanup();
    process.exit(1);
  });
