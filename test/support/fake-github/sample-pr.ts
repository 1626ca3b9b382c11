/**
 * The demo's sample pull request: a small Flask shop (committed under ./sample/) where the
 * first push adds three weaknesses — SQL built with an f-string (CWE-89), a shell command
 * built from a form field (CWE-78), yaml.load with the unsafe Loader (CWE-502) — next to safe
 * changes, and a second push adds a safe change and shifts every finding down a line.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPullHistory, type FileChanges, type PullHistory } from "./git-history.js";

const SAMPLE_DIR = fileURLToPath(new URL("./sample/", import.meta.url));

/** The sample repository's owner/name as the stand-in serves it. */
export const SAMPLE_REPO = { owner: "octo-shop", repo: "shop", number: 7, title: "Thumbnails, plugins and user lookup" } as const;

function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path).split("\\").join("/"), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return files;
}

/** Changes turning one snapshot into the next (deleted files as null). */
export function changesBetween(before: Map<string, string>, after: Map<string, string>): FileChanges {
  const changes: FileChanges = {};
  for (const [path, text] of after) if (before.get(path) !== text) changes[path] = text;
  for (const path of before.keys()) if (!after.has(path)) changes[path] = null;
  return changes;
}

/** Builds the sample pull request's history with real git (base, push 1, push 2). */
export function sampleHistory(): PullHistory {
  const [base, ...pushes] = ["base", "push1", "push2"].map((d) => readTree(join(SAMPLE_DIR, d)));
  if (!base) throw new Error("sample: base snapshot missing");
  let previous = base;
  const steps = pushes.map((snapshot) => {
    const changes = changesBetween(previous, snapshot);
    previous = snapshot;
    return changes;
  });
  return buildPullHistory(Object.fromEntries(base), steps);
}
