/**
 * Which lines of a file a review comment may be placed on: GitHub answers 422 "pull request
 * review thread line must be part of the diff" for any other line. A RIGHT-side comment may
 * sit on an added or context line (new numbering), a LEFT-side one on a removed or context
 * line (old numbering). Written independently of src/diff so the stand-in checks the app.
 */

/** Commentable lines of one file's patch, by side, plus the patch's length for `position`. */
export interface DiffLines {
  left: Set<number>;
  right: Set<number>;
  /** Lines after the first `@@` (GitHub's `position` counts them, hunk headers included). */
  positions: number;
}

/** Reads a GitHub `patch` (from the first `@@`). */
export function diffLines(patch: string | undefined): DiffLines {
  const out: DiffLines = { left: new Set(), right: new Set(), positions: 0 };
  if (!patch) return out;
  let oldLine = 0;
  let newLine = 0;
  const lines = patch.split("\n");
  out.positions = lines.length - 1;
  for (const line of lines) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      continue;
    }
    if (line.startsWith("\\")) continue; // "\ No newline at end of file"
    if (line.startsWith("+")) out.right.add(newLine++);
    else if (line.startsWith("-")) out.left.add(oldLine++);
    else {
      out.left.add(oldLine++);
      out.right.add(newLine++);
    }
  }
  return out;
}

/** GitHub's `position` of a line: lines below the first `@@`, hunk headers included; null when not in the diff. */
export function positionOf(patch: string | undefined, line: number, side: string): number | null {
  if (!patch) return null;
  let oldLine = 0;
  let newLine = 0;
  const lines = patch.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? "";
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      continue;
    }
    if (text.startsWith("\\")) continue;
    const isOld = !text.startsWith("+");
    const isNew = !text.startsWith("-");
    if (side === "LEFT" ? isOld && oldLine === line : isNew && newLine === line) return index;
    if (isOld) oldLine++;
    if (isNew) newLine++;
  }
  return null;
}
