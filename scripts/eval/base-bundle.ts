import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { log } from "./model-tool.js";

/** Debian's torch is installed for this interpreter only (issue 4, point 3). */
const PYTHON = "/usr/bin/python3";

/**
 * The base-model bundle (the pretrained encoder with fresh heads) for the report's
 * "base model" row. `training/runs/` is not in git, so when `baseDir` has no bundle this
 * exports one from the newest committed encoder in `training/encoders/`, taking the
 * vocabulary and labels from the evaluated bundle (`export.py --like`): a fresh checkout
 * then reports the same row as the machine that trained.
 *
 * @returns the bundle directory, or null (with the reason logged) when none can be made.
 */
export function ensureBaseBundle(root: string, modelDir: string, baseDir: string): string | null {
  if (existsSync(join(baseDir, "manifest.json"))) return baseDir;
  const encoders = join(root, "training", "encoders");
  const newest = existsSync(encoders) ? readdirSync(encoders).filter((f) => f.endsWith(".pt")).sort().at(-1) : undefined;
  if (newest === undefined) {
    log(`no base model bundle at ${baseDir} and no encoder in ${relative(root, encoders)}; its row is left out`);
    return null;
  }
  const encoder = join(encoders, newest);
  const args = ["training/export.py", "--encoder", relative(root, encoder), "--like", modelDir, "--out", baseDir];
  log(`no base model bundle at ${baseDir}: exporting one from ${relative(root, encoder)} (${PYTHON} ${args.join(" ")})`);
  try {
    execFileSync(PYTHON, args, { cwd: root, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    return baseDir;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    const reason = stderr.trim().split("\n").at(-1) ?? (error as Error).message;
    log(`could not export the base model (${reason}); its row is left out. Install python3-torch and python3-onnx, or pass --base DIR`);
    return null;
  }
}
