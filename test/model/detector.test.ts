import { readFileSync } from "node:fs";
import { loadTokenizer } from "../../src/tokenizer/index.js";
import { createOnnxDetector } from "../../src/model/index.js";
import type { Window } from "../../src/windows/window.js";
import type { Detector } from "../../src/detector/detector.js";
import { join } from "node:path";
import { MODEL_DIR } from "./bundle-dir.js";

const source = readFileSync(new URL("../cli/fixtures/repo/app/views.py", import.meta.url), "utf8").split("\n");
const manifest = JSON.parse(readFileSync(join(MODEL_DIR, "manifest.json"), "utf8")) as { maxLength: number; labels: string[]; tokenizer: { vocab: string } };

/** Windows of the fixture's functions at several lengths, so batches need padding. */
function windows(): Window[] {
  const cuts = [[0, 32], [18, 24], [25, 32], [0, 4], [12, 17]] as const;
  return cuts.map(([from, to], i) => ({
    path: `w${i}.py`,
    lines: source.slice(from, to),
    lineNumbers: source.slice(from, to).map((_, k) => from + k + 1),
    focusLines: [],
  }));
}

describe("ONNX detector on the committed bundle", () => {
  let detector: Detector;
  beforeAll(async () => {
    detector = await createOnnxDetector(MODEL_DIR, { threads: 1, batchSize: 8 });
  });
  afterAll(() => detector.close());

  it("budgets windows with the model's tokenizer and length", () => {
    const tokenizer = loadTokenizer(join(MODEL_DIR, manifest.tokenizer.vocab));
    expect(detector.budget.maxTokens).toBe(manifest.maxLength - 1);
    for (const line of source) expect(detector.budget.countTokens(line)).toBe(tokenizer.countTokens(line));
  });

  it("returns nothing for no windows", async () => {
    await expect(detector.detect([])).resolves.toEqual([]);
  });

  it("reports findings inside their window with a label of the model", async () => {
    const input = windows();
    const findings = await detector.detect(input);
    for (const f of findings) {
      const window = input.find((w) => w.path === f.path) as Window;
      expect(window.lineNumbers).toContain(f.line);
      expect(window.lineNumbers).toContain(f.endLine);
      expect(f.endLine).toBeGreaterThanOrEqual(f.line);
      expect(manifest.labels).toContain(f.cwe);
      expect(f.confidence).toBeGreaterThanOrEqual(0);
      expect(f.confidence).toBeLessThanOrEqual(1);
    }
  });

  it("gives the same findings whatever the batching (padding is masked)", async () => {
    const alone = await createOnnxDetector(MODEL_DIR, { threads: 1, batchSize: 1 });
    try {
      const batched = await detector.detect(windows());
      const single = await alone.detect(windows());
      expect(single.map(({ confidence: _c, ...rest }) => rest)).toEqual(batched.map(({ confidence: _c, ...rest }) => rest));
      single.forEach((f, i) => expect(f.confidence).toBeCloseTo(batched[i]?.confidence ?? -1, 3));
    } finally {
      await alone.close();
    }
  });
});
