import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOnnxDetector, isModelBundleError, ModelBundleError } from "../../src/model/index.js";
import { MODEL_DIR } from "./bundle-dir.js";

type Manifest = Record<string, unknown> & { labels: string[]; thresholds: Record<string, number>; tokenizer: Record<string, unknown> };
const manifest = (): Manifest => JSON.parse(readFileSync(join(MODEL_DIR, "manifest.json"), "utf8"));

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A bundle dir that links the real model and vocabulary, with `files` written over them. */
function bundleWith(files: { manifest?: unknown; model?: string; vocab?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), "cwe-review-bundle-"));
  dirs.push(dir);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(files.manifest ?? manifest()));
  if (files.model === undefined) symlinkSync(join(MODEL_DIR, "model.onnx"), join(dir, "model.onnx"));
  else writeFileSync(join(dir, "model.onnx"), files.model);
  const vocabName = String((manifest().tokenizer as { vocab: string }).vocab);
  if (files.vocab === undefined) symlinkSync(join(MODEL_DIR, vocabName), join(dir, vocabName));
  else writeFileSync(join(dir, vocabName), files.vocab);
  return dir;
}

async function expectBundleError(dir: string, message: RegExp): Promise<void> {
  const error: unknown = await createOnnxDetector(dir, { threads: 1 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelBundleError);
  expect(isModelBundleError(error)).toBe(true);
  expect((error as Error).name).toBe("ModelBundleError");
  expect((error as Error).message).toMatch(message);
  // Every message says what to do.
  expect((error as Error).message).toMatch(/npm run train.*MODEL_DIR/);
}

describe("a missing or mismatched bundle", () => {
  it("loads the committed bundle", async () => {
    const detector = await createOnnxDetector(MODEL_DIR, { threads: 1 });
    expect(detector.info).toEqual({ name: manifest()["name"], version: manifest()["version"] });
    await detector.close();
  });

  it("missing directory", async () => {
    await expectBundleError(join(tmpdir(), "no-such-cwe-review-bundle"), /no manifest\.json/);
  });

  it("manifest that is not JSON", async () => {
    const dir = bundleWith({});
    writeFileSync(join(dir, "manifest.json"), "{ nope");
    await expectBundleError(dir, /cannot read .*manifest\.json as JSON/);
  });

  it("label without a threshold", async () => {
    const m = manifest();
    const [first] = m.labels;
    delete m.thresholds[first as string];
    await expectBundleError(bundleWith({ manifest: m }), new RegExp(`no threshold for ${first}`));
  });

  it("vocabulary size that differs from the manifest", async () => {
    const m = manifest();
    m.tokenizer = { ...m.tokenizer, vocabSize: Number(m.tokenizer["vocabSize"]) + 1 };
    await expectBundleError(bundleWith({ manifest: m }), /different builds/);
  });

  it("vocabulary file that is not a list of ids", async () => {
    await expectBundleError(bundleWith({ vocab: '{"a": 1}' }), /cannot load the tokenizer vocabulary/);
  });

  it("fewer labels in the manifest than the model outputs", async () => {
    const m = manifest();
    const dropped = m.labels.pop() as string;
    delete m.thresholds[dropped];
    await expectBundleError(bundleWith({ manifest: m }), /model has \d+ labels, manifest lists \d+/);
  });

  it("manifest naming other inputs than the contract", async () => {
    await expectBundleError(bundleWith({ manifest: { ...manifest(), inputs: ["ids", "attention_mask"] } }), /inputs: missing input_ids/);
  });

  it("model file that onnxruntime cannot load", async () => {
    await expectBundleError(bundleWith({ model: "not an onnx model" }), /onnxruntime cannot load/);
  });
});
