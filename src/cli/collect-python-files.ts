import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CliUsageError } from "./cli-usage-error.js";

/** Directories never worth scanning: tooling, caches, virtual environments. */
const SKIP_DIRS = new Set([".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache"]);

/**
 * Python files named by `paths`: files as given (any extension, the user chose them),
 * directories searched recursively for `*.py`. Sorted, without duplicates, paths kept in
 * the form the user gave (so findings print as the user expects).
 *
 * @throws CliUsageError when a path does not exist.
 */
export function collectPythonFiles(paths: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) walk(path);
      else if (entry.isFile() && entry.name.endsWith(".py")) found.add(path);
    }
  };
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new CliUsageError(`no such file or directory: ${path}`);
    }
    if (stats.isDirectory()) walk(path);
    else found.add(path);
  }
  return [...found].sort();
}
