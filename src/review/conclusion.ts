import type { RepoConfig } from "../config/repo-config.js";
import type { Finding } from "../findings/finding.js";

export function decideConclusion(_findings: readonly Finding[], _config: RepoConfig): "success" | "failure" | "neutral" {
  throw new Error("not implemented");
}
