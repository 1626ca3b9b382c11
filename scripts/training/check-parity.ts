/**
 * Checks an exported bundle end to end: the manifest and vocabulary load through serving's
 * own checks, and onnxruntime-node reproduces the torch outputs in parity.json.
 *
 * Run: npx tsx scripts/training/check-parity.ts models/cwe-review-small
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadBundle } from "../../src/model/load-bundle.js";
import { openOnnxSession } from "../../src/model/onnx-session.js";

interface Parity {
  tolerance: number;
  inputs: { input_ids: number[][]; attention_mask: number[][] };
  outputs: { window_logits: number[][]; token_logits: number[][][] };
}

const dir = process.argv[2] ?? "models/cwe-review-small";
const bundle = loadBundle(dir);
const parity = JSON.parse(readFileSync(join(dir, "parity.json"), "utf8")) as Parity;
const ids = parity.inputs.input_ids;
const session = await openOnnxSession(bundle.modelPath, { threads: 1 });
try {
  const out = await session.run({
    batch: ids.length,
    seq: ids[0]?.length ?? 0,
    ids: BigInt64Array.from(ids.flat().map(BigInt)),
    mask: BigInt64Array.from(parity.inputs.attention_mask.flat().map(BigInt)),
  });
  const diff = (got: Float32Array, want: number[]) =>
    want.length === got.length ? Math.max(...want.map((v, i) => Math.abs(v - (got[i] ?? NaN)))) : Infinity;
  const window = diff(out.windowLogits, parity.outputs.window_logits.flat());
  const token = diff(out.tokenLogits, parity.outputs.token_logits.flat(2));
  console.log(`[parity] ${dir}: ${bundle.manifest.labels.length} labels, max |diff| window ${window.toExponential(2)}, token ${token.toExponential(2)}`);
  if (!(window < parity.tolerance && token < parity.tolerance)) {
    console.error(`[parity] FAILED: onnxruntime-node differs from torch by more than ${parity.tolerance}`);
    process.exitCode = 1;
  }
} finally {
  await session.close();
}
