import { evaluateChallenge } from "../../scripts/eval/evaluate-challenge.js";
import { evaluateSamples, reportedOf } from "../../scripts/eval/evaluate-samples.js";
import { countLines, isTestPath } from "../../scripts/eval/mature-sources.js";
import { binaryScores, correctCweScores, macroScores, scoresOf } from "../../scripts/eval/metrics.js";
import type { Sample } from "../../scripts/eval/datasets.js";

const set = (...cwes: string[]) => new Set(cwes);

describe("scoresOf", () => {
  it.each([
    { c: { tp: 8, fp: 2, fn: 2, tn: 8 }, accuracy: 0.8, precision: 0.8, recall: 0.8, f1: 0.8 },
    { c: { tp: 1, fp: 0, fn: 3, tn: 0 }, accuracy: 0.25, precision: 1, recall: 0.25, f1: 0.4 },
    { c: { tp: 0, fp: 0, fn: 0, tn: 5 }, accuracy: 1, precision: 0, recall: 0, f1: 0 },
  ])("$c", ({ c, ...expected }) => {
    const s = scoresOf(c);
    for (const [key, value] of Object.entries(expected)) expect(s[key as keyof typeof s]).toBeCloseTo(value, 10);
  });
});

describe("binary, macro and correct-CWE scores", () => {
  const items = [
    { truth: set("CWE-89"), predicted: set("CWE-89") },
    { truth: set("CWE-89"), predicted: set("CWE-78") },
    { truth: set("CWE-78"), predicted: set() },
    { truth: set(), predicted: set("CWE-78") },
    { truth: set(), predicted: set() },
  ];

  it("binary: vulnerable vs safe", () => {
    expect(binaryScores(items)).toMatchObject({ precision: 2 / 3, recall: 2 / 3, accuracy: 3 / 5 });
  });

  it("macro: mean of one-vs-rest scores per CWE", () => {
    const { macro, perCwe } = macroScores(items, ["CWE-78", "CWE-89"]);
    // CWE-89: tp 1, fn 1 → P 1, R .5, F1 2/3. CWE-78: tp 0, fp 2, fn 1 → 0.
    expect(perCwe.get("CWE-89")?.f1).toBeCloseTo(2 / 3, 10);
    expect(perCwe.get("CWE-78")?.f1).toBe(0);
    expect(macro.f1).toBeCloseTo(1 / 3, 10);
  });

  it("correct CWE: (item, CWE) pairs", () => {
    // tp 1 (89 on item 0); fp 2 (78 on items 1 and 3); fn 2 (89 on item 1, 78 on item 2).
    expect(correctCweScores(items)).toMatchObject({ precision: 1 / 3, recall: 1 / 3 });
  });
});

describe("evaluateSamples", () => {
  const sample = (id: string, label: "vulnerable" | "safe", cwes: string[], lines: number[]): Sample => ({ id, label, cwes, lines, code: "", family: "f" });
  const samples = [sample("a", "vulnerable", ["CWE-89"], [5]), sample("b", "vulnerable", ["CWE-78"], [3, 4]), sample("c", "safe", [], [])];

  it("localizes over samples given a right CWE, by any line of a finding of that CWE", () => {
    const result = evaluateSamples(
      samples,
      new Map([
        ["a", [reportedOf("CWE-89", 4, 6)]],
        // The wrong CWE on the marked line does not count; the right one is off by 3 lines.
        ["b", [reportedOf("CWE-22", 3, 3), reportedOf("CWE-78", 7, 7)]],
      ]),
    );
    expect(result.localization).toEqual({ value: 0.5, hits: 1, total: 2 });
    expect(result.binary).toMatchObject({ precision: 1, recall: 1, accuracy: 1 });
  });
});

describe("evaluateChallenge", () => {
  it("scores files, (file, CWE) pairs and lines", () => {
    const files = [
      { file: "f1.py", findings: [{ cwe: "CWE-89", lines: [10] }, { cwe: "CWE-22", lines: [30] }] },
      { file: "f2.py", findings: [] },
    ];
    const result = evaluateChallenge(
      files,
      new Map([
        ["f1.py", [reportedOf("CWE-89", 11, 11), reportedOf("CWE-22", 30, 31)]],
        ["f2.py", [reportedOf("CWE-79", 1, 1)]],
      ]),
    );
    expect(result.fileLevel).toMatchObject({ precision: 0.5, recall: 1 });
    expect(result.correctCwe).toMatchObject({ precision: 2 / 3, recall: 1 });
    expect(result.localization).toEqual({ value: 0.5, hits: 1, total: 2 });
    expect(result.lineRecall).toEqual({ value: 0.5, hits: 1, total: 2 });
  });
});

describe("mature sources", () => {
  it.each([
    ["/django/db/models/query.py", false],
    ["/django/test/client.py", true],
    ["/flask/testing.py", false],
    ["/werkzeug/tests/test_x.py", true],
    ["/jinja2/test_utils.py", true],
    ["/requests/conftest.py", true],
  ])("isTestPath(%p) = %p", (path, expected) => {
    expect(isTestPath(path)).toBe(expected);
  });

  it.each([
    ["", 0],
    ["a", 1],
    ["a\n", 1],
    ["a\n\nb\n", 3],
  ])("countLines(%p) = %p", (text, lines) => {
    expect(countLines(text)).toBe(lines);
  });
});
