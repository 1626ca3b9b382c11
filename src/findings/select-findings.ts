import type { RepoConfig } from "../config/repo-config.js";
import type { Finding } from "./finding.js";

/** Keeps findings on changed lines that pass the repo config and suppressions. */
export function selectFindings(
  _findings: readonly Finding[],
  _ctx: { changedLines: ReadonlyMap<string, ReadonlySet<number>>; fileLines: ReadonlyMap<string, readonly string[]>; config: RepoConfig },
): { kept: Finding[]; suppressed: Finding[] } {
  throw new Error("not implemented");
}
