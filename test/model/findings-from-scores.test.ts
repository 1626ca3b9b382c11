import { describeCwe } from "../../src/cwe/catalog.js";
import { findingsFromScores, MAX_EXTRA_LINES, mergeFindings, sigmoid } from "../../src/model/findings-from-scores.js";
import type { Finding } from "../../src/findings/finding.js";
import type { Window } from "../../src/windows/window.js";

/** Logit whose sigmoid is p. */
const logit = (p: number): number => Math.log(p / (1 - p));

const window: Window = {
  path: "app/views.py",
  lines: ["import os", "def run(cmd):", "    full = 'ls ' + cmd", "    os.system(full)", "    return 0", "# end"],
  // A gap between file lines 5 and 9: the window skipped lines there.
  lineNumbers: [1, 2, 3, 4, 5, 9],
  focusLines: [],
};
// [CLS], then two tokens per line.
const lineOfToken = [-1, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5];
const policy = { labels: ["CWE-78", "CWE-89"], thresholds: { "CWE-78": 0.5, "CWE-89": 0.6 }, lineThreshold: 0.4 };

/** Token logits [token, label] from per-line probabilities of label 0 (label 1 stays low). */
function tokenLogits(lineProbabilities: number[]): Float32Array {
  const out = new Float32Array(lineOfToken.length * 2).fill(logit(0.01));
  lineOfToken.forEach((line, token) => {
    if (line >= 0) out[token * 2] = logit(lineProbabilities[line] ?? 0.01);
  });
  return out;
}

describe("findingsFromScores", () => {
  it.each([
    { case: "below threshold → nothing", win: [0.49, 0.1], lines: [0, 0, 0.3, 0.9, 0, 0], expected: [] },
    { case: "single best line", win: [0.9, 0.1], lines: [0, 0, 0.3, 0.9, 0.1, 0], expected: [{ line: 4, endLine: 4 }] },
    { case: "extends over the next line above lineThreshold", win: [0.9, 0.1], lines: [0, 0, 0.95, 0.5, 0.1, 0], expected: [{ line: 3, endLine: 4 }] },
    { case: `caps at ${MAX_EXTRA_LINES} extra lines`, win: [0.9, 0.1], lines: [0, 0.99, 0.9, 0.9, 0.9, 0], expected: [{ line: 2, endLine: 4 }] },
    { case: "stops at a gap in file lines", win: [0.9, 0.1], lines: [0, 0, 0, 0, 0.9, 0.9], expected: [{ line: 5, endLine: 5 }] },
    { case: "does not extend upwards", win: [0.9, 0.1], lines: [0, 0, 0.8, 0.9, 0, 0], expected: [{ line: 4, endLine: 4 }] },
    { case: "first line wins a tie", win: [0.7, 0.1], lines: [0, 0, 0.9, 0.9, 0, 0], expected: [{ line: 3, endLine: 4 }] },
  ])("$case", ({ win, lines, expected }) => {
    const findings = findingsFromScores(window, lineOfToken, Float32Array.from(win.map(logit)), tokenLogits(lines), policy);
    expect(findings.map(({ line, endLine }) => ({ line, endLine }))).toEqual(expected);
  });

  it.each([
    { case: "a focus line over lineThreshold beats a better unchanged line", focus: [3], lines: [0.95, 0, 0.5, 0.1, 0, 0], line: 3 },
    { case: "a focus line under lineThreshold does not", focus: [3], lines: [0.95, 0, 0.3, 0.1, 0, 0], line: 1 },
    { case: "no focus lines: the best line of the window", focus: [], lines: [0.95, 0, 0.5, 0.1, 0, 0], line: 1 },
  ])("$case", ({ focus, lines, line }) => {
    const [finding] = findingsFromScores({ ...window, focusLines: focus }, lineOfToken, Float32Array.from([logit(0.9), logit(0.1)]), tokenLogits(lines), policy);
    expect(finding?.line).toBe(line);
  });

  it("never starts or extends a finding on a blank or comment-only line", () => {
    const sparse: Window = { ...window, lines: ["import os", "def run(cmd):", "    os.system(cmd)", "", "    # done", "    return 0"], lineNumbers: [1, 2, 3, 4, 5, 6] };
    // The blank line scores highest, the comment next; the sink line is the best line that holds code.
    const findings = findingsFromScores(sparse, lineOfToken, Float32Array.from([logit(0.9), logit(0.1)]), tokenLogits([0, 0, 0.6, 0.99, 0.95, 0.2]), policy);
    expect(findings.map(({ line, endLine }) => ({ line, endLine }))).toEqual([{ line: 3, endLine: 3 }]);
  });

  it("fills a finding from the catalogue with the window probability as confidence", () => {
    const [finding] = findingsFromScores(window, lineOfToken, Float32Array.from([logit(0.87), logit(0.1)]), tokenLogits([0, 0, 0, 0.9, 0, 0]), policy);
    const entry = describeCwe("CWE-78");
    expect(finding).toEqual({
      path: "app/views.py", line: 4, endLine: 4, cwe: "CWE-78", name: entry.shortName,
      confidence: 0.87, message: entry.why, fix: entry.fix,
    });
  });

  it("reports each label over its own threshold", () => {
    const findings = findingsFromScores(window, lineOfToken, Float32Array.from([logit(0.9), logit(0.65)]), tokenLogits([0, 0, 0, 0.9, 0, 0]), policy);
    expect(findings.map((f) => f.cwe)).toEqual(["CWE-78", "CWE-89"]);
  });

  it("ignores lines whose tokens were truncated away", () => {
    // Only [CLS] and the first line's tokens made it into the window.
    const short = [-1, 0, 0];
    const logits = new Float32Array(short.length * 2).fill(logit(0.9));
    const findings = findingsFromScores(window, short, Float32Array.from([logit(0.9), logit(0.1)]), logits, policy);
    expect(findings.map(({ line, endLine }) => ({ line, endLine }))).toEqual([{ line: 1, endLine: 1 }]);
  });
});

