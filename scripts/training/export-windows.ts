/**
 * Cuts the labelled dataset into model windows with the project's own window cutter and
 * tokenizer (the same code serving runs), and writes training/cache/windows-<split>.jsonl
 * plus labels.json (CWE ids present in train, in label-index order).
 *
 * Run: npx tsx scripts/training/export-windows.ts [--data data] [--vocab training/cache/vocab.json] [--out training/cache]
 */
import { createWriteStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadTokenizer } from "../../src/tokenizer/index.js";
import { createWindowCutter } from "../../src/windows/cut-windows.js";
import { describeCwe, isKnownCwe } from "../../src/cwe/catalog.js";
import { labelWindows, sortCwes, type LabelledRecord } from "./window-examples.js";
import { createProgress } from "./progress.js";

/** 256 model positions: [CLS] + 255 source tokens. */
const MAX_LENGTH = 256;
const SPLITS = ["train", "train.augmented", "validation", "test"];

const { values: args } = parseArgs({
  options: {
    data: { type: "string", default: "data" },
    vocab: { type: "string", default: "training/cache/vocab.json" },
    out: { type: "string", default: "training/cache" },
  },
});

function readRecords(path: string): LabelledRecord[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LabelledRecord);
}

const tokenizer = loadTokenizer(args.vocab);
const cutter = await createWindowCutter();
const budget = { maxTokens: MAX_LENGTH - 1, countTokens: (line: string) => tokenizer.countTokens(line) };

const records = new Map<string, LabelledRecord[]>();
for (const split of SPLITS) {
  const path = join(args.data, `${split}.jsonl`);
  if (existsSync(path)) records.set(split, readRecords(path));
  else console.log(`[windows] ${path} not found, skipped`);
}
const trainCwes = [...(records.get("train") ?? []), ...(records.get("train.augmented") ?? [])]
  .filter((r) => r.label === "vulnerable")
  .flatMap((r) => r.cwes);
const labels = sortCwes(trainCwes);
if (labels.length === 0) throw new Error("no vulnerable records in data/train.jsonl: build the dataset first");
const labelIndex = new Map(labels.map((cwe, i) => [cwe, i]));
writeFileSync(join(args.out, "labels.json"), JSON.stringify(labels) + "\n");
// Names for the manifest's labelNames, from the project's CWE catalogue (MITRE short names).
const labelNames = Object.fromEntries(labels.filter(isKnownCwe).map((cwe) => [cwe, describeCwe(cwe).shortName]));
writeFileSync(join(args.out, "label-names.json"), JSON.stringify(labelNames, null, 2) + "\n");

const summary: Record<string, { records: number; windows: number; positive: number; truncated: number }> = {};
for (const [split, list] of records) {
  const out = createWriteStream(join(args.out, `windows-${split}.jsonl`));
  const progress = createProgress(`windows ${split}`, list.length);
  const stats = { records: list.length, windows: 0, positive: 0, truncated: 0 };
  list.forEach((record, i) => {
    const windows = cutter.cut(`${record.id}.py`, record.code, "all", budget);
    for (const example of labelWindows({ ...record, split }, windows, tokenizer, labelIndex, MAX_LENGTH)) {
      stats.windows++;
      if (example.windowLabels.length > 0) stats.positive++;
      if (example.ids.length >= MAX_LENGTH) stats.truncated++;
      out.write(JSON.stringify(example) + "\n");
    }
    progress(i + 1);
  });
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  summary[split] = stats;
}
writeFileSync(join(args.out, "windows.json"), JSON.stringify({ labels, splits: summary }, null, 2) + "\n");
console.log(`[windows] labels (${labels.length}): ${labels.join(" ")}`);
console.log(`[windows] ${JSON.stringify(summary)}`);
