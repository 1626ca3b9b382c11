/**
 * `npm start` and `npm run worker` run the compiled `dist/`. `npm ci` builds it (prepare);
 * this rebuilds only when a source file is newer than the oldest compiled file, so the demo
 * and the e2e test never run stale code and do not pay for a build they don't need.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function mtimes(dir: string, ext: string): number[] {
  if (!existsSync(dir)) return [];
  const out: number[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...mtimes(path, ext));
    else if (entry.name.endsWith(ext)) out.push(statSync(path).mtimeMs);
  }
  return out;
}

/** True when dist/ is missing or older than src/ (or the build configuration). */
export function buildIsStale(root: string): boolean {
  const built = mtimes(join(root, "dist", "src"), ".js");
  if (built.length === 0 || !existsSync(join(root, "dist/src/app/index.js")) || !existsSync(join(root, "dist/src/worker/main.js"))) return true;
  const sources = [...mtimes(join(root, "src"), ".ts"), statSync(join(root, "tsconfig.json")).mtimeMs, statSync(join(root, "tsconfig.build.json")).mtimeMs];
  return Math.max(...sources) > Math.min(...built);
}

/** Runs `npm run build` when dist/ is stale; `say` reports what happens. */
export function ensureBuild(root: string, say: (line: string) => void = () => undefined): void {
  if (!buildIsStale(root)) return;
  say("building dist/ (npm run build) …");
  const started = Date.now();
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  say(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
