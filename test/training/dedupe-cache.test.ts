import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// dedupe_cache.py drops, from a training cache, the windows of examples that are the same code as
// an earlier example of their family and label with other names; it needs only the stdlib.
const PYTHON = "/usr/bin/python3";

const QUERY = (table: string, fn: string, arg: string) =>
  `import sqlite3\n\n\ndef ${fn}(conn, ${arg}):\n    cur = conn.cursor()\n` +
  `    cur.execute(f"SELECT * FROM ${table} WHERE name = '{${arg}}'")\n    return cur.fetchall()\n`;
const OTHER = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.run(['ls', cmd], check=True)\n";

describe("training/dedupe_cache.py", () => {
  const cache = mkdtempSync(join(tmpdir(), "dedupe-cache-"));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  const records = [
    { id: "a-000-v", family: "a", label: "vulnerable", code: QUERY("users", "find_user", "name") },
    { id: "a-001-v", family: "a", label: "vulnerable", code: QUERY("orders", "lookup", "who") }, // renamed copy
    { id: "a-001-s", family: "a", label: "safe", code: QUERY("users", "find_user", "name") }, // other label
    { id: "a-002-v", family: "a", label: "vulnerable", code: OTHER }, // other code
    { id: "b-000-v", family: "b", label: "vulnerable", code: QUERY("users", "find_user", "name") }, // other family
  ];
  const windowIds = (file: string) =>
    readFileSync(join(cache, file), "utf8").trim().split("\n").map((line) => (JSON.parse(line) as { id: string }).id);
  const run = () => execFileSync(PYTHON, ["training/dedupe_cache.py", cache], { encoding: "utf8" });

  beforeAll(() => {
    mkdirSync(join(cache, "data"));
    writeFileSync(join(cache, "data", "train.jsonl"), records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    // Two windows per example (a function and its imports), and one augmented copy of each.
    const windows = records.flatMap((r) => [0, 1].map((k) => JSON.stringify({ id: r.id, family: r.family, window: k })));
    writeFileSync(join(cache, "windows-train.jsonl"), windows.join("\n") + "\n");
    writeFileSync(join(cache, "windows-train.augmented.jsonl"),
      records.map((r) => JSON.stringify({ id: `${r.id}-aug1`, family: r.family })).join("\n") + "\n");
  });

  test("drops only the renamed copy of one family and label, windows and augmented copies alike", () => {
    expect(run()).toContain("1 of 5 train examples are near-copies");
    expect(windowIds("windows-train.jsonl")).toEqual(["a-000-v", "a-000-v", "a-001-s", "a-001-s", "a-002-v", "a-002-v", "b-000-v", "b-000-v"]);
    expect(windowIds("windows-train.augmented.jsonl")).toEqual(["a-000-v-aug1", "a-001-s-aug1", "a-002-v-aug1", "b-000-v-aug1"]);
    const report = JSON.parse(readFileSync(join(cache, "dedupe.json"), "utf8"));
    expect(report).toMatchObject({ jaccard: 0.95, examples: 5, dropped: ["a-001-v"] });
    expect(report.windows["windows-train.jsonl"]).toEqual({ before: 10, after: 8 });
  });

  test("a second run filters from the kept full files, so it changes nothing", () => {
    const before = readFileSync(join(cache, "windows-train.jsonl"), "utf8");
    run();
    expect(readFileSync(join(cache, "windows-train.jsonl"), "utf8")).toBe(before);
    expect(readFileSync(join(cache, "windows-train.full.jsonl"), "utf8").trim().split("\n")).toHaveLength(10);
  });
});
