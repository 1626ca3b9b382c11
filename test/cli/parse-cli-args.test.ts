import { CliUsageError } from "../../src/cli/cli-usage-error.js";
import { parseCliArgs } from "../../src/cli/parse-cli-args.js";

describe("parseCliArgs", () => {
  it.each([
    { argv: ["scan", "src"], options: { paths: ["src"], format: "text", threshold: 0, threads: 2, diffFile: undefined, modelDir: undefined } },
    {
      argv: ["scan", "a.py", "lib", "--diff", "pr.diff", "--format", "sarif", "--threshold", "0.7", "--model", "m", "--threads", "1"],
      options: { paths: ["a.py", "lib"], format: "sarif", threshold: 0.7, threads: 1, diffFile: "pr.diff", modelDir: "m" },
    },
    { argv: ["scan", "--format=json", "x.py"], options: { paths: ["x.py"], format: "json", threshold: 0, threads: 2, diffFile: undefined, modelDir: undefined } },
  ])("$argv", ({ argv, options }) => {
    expect(parseCliArgs(argv)).toEqual({ kind: "scan", options });
  });

  it.each([["--help"], ["-h"], ["scan", "-h"]])("%p asks for help", (...argv) => {
    expect(parseCliArgs(argv)).toEqual({ kind: "help" });
  });

  it.each([
    { argv: [], message: /missing command/ },
    { argv: ["lint", "x.py"], message: /unknown command: lint/ },
    { argv: ["scan"], message: /at least one file/ },
    { argv: ["scan", "x.py", "--format", "xml"], message: /--format must be one of text, json, sarif/ },
    { argv: ["scan", "x.py", "--threshold", "2"], message: /--threshold must be a number from 0 to 1/ },
    { argv: ["scan", "x.py", "--threshold", "high"], message: /--threshold/ },
    { argv: ["scan", "x.py", "--threads", "0"], message: /--threads/ },
    { argv: ["scan", "x.py", "--verbose"], message: /verbose/ },
  ])("refuses $argv", ({ argv, message }) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
