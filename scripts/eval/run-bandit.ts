import { spawnSync } from "node:child_process";

/** One Bandit result, the fields we use from `bandit -f json`. */
export interface BanditIssue {
  filename: string;
  testId: string;
  severity: "LOW" | "MEDIUM" | "HIGH";
  line: number;
  lineRange: number[];
}

/** Debian's bandit CLI (python3-bandit, 1.6.2). */
const BANDIT = "bandit";

/** Bandit's version line, or null when it is not installed. */
export function banditVersion(): string | null {
  const run = spawnSync(BANDIT, ["--version"], { encoding: "utf8" });
  if (run.status !== 0) return null;
  return (run.stdout.split("\n")[0] ?? "").trim();
}

/**
 * Runs Bandit on `paths` (files or directories, recursively) and returns its issues at all
 * severities and confidences. Bandit exits 1 when it finds issues; only a missing or
 * unparsable report is an error.
 */
export function runBandit(paths: readonly string[]): BanditIssue[] {
  const run = spawnSync(BANDIT, ["-q", "-f", "json", "-r", ...paths], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (run.error !== undefined) throw new Error(`cannot run bandit: ${run.error.message} (apt-get install bandit)`);
  let report: { results?: { filename: string; test_id: string; issue_severity: string; line_number: number; line_range?: number[] }[] };
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Error(`bandit printed no JSON report (exit ${run.status}): ${run.stderr.slice(0, 500)}`);
  }
  return (report.results ?? []).map((r) => ({
    filename: r.filename,
    testId: r.test_id,
    severity: r.issue_severity as BanditIssue["severity"],
    line: r.line_number,
    lineRange: r.line_range ?? [r.line_number],
  }));
}
