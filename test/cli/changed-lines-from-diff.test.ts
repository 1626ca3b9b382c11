import { readFileSync } from "node:fs";
import { changedLinesFromDiff } from "../../src/cli/changed-lines-from-diff.js";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

describe("changedLinesFromDiff", () => {
  it("maps each new path of a real git diff to its added lines", () => {
    const changed = changedLinesFromDiff(readFileSync(fixture("change.diff"), "utf8"));
    expect([...changed.keys()].sort()).toEqual([".venv/ignored.py", "app/legacy.py", "app/views.py", "scripts/README.txt", "scripts/cleanup.py"]);
    // Added lines, checked against the head file: line 2 is the new import, 18–32 the new views.
    expect(changed.get("app/views.py")).toEqual([2, ...Array.from({ length: 15 }, (_, i) => 18 + i)]);
    expect(changed.get("scripts/cleanup.py")).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const head = readFileSync(fixture("repo/app/views.py"), "utf8").split("\n");
    expect(head[1]).toBe("import subprocess");
    expect(head[31]).toBe("    return out");
  });

  it("leaves out deleted files and handles an empty diff", () => {
    const diff = ["diff --git a/old.py b/old.py", "deleted file mode 100644", "--- a/old.py", "+++ /dev/null", "@@ -1 +0,0 @@", "-x = 1", ""].join("\n");
    expect(changedLinesFromDiff(diff)).toEqual(new Map());
    expect(changedLinesFromDiff("")).toEqual(new Map());
  });
});
