/**
 * Builds the pretraining corpus: Python files on this machine → filtered, deduplicated →
 * p50k counts → compact vocabulary (training/cache/vocab.json) → token ids through the
 * project's own tokenizer (training/cache/corpus.u16, documents separated by [SEP]) and
 * stats (training/cache/corpus.json).
 *
 * Run: npx tsx scripts/training/build-corpus.ts [--out training/cache] [--max-vocab 16000] [--min-count 5]
 *        [--vocab FILE]
 *
 * --vocab tokenizes with an existing vocabulary (a shipped bundle's vocab.json) instead of
 * building one: the files on a machine drift with its installed packages, and an encoder
 * rebuilt on a drifted vocabulary could neither continue a shipped model nor reuse its windows.
 */
import { mkdirSync, readFileSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { buildVocab } from "../../src/tokenizer/build-vocab.js";
import { encodeP50k, P50K_SIZE } from "../../src/tokenizer/p50k.js";
import { createTokenizer, SPECIAL } from "../../src/tokenizer/index.js";
import { LruCache } from "../../src/tokenizer/lru-cache.js";
import { dropReason, exactKey, nearKey, type DropReason } from "./corpus-filter.js";
import { createProgress } from "./progress.js";
import { listPythonFiles, PYTHON_ROOTS } from "./python-files.js";

/** Share of documents held out to measure masked-LM loss during pretraining. */
const VALIDATION_SHARE = 0.01;

const { values: args } = parseArgs({
  options: {
    out: { type: "string", default: "training/cache" },
    "max-vocab": { type: "string", default: "16000" },
    "min-count": { type: "string", default: "5" },
    vocab: { type: "string" },
  },
});
const outDir = args.out;
const maxVocab = Number(args["max-vocab"]);
const minCount = Number(args["min-count"]);

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** A vocab.json as build-vocab writes it: p50k ids, each a whole number in p50k's range. */
function readVocab(path: string): number[] {
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (!Array.isArray(parsed) || !parsed.every((id) => Number.isInteger(id) && id >= 0 && id < P50K_SIZE)) {
    throw new Error(`--vocab ${path}: expected a JSON array of p50k ids (a bundle's vocab.json)`);
  }
  console.log(`[corpus] using the vocabulary in ${path} (${parsed.length} p50k ids)`);
  return parsed as number[];
}

const started = Date.now();
// The dataset issue lets the reserved false-alarm sources serve as unlabelled pretraining text.
const ROOTS = PYTHON_ROOTS;
const files = ROOTS.flatMap((root) => listPythonFiles(root));
console.log(`[corpus] ${files.length} .py files under ${ROOTS.join(", ")}`);

// Pass 1: filter, deduplicate, count p50k ids.
const dropped: Record<DropReason | "duplicate" | "near-duplicate", number> = {
  test: 0, vendored: 0, generated: 0, "long-lines": 0, "too-large": 0, empty: 0, duplicate: 0, "near-duplicate": 0,
};
const seenExact = new Set<string>();
const seenNear = new Set<string>();
const docs: { path: string; lines: string[]; order: string }[] = [];
const counts = new Float64Array(P50K_SIZE);
const lineCache = new LruCache<string, number[]>(200_000);
let p50kTokens = 0;
let lineCount = 0;
const progress1 = createProgress("corpus pass 1/2: filter + count", files.length);
files.forEach((path, i) => {
  const text = readFileSync(path, "utf8");
  const reason = dropReason(path, text);
  if (reason !== null) dropped[reason]++;
  else if (seenExact.has(exactKey(text))) dropped.duplicate++;
  else if (seenNear.has(nearKey(text))) dropped["near-duplicate"]++;
  else {
    seenExact.add(exactKey(text));
    seenNear.add(nearKey(text));
    const lines = splitLines(text);
    for (const line of lines) {
      let ids = lineCache.get(line);
      if (ids === undefined) {
        ids = encodeP50k(line + "\n");
        lineCache.set(line, ids);
      }
      for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
      p50kTokens += ids.length;
    }
    lineCount += lines.length;
    docs.push({ path, lines, order: createHash("sha1").update(path).digest("hex") });
  }
  progress1(i + 1, `${docs.length} kept, ${(p50kTokens / 1e6).toFixed(2)}M p50k tokens`);
});

const vocab: number[] = args.vocab === undefined ? buildVocab(counts, minCount, maxVocab) : readVocab(args.vocab);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "vocab.json"), JSON.stringify(vocab));
let covered = 0;
for (const id of vocab) covered += counts[id] ?? 0;
console.log(`[corpus] vocab: ${vocab.length} p50k ids (min count ${minCount}), covering ${((100 * covered) / p50kTokens).toFixed(2)}% of p50k tokens`);

// Pass 2: documents in a fixed pseudo-random order (hash of path), so the held-out tail is
// a mix of packages rather than whichever folder sorts last.
docs.sort((a, b) => (a.order < b.order ? -1 : 1));
const tokenizer = createTokenizer(vocab, { cacheLines: 200_000 });
const fd = openSync(join(outDir, "corpus.u16"), "w");
let written = 0;
let byteFallback = 0;
let validationStart = -1;
const validationDocs = Math.max(1, Math.round(docs.length * VALIDATION_SHARE));
const progress2 = createProgress("corpus pass 2/2: tokenize + write", docs.length);
docs.forEach((doc, i) => {
  if (i === docs.length - validationDocs) validationStart = written;
  const { ids } = tokenizer.encodeLines(doc.lines, Number.MAX_SAFE_INTEGER);
  ids[0] = SPECIAL.sep; // a document starts with [SEP] in place of [CLS]: the separator
  for (const id of ids) if (id >= 5 && id < 261) byteFallback++;
  const buffer = Uint16Array.from(ids);
  writeSync(fd, buffer, 0, buffer.byteLength);
  written += ids.length;
  progress2(i + 1, `${(written / 1e6).toFixed(2)}M tokens`);
});
closeSync(fd);

const stats = {
  roots: ROOTS,
  files: files.length,
  documents: docs.length,
  dropped,
  lines: lineCount,
  tokens: written,
  p50kTokens,
  validationStart,
  validationDocuments: validationDocs,
  vocabSize: tokenizer.vocabSize,
  vocabEntries: vocab.length,
  vocabFrom: args.vocab ?? "built from this corpus",
  minCount,
  byteFallbackTokens: byteFallback,
  vocabCoverage: covered / p50kTokens,
  seconds: (Date.now() - started) / 1000,
};
writeFileSync(join(outDir, "corpus.json"), JSON.stringify(stats, null, 2) + "\n");
console.log(`[corpus] wrote ${written} tokens (${docs.length} documents) in ${stats.seconds.toFixed(0)}s`);
console.log(JSON.stringify(stats));
