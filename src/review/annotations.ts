import type { RepoConfig } from "../config/repo-config.js";
import type { Finding } from "../findings/finding.js";

export const MAX_ANNOTATIONS_PER_REQUEST = 50;
export interface CheckAnnotation { path: string; start_line: number; end_line: number; annotation_level: "failure" | "warning" | "notice"; message: string; title: string; raw_details?: string }

export function toAnnotations(_findings: readonly Finding[], _failOn: RepoConfig["failOn"]): CheckAnnotation[] {
  throw new Error("not implemented");
}
export function batchAnnotations<T>(_items: readonly T[], _size: number = MAX_ANNOTATIONS_PER_REQUEST): T[][] {
  throw new Error("not implemented");
}
