import type { Finding } from "../findings/finding.js";
import { fingerprint } from "../findings/fingerprint.js";
import { sortByConfidence } from "../findings/select-findings.js";
import { renderComment } from "./render-comment.js";

/**
 * One inline comment for `POST /repos/{owner}/{repo}/pulls/{n}/reviews` (`comments[]`).
 * GitHub anchors a multi-line comment at its last line (`line`) and takes the first line
 * from `start_line`.
 */
export interface ReviewCommentDraft {
  path: string;
  line: number;
  side: "RIGHT";
  start_line?: number;
  start_side?: "RIGHT";
  body: string;
}

/** What {@link planReview} needs besides the findings. */
export interface PlanReviewOptions {
  /** Head version of each file, split into lines (the fingerprint reads the flagged line). */
  fileLines: ReadonlyMap<string, readonly string[]>;
  /** Fingerprints already posted on this pull request (read back from earlier comments). */
  posted: ReadonlySet<string>;
  inlineComments: boolean;
  maxInline: number;
}

/** The review to post: inline comments, findings only listed in the summary, and fingerprints. */
export interface ReviewPlan {
  comments: ReviewCommentDraft[];
  /** New findings that get no inline comment (over the cap, or inline comments off). */
  overflow: Finding[];
  /** Findings whose fingerprint is already on the pull request: never posted twice. */
  alreadyPosted: Finding[];
  /** Fingerprint of every input finding. */
  fingerprints: Map<Finding, string>;
}

/**
 * Plans one review: drops findings already posted on an earlier push (same fingerprint),
 * comments inline on the most confident `maxInline` of the rest, and leaves the others as
 * overflow for the check summary. With `inlineComments` off, everything new is overflow.
 */
export function planReview(findings: readonly Finding[], opts: PlanReviewOptions): ReviewPlan {
  const fingerprints = new Map<Finding, string>();
  const fresh: Finding[] = [];
  const alreadyPosted: Finding[] = [];
  for (const f of findings) {
    const fp = fingerprint(f, opts.fileLines.get(f.path)?.[f.line - 1] ?? "");
    fingerprints.set(f, fp);
    (opts.posted.has(fp) ? alreadyPosted : fresh).push(f);
  }
  const ordered = sortByConfidence([...fresh]);
  const inline = opts.inlineComments ? ordered.slice(0, Math.max(0, opts.maxInline)) : [];
  const overflow = ordered.slice(inline.length);
  const comments = inline.map((f) => toDraft(f, fingerprints.get(f) ?? ""));
  return { comments, overflow, alreadyPosted, fingerprints };
}

function toDraft(f: Finding, fp: string): ReviewCommentDraft {
  const draft: ReviewCommentDraft = { path: f.path, line: f.endLine, side: "RIGHT", body: renderComment(f, fp) };
  if (f.endLine > f.line) {
    draft.start_line = f.line;
    draft.start_side = "RIGHT";
  }
  return draft;
}

/** A comment posted on an earlier push, as read back from the pull request. */
export interface PostedComment {
  path: string;
  /** Null when GitHub marks the comment outdated (its line is gone from the diff). */
  line: number | null;
  commentId: number;
}

/**
 * Findings posted on earlier pushes that this push no longer reports: fixed (or moved out
 * of the diff). Ordered by path and line.
 */
export function findFixed(
  posted: ReadonlyMap<string, PostedComment>,
  current: ReadonlySet<string>,
): Array<{ fingerprint: string } & PostedComment> {
  return [...posted.entries()]
    .filter(([fp]) => !current.has(fp))
    .map(([fp, c]) => ({ fingerprint: fp, path: c.path, line: c.line, commentId: c.commentId }))
    .sort((a, b) => a.path.localeCompare(b.path) || (a.line ?? 0) - (b.line ?? 0) || a.commentId - b.commentId);
}
