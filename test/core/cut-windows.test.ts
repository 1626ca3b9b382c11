import { createWindowCutter, type TokenBudget, type WindowCutter } from "../../src/windows/cut-windows.js";
import type { Window } from "../../src/windows/window.js";

/** A stand-in tokenizer: one token per whitespace-separated word, at least one per line. */
const words = (line: string) => Math.max(1, line.trim().split(/\s+/).filter(Boolean).length);
const budget = (maxTokens: number): TokenBudget => ({ maxTokens, countTokens: words });
const BIG = budget(10_000);

let cutter: WindowCutter;
beforeAll(async () => {
  cutter = await createWindowCutter();
});

const SAMPLE = [
  "import os", //                                  1
  "from db import (connect,", //                   2
  "                close)", //                      3
  "", //                                           4
  "TIMEOUT = 5", //                                5
  "", //                                           6
  "def outer(x):", //                              7
  "    def inner(y):", //                          8
  "        return os.system(y)", //                9
  "    return inner(x)", //                        10
  "", //                                           11
  "", //                                           12
  "class Store:", //                               13
  "    table = 'users'", //                        14
  "", //                                           15
  "    @staticmethod", //                          16
  "    def find(cur, name):", //                   17
  "        q = 'SELECT * FROM users WHERE n=' + name", // 18
  "        return cur.execute(q)", //              19
  "", //                                           20
  "@app.route('/x')", //                           21
  "def view():", //                                22
  "    return Store.find(None, 'a')", //           23
  "", //                                           24
  "if __name__ == '__main__':", //                 25
  "    view()", //                                 26
].join("\n") + "\n";

const summary = (ws: Window[]) => ws.map((w) => ({ lines: w.lineNumbers, focus: w.focusLines }));
const IMPORTS = [1, 2, 3];

test.each([
  ["nested function: innermost def only", [9], [{ lines: [...IMPORTS, 8, 9], focus: [9] }]],
  ["outer function body", [10], [{ lines: [...IMPORTS, 7, 8, 9, 10, 11, 12], focus: [10] }]],
  ["method with decorator", [18], [{ lines: [...IMPORTS, 16, 17, 18, 19, 20], focus: [18] }]],
  ["decorator line of a method", [16], [{ lines: [...IMPORTS, 16, 17, 18, 19, 20], focus: [16] }]],
  ["class attribute: the whole class", [14], [{ lines: [...IMPORTS, ...range(13, 19)], focus: [14] }]],
  ["decorated function", [21, 23], [{ lines: [...IMPORTS, 21, 22, 23, 24], focus: [21, 23] }]],
  ["module-level statement: the run around it", [5], [{ lines: [1, 2, 3, 4, 5, 6], focus: [5] }]],
  ["main guard", [26], [{ lines: [...IMPORTS, 25, 26], focus: [26] }]],
  ["import line changed", [2], [{ lines: [1, 2, 3, 4, 5, 6], focus: [2] }]],
  ["blank line after a function joins it", [11], [{ lines: [...IMPORTS, 7, 8, 9, 10, 11, 12], focus: [11] }]],
  [
    "two units, merged per unit, in file order",
    [19, 9, 18],
    [
      { lines: [...IMPORTS, 8, 9], focus: [9] },
      { lines: [...IMPORTS, 16, 17, 18, 19, 20], focus: [18, 19] },
    ],
  ],
  ["lines outside the file are ignored", [0, 27, 99], []],
  ["duplicates collapse", [9, 9], [{ lines: [...IMPORTS, 8, 9], focus: [9] }]],
])("%s", (_name, changed, expected) => {
  expect(summary(cutter.cut("app.py", SAMPLE, changed, BIG))).toEqual(expected);
});

test('"all" on a class: blank rows between methods join the method above, not the class', () => {
  const source = ["class A:", "    x = 1", "", "    def m(self):", "        return 1", "", "", "    def n(self):", "        return 2", ""].join("\n");
  const ws = cutter.cut("a.py", source, "all", BIG);
  expect(summary(ws)).toEqual([
    { lines: range(1, 9), focus: [1, 2, 3] },
    { lines: [4, 5, 6, 7], focus: [4, 5, 6, 7] },
    { lines: [8, 9], focus: [8, 9] },
  ]);
});

test("window lines are the file's text for its line numbers", () => {
  const [w] = cutter.cut("app.py", SAMPLE, [18], BIG);
  const fileLines = SAMPLE.split("\n");
  expect(w?.path).toBe("app.py");
  expect(w?.lines).toEqual(w?.lineNumbers.map((n) => fileLines[n - 1]));
  expect(w?.lines).toContain("        q = 'SELECT * FROM users WHERE n=' + name");
});

