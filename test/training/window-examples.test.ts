import { createTokenizer } from "../../src/tokenizer/index.js";
import { labelWindows, sortCwes, type LabelledRecord } from "../../scripts/training/window-examples.js";
import type { Window } from "../../src/windows/window.js";

const tokenizer = createTokenizer([]);
const labelIndex = new Map([["CWE-78", 0], ["CWE-89", 1]]);
const window = (lineNumbers: number[]): Window => ({
  path: "x.py", lines: lineNumbers.map((n) => `line_${n} = ${n}`), lineNumbers, focusLines: lineNumbers,
});
const record = (over: Partial<LabelledRecord>): LabelledRecord => ({
  id: "r", label: "vulnerable", cwes: ["CWE-89"], code: "", lines: [5], split: "train", family: "f", ...over,
});

describe("labelWindows", () => {
  test.each([
    ["window with the marked line is positive", record({}), [4, 5, 6], [1], [5]],
    ["window without it is negative", record({}), [1, 2], [], []],
    ["safe record is negative everywhere", record({ label: "safe", cwes: [], lines: [] }), [4, 5], [], []],
    ["vulnerable record without marked lines labels every window", record({ lines: [] }), [1, 2], [1], []],
    ["CWEs outside the label set are ignored", record({ cwes: ["CWE-89", "CWE-999"] }), [5], [1], [5]],
    ["several CWEs", record({ cwes: ["CWE-89", "CWE-78"] }), [5], [1, 0], [5]],
    ["the taint source line alone is not a target", record({ lines: [2, 5], notes: "taint source line 2" }), [1, 2, 3], [], []],
    ["the sink is the target beside the source", record({ lines: [2, 5], notes: "taint source line 2" }), [2, 5], [1], [5]],
    ["a source that is the only marked line stays a target", record({ lines: [2], notes: "taint source line 2" }), [2], [1], [2]],
  ])("%s", (_name, rec, lines, windowLabels, markedLines) => {
    const [example] = labelWindows(rec, [window(lines)], tokenizer, labelIndex, 256);
    expect(example?.windowLabels).toEqual(windowLabels);
    const marked = example?.lineOfToken.filter((_, i) => (example.tokenLabels[i]?.length ?? 0) > 0);
    expect([...new Set(marked)]).toEqual(markedLines);
    expect(example?.lineOfToken[0]).toBe(-1);
    expect(example?.tokenLabels.every((labels) => labels.length === 0 || labels.length === windowLabels.length)).toBe(true);
    expect(example?.ids.length).toBe(example?.lineOfToken.length);
  });

  test("file line numbers come from the window, not positions in it", () => {
    const [example] = labelWindows(record({ lines: [40] }), [window([1, 2, 40])], tokenizer, labelIndex, 256);
    expect(new Set(example?.lineOfToken.slice(1))).toEqual(new Set([1, 2, 40]));
  });

  test("codeLines leaves out blank and comment-only lines, which serving never flags", () => {
    const win: Window = { path: "x.py", lines: ["a = 1", "", "  # note", "b = a  # trailing"], lineNumbers: [7, 8, 9, 10], focusLines: [7] };
    const [example] = labelWindows(record({ lines: [7] }), [win], tokenizer, labelIndex, 256);
    expect(example?.codeLines).toEqual([7, 10]);
  });

  test("truncation keeps ids, lines and labels aligned", () => {
    const [example] = labelWindows(record({ lines: [3] }), [window([1, 2, 3])], tokenizer, labelIndex, 10);
    expect(example?.ids).toHaveLength(10);
    expect(example?.tokenLabels).toHaveLength(10);
    // Line 3 was cut off: no token is marked and the window is not positive either.
    expect(example?.windowLabels).toEqual([]);
  });
});

test("sortCwes orders by CWE number and removes duplicates", () => {
  expect(sortCwes(["CWE-89", "CWE-1333", "CWE-22", "CWE-89", "CWE-79"])).toEqual(["CWE-22", "CWE-79", "CWE-89", "CWE-1333"]);
});
