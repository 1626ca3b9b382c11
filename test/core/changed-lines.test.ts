import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { changedLinesFromPatch, changedLinesFromTexts } from "../../src/diff/changed-lines.js";

const fixtures = fileURLToPath(new URL("../fixtures/diffs/", import.meta.url));
const read = (name: string, file: string) => readFileSync(`${fixtures}${name}/${file}`, "utf8");

/** What GitHub's `patch` field holds: the hunks of `git diff`, no file headers, no final newline. */
function githubPatch(gitDiff: string): string {
  const start = gitDiff.indexOf("@@");
  return start < 0 ? "" : gitDiff.slice(start).replace(/\n$/, "");
}

// Expected head lines read off each fixture's after.py by hand (see gen.sh for how the diffs are made).
test.each([
  ["modify-function", [6]],
  ["add-lines", [2, 7, 8, 9, 10, 11]],
  ["new-file", [1, 2, 3, 4, 5]],
  ["delete-only", []],
  ["no-newline-eof", [5]],
  // The old last line gains a newline, so git shows it removed and added again.
  ["append-after-no-newline", [5, 6, 7, 8, 9]],
  ["multi-hunk", [2, 22, 47, 49, 50]],
  // "--- only…" and "+++ not a header" sit inside hunks: content, not file headers.
  ["header-lookalikes", [4, 5, 10]],
])("git diff fixture %s: patch → %j, and diffing the texts agrees", (name, expected) => {
  const patch = githubPatch(read(name, "git.diff"));
  expect(changedLinesFromPatch(patch)).toEqual(expected);
  expect(changedLinesFromTexts(read(name, "before.py"), read(name, "after.py"))).toEqual(expected);
});

test.each([
  ["empty patch", "", []],
  ["single-line hunk header without counts", "@@ -1 +1 @@\n-a\n+b", [1]],
  ["two hunks", "@@ -1,2 +1,3 @@\n a\n+b\n c\n@@ -10,1 +11,2 @@\n x\n+y", [2, 12]],
  ["no-newline marker is not a line", "@@ -1 +1,2 @@\n a\n+b\n\\ No newline at end of file", [2]],
  ["deletions shift nothing on the right side", "@@ -1,3 +1,2 @@\n-a\n-b\n+c\n d", [1]],
])("changedLinesFromPatch: %s", (_name, patch, expected) => {
  expect(changedLinesFromPatch(patch)).toEqual(expected);
});

test.each([
  ["identical", "a\nb\n", "a\nb\n", []],
  ["both empty", "", "", []],
  ["everything new", "", "a\nb", [1, 2]],
  ["everything removed", "a\nb\n", "", []],
  ["append at end without newline", "a\n", "a\nb", [2]],
  ["CRLF line kept", "a\r\nb\r\n", "a\r\nc\r\nb\r\n", [2]],
])("changedLinesFromTexts: %s", (_name, before, after, expected) => {
  expect(changedLinesFromTexts(before, after)).toEqual(expected);
});

test("changedLinesFromTexts: past the edit limit every line of the new text counts as changed", () => {
  const before = Array.from({ length: 60 }, (_, i) => `a${i}`).join("\n") + "\n";
  const after = Array.from({ length: 60 }, (_, i) => `b${i}`).join("\n") + "\n";
  const small = { maxEditLength: 10 };
  expect(changedLinesFromTexts(before, after, small)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  // Under the limit the real diff is used: one changed line stays one line.
  expect(changedLinesFromTexts(before, before.replace("a7\n", "x\n"), small)).toEqual([8]);
});
