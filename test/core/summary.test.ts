import { MAX_SUMMARY_CHARS, renderSummary, type SummaryInput } from "../../src/review/summary.js";
import { finding } from "./review-fixtures.js";

const base: SummaryInput = {
  findings: [],
  overflow: [],
  fixed: [],
  filesScanned: 3,
  windows: 7,
  skipped: [],
  model: { name: "cwe-small", version: "1.2.0" },
};

test.each<[string, Partial<SummaryInput>, string]>([
  ["nothing to scan", { filesScanned: 0, windows: 0 }, "No Python changes"],
  ["every file skipped", { filesScanned: 0, windows: 0, skipped: [{ path: "a.py", reason: "too large" }] }, "No files could be scanned"],
  ["clean", {}, "No weaknesses found"],
  ["one finding", { findings: [finding()] }, "1 potential weakness found"],
  ["two findings", { findings: [finding(), finding({ line: 9 })] }, "2 potential weaknesses found"],
])("title: %s", (_name, over, title) => {
  expect(renderSummary({ ...base, ...over }).title).toBe(title);
});

test("findings: a table of CWEs with counts and files, most frequent first", () => {
  const { summary } = renderSummary({
    ...base,
    findings: [
      finding({ path: "a.py", cwe: "CWE-78", name: "OS Command Injection" }),
      finding({ path: "b.py" }),
      finding({ path: "a.py" }),
      finding({ path: "a.py", line: 9 }),
    ],
  });
  const table = summary.split("\n").filter((l) => l.startsWith("|"));
  expect(table).toEqual([
    "| CWE | Weakness | Findings | Files |",
    "| --- | --- | ---: | --- |",
    "| [CWE-89](https://cwe.mitre.org/data/definitions/89.html) | SQL Injection | 3 | `a.py`, `b.py` |",
    "| [CWE-78](https://cwe.mitre.org/data/definitions/78.html) | OS Command Injection | 1 | `a.py` |",
  ]);
});

test("many files in one row are shortened", () => {
  const findings = Array.from({ length: 8 }, (_, i) => finding({ path: `f${i}.py` }));
  expect(renderSummary({ ...base, findings }).summary).toContain("`f4.py` and 3 more |");
});

test.each<[string, Partial<SummaryInput>, string[]]>([
  [
    "overflow lists findings not commented inline",
    { findings: [finding()], overflow: [finding({ line: 4, endLine: 6, confidence: 0.81 })] },
    ["### Not commented inline (1)", "- `app/views.py` line 4–6: [CWE-89](https://cwe.mitre.org/data/definitions/89.html) SQL Injection (81%): User input"],
  ],
  [
    "fixed since the last push",
    { fixed: [{ path: "a.py", line: 3 }, { path: "b.py", line: null }] },
    ["### Fixed since the last push (2)", "- `a.py` line 3", "- `b.py`"],
  ],
  [
    "skipped files with reasons",
    { skipped: [{ path: "big.py", reason: "file is larger than 1 MB" }] },
    ["### Skipped files (1)", "- `big.py`: file is larger than 1 MB"],
  ],
  ["config error", { configError: ".github/cwe-review.yml: `threshold` must be a number" }, ["> **Config problem:** .github/cwe-review.yml: `threshold` must be a number"]],
  ["model and counts", { ms: 1234 }, ["<sub>Model cwe-small 1.2.0 · 3 files, 7 windows scanned in 1.2 s</sub>"]],
  ["singulars", { filesScanned: 1, windows: 1 }, ["1 file, 1 window scanned", "No weaknesses found in 1 file."]],
  ["no Python changes explained", { filesScanned: 0, windows: 0 }, ["No Python files in this pull request matched the configured paths."]],
])("%s", (_name, over, fragments) => {
  const { summary } = renderSummary({ ...base, ...over });
  for (const fragment of fragments) expect(summary).toContain(fragment);
});

test("a section is absent when it has nothing", () => {
  const { summary } = renderSummary(base);
  expect(summary).not.toContain("###");
  expect(summary).not.toContain("Config problem");
});

test("text from files and models cannot break the Markdown", () => {
  const { summary } = renderSummary({
    ...base,
    findings: [finding({ name: "A | B" })],
    skipped: [{ path: "we`ird.py", reason: "line one\nline two <!-- hidden" }],
  });
  expect(summary).toContain("| A \\| B |");
  expect(summary).toContain("- `we'ird.py`: line one line two &lt;!-- hidden");
});

describe("truncation", () => {
  const many = Array.from({ length: 2000 }, (_, i) =>
    finding({ path: `pkg/module_${i}.py`, line: i + 1, endLine: i + 1, message: "x".repeat(60) }),
  );
  const input = { ...base, findings: many, overflow: many };
  const { summary } = renderSummary(input);
  const bytes = new TextEncoder().encode(summary).length;

  test("stays within GitHub's limit", () => {
    expect(MAX_SUMMARY_CHARS).toBe(65535);
    expect(bytes).toBeGreaterThan(60_000); // it did fill the space
    expect(bytes).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
  });

  test("cuts whole lines, says how many were left out, keeps the footer", () => {
    const lines = summary.split("\n");
    const note = lines.find((l) => l.startsWith("_…summary truncated:"));
    expect(note).toMatch(/^_…summary truncated: \d+ more lines not shown \(GitHub allows 65535 characters\)\._$/);
    expect(lines.at(-1)).toBe("<sub>Model cwe-small 1.2.0 · 3 files, 7 windows scanned</sub>");
    const listed = lines.filter((l) => l.startsWith("- `pkg/"));
    const left = Number(/(\d+) more lines/.exec(note!)![1]);
    // Every overflow line is either shown whole or counted as left out (plus the blank after the list).
    expect(listed.length + left).toBe(2001);
    for (const l of listed) expect(l).toMatch(/x{60}$/);
  });

  test("a multi-byte summary is measured in bytes, not UTF-16 units", () => {
    const wide = many.map((f) => ({ ...f, message: "漢".repeat(60) }));
    const s = renderSummary({ ...base, findings: wide, overflow: wide }).summary;
    expect(new TextEncoder().encode(s).length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
  });

  test("small summaries are not truncated", () => {
    expect(renderSummary({ ...base, findings: many.slice(0, 3), overflow: many.slice(0, 3) }).summary).not.toContain("truncated");
  });
});
