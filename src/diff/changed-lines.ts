import { createTwoFilesPatch, OMIT_HEADERS } from "diff";
import parseDiff from "parse-diff";

/**
 * Most edits (insertions + deletions) we let jsdiff's Myers search explore before giving up:
 * its cost grows with file length × edits, and GitHub only omits `patch` for huge diffs.
 * Past it we treat every line of the new text as changed, which over-reviews but never misses.
 */
export const MAX_EDIT_LENGTH = 2000;

/**
 * RIGHT-side (head) line numbers that a GitHub `patch` field adds: hunks only, no file
 * headers, as in `GET /repos/{owner}/{repo}/pulls/{n}/files`. Sorted, without duplicates.
 *
 * @example
 * changedLinesFromPatch("@@ -1,2 +1,3 @@\n a\n+b\n c") // → [2]
 */
export function changedLinesFromPatch(patch: string): number[] {
  const lines = new Set<number>();
  // parse-diff counts lines per hunk, so a content line such as "--- x" stays content.
  for (const file of parseDiff(patch)) {
    for (const chunk of file.chunks) {
      for (const change of chunk.changes) {
        if (change.type === "add") lines.add(change.ln);
      }
    }
  }
  return [...lines].sort((a, b) => a - b);
}

/**
 * Head lines added between two texts, for files whose `patch` GitHub omits (binary or
 * too large). Same parser as {@link changedLinesFromPatch}, so both agree on numbering.
 * When the texts differ by more than `maxEditLength` edits (default {@link MAX_EDIT_LENGTH}),
 * every line of `after` counts as changed.
 */
export function changedLinesFromTexts(
  before: string,
  after: string,
  opts: { maxEditLength?: number } = {},
): number[] {
  const patch = createTwoFilesPatch("a", "b", before, after, undefined, undefined, {
    context: 0,
    headerOptions: OMIT_HEADERS,
    maxEditLength: opts.maxEditLength ?? MAX_EDIT_LENGTH,
  });
  if (patch === undefined) return allLines(after);
  return changedLinesFromPatch(patch);
}

function allLines(text: string): number[] {
  if (text === "") return [];
  const count = text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
  return Array.from({ length: count }, (_, i) => i + 1);
}
