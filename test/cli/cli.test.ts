import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { changedLinesFromDiff } from "../../src/cli/changed-lines-from-diff.js";
import { MODEL_DIR } from "../model/bundle-dir.js";

/** The CLI from source in a child process, as `cwe-review` runs (see cli-entry.ts). */
const entry = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));
const repo = fileURLToPath(new URL("./fixtures/repo", import.meta.url));
const diffFile = fileURLToPath(new URL("./fixtures/change.diff", import.meta.url));

function cli(args: string[], cwd = repo) {
  const run = spawnSync(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd,
    encoding: "utf8",
    // Plain node, not Jest's VM flags.
    env: { ...process.env, NODE_OPTIONS: "" },
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface Report {
  findings: { path: string; line: number; endLine: number; cwe: string; name: string; confidence: number; message: string; fix: string }[];
  files: number;
  windows: number;
  ms: number;
}

describe("cwe-review scan (child process)", () => {
  let full: Report;

  it("prints only the DESIGN.md JSON on stdout and exits 1 iff there are findings", () => {
    const run = cli(["scan", ".", "--format", "json", "--model", MODEL_DIR]);
    expect(run.stderr).toBe("");
    full = JSON.parse(run.stdout) as Report;
    expect(Object.keys(full)).toEqual(["findings", "files", "windows", "ms"]);
    // app/helpers.py, app/legacy.py, app/views.py, scripts/cleanup.py; .venv and README.txt are skipped.
    expect(full.files).toBe(4);
    expect(full.windows).toBeGreaterThanOrEqual(4);
    expect(run.status).toBe(full.findings.length > 0 ? 1 : 0);
    for (const f of full.findings) {
      expect(Object.keys(f)).toEqual(["path", "line", "endLine", "cwe", "name", "confidence", "message", "fix"]);
      expect(["app/helpers.py", "app/legacy.py", "app/views.py", "scripts/cleanup.py"]).toContain(f.path);
    }
  });

  it("with --diff keeps only findings on added lines of files the diff touches", () => {
    const run = cli(["scan", ".", "--diff", diffFile, "--format", "json", "--model", MODEL_DIR]);
    const report = JSON.parse(run.stdout) as Report;
    const changed = changedLinesFromDiff(readFileSync(diffFile, "utf8"));
    expect(report.files).toBe(3); // helpers.py is unchanged
    for (const f of report.findings) expect(changed.get(f.path)).toContain(f.line);
    expect(run.status).toBe(report.findings.length > 0 ? 1 : 0);
  });

  it("writes SARIF 2.1.0 with one result per finding", () => {
    const run = cli(["scan", ".", "--format", "sarif", "--model", MODEL_DIR]);
    const log = JSON.parse(run.stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].results).toHaveLength(full.findings.length);
    expect(new Set(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id))).toEqual(new Set(full.findings.map((f) => f.cwe)));
  });

  it("uses the bundle shipped with the package when --model is not given", () => {
    const run = cli(["scan", "app/views.py", "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toMatchObject({ files: 1 });
  });

  it("prints a readable text report", () => {
    const run = cli(["scan", "app/views.py", "--model", MODEL_DIR]);
    expect(run.stdout).toMatch(/\(1 file scanned, \d+ windows, \d+ ms\)\n$/);
  });

  it("exits 2 with a clear message when the model bundle is missing", () => {
    const run = cli(["scan", ".", "--format", "json", "--model", "/nonexistent/bundle"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^cwe-review: model bundle \/nonexistent\/bundle has no manifest\.json: run `npm run train`/);
  });

  it.each([
    { args: ["scan", "--format", "xml", "."], message: /--format must be one of/ },
    { args: ["scan", "missing.py"], message: /no such file or directory: missing\.py/ },
    { args: ["scan", ".", "--diff", "missing.diff"], message: /cannot read the diff file missing\.diff/ },
  ])("exits 2 on $args", ({ args, message }) => {
    const run = cli([...args, "--model", MODEL_DIR]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
