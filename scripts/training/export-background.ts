/**
 * Optional "background" negatives for fine-tuning: windows of installed, non-reserved Python
 * code (standard library, numpy, torch, …) labelled as having no weakness. They are not
 * reviewed, so some may hold a real weakness; they teach the model what ordinary code looks
 * like, against false alarms on mature projects. The reserved false-alarm sources (Django,
 * Flask, requests, Werkzeug, Jinja2) are never used; tests, vendored and generated files are
 * skipped as in the corpus.
 *
 * With `--held-out-lines N`, it also writes `windows-background-validation.jsonl`: every window of
 * whole files taken from the other end of the same order, none of them a file the training
 * windows came from, until they hold N lines. `training/validate.py --background-validation`
 * counts a model's alarms per 10,000 lines on them: a false-alarm figure that may choose
 * models, since the reserved mature sources may not.
 *
 * Run: npx tsx scripts/training/export-background.ts [--windows 3000] [--held-out-lines 0] [--vocab training/cache/vocab.json] [--out training/cache]
 */
import { createHash } from "node:crypto";
import { createWriteStream, readFileSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadTokenizer } from "../../src/tokenizer/index.js";
import { createWindowCutter } from "../../src/windows/cut-windows.js";
import { dropReason } from "./corpus-filter.js";
import { countLines } from "../eval/mature-sources.js";
import { createProgress } from "./progress.js";
import { isReserved, listPythonFiles, PYTHON_ROOTS } from "./python-files.js";
import { labelWindows } from "./window-examples.js";

const MAX_LENGTH = 256;
/** Windows this short (a lone import, a constant) say little about how code is written. */
const MIN_TOKENS = 24;
/** At most this many windows per file, so a few huge modules do not dominate. */
const PER_FILE = 2;

const { values: args } = parseArgs({
  options: {
    windows: { type: "string", default: "3000" },
    "held-out-lines": { type: "string", default: "0" },
    vocab: { type: "string", default: "training/cache/vocab.json" },
    out: { type: "string", default: "training/cache" },
  },
});
const wanted = Number(args.windows);
const close = (stream: WriteStream) =>
  new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
const hash = (text: string) => createHash("sha1").update(text).digest("hex");

const tokenizer = loadTokenizer(args.vocab);
const cutter = await createWindowCutter();
const budget = { maxTokens: MAX_LENGTH - 1, countTokens: (line: string) => tokenizer.countTokens(line) };
// A fixed pseudo-random file order (hash of the path), so the same windows come out each run.
const files = PYTHON_ROOTS.flatMap((root) => listPythonFiles(root))
  .filter((path) => !isReserved(path))
  .sort((a, b) => (hash(a) < hash(b) ? -1 : 1));

const out = createWriteStream(join(args.out, "windows-background.jsonl"));
const progress = createProgress("background windows", wanted);
let written = 0;
const trainingFiles = new Set<string>();
for (const path of files) {
  if (written >= wanted) break;
  const text = readFileSync(path, "utf8");
  if (dropReason(path, text) !== null) continue;
  const id = `background:${path}`;
  const windows = cutter
    .cut(path, text, "all", budget)
    .filter((window) => window.lines.reduce((sum, line) => sum + tokenizer.countTokens(line), 0) >= MIN_TOKENS)
    .sort((a, b) => (hash(`${path}:${a.lineNumbers[0]}`) < hash(`${path}:${b.lineNumbers[0]}`) ? -1 : 1))
    .slice(0, Math.min(PER_FILE, wanted - written));
  if (windows.length === 0) continue;
  trainingFiles.add(path);
  const record = { id, label: "safe" as const, cwes: [], code: text, lines: [], split: "background", family: "background" };
  for (const example of labelWindows(record, windows, tokenizer, new Map(), MAX_LENGTH)) {
    out.write(JSON.stringify(example) + "\n");
    written++;
  }
  progress(written);
}
await close(out);
console.log(`[background] ${written} windows from ${trainingFiles.size} files (reserved packages excluded)`);

const heldOutLines = Number(args["held-out-lines"]);
if (heldOutLines > 0) {
  const held = createWriteStream(join(args.out, "windows-background-validation.jsonl"));
  const heldProgress = createProgress("held-out background lines", heldOutLines);
  let lines = 0;
  let heldFiles = 0;
  let heldWindows = 0;
  for (const path of [...files].reverse()) {
    if (lines >= heldOutLines) break;
    if (trainingFiles.has(path)) throw new Error(`held-out background reached training file ${path}; ask for fewer lines`);
    const text = readFileSync(path, "utf8");
    if (dropReason(path, text) !== null) continue;
    // Every window of the file, as the worker scans a file, so alarms count per line of code.
    const windows = cutter.cut(path, text, "all", budget);
    if (windows.length === 0) continue;
    const record = { id: `background:${path}`, label: "safe" as const, cwes: [], code: text, lines: [], split: "background", family: `background:${path}` };
    const fileLines = countLines(text);
    for (const example of labelWindows(record, windows, tokenizer, new Map(), MAX_LENGTH)) {
      held.write(JSON.stringify({ ...example, fileLines }) + "\n");
      heldWindows++;
    }
    heldFiles++;
    lines += fileLines;
    heldProgress(Math.min(lines, heldOutLines));
  }
  await close(held);
  console.log(`[background] held out: ${heldWindows} windows from ${heldFiles} files, ${lines} lines (none of them a training file)`);
}
