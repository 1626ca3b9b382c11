/** Per-repository settings read from `.github/cwe-review.yml`. */
export interface RepoConfig {
  paths: { include: string[]; exclude: string[] };
  skipCwes: string[];
  threshold: number;
  failOn: "any" | "none" | number;
  inlineComments: boolean;
  maxInlineComments: number;
  drafts: boolean;
}

export const DEFAULT_REPO_CONFIG: RepoConfig = {
  paths: { include: ["**/*.py"], exclude: [] },
  skipCwes: [],
  threshold: 0.5,
  failOn: "any",
  inlineComments: true,
  maxInlineComments: 25,
  drafts: false,
};

/** null/empty text → defaults; invalid YAML or schema → defaults + a readable error. */
export function parseRepoConfig(_text: string | null): { config: RepoConfig; error?: string } {
  throw new Error("not implemented");
}

export function isPathIncluded(_config: RepoConfig, _path: string): boolean {
  throw new Error("not implemented");
}
