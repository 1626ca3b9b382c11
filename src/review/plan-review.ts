import type { Finding } from "../findings/finding.js";

export interface ReviewCommentDraft { path: string; line: number; side: "RIGHT"; start_line?: number; start_side?: "RIGHT"; body: string }

export function planReview(
  _findings: readonly Finding[],
  _opts: { fileLines: ReadonlyMap<string, readonly string[]>; posted: ReadonlySet<string>; inlineComments: boolean; maxInline: number },
): { comments: ReviewCommentDraft[]; overflow: Finding[]; alreadyPosted: Finding[]; fingerprints: Map<Finding, string> } {
  throw new Error("not implemented");
}

export function findFixed(
  _posted: ReadonlyMap<string, { path: string; line: number | null; commentId: number }>,
  _current: ReadonlySet<string>,
): Array<{ fingerprint: string; path: string; line: number | null; commentId: number }> {
  throw new Error("not implemented");
}
