import { median, quantile } from "../../bench/stats.js";
import { plainMarkdown, renderCheck, renderComments } from "../../scripts/demo/reviewer-view.js";

describe("bench statistics (nearest rank)", () => {
  test.each<[number[], number, number]>([
    [[5], 0.5, 5],
    [[3, 1, 2], 0.5, 2],
    [[4, 1, 3, 2], 0.5, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 0.95, 19],
    [[], 0.5, Number.NaN],
  ])("quantile(%j, %d) = %d", (values, q, expected) => {
    expect(quantile(values, q)).toBe(expected);
  });
  test("median does not reorder its input", () => {
    const values = [3, 1, 2];
    expect(median(values)).toBe(2);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("the demo's reviewer view", () => {
  const file = ["import sqlite3", "", "def find(conn, name):", "    cur = conn.cursor()", '    cur.execute(f"SELECT * FROM t WHERE n = \'{name}\'")', "    return cur.fetchone()"].join("\n");
  const body = "**[CWE-89](https://cwe.mitre.org/data/definitions/89.html): SQL Injection** · confidence 97%\n\nWhy.\n\n<sub>Silence it.</sub>\n<!-- cwe-review:fp=abc -->";

  test("markdown loses hidden markers and emphasis, keeps link targets", () => {
    expect(plainMarkdown(body)).toBe("CWE-89 <https://cwe.mitre.org/data/definitions/89.html>: SQL Injection · confidence 97%\n\nWhy.\n\nSilence it.");
  });

  test("a comment shows two lines of context around the marked lines", () => {
    const out = renderComments([{ path: "app/db.py", line: 5, start_line: null, body }], () => file);
    expect(out.slice(0, 6)).toEqual([
      expect.stringMatching(/^── 1\/1 {2}app\/db\.py:5 ─+$/),
      "  3 │ def find(conn, name):",
      "  4 │     cur = conn.cursor()",
      `> 5 │     cur.execute(f"SELECT * FROM t WHERE n = '{name}'")`,
      "  6 │     return cur.fetchone()",
      "",
    ]);
  });

  test("a multi-line comment marks its whole range", () => {
    const out = renderComments([{ path: "a.py", line: 4, start_line: 3, body: "x" }], () => file);
    expect(out.filter((l) => l.startsWith(">"))).toEqual(["> 3 │ def find(conn, name):", "> 4 │     cur = conn.cursor()"]);
  });

  test("the check run shows status, conclusion and summary", () => {
    expect(renderCheck({ name: "cwe-review", status: "completed", conclusion: "failure", title: "1 weakness", summary: "| CWE |", annotations: 1 })).toEqual([
      expect.stringContaining('check run "cwe-review": completed, conclusion failure, 1 annotation(s)'),
      "1 weakness",
      "",
      "    | CWE |",
    ]);
  });
});
