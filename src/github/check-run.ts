import { callGitHub } from "./to-app-error.js";
import type { GitHubClient } from "./client.js";
import type { RepoRef } from "./repo-ref.js";

/** The name of our check run; branch protection refers to it. */
export const CHECK_NAME = "cwe-review";

/** GitHub accepts at most 50 annotations per check-run request ("Update a check run"). */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;

/** GitHub rejects check-run summaries over 65,535 characters ("Update a check run", output.summary). */
export const MAX_SUMMARY_CHARS = 65_535;

/** One check-run annotation as GitHub takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export type CheckConclusion = "success" | "failure" | "neutral";

/** Marks the check run in progress. */
export async function startCheck(gh: GitHubClient, ref: RepoRef, checkRunId: number, now: Date): Promise<void> {
  await callGitHub("mark the check run in progress", () =>
    gh.rest.checks.update({ ...ref, check_run_id: checkRunId, status: "in_progress", started_at: now.toISOString() }),
  );
}

function fitSummary(summary: string): string {
  if (summary.length <= MAX_SUMMARY_CHARS) return summary;
  const note = "\n\n… (summary cut at GitHub's 65,535-character limit)";
  return summary.slice(0, MAX_SUMMARY_CHARS - note.length) + note;
}

/**
 * Completes the check run. GitHub appends the annotations of each update, at most 50 per
 * request, and wants output.title and summary each time. All batches but the last go out
 * while the run is still in progress; the last one carries the conclusion, so whoever sees
 * the run completed (GitHub's merge box, a required check) sees all of its annotations.
 */
export async function completeCheck(
  gh: GitHubClient,
  ref: RepoRef,
  checkRunId: number,
  result: { conclusion: CheckConclusion; title: string; summary: string; annotations: readonly CheckAnnotation[]; now: Date },
): Promise<void> {
  const output = { title: result.title, summary: fitSummary(result.summary) };
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < result.annotations.length; i += MAX_ANNOTATIONS_PER_REQUEST) {
    batches.push(result.annotations.slice(i, i + MAX_ANNOTATIONS_PER_REQUEST));
  }
  const last = batches.pop();
  for (const batch of batches) {
    await callGitHub("add annotations to the check run", () =>
      gh.rest.checks.update({ ...ref, check_run_id: checkRunId, output: { ...output, annotations: batch } }),
    );
  }
  await callGitHub("complete the check run", () =>
    gh.rest.checks.update({
      ...ref,
      check_run_id: checkRunId,
      status: "completed",
      conclusion: result.conclusion,
      completed_at: result.now.toISOString(),
      output: last ? { ...output, annotations: last } : output,
    }),
  );
}
