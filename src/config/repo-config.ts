import { Minimatch } from "minimatch";
import { parse as parseYaml, YAMLError } from "yaml";
import type { z } from "zod";
import { REPO_CONFIG_KEYS, REPO_CONFIG_PATH, repoConfigFileSchema } from "./repo-config-schema.js";

/** Per-repository settings, from `.github/cwe-review.yml` (DESIGN.md, "Repo config"). */
export interface RepoConfig {
  /** Globs matched against repository paths; a file is reviewed when it matches an include and no exclude. */
  paths: { include: string[]; exclude: string[] };
  /** CWE ids never reported, e.g. ["CWE-330"]. */
  skipCwes: string[];
  /**
   * Minimum confidence (0..1) on top of the model's per-CWE thresholds (tuned on validation
   * data and shipped in the bundle's manifest). 0, the default, reports what the model's own
   * thresholds let through, exactly as `cwe-review scan` and `npm run eval` do; raise it to
   * trade recall for fewer comments.
   */
  threshold: number;
  /** "any" reported finding fails the check; "none" never fails; a number fails only at or above that confidence. */
  failOn: "any" | "none" | number;
  /** Post inline review comments (otherwise findings go to the check summary only). */
  inlineComments: boolean;
  /** Most inline comments per push; the rest are listed in the check summary. */
  maxInlineComments: number;
  /** Review draft pull requests too. */
  drafts: boolean;
}

/** Settings used when the repository has no config file, or an invalid one. */
export const DEFAULT_REPO_CONFIG: RepoConfig = Object.freeze({
  paths: Object.freeze({ include: ["**/*.py"], exclude: [] }) as RepoConfig["paths"],
  skipCwes: [],
  threshold: 0,
  failOn: "any",
  inlineComments: true,
  maxInlineComments: 25,
  drafts: false,
}) as RepoConfig;

function defaults(): RepoConfig {
  return structuredClone(DEFAULT_REPO_CONFIG); // a fresh, unfrozen copy callers may change
}

/**
 * Reads the text of `.github/cwe-review.yml`. A missing or empty file gives the defaults; a
 * file that is not valid YAML or breaks the schema gives the defaults plus an `error` that
 * names the file, the key and what it allows (shown in the check run's summary).
 *
 * @example
 * parseRepoConfig("threshold: high").error
 * // → ".github/cwe-review.yml: `threshold` must be a number from 0 to 1 (using defaults)"
 */
export function parseRepoConfig(text: string | null): { config: RepoConfig; error?: string } {
  if (text === null || text.trim() === "") return { config: defaults() };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    if (!(err instanceof YAMLError)) throw err;
    const where = err.linePos ? ` at line ${err.linePos[0].line}` : "";
    return { config: defaults(), error: `${REPO_CONFIG_PATH} is not valid YAML${where}: ${firstLine(err.message)} (using defaults)` };
  }
  if (raw === null || raw === undefined) return { config: defaults() };
  const parsed = repoConfigFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(describeIssue).join("; ");
    return { config: defaults(), error: `${REPO_CONFIG_PATH}: ${problems} (using defaults)` };
  }
  const file = parsed.data;
  const base = defaults();
  return {
    config: {
      paths: { include: file.paths?.include ?? base.paths.include, exclude: file.paths?.exclude ?? base.paths.exclude },
      skipCwes: file.skipCwes ?? base.skipCwes,
      threshold: file.threshold ?? base.threshold,
      failOn: file.failOn ?? base.failOn,
      inlineComments: file.inlineComments ?? base.inlineComments,
      maxInlineComments: file.maxInlineComments ?? base.maxInlineComments,
      drafts: file.drafts ?? base.drafts,
    },
  };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const where = key === "" ? "" : ` under \`${key}\``;
    const allowed = key === "" ? REPO_CONFIG_KEYS.join(", ") : "include, exclude";
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `\`${k}\``).join(", ")}${where} (allowed: ${allowed})`;
  }
  if (key === "") return "the file must be a map of settings, e.g. `threshold: 0.7`";
  return `\`${key}\` ${issue.message}`;
}

const matchers = new WeakMap<RepoConfig["paths"], { include: Minimatch[]; exclude: Minimatch[] }>();

/**
 * Whether a repository path is reviewed: it matches an `include` glob and no `exclude` glob.
 * Globs follow minimatch (`**` spans folders, dotfiles match). Compiled globs are cached per
 * `config.paths` object: treat a config as read-only once it is in use.
 *
 * @example
 * isPathIncluded(DEFAULT_REPO_CONFIG, "app/views.py") // → true
 */
export function isPathIncluded(config: RepoConfig, path: string): boolean {
  let compiled = matchers.get(config.paths);
  if (!compiled) {
    const compile = (globs: string[]) => globs.map((glob) => new Minimatch(glob, { dot: true }));
    compiled = { include: compile(config.paths.include), exclude: compile(config.paths.exclude) };
    matchers.set(config.paths, compiled);
  }
  return compiled.include.some((m) => m.match(path)) && !compiled.exclude.some((m) => m.match(path));
}
