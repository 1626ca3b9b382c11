/**
 * Builds a pull request's history with real git in a temp directory, so the patches the
 * stand-in GitHub serves are what `git diff` produces (STYLE.md: diff fixtures from real git).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Path → text; `null` deletes the file in a push. */
export type FileChanges = Record<string, string | null>;

/** One entry of `pulls.listFiles`, as GitHub documents it (minus URLs, added by the server). */
export interface PullFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed";
  additions: number;
  deletions: number;
  changes: number;
  /** Blob SHA of the file at the head (at the base for removed files). */
  sha: string;
  /** The unified diff from the first `@@`, as GitHub returns it; absent for binary files. */
  patch?: string;
  previous_filename?: string;
}

/** One commit: its SHA and its tree as path → blob SHA. */
export interface Commit {
  sha: string;
  tree: Map<string, string>;
}

/** A base commit and the pushes on top of it, each with the pull request's files at that push. */
export interface PullHistory {
  base: Commit;
  heads: { commit: Commit; files: PullFile[] }[];
  /** Every blob of every commit, by SHA. */
  blobs: Map<string, Buffer>;
}

/** The SHA git gives a blob: sha1("blob <size>\0<bytes>"). */
export function blobSha(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

// Fixed identity and dates make the commit SHAs the same on every machine and run.
function gitEnv(step: number): NodeJS.ProcessEnv {
  const date = new Date(Date.UTC(2026, 0, 1, 0, step)).toISOString();
  return {
    ...process.env,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Octo Cat",
    GIT_AUTHOR_EMAIL: "octocat@example.com",
    GIT_COMMITTER_NAME: "Octo Cat",
    GIT_COMMITTER_EMAIL: "octocat@example.com",
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

function git(dir: string, args: string[], step = 0): string {
  return execFileSync("git", args, { cwd: dir, env: gitEnv(step), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

/** Splits `git diff` output into per-file patches (from the first `@@`, as GitHub's `patch`). */
function splitPatches(diff: string): Map<string, string> {
  const patches = new Map<string, string>();
  for (const block of diff.split(/^(?=diff --git )/m)) {
    const header = /^diff --git a\/(.+?) b\/(.+)$/m.exec(block);
    const at = block.indexOf("\n@@");
    if (!header?.[2] || at < 0) continue;
    patches.set(header[2], block.slice(at + 1).replace(/\n$/, ""));
  }
  return patches;
}

function pullFiles(dir: string, base: Commit, head: Commit): PullFile[] {
  const statuses = git(dir, ["diff", "--name-status", "-M", base.sha, head.sha]).trim().split("\n").filter(Boolean);
  const numstat = new Map<string, [number, number]>();
  for (const line of git(dir, ["diff", "--numstat", "-M", base.sha, head.sha]).trim().split("\n").filter(Boolean)) {
    const [add = "0", del = "0", ...rest] = line.split("\t");
    // Renames print "old => new" (or "dir/{old => new}"); the last path is the new name.
    const path = rest[rest.length - 1] ?? "";
    numstat.set(path.replace(/^(.*)\{(.*) => (.*)\}(.*)$/, "$1$3$4").replace(/^.* => /, ""), [Number(add) || 0, Number(del) || 0]);
  }
  const patches = splitPatches(git(dir, ["diff", "-M", "-U3", base.sha, head.sha]));
  return statuses.map((line) => {
    const [code = "", first = "", second] = line.split("\t");
    const filename = second ?? first;
    const [additions, deletions] = numstat.get(filename) ?? [0, 0];
    const status = code.startsWith("A") ? "added" : code.startsWith("D") ? "removed" : code.startsWith("R") ? "renamed" : "modified";
    const sha = (status === "removed" ? base.tree.get(filename) : head.tree.get(filename)) ?? "";
    const file: PullFile = { filename, status, additions, deletions, changes: additions + deletions, sha };
    const patch = patches.get(filename);
    if (patch !== undefined) file.patch = patch;
    if (status === "renamed") file.previous_filename = first;
    return file;
  });
}

/**
 * Commits `base` on `main`, then each push on a `feature` branch, with real git, and returns
 * the commits, blobs and the pull request's files after each push (diff base...push).
 *
 * @example
 * const h = buildPullHistory({ "app.py": "x = 1\n" }, [{ "app.py": "x = input()\n" }]);
 * h.heads[0].files[0].patch // "@@ -1 +1 @@\n-x = 1\n+x = input()"
 */
export function buildPullHistory(base: FileChanges, pushes: FileChanges[]): PullHistory {
  const dir = mkdtempSync(join(tmpdir(), "cwe-review-fake-git-"));
  try {
    git(dir, ["init", "-q", "-b", "main"]);
    const blobs = new Map<string, Buffer>();
    const tree = new Map<string, string>();
    let step = 0;
    const commit = (changes: FileChanges, message: string): Commit => {
      for (const [path, text] of Object.entries(changes)) {
        const file = join(dir, path);
        if (text === null) {
          rmSync(file, { force: true });
          tree.delete(path);
          continue;
        }
        mkdirSync(dirname(file), { recursive: true });
        const bytes = Buffer.from(text, "utf8");
        writeFileSync(file, bytes);
        const sha = blobSha(bytes);
        blobs.set(sha, bytes);
        tree.set(path, sha);
      }
      step += 1;
      git(dir, ["add", "-A"], step);
      git(dir, ["commit", "-q", "--allow-empty", "-m", message], step);
      return { sha: git(dir, ["rev-parse", "HEAD"]).trim(), tree: new Map(tree) };
    };
    const baseCommit = commit(base, "base");
    git(dir, ["checkout", "-q", "-b", "feature"]);
    const heads = pushes.map((changes, i) => {
      const head = commit(changes, `push ${i + 1}`);
      return { commit: head, files: pullFiles(dir, baseCommit, head) };
    });
    return { base: baseCommit, heads, blobs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
