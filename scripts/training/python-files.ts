import { readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Python source installed on this machine: the standard library and Debian's Python
 * packages (torch, numpy, Django, Flask, requests, Werkzeug, Jinja2, …).
 */
export const PYTHON_ROOTS = ["/usr/lib/python3.11", "/usr/lib/python3/dist-packages"];

/**
 * Packages the dataset issue reserves for measuring false alarms: they may be read as
 * unlabelled pretraining text, never used as labelled (even "assumed safe") examples.
 */
export const RESERVED_PACKAGES = ["django", "flask", "requests", "werkzeug", "jinja2"];

/** True when `path` lies inside one of the reserved packages. */
export function isReserved(path: string): boolean {
  return RESERVED_PACKAGES.some((name) => path.includes(`/dist-packages/${name}/`));
}

/** Every `.py` file under `dir`, sorted; symlinked folders and `__pycache__` are not entered. */
export function listPythonFiles(dir: string): string[] {
  const out: string[] = [];
  walk(dir, out);
  return out.sort();
}

function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable folder: nothing to learn from
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // Dirent.isDirectory() is false for symlinks, so link loops cannot trap the walk.
    if (entry.isDirectory() && entry.name !== "__pycache__") walk(path, out);
    else if (entry.isFile() && entry.name.endsWith(".py")) out.push(path);
  }
}