describe("sigmoid", () => {
  it.each([
    [0, 0.5],
    [1000, 1],
    [-1000, 0],
    [Math.log(3), 0.75],
  ])("sigmoid(%p) = %p", (x, y) => {
    expect(sigmoid(x)).toBeCloseTo(y, 12);
  });
});

describe("mergeFindings", () => {
  const base: Finding = { path: "a.py", line: 3, endLine: 3, cwe: "CWE-89", name: "n", confidence: 0.6, message: "m", fix: "f" };
  it("keeps the most confident of duplicates and sorts by path, line, CWE", () => {
    const merged = mergeFindings([
      { ...base, path: "b.py" },
      { ...base, confidence: 0.9, endLine: 4 },
      base,
      { ...base, line: 1, endLine: 1 },
      { ...base, line: 6, endLine: 6, cwe: "CWE-78" },
    ]);
    expect(merged.map((f) => [f.path, f.line, f.endLine, f.cwe, f.confidence])).toEqual([
      ["a.py", 1, 1, "CWE-89", 0.6],
      ["a.py", 3, 4, "CWE-89", 0.9],
      ["a.py", 6, 6, "CWE-78", 0.6],
      ["b.py", 3, 3, "CWE-89", 0.6],
    ]);
  });

  it("keeps one CWE where findings of different CWEs overlap in lines: the most confident", () => {
    const merged = mergeFindings([
      { ...base, line: 8, endLine: 9, cwe: "CWE-77", confidence: 0.78 },
      { ...base, line: 9, endLine: 9, cwe: "CWE-78", confidence: 0.82 },
      { ...base, line: 10, endLine: 10, cwe: "CWE-22", confidence: 0.5 },
      { ...base, path: "b.py", line: 9, endLine: 9, cwe: "CWE-77", confidence: 0.7 },
    ]);
    expect(merged.map((f) => [f.path, f.line, f.cwe])).toEqual([
      ["a.py", 9, "CWE-78"],
      ["a.py", 10, "CWE-22"],
      ["b.py", 9, "CWE-77"],
    ]);
  });
});
