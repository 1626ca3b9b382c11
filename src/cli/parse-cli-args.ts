import { parseArgs } from "node:util";
import { CliUsageError } from "./cli-usage-error.js";

/** Output formats of `cwe-review scan`. */
export const FORMATS = ["text", "json", "sarif"] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** What `cwe-review scan` was asked to do. */
export interface ScanOptions {
  paths: string[];
  diffFile?: string;
  format: OutputFormat;
  /** Minimum confidence; 0 keeps everything the model's own thresholds let through. */
  threshold: number;
  modelDir?: string;
  threads: number;
}

/** `help` for -h/--help, else the scan options. */
export type CliCommand = { kind: "help" } | { kind: "scan"; options: ScanOptions };

/**
 * Parses `cwe-review` arguments (without node and the script).
 *
 * @throws CliUsageError on an unknown command or flag, a missing path or a bad value.
 * @example
 * parseCliArgs(["scan", "src", "--format", "json"]) // { kind: "scan", options: { paths: ["src"], format: "json", … } }
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        diff: { type: "string" },
        format: { type: "string", default: "text" },
        threshold: { type: "string" },
        model: { type: "string" },
        threads: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (cause) {
    throw new CliUsageError((cause as Error).message, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: "help" };
  const [command, ...paths] = positionals;
  if (command !== "scan") throw new CliUsageError(command === undefined ? "missing command: scan" : `unknown command: ${command}`);
  if (paths.length === 0) throw new CliUsageError("scan needs at least one file or directory");
  const format = values.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) throw new CliUsageError(`--format must be one of ${FORMATS.join(", ")}, got ${format}`);
  const threshold = values.threshold === undefined ? 0 : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new CliUsageError(`--threshold must be a number from 0 to 1, got ${values.threshold}`);
  const threads = values.threads === undefined ? 2 : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new CliUsageError(`--threads must be a whole number >= 1, got ${values.threads}`);
  return {
    kind: "scan",
    options: { paths, diffFile: values.diff, format: format as OutputFormat, threshold, modelDir: values.model, threads },
  };
}
