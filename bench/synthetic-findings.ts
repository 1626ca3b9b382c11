/**
 * `npx tsx bench/synthetic-findings.ts [MODEL_DIR ...]`
 *
 * What each model reports on the benchmark's synthetic modules (test/support/fake-github/
 * synthetic-pr.ts: 20 files of 150 lines, built from six function shapes, one of which,
 * `unsafe_lookup_*`, builds SQL with an f-string). Every finding is attributed to the function
 * it lands in, so a table shows true findings (CWE-89 in `unsafe_lookup`) beside false alarms
 * on the safe shapes. The latency benchmark posts every one of these findings, so their count
 * also sets how many throttled annotation writes a large pull request costs.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { syntheticModule } from "../test/support/fake-github/synthetic-pr.js";
import { ensureBuild } from "../scripts/demo/ensure-build.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const FILES = 20;
const LINES = 150;

interface JsonFinding { path: string; line: number; cwe: string }

/** Name of the function a line belongs to, without its numeric suffix ("unsafe_lookup"). */
function functionAt(lines: readonly string[], line: number): string {
  for (let i = line - 1; i >= 0; i--) {
    const match = /^def (\w+?)_\d+\(/.exec(lines[i] ?? "");
    if (match) return match[1] ?? "?";
  }
  return "(module level)";
}

const models = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["models/cwe-review-small"];
ensureBuild(ROOT);
const dir = mkdtempSync(join(tmpdir(), "cwe-review-synthetic-"));
try {
  const paths = Array.from({ length: FILES }, (_, n) => {
    const path = join(dir, `module_${n}.py`);
    writeFileSync(path, syntheticModule(n, LINES));
    return path;
  });
  const sources = new Map(paths.map((p) => [p, readFileSync(p, "utf8").split("\n")]));
  const unsafe = [...sources.values()].reduce((n, lines) => n + lines.filter((l) => l.startsWith("def unsafe_lookup_")).length, 0);
  console.log(`${FILES} synthetic modules of ${LINES} lines; ${unsafe} functions build SQL with an f-string (unsafe_lookup)\n`);
  console.log("| model | findings | CWE-89 in unsafe_lookup (true) | false alarms | false alarms by CWE and function (top 6) |");
  console.log("|---|---:|---:|---:|---|");
  for (const model of models) {
    // Exit code 1 means "findings reported", which is the expected outcome here.
    let out = "";
    try {
      out = execFileSync(process.execPath, [join(ROOT, "bin/cwe-review.js"), "scan", ...paths, "--model", resolve(model), "--format", "json"], { encoding: "utf8", maxBuffer: 64 << 20 });
    } catch (error) {
      const failed = error as { status?: number; stdout?: string; stderr?: string };
      if (failed.status !== 1) throw new Error(`cwe-review scan failed for ${model}: ${failed.stderr ?? String(error)}`, { cause: error });
      out = failed.stdout ?? "";
    }
    const findings = (JSON.parse(out) as { findings: JsonFinding[] }).findings;
    const counts = new Map<string, number>();
    let truePositives = 0;
    for (const f of findings) {
      const fn = functionAt(sources.get(f.path) ?? [], f.line);
      if (f.cwe === "CWE-89" && fn === "unsafe_lookup") truePositives++;
      else counts.set(`${f.cwe} in ${fn}`, (counts.get(`${f.cwe} in ${fn}`) ?? 0) + 1);
    }
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, n]) => `${k}: ${n}`).join(", ");
    console.log(`| ${model} | ${findings.length} | ${truePositives} | ${findings.length - truePositives} | ${top} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
