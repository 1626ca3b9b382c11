import type { Finding } from "../../src/findings/finding.js";
import { fingerprint, readFingerprint } from "../../src/findings/fingerprint.js";
import { findFixed, planReview } from "../../src/review/plan-review.js";
import { finding } from "./review-fixtures.js";

const FILE = ["import os", "def f(q, c):", "    cur.execute(q)", "    os.system(c)", "    eval(c)", "    return q"];
const fileLines = new Map([["app/views.py", FILE]]);
const opts = (over: Partial<Parameters<typeof planReview>[1]> = {}) => ({
  fileLines,
  posted: new Set<string>(),
  inlineComments: true,
  maxInline: 25,
  ...over,
});

const sql = finding({ line: 3, endLine: 3, confidence: 0.9 });
const cmd = finding({ line: 4, endLine: 4, cwe: "CWE-78", name: "OS Command Injection", confidence: 0.95 });
const evl = finding({ line: 5, endLine: 5, cwe: "CWE-95", name: "Eval Injection", confidence: 0.6 });
const multi = finding({ line: 3, endLine: 5, cwe: "CWE-20", name: "Improper Input Validation", confidence: 0.7 });

const fpOf = (f: Finding) => fingerprint(f, FILE[f.line - 1] ?? "");
const cwes = (fs: readonly Finding[]) => fs.map((f) => f.cwe);

test.each<[string, Finding[], ReturnType<typeof opts>, string[], string[], string[]]>([
  ["all new, highest confidence first", [sql, cmd, evl], opts(), ["CWE-78", "CWE-89", "CWE-95"], [], []],
  ["cap inline comments, rest overflows", [sql, cmd, evl], opts({ maxInline: 2 }), ["CWE-78", "CWE-89"], ["CWE-95"], []],
  ["cap 0", [sql, cmd], opts({ maxInline: 0 }), [], ["CWE-78", "CWE-89"], []],
  ["inline comments off: all to the summary", [sql, cmd], opts({ inlineComments: false }), [], ["CWE-78", "CWE-89"], []],
  ["already posted are skipped", [sql, cmd, evl], opts({ posted: new Set([fpOf(cmd)]) }), ["CWE-89", "CWE-95"], [], ["CWE-78"]],
  [
    "already posted do not use up the cap",
    [sql, cmd, evl],
    opts({ posted: new Set([fpOf(cmd)]), maxInline: 1 }),
    ["CWE-89"],
    ["CWE-95"],
    ["CWE-78"],
  ],
])("%s", (_name, findings, o, comments, overflow, already) => {
  const plan = planReview(findings, o);
  expect(plan.comments.map((c) => readFingerprint(c.body))).toEqual(
    comments.map((cwe) => fpOf(findings.find((f) => f.cwe === cwe)!)),
  );
  expect(cwes(plan.overflow)).toEqual(overflow);
  expect(cwes(plan.alreadyPosted)).toEqual(already);
  expect(plan.fingerprints.size).toBe(findings.length);
});

test("single-line draft: RIGHT side, no start_line", () => {
  const [draft] = planReview([sql], opts()).comments;
  expect(draft).toEqual({ path: "app/views.py", line: 3, side: "RIGHT", body: expect.stringContaining("CWE-89") });
  expect(draft).not.toHaveProperty("start_line");
});

test("multi-line draft: anchored at the last line, start_line is the first", () => {
  const [draft] = planReview([multi], opts()).comments;
  expect(draft).toMatchObject({ path: "app/views.py", start_line: 3, start_side: "RIGHT", line: 5, side: "RIGHT" });
});

test("a push that moves the flagged line down does not post it again", () => {
  const first = planReview([sql], opts());
  const posted = new Set(first.comments.map((c) => readFingerprint(c.body)!));
  // Two lines inserted above: same code, now at line 5, re-indented.
  const moved = ["import os", "import re", "", "def f(q, c):", "        cur.execute(q)  ", "    return q"];
  const second = planReview([{ ...sql, line: 5, endLine: 5 }], opts({ posted, fileLines: new Map([["app/views.py", moved]]) }));
  expect(second.comments).toEqual([]);
  expect(second.alreadyPosted).toHaveLength(1);
});

test("a changed line is a new finding", () => {
  const posted = new Set([fpOf(sql)]);
  const edited = [...FILE];
  edited[2] = "    cur.execute(q + suffix)";
  const plan = planReview([sql], opts({ posted, fileLines: new Map([["app/views.py", edited]]) }));
  expect(plan.comments).toHaveLength(1);
});

test.each([
  [
    "gone from this push",
    new Map([
      ["aaaaaaaaaaaaaaaa", { path: "b.py", line: 9, commentId: 2 }],
      ["bbbbbbbbbbbbbbbb", { path: "a.py", line: 3, commentId: 1 }],
      ["cccccccccccccccc", { path: "a.py", line: null, commentId: 3 }],
    ]),
    new Set(["aaaaaaaaaaaaaaaa"]),
    [
      { fingerprint: "cccccccccccccccc", path: "a.py", line: null, commentId: 3 },
      { fingerprint: "bbbbbbbbbbbbbbbb", path: "a.py", line: 3, commentId: 1 },
    ],
  ],
  ["nothing posted", new Map(), new Set(["aaaaaaaaaaaaaaaa"]), []],
  ["all still there", new Map([["aaaaaaaaaaaaaaaa", { path: "a.py", line: 1, commentId: 1 }]]), new Set(["aaaaaaaaaaaaaaaa"]), []],
])("findFixed: %s", (_name, posted, current, expected) => {
  expect(findFixed(posted, current)).toEqual(expected);
});
