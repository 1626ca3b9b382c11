import { isPathIncluded, parseRepoConfig } from "../config/repo-config.js";
import type { Detector } from "../detector/detector.js";
import type { Finding } from "../findings/finding.js";
import { selectFindings } from "../findings/select-findings.js";
import { completeCheck, startCheck } from "../github/check-run.js";
import type { GitHubClient } from "../github/client.js";
import { createReview } from "../github/create-review.js";
import { listPullFiles } from "../github/pull-files.js";
import { getRepoConfigText } from "../github/repo-config-text.js";
import { resolveThreads } from "../github/resolve-threads.js";
import { listPostedComments } from "../github/review-comments.js";
import type { ReviewJob } from "../job/job.js";
import { toAnnotations } from "../review/annotations.js";
import { decideConclusion } from "../review/conclusion.js";
import { findFixed, planReview } from "../review/plan-review.js";
import { renderSummary } from "../review/summary.js";
import type { WindowCutter } from "../windows/cut-windows.js";
import { renderReviewBody } from "./review-body.js";
import { scanFile } from "./scan-file.js";

/** What the review handler needs; tests pass their own detector and clock. */
export interface ReviewDeps {
  /** Client authenticated as the job's installation. */
  github: GitHubClient;
  detector: Detector;
  cutter: WindowCutter;
  clock: () => Date;
  limits: { maxFileBytes: number; maxFiles: number };
  log?: { warn(message: string, fields?: object): void };
}

/** What one review did, for logs and tests. */
export interface ReviewOutcome {
  conclusion: "success" | "failure" | "neutral";
  findings: number;
  newComments: number;
  reviewId: number | null;
  filesScanned: number;
  skipped: { path: string; reason: string }[];
}

const PYTHON_FILE = /\.pyi?$/;

/**
 * Reviews one pushed commit of a pull request, start to finish. Safe to run again for the
 * same job: comments already on the pull request (found by fingerprint) are not posted
 * again, and from the second `attempt` on annotations already on the check run are not sent
 * again, so a retry after the review was posted adds nothing.
 */
export async function processReview(job: ReviewJob, deps: ReviewDeps, attempt = 1): Promise<ReviewOutcome> {
  const gh = deps.github;
  const ref = { owner: job.owner, repo: job.repo };
  const started = deps.clock();
  await startCheck(gh, ref, job.checkRunId, started);

  // The base commit's config: a pull request cannot switch off its own review.
  const { config, error: configError } = parseRepoConfig(await getRepoConfigText(gh, ref, job.baseSha));
  const { files, truncated } = await listPullFiles(gh, ref, job.pullNumber, deps.limits.maxFiles);

  const skipped: { path: string; reason: string }[] = [];
  if (truncated) skipped.push({ path: "(further files)", reason: `only the first ${files.length} files of the pull request were listed` });
  const kept: Finding[] = [];
  const fileLines = new Map<string, string[]>();
  let filesScanned = 0;
  let windows = 0;
  // One file at a time, keeping only the lines of files with findings: memory stays bounded.
  for (const file of files) {
    if (!PYTHON_FILE.test(file.filename) || !isPathIncluded(config, file.filename)) continue;
    if (file.status === "removed" || file.status === "unchanged") continue;
    const scan = await scanFile(gh, ref, file, { baseSha: job.baseSha, maxFileBytes: deps.limits.maxFileBytes, detector: deps.detector, cutter: deps.cutter });
    if ("skipped" in scan) {
      skipped.push({ path: scan.path, reason: scan.skipped });
      continue;
    }
    filesScanned += 1;
    windows += scan.windows;
    if (scan.findings.length === 0) continue;
    const selected = selectFindings(scan.findings, {
      changedLines: new Map([[scan.path, new Set(scan.changedLines)]]),
      fileLines: new Map([[scan.path, scan.lines]]),
      config,
    });
    if (selected.kept.length === 0) continue;
    kept.push(...selected.kept);
    fileLines.set(scan.path, scan.lines);
  }

  const posted = await listPostedComments(gh, ref, job.pullNumber);
  const plan = planReview(kept, {
    fileLines,
    posted: new Set(posted.keys()),
    inlineComments: config.inlineComments,
    maxInline: config.maxInlineComments,
  });
  let reviewId: number | null = null;
  if (plan.comments.length > 0) {
    reviewId = await createReview(gh, ref, job.pullNumber, {
      commitId: job.headSha,
      body: renderReviewBody(plan.comments.length, plan.overflow.length, deps.detector.info),
      comments: plan.comments,
    });
  }

  // A posted finding whose file could not be read this time is unknown, not fixed.
  const unreadable = new Set(skipped.map((s) => s.path));
  const fixed = findFixed(posted, new Set(plan.fingerprints.values())).filter((f) => !unreadable.has(f.path));
  const conclusion = decideConclusion(kept, config);
  const { title, summary } = renderSummary({
    findings: kept,
    overflow: plan.overflow,
    fixed,
    filesScanned,
    windows,
    skipped,
    model: deps.detector.info,
    ...(configError !== undefined ? { configError } : {}),
    ms: deps.clock().getTime() - started.getTime(),
  });
  await completeCheck(gh, ref, job.checkRunId, { conclusion, title, summary, annotations: toAnnotations(kept, config.failOn), now: deps.clock(), retry: attempt > 1 });

  const resolved = await resolveThreads(gh, ref, job.pullNumber, new Set(fixed.map((f) => f.commentId)));
  for (const error of resolved.errors) deps.log?.warn("cwe-review: could not resolve a fixed finding's thread", { error: String(error) });

  return { conclusion, findings: kept.length, newComments: plan.comments.length, reviewId, filesScanned, skipped };
}
