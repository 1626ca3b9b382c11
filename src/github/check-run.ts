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

function annotationKey(a: Pick<CheckAnnotation, "path" | "start_line" | "end_line" | "title" | "message">): string {
  return JSON.stringify([a.path, a.start_line, a.end_line, a.title ?? null, a.message]);
}

/** Keys of the annotations the check run already holds (GitHub lists 100 per page). */
async function sentAnnotationKeys(gh: GitHubClient, ref: RepoRef, checkRunId: number): Promise<Set<string>> {
  const sent = await callGitHub("list the check run's annotations", () =>
    gh.paginate(gh.rest.checks.listAnnotations, { ...ref, check_run_id: checkRunId, per_page: 100 }),
  );
  return new Set(sent.map((a) => annotationKey({ ...a, title: a.title ?? undefined, message: a.message ?? "" })));
}

/**
 * Completes the check run. GitHub appends the annotations of each update, at most 50 per
 * request, and wants output.title and summary each time. All batches but the last go out
 * while the run is still in progress; the last one carries the conclusion, so whoever sees
 * the run completed (GitHub's merge box, a required check) sees all of its annotations.
 *
 * On a retry (`retry`), an earlier attempt may have sent some batches before it failed, or
 * a request may have reached GitHub although its answer did not reach us; since GitHub
 * appends, annotations the run already holds are left out rather than shown twice.
 */
export async function completeCheck(
  gh: GitHubClient,
  ref: RepoRef,
  checkRunId: number,
  result: { conclusion: CheckConclusion; title: string; summary: string; annotations: readonly CheckAnnotation[]; now: Date; retry?: boolean },
): Promise<void> {
  const output = { title: result.title, summary: fitSummary(result.summary) };
  let annotations = result.annotations;
  if (result.retry && annotations.length > 0) {
    const sent = await sentAnnotationKeys(gh, ref, checkRunId);
    annotations = annotations.filter((a) => !sent.has(annotationKey(a)));
  }
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += MAX_ANNOTATIONS_PER_REQUEST) {
    batches.push(annotations.slice(i, i + MAX_ANNOTATIONS_PER_REQUEST));
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
