import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isModelBundleError } from "../model/bundle-error.js";
import { createOnnxDetector } from "../model/index.js";
import { createWindowCutter } from "../windows/cut-windows.js";
import { changedLinesFromDiff } from "./changed-lines-from-diff.js";
import { CliUsageError, USAGE } from "./cli-usage-error.js";
import { collectPythonFiles } from "./collect-python-files.js";
import { formatSarif } from "./format-sarif.js";
import { formatText } from "./format-text.js";
import { parseCliArgs } from "./parse-cli-args.js";
import { defaultModelDir, packageVersion } from "./package-root.js";
import type { ScanReport } from "./scan-files.js";
import { scanFiles } from "./scan-files.js";

/** Where the CLI writes; the process's streams in production, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Exit statuses (issue 4 point 7). */
export const EXIT = { clean: 0, findings: 1, error: 2 } as const;

/**
 * Runs `cwe-review` with `argv` (without node and the script) and returns the exit status:
 * 0 no findings, 1 findings at or above the threshold, 2 error (message on stderr).
 * With `--format json` stdout holds only the JSON document.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const command = parseCliArgs(argv);
    if (command.kind === "help") {
      io.stdout.write(USAGE + "\n");
      return EXIT.clean;
    }
    const { options } = command;
    const files = collectPythonFiles(options.paths);
    const changed = options.diffFile === undefined ? undefined : changedForFiles(files, changedLinesFromDiff(readDiff(options.diffFile)));
    const detector = await createOnnxDetector(options.modelDir ?? defaultModelDir(), { threads: options.threads });
    let report: ScanReport;
    try {
      const cutter = await createWindowCutter();
      report = await scanFiles(files, { detector, cutter, changed, threshold: options.threshold });
    } finally {
      await detector.close();
    }
    if (options.format === "json") io.stdout.write(JSON.stringify(report) + "\n");
    else if (options.format === "sarif") io.stdout.write(formatSarif(report, { ...detector.info, toolVersion: packageVersion() }));
    else io.stdout.write(formatText(report));
    return report.findings.length > 0 ? EXIT.findings : EXIT.clean;
  } catch (error) {
    if (error instanceof CliUsageError) io.stderr.write(`cwe-review: ${error.message}\n\n${USAGE}\n`);
    else if (isModelBundleError(error)) io.stderr.write(`cwe-review: ${(error as Error).message}\n`);
    else io.stderr.write(`cwe-review: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.error;
  }
}

/** `-` reads the diff from stdin, so `git diff | cwe-review scan . --diff -` works. */
function readDiff(path: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch {
    throw new CliUsageError(`cannot read the diff file ${path}`);
  }
}

/**
 * Diff paths are relative to the repository root (as `git diff` prints them); scanned
 * paths are as the user typed them. Both are resolved against the current directory, so
 * run the scan from the repository root.
 */
function changedForFiles(files: readonly string[], byDiffPath: ReadonlyMap<string, number[]>): Map<string, number[]> {
  const byAbsolute = new Map([...byDiffPath].map(([path, lines]) => [resolve(path), lines]));
  return new Map(files.map((file) => [file, byAbsolute.get(resolve(file)) ?? []]));
}
