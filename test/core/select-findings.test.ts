import { DEFAULT_REPO_CONFIG, type RepoConfig } from "../../src/config/repo-config.js";
import type { Finding } from "../../src/findings/finding.js";
import { selectFindings } from "../../src/findings/select-findings.js";

const FILE = [
  "import sqlite3", //                                         1
  "def find(cur, name):", //                                   2
  "    q = 'SELECT * FROM u WHERE n=' + name", //              3
  "    return cur.execute(", //                                4
  "        q)  # nosec", //                                    5
  "def run(c):", //                                            6
  "    os.system(c)  # cwe-review: ignore[CWE-78]", //         7
  "    log('# nosec')", //                                     8
  "    eval(c)", //                                            9
  "    return c", //                                           10
];

const f = (over: Partial<Finding>): Finding => ({
  path: "app.py", line: 3, endLine: 3, cwe: "CWE-89", name: "SQL Injection",
  confidence: 0.9, message: "why", fix: "how", ...over,
});

const ctx = (changed: number[], config: Partial<RepoConfig> = {}) => ({
  changedLines: new Map([["app.py", new Set(changed)]]),
  fileLines: new Map([["app.py", FILE]]),
  config: { ...DEFAULT_REPO_CONFIG, ...config },
});

const brief = (xs: Finding[]) => xs.map((x) => `${x.cwe}@${x.line}-${x.endLine}:${x.confidence}`);

test.each<[string, Finding[], ReturnType<typeof ctx>, string[], string[]]>([
  ["on a changed line", [f({})], ctx([3]), ["CWE-89@3-3:0.9"], []],
  ["on an unchanged line", [f({})], ctx([2, 4]), [], []],
  ["path not in the diff", [f({ path: "other.py" })], ctx([3]), [], []],
  ["excluded path", [f({})], ctx([3], { paths: { include: ["**/*.py"], exclude: ["app.py"] } }), [], []],
  ["not an included path", [f({ path: "app.txt" })], { ...ctx([3]), changedLines: new Map([["app.txt", new Set([3])]]) }, [], []],
  ["skipped CWE", [f({})], ctx([3], { skipCwes: ["CWE-89"] }), [], []],
  ["below threshold", [f({ confidence: 0.49 })], ctx([3], { threshold: 0.5 }), [], []],
  ["exactly at threshold", [f({ confidence: 0.5 })], ctx([3], { threshold: 0.5 }), ["CWE-89@3-3:0.5"], []],
  ["custom threshold", [f({ confidence: 0.8 })], ctx([3], { threshold: 0.85 }), [], []],
  ["NaN confidence", [f({ confidence: Number.NaN })], ctx([3]), [], []],
  ["past the end of the file", [f({ line: 11, endLine: 11 })], ctx([11]), [], []],
  ["line 0", [f({ line: 0, endLine: 0 })], ctx([0]), [], []],
  // Multi-line findings.
  ["multi-line, all changed", [f({ line: 2, endLine: 4 })], ctx([2, 3, 4]), ["CWE-89@2-4:0.9"], []],
  ["multi-line, end clamped to the changed run", [f({ line: 2, endLine: 4 })], ctx([2, 3]), ["CWE-89@2-3:0.9"], []],
  ["multi-line, gap in the diff ends the range", [f({ line: 2, endLine: 4 })], ctx([2, 4]), ["CWE-89@2-2:0.9"], []],
  ["multi-line, start moves to the first changed line", [f({ line: 2, endLine: 4 })], ctx([3, 4]), ["CWE-89@3-4:0.9"], []],
  ["multi-line, no line changed", [f({ line: 2, endLine: 4 })], ctx([1, 6]), [], []],
  ["endLine past the file is clamped", [f({ line: 9, endLine: 30 })], ctx([9, 10]), ["CWE-89@9-10:0.9"], []],
  ["endLine before line is treated as single-line", [f({ line: 3, endLine: 1 })], ctx([3]), ["CWE-89@3-3:0.9"], []],
  // Suppressions.
  ["nosec on the line", [f({ line: 5, endLine: 5 })], ctx([5]), [], ["CWE-89@5-5:0.9"]],
  ["nosec on any line of the range, even unchanged", [f({ line: 4, endLine: 5 })], ctx([4]), [], ["CWE-89@4-4:0.9"]],
  ["ignore[CWE-78] silences CWE-78", [f({ line: 7, endLine: 7, cwe: "CWE-78" })], ctx([7]), [], ["CWE-78@7-7:0.9"]],
  ["ignore[CWE-78] does not silence CWE-89", [f({ line: 7, endLine: 7 })], ctx([7]), ["CWE-89@7-7:0.9"], []],
  ["nosec inside a string does not silence", [f({ line: 8, endLine: 8, cwe: "CWE-117" })], ctx([8]), ["CWE-117@8-8:0.9"], []],
  // Dedupe and order.
  [
    "same path+CWE+line keeps the most confident",
    [f({ confidence: 0.6 }), f({ confidence: 0.95, message: "best" }), f({ confidence: 0.7 })],
    ctx([3]),
    ["CWE-89@3-3:0.95"],
    [],
  ],
  [
    "different CWEs on one line are both kept, most confident first",
    [f({ cwe: "CWE-89", confidence: 0.6 }), f({ cwe: "CWE-95", confidence: 0.8 })],
    ctx([3]),
    ["CWE-95@3-3:0.8", "CWE-89@3-3:0.6"],
    [],
  ],
  [
    "findings that narrow to the same line dedupe",
    [f({ line: 2, endLine: 3, confidence: 0.7 }), f({ line: 3, endLine: 3, confidence: 0.9 })],
    ctx([3]),
    ["CWE-89@3-3:0.9"],
    [],
  ],
  [
    "ties sorted by line",
    [f({ line: 9, endLine: 9, confidence: 0.8 }), f({ line: 3, endLine: 3, confidence: 0.8 }), f({ line: 10, endLine: 10, confidence: 0.99 })],
    ctx([3, 9, 10]),
    ["CWE-89@10-10:0.99", "CWE-89@3-3:0.8", "CWE-89@9-9:0.8"],
    [],
  ],
])("%s", (_name, findings, context, kept, suppressed) => {
  const result = selectFindings(findings, context);
  expect(brief(result.kept)).toEqual(kept);
  expect(brief(result.suppressed)).toEqual(suppressed);
});

test("keeps the finding's other fields and does not change the input", () => {
  const input = f({ line: 2, endLine: 4, message: "concatenated SQL" });
  const { kept } = selectFindings([input], ctx([3, 4]));
  expect(kept).toEqual([{ ...input, line: 3, endLine: 4 }]);
  expect(input.line).toBe(2);
});

test("no file text: bounds and suppressions cannot be checked, the diff still filters", () => {
  const context = { ...ctx([3]), fileLines: new Map<string, string[]>() };
  expect(brief(selectFindings([f({}), f({ line: 4, endLine: 4 })], context).kept)).toEqual(["CWE-89@3-3:0.9"]);
});

test("a file-wide marker moves that file's findings of the listed CWEs to suppressed", () => {
  const marked = ["# cwe-review: ignore-file[CWE-95]", ...FILE];
  const context = { ...ctx([4, 10]), fileLines: new Map([["app.py", marked]]) };
  const result = selectFindings([f({ line: 4, endLine: 4 }), f({ cwe: "CWE-95", line: 10, endLine: 10 })], context);
  expect(brief(result.kept)).toEqual(["CWE-89@4-4:0.9"]);
  expect(brief(result.suppressed)).toEqual(["CWE-95@10-10:0.9"]);
});
