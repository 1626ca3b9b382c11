import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openOnnxSession } from "../../src/model/onnx-session.js";
import { MODEL_DIR } from "./bundle-dir.js";

/**
 * training/export.py writes the torch model's outputs for a few windows (one batch with
 * padding) to parity.json; onnxruntime-node must reproduce them (issue 4 point 5).
 */
const TOLERANCE = 1e-4;

interface Parity {
  inputs: { input_ids: number[][]; attention_mask: number[][] };
  outputs: { window_logits: number[][]; token_logits: number[][][] };
}

const parity = JSON.parse(readFileSync(join(MODEL_DIR, "parity.json"), "utf8")) as Parity;

describe("ONNX parity with torch", () => {
  let outputs: Awaited<ReturnType<Awaited<ReturnType<typeof openOnnxSession>>["run"]>>;
  const batch = parity.inputs.input_ids.length;
  const seq = parity.inputs.input_ids[0]?.length ?? 0;

  beforeAll(async () => {
    const session = await openOnnxSession(join(MODEL_DIR, "model.onnx"), { threads: 1 });
    try {
      outputs = await session.run({
        ids: BigInt64Array.from(parity.inputs.input_ids.flat().map(BigInt)),
        mask: BigInt64Array.from(parity.inputs.attention_mask.flat().map(BigInt)),
        batch,
        seq,
      });
    } finally {
      await session.close();
    }
  });

  it("covers a padded batch of several windows", () => {
    expect(batch).toBeGreaterThanOrEqual(2);
    expect(parity.inputs.attention_mask.some((row) => row.includes(0))).toBe(true);
    expect(outputs.labels).toBe(parity.outputs.window_logits[0]?.length);
  });

  it(`reproduces window_logits within ${TOLERANCE}`, () => {
    const expected = parity.outputs.window_logits.flat();
    expect(outputs.windowLogits.length).toBe(expected.length);
    const worst = Math.max(...expected.map((value, i) => Math.abs((outputs.windowLogits[i] ?? Number.NaN) - value)));
    expect(worst).toBeLessThan(TOLERANCE);
  });

  it(`reproduces token_logits of every real (unpadded) token within ${TOLERANCE}`, () => {
    const labels = outputs.labels;
    let worst = 0;
    let compared = 0;
    parity.outputs.token_logits.forEach((rows, b) =>
      rows.forEach((row, t) => {
        // Padded positions carry no meaning (attention ignores them); the detector never reads them.
        if (parity.inputs.attention_mask[b]?.[t] !== 1) return;
        row.forEach((value, l) => {
          const actual = outputs.tokenLogits[(b * seq + t) * labels + l] ?? Number.NaN;
          worst = Math.max(worst, Number.isNaN(actual) ? Infinity : Math.abs(actual - value));
          compared++;
        });
      }),
    );
    expect(compared).toBe(parity.inputs.attention_mask.flat().filter((m) => m === 1).length * labels);
    expect(worst).toBeLessThan(TOLERANCE);
  });
});
