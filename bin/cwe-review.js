#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (also run by `prepare` on npm ci).
import process from "node:process";

let cli;
try {
  cli = await import("../dist/src/cli/main.js");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  process.stderr.write("cwe-review: the compiled CLI is missing (dist/); run `npm run build` in the cwe-review directory\n");
  process.exit(2);
}
await cli.main();
