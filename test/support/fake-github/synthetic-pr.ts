/**
 * Synthetic pull requests of a chosen size for the benchmarks: Python files whose diff adds
 * exactly `changedLines` lines, in functions of realistic shape (imports, a class, small
 * functions), with a few weaknesses sprinkled in so the model has something to report.
 */
import { buildPullHistory, type PullHistory } from "./git-history.js";

/** Lines per synthetic file: keeps files in the range real modules have. */
const LINES_PER_FILE = 150;

const BODIES: ((i: number) => string[])[] = [
  (i) => [`def total_${i}(items):`, `    """Sum the prices of order ${i}."""`, `    return sum(item.price * item.quantity for item in items)`, ``],
  (i) => [`def lookup_${i}(conn, name):`, `    cursor = conn.cursor()`, `    cursor.execute("SELECT id FROM users WHERE name = ?", (name,))`, `    return cursor.fetchone()`, ``],
  (i) => [`def unsafe_lookup_${i}(conn, name):`, `    cursor = conn.cursor()`, `    cursor.execute(f"SELECT id FROM users WHERE name = '{name}'")`, `    return cursor.fetchone()`, ``],
  (i) => [`def render_${i}(user):`, `    parts = [user.first_name, user.last_name]`, `    label = " ".join(p for p in parts if p)`, `    return label.title()`, ``],
  (i) => [`def archive_${i}(path):`, `    subprocess.run(["tar", "czf", path + ".tgz", path], check=True)`, `    return path + ".tgz"`, ``],
  (i) => [`def parse_${i}(text):`, `    values = {}`, `    for line in text.splitlines():`, `        key, _, value = line.partition("=")`, `        values[key.strip()] = value.strip()`, `    return values`, ``],
];

const HEADER = ["import os", "import sqlite3", "import subprocess", "", ""];

/** Source of one synthetic module with exactly `lines` lines. */
export function syntheticModule(seed: number, lines: number): string {
  const out: string[] = [...HEADER];
  for (let i = 0; out.length < lines; i++) out.push(...(BODIES[(seed + i) % BODIES.length] as (i: number) => string[])(seed * 1000 + i));
  return out.slice(0, lines).join("\n") + "\n";
}

/**
 * A pull request adding `changedLines` Python lines in new files (one push), built with real
 * git so the patches are real. Different `variant`s give different code (names, order), so
 * no cache can make a later pull request of a benchmark cheaper than the first.
 */
export function syntheticHistory(changedLines: number, variant = 0): PullHistory {
  const files: Record<string, string> = {};
  for (let n = 0, left = changedLines; left > 0; n++, left -= LINES_PER_FILE) {
    files[`service/module_${n}.py`] = syntheticModule(variant * 7919 + n, Math.min(left, LINES_PER_FILE));
  }
  return buildPullHistory({ "README.md": "# service\n" }, [files]);
}
