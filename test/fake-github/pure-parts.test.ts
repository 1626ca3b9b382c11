import { diffLines, positionOf } from "../support/fake-github/diff-lines.js";
import { paginate } from "../support/fake-github/paginate.js";

// A patch as GitHub returns it: two hunks, an added, a removed and context lines.
const PATCH = ["@@ -1,3 +1,4 @@", " import os", "-import sys", "+import subprocess", "+import shlex", " ", "@@ -10,2 +11,2 @@ def run(cmd):", "-    os.system(cmd)", "+    subprocess.run(shlex.split(cmd))", "     return 0"].join("\n");

describe("diffLines: where GitHub accepts a review comment", () => {
  test.each([
    ["RIGHT", 1, true], ["RIGHT", 2, true], ["RIGHT", 3, true], ["RIGHT", 4, true], ["RIGHT", 5, false],
    ["RIGHT", 11, true], ["RIGHT", 12, true], ["RIGHT", 13, false],
    ["LEFT", 2, true], ["LEFT", 3, true], ["LEFT", 4, false], ["LEFT", 10, true], ["LEFT", 11, true],
  ])("%s line %i → %s", (side, line, ok) => {
    const lines = diffLines(PATCH);
    expect((side === "LEFT" ? lines.left : lines.right).has(line)).toBe(ok);
  });

  test("positions count every line below the first @@, later hunk headers included", () => {
    expect(diffLines(PATCH).positions).toBe(9);
    expect(positionOf(PATCH, 2, "RIGHT")).toBe(3);
    expect(positionOf(PATCH, 3, "RIGHT")).toBe(4);
    expect(positionOf(PATCH, 2, "LEFT")).toBe(2);
    expect(positionOf(PATCH, 12, "RIGHT")).toBe(9);
    expect(positionOf(PATCH, 11, "RIGHT")).toBe(8);
    expect(positionOf(PATCH, 50, "RIGHT")).toBeNull();
  });

  test("no patch (binary or too large): nothing is commentable", () => {
    expect(diffLines(undefined).right.size).toBe(0);
  });
});

describe("paginate: per_page, page and the Link header", () => {
  const items = Array.from({ length: 7 }, (_, i) => i);
  const url = (q: string) => new URL(`http://127.0.0.1:1/api/v3/repos/o/r/pulls/1/files${q}`);
  test.each<[string, number[], string | undefined]>([
    ["", [0, 1, 2, 3, 4, 5, 6], undefined],
    ["?per_page=3", [0, 1, 2], '<http://127.0.0.1:1/api/v3/repos/o/r/pulls/1/files?per_page=3&page=2>; rel="next", <http://127.0.0.1:1/api/v3/repos/o/r/pulls/1/files?per_page=3&page=3>; rel="last"'],
    ["?per_page=3&page=3", [6], '<http://127.0.0.1:1/api/v3/repos/o/r/pulls/1/files?per_page=3&page=1>; rel="first", <http://127.0.0.1:1/api/v3/repos/o/r/pulls/1/files?per_page=3&page=2>; rel="prev"'],
    ["?per_page=3&page=4", [], expect.stringContaining('rel="first"') as unknown as string],
  ])("%s", (query, page, link) => {
    const out = paginate(items, url(query));
    expect(out.page).toEqual(page);
    expect(out.link).toEqual(link);
  });

  test("per_page above 100 is served as 100, as GitHub does", () => {
    const many = Array.from({ length: 250 }, (_, i) => i);
    expect(paginate(many, url("?per_page=500")).page).toHaveLength(100);
  });
});
