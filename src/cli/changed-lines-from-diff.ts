import parseDiff from "parse-diff";
import { changedLinesFromPatch } from "../diff/changed-lines.js";

/**
 * Added (new-side) line numbers per file of a unified diff such as `git diff` prints.
 * Keys are the new paths as the diff names them (`b/` prefix dropped); deleted files are
 * left out. Each file's hunks go through {@link changedLinesFromPatch}, the same function
 * the worker uses on GitHub's `patch` fields, so the CLI and the app agree on lines.
 *
 * @example
 * changedLinesFromDiff("--- a/x.py\n+++ b/x.py\n@@ -1 +1,2 @@\n a\n+b\n") // Map { "x.py" → [2] }
 */
export function changedLinesFromDiff(diffText: string): Map<string, number[]> {
  const byPath = new Map<string, number[]>();
  for (const file of parseDiff(diffText)) {
    if (file.deleted === true || file.to === undefined || file.to === "/dev/null") continue;
    const hunks = file.chunks.map((chunk) => [chunk.content, ...chunk.changes.map((change) => change.content)].join("\n"));
    const lines = changedLinesFromPatch(hunks.join("\n"));
    byPath.set(file.to, [...new Set([...(byPath.get(file.to) ?? []), ...lines])].sort((a, b) => a - b));
  }
  return byPath;
}
