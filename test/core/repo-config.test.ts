import { DEFAULT_REPO_CONFIG, isPathIncluded, parseRepoConfig, type RepoConfig } from "../../src/config/repo-config.js";

test.each([
  ["null (no file)", null],
  ["empty file", ""],
  ["only comments", "# nothing here\n"],
])("%s → defaults, no error", (_name, text) => {
  expect(parseRepoConfig(text)).toEqual({ config: DEFAULT_REPO_CONFIG });
});

test("defaults are the documented ones", () => {
  expect(DEFAULT_REPO_CONFIG).toEqual({
    paths: { include: ["**/*.py"], exclude: [] },
    skipCwes: [],
    threshold: 0,
    failOn: "any",
    inlineComments: true,
    maxInlineComments: 25,
    drafts: false,
  });
});

test.each<[string, string, Partial<RepoConfig>]>([
  ["threshold", "threshold: 0.8", { threshold: 0.8 }],
  ["failOn none", "failOn: none", { failOn: "none" }],
  ["failOn number", "failOn: 0.9", { failOn: 0.9 }],
  ["skipCwes normalized", "skipCwes: [cwe-330, CWE-89]", { skipCwes: ["CWE-330", "CWE-89"] }],
  ["paths, exclude only", "paths:\n  exclude: ['tests/**']", { paths: { include: ["**/*.py"], exclude: ["tests/**"] } }],
  ["inline comments off", "inlineComments: false\nmaxInlineComments: 0", { inlineComments: false, maxInlineComments: 0 }],
  ["drafts", "drafts: true", { drafts: true }],
])("valid %s", (_name, text, expected) => {
  const { config, error } = parseRepoConfig(text);
  expect(error).toBeUndefined();
  expect(config).toEqual({ ...DEFAULT_REPO_CONFIG, ...expected });
});

// Each bad file falls back to the defaults with a message that names the key and what it allows.
test.each([
  ["threshold as text", "threshold: high", ["`threshold` must be a number from 0 to 1"]],
  ["threshold above 1", "threshold: 1.5", ["`threshold` must be a number from 0 to 1"]],
  ["failOn unknown word", "failOn: sometimes", ['`failOn` must be "any", "none", or a confidence from 0 to 1']],
  ["failOn above 1", "failOn: 2", ['`failOn` must be "any", "none", or a confidence from 0 to 1']],
  ["inlineComments as string", "inlineComments: 'no'", ["`inlineComments` must be true or false"]],
  ["maxInlineComments fractional", "maxInlineComments: 2.5", ["`maxInlineComments` must be a whole number from 0 to 1000"]],
  ["skipCwes bad id", "skipCwes: [SQLi]", ['`skipCwes.0` must be a CWE id such as "CWE-330"']],
  ["skipCwes not a list", "skipCwes: CWE-89", ["`skipCwes` must be a list of CWE ids"]],
  ["paths.include not a list", "paths:\n  include: '*.py'", ["`paths.include` must be a list of glob strings"]],
  ["unknown top-level key (typo)", "treshold: 0.7", ["unknown key `treshold`", "allowed: paths, skipCwes, threshold"]],
  ["unknown key under paths", "paths:\n  includes: ['**/*.py']", ["unknown key `includes` under `paths`", "allowed: include, exclude"]],
  ["not a map", "- threshold: 0.7", ["the file must be a map of settings"]],
  ["two problems at once", "threshold: x\ndrafts: 3", ["`threshold` must be", "`drafts` must be true or false"]],
  ["invalid YAML", "threshold: [0.5\ndrafts: true", ["is not valid YAML at line"]],
  ["duplicate key", "threshold: 0.5\nthreshold: 0.6", ["is not valid YAML at line 2"]],
])("invalid: %s", (_name, text, fragments) => {
  const { config, error } = parseRepoConfig(text);
  expect(config).toEqual(DEFAULT_REPO_CONFIG);
  expect(error).toMatch(/^\.github\/cwe-review\.yml/);
  expect(error).toMatch(/\(using defaults\)$/);
  for (const fragment of fragments) expect(error).toContain(fragment);
});

test("the parsed config is a copy: changing it leaves the defaults alone", () => {
  const { config } = parseRepoConfig(null);
  config.paths.include.push("**/*.pyi");
  config.skipCwes.push("CWE-1");
  expect(DEFAULT_REPO_CONFIG.paths.include).toEqual(["**/*.py"]);
  expect(DEFAULT_REPO_CONFIG.skipCwes).toEqual([]);
});

const withPaths = (include: string[], exclude: string[]): RepoConfig => ({ ...DEFAULT_REPO_CONFIG, paths: { include, exclude } });

test.each([
  ["setup.py", DEFAULT_REPO_CONFIG, true],
  ["app/views.py", DEFAULT_REPO_CONFIG, true],
  [".github/scripts/release.py", DEFAULT_REPO_CONFIG, true],
  ["README.md", DEFAULT_REPO_CONFIG, false],
  ["app/views.pyc", DEFAULT_REPO_CONFIG, false],
  ["tests/test_views.py", withPaths(["**/*.py"], ["tests/**"]), false],
  ["app/tests.py", withPaths(["**/*.py"], ["tests/**"]), true],
  ["app/migrations/0001_initial.py", withPaths(["**/*.py"], ["**/migrations/**"]), false],
  ["scripts/deploy.py", withPaths(["src/**/*.py", "scripts/*.py"], []), true],
  ["scripts/sub/deploy.py", withPaths(["src/**/*.py", "scripts/*.py"], []), false],
  ["lib/x.py", withPaths(["src/**/*.py", "scripts/*.py"], []), false],
])("isPathIncluded %s (row %#)", (path, config, expected) => {
  expect(isPathIncluded(config, path)).toBe(expected);
});