/** Every line of the file is the focus of exactly one window. */
function expectFullCover(ws: Window[], lineCount: number) {
  const focus = ws.flatMap((w) => w.focusLines).sort((a, b) => a - b);
  expect(focus).toEqual(range(1, lineCount));
  for (const w of ws) for (const f of w.focusLines) expect(w.lineNumbers).toContain(f);
}

test('"all" covers every line once, nested units included', () => {
  const ws = cutter.cut("app.py", SAMPLE, "all", BIG);
  expectFullCover(ws, 26);
  // inner, outer, find, Store, view, and the two module-level runs
  expect(ws).toHaveLength(7);
});

test.each([
  ["empty file", ""],
  ["only blank lines", "\n\n\n"],
])("%s", (_name, source) => {
  const ws = cutter.cut("e.py", source, "all", BIG);
  expectFullCover(ws, source === "" ? 0 : 3);
  expect(cutter.cut("e.py", source, [1], BIG).length).toBeLessThanOrEqual(1);
});

test("syntax errors: no throw, changed lines still covered", () => {
  const broken = "import os\ndef broken(:\n    x = \n\ndef ok():\n    return os.getcwd(\n";
  expect(() => cutter.cut("b.py", broken, "all", BIG)).not.toThrow();
  expectFullCover(cutter.cut("b.py", broken, "all", BIG), 6);
  const ws = cutter.cut("b.py", broken, [3], BIG);
  expect(ws.flatMap((w) => w.focusLines)).toEqual([3]);
  expect(ws[0]?.lineNumbers).toContain(1); // the import is still there
});

test("CRLF files: lines without \\r, same numbering", () => {
  const ws = cutter.cut("w.py", "import os\r\ndef f():\r\n    return 1\r\n", [3], BIG);
  expect(ws).toEqual([{ path: "w.py", lines: ["import os", "def f():", "    return 1"], lineNumbers: [1, 2, 3], focusLines: [3] }]);
});

describe("a 400-line function over budget", () => {
  const body = range(1, 400).map((i) => `    v${i} = compute(v${i - 1}, ${i})`);
  const source = ["import os", "import subprocess", "", "@decorated", "def long(v0,", "         flag):", ...body, ""].join("\n");
  const maxTokens = 200;
  const ws = () => cutter.cut("long.py", source, "all", budget(maxTokens));
  const cost = (w: Window) => w.lines.reduce((sum, line) => sum + words(line), 0);

  test("every window fits, every line is focused once", () => {
    const windows = ws();
    expect(windows.length).toBeGreaterThan(5);
    for (const w of windows) expect(cost(w)).toBeLessThanOrEqual(maxTokens);
    expectFullCover(windows, 406);
  });

  test("each chunk keeps the imports and the signature (decorator + multi-line def)", () => {
    const later = ws().filter((w) => w.focusLines.every((line) => line > 6) && !w.focusLines.includes(7));
    expect(later.length).toBeGreaterThan(4);
    for (const w of later) {
      expect(w.lineNumbers.slice(0, 5)).toEqual([1, 2, 4, 5, 6]);
      expect(w.focusLines).not.toContain(5); // the signature is focused only in its own chunk
    }
  });

  test("a change deep inside gives one chunk around it", () => {
    const windows = cutter.cut("long.py", source, [300], budget(maxTokens));
    expect(windows).toHaveLength(1);
    expect(windows[0]?.focusLines).toEqual([300]);
    expect(cost(windows[0]!)).toBeLessThanOrEqual(maxTokens);
  });

  test("imports taking half the budget or more are dropped from chunks", () => {
    const heavy = ["import " + Array.from({ length: 120 }, (_, i) => `m${i},`).join(" ") + " mz", "", ...source.split("\n").slice(3)].join("\n");
    const windows = cutter.cut("long.py", heavy, [300], budget(maxTokens));
    expect(windows).toHaveLength(1);
    expect(windows[0]?.lineNumbers).not.toContain(1);
    expect(cost(windows[0]!)).toBeLessThanOrEqual(maxTokens);
  });
});

test("a line longer than the budget gets a window of its own", () => {
  const source = "def f():\n    x = " + "a + ".repeat(50) + "b\n    return x\n";
  const ws = cutter.cut("f.py", source, "all", budget(20));
  expectFullCover(ws, 3);
});

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}
