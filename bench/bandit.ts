/**
 * Bandit (Debian's `bandit`) on the same changed files, for comparison: wall time of one
 * `bandit -r` over the pull request's changed Python files written to a temp directory.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { PullHistory } from "../test/support/fake-github/git-history.js";

/** Bandit's version line, or null when it is not installed. */
export function banditVersion(): string | null {
  const run = spawnSync("bandit", ["--version"], { encoding: "utf8" });
  return run.status === 0 ? (run.stdout.split("\n")[0] ?? "").trim() : null;
}

/** Wall times (ms) of `runs` Bandit runs over the head versions of the changed Python files. */
export function measureBandit(history: PullHistory, runs: number): { ms: number[]; issues: number } {
  const head = history.heads[history.heads.length - 1];
  if (!head) throw new Error("bandit: empty history");
  const dir = mkdtempSync(join(tmpdir(), "cwe-review-bench-bandit-"));
  try {
    for (const file of head.files.filter((f) => f.filename.endsWith(".py") && f.status !== "removed")) {
      const bytes = history.blobs.get(file.sha);
      if (!bytes) continue;
      mkdirSync(dirname(join(dir, file.filename)), { recursive: true });
      writeFileSync(join(dir, file.filename), bytes);
    }
    const ms: number[] = [];
    let issues = 0;
    for (let r = 0; r < runs; r++) {
      const started = performance.now();
      const run = spawnSync("bandit", ["-q", "-f", "json", "-r", dir], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
      ms.push(performance.now() - started);
      if (run.error) throw new Error(`cannot run bandit: ${run.error.message} (apt-get install bandit)`);
      issues = ((JSON.parse(run.stdout) as { results?: unknown[] }).results ?? []).length;
    }
    return { ms, issues };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
