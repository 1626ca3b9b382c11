import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The cwe-review package directory: the first parent of this module with a package.json.
 * Works from `src/cli/` (tsx, Jest) and from `dist/src/cli/` (npx cwe-review).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find cwe-review's package.json above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

/** The model bundle shipped with the package. */
export function defaultModelDir(): string {
  return join(packageRoot(), "models", "cwe-review-small");
}

/** cwe-review's version, for SARIF's tool.driver.version. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}
