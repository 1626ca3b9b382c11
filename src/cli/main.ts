import { runCli } from "./run-cli.js";

/**
 * The `cwe-review` command (bin/cwe-review.js imports this file from dist/). Sets the exit
 * status instead of calling process.exit, so stdout is flushed before Node exits.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.exitCode = await runCli(argv, { stdout: process.stdout, stderr: process.stderr });
}
