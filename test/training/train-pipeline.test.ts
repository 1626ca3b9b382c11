import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildVocab } from "../../src/tokenizer/build-vocab.js";
import { encodeP50k, P50K_SIZE } from "../../src/tokenizer/p50k.js";
import { createTokenizer, SPECIAL } from "../../src/tokenizer/index.js";
import { loadBundle } from "../../src/model/load-bundle.js";
import { openOnnxSession } from "../../src/model/onnx-session.js";
import { sigmoid } from "../../src/model/findings-from-scores.js";
import { ensureBaseBundle } from "../../scripts/eval/base-bundle.js";

// The real run takes over an hour; this runs every stage (window export → pretraining →
// fine-tuning → ONNX export) on a tiny configuration so CI notices when one breaks.
// Python training needs Debian's python3-torch and python3-onnx; CI images without them skip.
const PYTHON = "/usr/bin/python3";
const hasTorch = spawnSync(PYTHON, ["-c", "import torch, onnx"], { stdio: "ignore" }).status === 0;
if (!hasTorch) {
  console.warn(`skipping the training pipeline test: ${PYTHON} lacks torch/onnx (apt-get install python3-torch python3-onnx python3-numpy libopenblas0-pthread)`);
}
const describeIfTorch = hasTorch ? describe : describe.skip;

const FIXTURES = new URL("./fixtures/data/", import.meta.url).pathname;
const TINY = ["--d-model", "32", "--layers", "1", "--heads", "2", "--ff", "64", "--threads", "1"];

