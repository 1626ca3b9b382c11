/** The command line is wrong (unknown flag, bad value, no paths): exit 2 with usage. */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

/** Printed with every usage error and for `--help`. */
export const USAGE = `Usage: cwe-review scan PATHS... [options]

Scans Python files (directories are searched for *.py) for security weaknesses (CWEs).

Options:
  --diff FILE        only report findings on lines a unified diff adds (e.g. git diff > pr.diff)
  --format FORMAT    text (default), json or sarif
  --threshold N      also require confidence >= N (0..1); the model's per-CWE thresholds always apply
  --model DIR        model bundle directory (default: the bundle shipped with cwe-review)
  --threads N        inference threads (default 2)
  -h, --help         show this help

Exit status: 0 no findings, 1 findings at or above the threshold, 2 error.`;
