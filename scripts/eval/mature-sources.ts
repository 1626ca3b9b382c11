import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Debian's packages reserved for measuring false alarms (issue 3, "Rules"). */
export const MATURE_PACKAGES = ["django", "flask", "requests", "werkzeug", "jinja2"] as const;

/** Where Debian installs them. */
export const DIST_PACKAGES = "/usr/lib/python3/dist-packages";

/** True for test code, which the false-alarm measure leaves out. */
export function isTestPath(path: string): boolean {
  const parts = path.split("/");
  const name = parts[parts.length - 1] ?? "";
  return (
    parts.some((part) => part === "tests" || part === "test" || part === "testing") ||
    name.startsWith("test_") ||
    name.endsWith("_test.py") ||
    name === "conftest.py"
  );
}

/** Physical lines of a file (a final newline does not start a line): how both tools' rates are normalized. */
export function countLines(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/** Non-test `.py` files of one package, sorted, with their line count. */
export function packageFiles(pkg: string, root = DIST_PACKAGES): { files: string[]; lines: number } {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "__pycache__") walk(path);
      else if (entry.isFile() && entry.name.endsWith(".py") && !isTestPath(path.slice(root.length))) files.push(path);
    }
  };
  walk(join(root, pkg));
  files.sort();
  return { files, lines: files.reduce((sum, file) => sum + countLines(readFileSync(file, "utf8")), 0) };
}