function python(script: string, args: string[]): string {
  return execFileSync(PYTHON, [join("training", script), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describeIfTorch("training pipeline on a tiny configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "train-pipeline-"));
  const data = join(dir, "data");
  const cache = join(dir, "cache");
  const records = () =>
    ["train", "validation"].flatMap((split) =>
      readFileSync(join(FIXTURES, `${split}.jsonl`), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { code: string }),
    );

  beforeAll(() => {
    cpSync(FIXTURES, data, { recursive: true });
    mkdirSync(cache, { recursive: true });
    // A vocabulary and corpus built from the fixture code, as build-corpus.ts does at scale.
    const lines = records().flatMap((r) => r.code.split("\n"));
    const counts = new Uint32Array(P50K_SIZE);
    for (const line of lines) for (const id of encodeP50k(line + "\n")) counts[id] = (counts[id] ?? 0) + 1;
    const vocab = buildVocab(counts, 2, 1000);
    writeFileSync(join(cache, "vocab.json"), JSON.stringify(vocab));
    const tokenizer = createTokenizer(vocab);
    const ids: number[] = [];
    for (let copy = 0; copy < 20; copy++) {
      for (const r of records()) {
        const doc = tokenizer.encodeLines(r.code.split("\n"), 100_000).ids;
        doc[0] = SPECIAL.sep;
        ids.push(...doc);
      }
    }
    writeFileSync(join(cache, "corpus.u16"), Uint16Array.from(ids));
    writeFileSync(join(cache, "corpus.json"), JSON.stringify({
      tokens: ids.length, validationStart: Math.floor(ids.length * 0.8), vocabSize: tokenizer.vocabSize,
    }));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("exports windows, pretrains, fine-tunes and exports a bundle that onnxruntime-node reproduces", async () => {
    execFileSync(process.execPath, ["--import", "tsx", "scripts/training/export-windows.ts",
      "--data", data, "--vocab", join(cache, "vocab.json"), "--out", cache], { stdio: "pipe" });
    expect(JSON.parse(readFileSync(join(cache, "labels.json"), "utf8"))).toEqual(["CWE-78", "CWE-89"]);
    const train = readFileSync(join(cache, "windows-train.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    // The vulnerable SQL record is cut into three windows (imports, two functions): only
    // the one of find_user holds the marked line 6.
    const sqli = train.filter((w: { id: string }) => w.id === "t-sqli-1");
    expect(sqli.map((w: { windowLabels: number[] }) => w.windowLabels)).toEqual([[], [1], []]);
    const marked = sqli[1].lineOfToken.filter((_: number, i: number) => sqli[1].tokenLabels[i].length > 0);
    expect(new Set(marked)).toEqual(new Set([6]));

    const pretrainOut = join(dir, "pretrain");
    python("pretrain.py", ["--corpus", cache, "--out", pretrainOut, "--steps", "3", "--batch", "2", "--seq", "32",
      "--warmup", "1", "--log-seconds", "0", ...TINY]);
    expect(existsSync(join(pretrainOut, "encoder.pt"))).toBe(true);
    // A continued run starts from the saved vocabulary head as well as the encoder.
    const continued = spawnSync(PYTHON, [join("training", "pretrain.py"), "--corpus", cache, "--out", join(dir, "pretrain-continued"),
      "--init", join(pretrainOut, "encoder.pt"), "--steps", "1", "--batch", "2", "--seq", "32", "--warmup", "1", "--log-seconds", "0", ...TINY],
    { encoding: "utf8" });
    expect(continued.status).toBe(0);
    expect(continued.stdout + continued.stderr).toContain("vocabulary head initialised from it too");
    // keep_encoder.py writes the encoder where git can hold it (float16, with provenance); the
    // base-model bundle is exported from the kept file as from encoder.pt.
    const kept = join(dir, "kept", "encoder.fp16.pt");
    expect(python("keep_encoder.py", [pretrainOut, "--out", kept, "--corpus", cache])).toMatch(/largest float16 rounding \d\.\de-0[3-9]/);
    const keptInfo = JSON.parse(execFileSync(PYTHON, ["-c", [
      "import json, sys, torch",
      "k = torch.load(sys.argv[1])",
      "print(json.dumps({'dtypes': sorted({str(v.dtype) for v in k['encoder'].values()}), 'step': k['provenance']['summary']['step'],",
      "  'tokens': k['provenance']['corpus']['tokens'], 'head': 'lm_head' in k}))",
    ].join("\n"), kept], { encoding: "utf8" }));
    expect(keptInfo).toEqual({ dtypes: ["torch.float16"], step: 3, tokens: expect.any(Number), head: false });
    const baseBundle = join(dir, "base");
    python("export.py", ["--encoder", kept, "--cache", cache, "--data", data, "--out", baseBundle]);
    expect(loadBundle(baseBundle).manifest.training).toMatchObject({ source: "pretrained encoder, untrained heads", encoder: kept });

    const finetuneOut = join(dir, "finetune");
    python("finetune.py", ["--windows", cache, "--init", join(pretrainOut, "encoder.pt"), "--out", finetuneOut,
      "--steps", "4", "--eval-steps", "2", "--batch", "2", "--threads", "1"]);
    const summary = JSON.parse(readFileSync(join(finetuneOut, "summary.json"), "utf8"));
    expect(summary.training.steps).toBe(4);
    expect(Object.keys(summary.thresholds)).toEqual(["CWE-78", "CWE-89"]);
    for (const t of Object.values(summary.thresholds) as number[]) expect(t).toBeGreaterThanOrEqual(0.15);

    // validate.py re-scores a model on today's validation windows; with the thresholds re-chosen
    // as fine-tuning chooses them it must reproduce fine-tuning's own validation F1. The model
    // against itself is the bootstrap's fixed point: every paired resample differs by exactly 0.
    const model = join(finetuneOut, "model.pt");
    // Held-out background code, as export-background.ts --held-out-lines writes it: here the
    // validation windows stand in, two files of 40 lines each.
    const background = readFileSync(join(cache, "windows-validation.jsonl"), "utf8").trim().split("\n")
      .map((line, i) => JSON.stringify({ ...JSON.parse(line), id: `background:f${i % 2}.py`, fileLines: 40 }));
    writeFileSync(join(cache, "windows-background-validation.jsonl"), background.join("\n") + "\n");
    // Predictions are kept by model, windows file and code: the model given twice is scored once
    // per windows file (validation and background), a rerun reads them back, and the table is the
    // one a run without the cache prints.
    const predictions = join(dir, "predictions");
    const validate = (...extra: string[]) => python("validate.py", [model, model, "--bootstrap", "20", "--windows", cache,
      "--data", join(data, "validation.jsonl"), "--threads", "1", "--prediction-cache", predictions, ...extra]);
    // (Log lines, which carry the time and a measured matmul rate, are left out of the comparison.)
    const tableOf = (out: string) => out.split("\n").filter((line) => !line.startsWith("[")).join("\n");
    const table = validate();
    expect(readdirSync(predictions).filter((name) => name.endsWith(".npz"))).toHaveLength(2);
    expect(tableOf(validate())).toBe(tableOf(table));
    expect(tableOf(validate("--no-cache"))).toBe(tableOf(table));
    const cells = (line: string | undefined) => (line ?? "").split("|").map((cell) => cell.trim());
    const lines = table.split("\n");
    const f1Column = cells(lines.find((line) => line.startsWith("| model |"))).indexOf("F1");
    const allRow = cells(lines.find((line) => line.includes("| all | re-chosen")));
    expect(f1Column).toBeGreaterThan(0);
    expect(allRow[f1Column]).toMatch(/^\d/);
    expect(Number(allRow[f1Column])).toBeCloseTo(summary.eval.validation.binary.f1, 4);
    const [, , alarms, lineCount, per10k] = cells(lines.find((line) => line.startsWith(`| ${model} |`) && line.split("|").length === 6));
    expect(lineCount).toBe("80");
    expect(Number(per10k)).toBeCloseTo((Number(alarms) / 80) * 1e4, 1);
    expect(cells(lines.find((line) => line.includes("| +0.0000 |")))).toEqual(
      ["", model, "+0.0000", "+0.0000 to +0.0000", "+0.0000", "+0.0000 to +0.0000", "not shown", ""]);

    // soup.py averages weights: a soup of a model with itself is that model, so with thresholds
    // chosen the same way it must reproduce fine-tuning's validation figures.
    const soupOut = join(dir, "soup");
    python("soup.py", [model, model, "--out", soupOut, "--windows", cache, "--threads", "1"]);
    const soup = JSON.parse(readFileSync(join(soupOut, "summary.json"), "utf8"));
    expect(soup.training.soupOf).toHaveLength(2);
    expect(soup.eval.validation.binary.f1).toBeCloseTo(summary.eval.validation.binary.f1, 4);
    expect(soup.thresholds).toEqual(summary.thresholds);

    const bundle = join(dir, "bundle");
    python("export.py", ["--model", join(finetuneOut, "model.pt"), "--cache", cache, "--data", data,
      "--out", bundle, "--pretrain-dir", pretrainOut]);
    const loaded = loadBundle(bundle);
    expect(loaded.manifest.labels).toEqual(["CWE-78", "CWE-89"]);
    expect(loaded.manifest.labelNames).toMatchObject({ "CWE-89": "SQL Injection" });
    expect(loaded.manifest.data).toMatchObject({ files: ["train.jsonl", "validation.jsonl"] });

    // `npm run eval` on a fresh checkout has no training/runs/base: it exports the base bundle from
    // the newest committed encoder, with the evaluated bundle's vocabulary and labels (no cache).
    const fresh = join(dir, "fresh");
    mkdirSync(join(fresh, "training", "encoders"), { recursive: true });
    cpSync("training", join(fresh, "training"), { recursive: true, filter: (src) => src === "training" || src.endsWith(".py") });
    cpSync(kept, join(fresh, "training", "encoders", "pretrain-a.pt"));
    expect(ensureBaseBundle(join(dir, "no-encoders"), bundle, join(dir, "no-encoders", "base"))).toBeNull();
    const freshBase = ensureBaseBundle(fresh, bundle, join(fresh, "training", "runs", "base"));
    expect(freshBase).toBe(join(fresh, "training", "runs", "base"));
    const freshManifest = loadBundle(freshBase as string).manifest;
    expect(freshManifest.version).toBe("base-pretrain-a");
    expect(freshManifest.labels).toEqual(loaded.manifest.labels);
    expect(freshManifest.labelNames).toEqual(loaded.manifest.labelNames);
    expect(readFileSync(join(freshBase as string, "vocab.json"))).toEqual(readFileSync(join(bundle, "vocab.json")));

    // recover.py rebuilds model.pt from the bundle alone (a fresh checkout has no training/runs/);
    // the rebuilt model carries the bundle's thresholds and fine-tunes further with --keep last.
    const recovered = join(dir, "recovered");
    expect(python("recover.py", ["--bundle", bundle, "--out", recovered])).toMatch(/parity error \d\.\d\de-0[5-9]/);
    const continuedOut = join(dir, "continued");
    python("finetune.py", ["--windows", cache, "--init", join(recovered, "model.pt"), "--out", continuedOut,
      "--steps", "3", "--eval-steps", "1", "--patience", "1", "--keep", "last", "--batch", "2", "--threads", "1"]);
    const continuedSummary = JSON.parse(readFileSync(join(continuedOut, "summary.json"), "utf8"));
    expect(continuedSummary.training).toMatchObject({ steps: 3, bestStep: 3, pretrained: join(recovered, "model.pt") });
    // Its bundle keeps the lineage: the rebuilt model's own training record, down to the bundle it came from.
    const continuedBundle = join(dir, "bundle-continued");
    python("export.py", ["--model", join(continuedOut, "model.pt"), "--cache", cache, "--data", data, "--out", continuedBundle,
      "--pretrain-dir", join(dir, "no-pretraining"), "--version", "9.9.9"]);
    const lineage = JSON.parse(readFileSync(join(continuedBundle, "manifest.json"), "utf8")).training;
    expect(lineage.continuedFrom.recoveredFrom).toMatchObject({ bundle, parityError: expect.any(Number) });
    expect(lineage.continuedFrom.steps).toBe(4);
    // A fine-tuning run stopped part-way resumes from its checkpoint as if it had never stopped:
    // rerunning the same command gives exactly the weights of an uninterrupted run.
    const resumeArgs = ["--windows", cache, "--init", join(recovered, "model.pt"), "--steps", "5", "--eval-steps", "5",
      "--keep", "last", "--batch", "2", "--threads", "1"];
    const straight = join(dir, "straight");
    python("finetune.py", [...resumeArgs, "--out", straight]);
    const resumedOut = join(dir, "resumed");
    const finetune = (extra: string[]) =>
      spawnSync(PYTHON, [join("training", "finetune.py"), ...resumeArgs, "--out", resumedOut, ...extra], { encoding: "utf8" });
    const stopped = finetune(["--interrupt-at", "3"]);
    expect(stopped.status).not.toBe(0);
    expect(stopped.stderr).toContain("interrupted at step 3");
    expect(existsSync(join(resumedOut, "checkpoint.pt"))).toBe(true);
    expect(existsSync(join(resumedOut, "model.pt"))).toBe(false);
    const otherRun = finetune(["--lr", "1e-3"]);
    expect(otherRun.status).not.toBe(0);
    expect(otherRun.stderr).toContain("other arguments (lr)");
    const resumed = finetune([]);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain("resumed from step 3 of 5");
    expect(existsSync(join(resumedOut, "checkpoint.pt"))).toBe(false);
    const maxDiff = execFileSync(PYTHON, ["-c", [
      "import sys, torch",
      "a, b = (torch.load(p)['state'] for p in sys.argv[1:])",
      "print(max(float((a[k].float() - b[k].float()).abs().max()) for k in a))",
    ].join("\n"), join(straight, "model.pt"), join(resumedOut, "model.pt")], { encoding: "utf8" });
    expect(Number(maxDiff.trim())).toBe(0);
    // A rebuilt model that does not reproduce the bundle's parity outputs is refused, not written.
    const misstated = join(dir, "bundle-misstated");
    cpSync(bundle, misstated, { recursive: true });
    const parityPath = join(misstated, "parity.json");
    const tampered = JSON.parse(readFileSync(parityPath, "utf8"));
    tampered.outputs.window_logits[0][0] += 0.01;
    writeFileSync(parityPath, JSON.stringify(tampered));
    const refused = spawnSync(PYTHON, [join("training", "recover.py"), "--bundle", misstated, "--out", join(dir, "refused")], { encoding: "utf8" });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("differs from");
    expect(existsSync(join(dir, "refused", "model.pt"))).toBe(false);

    const parity = JSON.parse(readFileSync(join(bundle, "parity.json"), "utf8"));
    const ids: number[][] = parity.inputs.input_ids;
    // The factored head reports a window under a CWE exactly as strongly as its strongest
    // real token: serving places findings by token scores and reports window scores.
    const masks = parity.inputs.attention_mask as number[][];
    (parity.outputs.window_logits as number[][]).forEach((row, b) => {
      row.forEach((logit, label) => {
        const tokens = (parity.outputs.token_logits as number[][][])[b] ?? [];
        const real = tokens.filter((_, t) => masks[b]?.[t] === 1).map((scores) => scores[label] ?? -Infinity);
        expect(logit).toBeCloseTo(Math.max(...real), 5);
      });
    });
    // CWEs compete for a token (a softmax under one "weakness here" probability), so a
    // token's probabilities over all CWEs sum to at most 1.
    for (const tokens of parity.outputs.token_logits as number[][][]) {
      for (const scores of tokens) expect(scores.reduce((sum, x) => sum + sigmoid(x), 0)).toBeLessThanOrEqual(1 + 1e-4);
    }
    const seq = ids[0]?.length ?? 0;
    const session = await openOnnxSession(loaded.modelPath, { threads: 1 });
    try {
      const out = await session.run({
        batch: ids.length, seq,
        ids: BigInt64Array.from(ids.flat().map(BigInt)),
        mask: BigInt64Array.from((parity.inputs.attention_mask as number[][]).flat().map(BigInt)),
      });
      const expectWindow = (parity.outputs.window_logits as number[][]).flat();
      const expectToken = (parity.outputs.token_logits as number[][][]).flat(2);
      expect(out.windowLogits.length).toBe(expectWindow.length);
      expect(out.tokenLogits.length).toBe(expectToken.length);
      const maxDiff = (a: Float32Array, b: number[]) => Math.max(...b.map((v, i) => Math.abs(v - (a[i] ?? NaN))));
      expect(maxDiff(out.windowLogits, expectWindow)).toBeLessThan(1e-4);
      expect(maxDiff(out.tokenLogits, expectToken)).toBeLessThan(1e-4);
    } finally {
      await session.close();
    }
  }, 120_000);
});

describeIfTorch("validate.py release rule", () => {
  // verdict(score interval, top-line interval, margin, alarms), each interval (mean, low, high);
  // alarms (incumbent, candidate) per 10k held-out background lines, or None.
  const verdict = (score: number[], top: number[], alarms: number[] | null = null) =>
    execFileSync(PYTHON, ["-c", `import sys; sys.path.insert(0, "training"); from validate import verdict; print(verdict(${JSON.stringify(score)}, ${JSON.stringify(top)}, 0.02, ${alarms ? JSON.stringify(alarms) : "None"}))`],
      { encoding: "utf8" }).trim();

  it("ships on a shown score gain, or on a shown top-line gain with the score within the margin", () => {
    expect(verdict([0.03, 0.005, 0.05], [-0.1, -0.2, 0.0])).toBe("yes (score)");
    expect(verdict([0.0, -0.015, 0.02], [0.08, 0.02, 0.14])).toBe("yes (top line; score within the margin)");
    expect(verdict([0.0, -0.025, 0.02], [0.08, 0.02, 0.14])).toBe("not shown");
    expect(verdict([0.0, -0.015, 0.02], [0.08, -0.01, 0.14])).toBe("not shown");
    expect(verdict([-0.04, -0.07, -0.01], [0.08, 0.02, 0.14])).toBe("worse");
  });

  it("does not ship a gain that raises alarms on held-out background code by more than 2 per 10k lines", () => {
    expect(verdict([0.03, 0.005, 0.05], [0, -0.1, 0.1], [3.45, 5.4])).toBe("yes (score)");
    expect(verdict([0.03, 0.005, 0.05], [0, -0.1, 0.1], [3.45, 5.5])).toBe("no (alarms 5.50 against 3.45 per 10k lines)");
    expect(verdict([0.0, -0.015, 0.02], [0.08, 0.02, 0.14], [3.45, 18.84])).toBe("no (alarms 18.84 against 3.45 per 10k lines)");
    expect(verdict([-0.04, -0.07, -0.01], [0.08, 0.02, 0.14], [3.45, 18.84])).toBe("worse");
  });
});
