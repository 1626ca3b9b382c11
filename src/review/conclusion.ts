import type { RepoConfig } from "../config/repo-config.js";
import type { Finding } from "../findings/finding.js";

/** Whether one reported finding fails the check under `failOn`. */
export function failsCheck(f: Pick<Finding, "confidence">, failOn: RepoConfig["failOn"]): boolean {
  if (failOn === "none") return false;
  if (failOn === "any") return true;
  return f.confidence >= failOn;
}

/**
 * Check-run conclusion for the reported findings (already filtered by the threshold):
 * `failure` when one fails under `failOn`; `neutral` when there are findings but none fails
 * (so they are visible without blocking a merge); `success` when there is nothing to report.
 */
export function decideConclusion(findings: readonly Finding[], config: RepoConfig): "success" | "failure" | "neutral" {
  if (findings.length === 0) return "success";
  return findings.some((f) => failsCheck(f, config.failOn)) ? "failure" : "neutral";
}
